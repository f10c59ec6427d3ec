"""Workshops, boards and joining, over HTTP."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool, ValidationError, model_validator

from ..auth import (
    SESSION_COOKIE,
    display_join_code,
    hash_token,
    new_id,
    new_join_code,
    new_token,
)
from ..boards import new_state, state_from_snapshot
from ..core.actions import ActionBoard
from ..core.board import Board
from ..core.errors import RuleError
from ..core.text import check_text
from ..db.store import BoardRow, SessionInfo, now
from ..export import (
    ActionsExportDocument,
    ExportDocument,
    ParticipantEntry,
    actions_snapshot_of,
    any_document_adapter,
    snapshot_of,
    upgrade_document,
)
from ..i18n import requested_language, translator
from ..people import ALIAS_MAX_CHARS, Profile, ProfileError, check_profile
from ..profiles import FACILITATOR_COLOUR, PALETTE_IDS, display_colour, least_used
from ..profiles import colour as colour_of
from ..protocol import dumps
from ..roles import FACILITATOR
from ..study_scope import peers, question_ids
from ..uploads import CUSTOM_REF_PREFIX
from .board_exports import actions_document, board_row, exploration_document
from .deps import (
    BrowserWriterSession,
    ReaderSession,
    Services,
    ServicesDep,
    WriterSession,
    browser_write_session,
    require_facilitator,
    set_session_cookie,
)
from .errors import ApiError
from .joining import by_code, by_token, client_address, code_expiry, join_link, joining_json

router = APIRouter(prefix="/api")

Title = Annotated[str, Field(min_length=1, max_length=200)]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class WorkshopIn(Closed):
    title: Title
    neighbourhood: Annotated[str, Field(max_length=200)] | None = None
    date: Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")] | None = None


class BoardIn(Closed):
    kind: Literal["exploration", "actions"]
    title: Title


class ProfileIn(Closed):
    """The optional profile (`fresque.people`): checked by `profile_of`, which names a wrong field."""

    language: str | None = None  # fr, en, ar: the page's language when joining
    neighbourhood: Annotated[str, Field(max_length=200)] | None = None
    age_band: str | None = None
    fragility: str | None = None
    consent: StrictBool | None = None


def profile_of(body: ProfileIn) -> Profile:
    try:
        return check_profile(
            language=body.language,
            neighbourhood=body.neighbourhood,
            age_band=body.age_band,
            fragility=body.fragility,
            consent=body.consent,
        )
    except ProfileError as exc:
        raise ApiError(422, exc.code, exc.message) from None


def check_colour(colour: str | None) -> str | None:
    if colour is not None and colour not in PALETTE_IDS:
        raise ApiError(422, "invalid_colour", f"colour must be one of {', '.join(sorted(PALETTE_IDS))}")
    return colour


class JoinIn(ProfileIn):
    """Either the typed `code` or the link's `token` (`/j/t/{token}`, the QR code's), not both; then an alias,
    a colour, and the optional profile (`ProfileIn`)."""

    code: Annotated[str, Field(min_length=1, max_length=40)] | None = None
    token: Annotated[str, Field(min_length=1, max_length=64)] | None = None
    alias: Annotated[str, Field(min_length=1, max_length=ALIAS_MAX_CHARS)]
    colour: str | None = None  # a palette id (`fresque.profiles.PALETTE`); the least used one when omitted

    @model_validator(mode="after")
    def _code_or_token(self) -> JoinIn:
        if (self.code is None) == (self.token is None):
            raise ValueError("send either code or token")
        return self


def _text(value: str, field: str, max_chars: int) -> str:
    try:
        check_text(value, max_chars=max_chars, field=field)
    except RuleError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    if not value.strip():
        raise ApiError(422, "text_required", f"{field} cannot be blank")
    return value


def _board_json(row: BoardRow) -> dict[str, Any]:
    return {"id": row.id, "kind": row.kind, "title": row.title, "websocket": f"/ws/boards/{row.id}"}


async def _create_board(services: Services, workshop_id: str, kind: str, title: str) -> BoardRow:
    board_id = new_id()
    state = new_state(kind, title, services.rooms.refs, services.settings)
    await services.store.create_board(
        board_id=board_id, workshop_id=workshop_id, kind=kind, title=title, state=dumps(state.to_snapshot())
    )
    return BoardRow(board_id, workshop_id, kind, title, 0)


async def limit_creation(services: Services, address: str) -> None:
    """429 `too_many_workshops` (this address's allowance: FRESQUE_CREATE_PER_HOUR, _BURST) or
    `server_busy_creating` (the whole server's: FRESQUE_CREATE_GLOBAL_PER_HOUR, _BURST), with Retry-After."""
    wait, spent = await services.creation_limiter.claim(address)
    if not wait:
        return
    if spent == "address":
        code, who = "too_many_workshops", "this address has created many workshops"
    else:
        code, who = "server_busy_creating", "many workshops were created on this server"
    message = f"{who}: try again in {wait} s"
    raise ApiError(429, code, message, headers={"Retry-After": str(wait)}, extra={"retry_after": wait})


async def check_room_for_person(services: Services, workshop_id: str) -> None:
    """409 `workshop_full` past FRESQUE_MAX_PEOPLE_PER_WORKSHOP people (removed ones included: rows stay)."""
    most = services.settings.max_people_per_workshop
    if len(await services.store.roster(workshop_id)) >= most:
        raise ApiError(
            409, "workshop_full", f"this workshop has {most} people, its most", extra={"max": most}
        )


@router.post("/workshops", status_code=201)
async def create_workshop(
    body: WorkshopIn, request: Request, response: Response, services: ServicesDep
) -> dict[str, Any]:
    """Anyone may create a workshop, within the creation allowance (`limit_creation`)."""
    title = _text(body.title, "title", 200)
    await limit_creation(services, client_address(request))
    neighbourhood = _text(body.neighbourhood, "neighbourhood", 200) if body.neighbourhood else None
    answer = await new_workshop(
        services, request, response, title=title, neighbourhood=neighbourhood, date=body.date
    )
    return answer


async def new_workshop(
    services: Services,
    request: Request,
    response: Response,
    *,
    title: str,
    neighbourhood: str | None,
    date: str | None,
    first_board: Literal["exploration", "actions"] = "exploration",
) -> dict[str, Any]:
    """A new workshop (checked title and neighbourhood), its facilitator and first board, the facilitator's
    session cookie set on `response`: the answer of `POST /api/workshops`, which a study's workshop
    (`fresque.api.studies`) gives too. The facilitator's participant id is `answer["facilitator"]
    ["participant"]`."""
    workshop_id, participant_id, token = new_id(), new_id(), new_token()
    join_code, join_token, expires = new_join_code(), new_token(), code_expiry(services)
    await services.store.create_workshop(
        workshop_id=workshop_id,
        title=title,
        neighbourhood=neighbourhood,
        date=date,
        join_code=join_code,
        join_code_expires_at=expires,
        join_token=join_token,
    )
    await services.store.add_participant(
        participant_id=participant_id,
        workshop_id=workshop_id,
        # the facilitator's name, in the language of the page that creates the workshop (`role.facilitator`)
        alias=translator(requested_language(request)[0])("role.facilitator"),
        role="facilitator",
        token_hash=hash_token(token),
        colour=FACILITATOR_COLOUR.id,
    )
    board = await _create_board(services, workshop_id, first_board, title)
    set_session_cookie(response, token, services)
    return {
        "workshop": {"id": workshop_id, "title": title, "neighbourhood": neighbourhood, "date": date},
        "board": _board_json(board),
        "facilitator": {"participant": participant_id, "token": token},
        "join_code": join_code,
        "join_code_display": display_join_code(join_code),
        "join_code_expires_at": expires.isoformat(),
        "join_link": join_link(request, join_token),
        "join_qr": f"/api/workshops/{workshop_id}/join-qr.svg",
    }


@router.get("/workshops/{workshop_id}")
async def get_workshop(
    workshop_id: str, request: Request, session: ReaderSession, services: ServicesDep
) -> dict[str, Any]:
    if session.workshop_id != workshop_id:
        raise ApiError(403, "not_your_workshop", "this session belongs to another workshop")
    workshop = await services.store.workshop(workshop_id)
    if workshop is None:
        raise ApiError(404, "workshop_not_found", "no such workshop")
    out: dict[str, Any] = {k: workshop[k] for k in ("id", "title", "neighbourhood", "date")}
    out["boards"] = [_board_json(b) for b in await services.store.boards_of(workshop_id)]
    roster = await services.store.roster(workshop_id)
    out["participants"] = [
        {
            "id": p["id"],
            "alias": p["alias"],
            "colour": display_colour(str(p["id"]), str(p["role"]), p["colour"]),
            "role": p["role"],
        }
        for p in roster
    ]
    mine = next((p for p in out["participants"] if p["id"] == session.participant_id), None)
    out["you"] = {
        "participant": session.participant_id,
        "alias": session.alias,
        "role": session.role,
        "colour": mine["colour"] if mine else display_colour(session.participant_id, session.role, None),
    }
    if session.role == "facilitator":
        code = str(workshop["join_code"])
        out["join_code"] = code
        out["join_code_display"] = display_join_code(code)
        found = await services.store.joining_of(workshop_id)
        if found is not None:
            out["joining"] = joining_json(request, found)
    return out


@router.post("/workshops/{workshop_id}/boards", status_code=201)
async def add_board(
    workshop_id: str, body: BoardIn, session: BrowserWriterSession, services: ServicesDep
) -> dict[str, Any]:
    require_facilitator(session, workshop_id)
    most = services.settings.max_boards_per_workshop
    if len(await services.store.boards_of(workshop_id)) >= most:
        raise ApiError(
            409, "too_many_boards", f"a workshop may have at most {most} boards", extra={"max": most}
        )
    row = await _create_board(services, workshop_id, body.kind, _text(body.title, "title", 200))
    return _board_json(row)


@router.post("/join", status_code=201)
async def join(body: JoinIn, request: Request, response: Response, services: ServicesDep) -> dict[str, Any]:
    alias = _text(body.alias, "alias", ALIAS_MAX_CHARS)
    check_colour(body.colour)
    profile = profile_of(body)
    if body.token is not None:
        found = await by_token(services, body.token)
    else:
        assert body.code is not None
        found = await by_code(services, body.code, client_address(request))
    workshop_id = found.workshop_id
    await check_room_for_person(services, workshop_id)
    colour = body.colour or least_used([p["colour"] for p in await services.store.roster(workshop_id)])
    participant_id, token = new_id(), new_token()
    await services.store.add_participant(
        participant_id=participant_id,
        workshop_id=workshop_id,
        alias=alias,
        role="participant",
        token_hash=hash_token(token),
        colour=colour,
        profile=profile.values(),
    )
    set_session_cookie(response, token, services)
    boards = await services.store.boards_of(workshop_id)
    return {
        "workshop": workshop_id,
        "participant": participant_id,
        "alias": alias,
        "colour": colour,
        "token": token,
        "boards": [_board_json(b) for b in boards],
    }


@router.post("/session/logout", status_code=204)
async def logout(request: Request, services: ServicesDep) -> Response:
    """Revoke the caller's session (Bearer, or cookie with Origin and CSRF token): its row is deleted, so the
    token gets 401 everywhere from now on, WebSocket upgrades included; the cookie is cleared."""
    _, token_hash = await browser_write_session(request)
    await services.store.delete_session(token_hash)
    response = Response(status_code=204)
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=services.settings.cookie_secure
    )
    return response


# -- export and import ---------------------------------------------------------------------------------


@router.get("/boards/{board_id}/export")
async def export_board(board_id: str, session: ReaderSession, services: ServicesDep) -> dict[str, Any]:
    """The board as a JSON document (`fresque.export`), by its kind: an exploration board's items, threads
    and votes; an action fresco's fiches, capabilities webs, milestones, links and votes."""
    row = await board_row(services, board_id)
    require_facilitator(session, row.workshop_id)
    if row.kind == "actions":
        return await actions_document(services, row)
    return await exploration_document(services, row)


@router.post("/boards/import", status_code=201)
async def import_board(raw: dict[str, Any], session: WriterSession, services: ServicesDep) -> dict[str, Any]:
    """Create a new board, in the caller's workshop, from an export document. Checked whole before writing."""
    if session.role != "facilitator":
        raise ApiError(403, "facilitator_only", "only a facilitator may import a board")
    try:
        document = any_document_adapter.validate_python(upgrade_document(raw))
    except ValidationError as exc:
        first = exc.errors(include_url=False, include_input=False)[0]
        where = ".".join(str(p) for p in first["loc"])
        raise ApiError(422, "invalid_document", f"{where}: {first['msg']}") from None
    refs = await services.rooms.refs_of(session.workshop_id)
    state: Board | ActionBoard
    if isinstance(document, ActionsExportDocument):
        referenced = [a.author for a in document.actions]
        referenced += [v.participant for v in document.votes.by_participant]
        author_map, newcomers = await _plan_participants(services, session, document.participants, referenced)
        # Links to resident solutions stay when they name an exploration board within this workshop's reach
        # (its own, or its study's workshops': `study_scope`); elsewhere they would point at the residents
        # of a workshop out of reach.
        here = {
            b.id
            for wid in await peers(services.store, session.workshop_id)
            for b in await services.store.boards_of(wid)
            if b.kind == "exploration"
        }
        snapshot = actions_snapshot_of(document, author_map, keep_link=lambda board, _item: board in here)
        # A question de travail must be one of this workshop's study's (issue 13), as a live op's would.
        questions = await question_ids(services.store, session.workshop_id)
        for action in document.actions:
            if action.question is not None and action.question not in questions:
                raise ApiError(
                    422,
                    "unknown_question",
                    f"action {action.id} answers a question de travail that is not one of this workshop's "
                    "study: import it into a workshop of that study",
                    extra={"action": action.id, "question": action.question},
                )
    else:
        _check_custom_refs(document, refs)
        referenced = [i.author for i in document.items] + [t.author for t in document.threads]
        referenced += [v.participant for v in document.votes.by_participant]
        author_map, newcomers = await _plan_participants(services, session, document.participants, referenced)
        snapshot = snapshot_of(document, author_map)
    try:
        state = state_from_snapshot(document.board.kind, snapshot, refs, services.settings)
    except RuleError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    for participant in newcomers:  # hosts first (`_plan_participants`)
        await services.store.add_participant(
            participant_id=author_map[participant.id],
            workshop_id=session.workshop_id,
            alias=_text(participant.alias, "alias", 80),
            role=participant.role,
            token_hash=None,
            colour=participant.colour,
            profile=_imported_profile(participant).values(),
            host_id=None if participant.host is None else author_map.get(participant.host, participant.host),
            removed_at=now() if participant.removed else None,
        )
    board_id = new_id()
    title = state.settings.title
    await services.store.create_board(
        board_id=board_id,
        workshop_id=session.workshop_id,
        kind=document.board.kind,
        title=title,
        state=dumps(state.to_snapshot()),
    )
    return _board_json(BoardRow(board_id, session.workshop_id, document.board.kind, title, 0))


def _check_custom_refs(document: ExportDocument, refs: Mapping[str, frozenset[str]]) -> None:
    """Items may name the exporting workshop's own pictures (`custom:<id>`): only this workshop's are known.

    A board exported from another workshop, or naming a picture deleted since, is refused whole (422
    `unknown_custom_pictogram`, naming the picture by its French label). Refs are not mapped to this
    workshop's pictures: an upload gets a new id, and two pictures with one label may differ."""
    known = refs.get("activity", frozenset())
    for item in document.items:
        if item.ref is not None and item.ref.startswith(CUSTOM_REF_PREFIX) and item.ref not in known:
            entry = document.catalogue.refs.get(item.ref)
            label = entry.labels.get("fr") if entry is not None else None
            named = f"« {label} » ({item.ref})" if label else item.ref
            raise ApiError(
                422,
                "unknown_custom_pictogram",
                f"the picture {named} is not one of this workshop's: import this board into the workshop it "
                "comes from, or remove those cards there and export it again",
                extra={"ref": item.ref, "label": label},
            )


async def _plan_participants(
    services: Services, importer: SessionInfo, participants: list[ParticipantEntry], referenced: list[str]
) -> tuple[dict[str, str], list[ParticipantEntry]]:
    """Who the document's participants are in the importing workshop (`docs/protocol.md`, "Importing a
    board"), so that an import never adds a second facilitator nor the same person twice:

    - one of this workshop's own (the board re-imported where it was made): that person;
    - a facilitator of the document: the importing facilitator (a workshop has one owner, who cannot be
      removed; their cards and dots become the importer's);
    - anyone else keeps their id where it is free; an id of another workshop becomes `imported_id`, the same
      id at every import into this workshop, so a second import of an export finds the people the first
      one made (the same participant imported twice is one person).

    `referenced`: the participant ids the board names (authors, voters). Returns the id map (document id →
    id in this workshop) and the participants to create, every host before the people it hosts. Hosts must
    be listed too; profiles and colours are checked as on joining.
    """
    workshop_id = importer.workshop_id
    listed = {p.id for p in participants}
    referenced = referenced + [p.host for p in participants if p.host is not None]
    for participant in participants:
        _imported_profile(participant)
        if participant.colour is not None and colour_of(participant.colour) is None:
            raise ApiError(422, "invalid_colour", f"{participant.id}: {participant.colour} is not a colour")
    for pid in referenced:
        if pid not in listed:
            raise ApiError(422, "unknown_participant", f"{pid} is not in the document's participants")
    known = await services.store.participant_workshops(sorted(listed))
    author_map: dict[str, str] = {}
    for participant in participants:
        owner = known.get(participant.id)
        if owner == workshop_id:
            continue
        if participant.role == FACILITATOR:
            author_map[participant.id] = importer.participant_id
        else:
            author_map[participant.id] = (
                participant.id if owner is None else imported_id(workshop_id, participant.id)
            )
    made_before = await services.store.participant_workshops(
        sorted(v for k, v in author_map.items() if v != k and v != importer.participant_id)
    )
    newcomers: list[ParticipantEntry] = []
    for participant in participants:
        local = author_map.get(participant.id)
        if local is None or local == importer.participant_id:
            continue
        if local != participant.id and local in made_before:
            if made_before[local] == workshop_id:
                continue  # an earlier import of this export made them here
            author_map[participant.id] = new_id()  # pragma: no cover - a 128-bit hash collision
        newcomers.append(participant)
    return author_map, _hosts_first(newcomers)


def imported_id(workshop_id: str, participant_id: str) -> str:
    """The id, in the importing workshop, of a document's participant whose id another workshop holds:
    derived from both, so that importing the same export again names the same person (no table to keep)."""
    return hashlib.sha256(f"import:{workshop_id}:{participant_id}".encode()).hexdigest()[:32]


def _hosts_first(people: list[ParticipantEntry]) -> list[ParticipantEntry]:
    """The people in an order where every host comes before the people it hosts (a host chain is short)."""
    by_id = {p.id: p for p in people}
    ordered: list[ParticipantEntry] = []
    placed: set[str] = set()

    def place(person: ParticipantEntry, seen: frozenset[str]) -> None:
        if person.id in placed:
            return
        if person.id in seen:
            raise ApiError(422, "invalid_document", f"{person.id}: hosts form a cycle")
        host = by_id.get(person.host) if person.host is not None else None
        if host is not None:
            place(host, seen | {person.id})
        placed.add(person.id)
        ordered.append(person)

    for person in people:
        place(person, frozenset())
    return ordered


def _imported_profile(participant: ParticipantEntry) -> Profile:
    try:
        return check_profile(
            language=participant.language,
            neighbourhood=participant.neighbourhood,
            age_band=participant.age_band,
            fragility=participant.fragility,
            consent=participant.consent,
        )
    except ProfileError as exc:
        raise ApiError(422, exc.code, f"{participant.id}: {exc.message}") from None
