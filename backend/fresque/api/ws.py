"""`/ws/boards/{board_id}`: the upgrade's checks, then one loop per socket feeding the board's room.

Checks happen before `accept`, in this order, each refusing with an HTTP status and a JSON reason:
the Origin (exact match: the server's own origin or a configured one), a place among the process's sockets
(`rooms.caps`: in all, then per address), the session (Bearer header or cookie) and its own socket cap, and
that the session's workshop owns this board. After that every frame is parsed and validated
before the room sees it; a bad frame gets an `error` naming what was wrong, and the socket stays open.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections import deque

from fastapi import APIRouter, WebSocket
from fastapi.responses import JSONResponse
from starlette.websockets import WebSocketDisconnect

from ..auth import hash_token, token_from
from ..config import Settings
from ..db.store import SessionInfo
from ..protocol import Hello, ProtocolError, Push, dumps, parse_client_message
from ..ratelimit import TokenBucket
from ..rooms.caps import Refusal, Slot, aborter
from ..rooms.connection import (
    CLOSE_BOARD_NOT_FOUND,
    CLOSE_DENIED,
    CLOSE_HELLO_REQUIRED,
    CLOSE_INTERNAL_ERROR,
    CLOSE_REMOVED,
    Connection,
)
from ..rooms.registry import BoardNotFound
from ..rooms.room import Room
from .deps import Services, origin_allowed

log = logging.getLogger(__name__)

_NOTHING: deque[str | Push] = deque()  # shared by the sockets that never sent a change; never appended to

router = APIRouter()


async def deny(
    websocket: WebSocket, status: int, code: str, message: str, headers: dict[str, str] | None = None
) -> None:
    if "websocket.http.response" in websocket.scope.get("extensions", {}):
        await websocket.send_denial_response(
            JSONResponse({"error": code, "message": message}, status_code=status, headers=headers)
        )
    else:  # the server cannot send a body: closing before accept still answers 403
        await websocket.close(code=CLOSE_DENIED, reason=code)


def error_frame(code: str, message: str) -> str:
    return dumps({"type": "error", "code": code, "message": message})


async def board_socket(websocket: WebSocket) -> None:
    board_id: str = websocket.path_params["board_id"]
    services: Services = websocket.app.state.services
    if not origin_allowed(websocket, services.settings):
        await deny(websocket, 403, "origin_not_allowed", "this page's origin may not open boards here")
        return
    # A slot among the process's sockets (`rooms.caps`), taken before any work is done for the socket.
    slot = services.rooms.caps.admit(websocket.client.host if websocket.client else "unknown")
    if isinstance(slot, Refusal):
        await deny(websocket, slot.status, slot.code, slot.message, slot.headers)
        return
    try:
        await _board_socket(websocket, board_id, services, slot)
    finally:
        slot.release()


async def _board_socket(websocket: WebSocket, board_id: str, services: Services, slot: Slot) -> None:
    token = token_from(websocket, allow_cookie=True)
    token_hash = hash_token(token) if token else ""
    session = await services.store.session(token_hash) if token else None
    if session is None:
        await deny(websocket, 401, "session_required", "join the workshop first")
        return
    refused = slot.claim_session(token_hash)
    if refused is not None:
        await deny(websocket, refused.status, refused.code, refused.message)
        return
    row = await services.store.board(board_id)
    if row is None or row.workshop_id != session.workshop_id:
        await deny(websocket, 403, "not_your_board", "this board belongs to another workshop")
        return
    await websocket.accept()
    try:
        async with services.rooms.use(board_id) as room:
            await serve(websocket, room, session, services.settings, token_hash)
    except BoardNotFound:  # deleted between the check and the opening
        with contextlib.suppress(Exception):
            await websocket.close(code=CLOSE_BOARD_NOT_FOUND, reason="board_not_found")


# A plain Starlette route: FastAPI's websocket route would add its dependency machinery and two exit stacks to
# every socket for the life of the socket (≈ 2 KiB each, measured with tracemalloc; docs/performance.md), for
# an endpoint that takes no dependencies.
router.add_websocket_route("/ws/boards/{board_id}", board_socket)


class Answers:
    """What a socket's messages get back, in the order the messages came: a change waits for the changes
    before it to be committed (and acknowledged), and an error about a later message waits behind them too.
    Cursors and drag previews do not queue here: they go to the room at once, so that a participant's cursor
    does not freeze while their last drop is being written to disk (a slow disk would otherwise hold every
    preview they send meanwhile)."""

    MAX_WAITING = 16  # messages queued behind a commit before the socket stops being read

    def __init__(self, room: Room, conn: Connection) -> None:
        self.room = room
        self.conn = conn
        # An error frame to send, or a change to submit; made when the first change waits (an idle socket's
        # empty deque would weigh 0.7 KiB).
        self._waiting: deque[str | Push] = _NOTHING
        self._task: asyncio.Task[None] | None = None

    def send(self, frame: str) -> None:
        if self._task is None:
            self.conn.send(frame)
        else:  # a task exists, so a change made `_waiting`
            self._waiting.append(frame)

    async def submit(self, push: Push) -> None:
        if self._waiting is _NOTHING:
            self._waiting = deque()
        self._waiting.append(push)
        if self._task is None:
            self._task = asyncio.get_running_loop().create_task(self._run(), name=f"changes-{self.conn.id}")
        elif len(self._waiting) >= self.MAX_WAITING:
            await asyncio.shield(self._task)  # a client far ahead of the disk: stop reading it for a while

    async def _run(self) -> None:
        try:
            while self._waiting:
                job = self._waiting[0]
                if isinstance(job, str):
                    self.conn.send(job)
                else:
                    await self.room.submit(self.conn, job)
                self._waiting.popleft()
        except Exception:
            log.exception("board %s: socket %s failed", self.room.id, self.conn.id)
            self._waiting.clear()
            self.conn.close_soon(CLOSE_INTERNAL_ERROR, "internal_error")
        finally:
            self._task = None  # no await since the queue was seen empty: nothing slipped in behind

    async def finish(self) -> None:
        """The socket is gone: the change being committed finishes (a commit is never cut in half), the ones
        behind it are dropped (the client resends what was not acknowledged when it comes back)."""
        while len(self._waiting) > 1:
            self._waiting.pop()
        if self._task is not None:
            await asyncio.shield(self._task)


async def serve(
    websocket: WebSocket, room: Room, session: SessionInfo, settings: Settings, token_hash: str
) -> None:
    hosted = await room.store.hosted_ids(session.participant_id)
    conn = Connection(
        websocket,
        connection_id=secrets.token_hex(8),
        participant_id=session.participant_id,
        alias=session.alias,
        role=session.role,
        max_outbox_bytes=settings.max_outbox_bytes,
        rate=TokenBucket.per_second(settings.rate_per_second, settings.rate_burst),
        hosted=hosted,
        abort=aborter(websocket.scope),
    )
    answers = Answers(room, conn)
    greeted = False
    clock = asyncio.get_running_loop()
    hello_by = clock.time() + settings.hello_timeout  # one deadline: frames before the hello never move it
    try:
        while not conn.closed or greeted:
            try:
                if greeted:
                    message = await websocket.receive()
                else:
                    message = await asyncio.wait_for(websocket.receive(), max(0.0, hello_by - clock.time()))
            except TimeoutError:
                conn.send(error_frame("hello_required", "say hello first"))
                conn.close_soon(CLOSE_HELLO_REQUIRED, "hello_required", flush=True)
                break
            if message["type"] == "websocket.disconnect":
                break
            if not conn.rate.take():
                if conn.rate_error_due():
                    answers.send(error_frame("rate_limited", "too many messages: slow down"))
                continue
            text = message.get("text")
            if text is None:
                answers.send(
                    error_frame("binary_not_supported", "this protocol speaks JSON text frames only")
                )
                continue
            try:
                parsed = parse_client_message(text)
            except ProtocolError as exc:
                answers.send(error_frame(exc.code, exc.message))
                continue
            if isinstance(parsed, Hello):
                if greeted:
                    answers.send(error_frame("already_greeted", "hello is sent once per connection"))
                    continue
                # Checked again: someone removed between the upgrade and now was not among the sockets
                # that removal closed, and must not get in.
                if await room.store.session(token_hash) is None:
                    conn.close_soon(CLOSE_REMOVED, "removed")
                    break
                if not await room.hello(conn, parsed):
                    break
                greeted = True
            elif not greeted:  # told why, then closed at once: no socket idles until the hello deadline
                conn.send(error_frame("hello_required", "say hello first"))
                conn.close_soon(CLOSE_HELLO_REQUIRED, "hello_required", flush=True)
                break
            elif isinstance(parsed, Push):
                await answers.submit(parsed)
            else:
                room.presence(conn, parsed)
    except WebSocketDisconnect:
        pass
    finally:
        try:
            await answers.finish()
        finally:  # even when cancelled while a commit finishes
            room.leave(conn)
            await conn.stop()
