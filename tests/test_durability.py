"""Jepsen-style: ten clients write while the server is killed with SIGKILL and restarted, again and again.

Ten participants (nine residents and the facilitator) each keep a few durable changes in flight: every
change creates one note whose id and text name its op_id. A seeded controller SIGKILLs the `fresque serve`
process at random moments (no shutdown code runs: a power cut for the process), restarts it on the same
port, and the clients reconnect as a browser would: retrying until the server answers, sending `last_seq`,
then resending every unacknowledged op with its op_id. Every ack is recorded.

An ack promises that the change is stored. So, at the end, once every client has every answer:
- every acknowledged change is in the export exactly once (its note, with its text), at the seq of its ack;
- no two acks share a seq unless they are the same op (a duplicate ack repeats the original's seq);
- the head is at or past every acknowledged seq, and holds exactly one change per note: nothing applied
  twice, nothing phantom, nothing unacknowledged (every op was eventually answered);
- nobody was ever told the board was behind its `last_seq` (`seq_from_future`: an ack that did not survive);
- every replica, a fresh client's snapshot and the export are the same state, and the changes the clients
  heard replay to it.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter

import pytest
from support.recording import ChangeLog, RecordingClient, export_state
from support.server import ServerProcess
from support.workshop import Workshop, note
from websockets.exceptions import ConnectionClosed, WebSocketException

RESIDENTS = tuple(f"Habitant{n}" for n in range(1, 10))
SEED = 1871
KILLS = 4
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


@pytest.mark.slow
async def test_acknowledged_changes_survive_sigkill_exactly_once(server: ServerProcess) -> None:
    rng = random.Random(SEED)
    workshop = Workshop.create(server, residents=RESIDENTS)
    log = ChangeLog()
    clients = [RecordingClient(workshop.client(alias), log) for alias in (*RESIDENTS, None)]
    started = time.monotonic()
    stop = asyncio.Event()
    kills: list[tuple[float, int]] = []  # (seconds after start, acks recorded before the kill)
    try:
        initial = (await clients[0].resume())["snapshot"]
        writers = [
            asyncio.create_task(write_until(c, random.Random(f"{SEED}-{i}"), stop))
            for i, c in enumerate(clients)
        ]
        for _ in range(KILLS):
            await asyncio.sleep(rng.uniform(0.7, 2.5))
            kills.append((round(time.monotonic() - started, 2), len(log.acks)))
            await asyncio.to_thread(server.kill)
            await asyncio.sleep(rng.uniform(0.0, 0.4))  # clients find nobody there meanwhile
            await asyncio.to_thread(server.start)
        await asyncio.sleep(rng.uniform(0.7, 1.5))
        stop.set()
        stats = await asyncio.gather(*writers)

        await settle(clients)
        head = (await asyncio.to_thread(workshop.export))["board"]["seq"]
        deadline = time.monotonic() + 15
        while any(c.seq != head for c in clients):
            for c in clients:
                c.check_reader()
            assert time.monotonic() < deadline, f"head {head}, clients at {[c.seq for c in clients]}"
            await asyncio.sleep(0.01)
        for c in clients:
            await c.drop(abrupt=False)
            c.check_reader()
        export = await asyncio.to_thread(workshop.export)
    finally:
        stop.set()
        for c in clients:
            await c.drop()
    elapsed = time.monotonic() - started

    # Nobody was told the board had gone back in time, nothing was refused.
    assert not log.errors, log.errors  # rate_limited would mean a dropped push: tests stay under the limit
    assert not log.rejects, log.rejects

    # Every ack names one seq, and one seq one op.
    by_seq: dict[int, tuple[str, str]] = {}
    for key, seq in log.acks.items():
        other = by_seq.setdefault(seq, key)
        assert other == key, f"ops {other} and {key} were both acknowledged at seq {seq}"
    assert export["board"]["seq"] == head >= max(log.acks.values())

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
    fresh = workshop.client()
    welcome = await fresh.connect()
    await fresh.close()
    assert welcome["seq"] == head and welcome["snapshot"] == state

    totals: Counter[str] = Counter()
    for s in stats:
        totals.update(s)
    resent = sum(c.resent for c in clients)
    assert len(kills) == KILLS and resent > 0 and head > 100, (kills, resent, head)
    print(
        f"{head} changes, {len(kills)} kills at (s, acks) {kills}, {resent} resent, "
        f"{log.duplicate_acks} duplicate acks, {dict(totals)}, {elapsed:.1f}s"
    )
