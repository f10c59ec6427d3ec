"""`GET /api/studies/{id}/diagnostic`: the study's figures as JSON (`fresque.diagnostic`), for its team only.

The inputs are what the team could download by hand: each exploration board's JSON export of the study's
workshops (read straight from the board's stored state, `diagnostic.snapshot_facts`: the same facts as
`diagnostic.board_facts` of its `board_exports.exploration_document`), the workshops' people as they are
now, the survey responses and the questionnaire's versions. Filters: `neighbourhood`, `age_band`,
`fragility`, `workshop` (docs/diagnostic.md).

Kept in this process's memory, so that a diagnostic asked again costs little:
- a board's facts per (board, head_seq): a board that did not change is not read again (a board is read
  from its stored snapshot when that is at its head, else from its room, which replays its op log);
- a response's parsed answers (a response never changes once stored);
- the answer itself, per filters and per *everything it was computed from* (the study, its neighbourhoods and
  workshops, each board's head_seq, each participant's role and profile, the workshops' own pictures, each
  response, the questionnaire's versions): read again on every request, so any change computes it anew.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Hashable, Iterable
from dataclasses import dataclass
from typing import Any, Final, TypeVar, cast

from fastapi import APIRouter
from fastapi.responses import Response as HttpResponse
from sqlalchemy import Table, select

from ..catalogue import Catalogue
from ..collector import gc_paused
from ..db.models import Board, BoardSnapshot, CustomPictogram, Participant, SurveyResponse
from ..db.store import BoardRow
from ..diagnostic import BoardFacts, Person, Response, StudyInputs, diagnose, people_of, snapshot_facts
from ..diagnostic.compute import questions_of
from ..diagnostic.shape import Filters, Labels, NeighbourhoodInfo, RefInfo, WorkshopInfo
from ..people import AgeBand, Fragility
from ..rooms.registry import BoardNotFound
from ..uploads import custom_ref
from .account_deps import AccountReader, study_role
from .deps import Services, ServicesDep
from .errors import ApiError

router = APIRouter(prefix="/api")
K = TypeVar("K", bound=Hashable)
V = TypeVar("V")

CACHE_BOARDS: Final = 256
CACHE_ANSWERS: Final = 50_000
CACHE_RESULTS: Final = 32
_facts: OrderedDict[tuple[str, int], BoardFacts] = OrderedDict()
_answers: OrderedDict[str, dict[str, Any]] = OrderedDict()
_results: OrderedDict[tuple[str, Hashable], bytes] = OrderedDict()  # (study id, its state's key)
# Per study context (`StudyState.context`): the groups' counts already made (`StudyInputs.memo`), so that
# after one board changed only its neighbourhood is counted again.
CACHE_MEMOS: Final = 8
MEMO_ENTRIES: Final = 4096
_memos: OrderedDict[Hashable, dict[Hashable, Any]] = OrderedDict()

_responses = cast(Table, SurveyResponse.__table__)
_boards = cast(Table, Board.__table__)
_participants = cast(Table, Participant.__table__)
_pictures = cast(Table, CustomPictogram.__table__)
_snapshots = cast(Table, BoardSnapshot.__table__)


def _remember(cache: OrderedDict[K, V], key: K, value: V, size: int) -> V:
    cache[key] = value
    while len(cache) > size:
        cache.popitem(last=False)
    return value


async def facts_of(services: Services, state: StudyState) -> list[BoardFacts]:
    """The study's boards' facts, each read only when it changed since last read (`head_seq`).

    A board whose stored snapshot is at its head (nothing in its op log after it: the usual case, a room
    saves one when its last user leaves) is read straight from that snapshot's JSON, all such boards in one
    query: no board is rebuilt (`Board.from_snapshot` checks every rule again) and no export document is
    made. Any other board (changes after its snapshot, a room open meanwhile) is read from its room, as an
    export would."""
    missing = [b for b in state.boards if (b.id, b.head_seq) not in _facts]
    read: dict[str, BoardFacts] = {}
    if missing:
        s = _snapshots.c
        async with services.store.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(s.board_id, s.seq, s.state).where(s.board_id.in_([b.id for b in missing]))
                )
            ).all()
        stored = {row.board_id: row for row in rows}
        for board in missing:
            categories = state.categories.get(board.workshop_id, {})
            row = stored.get(board.id)
            if row is not None and row.seq == board.head_seq:
                with gc_paused():  # the parsed JSON is garbage at once (fresque/collector.py)
                    facts = snapshot_facts(
                        json.loads(row.state),
                        board_id=board.id,
                        workshop_id=board.workshop_id,
                        seq=row.seq,
                        custom_categories=categories,
                    )
            else:  # (a board changed since `state` was read has its facts as read now, as an export would)
                facts = await _room_facts(services, board, categories)
            read[board.id] = _remember(_facts, (board.id, facts.seq), facts, CACHE_BOARDS)
    found = []
    for board in state.boards:
        fresh = read.get(board.id)
        if fresh is None:
            fresh = _facts[(board.id, board.head_seq)]
            _facts.move_to_end((board.id, board.head_seq))
        found.append(fresh)
    return found


async def _room_facts(services: Services, board: BoardRow, categories: dict[str, str]) -> BoardFacts:
    """A board's facts from its room (opened, its op log replayed, when no one is on it)."""
    try:
        async with services.rooms.use(board.id) as room, room.lock:
            return snapshot_facts(
                room.board.to_snapshot(),
                board_id=board.id,
                workshop_id=board.workshop_id,
                seq=room.seq,
                custom_categories=categories,
            )
    except BoardNotFound:
        raise ApiError(404, "board_not_found", "no such board") from None


def forget(study_id: str | None = None, board_ids: Iterable[str] = ()) -> None:
    """Drop what this process keeps of a study (its answers) and of boards (their facts): for an erase, so
    that an erased study's words do not stay in memory until pushed out."""
    boards = set(board_ids)
    for board_key in [k for k in _facts if k[0] in boards]:
        del _facts[board_key]
    for key in [k for k in _results if study_id is not None and k[0] == study_id]:
        del _results[key]
    for context in [c for c in _memos if study_id is not None and cast(Any, c)[0][0][1] == study_id]:
        del _memos[context]
    if boards:  # a memo's counts may hold these boards' words: the memos go (they are made again)
        _memos.clear()


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


@dataclass
class StudyState:
    """What the study's figures are computed from, read without opening any board."""

    study: dict[str, str | None]
    neighbourhoods: list[NeighbourhoodInfo]
    workshops: list[WorkshopInfo]
    boards: list[BoardRow]
    people: dict[str, dict[str, Person]]
    pictures: dict[str, RefInfo]
    categories: dict[str, dict[str, str]]  # per workshop: its own pictures' categories (`custom:<id>` → …)
    responses: list[Response]
    response_keys: tuple[tuple[str, str | None, str | None], ...]
    questionnaires: list[tuple[int, str]]

    def context(self) -> Hashable:
        """What every count of a group depends on besides its boards, people and responses."""
        return (
            tuple(self.study.items()),
            tuple((h["id"], h["name"], h["qpv_code"]) for h in self.neighbourhoods),
            tuple((w["id"], w["title"], w["date"], w["neighbourhood"]) for w in self.workshops),
            tuple(sorted((ref, json.dumps(info, sort_keys=True)) for ref, info in self.pictures.items())),
            tuple(self.questionnaires),
        )

    def key(self, filters: Filters) -> Hashable:
        return (
            tuple(sorted(filters.items())),
            tuple(self.study.items()),
            tuple((h["id"], h["name"], h["qpv_code"]) for h in self.neighbourhoods),
            tuple((w["id"], w["title"], w["date"], w["neighbourhood"]) for w in self.workshops),
            tuple((b.id, b.workshop_id, b.head_seq) for b in self.boards),
            tuple(
                sorted(
                    (w, p.id, p.counts, p.age_band or "", p.fragility or "")
                    for w, people in self.people.items()
                    for p in people.values()
                )
            ),
            tuple(sorted((ref, json.dumps(info, sort_keys=True)) for ref, info in self.pictures.items())),
            self.response_keys,
            tuple(self.questionnaires),
        )


async def study_state(services: Services, study_id: str) -> StudyState:
    study = await services.studies.study(study_id)
    if study is None:  # pragma: no cover - study_role said it exists
        raise ApiError(404, "study_not_found", "no such study among yours")
    hoods: list[NeighbourhoodInfo] = [
        {"id": n.id, "name": n.name, "qpv_code": n.qpv_code}
        for n in await services.studies.neighbourhoods(study_id)
    ]
    workshops: list[WorkshopInfo] = [
        {"id": w.workshop_id, "title": w.title, "date": w.date, "neighbourhood": w.neighbourhood_id}
        for w in await services.studies.study_workshops(study_id)
    ]
    ids = [w["id"] for w in workshops]
    b, p, c, r = _boards.c, _participants.c, _pictures.c, _responses.c
    async with services.store.engine.connect() as conn:
        board_rows = (
            await conn.execute(
                select(b.id, b.workshop_id, b.kind, b.title, b.head_seq)
                .where(b.workshop_id.in_(ids), b.kind == "exploration")
                .order_by(b.workshop_id, b.created_at, b.id)
            )
        ).all()
        person_rows = (
            await conn.execute(
                select(p.id, p.workshop_id, p.role, p.consent, p.age_band, p.fragility).where(
                    p.workshop_id.in_(ids)
                )
            )
        ).all()
        picture_rows = (
            await conn.execute(
                select(c.id, c.workshop_id, c.label_fr, c.label_en, c.label_ar, c.category).where(
                    c.workshop_id.in_(ids)
                )
            )
        ).all()
        response_rows = (
            await conn.execute(
                select(r.id, r.neighbourhood_id, r.fragility, r.answers)
                .where(r.study_id == study_id)
                .order_by(r.id)
            )
        ).all()
    people: dict[str, dict[str, Person]] = {w: {} for w in ids}
    for person in person_rows:
        people[person.workshop_id].update(people_of([person._asdict()]))
    pictures: dict[str, RefInfo] = {
        custom_ref(pic.id): {
            "kind": "activity",
            "labels": {
                k: v for k, v in (("fr", pic.label_fr), ("en", pic.label_en), ("ar", pic.label_ar)) if v
            },
            "picture": None,
            "category": pic.category,
        }
        for pic in picture_rows
    }
    categories: dict[str, dict[str, str]] = {}
    for pic in picture_rows:
        if pic.category:
            categories.setdefault(pic.workshop_id, {})[custom_ref(pic.id)] = pic.category
    known = {h["id"] for h in hoods}
    responses = []
    with gc_paused():  # thousands of small parsed answers (fresque/collector.py)
        for resp in response_rows:
            answers = _answers.get(resp.id)
            if answers is None:
                answers = _remember(_answers, resp.id, json.loads(resp.answers), CACHE_ANSWERS)
            hood = resp.neighbourhood_id
            if hood not in known:
                answered = answers.get("neighbourhood")
                hood = answered if answered in known else None
            responses.append(Response(hood, resp.fragility, answers))
    return StudyState(
        study={"id": study.id, "title": study.title, "territory": study.territory},
        neighbourhoods=hoods,
        workshops=workshops,
        boards=[BoardRow(x.id, x.workshop_id, x.kind, x.title, x.head_seq) for x in board_rows],
        people=people,
        pictures=pictures,
        categories=categories,
        responses=responses,
        response_keys=tuple((x.id, x.neighbourhood_id, x.fragility) for x in response_rows),
        questionnaires=await services.surveys.questionnaires(study_id),
    )


async def study_inputs(services: Services, study_id: str) -> StudyInputs:
    """The pure computation's inputs of a study, as read now (the diagnostic page computes from these)."""
    return await inputs_of(services, await study_state(services, study_id))


async def inputs_of(services: Services, state: StudyState) -> StudyInputs:
    """The pure computation's inputs: the boards' facts (each board read when it changed)."""
    refs, categories = catalogue_refs(services.catalogue)
    refs.update(state.pictures)
    context = state.context()
    memo = _memos.get(context)
    if memo is None or len(memo) > MEMO_ENTRIES:
        memo = _remember(_memos, context, {}, CACHE_MEMOS)
    _memos.move_to_end(context)
    return StudyInputs(
        study=state.study,
        neighbourhoods=state.neighbourhoods,
        workshops=state.workshops,
        boards=await facts_of(services, state),
        people=state.people,
        responses=state.responses,
        questions=questions_of([(v, json.loads(body)) for v, body in state.questionnaires]),
        refs=refs,
        categories=categories,
        memo=memo,
        responses_version=state.response_keys,
    )


def encode(figures: Any) -> bytes:
    return json.dumps(figures, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


@router.get("/studies/{study_id}/diagnostic")
async def study_diagnostic(
    study_id: str,
    signed_in: AccountReader,
    services: ServicesDep,
    neighbourhood: str | None = None,
    age_band: AgeBand | None = None,
    fragility: Fragility | None = None,
    workshop: str | None = None,
) -> HttpResponse:
    """The figures (`fresque.diagnostic.shape.Diagnostic`); 422 `unknown_neighbourhood` / `unknown_workshop`
    for a filter naming none of the study's."""
    await study_role(services, study_id, signed_in)
    state = await study_state(services, study_id)
    if neighbourhood is not None and neighbourhood not in {h["id"] for h in state.neighbourhoods}:
        raise ApiError(422, "unknown_neighbourhood", "that neighbourhood is not one of this study's")
    if workshop is not None and workshop not in {w["id"] for w in state.workshops}:
        raise ApiError(422, "unknown_workshop", "that workshop is not one of this study's")
    filters: Filters = {
        "neighbourhood": neighbourhood,
        "age_band": age_band,
        "fragility": fragility,
        "workshop": workshop,
    }
    key = (study_id, state.key(filters))
    body = _results.get(key)
    if body is None:
        figures = diagnose(await inputs_of(services, state), filters)
        body = _remember(_results, key, encode(figures), CACHE_RESULTS)
    else:
        _results.move_to_end(key)
    return HttpResponse(body, media_type="application/json", headers={"Cache-Control": "no-store"})
