"""One participant's socket as the room sees it: a bounded outbox drained by its own task, and a rate limit.

The room never awaits a client: it puts frames in the outbox and moves on, so a slow phone can never slow
the room. Ephemeral frames (cursors, drag previews) are dropped first when a client falls behind; when even
durable frames overflow the outbox, the client is closed with `CLOSE_SLOW_CONSUMER` and resumes from its
last seq on reconnect, losing nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections import deque
from typing import Protocol

CLOSE_SLOW_CONSUMER = 4008
CLOSE_PROTOCOL_MISMATCH = 4002
CLOSE_HELLO_REQUIRED = 4001
CLOSE_SERVER_SHUTDOWN = 1012


class Transport(Protocol):
    """What a room needs of a socket; Starlette's WebSocket fits, and so does a test double."""

    async def send_text(self, data: str) -> None: ...

    async def close(self, code: int = 1000, reason: str | None = None) -> None: ...


class TokenBucket:
    """`rate` messages a second on average, bursts up to `burst`."""

    def __init__(self, rate: float, burst: int) -> None:
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.stamp = time.monotonic()

    def take(self) -> bool:
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return True
        return False


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
    ) -> None:
        self.transport = transport
        self.id = connection_id
        self.participant_id = participant_id
        self.alias = alias
        self.role = role
        self.max_outbox_bytes = max_outbox_bytes
        self.rate = rate
        self.ready = False  # set once the client's hello was answered: before that it gets no broadcasts
        self.closed = False
        self._outbox: deque[str] = deque()
        self._outbox_bytes = 0
        self._wakeup = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._last_rate_error = 0.0
        self._close_after: tuple[int, str] | None = None

    def start(self) -> None:
        self._writer = asyncio.get_running_loop().create_task(self._drain(), name=f"outbox-{self.id}")

    def send(self, frame: str) -> None:
        """Queue a durable frame; close the client if it is too far behind."""
        if self.closed:
            return
        # One frame alone always fits (a big board's snapshot); a backlog beyond the limit means "too slow".
        if self._outbox and self._outbox_bytes + len(frame) > self.max_outbox_bytes:
            self.close_soon(CLOSE_SLOW_CONSUMER, "slow_consumer")
            return
        self._outbox.append(frame)
        self._outbox_bytes += len(frame)
        self._wakeup.set()

    def send_ephemeral(self, frame: str) -> None:
        """Queue a frame that may be dropped: a later one will carry newer positions anyway."""
        if self.closed or not self.ready:
            return
        if self._outbox_bytes > self.EPHEMERAL_BACKLOG:
            return
        self.send(frame)

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
        if flush and self._writer is not None and not self._writer.done():
            self._close_after = (code, reason)
            self._wakeup.set()
            return
        self._outbox.clear()
        self._outbox_bytes = 0
        if self._writer is not None:
            self._writer.cancel()
        asyncio.get_running_loop().create_task(self._close(code, reason))

    async def _close(self, code: int, reason: str) -> None:
        with contextlib.suppress(Exception):
            await self.transport.close(code, reason)

    async def _drain(self) -> None:
        try:
            while True:
                await self._wakeup.wait()
                while self._outbox:
                    frame = self._outbox.popleft()
                    self._outbox_bytes -= len(frame)
                    await self.transport.send_text(frame)
                self._wakeup.clear()
                if self._close_after is not None:
                    await self._close(*self._close_after)
                    return
        except asyncio.CancelledError:
            raise
        except Exception:  # the socket went away; the receive loop will notice and leave the room
            self.closed = True

    async def stop(self) -> None:
        self.closed = True
        if self._writer is not None and self._close_after is not None:
            # A closing explanation is queued: give it a moment to reach the client.
            with contextlib.suppress(Exception):
                await asyncio.wait_for(asyncio.shield(self._writer), 2.0)
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError, Exception):
                await self._writer
