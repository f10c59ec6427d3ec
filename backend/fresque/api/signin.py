"""Sign-in links: open a workshop on another device without typing anything (a QR code, a link).

`POST /api/workshops/{id}/sign-in-links` `{role, alias?}` (facilitating sessions; Bearer, or cookie + CSRF):

- `co_facilitator` (the owner only) and `observer` (a projector, someone watching) make a new participant
  with that role (alias by default « Co-animation » / « Projecteur », in the caller's language);
- `me` signs in the caller's own participant on another device (their phone, a second laptop).

The answer is `{link, expires_at, qr, role, participant, alias}`: `link` is `{origin}/s/{token}`, `qr` its QR
code (a `data:` SVG, made like the join QR code), valid `SIGN_IN_MINUTES` and once.

How the link is kept, without a new table or column: as a row of `sessions` for that participant whose
`token_hash` is `sign_in_hash(token)` = SHA-256 of `"sign-in:" + token`, not the SHA-256 of the token that
`Store.session` looks up; so the link is never a session by itself (a Bearer or cookie with it gets 401), and
revoking a participant's sessions (removal, erasing the workshop) also kills their unused links. Redeeming
(`fresque.pages` `GET /s/{token}` asks, `POST /s/{token}` does it) revokes that row and makes a fresh
session in one transaction (`Store.redeem_sign_in`), if the row is unused and younger than
`SIGN_IN_MINUTES` (checked at redemption, from the row's `created_at`).

Why the page asks before redeeming: a GET that spent the link would be spent by the link previews of
messaging apps before the co-facilitator taps it; and the POST must come from this origin (the Origin
header, or `Sec-Fetch-Site`: `from_this_site`), so that no other site can swap a browser's session (a
facilitator's own) for one of its links.
"""

from __future__ import annotations

import base64
import hashlib
from datetime import datetime, timedelta
from typing import Annotated, Any, Final, Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, ConfigDict, Field

from ..auth import hash_token, new_id, new_token
from ..config import Settings
from ..core.errors import RuleError
from ..core.text import check_text
from ..db.store import SessionInfo, now
from ..i18n import requested_language, translator
from ..links import reach, shared_link
from ..people import ALIAS_MAX_CHARS
from ..roles import CO_FACILITATOR, FACILITATOR, OBSERVER, facilitates
from .deps import BrowserWriterSession, Services, ServicesDep, origin_allowed
from .errors import ApiError
from .joining import qr_svg

router = APIRouter(prefix="/api")

#: How long a sign-in link works, unused.
SIGN_IN_MINUTES: Final = 15
#: The session cookie's life, as `fresque.api.workshops` sets it.


def sign_in_hash(token: str) -> str:
    """The stored form of a sign-in token: never equal to a session token's `hash_token`."""
    return hashlib.sha256(b"sign-in:" + token.encode("utf-8", "surrogatepass")).hexdigest()


def sign_in_link(request: Request, token: str) -> str:
    """The link another device opens (`fresque.links`: the public URL, else an address it can reach)."""
    return shared_link(request, "sign_in_page", token=token)


def qr_data_url(link: str) -> str:
    return "data:image/svg+xml;base64," + base64.b64encode(qr_svg(link)).decode("ascii")


def from_this_site(request: Request, settings: Settings) -> bool:
    """Whether the POST that spends a link comes from this site's own page (not another site's form).

    Browsers send `Sec-Fetch-Site` (which no page can forge): only `same-origin` passes. Pages here use
    `Referrer-Policy: no-referrer`, so a form POST's `Origin` is `null`; when a browser too old for
    `Sec-Fetch-Site` (Safari before 16.4) sends one that names a site, it must be this server's.
    """
    site = request.headers.get("sec-fetch-site")
    if site is not None:
        return site == "same-origin"
    origin = request.headers.get("origin")
    return origin is None or origin == "null" or origin_allowed(request, settings)


def oldest_valid() -> datetime:
    """A link made at or before this instant has expired."""
    return now() - timedelta(minutes=SIGN_IN_MINUTES)


class SignInIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    role: Literal["co_facilitator", "observer", "me"]
    alias: Annotated[str, Field(min_length=1, max_length=ALIAS_MAX_CHARS)] | None = None


def _alias(value: str) -> str:
    try:
        check_text(value, max_chars=ALIAS_MAX_CHARS, field="alias")
    except RuleError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    if not value.strip():
        raise ApiError(422, "text_required", "alias cannot be blank")
    return value.strip()


@router.post("/workshops/{workshop_id}/sign-in-links", status_code=201)
async def make_sign_in_link(
    workshop_id: str, body: SignInIn, request: Request, session: BrowserWriterSession, services: ServicesDep
) -> dict[str, Any]:
    """A one-time link (and its QR code) signing a device in: a co-facilitator, an observer, the caller."""
    if session.workshop_id != workshop_id:
        raise ApiError(403, "not_your_workshop", "this session belongs to another workshop")
    if not facilitates(session.role):
        raise ApiError(403, "facilitator_only", "only the workshop's facilitators may make sign-in links")
    if body.role == CO_FACILITATOR and session.role != FACILITATOR:
        raise ApiError(403, "owner_only", "only the workshop's owner may invite a co-facilitator")
    if await services.store.workshop(workshop_id) is None:
        raise ApiError(404, "workshop_not_found", "no such workshop")
    # the people of links that expired unused never came: they would only crowd the console's list
    await services.store.forget_unused_sign_ins(workshop_id, (CO_FACILITATOR, OBSERVER), oldest_valid())
    token = new_token()
    if body.role == "me":
        participant_id, alias, role = session.participant_id, session.alias, session.role
        await services.store.add_session(participant_id, sign_in_hash(token))
    else:
        role = CO_FACILITATOR if body.role == CO_FACILITATOR else OBSERVER
        t = translator(requested_language(request)[0])
        alias = _alias(body.alias) if body.alias is not None else t(f"signin.default_alias.{role}")
        participant_id = new_id()
        await services.store.add_participant(
            participant_id=participant_id,
            workshop_id=workshop_id,
            alias=alias,
            role=role,
            token_hash=sign_in_hash(token),
        )
    link = sign_in_link(request, token)
    return {
        "link": link,
        # `loopback_only` / `no_network` when only this computer can open it (`fresque.links`), else null
        "warning": reach(request).warning,
        "expires_at": (now() + timedelta(minutes=SIGN_IN_MINUTES)).isoformat(),
        "qr": qr_data_url(link),
        "role": role,
        "participant": participant_id,
        "alias": alias,
    }


async def redeem(services: Services, token: str) -> tuple[SessionInfo, str] | None:
    """Spend a sign-in link: the participant it signs in and a new session token, or None (used, expired,
    unknown, or its participant removed)."""
    fresh = new_token()
    found = await services.store.redeem_sign_in(
        sign_in_hash(token), hash_token(fresh), made_after=oldest_valid()
    )
    return None if found is None else (found, fresh)


async def look_up(services: Services, token: str) -> tuple[SessionInfo | None, str]:
    """What a sign-in link is, without spending it: (who, "ok") or (None, "used" | "expired")."""
    found = await services.store.sign_in(sign_in_hash(token))
    if found is None or found[2]:
        return None, "used"
    info, made_at, _ = found
    if made_at <= oldest_valid():
        return None, "expired"
    return info, "ok"
