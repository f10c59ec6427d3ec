"""A test client of the board protocol over a real `websockets` connection.

Every message the server sends is checked against the committed `docs/protocol.schema.json`, so that a
test passing also means the server speaks the protocol it publishes. The client can keep a replica of
the board (the same core rules the server runs) to check that everyone converges.
"""

from __future__ import annotations

import asyncio
import itertools
import json
from functools import cache
from pathlib import Path
from typing import Any

import websockets
from fresque.boards import AnyBoard
from fresque.changes import apply_op
from fresque.core.actions import ActionBoard
from fresque.core.board import Board
from fresque.protocol import PROTOCOL_VERSION, op_list_adapter
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[2]


@cache
def server_validator() -> Draft202012Validator:
    schema = json.loads((REPO / "docs" / "protocol.schema.json").read_text())
    return Draft202012Validator(schema["server_message"])


@cache
def catalogue_refs() -> dict[str, frozenset[str]]:
    from fresque.catalogue import load_catalogue

    cat = load_catalogue()
    return {kind: cat.ids(kind) for kind in ("activity", "difficulty", "touchpoint", "solution")}


def replica_of(kind: str, snapshot: dict[str, Any]) -> AnyBoard:
    """The same core rules the server runs, on the kind of board the welcome names."""
    if kind == "actions":
        return ActionBoard.from_snapshot(snapshot)
    return Board.from_snapshot(snapshot, catalogue_refs())


class BoardClient:
    _counter = itertools.count(1)

    def __init__(self, url: str, origin: str, token: str, *, client_id: str | None = None) -> None:
        self.url = url
        self.origin = origin
        self.token = token
        self.client_id = client_id or f"c{next(self._counter)}"
        self._op_counter = itertools.count(1)
        self.ws: Any = None
        self.seq = 0
        self.welcome: dict[str, Any] | None = None
        self.replica: AnyBoard | None = None
        self.acting: dict[str, str] = {}  # op_id → the hosted person it was made as
        self.inbox: list[dict[str, Any]] = []
        self.pending: dict[str, list[dict[str, Any]]] = {}  # op_id → ops not yet acknowledged

    async def open(self, **kwargs: Any) -> None:
        self.ws = await websockets.connect(
            self.url,
            origin=self.origin,
            additional_headers={"Authorization": f"Bearer {self.token}"},
            compression=None,
            max_size=2**24,
            open_timeout=10,
            **kwargs,
        )

    async def connect(self, last_seq: int | None = None) -> dict[str, Any]:
        await self.open()
        return await self.hello(last_seq)

    async def hello(self, last_seq: int | None = None) -> dict[str, Any]:
        message: dict[str, Any] = {"type": "hello", "protocol": PROTOCOL_VERSION, "client": self.client_id}
        if last_seq is not None:
            message["last_seq"] = last_seq
        await self.send(message)
        welcome = await self.expect("welcome")
        self.welcome = welcome
        self._resync(welcome)
        return welcome

    def _resync(self, welcome: dict[str, Any]) -> None:
        if welcome["resync"] == "snapshot":
            self.replica = replica_of(welcome["board"]["kind"], welcome["snapshot"])
        else:
            for change in welcome["changes"]:
                self._apply(change["ops"], change["author"])
        self.seq = welcome["seq"]

    def _apply(self, ops: list[dict[str, Any]], author: str) -> None:
        if self.replica is None:
            return
        with self.replica.transaction():
            for op in op_list_adapter.validate_python(ops):
                apply_op(self.replica, op, author)

    @property
    def participant(self) -> str:
        assert self.welcome is not None
        return str(self.welcome["you"]["participant"])

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()
            self.ws = None

    async def send(self, message: dict[str, Any]) -> None:
        await self.ws.send(json.dumps(message, ensure_ascii=False))

    async def send_raw(self, data: str | bytes) -> None:
        await self.ws.send(data)

    async def recv(self, timeout: float = 10.0) -> dict[str, Any]:
        raw = await asyncio.wait_for(self.ws.recv(), timeout)
        message: dict[str, Any] = json.loads(raw)
        errors = sorted(server_validator().iter_errors(message), key=str)
        assert not errors, f"server message breaks the schema: {errors[0].message}\n{raw[:500]}"
        self._track(message)
        return message

    def _track(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "change":
            assert message["seq"] == self.seq + 1, f"gap: had {self.seq}, got {message['seq']}"
            # No author when none of the change's ops was sent (`docs/protocol.md`): nothing to apply.
            self._apply(message["ops"], message.get("author", ""))
            self.seq = message["seq"]
        elif kind == "ack" and not message.get("duplicate"):
            ops = self.pending.pop(message["op_id"], None)
            assert message["seq"] == self.seq + 1, f"ack out of order: had {self.seq}, got {message['seq']}"
            if ops is not None:
                self._apply(message.get("ops", ops), self.acting.pop(message["op_id"], self.participant))
            self.seq = message["seq"]
        elif kind == "resync":
            assert message["seq"] == self.seq, f"resync at {message['seq']}, replica at {self.seq}"
            assert self.welcome is not None
            self.replica = replica_of(self.welcome["board"]["kind"], message["snapshot"])
        elif kind in ("ack", "reject"):
            self.pending.pop(message["op_id"], None)
            self.acting.pop(message["op_id"], None)

    async def expect(self, kind: str, timeout: float = 10.0, **match: Any) -> dict[str, Any]:
        """Read until a message of this type (and matching fields) arrives; others go to `inbox`."""
        for i, message in enumerate(self.inbox):
            if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
                return self.inbox.pop(i)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            message = await self.recv(max(0.01, deadline - loop.time()))
            if message["type"] == kind and all(message.get(k) == v for k, v in match.items()):
                return message
            self.inbox.append(message)

    async def drain(
        self, quiet: float = 0.3, ignore: tuple[str, ...] = ("presence_list", "ephemeral")
    ) -> list[dict[str, Any]]:
        """Read until the socket is quiet for `quiet` seconds; return what came, but for the `ignore`d types
        (who is here, cursors), which say nothing about the board."""
        got = [m for m in self.inbox if m["type"] not in ignore]
        self.inbox.clear()
        while True:
            try:
                message = await self.recv(quiet)
            except TimeoutError:
                return got
            if message["type"] not in ignore:
                got.append(message)

    async def drain_until_board_message(
        self, timeout: float = 10.0, ignore: tuple[str, ...] = ("presence_list", "ephemeral")
    ) -> dict[str, Any]:
        """The next message that is about the board (not who is here, not cursors)."""
        while self.inbox:
            message = self.inbox.pop(0)
            if message["type"] not in ignore:
                return message
        while True:
            message = await self.recv(timeout)
            if message["type"] not in ignore:
                return message

    def next_op_id(self) -> str:
        return f"{self.client_id}:{next(self._op_counter)}"

    async def push(
        self, ops: list[dict[str, Any]], op_id: str | None = None, *, as_: str | None = None
    ) -> str:
        """Send ops; `as_` makes them as someone this device hosts (a table member, a paper participant)."""
        op_id = op_id or self.next_op_id()
        self.pending[op_id] = ops
        message: dict[str, Any] = {"type": "ops", "op_id": op_id, "ops": ops}
        if as_ is not None:
            message["as"] = as_
            self.acting[op_id] = as_
        await self.send(message)
        return op_id

    async def commit(
        self, ops: list[dict[str, Any]], op_id: str | None = None, *, as_: str | None = None
    ) -> dict[str, Any]:
        """Push and wait for the answer (ack or reject) to that op_id."""
        op_id = await self.push(ops, op_id, as_=as_)
        return (await self.answers([op_id]))[op_id]

    async def answers(self, op_ids: list[str], timeout: float = 10.0) -> dict[str, dict[str, Any]]:
        """Wait for the ack or reject of each op_id; other messages go to `inbox`."""
        wanted, found = set(op_ids), {}
        for message in list(self.inbox):
            if message["type"] in ("ack", "reject") and message["op_id"] in wanted:
                found[message["op_id"]] = message
                self.inbox.remove(message)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while len(found) < len(wanted):
            message = await self.recv(max(0.01, deadline - loop.time()))
            if message["type"] in ("ack", "reject") and message["op_id"] in wanted:
                found[message["op_id"]] = message
            else:
                self.inbox.append(message)
        return found
