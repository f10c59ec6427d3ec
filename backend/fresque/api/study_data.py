"""A whole study's data: its export, its import into a new study, and erasing everything of it.

- `GET /api/studies/{id}/export` (the study's team): the `fresque-study` document (`fresque.study_export`),
  each workshop's part being exactly what `GET /api/workshops/{id}/export` gives (the same function).
- `POST /api/studies/import` (any signed-in account, which becomes the new study's owner): a **new** study
  made from such a document, with new ids for every row that has one of its own (study, neighbourhoods,
  responses, questions, workshops, boards, pictures), the workshop import's rules for what lives inside
  (items, threads, actions keep their ids; participants keep theirs where free), the links of an action
  fresco to residents' solutions of any workshop of the study following their boards' new ids. Checked whole
  before anything is written; should a write fail midway (the pictures' quota, the database), what was made
  is erased. The team is not re-created: accounts are people, made by `fresque admin create-user` and
  invites. The answer gives the new ids by old id.
- `DELETE /api/studies/{id}` (the owner): each workshop erased by the workshop's own path (its boards close
  with `4004 workshop_erased`, its picture folder goes), then in one transaction every row naming the study
  and the study itself; the answer counts the rows per table.

docs/study-export.md describes the document and what a round trip keeps.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
from collections import Counter
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from pydantic import ValidationError
from starlette.types import Scope

from .. import __version__
from ..auth import new_id, new_join_code
from ..boards import state_from_snapshot
from ..core.actions import ActionBoard
from ..core.board import Board
from ..core.errors import RuleError
from ..core.text import check_text
from ..db.study_data import (
    NewStudy,
    NewWorkshop,
    WorkshopsLeft,
    erase_study_rows,
    insert_boards,
    insert_study,
    insert_work_questions,
    insert_workshop,
    participants,
    questionnaire_rows,
    taken_ids,
    work_question_rows,
)
from ..export import ActionsExportDocument, ParticipantEntry, actions_snapshot_of, snapshot_of
from ..pages import slug
from ..people import ProfileError, check_profile
from ..profiles import colour as colour_of
from ..protocol import dumps
from ..roles import FACILITATOR
from ..study_export import (
    STUDY_FORMAT,
    STUDY_FORMAT_VERSION,
    StudyDocument,
    WorkshopDocument,
    canonical_json,
    moment,
    parse_moment,
    remap_ids,
    upgrade_study_document,
)
from ..uploads import CUSTOM_REF_PREFIX, PictureRefused, custom_ref
from .account_deps import AccountReader, AccountWriter, account_writer, study_role
from .deps import Services, ServicesDep
from .errors import ApiError
from .joining import client_address, code_expiry
from .workshop_data import erase_workshop_data, workshop_document
from .workshops import imported_id, limit_creation

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api")

ERASE_ROUNDS = 5  # workshops attached while the study is being erased are erased on the next round


# -- export ------------------------------------------------------------------------------------------------


async def study_document(services: Services, study_id: str) -> dict[str, Any] | None:
    study = await services.studies.study(study_id)
    if study is None:
        return None
    workshops = []
    for link in await services.studies.study_workshops(study_id):
        document = await workshop_document(services, link.workshop_id)
        if document is not None:  # erased meanwhile
            workshops.append({"neighbourhood": link.neighbourhood_id, "export": document})
    return {
        "format": STUDY_FORMAT,
        "format_version": STUDY_FORMAT_VERSION,
        "generator": {"name": "fresque", "version": __version__},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "study": {
            "id": study.id,
            "title": study.title,
            "territory": study.territory,
            "period_start": study.period_start,
            "period_end": study.period_end,
            "created_at": moment(study.created_at),
        },
        "team": [{"username": m.username, "role": m.role} for m in await services.studies.members(study_id)],
        "neighbourhoods": [
            {"id": n.id, "name": n.name, "qpv_code": n.qpv_code}
            for n in await services.studies.neighbourhoods(study_id)
        ],
        "questionnaires": [
            {"version": q.version, "created_at": moment(q.created_at), "body": _json(q.body)}
            for q in await questionnaire_rows(services.store, study_id)
        ],
        "responses": [
            {
                "id": r.id,
                "client_id": r.client_id,
                "questionnaire_version": r.questionnaire_version,
                "neighbourhood": r.neighbourhood_id,
                "answers": _json(r.answers),
                "fragility": r.fragility,
                "source": r.source,
                "answered_at": None if r.answered_at is None else moment(r.answered_at),
                "received_at": moment(r.received_at),
            }
            for r in await services.surveys.responses(study_id)
        ],
        "workshops": workshops,
        "work_questions": [
            {
                "id": q.id,
                "position": q.position,
                "finding": _json(q.finding),
                "question": q.question,
                "created_at": moment(q.created_at),
            }
            for q in await work_question_rows(services.store, study_id)
        ],
    }


def _json(text: str) -> Any:
    """A JSON column as a JSON value in the document (a reader needs no second parse)."""
    return json.loads(text)


def study_file_name(title: str) -> str:
    return f"fresque-study-{slug(title)}.json"


@router.get("/studies/{study_id}/export")
async def export_study(study_id: str, signed_in: AccountReader, services: ServicesDep) -> JSONResponse:
    await study_role(services, study_id, signed_in)
    document = await study_document(services, study_id)
    if document is None:
        raise ApiError(404, "study_not_found", "no such study among yours")
    name = study_file_name(document["study"]["title"])
    return JSONResponse(
        document,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


# -- erase -------------------------------------------------------------------------------------------------


async def erase_study(services: Services, study_id: str) -> dict[str, int] | None:
    """Erase a study and everything of it; the rows deleted per table, None when there is no such study."""
    totals: Counter[str] = Counter()
    for _ in range(ERASE_ROUNDS):
        for link in await services.studies.study_workshops(study_id):
            counts = await erase_workshop_data(services, link.workshop_id)
            totals.update(counts or {})
        try:
            rows = await erase_study_rows(services.store, study_id)
        except WorkshopsLeft:
            continue  # a workshop was attached meanwhile: erase it too
        if rows is None:
            return None
        from .diagnostic import forget  # the study's answers kept in memory go too

        forget(study_id)
        totals.update(rows)
        # SQLite: checkpoint the WAL so the deleted text leaves every file; PostgreSQL: VACUUM the tables
        await services.store._reclaim(sorted(rows))
        log.info("study %s erased: %s", study_id, dict(totals))
        return dict(totals)
    raise ApiError(409, "study_busy", "workshops keep being added to this study: try again")


@router.delete("/studies/{study_id}")
async def delete_study(study_id: str, signed_in: AccountWriter, services: ServicesDep) -> dict[str, Any]:
    await study_role(services, study_id, signed_in, owner=True)
    counts = await erase_study(services, study_id)
    if counts is None:
        raise ApiError(404, "study_not_found", "no such study among yours")
    return {"erased": counts}


# -- import ------------------------------------------------------------------------------------------------


def _invalid(message: str) -> ApiError:
    return ApiError(422, "invalid_document", message)


def _text(value: str, field: str, max_chars: int) -> str:
    try:
        check_text(value, max_chars=max_chars, field=field)
    except RuleError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    if not value.strip():
        raise ApiError(422, "text_required", f"{field} cannot be blank")
    return value


def _moment(text: str, field: str) -> datetime:
    try:
        return parse_moment(text, field)
    except ValueError as exc:
        raise _invalid(str(exc)) from None


def _unique(values: list[str], what: str) -> None:
    seen: set[str] = set()
    for value in values:
        if value in seen:
            raise _invalid(f"{what} {value} is listed twice")
        seen.add(value)


def parse_study(raw: dict[str, Any]) -> StudyDocument:
    try:
        return StudyDocument.model_validate(upgrade_study_document(raw))
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise _invalid(f"{where}: {first['msg']}") from None


class Plan:
    """Everything an import will write, checked and with its new ids, before anything is written."""

    def __init__(self, document: StudyDocument) -> None:
        self.document = document
        self.study_id = new_id()
        self.neighbourhoods = {n.id: new_id() for n in document.neighbourhoods}
        self.workshops = {w.export.workshop.id: new_id() for w in document.workshops}
        self.boards = {b.board.id: new_id() for w in document.workshops for b in w.export.boards}
        # the boards an action may link to: residents' solutions live on exploration boards
        self.explorations = {
            b.board.id for w in document.workshops for b in w.export.boards if b.board.kind == "exploration"
        }
        self.responses = {r.id: new_id() for r in document.responses}
        self.questions = {q.id: new_id() for q in document.work_questions}
        self.participants: dict[str, str] = {}  # filled by `plan_people`
        self.pictograms: dict[str, str] = {}  # old id → new id, filled as the pictures are stored
        self.states: dict[str, Board | ActionBoard] = {}  # by the document's board id

    def ids(self) -> dict[str, dict[str, str]]:
        return {
            "studies": {self.document.study.id: self.study_id},
            "neighbourhoods": self.neighbourhoods,
            "workshops": self.workshops,
            "boards": self.boards,
            "participants": self.participants,
            "custom_pictograms": self.pictograms,
            "responses": self.responses,
            "work_questions": self.questions,
        }


def check_study(document: StudyDocument) -> None:
    """What the models cannot say: references inside the document, texts and times."""
    _text(document.study.title, "study.title", 200)
    _text(document.study.territory, "study.territory", 200)
    _unique([n.id for n in document.neighbourhoods], "neighbourhood")
    for n in document.neighbourhoods:
        _text(n.name, "neighbourhoods.name", 120)
    known = {n.id for n in document.neighbourhoods}
    versions = [q.version for q in document.questionnaires]
    if len(set(versions)) != len(versions):
        raise _invalid("a questionnaire version is listed twice")
    for q in document.questionnaires:
        _moment(q.created_at, "questionnaires.created_at")
    _unique([r.id for r in document.responses], "response")
    _unique([r.client_id for r in document.responses], "response client_id")
    for r in document.responses:
        if r.questionnaire_version not in versions:
            raise _invalid(f"response {r.id}: no questionnaire version {r.questionnaire_version}")
        if r.neighbourhood is not None and r.neighbourhood not in known:
            raise _invalid(f"response {r.id}: no neighbourhood {r.neighbourhood}")
        _moment(r.received_at, "responses.received_at")
        if r.answered_at is not None:
            _moment(r.answered_at, "responses.answered_at")
    _unique([q.id for q in document.work_questions], "work question")
    for question in document.work_questions:
        _text(question.question, "work_questions.question", 20_000)
        _moment(question.created_at, "work_questions.created_at")
    _unique([w.export.workshop.id for w in document.workshops], "workshop")
    _unique([b.board.id for w in document.workshops for b in w.export.boards], "board")
    _unique([p.id for w in document.workshops for p in w.export.participants], "participant")
    for w in document.workshops:
        if w.neighbourhood is not None and w.neighbourhood not in known:
            raise _invalid(f"workshop {w.export.workshop.id}: no neighbourhood {w.neighbourhood}")
        _text(w.export.workshop.title, "workshop.title", 200)


def _check_person(person: ParticipantEntry) -> dict[str, Any]:
    """The participant's columns (but workshop and id), checked as on joining."""
    try:
        profile = check_profile(
            language=person.language,
            neighbourhood=person.neighbourhood,
            age_band=person.age_band,
            fragility=person.fragility,
            consent=person.consent,
        )
    except ProfileError as exc:
        raise ApiError(422, exc.code, f"{person.id}: {exc.message}") from None
    if person.colour is not None and colour_of(person.colour) is None:
        raise ApiError(422, "invalid_colour", f"{person.id}: {person.colour} is not a colour")
    return {
        "alias": _text(person.alias, "alias", 80),
        "role": person.role,
        "colour": person.colour,
        **profile.values(),
    }


async def plan_people(services: Services, plan: Plan) -> None:
    """Each participant keeps their id where no workshop holds it, else gets the id the board import would
    give them in the new workshop (`fresque.api.workshops.imported_id`)."""
    everyone = [p.id for w in plan.document.workshops for p in w.export.participants]
    taken = await taken_ids(services.store, participants, everyone)
    for w in plan.document.workshops:
        new_workshop = plan.workshops[w.export.workshop.id]
        for person in w.export.participants:
            plan.participants[person.id] = (
                imported_id(new_workshop, person.id) if person.id in taken else person.id
            )


def _referenced(board: Any) -> list[str]:
    if isinstance(board, ActionsExportDocument):
        return [a.author for a in board.actions] + [v.participant for v in board.votes.by_participant]
    return (
        [i.author for i in board.items]
        + [t.author for t in board.threads]
        + [v.participant for v in board.votes.by_participant]
    )


def check_workshop(services: Services, plan: Plan, export: WorkshopDocument) -> None:
    """The workshop's people, pictures and boards, each board's state rebuilt by its rules (not stored)."""
    most = services.settings.max_people_per_workshop
    if len(export.participants) > most:
        raise ApiError(422, "workshop_full", f"workshop {export.workshop.id} has more than {most} people")
    listed = {p.id for p in export.participants}
    for person in export.participants:
        _check_person(person)
        if person.host is not None and person.host not in listed:
            raise ApiError(422, "unknown_participant", f"{person.host} is not in the workshop's participants")
    _hosts_first(export.participants)
    pictures = set()
    for pictogram in export.custom_pictograms:
        if pictogram.picture_png_base64 is None:
            raise _invalid(f"custom pictogram {pictogram.id}: its picture is missing")
        if "fr" not in pictogram.labels:
            raise _invalid(f"custom pictogram {pictogram.id}: labels need fr")
        _picture_bytes(pictogram.picture_png_base64, pictogram.id)
        pictures.add(custom_ref(pictogram.id))
    refs = {**services.rooms.refs}
    refs["activity"] = refs.get("activity", frozenset()) | frozenset(pictures)
    who = plan.participants
    for board in export.boards:
        for pid in _referenced(board):
            if pid not in listed:
                raise ApiError(422, "unknown_participant", f"{pid} is not in the workshop's participants")
        snapshot: dict[str, Any]
        if isinstance(board, ActionsExportDocument):
            snapshot = actions_snapshot_of(board, who, keep_link=lambda b, _i: b in plan.explorations)
            for action in snapshot["actions"]:
                for link in action["links"]:
                    link["board"] = plan.boards[link["board"]]
            snapshot = remap_ids(snapshot, plan.questions)
        else:
            for item in board.items:
                if item.ref and item.ref.startswith(CUSTOM_REF_PREFIX) and item.ref not in pictures:
                    raise ApiError(
                        422, "unknown_custom_pictogram", f"{item.ref} is not one of the workshop's pictures"
                    )
            snapshot = snapshot_of(board, who)
        try:
            plan.states[board.board.id] = state_from_snapshot(
                board.board.kind, snapshot, refs, services.settings
            )
        except RuleError as exc:
            raise ApiError(422, exc.code, f"board {board.board.id}: {exc.message}") from None


def _picture_bytes(encoded: str, pictogram_id: str) -> bytes:
    try:
        return base64.b64decode(encoded, validate=True)
    except (binascii.Error, ValueError):
        raise _invalid(f"custom pictogram {pictogram_id}: picture_png_base64 is not base64") from None


def _hosts_first(people: list[ParticipantEntry]) -> list[ParticipantEntry]:
    """Every host before the people it hosts (rows name their host); 422 on a cycle."""
    by_id = {p.id: p for p in people}
    ordered: list[ParticipantEntry] = []
    placed: set[str] = set()
    for person in people:
        chain: list[ParticipantEntry] = []
        current: ParticipantEntry | None = person
        while current is not None and current.id not in placed:
            if current in chain:
                raise _invalid(f"{current.id}: hosts form a cycle")
            chain.append(current)
            current = by_id.get(current.host) if current.host is not None else None
        for found in reversed(chain):
            placed.add(found.id)
            ordered.append(found)
    return ordered


async def write_study(services: Services, plan: Plan, account_id: str) -> None:
    document = plan.document
    await insert_study(
        services.store,
        NewStudy(
            id=plan.study_id,
            title=document.study.title,
            territory=document.study.territory,
            period_start=document.study.period_start,
            period_end=document.study.period_end,
            owner_account_id=account_id,
            neighbourhoods=[(plan.neighbourhoods[n.id], n.name, n.qpv_code) for n in document.neighbourhoods],
            questionnaires=[
                (q.version, canonical_json(q.body), _moment(q.created_at, "created_at"))
                for q in document.questionnaires
            ],
            responses=[
                {
                    "id": plan.responses[r.id],
                    "client_id": r.client_id,
                    "questionnaire_version": r.questionnaire_version,
                    "neighbourhood_id": None
                    if r.neighbourhood is None
                    else plan.neighbourhoods[r.neighbourhood],
                    # a `neighbourhood` question's answer is the study's neighbourhood's id
                    "answers": canonical_json(remap_ids(r.answers, plan.neighbourhoods)),
                    "fragility": r.fragility,
                    "source": r.source,
                    "answered_at": None if r.answered_at is None else _moment(r.answered_at, "answered_at"),
                    "received_at": _moment(r.received_at, "received_at"),
                }
                for r in document.responses
            ],
        ),
    )
    for entry in document.workshops:
        await write_workshop(services, plan, entry.export, entry.neighbourhood, account_id)
    await insert_work_questions(
        services.store,
        plan.study_id,
        [
            {
                "id": plan.questions[q.id],
                "position": q.position,
                "finding": canonical_json(remap_ids(q.finding, _finding_ids(plan))),
                "question": q.question,
                "created_at": _moment(q.created_at, "created_at"),
            }
            for q in document.work_questions
        ],
    )


def _finding_ids(plan: Plan) -> dict[str, str]:
    """The ids a question's finding may name: a neighbourhood, a workshop, a board, another question, a
    workshop's own picture (as an activity's ref, `custom:<id>`: the pictures are stored by then)."""
    return {
        plan.document.study.id: plan.study_id,
        **plan.neighbourhoods,
        **plan.workshops,
        **plan.boards,
        **plan.questions,
        **{custom_ref(old): custom_ref(new) for old, new in plan.pictograms.items()},
    }


async def write_workshop(
    services: Services, plan: Plan, export: WorkshopDocument, neighbourhood: str | None, account_id: str
) -> None:
    workshop_id = plan.workshops[export.workshop.id]
    who = plan.participants
    # in the export's order (the stores list people by creation), unless a host came after its guest there
    listed = export.participants
    position = {p.id: index for index, p in enumerate(listed)}
    in_order = all(p.host is None or position.get(p.host, -1) < position[p.id] for p in listed)
    people = [
        {
            **_check_person(person),
            "id": who[person.id],
            "host_id": None if person.host is None else who[person.host],
            "removed_at": datetime.now(UTC) if person.removed else None,
        }
        for person in (listed if in_order else _hosts_first(listed))
    ]
    facilitator = next(
        (
            who[p.id]
            for p in export.participants
            if p.role == FACILITATOR and p.host is None and not p.removed
        ),
        None,
    )
    await insert_workshop(
        services.store,
        NewWorkshop(
            id=workshop_id,
            study_id=plan.study_id,
            neighbourhood_id=None if neighbourhood is None else plan.neighbourhoods[neighbourhood],
            title=export.workshop.title,
            neighbourhood=export.workshop.neighbourhood,
            date=export.workshop.date,
            join_code=new_join_code(),
            join_code_expires_at=code_expiry(services),
            people=people,
            facilitator_id=facilitator,
            account_id=account_id,
        ),
    )
    refs: dict[str, str] = {}
    for pictogram in export.custom_pictograms:
        assert pictogram.picture_png_base64 is not None  # `check_workshop`
        data = _picture_bytes(pictogram.picture_png_base64, pictogram.id)
        try:
            row = await services.pictures.add(workshop_id, data, dict(pictogram.labels), pictogram.category)
        except PictureRefused as exc:
            raise ApiError(exc.status, exc.code, f"custom pictogram {pictogram.id}: {exc.message}") from None
        plan.pictograms[pictogram.id] = row.id
        refs[custom_ref(pictogram.id)] = custom_ref(row.id)
    made: list[tuple[str, str, str, str]] = []
    for board in export.boards:
        snapshot = plan.states[board.board.id].to_snapshot()
        if refs and "items" in snapshot:
            for item in snapshot["items"]:
                if item.get("ref") in refs:
                    item["ref"] = refs[item["ref"]]
        title = str(snapshot["settings"]["title"])
        made.append((plan.boards[board.board.id], board.board.kind, title, dumps(snapshot)))
    await insert_boards(services.store, workshop_id, made)


@router.post("/studies/import", status_code=201)
async def import_study(
    raw: dict[str, Any], request: Request, signed_in: AccountWriter, services: ServicesDep
) -> dict[str, Any]:
    document = parse_study(raw)
    check_study(document)
    plan = Plan(document)
    await plan_people(services, plan)
    for entry in document.workshops:
        check_workshop(services, plan, entry.export)
    # an import makes workshops: it spends the creation allowance as making one does (429 with Retry-After)
    await limit_creation(services, client_address(request))
    try:
        await write_study(services, plan, signed_in.account.account_id)
    except BaseException as exc:
        log.warning("a study import failed midway (%s): erasing what it made", exc)
        await erase_study(services, plan.study_id)
        raise
    return {
        "study": {"id": plan.study_id, "title": document.study.title},
        "ids": plan.ids(),
        "counts": {
            "neighbourhoods": len(document.neighbourhoods),
            "questionnaires": len(document.questionnaires),
            "responses": len(document.responses),
            "workshops": len(document.workshops),
            "boards": len(plan.boards),
            "participants": len(plan.participants),
            "custom_pictograms": len(plan.pictograms),
            "work_questions": len(document.work_questions),
        },
    }


async def account_gate(scope: Scope) -> ApiError | None:
    """For `fresque.bodylimit`: a study import's large body is read only for a signed-in account (with the
    cookie's Origin and CSRF token, or Bearer), as the route itself checks."""
    try:
        await account_writer(Request(scope))
    except ApiError as refusal:
        return refusal
    return None
