"""A deadline for a connection's first request, so that connections which never ask for anything let go of
their file descriptor.

uvicorn closes a keep-alive connection that stays idle between two requests (`timeout_keep_alive`), but it
waits forever for the first one: a client that opens TCP connections and sends nothing (or half a request
line, a byte at a time) would hold one of the process's file descriptors each, until the process can accept no
one (issue 12: 400 such connections under a 256 file limit kept `/healthz` from answering). This protocol
closes a connection whose first request has not arrived whole within `FRESQUE_FIRST_REQUEST_SECONDS`. A
WebSocket upgrade is a first request: once upgraded, the connection belongs to the WebSocket protocol and the
deadline has nothing more to say.
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.config import Config
from uvicorn.protocols.http.h11_impl import H11Protocol
from uvicorn.server import ServerState


def first_request_protocol(seconds: float) -> type[asyncio.Protocol]:
    """uvicorn's h11 protocol with a `seconds` deadline for the first request (`uvicorn.run(http=...)`)."""

    class FirstRequestDeadline(H11Protocol):
        def __init__(
            self,
            config: Config,
            server_state: ServerState,
            app_state: dict[str, object],
            _loop: asyncio.AbstractEventLoop | None = None,
        ) -> None:
            super().__init__(config, server_state, app_state, _loop)
            self._deadline: asyncio.TimerHandle | None = None

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            self._deadline = self.loop.call_later(seconds, self._no_request_yet)

        def _no_request_yet(self) -> None:
            transport = self.transport
            # Still this protocol's (not upgraded to a WebSocket), and no request was ever read whole.
            if self.cycle is None and transport.get_protocol() is self and not transport.is_closing():
                transport.abort()  # nothing was said to us: there is nothing to answer

        def handle_websocket_upgrade(self, event: h11.Request) -> None:
            self._stop()  # the WebSocket protocol owns the connection from now on
            super().handle_websocket_upgrade(event)

        def _stop(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def connection_lost(self, exc: Exception | None) -> None:
            self._stop()
            super().connection_lost(exc)

    return FirstRequestDeadline
