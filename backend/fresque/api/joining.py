"""Joining a workshop: the link token (the QR code's), the typed code (rate-limited, expiring), open or not.

The link token is 256 bits (`secrets.token_urlsafe(32)`), kept in clear in `workshops.join_token`: the
facilitator's page and the QR code must show it for as long as the workshop runs, and a hash cannot be
shown. It grants no more than the typed code (shown the same way, also in clear): joining as a participant,
while joining is open. Unlike session tokens (hashed), it never identifies anyone. The facilitator can close
joining, and rotate the token (the old link and QR code stop working at once).

The typed code is 10 symbols of a 31-symbol alphabet: 31^10 ≈ 8.2e14, 49.5 bits. Wrong or expired code
attempts are rate-limited per client address and for the whole server (`fresque.ratelimit.JoinLimiter`);
the server-wide limit refuses only addresses that have been guessing, never a resident's right code because
of others (docs/security.md counts what a many-address attacker gets). The page `/j/{code}` goes through the
same guard, since it too tells a right code from a wrong one.
"""

from __future__ import annotations

import io
from datetime import timedelta
from typing import Any

import segno
from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict

from ..auth import new_token, normalise_join_code
from ..db.store import now
from ..db.workshops_store import Joining
from ..links import Reach, shared_links
from .deps import BrowserWriterSession, ReaderSession, Services, ServicesDep, require_facilitator
from .errors import ApiError

router = APIRouter(prefix="/api")


def client_address(request: Request) -> str:
    """The client's address (uvicorn's `proxy_headers` puts a trusted proxy's X-Forwarded-For here)."""
    return request.client.host if request.client else "unknown"


def code_expiry(services: Services) -> Any:
    return now() + timedelta(hours=services.settings.join_code_hours)


async def by_code(services: Services, typed: str, address: str) -> Joining:
    """The workshop a typed code opens, or an ApiError: 429, 404 `unknown_code`, 410 `code_expired`, 403."""
    limiter = services.join_limiter
    wait = await limiter.check(address)
    if wait:
        raise ApiError(
            429,
            "too_many_attempts",
            f"too many wrong codes: try again in {wait} s",
            headers={"Retry-After": str(wait)},
        )
    found = await services.store.joining_by_code(normalise_join_code(typed)[:40])
    if found is None:
        await limiter.count_failure(address)
        raise ApiError(404, "unknown_code", "no workshop has this code: check it with the facilitator")
    if not found.open:
        raise ApiError(403, "joining_closed", "the facilitator has closed joining for this workshop")
    if found.code_expires_at <= now():
        await limiter.count_failure(address)
        raise ApiError(410, "code_expired", "this code has expired: ask the facilitator to reopen joining")
    return found


async def by_token(services: Services, token: str) -> Joining:
    """The workshop a link token opens, or an ApiError: 404 `unknown_link`, 403 `joining_closed`."""
    found = await services.store.joining_by_token(token)
    if found is None:
        raise ApiError(404, "unknown_link", "this join link is unknown or was replaced: ask the facilitator")
    if not found.open:
        raise ApiError(403, "joining_closed", "the facilitator has closed joining for this workshop")
    return found


def join_links(request: Request, token: str) -> tuple[list[str], Reach]:
    """Every join link other devices may open (`fresque.links`), the most likely first, and its reach."""
    return shared_links(request, "join_by_link", token=token)


def join_link(request: Request, token: str) -> str:
    return join_links(request, token)[0][0]


def joining_json(request: Request, joining: Joining) -> dict[str, Any]:
    """The console's joining state: `join_link` (the QR code's), `join_links` (every address, the QR code of
    the n-th is `join_qr?via=n`), `join_warning` (`loopback_only`, `no_network` or null: `fresque.links`)."""
    links, found = join_links(request, joining.join_token)
    return {
        "open": joining.open,
        "join_code_expires_at": joining.code_expires_at.isoformat(),
        "join_link": links[0],
        "join_links": links,
        "join_warning": found.warning,
        "join_qr": f"/api/workshops/{joining.workshop_id}/join-qr.svg",
    }


async def _joining_of(services: Services, workshop_id: str) -> Joining:
    found = await services.store.joining_of(workshop_id)
    if found is None:
        raise ApiError(404, "workshop_not_found", "no such workshop")
    return found


class JoiningIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    open: bool


@router.post("/workshops/{workshop_id}/joining")
async def set_joining(
    workshop_id: str, body: JoiningIn, request: Request, session: BrowserWriterSession, services: ServicesDep
) -> dict[str, Any]:
    """Close or reopen joining. Reopening gives the typed code a fresh expiry (FRESQUE_JOIN_CODE_HOURS)."""
    require_facilitator(session, workshop_id)
    await _joining_of(services, workshop_id)
    await services.store.set_joining_open(
        workshop_id, open=body.open, code_expires_at=code_expiry(services) if body.open else None
    )
    return joining_json(request, await _joining_of(services, workshop_id))


@router.post("/workshops/{workshop_id}/join-link")
async def rotate_join_link(
    workshop_id: str, request: Request, session: BrowserWriterSession, services: ServicesDep
) -> dict[str, Any]:
    """A new link token: the old link and QR code stop working at once."""
    require_facilitator(session, workshop_id)
    await _joining_of(services, workshop_id)
    await services.store.set_join_token(workshop_id, new_token())
    return joining_json(request, await _joining_of(services, workshop_id))


def qr_svg(link: str) -> bytes:
    """The QR code of `link` as SVG (error correction M, 4-module quiet zone, drawn at 10 px a module)."""
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(
        out, kind="svg", scale=10, border=4, xmldecl=False, svgns=True, title="QR", dark="#000", light="#fff"
    )
    return out.getvalue()


@router.get("/workshops/{workshop_id}/join-qr.svg")
async def join_qr(
    workshop_id: str, request: Request, session: ReaderSession, services: ServicesDep, via: int = 0
) -> Response:
    """The QR code of the absolute join link; a read, so the facilitator's cookie is enough (an `<img>`).
    `via=n`: the link through the n-th address of `join_links` (a machine on several networks)."""
    require_facilitator(session, workshop_id)
    joining = await _joining_of(services, workshop_id)
    links, _ = join_links(request, joining.join_token)
    return Response(
        qr_svg(links[via] if 0 <= via < len(links) else links[0]),
        media_type="image/svg+xml",
        headers={
            "Cache-Control": "private, no-store",
            "X-Content-Type-Options": "nosniff",
            "Content-Security-Policy": "default-src 'none'",
        },
    )
