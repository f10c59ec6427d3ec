"""The clients and the invariants of the kill tests (tests/test_durability.py on one process,
tests/test_cluster_kill.py on three): participants keep durable changes in flight and reconnect as a browser
would; at the end, nothing acknowledged is lost, nothing is doubled, everyone converges.

Every change creates one note whose id and text name its op_id, so the export says which acknowledged
change is there, and how many times.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from typing import Any

from websockets.exceptions import ConnectionClosed, WebSocketException

from .recording import ChangeLog, RecordingClient, export_state
from .workshop import note

IN_FLIGHT = 4  # unacknowledged changes a client may have at once
UNREACHABLE = (OSError, TimeoutError, WebSocketException)


def note_id(op_id: str) -> str:
    return "note-" + op_id.replace(":", "-")


def note_text(op_id: str) -> str:
    return f"Note de l'op {op_id}"


async def write_until(client: RecordingClient, rng: random.Random, stop: asyncio.Event) -> dict[str, int]:
    """One participant: keep changes in flight, reconnect (and resend) whenever the socket is gone."""
    stats = Counter[str]()
    while not stop.is_set():
        client.check_reader()
        if not client.online:
            try:
                await client.resume()
                stats["connected"] += 1
            except UNREACHABLE:
                stats["refused"] += 1
                await asyncio.sleep(rng.uniform(0.02, 0.1))
                continue
        if len(client.pending) < IN_FLIGHT:
            op_id = client.next_op_id()
            try:
                # `push` records the op as pending before sending: if the send fails it is resent later.
                await client.push([note(note_id(op_id), note_text(op_id))], op_id)
            except ConnectionClosed:
                stats["lost_send"] += 1
        await asyncio.sleep(rng.uniform(0.005, 0.04))
    return dict(stats)


async def settle(clients: list[RecordingClient], timeout: float = 30.0) -> None:
    """Reconnect whoever is out, until every op of every client is answered."""
    deadline = time.monotonic() + timeout
    while any(c.pending or not c.online for c in clients):
        assert time.monotonic() < deadline, {c.client_id: list(c.pending) for c in clients if c.pending}
        for c in clients:
            c.check_reader()
            if not c.online:
                try:
                    await c.resume()
                except UNREACHABLE:
                    pass
        await asyncio.sleep(0.01)


async def reach_head(clients: list[RecordingClient], head: int, timeout: float = 15.0) -> None:
    """Wait until every client has heard every change up to the board's head."""
    deadline = time.monotonic() + timeout
    while any(c.seq != head for c in clients):
        for c in clients:
            c.check_reader()
        assert time.monotonic() < deadline, f"head {head}, clients at {[c.seq for c in clients]}"
        await asyncio.sleep(0.01)


async def assert_durable(
    log: ChangeLog,
    export: dict[str, Any],
    clients: list[RecordingClient],
    initial: dict[str, Any],
    fresh_welcome: Callable[[], Awaitable[dict[str, Any]]],
) -> int:
    """The invariants of an acknowledgement, checked on what the clients heard and what the server exports:
    0 acknowledged lost, 0 doubled, nothing phantom, everyone converged. Returns the head."""
    head = int(export["board"]["seq"])
    # Nobody was told the board had gone back in time, nothing was refused.
    assert not log.errors, log.errors  # rate_limited would mean a dropped push: tests stay under the limit
    assert not log.rejects, log.rejects

    # Every ack names one seq, and one seq one op.
    by_seq: dict[int, tuple[str, str]] = {}
    for key, seq in log.acks.items():
        other = by_seq.setdefault(seq, key)
        assert other == key, f"ops {other} and {key} were both acknowledged at seq {seq}"
    assert head >= max(log.acks.values())

    # Every acknowledged change is in the export exactly once; nothing else is.
    notes = Counter(item["id"] for item in export["items"])
    texts = {item["id"]: item.get("text") for item in export["items"]}
    for (_, op_id), _seq in log.acks.items():
        assert notes[note_id(op_id)] == 1, f"acknowledged {op_id} is in the export {notes[note_id(op_id)]}×"
        assert texts[note_id(op_id)] == note_text(op_id)
    assert len(export["items"]) == head == len(log.acks), (len(export["items"]), head, len(log.acks))
    assert not export["deleted"] and not export["threads"]

    # The log the clients heard is whole and rebuilds the board; everyone converged on it.
    state = export_state(export)
    assert log.replay(initial, head).to_snapshot() == state
    for key, seq in log.acks.items():
        assert log.seq_of[key] == seq
    for c in clients:
        assert c.replica is not None and c.replica.to_snapshot() == state, f"{c.client_id} diverged"
    welcome = await fresh_welcome()
    assert welcome["seq"] == head and welcome["snapshot"] == state
    return head
