"""The study's diagnostic at scale: `GET /api/studies/{id}/diagnostic` on a study of 10 workshops whose boards
hold 1,000 items each and 2,000 street-survey responses, against a small study (1 workshop of 50 items, 60
responses) measured in the same run, on the same server.

    .venv/bin/python benchmarks/diagnostic.py [--samples 15] [--restarts 3] [--database-url URL]

A fresh `fresque serve` (SQLite in a temporary folder unless --database-url) is seeded through its API
(boards imported as export documents, as in tests/test_diagnostic.py) and the responses through the store.
Printed: the first answer (cold: every board is opened and read), then the median and worst of the next
samples (warm: boards unchanged since, their facts kept per head_seq), for each study, and the ratio large /
small; beside the wall time, the server process's CPU time for a request (psutil), which other work on a
shared machine does not inflate, and the load average. Then, a few times, one board changes (a card through
the board's socket) and the next answer is timed: the figures computed anew, that board read again. Then the
server is restarted `--restarts` times (it forgets every board's facts) and the first answers are timed
again, the small study's then the large one's, as on the first start: the median and worst of these cold
first answers. Target: the large study's first answer (cold, median) and warm median ≤ 500 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from support.server import ServerProcess  # noqa: E402
from support.study_seed import SeededStudy, seed_study  # noqa: E402

TARGET_MS = 500.0


def timed(study: SeededStudy) -> tuple[float, float, int]:
    """(wall ms, the server process's CPU ms, JSON bytes) of one diagnostic."""
    assert study.server.proc is not None
    process = psutil.Process(study.server.proc.pid)
    before = process.cpu_times()
    start = time.perf_counter()
    answer = study.diagnostic()
    elapsed = (time.perf_counter() - start) * 1000
    after = process.cpu_times()
    assert answer.status_code == 200, answer.text
    cpu = (after.user + after.system - before.user - before.system) * 1000
    return elapsed, cpu, len(answer.content)


def measure(study: SeededStudy, samples: int) -> dict[str, float]:
    cold, cold_cpu, size = timed(study)
    warm = [timed(study) for _ in range(samples)]
    walls = [w[0] for w in warm]
    return {
        "cold": cold,
        "cold_cpu": cold_cpu,
        "median": statistics.median(walls),
        "max": max(walls),
        "cpu": statistics.median(w[1] for w in warm),
        "bytes": size,
    }


async def touch_one_board(study: SeededStudy) -> None:
    """One change on one board (the facilitator adds a note), so that its head_seq moves."""
    from support.client import BoardClient

    answer = study.workshops[0]
    board = study.boards[answer["workshop"]["id"]][1]
    client = BoardClient(study.server.ws_url(board), study.server.origin, answer["facilitator"]["token"])
    await client.connect()
    got = await client.commit(
        [
            {
                "op": "item.create",
                "id": f"not-bench{random.randrange(10**9):09d}",
                "kind": "note",
                "x": 1,
                "y": 1,
                "text": "Changement",
            }
        ]
    )
    assert got["type"] == "ack", got
    await client.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--samples", type=int, default=15)
    parser.add_argument("--restarts", type=int, default=3, help="cold first answers after a restart")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="fresque-diagnostic-bench-"))
    url = args.database_url or f"sqlite+aiosqlite:///{folder / 'fresque.sqlite3'}"
    server = ServerProcess(url, log_path=folder / "server.log")
    server.start()
    try:
        rng = random.Random(2026)
        began = time.perf_counter()
        small = seed_study(server, url, rng, residents=[12], responses=[60], max_items=50)
        large = seed_study(
            server,
            url,
            rng,
            residents=[70] * 10,
            responses=[200] * 10,
            cards_each=8,
            max_items=1000,
        )
        items = sum(len(e["items"]) for e in large.exports())
        print(
            f"seeded in {time.perf_counter() - began:.1f} s: large study {len(large.workshops)} workshops, "
            f"{items} items on their boards, {len(large.responses)} responses; small study "
            f"{sum(len(e['items']) for e in small.exports())} items, {len(small.responses)} responses"
        )
        small_figures = measure(small, args.samples)
        large_figures = measure(large, args.samples)
        changed = []
        for _ in range(max(3, args.samples // 3)):
            asyncio.run(touch_one_board(large))
            changed.append(timed(large))
        after_change = statistics.median(c[0] for c in changed)
        after_cpu = statistics.median(c[1] for c in changed)
        colds = [(large_figures["cold"], large_figures["cold_cpu"])]
        for _ in range(args.restarts):
            server.stop()
            server.start(migrate=False)
            timed(small)  # the first request of a process, as on the first start
            colds.append(timed(large)[:2])
        cold = statistics.median(c[0] for c in colds)
        cold_cpu = statistics.median(c[1] for c in colds)
        print(
            f"{'study':<8}{'cold ms':>10}{'cold CPU':>10}{'median ms':>12}{'max ms':>10}{'CPU ms':>10}"
            f"{'JSON KiB':>10}"
        )
        for name, f in (("small", small_figures), ("large", large_figures)):
            print(
                f"{name:<8}{f['cold']:>10.1f}{f['cold_cpu']:>10.1f}{f['median']:>12.1f}{f['max']:>10.1f}"
                f"{f['cpu']:>10.1f}{f['bytes'] / 1024:>10.1f}"
            )
        ratio = large_figures["median"] / small_figures["median"]
        verdict = "PASS" if max(cold, large_figures["median"]) <= TARGET_MS else "FAIL"
        print(
            f"large first answer, boards unread (median of {len(colds)}, one a server start): {cold:.1f} ms "
            f"({cold_cpu:.1f} ms server CPU), worst {max(c[0] for c in colds):.1f} ms; warm median "
            f"{large_figures['median']:.1f} ms ({large_figures['cpu']:.1f} ms CPU), ratio large/small "
            f"{ratio:.1f}x; after one board changed (median of {len(changed)}): {after_change:.1f} ms "
            f"({after_cpu:.1f} ms CPU). {verdict}: target ≤ {TARGET_MS:.0f} ms. Load average "
            f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
