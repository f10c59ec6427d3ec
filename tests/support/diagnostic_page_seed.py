"""A small study for the diagnostic page's tests: made through the real routes (a team account, the study,
its workshops), residents joining with the code and placing cards, threads and dots over the board's
WebSocket as their phones would, and street-survey responses stored as the survey's route stores them.

Sized so that the page has both kinds of cells: figures of 5 people or more, and « < 5 » ones (the third
neighbourhood has 3 responses and no workshop). One `random.Random` draws everything: a seed, one study.
"""

from __future__ import annotations

import asyncio
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx

from .accounts import Member, make_study, new_member
from .ops import push
from .server import ServerProcess
from .study_seed import add_responses

ACTIVITIES = ("caf-procedures", "doctor", "school-run", "shopping", "bank", "look-for-job")
DIFFICULTIES = ("skills", "lost-login", "complicated-service", "reading-french", "cost")
TOUCHPOINTS = ("caf", "ameli", "doctolib", "pronote-ent")
SOLUTIONS = ("digital-help-desk", "group-workshops", "keep-human-counter", "paper-option")
SEVERITIES = ("ok", "difficile", "bloque")
LEVELS = ("N0", "N1", "N2", "N3", "N4")
AGE_BANDS = ("18_25", "26_40", "41_60", "61_75")
WORDS = (
    "Le site de la CAF change tout le temps",
    "On ne trouve jamais le bon bouton",
    "لا أفهم الرسائل بالفرنسية",
    "Une permanence le samedi au centre social",
)


@dataclass
class DiagnosticStudy:
    server: ServerProcess
    member: Member
    study_id: str
    neighbourhoods: list[str]
    workshops: list[str] = field(default_factory=list)

    def api(self, query: str = "") -> dict[str, Any]:
        answer = self.member.get(f"/api/studies/{self.study_id}/diagnostic{query}")
        assert answer.status_code == 200, answer.text
        data: dict[str, Any] = answer.json()
        return data


def _ops(rng: random.Random, n: int, tag: str) -> list[dict[str, Any]]:
    """One resident's cards: an activity, a difficulty (tied directly or through a service), an idea."""
    act, dif, tp, sol = (f"{k}-{tag}-{n}" for k in ("act", "dif", "tpt", "sol"))
    ref = ACTIVITIES[n % 3] if rng.random() < 0.8 else rng.choice(ACTIVITIES)
    ops: list[dict[str, Any]] = [
        {
            "op": "item.create",
            "id": act,
            "kind": "activity",
            "x": 40 + 30 * n,
            "y": 60,
            "ref": ref,
            "cell": {"day": "mon", "slot": "morning"},
        },
        {
            "op": "item.create",
            "id": dif,
            "kind": "difficulty",
            "x": 40 + 30 * n,
            "y": 700,
            "ref": rng.choice(DIFFICULTIES),
            "severity": SEVERITIES[n % 3] if n < 9 else "bloque",
            **({"text": WORDS[n % len(WORDS)]} if n % 2 == 0 else {}),
        },
    ]
    if n % 3 == 0:
        ops += [
            {
                "op": "item.create",
                "id": tp,
                "kind": "touchpoint",
                "x": 40 + 30 * n,
                "y": 600,
                "ref": TOUCHPOINTS[n % 2],
            },
            {"op": "thread.create", "id": f"t1-{tag}-{n}", "source": act, "target": tp},
            {"op": "thread.create", "id": f"t2-{tag}-{n}", "source": tp, "target": dif},
        ]
    else:
        ops.append({"op": "thread.create", "id": f"t1-{tag}-{n}", "source": act, "target": dif})
    ops += [
        {
            "op": "item.create",
            "id": sol,
            "kind": "solution",
            "x": 40 + 30 * n,
            "y": 800,
            "ref": SOLUTIONS[n % len(SOLUTIONS)],
        },
        {"op": "thread.create", "id": f"t3-{tag}-{n}", "source": dif, "target": sol},
    ]
    return ops


def _workshop(study: DiagnosticStudy, rng: random.Random, hood: str, index: int, residents: int) -> None:
    made = study.member.send(
        "POST",
        f"/api/studies/{study.study_id}/workshops",
        {"title": f"Atelier {index + 1}", "neighbourhood_id": hood, "date": f"2026-03-{10 + index:02d}"},
    )
    assert made.status_code == 201, made.text
    workshop = made.json()
    study.workshops.append(workshop["workshop"]["id"])
    board = workshop["board"]["id"]
    tokens = []
    for n in range(residents):
        joined = httpx.post(
            study.server.base_url + "/api/join",
            json={
                "code": workshop["join_code"],
                "alias": f"Habitant {n}",
                "age_band": rng.choice(AGE_BANDS),
                "fragility": rng.choice(LEVELS),
                "consent": True,
            },
            timeout=30,
        )
        assert joined.status_code == 201, joined.text
        tokens.append(joined.json()["token"])
        push(study.server, board, tokens[-1], _ops(rng, n, f"w{index}"), op_id=f"seed:{n}")
    # every resident votes: most dots on the first ideas, so the ranking is clear
    for n, token in enumerate(tokens):
        votes = [{"op": "vote.add", "item": f"sol-w{index}-{(n + k) % 2}"} for k in range(3)]
        push(study.server, board, token, votes, op_id=f"vote:{n}")


def _answers(rng: random.Random, hood: str) -> dict[str, Any]:
    equipment = [
        e
        for e, p in (("smartphone", 0.85), ("computer", 0.35), ("internet_home", 0.6), ("mobile_data", 0.7))
        if rng.random() < p
    ] or ["none"]
    answers: dict[str, Any] = {
        "neighbourhood": hood,
        "age_band": rng.choice(AGE_BANDS),
        "language": rng.choice(("fr", "fr", "ar", "other")),
        "equipment": equipment,
        "services_used": rng.sample(("caf", "ameli", "impots", "bank", "doctolib"), 2),
        "help_from": [rng.choice(("family", "friends", "mediator", "nobody"))],
        "barriers": [rng.choice(("cost", "skills", "language", "trust"))],
    }
    for task in ("online_procedure", "email", "documents", "appointment", "video_call"):
        answers[f"autonomy_{task}"] = rng.choices(("alone", "with_help", "cannot"), (5, 3, 2))[0]
    return answers


def seed_diagnostic_study(server: ServerProcess, rng: random.Random) -> DiagnosticStudy:
    """Three neighbourhoods (Jas-de-Bouffan, Encagnane, Corsy); a workshop of 9 residents in the first two;
    40, 30 and 3 survey responses."""
    member = new_member(server, f"equipe{uuid.uuid4().hex[:8]}")
    data = make_study(member)
    study_id = data.get("id") or data["study"]["id"]
    hoods = [n["id"] for n in data["neighbourhoods"]]
    study = DiagnosticStudy(server, member, study_id, hoods)
    for index, hood in enumerate(hoods[:2]):
        _workshop(study, rng, hood, index, residents=9)
    rows = [
        (hood, _answers(rng, hood), rng.choice(LEVELS))
        for hood, count in zip(hoods, (40, 30, 3), strict=True)
        for _ in range(count)
    ]
    asyncio.run(add_responses(server.database_url, study_id, rows))
    return study
