"""What the schéma is made of, read from the study as it stands: one async pass over the database and the
boards' rooms, then `content.build` works on plain data.

- the diagnostic: the very figures of `GET /api/studies/{id}/diagnostic` and of the diagnostic page
  (`diagnostic_pages.diagnostic_of`: the same inputs and function), for the whole territory;
- the dashboard's facts (`api.studies.study_json`: workshops, partners' workshops, responses);
- the questions de travail as the team reads them (`api.work_questions.questions_json`);
- the questionnaire's latest version;
- every actions board of the study's workshops (their snapshots), and behind each action the residents'
  ideas it links: the solutions as a stranger to the workshop sees them (hidden cards never), with their
  workshop, neighbourhood and votes (unless hidden), and per action the neighbourhoods and the number of
  residents behind it (`api.traceability`'s rule, the one the fiche's « sources » use).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from ..api.board_exports import BoardState, board_state
from ..api.deps import Services
from ..api.errors import ApiError
from ..api.studies import study_json
from ..api.traceability import (  # until backend/fresque/behind.py holds them (another part, this round)
    PicturesByWorkshop,
    _behind_actions,
    _live_solution,
    _solution_json,
    _votes,
)
from ..api.work_questions import questions_json
from ..core.board import Board
from ..db.store import BoardRow
from ..diagnostic.shape import Filters
from ..diagnostic_pages import diagnostic_of
from ..rooms.registry import BoardNotFound
from ..study_scope import STRANGER, Peer, peers

NO_FILTERS: Filters = {"neighbourhood": None, "age_band": None, "fragility": None, "workshop": None}


@dataclass(frozen=True)
class Idea:
    """A resident's idea (an exploration board's solution) that an action links."""

    board: str
    item: str
    text: str | None
    labels: Mapping[str, str] | None  # its pictogram's words, when it has one
    ref: str | None
    workshop: str
    neighbourhood: str | None
    votes: int | None  # None: the board's votes are hidden


@dataclass
class PlanBoard:
    row: BoardRow
    workshop: str  # its workshop's title
    snapshot: dict[str, Any]
    behind: dict[str, Any]  # action id → {neighbourhoods, workshops, residents, votes_hidden}


@dataclass
class StudyFacts:
    dashboard: dict[str, Any]  # `study_json`
    diagnostic: Mapping[str, Any]
    questions: list[dict[str, Any]]
    questionnaire: dict[str, Any] | None
    boards: list[PlanBoard] = field(default_factory=list)
    ideas: dict[tuple[str, str], Idea] = field(default_factory=dict)


async def gather(services: Services, study_id: str, role: str) -> StudyFacts:
    dashboard = await study_json(services, study_id, role)
    diagnostic = await diagnostic_of(services, study_id, NO_FILTERS)
    questions = await questions_json(services, study_id)
    versions = await services.surveys.questionnaires(study_id)
    questionnaire = json.loads(versions[-1][1]) if versions else None
    facts = StudyFacts(dashboard, diagnostic, questions, questionnaire)
    workshops = [w["id"] for w in dashboard["workshops"]]
    if not workshops:
        return facts
    reach = await peers(services.store, workshops[0])
    rows = [row for wid in reach for row in await services.store.boards_of(wid)]
    explorations = {r.id: r for r in rows if r.kind == "exploration"}
    plans: list[tuple[BoardRow, dict[str, Any], list[tuple[str, str, str]]]] = []
    for row in rows:
        if row.kind != "actions":
            continue
        state = await _state_or_none(services, row)
        if state is None:  # erased meanwhile: the schéma goes on without it
            continue
        wanted = [
            (str(a["id"]), str(link["board"]), str(link["item"]))
            for a in state.snapshot["actions"]
            for link in a["links"]
        ]
        plans.append((row, state.snapshot, wanted))
    found, people, hidden = await _read_ideas(services, plans, explorations, reach, facts)
    for row, snapshot, wanted in plans:
        behind = _behind_actions(wanted, found, people, hidden, explorations, reach) if wanted else {}
        title = reach[row.workshop_id].title if row.workshop_id in reach else ""
        facts.boards.append(PlanBoard(row, title, snapshot, behind))
    return facts


async def _state_or_none(services: Services, row: BoardRow) -> BoardState | None:
    try:
        return await board_state(services, row)
    except ApiError:
        return None


async def _read_ideas(
    services: Services,
    plans: list[tuple[BoardRow, dict[str, Any], list[tuple[str, str, str]]]],
    explorations: Mapping[str, BoardRow],
    reach: Mapping[str, Peer],
    facts: StudyFacts,
) -> tuple[dict[tuple[str, str], Any], dict[tuple[str, str], frozenset[str]], set[tuple[str, str]]]:
    """Each linked solution, read once under its board's lock (one lock at a time), as a stranger sees it."""
    linked: dict[str, set[str]] = {}
    for _, _, wanted in plans:
        for _, board_id, item_id in wanted:
            linked.setdefault(board_id, set()).add(item_id)
    pictures = PicturesByWorkshop(services)
    found: dict[tuple[str, str], Any] = {}
    people: dict[tuple[str, str], frozenset[str]] = {}
    hidden: set[tuple[str, str]] = set()
    for board_id in sorted(linked):
        row = explorations.get(board_id)
        if row is None:
            continue  # out of the study, or erased: never opened
        peer = reach[row.workshop_id]
        shown = await pictures.of(row.workshop_id)
        residents = {p.id for p in await services.store.people(row.workshop_id) if p.role == "participant"}
        try:
            async with services.rooms.use(board_id) as room, room.lock:
                board = room.board
                if not isinstance(board, Board):
                    continue
                totals = board.vote_totals()
                for item_id in sorted(linked[board_id]):
                    item = _live_solution(board, item_id, STRANGER)
                    if item is None:
                        continue
                    votes = _votes(board, item_id, STRANGER, totals)
                    solution = _solution_json(item, shown)
                    found[(board_id, item_id)] = {"solution": solution, "votes": votes}
                    who = {item.author}
                    if votes is None:
                        hidden.add((board_id, item_id))
                    else:
                        who |= {p for p, dots in board.votes.items() if dots.get(item_id, 0) > 0}
                    people[(board_id, item_id)] = frozenset(who & residents)
                    facts.ideas[(board_id, item_id)] = Idea(
                        board=board_id,
                        item=item_id,
                        text=solution["text"],
                        labels=solution["label"],
                        ref=solution["ref"],
                        workshop=peer.title,
                        neighbourhood=peer.neighbourhood,
                        votes=votes,
                    )
        except BoardNotFound:
            continue
    return found, people, hidden
