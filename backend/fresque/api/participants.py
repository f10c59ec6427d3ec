"""The console's people: who is in a workshop (and who is here now), renaming, removing, and hosted people.

Facilitating roles only (`fresque.roles.facilitates`), except adding a *table* member: any participant of the
workshop may add the residents who share their device (a table screen). Reads take the cookie; writes are
`BrowserWriterSession` (Bearer, or cookie + Origin + CSRF header), so the facilitator page can call them.

- `GET /api/workshops/{id}/participants`: everyone, with `present`/`devices` (live sockets on any open board
  of the workshop, on any process) and `last_seen` (when their socket last left a board: the row's, or this
  process's departure not written yet, `fresque.last_seen`);
- `PATCH /api/workshops/{id}/participants/{pid}` `{alias?, colour?}`: live sockets take the new alias and
  their boards send the presence list again;
- `DELETE /api/workshops/{id}/participants/{pid}`: removed (kept as an author), every session of theirs and of
  the people they host revoked, every socket of theirs closed `4401 removed`; the owner cannot be removed;
- `POST /api/workshops/{id}/hosted` `{alias, colour?, host?, kind, profile…}`: a person without a device (at
  most FRESQUE_MAX_HOSTED_PER_HOST per host, else 409 `too_many_hosted`);
  `GET /api/workshops/{id}/hosted`: the caller's hosted people.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Response
from pydantic import Field

from ..auth import new_id
from ..db.people_store import PersonRow
from ..db.store import SessionInfo
from ..people import ALIAS_MAX_CHARS, PROFILE_FIELDS
from ..profiles import display_colour, least_used
from ..roles import FACILITATOR, OBSERVER, PARTICIPANT, facilitates
from ..rooms.connection import CLOSE_REMOVED
from .deps import BrowserWriterSession, ReaderSession, Services, ServicesDep
from .errors import ApiError
from .workshops import Closed, ProfileIn, _text, check_colour, check_room_for_person, profile_of

router = APIRouter(prefix="/api")

REMOVED_REASON = "removed"


class RenameIn(Closed):
    alias: Annotated[str, Field(min_length=1, max_length=ALIAS_MAX_CHARS)] | None = None
    colour: str | None = None


class HostedIn(ProfileIn):
    alias: Annotated[str, Field(min_length=1, max_length=ALIAS_MAX_CHARS)]
    colour: str | None = None
    host: Annotated[str, Field(min_length=1, max_length=32)] = "me"  # "me", or a participant id
    kind: Literal["table", "paper"]


def _member(session: SessionInfo, workshop_id: str) -> None:
    if session.workshop_id != workshop_id:
        raise ApiError(403, "not_your_workshop", "this session belongs to another workshop")


def require_facilitating(session: SessionInfo, workshop_id: str) -> None:
    """The facilitator or a co-facilitator of this workshop."""
    _member(session, workshop_id)
    if not facilitates(session.role):
        raise ApiError(403, "facilitator_only", "only the workshop's facilitators may do this")


def person_json(
    person: PersonRow, *, present: dict[str, list[str]] | None = None, services: Services | None = None
) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": person.id,
        "alias": person.alias,
        "colour": display_colour(person.id, person.role, person.colour),
        "role": person.role,
    }
    for name in PROFILE_FIELDS:
        out[name] = getattr(person, name)
    out["host_id"] = person.host_id
    out["removed"] = person.removed_at is not None
    if present is not None and services is not None:
        out["present"] = person.id in present
        out["devices"] = present.get(person.id, [])
        seen = services.rooms.last_seen(person.id, person.last_seen)
        out["last_seen"] = None if seen is None else seen.isoformat(timespec="seconds")
    return out


async def _person_of(services: Services, workshop_id: str, participant_id: str) -> PersonRow:
    person = await services.store.person(participant_id)
    if person is None or person.workshop_id != workshop_id:
        raise ApiError(404, "participant_not_found", "no such participant in this workshop")
    return person


@router.get("/workshops/{workshop_id}/participants")
async def list_participants(
    workshop_id: str, session: ReaderSession, services: ServicesDep
) -> dict[str, Any]:
    require_facilitating(session, workshop_id)
    present = await services.rooms.present_everywhere(workshop_id)
    people = await services.store.people(workshop_id)
    return {"participants": [person_json(p, present=present, services=services) for p in people]}


@router.patch("/workshops/{workshop_id}/participants/{participant_id}")
async def rename_participant(
    workshop_id: str,
    participant_id: str,
    body: RenameIn,
    session: BrowserWriterSession,
    services: ServicesDep,
) -> dict[str, Any]:
    require_facilitating(session, workshop_id)
    if body.alias is None and body.colour is None:
        raise ApiError(422, "nothing_to_change", "send alias, colour or both")
    person = await _person_of(services, workshop_id, participant_id)
    alias = _text(body.alias, "alias", ALIAS_MAX_CHARS).strip() if body.alias is not None else None
    colour = check_colour(body.colour)
    if colour is not None and person.role == FACILITATOR:
        raise ApiError(422, "invalid_colour", "the facilitator's colour is always charcoal")
    await services.store.rename_participant(participant_id, alias=alias, colour=colour)
    if alias is not None and alias != person.alias:
        services.rooms.rename(participant_id, alias)
    renamed = await services.store.person(participant_id)
    assert renamed is not None
    present = await services.rooms.present_everywhere(workshop_id)
    return person_json(renamed, present=present, services=services)


@router.delete("/workshops/{workshop_id}/participants/{participant_id}", status_code=204)
async def remove_participant(
    workshop_id: str, participant_id: str, session: BrowserWriterSession, services: ServicesDep
) -> Response:
    require_facilitating(session, workshop_id)
    person = await _person_of(services, workshop_id, participant_id)
    if person.role == FACILITATOR:
        raise ApiError(409, "cannot_remove_facilitator", "the workshop's facilitator cannot be removed")
    ids = await services.store.remove_participant(participant_id)
    services.rooms.disconnect_participants(ids, CLOSE_REMOVED, REMOVED_REASON)
    return Response(status_code=204)


@router.post("/workshops/{workshop_id}/hosted", status_code=201)
async def add_hosted(
    workshop_id: str, body: HostedIn, session: BrowserWriterSession, services: ServicesDep
) -> dict[str, Any]:
    """A person without a device. `paper` (someone taking part on paper): facilitators only. `table` (a member
    of a shared screen): any participant of the workshop but observers, hosted by the caller; a facilitator
    may name another participant as the host (`host`: their id)."""
    _member(session, workshop_id)
    facilitating = facilitates(session.role)
    if body.kind == "paper" and not facilitating:
        raise ApiError(403, "facilitator_only", "only the workshop's facilitators add people on paper")
    if session.role == OBSERVER:
        raise ApiError(403, "read_only", "an observer cannot add people")
    host_id = session.participant_id
    if body.host not in ("me", session.participant_id):
        if not facilitating:
            raise ApiError(403, "facilitator_only", "a participant hosts people on their own device only")
        host = await services.store.person(body.host)
        if host is None or host.workshop_id != workshop_id or host.removed_at is not None:
            raise ApiError(422, "invalid_host", "host must be me or a participant of this workshop")
        if host.host_id is not None:
            raise ApiError(422, "invalid_host", "a hosted person cannot host others")
        host_id = host.id
    alias = _text(body.alias, "alias", ALIAS_MAX_CHARS).strip()
    await _check_room_for_hosted(services, host_id)
    await check_room_for_person(services, workshop_id)
    colour = check_colour(body.colour) or least_used(
        [p["colour"] for p in await services.store.roster(workshop_id)]
    )
    profile = profile_of(body)
    participant_id = new_id()
    await services.store.add_participant(
        participant_id=participant_id,
        workshop_id=workshop_id,
        alias=alias,
        role=PARTICIPANT,
        token_hash=None,
        colour=colour,
        profile=profile.values(),
        host_id=host_id,
    )
    created = await services.store.person(participant_id)
    assert created is not None
    return person_json(created)


async def _check_room_for_hosted(services: Services, host_id: str) -> None:
    """409 `too_many_hosted` past FRESQUE_MAX_HOSTED_PER_HOST people (removed ones do not count): a table of
    a big room fits, one device cannot add hundreds of people."""
    most = services.settings.max_hosted_per_host
    if len(await services.store.hosted_by(host_id)) >= most:
        raise ApiError(
            409,
            "too_many_hosted",
            f"one participant may host at most {most} people: another device can host the others",
            extra={"max": most},
        )


@router.get("/workshops/{workshop_id}/hosted")
async def list_hosted(workshop_id: str, session: ReaderSession, services: ServicesDep) -> dict[str, Any]:
    _member(session, workshop_id)
    return {"people": [person_json(p) for p in await services.store.hosted_by(session.participant_id)]}
