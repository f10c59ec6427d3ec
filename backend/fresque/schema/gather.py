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
  residents behind it (`fresque.behind`: the rule of the fiche's « sources » on screen and in print).
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
from ..api.work_questions import questions_json
from ..behind import action_sources, wanted_of_snapshot
from ..db.store import BoardRow
from ..diagnostic.shape import Filters
from ..diagnostic_pages import diagnostic_of
from ..study_scope import STRANGER, peers

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
    for wid, peer in reach.items():
        for row in await services.store.boards_of(wid):
            if row.kind != "actions":
                continue
            state = await _state_or_none(services, row)
            if state is None:  # erased meanwhile: the schéma goes on without it
                continue
            # The team reads the residents' boards as the partners do: as strangers to those workshops
            # (no hidden card, no hidden vote), by the fiche's own rule (`fresque.behind`).
            sources = await action_sources(
                services, wid, STRANGER, wanted_of_snapshot(state.snapshot["actions"])
            )
            for link in sources.links:
                if link["found"]:
                    facts.ideas[(link["board"], link["item"])] = _idea(link)
            facts.boards.append(PlanBoard(row, peer.title, state.snapshot, sources.behind or {}))
    return facts


def _idea(link: Mapping[str, Any]) -> Idea:
    solution = link["solution"]
    return Idea(
        board=link["board"],
        item=link["item"],
        text=solution["text"],
        labels=solution["label"],
        ref=solution["ref"],
        workshop=(link.get("workshop") or {}).get("title", ""),
        neighbourhood=(link.get("neighbourhood") or {}).get("name"),
        votes=link["votes"],
    )


async def _state_or_none(services: Services, row: BoardRow) -> BoardState | None:
    try:
        return await board_state(services, row)
    except ApiError:
        return None
