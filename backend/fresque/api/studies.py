"""Studies over HTTP: a study, its neighbourhoods, its team (invites), and its workshops.

Every route but the invite's is for the study's team (`fresque.api.account_deps`): a signed-in account
(Bearer, or the `fresque_account` cookie with Origin + CSRF token for writes) on the study's team; anyone
else, signed in or not, gets 404 `study_not_found` (the same as for no such study). Owner-only routes give
a member 403 `owner_only`.

- `POST /api/studies` `{title, territory, period_start?, period_end?, neighbourhoods: [{name, qpv_code?}]}`:
  any account, which becomes its owner;
- `GET /api/studies`: mine; `GET /api/studies/{id}`: the study, neighbourhoods, team, workshops, survey
  count, links;
- `PUT /api/studies/{id}/neighbourhoods` `{neighbourhoods: [{id?, name, qpv_code?}]}`: the whole list;
- `POST /api/studies/{id}/workshops` `{title, neighbourhood_id?, date?, partners?}`: `POST /api/workshops`'s
  answer; `POST /api/studies/{id}/workshops/{wid}/console`: a workshop session for the console;
- `POST /api/studies/{id}/invites` (owner): a one-time link `/invite/{token}` (7 days) and its QR code;
  `DELETE /api/studies/{id}/members/{account}` (owner, not themselves);
- `POST /api/invites/{token}` `{username?, password?}` (the link's holder): join (signed in), or make an
  account and join.
"""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Final

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field, StrictBool

from ..accounts import AccountError, check_password, check_username, hash_password
from ..auth import hash_token, new_id, new_token
from ..db.store import now
from ..db.studies import (
    MEMBER,
    OWNER,
    NeighbourhoodInUse,
    StudyRow,
    UsernameTaken,
)
from ..links import reach, shared_link
from ..people import ALIAS_MAX_CHARS
from ..roles import CO_FACILITATOR
from ..rooms.connection import CLOSE_REMOVED
from ..survey.questionnaire import default_questionnaire
from .account_deps import AccountReader, AccountWriter, SignedIn, account_writer, study_role
from .accounts import start_session
from .deps import Services, ServicesDep, origin_allowed, set_session_cookie
from .errors import ApiError
from .joining import client_address
from .signin import qr_data_url
from .workshops import _text, check_room_for_person, limit_creation, new_workshop

router = APIRouter(prefix="/api")

#: How long an invite link works, unused.
INVITE_DAYS: Final = 7
#: Neighbourhoods a study may have (a city's priority neighbourhoods are a handful; Marseille has 35).
MAX_NEIGHBOURHOODS: Final = 60
#: Why a member taken off the team sees their console close.
REMOVED_FROM_TEAM: Final = "removed"

Date = Annotated[str, Field(pattern=r"^\d{4}-\d{2}-\d{2}$")]


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NeighbourhoodIn(Closed):
    id: Annotated[str, Field(min_length=1, max_length=32)] | None = None
    name: Annotated[str, Field(min_length=1, max_length=120)]
    qpv_code: Annotated[str, Field(max_length=16)] | None = None


class StudyIn(Closed):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    territory: Annotated[str, Field(min_length=1, max_length=200)]
    period_start: Date | None = None
    period_end: Date | None = None
    neighbourhoods: Annotated[list[NeighbourhoodIn], Field(max_length=MAX_NEIGHBOURHOODS)] = []


class NeighbourhoodsIn(Closed):
    neighbourhoods: Annotated[list[NeighbourhoodIn], Field(max_length=MAX_NEIGHBOURHOODS)]


class StudyWorkshopIn(Closed):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    neighbourhood_id: Annotated[str, Field(max_length=32)] | None = None
    date: Date | None = None
    # the partners' workshop (no neighbourhood: the whole territory): its first board is an action fresco
    partners: StrictBool = False


class InviteAnswerIn(Closed):
    """Empty for a signed-in account; a newcomer sends the account to make."""

    username: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    password: Annotated[str, Field(max_length=1000)] | None = None


# -- helpers ----------------------------------------------------------------------------------------------


def canonical_json(value: Any) -> str:
    """The stored form of a questionnaire: sorted keys, no spaces, UTF-8 as is."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"), allow_nan=False)


def _qpv(value: str | None) -> str | None:
    if value is None or not value.strip():
        return None
    code = value.strip().upper()
    if not code.isalnum():
        raise ApiError(422, "invalid_qpv_code", "a QPV code has letters and digits only (e.g. QN01301M)")
    return code


def _neighbourhood_rows(given: list[NeighbourhoodIn]) -> list[tuple[str | None, str, str | None]]:
    rows: list[tuple[str | None, str, str | None]] = []
    seen: set[str] = set()
    for n in given:
        name = _text(n.name, "neighbourhood", 120).strip()
        folded = name.casefold()
        if folded in seen:
            raise ApiError(422, "duplicate_neighbourhood", f"« {name} » is listed twice")
        seen.add(folded)
        rows.append((n.id, name, _qpv(n.qpv_code)))
    return rows


def _period(start: str | None, end: str | None) -> None:
    for value in (start, end):
        if value is not None:
            try:
                datetime.strptime(value, "%Y-%m-%d")
            except ValueError:
                raise ApiError(422, "invalid_date", f"{value} is not a date") from None
    if start is not None and end is not None and end < start:
        raise ApiError(422, "invalid_period", "the period ends before it starts")


def study_links(study_id: str) -> dict[str, str]:
    """The study's pages (some are built by other parts of the study level: the survey, the diagnostic,
    the questions de travail)."""
    base = f"/studies/{study_id}"
    return {
        "dashboard": base,
        "survey": f"{base}/survey",
        "diagnostic": f"{base}/diagnostic",
        "questions": f"{base}/questions",
    }


def study_head(study: StudyRow) -> dict[str, Any]:
    return {
        "id": study.id,
        "title": study.title,
        "territory": study.territory,
        "period_start": study.period_start,
        "period_end": study.period_end,
        "created_at": study.created_at.isoformat(),
    }


def workshop_status(date: str | None, joining_open: bool, today: str) -> str:
    """`upcoming` (its date is ahead), `open` (people can join), `closed` (joining closed)."""
    if date is not None and date > today:
        return "upcoming"
    return "open" if joining_open else "closed"


async def study_json(services: Services, study_id: str, role: str) -> dict[str, Any]:
    """What the dashboard shows: `GET /api/studies/{id}`'s answer."""
    study = await services.studies.study(study_id)
    if study is None:
        raise ApiError(404, "study_not_found", "no such study among yours")
    places = await services.studies.neighbourhoods(study_id)
    names = {n.id: n.name for n in places}
    rows = await services.studies.study_workshops(study_id)
    facts = await services.studies.workshop_facts([w.workshop_id for w in rows])
    today = datetime.now(UTC).date().isoformat()
    workshops = []
    for w in rows:
        fact = facts.get(w.workshop_id)
        boards = fact.boards if fact is not None else {}
        joining_open = fact.joining_open if fact is not None else False
        workshops.append(
            {
                "id": w.workshop_id,
                "title": w.title,
                "date": w.date,
                "neighbourhood_id": w.neighbourhood_id,
                "neighbourhood": names.get(w.neighbourhood_id) if w.neighbourhood_id else None,
                "partners": boards.get("actions", 0) > 0 and boards.get("exploration", 0) == 0,
                "status": workshop_status(w.date, joining_open, today),
                "joining_open": joining_open,
                "boards": {"exploration": boards.get("exploration", 0), "actions": boards.get("actions", 0)},
                "people": fact.people if fact is not None else 0,
                "url": f"/workshops/{w.workshop_id}",
                "console": f"/api/studies/{study_id}/workshops/{w.workshop_id}/console",
            }
        )
    return {
        "study": study_head(study),
        "role": role,
        "neighbourhoods": [{"id": n.id, "name": n.name, "qpv_code": n.qpv_code} for n in places],
        "team": [
            {"account": m.account_id, "username": m.username, "role": m.role}
            for m in await services.studies.members(study_id)
        ],
        "workshops": workshops,
        "surveys": {"responses": await services.surveys.count_responses(study_id)},
        "links": study_links(study_id),
    }


# -- studies ----------------------------------------------------------------------------------------------


@router.post("/studies", status_code=201)
async def create_study(body: StudyIn, signed_in: AccountWriter, services: ServicesDep) -> dict[str, Any]:
    """A new study, the caller its owner; its questionnaire's first version is the default one."""
    title = _text(body.title, "title", 200).strip()
    territory = _text(body.territory, "territory", 200).strip()
    _period(body.period_start, body.period_end)
    rows = _neighbourhood_rows(body.neighbourhoods)
    if any(nid is not None for nid, _, _ in rows):
        raise ApiError(422, "invalid_request", "a new study's neighbourhoods have no id yet")
    study_id = new_id()
    await services.studies.create_study(
        study_id=study_id,
        title=title,
        territory=territory,
        period_start=body.period_start,
        period_end=body.period_end,
        owner_account_id=signed_in.account.account_id,
        neighbourhoods_=[(new_id(), name, qpv) for _, name, qpv in rows],
        questionnaire=canonical_json(default_questionnaire()),
    )
    return await study_json(services, study_id, OWNER)


@router.get("/studies")
async def my_studies(signed_in: AccountReader, services: ServicesDep) -> dict[str, Any]:
    from .accounts import me_json

    return {"studies": (await me_json(services, signed_in))["studies"]}


@router.get("/studies/{study_id}")
async def get_study(study_id: str, signed_in: AccountReader, services: ServicesDep) -> dict[str, Any]:
    role = await study_role(services, study_id, signed_in)
    return await study_json(services, study_id, role)


@router.put("/studies/{study_id}/neighbourhoods")
async def set_neighbourhoods(
    study_id: str, body: NeighbourhoodsIn, signed_in: AccountWriter, services: ServicesDep
) -> dict[str, Any]:
    """The whole list, in order: known ids renamed and moved, new ones (no id) added, missing ones removed
    unless a workshop or a survey response names them (409 `neighbourhood_in_use`)."""
    role = await study_role(services, study_id, signed_in)
    rows = _neighbourhood_rows(body.neighbourhoods)
    fresh: set[str] = set()
    wanted: list[tuple[str, str, str | None]] = []
    for nid, name, qpv in rows:
        if nid is None:
            nid = new_id()
            fresh.add(nid)
        wanted.append((nid, name, qpv))
    try:
        await services.studies.set_neighbourhoods(study_id, wanted, fresh)
    except KeyError as exc:
        raise ApiError(422, "unknown_neighbourhood", f"{exc.args[0]} is not one of this study's") from None
    except NeighbourhoodInUse as exc:
        raise ApiError(
            409,
            "neighbourhood_in_use",
            f"« {exc.name} » has workshops or survey responses: it stays",
            extra={"neighbourhood": exc.neighbourhood_id},
        ) from None
    return await study_json(services, study_id, role)


# -- a study's workshops ----------------------------------------------------------------------------------


@router.post("/studies/{study_id}/workshops", status_code=201)
async def create_study_workshop(
    study_id: str,
    body: StudyWorkshopIn,
    request: Request,
    response: Response,
    signed_in: AccountWriter,
    services: ServicesDep,
) -> dict[str, Any]:
    """`POST /api/workshops`'s answer (and its cookie: the caller lands on the console), the workshop
    attached to the study and one of its neighbourhoods, its facilitator linked to the caller's account so
    the dashboard opens its console later (`open_console`)."""
    await study_role(services, study_id, signed_in)
    title = _text(body.title, "title", 200)
    neighbourhood: str | None = None
    if body.neighbourhood_id is not None:
        found = {n.id: n.name for n in await services.studies.neighbourhoods(study_id)}
        if body.neighbourhood_id not in found:
            raise ApiError(422, "unknown_neighbourhood", "that neighbourhood is not one of this study's")
        neighbourhood = found[body.neighbourhood_id]
    await limit_creation(services, client_address(request))
    answer = await new_workshop(
        services,
        request,
        response,
        title=title,
        neighbourhood=neighbourhood,
        date=body.date,
        first_board="actions" if body.partners else "exploration",
    )
    workshop_id = answer["workshop"]["id"]
    await services.studies.attach_workshop(workshop_id, study_id, body.neighbourhood_id)
    await services.studies.link_account_participant(
        answer["facilitator"]["participant"], signed_in.account.account_id
    )
    answer["study"] = {"id": study_id, "neighbourhood_id": body.neighbourhood_id}
    return answer


async def _study_workshop(services: Services, study_id: str, workshop_id: str) -> None:
    found = await services.studies.study_of_workshop(workshop_id)
    if found is None or found[0] != study_id:
        raise ApiError(404, "workshop_not_found", "no such workshop in this study")


@router.post("/studies/{study_id}/workshops/{workshop_id}/console")
async def open_console(
    study_id: str, workshop_id: str, response: Response, signed_in: AccountWriter, services: ServicesDep
) -> dict[str, Any]:
    """A workshop session for a team member, so « Ouvrir la console » needs no join code: the participant
    their account facilitates the workshop as (its creator: the facilitator), else a new co-facilitator
    named after their username, linked to the account. The workshop cookie is set; `url` is the console."""
    await study_role(services, study_id, signed_in)
    await _study_workshop(services, study_id, workshop_id)
    account = signed_in.account
    token = new_token()
    participant_id = await services.studies.account_participant(workshop_id, account.account_id)
    if participant_id is not None:
        person = await services.store.person(participant_id)
        assert person is not None
        role, alias = person.role, person.alias
        await services.store.add_session(participant_id, hash_token(token))
    else:
        await check_room_for_person(services, workshop_id)
        participant_id, role, alias = new_id(), CO_FACILITATOR, account.username[:ALIAS_MAX_CHARS]
        await services.store.add_participant(
            participant_id=participant_id,
            workshop_id=workshop_id,
            alias=alias,
            role=role,
            token_hash=hash_token(token),
        )
        await services.studies.link_account_participant(participant_id, account.account_id)
    set_session_cookie(response, token, services)
    return {
        "workshop": workshop_id,
        "participant": participant_id,
        "role": role,
        "alias": alias,
        "token": token,
        "url": f"/workshops/{workshop_id}",
    }


# -- the team: invites and removal ------------------------------------------------------------------------


def invite_hash(token: str) -> str:
    """The stored form of an invite token (never equal to a session token's hash)."""
    return hashlib.sha256(b"invite:" + token.encode("utf-8", "surrogatepass")).hexdigest()


def oldest_valid_invite() -> datetime:
    return now() - timedelta(days=INVITE_DAYS)


@router.post("/studies/{study_id}/invites", status_code=201)
async def make_invite(
    study_id: str, request: Request, signed_in: AccountWriter, services: ServicesDep
) -> dict[str, Any]:
    """A one-time link onto the team (as a member), valid `INVITE_DAYS`, and its QR code (a `data:` SVG)."""
    await study_role(services, study_id, signed_in, owner=True)
    token = new_token()
    await services.studies.add_invite(study_id, invite_hash(token), MEMBER)
    link = shared_link(request, "invite_page", token=token)
    return {
        "link": link,
        "qr": qr_data_url(link),
        "warning": reach(request).warning,
        "role": MEMBER,
        "expires_at": (now() + timedelta(days=INVITE_DAYS)).isoformat(),
    }


@router.delete("/studies/{study_id}/members/{account_id}", status_code=204)
async def remove_member(
    study_id: str, account_id: str, signed_in: AccountWriter, services: ServicesDep
) -> Response:
    """Off the team: the study is no longer theirs, and their consoles of its workshops close (their
    workshop sessions are revoked; their cards stay). The owner cannot remove themselves (409)."""
    await study_role(services, study_id, signed_in, owner=True)
    if account_id == signed_in.account.account_id:
        raise ApiError(409, "owner_stays", "the study's owner stays on its team")
    if not await services.studies.remove_member(study_id, account_id):
        raise ApiError(404, "member_not_found", "no such member of this study")
    ids = await services.studies.end_workshop_sessions(study_id, account_id)
    services.rooms.disconnect_participants(ids, CLOSE_REMOVED, REMOVED_FROM_TEAM)
    return Response(status_code=204)


async def invite_state(services: Services, token: str) -> tuple[str | None, str]:
    """(study id, "ok") of a usable invite, else (None, "used" | "expired"); nothing spent."""
    found = await services.studies.invite(invite_hash(token))
    if found is None or found[3]:
        return None, "used"
    study_id, _, made_at, _ = found
    if made_at <= oldest_valid_invite():
        return None, "expired"
    return study_id, "ok"


def _invite_gone(state: str) -> ApiError:
    said = "was used already" if state == "used" else "has expired"
    return ApiError(410, f"invite_{state}", f"this invite link {said}")


@router.post("/invites/{token}")
async def accept_invite(
    token: str, body: InviteAnswerIn, request: Request, response: Response, services: ServicesDep
) -> dict[str, Any]:
    """Join the study the link is for: as the signed-in account (empty body; Bearer, or cookie + CSRF), or
    as a new account (`username`, `password`), which this signs in (cookie, token) in the same answer."""
    token = token[:64]
    study_id, state = await invite_state(services, token)
    if study_id is None:
        raise _invite_gone(state)
    answer: dict[str, Any] = {}
    if body.username is None and body.password is None:
        signed_in: SignedIn = await account_writer(request)
        account_id = signed_in.account.account_id
    else:
        if body.username is None or body.password is None:
            raise ApiError(422, "invalid_request", "a new account needs both a username and a password")
        origin = request.headers.get("origin")
        if origin is not None and not origin_allowed(request, services.settings):
            raise ApiError(403, "csrf_failed", "a new account is made from this server's own page")
        try:
            username = check_username(body.username)
            check_password(body.password)
        except AccountError as exc:
            raise ApiError(422, exc.code, exc.message) from None
        account_id = new_id()
        try:
            await services.studies.create_account(account_id, username, await hash_password(body.password))
        except UsernameTaken:
            raise ApiError(409, "username_taken", "this username is taken: choose another") from None
        answer = await start_session(services, response, account_id, username)
    joined = await services.studies.redeem_invite(
        invite_hash(token), account_id, made_after=oldest_valid_invite()
    )
    if joined is None:  # spent meanwhile by someone else
        raise _invite_gone("used")
    role = await services.studies.member_role(joined, account_id)
    return {**answer, "study": {"id": joined, "url": f"/studies/{joined}", "role": role}}
