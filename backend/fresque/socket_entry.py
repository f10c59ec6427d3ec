"""The ASGI entry `fresque serve` gives uvicorn: a board socket straight to its route, the rest to the app.

An ASGI layer written `async def __call__(...): await self.app(...)` keeps its coroutine frame alive for as
long as what it called runs: for a WebSocket, the life of the socket. Between uvicorn's proxy-headers layer
and the board socket's endpoint there were twenty such frames (FastAPI's and Starlette's error, exception,
telemetry, exit stack and body-limit middlewares, `BodyLimit`, `security_headers`, the routers' dispatch, the
route's exception wrappers), plus an exit stack: about 9 KiB per idle socket, measured with tracemalloc, for
layers that let a WebSocket through untouched (each is HTTP-only, or does nothing a board socket needs: the
endpoint answers its own refusals and takes no dependency). So a scope for `/ws/boards/{board_id}` is matched
here against the route's own pattern (the application's, not a copy) and given to its endpoint, as Starlette's
router would give it, with no frame of our own: `__call__` is a plain method that returns the endpoint's
coroutine for uvicorn to await (uvicorn is told the interface, `asgi3`: it guesses it from `async def`).

Every other scope, other WebSockets included, goes through the whole application as before. The socket's
transport is put in its scope here too (`rooms.caps.TRANSPORT_KEY`), so a socket that cannot be closed can be
aborted.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

from starlette.applications import Starlette
from starlette.routing import Match, WebSocketRoute
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket

from .api import ws
from .rooms.caps import TRANSPORT_KEY


class SocketEntry:
    def __init__(self, app: Starlette, route: WebSocketRoute) -> None:
        self.app = app
        self.route = route
        self.endpoint: Callable[[WebSocket], Awaitable[None]] = route.endpoint

    def __call__(self, scope: Scope, receive: Receive, send: Send) -> Awaitable[None]:
        if scope["type"] == "websocket":
            transport = getattr(getattr(send, "__self__", None), "transport", None)
            if isinstance(transport, asyncio.Transport):
                scope[TRANSPORT_KEY] = transport
            match, child = self.route.matches(scope)
            if match is Match.FULL:
                scope.update(child)  # path_params and endpoint, as the router sets them
                scope["app"] = self.app  # as the application sets it (`websocket.app.state`)
                return self.endpoint(WebSocket(scope, receive=receive, send=send))
        return self.app(scope, receive, send)


def socket_entry(app: Starlette) -> SocketEntry:
    """The application, with its board sockets taken straight to `api.ws.board_socket`: the route object
    `api.ws.router` made (the application includes that router as it is, without a prefix)."""
    for route in ws.router.routes:
        if isinstance(route, WebSocketRoute) and route.endpoint is ws.board_socket:
            return SocketEntry(app, route)
    raise LookupError("api.ws.router has no route for board_socket")
