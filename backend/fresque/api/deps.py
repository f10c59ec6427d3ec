"""FastAPI dependencies: the app's services, and the session behind a request.

Three kinds of session dependency:

- `ReaderSession`: Bearer header or the HttpOnly cookie (reads cannot be forged into harm).
- `WriterSession`: `Authorization: Bearer` only (scripts; erasing a workshop, importing a board, pictures).
- `BrowserWriterSession`: Bearer as above, *or* the cookie together with (a) an `Origin` header equal to the
  server's own origin or one of `FRESQUE_ALLOWED_ORIGINS` (`origin_allowed`, the WebSocket's rule too) and
  (b) `X-Fresque-CSRF` equal to `csrf_token(secret, sha256(session token))`, which only the facilitator's
  page is given (a `<meta>`); otherwise 403 `csrf_failed`.

Why that is enough: the cookie is HttpOnly and SameSite=Lax, so browsers do not send it on cross-site
POSTs at all (only on top-level GET navigations, and GETs change nothing). Lax alone does not cover a
*same-site* attacker (another port or subdomain of the same registrable domain, e.g. a workshop laptop's
other services) nor browsers that ignore SameSite; the exact Origin check refuses those, and the CSRF
token, readable only by a page of this origin, refuses any request that a page could not have made after
reading the facilitator's page (a plain form cannot add headers, and a cross-origin script cannot read it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request, Response
from starlette.requests import HTTPConnection

from ..auth import CSRF_HEADER, SESSION_COOKIE, bearer_from, csrf_matches, hash_token, token_from
from ..config import Settings
from ..db.store import SessionInfo, Store
from ..db.studies import StudyStore
from ..db.surveys import SurveyStore
from ..db.work_questions import WorkQuestionStore
from ..ratelimit import CreationLimiter, JoinLimiter
from ..rooms.registry import Rooms
from ..uploads import CustomPictures
from .errors import ApiError


@dataclass
class Services:
    settings: Settings
    store: Store
    rooms: Rooms
    catalogue: Any
    pictures: CustomPictures
    join_limiter: JoinLimiter
    creation_limiter: CreationLimiter  # new workshops, per address and server-wide
    secret: bytes  # the CSRF tokens' HMAC key (`fresque.auth.load_secret`)
    studies: StudyStore  # accounts, studies, their teams and workshops (`fresque.db.studies`)
    surveys: SurveyStore  # the street survey's questionnaires and responses (`fresque.db.surveys`)
    work_questions: WorkQuestionStore  # a study's questions de travail (`fresque.db.work_questions`)


def services(request: Request) -> Services:
    found: Services = request.app.state.services
    return found


async def _session(request: Request, *, allow_cookie: bool) -> SessionInfo:
    token = token_from(request, allow_cookie=allow_cookie)
    if token is None:
        raise ApiError(401, "session_required", "send Authorization: Bearer <token>")
    found = await services(request).store.session(hash_token(token))
    if found is None:
        raise ApiError(401, "session_invalid", "this token is unknown or was revoked")
    return found


def origin_allowed(connection: HTTPConnection, settings: Settings) -> bool:
    """The `Origin` header names this server (scheme and Host as the request came), `FRESQUE_PUBLIC_URL`'s
    origin (behind a proxy that rewrites Host) or one of `FRESQUE_ALLOWED_ORIGINS`.

    Exact string match; no Origin, no entry. Used by the WebSocket upgrade and by cookie-authenticated writes.
    """
    origin = connection.headers.get("origin")
    if not origin:
        return False
    scheme = "https" if connection.url.scheme in ("https", "wss") else "http"
    own = f"{scheme}://{connection.headers.get('host', '')}"
    return origin in (own, settings.public_origin) or origin in settings.allowed_origins


async def browser_write_session(request: Request) -> tuple[SessionInfo, str]:
    """The session of a write, and its token hash: Bearer, or the cookie with Origin and CSRF token."""
    bearer = bearer_from(request)
    if bearer is None:
        cookie = request.cookies.get(SESSION_COOKIE)
        if not cookie:
            raise ApiError(401, "session_required", "send Authorization: Bearer <token>")
        found = services(request)
        if not origin_allowed(request, found.settings) or not csrf_matches(
            found.secret, hash_token(cookie), request.headers.get(CSRF_HEADER)
        ):
            raise ApiError(
                403,
                "csrf_failed",
                f"a write with the session cookie needs this server's Origin and the page's {CSRF_HEADER} "
                "header (or send Authorization: Bearer <token>)",
            )
        token = cookie
    else:
        token = bearer
    token_hash = hash_token(token)
    session = await services(request).store.session(token_hash)
    if session is None:
        raise ApiError(401, "session_invalid", "this token is unknown or was revoked")
    return session, token_hash


async def browser_writer(request: Request) -> SessionInfo:
    session, _ = await browser_write_session(request)
    return session


async def reader(request: Request) -> SessionInfo:
    return await _session(request, allow_cookie=True)


async def writer(request: Request) -> SessionInfo:
    return await _session(request, allow_cookie=False)


ServicesDep = Annotated[Services, Depends(services)]
ReaderSession = Annotated[SessionInfo, Depends(reader)]
WriterSession = Annotated[SessionInfo, Depends(writer)]
BrowserWriterSession = Annotated[SessionInfo, Depends(browser_writer)]


COOKIE_SECONDS = 60 * 60 * 24 * 30


def set_session_cookie(response: Response, token: str, services: Services) -> None:
    """The HttpOnly, SameSite=Lax session cookie, as `POST /api/workshops` and `/api/join` set it."""
    set_token_cookie(response, SESSION_COOKIE, token, services)


def set_token_cookie(response: Response, name: str, token: str, services: Services) -> None:
    """A session token's cookie (a workshop's, an account's): HttpOnly, SameSite=Lax, Secure behind HTTPS."""
    response.set_cookie(
        name,
        token,
        httponly=True,
        samesite="lax",
        secure=services.settings.cookie_secure,
        max_age=COOKIE_SECONDS,
        path="/",
    )


def require_facilitator(session: SessionInfo, workshop_id: str) -> None:
    if session.workshop_id != workshop_id:
        raise ApiError(403, "not_your_workshop", "this session belongs to another workshop")
    if session.role != "facilitator":
        raise ApiError(403, "facilitator_only", "only the workshop's facilitator may do this")
