"""FastAPI dependencies: the app's services, and the session behind a request."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request

from ..auth import hash_token, token_from
from ..config import Settings
from ..db.store import SessionInfo, Store
from ..ratelimit import JoinLimiter
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


async def reader(request: Request) -> SessionInfo:
    return await _session(request, allow_cookie=True)


async def writer(request: Request) -> SessionInfo:
    return await _session(request, allow_cookie=False)


ServicesDep = Annotated[Services, Depends(services)]
ReaderSession = Annotated[SessionInfo, Depends(reader)]
WriterSession = Annotated[SessionInfo, Depends(writer)]


def require_facilitator(session: SessionInfo, workshop_id: str) -> None:
    if session.workshop_id != workshop_id:
        raise ApiError(403, "not_your_workshop", "this session belongs to another workshop")
    if session.role != "facilitator":
        raise ApiError(403, "facilitator_only", "only the workshop's facilitator may do this")
