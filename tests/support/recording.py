"""Clients that write down everything they learn about a board's op log, for convergence and crash tests.

A `RecordingClient` is a `BoardClient` (same replica, same `pending`, same checks) that also records, into a
`ChangeLog` shared by all the clients of a test, every change it hears of: changes broadcast live or sent in
a delta welcome, and its own ops when their ack (first or duplicate) comes. The log checks as it goes that
one seq never names two ops and one op (author, op_id) never lands at two seqs; at the end it can be
replayed from the board's initial state and compared with what the server exports.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from fresque.changes import apply_op
from fresque.core.board import Board
from fresque.protocol import op_list_adapter, op_to_json
from websockets.exceptions import ConnectionClosed

from .client import BoardClient, catalogue_refs


def canonical(ops: list[dict[str, Any]]) -> str:
    """Ops as the server stores and broadcasts them (only the fields sent), as comparable text."""
    return json.dumps([op_to_json(op) for op in op_list_adapter.validate_python(ops)], sort_keys=True)


@dataclass
class ChangeLog:
    by_seq: dict[int, tuple[str, str, str]] = field(default_factory=dict)  # seq → (author, op_id, ops)
    seq_of: dict[tuple[str, str], int] = field(default_factory=dict)  # (author, op_id) → seq
    acks: dict[tuple[str, str], int] = field(default_factory=dict)  # every ack received, first or duplicate
    duplicate_acks: int = 0
    rejects: dict[tuple[str, str], str] = field(default_factory=dict)  # (author, op_id) → code
    errors: list[dict[str, Any]] = field(default_factory=list)  # `error` frames received

    def record(self, seq: int, author: str, op_id: str, ops: list[dict[str, Any]]) -> None:
        entry = (author, op_id, canonical(ops))
        known = self.by_seq.setdefault(seq, entry)
        assert known == entry, f"seq {seq} was {known[:2]} and now {entry[:2]}\n{known[2]}\n{entry[2]}"
        first = self.seq_of.setdefault((author, op_id), seq)
        assert first == seq, f"op {op_id} of {author} was logged at seq {first} and at seq {seq}"

    def ack(self, author: str, op_id: str, seq: int, duplicate: bool) -> None:
        first = self.acks.setdefault((author, op_id), seq)
        assert first == seq, f"op {op_id} of {author} acknowledged at seq {first}, then at seq {seq}"
        self.duplicate_acks += duplicate

    def replay(self, initial: dict[str, Any], head: int) -> Board:
        """The board rebuilt from its initial snapshot and changes 1..head, as every client heard them."""
        missing = sorted(set(range(1, head + 1)) - set(self.by_seq))
        assert not missing, f"no client heard of seqs {missing[:20]} (of {len(missing)})"
        assert max(self.by_seq, default=0) <= head, f"clients heard of seq {max(self.by_seq)} > head {head}"
        board = Board.from_snapshot(initial, catalogue_refs())
        for seq in range(1, head + 1):
            author, _, ops = self.by_seq[seq]
            with board.transaction():
                for op in op_list_adapter.validate_json(ops):
                    apply_op(board, op, author)
        return board


class RecordingClient(BoardClient):
    def __init__(self, client: BoardClient, log: ChangeLog) -> None:
        super().__init__(client.url, client.origin, client.token)
        self.log = log
        self.reader: asyncio.Task[None] | None = None
        self.resyncs: Counter[str] = Counter()  # welcomes by resync kind
        self.resent = 0  # ops resent after a reconnect
        self.failures: list[Exception] = []  # what broke the background reader

    @property
    def online(self) -> bool:
        """Connected, and the server has not closed the socket (the reader is still reading)."""
        return self.ws is not None and self.reader is not None and not self.reader.done()

    def _resync(self, welcome: dict[str, Any]) -> None:
        self.resyncs[welcome["resync"]] += 1
        if welcome["resync"] == "delta":
            for change in welcome["changes"]:
                self.log.record(change["seq"], change["author"], change["op_id"], change["ops"])
        super()._resync(welcome)

    def _track(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "change":
            self.log.record(message["seq"], message["author"], message["op_id"], message["ops"])
        elif kind == "ack":
            duplicate = bool(message.get("duplicate"))
            ops = self.pending.get(message["op_id"])
            assert ops is not None or duplicate, f"ack of {message['op_id']}, which was never pushed"
            self.log.ack(self.participant, message["op_id"], message["seq"], duplicate)
            if ops is not None:
                self.log.record(message["seq"], self.participant, message["op_id"], ops)
        elif kind == "reject":
            self.log.rejects[(self.participant, message["op_id"])] = message["code"]
        elif kind == "error":
            self.log.errors.append({"client": self.client_id, **message})
        super()._track(message)

    # -- living with a socket that may vanish -----------------------------------------------------------

    def start_reader(self) -> None:
        """Read (and track) every message in the background until the socket closes."""
        self.reader = asyncio.get_running_loop().create_task(self._read_forever(self.ws), name=self.client_id)

    async def _read_forever(self, ws: Any) -> None:
        try:
            while self.ws is ws:  # `drop` replaced it: what is still buffered is lost with the socket
                await self.recv(timeout=3600)
        except ConnectionClosed:
            pass
        except Exception as exc:  # kept for `check_reader`: the test, not the event loop, reports it
            self.failures.append(exc)

    def check_reader(self) -> None:
        """Raise what broke the background reader (a schema error, an out-of-order ack, a diverging op)."""
        if self.failures:
            raise self.failures[0]

    async def stop_reader(self) -> None:
        if self.reader is None:
            return
        reader, self.reader = self.reader, None
        if not reader.done():
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(asyncio.shield(reader), 5)
        if not reader.done():
            reader.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await reader

    async def resume(self, *, fresh: bool = False) -> dict[str, Any]:
        """Reconnect with `last_seq` (or none: `fresh`, a reloaded page) and resend every unacknowledged op
        with its op_id, in the order it was first pushed. The reader runs again afterwards."""
        await self.drop()  # a socket the server closed, if any
        try:
            welcome = await self.connect(None if fresh or self.replica is None else self.seq)
        except BaseException:
            if self.ws is not None:
                self.ws.transport.abort()
                self.ws = None
            raise
        self.start_reader()
        for op_id, ops in list(self.pending.items()):
            self.resent += 1
            await self.push(ops, op_id)
        return welcome

    async def drop(self, *, abrupt: bool = True) -> None:
        """Lose the connection: `abrupt` aborts the TCP connection, as a phone entering a tunnel would; what
        was in flight either way is lost, and `pending` keeps what was not acknowledged."""
        if self.ws is None:
            await self.stop_reader()
            self.inbox.clear()
            return
        ws, self.ws = self.ws, None
        if abrupt:
            ws.transport.abort()
        else:
            with contextlib.suppress(Exception):
                await asyncio.wait_for(ws.close(), 5)
        await self.stop_reader()
        self.inbox.clear()


def export_state(export: dict[str, Any]) -> dict[str, Any]:
    """An export document's board state, in `Board.to_snapshot` form, to compare with replicas."""
    return {
        "settings": {"title": export["board"]["title"], **export["settings"]},
        "items": export["items"],
        "threads": export["threads"],
        "votes": export["votes"]["by_participant"],
        "deleted": export["deleted"],
    }
