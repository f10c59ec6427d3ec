"""Setting a scene on a running server: one `ops` message over a WebSocket of its own, as any client sends it.

The browser tests seed the boards they then drive through the pages, and the page tests seed the data their
pages show; both go through here (hello, welcome, ops, then the server's answer to that message).
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from websockets.sync.client import connect
from websockets.typing import Origin

from .server import ServerProcess


def send_ops(
    server: ServerProcess,
    board: str,
    token: str,
    ops: list[dict[str, Any]],
    *,
    op_id: str | None = None,
    client: str = "seed",
) -> dict[str, Any]:
    """Send `ops` to `board` as the holder of `token`; returns the server's answer: its `ack` (with the seq),
    or its `reject` / `error`. Without `op_id`, a fresh one (the same one twice is a resend: acknowledged,
    not applied)."""
    with connect(
        server.ws_url(board),
        origin=Origin(server.origin),
        additional_headers={"Authorization": f"Bearer {token}"},
        compression=None,
        open_timeout=10,
    ) as ws:
        ws.send(json.dumps({"type": "hello", "protocol": 1, "client": client}))
        while json.loads(ws.recv(timeout=10))["type"] != "welcome":
            pass
        ws.send(json.dumps({"type": "ops", "op_id": op_id or f"{client}:{uuid.uuid4().hex}", "ops": ops}))
        while True:
            msg: dict[str, Any] = json.loads(ws.recv(timeout=10))
            if msg["type"] in ("ack", "reject", "error"):
                return msg


def push(
    server: ServerProcess, board: str, token: str, ops: list[dict[str, Any]], *, op_id: str | None = None
) -> int:
    """`send_ops`, which the server must acknowledge; returns the seq it gave."""
    answer = send_ops(server, board, token, ops, op_id=op_id)
    assert answer["type"] == "ack", answer
    return int(answer["seq"])
