"""One participant's socket as the room sees it: a bounded outbox, and a rate limit.

The room never awaits a client. A frame is written to the socket at once, without leaving the room's code,
when nothing is waiting before it and the socket takes it (the common case: the kernel's buffer has room);
otherwise it waits in the outbox, which a task drains while the socket is behind. So a slow phone can never
slow the room, and a broadcast costs no task switch per receiver. Ephemeral frames (cursors, drag previews)
are dropped first when a client falls behind; when even durable frames overflow the outbox, the client is
closed with `CLOSE_SLOW_CONSUMER` and resumes from its last seq on reconnect, losing nothing.

A close is a frame like any other: to a client that reads nothing it can never be written, and the socket,
its file descriptor and megabytes of kernel send queue would stay until the client went away. So every close
has a deadline, `CLOSE_DEADLINE`, after which the socket is aborted (`abort`, from `rooms.caps.aborter`).
"""

from __future__ import annotations

import asyncio
import contextlib
import time
import types
from collections import deque
from collections.abc import Awaitable, Callable, Coroutine, Generator
from typing import Any, Protocol

from ..ratelimit import TokenBucket

CLOSE_SLOW_CONSUMER = 4008
CLOSE_WORKSHOP_ERASED = 4004
CLOSE_REMOVED = 4401  # a facilitator removed this participant: their sessions are revoked too
CLOSE_PROTOCOL_MISMATCH = 4002
CLOSE_HELLO_REQUIRED = 4001
CLOSE_SERVER_SHUTDOWN = 1012
CLOSE_INTERNAL_ERROR = 1011
CLOSE_DENIED = 4403  # an upgrade refused where no HTTP status can answer it (api/ws.py deny)
CLOSE_BOARD_NOT_FOUND = 4404  # the board was deleted between the upgrade's check and its opening
# Seconds a closing socket has to finish its closing handshake before it is aborted. A client that reads
# gets its close code well before; one that reads nothing is gone after this (well within the 30 s promised
# in docs/protocol.md), and its kernel buffers with it.
CLOSE_DEADLINE = 10.0


class Transport(Protocol):
    """What a room needs of a socket; Starlette's WebSocket fits, and so does a test double. `send_text` must
    be a coroutine function (`Connection._write` steps the coroutine by hand)."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


@types.coroutine
def _resume(send: Coroutine[Any, Any, None], waiting: Any) -> Generator[Any, None, None]:
    """Finish, inside a task, a send that `Connection._write` started by hand and that stopped on `waiting`
    (what it awaits: the socket's "writable again"). The task waits on it exactly as if it had run the send
    from the start, then the send carries on where it stopped."""
    try:
        yield waiting
    except BaseException:
        send.close()
        raise
    yield from send


_NO_OUTBOX: deque[str] = deque()  # what `Connection._outbox` is while nothing waits; never appended to


class Connection:
    # An ephemeral frame is skipped while this much is still waiting to be sent to the client.
    EPHEMERAL_BACKLOG = 16 * 1024

    def __init__(
        self,
        transport: Transport,
        *,
        connection_id: str,
        participant_id: str,
        alias: str,
        role: str,
        max_outbox_bytes: int,
        rate: TokenBucket,
        device: str | None = None,
        hosted: frozenset[str] = frozenset(),
        abort: Callable[[], None] | None = None,
    ) -> None:
        self.transport = transport
        self.abort = abort  # drops the socket at once; None where the transport is out of reach
        self.id = connection_id
        self.participant_id = participant_id
        self.alias = alias
        self.role = role
        self.device = device  # from the hello: phone, tablet, desktop, screen (for the facilitator's console)
        # The people this device may act for (`as`): a table's members, paper participants. Grows when the
        # device acts for someone new (checked against the database then).
        self.hosted = hosted
        self.max_outbox_bytes = max_outbox_bytes
        self.rate = rate
        self.ready = False  # set once the client's hello was answered: before that it gets no broadcasts
        self.closed = False
        # Frames waiting behind a send that could not complete at once: a deque of its own only while the
        # socket is behind (`_write`), else the shared empty one (an idle socket's deque would weigh 0.7 KiB).
        self._outbox: deque[str] = _NO_OUTBOX
        self._outbox_bytes = 0
        # Exists while the socket is behind: it finishes the send that could not complete at once, then
        # drains the outbox in order. While it exists every new frame queues behind it.
        self._drainer: asyncio.Task[None] | None = None
        self._closer: asyncio.Task[None] | None = None
        self._deadline: asyncio.TimerHandle | None = None
        self._last_rate_error = 0.0
        self._close_after: tuple[int, str] | None = None

    def send(self, frame: str) -> None:
        """Send a durable frame, or queue it behind those waiting; close the client when too far behind."""
        if self.closed:
            return
        if self._drainer is None:
            self._write(frame)
            return
        # One frame alone always fits (a big board's snapshot); a backlog beyond the limit means "too slow".
        if self._outbox and self._outbox_bytes + len(frame) > self.max_outbox_bytes:
            self.close_soon(CLOSE_SLOW_CONSUMER, "slow_consumer")
            return
        self._outbox.append(frame)
        self._outbox_bytes += len(frame)

    def send_ephemeral(self, frame: str) -> None:
        """Send a frame that may be dropped: a later one will carry newer positions anyway."""
        if self.closed or not self.ready:
            return
        if self._outbox_bytes > self.EPHEMERAL_BACKLOG:
            return
        self.send(frame)

    def _write(self, frame: str) -> None:
        """Hand the frame to the socket now. The send is a coroutine that, unless the socket's buffer is full,
        finishes without ever suspending: it is run by hand up to its first suspension, and only when it
        does suspend does a task take it over (and the frames after it)."""
        send = self.transport.send_text(frame)
        try:
            waiting = send.send(None)
        except StopIteration:
            return
        except Exception:  # the socket went away; the receive loop will notice and leave the room
            self.closed = True
            return
        self._outbox = deque()  # frames queue here while the drainer exists (`send`)
        self._drainer = asyncio.get_running_loop().create_task(
            self._drain(_resume(send, waiting)), name=f"outbox-{self.id}"
        )

    async def _drain(self, first: Awaitable[None]) -> None:
        try:
            await first
            while self._outbox:
                frame = self._outbox.popleft()
                self._outbox_bytes -= len(frame)
                await self.transport.send_text(frame)
        except asyncio.CancelledError:
            raise
        except Exception:  # the socket went away; the receive loop will notice and leave the room
            self.closed = True
            return
        finally:
            self._drainer = None  # no await since the outbox was seen empty: nothing slipped in behind
        if self._close_after is not None:
            await self._close(*self._close_after)

    def rate_error_due(self) -> bool:
        """Tell a flooding client at most once a second, so that our answers do not become a flood too."""
        now = time.monotonic()
        if now - self._last_rate_error >= 1.0:
            self._last_rate_error = now
            return True
        return False

    def close_soon(self, code: int, reason: str, *, flush: bool = False) -> None:
        """Close the socket. With `flush`, what is already queued (say, the error explaining why) goes first;
        without, it is dropped (a slow consumer gets it all again when it resumes)."""
        if self.closed:
            return
        self.closed = True
        if self.abort is not None:
            self._deadline = asyncio.get_running_loop().call_later(CLOSE_DEADLINE, self.abort)
        if flush and self._drainer is not None:
            self._close_after = (code, reason)  # the drainer closes once the backlog is out
            return
        self._outbox.clear()
        self._outbox_bytes = 0
        if self._drainer is not None:
            self._drainer.cancel()
        self._closer = asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await self.transport.close(code, reason)

    async def stop(self) -> None:
        """The socket's loop is over: let a closing explanation reach the client, then stop writing. However
        the loop ended, the socket is aborted if it still exists at the deadline (the server's own close waits
        for its buffers to drain, which a client that reads nothing never lets happen)."""
        self.closed = True
        if self.abort is not None and self._deadline is None:
            self._deadline = asyncio.get_running_loop().call_later(CLOSE_DEADLINE, self.abort)
        if self._drainer is not None and self._close_after is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._drainer), 2.0)
        if self._drainer is not None:
            self._drainer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._drainer
        if self._closer is not None:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._closer), 2.0)
