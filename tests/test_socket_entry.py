"""`fresque.socket_entry`: the entry `fresque serve` gives uvicorn hands a board socket straight to its
endpoint (no middleware frame held for the socket's life: docs/performance.md, "Idle connection"), with
what the app and its router would have put in the scope; everything else goes to the application as before.

The live socket tests (tests/test_ws_live.py, tests/test_abuse_sockets.py, …) run `fresque serve`, so they
go through this entry; here, what it hands over."""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import Awaitable
from typing import Any

from fresque.api.ws import board_socket
from fresque.app import create_app
from fresque.config import Settings
from fresque.rooms.caps import TRANSPORT_KEY
from fresque.socket_entry import socket_entry
from starlette.websockets import WebSocket


class FakeProtocol:
    """What uvicorn's `send` is bound to: its protocol object, holding the socket's transport."""

    def __init__(self) -> None:
        self.transport = asyncio.Transport()

    async def send(self, message: Any) -> None:
        raise AssertionError("nothing is sent while the entry only dispatches")


async def receive() -> Any:
    raise AssertionError("nothing is received while the entry only dispatches")


def scope(kind: str, path: str) -> dict[str, Any]:
    return {
        "type": kind,
        "path": path,
        "raw_path": path.encode(),
        "root_path": "",
        "query_string": b"",
        "headers": [],
        "scheme": "ws" if kind == "websocket" else "http",
        "method": "GET",
        "http_version": "1.1",
        "client": ("127.0.0.1", 5000),
        "server": ("127.0.0.1", 8000),
        "subprotocols": [],
    }


def frames(awaitable: Awaitable[None]) -> str:
    """The qualified name of the coroutine uvicorn would await, and close it unstarted."""
    assert inspect.iscoroutine(awaitable)
    name = awaitable.cr_code.co_qualname
    awaitable.close()
    return name


def test_a_board_socket_goes_straight_to_its_endpoint_with_the_scope_the_router_gives() -> None:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    entry = socket_entry(app)
    protocol = FakeProtocol()
    board = scope("websocket", "/ws/boards/b0123456789")
    call = entry(board, receive, protocol.send)
    # The awaitable is the endpoint's own coroutine: no layer of ours or of the framework's wraps it.
    assert frames(call) == board_socket.__qualname__
    assert board["path_params"] == {"board_id": "b0123456789"}
    assert board["app"] is app and board[TRANSPORT_KEY] is protocol.transport
    assert WebSocket(board, receive, protocol.send).app.state is app.state  # where `services` is found


def test_everything_else_goes_through_the_application() -> None:
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    entry = socket_entry(app)
    protocol = FakeProtocol()
    through_app = type(app).__call__.__qualname__
    other_socket = scope("websocket", "/ws/elsewhere")
    assert frames(entry(other_socket, receive, protocol.send)) == through_app
    assert "path_params" not in other_socket
    assert other_socket[TRANSPORT_KEY] is protocol.transport  # any socket may be aborted
    page = scope("http", "/ws/boards/b0123456789")  # an HTTP request on the socket's path: the app's 404
    assert frames(entry(page, receive, protocol.send)) == through_app
    assert TRANSPORT_KEY not in page
    lifespan = {"type": "lifespan", "asgi": {"version": "3.0"}, "state": {}}
    assert frames(entry(lifespan, receive, protocol.send)) == through_app
