"""A seeded study for the diagnostic's tests and benchmark: residents' boards as export documents (imported
through `POST /api/boards/import`, the way a team brings a board in), and street-survey responses.

Everything is drawn from one `random.Random`, so a seed gives the same study every time. The documents hold
what the diagnostic must leave out: hidden cards, the facilitator's and a co-facilitator's cards, a resident
who said no to the diagnostic (`consent: false`), notes; and people hosted on a table screen.
"""

from __future__ import annotations

import asyncio
import functools
import itertools
import json
import random
import uuid
from dataclasses import dataclass, field
from typing import Any

from fresque.catalogue import default_catalogue

from .accounts import make_account, sign_in
from .server import ServerProcess

ACTIVITIES = ("go-to-work", "shopping", "school-run", "doctor", "association-social-centre", "cooking")
DIFFICULTIES = ("equipment", "skills", "reading-french", "cost", "fear-scams")
TOUCHPOINTS = ("caf", "ameli", "impots", "doctolib", "pronote-ent")
SOLUTIONS = ("digital-help-desk", "group-workshops", "public-wifi")
IDEAS = ("Un atelier le samedi matin", "Une permanence en arabe", "un atelier le SAMEDI  matin")
SEVERITIES = ("ok", "difficile", "bloque")
AGE_BANDS = ("18_25", "26_40", "41_60", "61_75")
LEVELS = ("N0", "N1", "N2", "N3", "N4")
_ids = itertools.count(1)


def new_id(prefix: str) -> str:
    return f"{prefix}-{next(_ids):07d}-{uuid.uuid4().hex[:6]}"


@functools.cache
def _catalogue() -> Any:
    return default_catalogue()


def catalogue_refs(refs: set[str]) -> dict[str, Any]:
    catalogue = _catalogue()
    out = {}
    for ref in sorted(refs):
        entry = catalogue.get(ref)
        assert entry is not None, f"{ref} is not in the catalogue"
        out[ref] = {"kind": entry.kind, "labels": dict(entry.labels), "picture": entry.picture}
    return out


def board_document(
    rng: random.Random,
    workshop: dict[str, Any],
    *,
    residents: int,
    cards_each: int = 4,
    max_items: int | None = None,
) -> dict[str, Any]:
    """An exploration board's export document: `residents` people (2 of them hosted), each placing about
    `cards_each` activities with difficulties, touch-points and ideas, and their dots."""
    people: list[dict[str, Any]] = [
        {"id": new_id("fac"), "alias": "Animation", "role": "facilitator", "removed": False},
        {"id": new_id("cof"), "alias": "Co-animation", "role": "co_facilitator", "removed": False},
    ]
    for number in range(residents):
        person: dict[str, Any] = {
            "id": new_id("res"),
            "alias": f"Habitant {number}",
            "role": "participant",
            "removed": number == 3,
        }
        if rng.random() < 0.9:
            person["age_band"] = rng.choice(AGE_BANDS)
        if rng.random() < 0.85:
            person["fragility"] = rng.choice(LEVELS)
        if number == 1:
            person["consent"] = False
        elif rng.random() < 0.5:
            person["consent"] = True
        if number in (5, 6):
            person["host"] = people[2]["id"]  # hosted on the first resident's table screen
        people.append(person)
    items: list[dict[str, Any]] = []
    threads: list[dict[str, Any]] = []
    votes: list[dict[str, Any]] = []
    solutions: list[str] = []
    authors = people[:]  # the facilitators place cards too: they must not count
    for person in authors:
        pid = person["id"]
        for _ in range(max(1, int(rng.gauss(cards_each, 1)))):
            if max_items is not None and len(items) >= max_items - 5:
                break
            act = new_id("act")
            items.append(
                {
                    "id": act,
                    "kind": "activity",
                    "author": pid,
                    "x": rng.uniform(0, 3000),
                    "y": 10,
                    "ref": rng.choice(ACTIVITIES),
                    "cell": {"day": rng.choice(("mon", "tue", "weekend"))},
                }
            )
            if rng.random() < 0.7:
                dif = new_id("dif")
                item: dict[str, Any] = {
                    "id": dif,
                    "kind": "difficulty",
                    "author": pid,
                    "x": 5,
                    "y": 5,
                    "ref": rng.choice(DIFFICULTIES),
                    "severity": rng.choice(SEVERITIES),
                }
                if rng.random() < 0.4:
                    item["text"] = rng.choice(("Pas d'ordinateur", "Trop compliqué", "لا أفهم الموقع"))
                if rng.random() < 0.05:
                    item["hidden"] = True
                    item["text"] = f"caché {dif}"  # words that must never reach the diagnostic
                elif person["role"] != "participant" or person.get("consent") is False:
                    item["text"] = f"pas compté {dif}"
                items.append(item)
                if rng.random() < 0.5:
                    threads.append({"id": new_id("thr"), "source": act, "target": dif, "author": pid})
                else:
                    tp = new_id("tpt")
                    items.append(
                        {
                            "id": tp,
                            "kind": "touchpoint",
                            "author": pid,
                            "x": 7,
                            "y": 7,
                            "ref": rng.choice(TOUCHPOINTS),
                        }
                    )
                    threads.append({"id": new_id("thr"), "source": act, "target": tp, "author": pid})
                    threads.append({"id": new_id("thr"), "source": tp, "target": dif, "author": pid})
            if rng.random() < 0.3:
                sol = new_id("sol")
                solution: dict[str, Any] = {"id": sol, "kind": "solution", "author": pid, "x": 9, "y": 9}
                if rng.random() < 0.6:
                    solution["ref"] = rng.choice(SOLUTIONS)
                if "ref" not in solution or rng.random() < 0.3:
                    solution["text"] = rng.choice(IDEAS)
                if rng.random() < 0.05:
                    solution["hidden"] = True
                    solution["text"] = f"caché {sol}"
                items.append(solution)
                solutions.append(sol)
        if rng.random() < 0.2:
            items.append(
                {"id": new_id("not"), "kind": "note", "author": pid, "x": 1, "y": 1, "text": "Une note"}
            )
    while max_items is not None and len(items) < max_items:
        items.append(
            {
                "id": new_id("not"),
                "kind": "note",
                "author": rng.choice(people[2:])["id"],
                "x": 1,
                "y": 1,
                "text": "Une note",
            }
        )
    for person in people:
        if solutions and rng.random() < 0.8:
            budget = 3
            for sol in rng.sample(solutions, min(len(solutions), rng.randint(1, 3))):
                if budget == 0:
                    break
                count = rng.randint(1, budget)
                budget -= count
                votes.append({"participant": person["id"], "item": sol, "count": count})
    totals: dict[str, int] = {}
    for v in votes:
        totals[v["item"]] = totals.get(v["item"], 0) + v["count"]
    items.sort(key=lambda i: i["id"])
    threads.sort(key=lambda t: t["id"])
    votes.sort(key=lambda v: (v["participant"], v["item"]))
    refs = {i["ref"] for i in items if i.get("ref")}
    return {
        "format_version": 1,
        "generator": {"name": "fresque", "version": "seed"},
        "exported_at": "2026-03-01T10:00:00+00:00",
        "workshop": {k: workshop.get(k) for k in ("id", "title", "neighbourhood", "date")},
        "board": {"id": new_id("brd"), "kind": "exploration", "title": "Ma semaine", "seq": 1},
        "settings": {"vote_budget": 3},
        "participants": people,
        "items": items,
        "threads": threads,
        "votes": {
            "by_participant": votes,
            "totals": [{"item": k, "count": totals[k]} for k in sorted(totals)],
        },
        "deleted": [],
        "catalogue": {"version": 1, "attribution": {}, "refs": catalogue_refs(refs)},
    }


def survey_answers(rng: random.Random, neighbourhood: str | None) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if neighbourhood is not None:
        answers["neighbourhood"] = neighbourhood
    if rng.random() < 0.95:
        answers["age_band"] = rng.choice(AGE_BANDS)
    answers["language"] = rng.choice(("fr", "fr", "ar", "other"))
    answers["equipment"] = sorted(
        {e for e in ("smartphone", "computer", "internet_home", "mobile_data") if rng.random() < 0.6}
    ) or ["none"]
    if rng.random() < 0.9:
        answers["services_used"] = sorted(
            {s for s in ("caf", "ameli", "impots", "bank") if rng.random() < 0.5}
        )
    for task in ("online_procedure", "email", "documents", "appointment", "video_call"):
        if rng.random() < 0.92:
            answers[f"autonomy_{task}"] = rng.choice(("alone", "alone", "with_help", "cannot"))
    answers["help_from"] = sorted({h for h in ("family", "friends", "mediator") if rng.random() < 0.4})
    answers["barriers"] = sorted({b for b in ("cost", "skills", "language", "trust") if rng.random() < 0.35})
    return answers


@dataclass
class SeededStudy:
    server: ServerProcess
    token: str  # the owner account's Bearer token
    study_id: str
    neighbourhoods: list[str]
    workshops: list[dict[str, Any]] = field(default_factory=list)  # POST /api/studies/{id}/workshops answers
    boards: dict[str, list[str]] = field(default_factory=dict)  # workshop id → its exploration boards
    # the responses stored: (neighbourhood id, answers, fragility level)
    responses: list[tuple[str | None, dict[str, Any], str | None]] = field(default_factory=list)

    def exports(self) -> list[dict[str, Any]]:
        """Every exploration board's JSON export, as the facilitator downloads it."""
        out = []
        for answer in self.workshops:
            for board in self.boards[answer["workshop"]["id"]]:
                got = self.server.get(f"/api/boards/{board}/export", answer["facilitator"]["token"])
                assert got.status_code == 200, got.text
                out.append(got.json())
        return out

    def diagnostic(self, token: str | None = None, **filters: str) -> Any:
        query = "&".join(f"{k}={v}" for k, v in filters.items())
        return self.server.get(f"/api/studies/{self.study_id}/diagnostic?{query}", token or self.token)


def account_token(server: ServerProcess, username: str) -> str:
    """An account made as `fresque admin create-user` makes it, signed in through the API."""
    make_account(server, username)
    return sign_in(server, username).token


async def add_responses(
    database_url: str, study_id: str, rows: list[tuple[str | None, dict[str, Any], str | None]]
) -> None:
    from datetime import UTC, datetime

    from fresque.db.store import Store
    from fresque.db.surveys import NewResponse, SurveyStore

    store = Store.from_url(database_url)
    try:
        surveys = SurveyStore(store)
        for hood, answers, level in rows:
            await surveys.add_response(
                NewResponse(
                    id=uuid.uuid4().hex,
                    study_id=study_id,
                    client_id=uuid.uuid4().hex,
                    questionnaire_version=1,
                    neighbourhood_id=hood,
                    answers=json.dumps(answers, sort_keys=True),
                    fragility=level,
                    source="phone",
                    answered_at=datetime.now(UTC),
                )
            )
    finally:
        await store.close()


def seed_study(
    server: ServerProcess,
    database_url: str,
    rng: random.Random,
    *,
    residents: list[int],
    responses: list[int],
    cards_each: int = 4,
    max_items: int | None = None,
    no_neighbourhood_responses: int = 0,
) -> SeededStudy:
    """A study with one neighbourhood and one workshop per entry of `residents` (its residents' board
    imported beside the workshop's empty first board), `responses[i]` survey responses in neighbourhood
    i."""
    token = account_token(server, f"equipe{uuid.uuid4().hex[:8]}")
    names = ["Jas-de-Bouffan", "Encagnane", "Corsy", "Beisson", "Pinette", "Val-Saint-André"]
    made = server.post(
        "/api/studies",
        {
            "title": "Diagnostic numérique d'Aix",
            "territory": "Aix-en-Provence",
            "neighbourhoods": [
                {"name": names[i % len(names)] + (f" {i}" if i >= len(names) else "")}
                for i in range(len(residents))
            ],
        },
        token,
    )
    assert made.status_code == 201, made.text
    study = made.json()
    study_id = study.get("id") or study["study"]["id"]
    hoods = [n["id"] for n in (study.get("neighbourhoods") or study["study"]["neighbourhoods"])]
    seeded = SeededStudy(server, token, study_id, hoods)
    for i, count in enumerate(residents):
        answer = server.post(
            f"/api/studies/{study_id}/workshops",
            {"title": f"Atelier {i}", "neighbourhood_id": hoods[i], "date": f"2026-03-{10 + i:02d}"},
            token,
        )
        assert answer.status_code == 201, answer.text
        workshop = answer.json()
        seeded.workshops.append(workshop)
        wid = workshop["workshop"]["id"]
        document = board_document(
            rng, workshop["workshop"], residents=count, cards_each=cards_each, max_items=max_items
        )
        imported = server.post("/api/boards/import", document, workshop["facilitator"]["token"])
        assert imported.status_code == 201, imported.text
        seeded.boards[wid] = [workshop["board"]["id"], imported.json()["id"]]
    rows: list[tuple[str | None, dict[str, Any], str | None]] = []
    for i, count in enumerate(responses):
        for _ in range(count):
            rows.append((hoods[i], survey_answers(rng, hoods[i]), rng.choice((*LEVELS, None))))
    for _ in range(no_neighbourhood_responses):
        rows.append((None, survey_answers(rng, None), rng.choice(LEVELS)))
    asyncio.run(add_responses(database_url, study_id, rows))
    seeded.responses = rows
    return seeded
