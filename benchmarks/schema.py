"""The schéma d'inclusion numérique at scale: `GET /api/studies/{id}/schema.pdf` and `.odt` for a study of
8 residents' workshops, 300 street-survey responses and a partners' workshop of 30 actions (each with its
fiche, capabilities web today and aimed, milestones, and links to the residents' ideas), against a small
study (1 workshop, 20 responses, 2 actions) measured in the same run, on the same server.

    .venv/bin/python benchmarks/schema.py [--samples 3] [--lang fr] [--database-url URL]

A fresh `fresque serve` (SQLite in a temporary folder unless --database-url) is seeded as the diagnostic's
benchmark seeds it (tests/support/study_seed.py: boards imported as export documents, responses through
the store), then the partners' workshop through the API and its board's socket. Printed: for each study and
format, the first download (cold: the diagnostic, the boards and the figures drawn anew) in wall time and
in the server process's CPU time (psutil: what other work on a shared machine does not inflate), the median
and worst wall time and median CPU of `--samples` downloads (the first included; later ones find the
figures' PNG drawn), the size, the pages or pictures, the ratio large / small, and `uptime` before and after
(a shared machine's load shows in every wall figure). Targets (issue 14): PDF ≤ 15 s, ODT ≤ 5 s.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from support.client import BoardClient  # noqa: E402
from support.study_seed import SeededStudy, seed_study  # noqa: E402

TARGETS = {"pdf": 15.0, "odt": 5.0}
LANES = ("continue", "reinforce", "create")
OBJECTIVES = ("Ouvrir une permanence", "Former des aidants", "Prêter du matériel", "Traduire les démarches")


class ActionsClient(BoardClient):
    """A socket on an actions board: no exploration replica to keep."""

    def _resync(self, welcome: dict[str, Any]) -> None:
        self.seq = welcome["seq"]

    def _apply(self, ops: list[dict[str, Any]], author: str) -> None:
        return None


def solutions_of(study: SeededStudy) -> list[tuple[str, str]]:
    """Every visible solution of the study's imported boards: (board, item)."""
    found = []
    for document in study.exports():
        found += [
            (document["board"]["id"], i["id"])
            for i in document["items"]
            if i["kind"] == "solution" and not i.get("hidden")
        ]
    return found


async def fill_plan(study: SeededStudy, board: str, token: str, actions: int, rng: random.Random) -> None:
    client = ActionsClient(study.server.ws_url(board), study.server.origin, token)
    welcome = await client.connect()
    settings = welcome["snapshot"]["settings"]
    organisations = [o["id"] for o in settings["organisations"]]
    axes = [a["id"] for a in settings["axes"]]
    series = [s["id"] for s in settings["series"]]
    solutions = solutions_of(study)
    for n in range(actions):
        action = f"act-bench-{n:03d}-{rng.randrange(10**6):06d}"
        start = rng.randrange(0, 30)
        span = rng.randrange(2, 14)
        month = lambda m: f"{2026 + m // 12}-{m % 12 + 1:02d}"  # noqa: E731
        fiche = {
            "title": f"Action {n + 1} : {rng.choice(OBJECTIVES)} au quartier",
            "number": f"A{n + 1}",
            "findings": "Les habitants disent manquer d'aide pour les démarches en ligne. " * 3,
            "general_objective": "Que chacun puisse faire ses démarches, seul ou accompagné.",
            "operational_objectives": list(rng.sample(OBJECTIVES, 2)),
            "lead": rng.choice(organisations),
            "partners": [{"organisation": o, "role": "Accueil"} for o in rng.sample(organisations, 2)],
            "human_means": "Deux médiateurs numériques, un jour par semaine.",
            "budget": rng.randrange(5, 80) * 1000,
            "funding": [{"source": "Ville", "amount": 5000, "state": "secured"}],
            "indicators": [
                {"kind": "output", "label": "Personnes accompagnées", "target": "200", "source": ""}
            ],
            "risks": "Trouver un local accessible le samedi.",
            "status": rng.choice(("draft", "validated")),
        }
        ops: list[dict[str, Any]] = [
            {
                "op": "action.create",
                "id": action,
                "lane": LANES[n % 3],
                "start": month(start),
                "end": month(start + span),
                "fiche": fiche,
                "links": [{"board": b, "item": i} for b, i in rng.sample(solutions, min(3, len(solutions)))],
            },
            {
                "op": "milestone.add",
                "id": action,
                "milestone": f"m-{action}",
                "month": month(start + 1),
                "label": "Lancement",
            },
        ]
        for s in series:
            ops += [
                {"op": "capability.set", "id": action, "series": s, "axis": a, "level": rng.randrange(0, 5)}
                for a in axes
            ]
        answer = await client.commit(ops)
        assert answer["type"] == "ack", answer
    await client.close()


def add_plan(study: SeededStudy, actions: int, rng: random.Random) -> None:
    made = study.server.post(
        f"/api/studies/{study.study_id}/workshops",
        {"title": "Atelier des partenaires", "partners": True},
        study.token,
    )
    assert made.status_code == 201, made.text
    answer = made.json()
    asyncio.run(fill_plan(study, answer["board"]["id"], answer["facilitator"]["token"], actions, rng))


def fetch(study: SeededStudy, fmt: str, lang: str) -> tuple[float, float, bytes]:
    """(wall s, the server process's CPU s, the body) of one download: the CPU time is what a shared
    machine's other work does not inflate."""
    import httpx
    import psutil

    assert study.server.proc is not None
    process = psutil.Process(study.server.proc.pid)
    before = process.cpu_times()
    start = time.perf_counter()
    got = httpx.get(
        f"{study.server.base_url}/api/studies/{study.study_id}/schema.{fmt}?lang={lang}",
        headers={"Authorization": f"Bearer {study.token}"},
        timeout=300,
    )
    elapsed = time.perf_counter() - start
    after = process.cpu_times()
    assert got.status_code == 200, got.text
    return elapsed, after.user + after.system - before.user - before.system, got.content


def describe(fmt: str, body: bytes) -> str:
    if fmt == "pdf":
        info = subprocess.run(["pdfinfo", "-"], input=body, capture_output=True, check=True).stdout.decode()
        pages = next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))
        return f"{pages} pages"
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return f"{sum(n.startswith('Pictures/figure-') for n in archive.namelist())} pictures"


def uptime() -> str:
    return subprocess.run(["uptime"], capture_output=True, text=True, check=True).stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=3)
    parser.add_argument("--lang", default="fr", choices=("fr", "en", "ar"))
    parser.add_argument("--database-url")
    args = parser.parse_args()
    from support.server import ServerProcess

    folder = Path(tempfile.mkdtemp(prefix="fresque-schema-bench-"))
    url = args.database_url or f"sqlite+aiosqlite:///{folder / 'fresque.sqlite3'}"
    server = ServerProcess(url, log_path=folder / "server.log")
    server.start()
    try:
        rng = random.Random(2026)
        began = time.perf_counter()
        small = seed_study(server, url, rng, residents=[12], responses=[20], max_items=50)
        add_plan(small, 2, rng)
        large = seed_study(server, url, rng, residents=[14] * 8, responses=[38, 38, 38, 38, 37, 37, 37, 37])
        add_plan(large, 30, rng)
        print(
            f"seeded in {time.perf_counter() - began:.1f} s: large study {len(large.workshops)} residents' "
            f"workshops, {len(large.responses)} responses, 30 actions; small study 1 workshop, "
            f"{len(small.responses)} responses, 2 actions"
        )
        print(f"before: {uptime()}")
        rows = {}
        for name, study in (("small", small), ("large", large)):
            for fmt in ("pdf", "odt"):
                runs = [fetch(study, fmt, args.lang) for _ in range(args.samples)]
                times = [r[0] for r in runs]
                rows[(name, fmt)] = (
                    statistics.median(times),
                    max(times),
                    runs[0][0],
                    runs[0][1],
                    statistics.median(r[1] for r in runs),
                    len(runs[-1][2]),
                    describe(fmt, runs[-1][2]),
                )
        print(f"after:  {uptime()}")
        print(
            f"{'study':<8}{'format':<8}{'first s':>9}{'first CPU':>11}{'median s':>10}{'max s':>8}"
            f"{'CPU s':>8}{'KiB':>8}  contents"
        )
        for (name, fmt), (median, worst, first, first_cpu, cpu, size, what) in rows.items():
            print(
                f"{name:<8}{fmt:<8}{first:>9.2f}{first_cpu:>11.2f}{median:>10.2f}{worst:>8.2f}{cpu:>8.2f}"
                f"{size / 1024:>8.0f}  {what}"
            )
        verdict = []
        for fmt, target in TARGETS.items():
            large_median, large_max = rows[("large", fmt)][:2]
            ratio = large_median / rows[("small", fmt)][0]
            ok = "PASS" if large_max <= target else "FAIL"
            cpu_ok = "PASS" if rows[("large", fmt)][3] <= target else "FAIL"
            verdict.append(
                f"{fmt}: large/small {ratio:.1f}×, worst wall {large_max:.2f} s ≤ {target:.0f} s {ok}, "
                f"first download's server CPU {rows[('large', fmt)][3]:.2f} s {cpu_ok}"
            )
        print(f"lang {args.lang}; " + "; ".join(verdict))
    finally:
        server.stop()


if __name__ == "__main__":
    main()
