"""`GET /api/studies/{id}/diagnostic`: the study's figures as JSON (`fresque.diagnostic`), for its team only.

The inputs are what the team could download by hand: each exploration board's JSON export of the study's
workshops (`board_exports.exploration_document`), the workshops' people as they are now, the survey
responses and the questionnaire's versions. A board's facts are kept in memory per (board, head_seq): a
board that did not change since the last diagnostic is not opened again (opening a board replays its op
log). Filters: `neighbourhood`, `age_band`, `fragility`, `workshop` (docs/diagnostic.md).
"""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any, Final, cast

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from sqlalchemy import Table, select

from ..catalogue import Catalogue
from ..db.models import SurveyResponse
from ..diagnostic import BoardFacts, Diagnostic, Response, StudyInputs, board_facts, diagnose, people_of
from ..diagnostic.compute import questions_of
from ..diagnostic.shape import Filters, Labels, NeighbourhoodInfo, RefInfo, WorkshopInfo
from ..export import participant_entry
from ..people import AgeBand, Fragility
from ..uploads import custom_ref
from .account_deps import AccountReader, study_role
from .board_exports import exploration_document
from .deps import Services, ServicesDep
from .errors import ApiError

router = APIRouter(prefix="/api")

CACHE_BOARDS: Final = 256
CACHE_ANSWERS: Final = 50_000
_facts: OrderedDict[tuple[str, int], BoardFacts] = OrderedDict()
# A response's answers never change once stored: parsed once, by response id.
_answers: OrderedDict[str, dict[str, Any]] = OrderedDict()
_responses = cast(Table, SurveyResponse.__table__)


async def facts_of(services: Services, board: Any) -> BoardFacts:
    """A board's facts, from its export document when it changed since last read (`head_seq`)."""
    key = (board.id, board.head_seq)
    found = _facts.get(key)
    if found is not None:
        _facts.move_to_end(key)
        return found
    document = await exploration_document(services, board)
    facts = board_facts(document)
    _facts[(board.id, int(document["board"]["seq"]))] = facts
    while len(_facts) > CACHE_BOARDS:
        _facts.popitem(last=False)
    return facts


def catalogue_refs(catalogue: Catalogue) -> tuple[dict[str, RefInfo], dict[str, Labels]]:
    refs: dict[str, RefInfo] = {
        entry.id: {
            "kind": entry.kind,
            "labels": dict(entry.labels),
            "picture": entry.picture,
            "category": entry.category,
        }
        for entry in catalogue.by_id.values()
    }
    return refs, {c.id: dict(c.labels) for c in catalogue.activity_categories}


async def study_responses(services: Services, study_id: str, known: set[str]) -> list[Response]:
    """The study's survey responses: the columns the figures read, answers parsed once per response."""
    c = _responses.c
    query = select(c.id, c.neighbourhood_id, c.fragility, c.answers).where(c.study_id == study_id)
    async with services.store.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    out = []
    for row in rows:
        answers = _answers.get(row.id)
        if answers is None:
            answers = _answers[row.id] = json.loads(row.answers)
            while len(_answers) > CACHE_ANSWERS:
                _answers.popitem(last=False)
        hood = row.neighbourhood_id
        if hood not in known:
            answered = answers.get("neighbourhood")
            hood = answered if answered in known else None
        out.append(Response(hood, row.fragility, answers))
    return out


async def study_inputs(services: Services, study_id: str) -> StudyInputs:
    study = await services.studies.study(study_id)
    if study is None:  # pragma: no cover - study_role said it exists
        raise ApiError(404, "study_not_found", "no such study among yours")
    hoods: list[NeighbourhoodInfo] = [
        {"id": n.id, "name": n.name, "qpv_code": n.qpv_code}
        for n in await services.studies.neighbourhoods(study_id)
    ]
    known = {h["id"] for h in hoods}
    refs, categories = catalogue_refs(services.catalogue)
    workshops: list[WorkshopInfo] = []
    boards: list[BoardFacts] = []
    people = {}
    for w in await services.studies.study_workshops(study_id):
        workshops.append(
            {"id": w.workshop_id, "title": w.title, "date": w.date, "neighbourhood": w.neighbourhood_id}
        )
        people[w.workshop_id] = people_of(
            participant_entry(p) for p in await services.store.people(w.workshop_id)
        )
        for p in await services.store.custom_pictograms(w.workshop_id):
            refs[custom_ref(p.id)] = {
                "kind": "activity",
                "labels": dict(p.labels),
                "picture": None,
                "category": p.category,
            }
        for row in await services.store.boards_of(w.workshop_id):
            if row.kind == "exploration":
                boards.append(await facts_of(services, row))
    responses = await study_responses(services, study_id, known)
    questionnaires = [(v, json.loads(body)) for v, body in await services.surveys.questionnaires(study_id)]
    return StudyInputs(
        study={"id": study.id, "title": study.title, "territory": study.territory},
        neighbourhoods=hoods,
        workshops=workshops,
        boards=boards,
        people=people,
        responses=responses,
        questions=questions_of(questionnaires),
        refs=refs,
        categories=categories,
    )


@router.get("/studies/{study_id}/diagnostic")
async def study_diagnostic(
    study_id: str,
    signed_in: AccountReader,
    services: ServicesDep,
    neighbourhood: str | None = None,
    age_band: AgeBand | None = None,
    fragility: Fragility | None = None,
    workshop: str | None = None,
) -> JSONResponse:
    """The figures (`fresque.diagnostic.shape.Diagnostic`); 422 `unknown_neighbourhood` / `unknown_workshop`
    for a filter naming none of the study's."""
    await study_role(services, study_id, signed_in)
    inputs = await study_inputs(services, study_id)
    if neighbourhood is not None and neighbourhood not in {h["id"] for h in inputs.neighbourhoods}:
        raise ApiError(422, "unknown_neighbourhood", "that neighbourhood is not one of this study's")
    if workshop is not None and workshop not in {w["id"] for w in inputs.workshops}:
        raise ApiError(422, "unknown_workshop", "that workshop is not one of this study's")
    filters: Filters = {
        "neighbourhood": neighbourhood,
        "age_band": age_band,
        "fragility": fragility,
        "workshop": workshop,
    }
    figures: Diagnostic = diagnose(inputs, filters)
    return JSONResponse(figures, headers={"Cache-Control": "no-store"})
