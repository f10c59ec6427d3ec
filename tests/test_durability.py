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
from typing import Any

import pytest
from support.durability import assert_durable, reach_head, settle, write_until
from support.recording import ChangeLog, RecordingClient
from support.server import ServerProcess
from support.workshop import Workshop

RESIDENTS = tuple(f"Habitant{n}" for n in range(1, 10))
SEED = 1871
KILLS = 4


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
        await reach_head(clients, head)
        for c in clients:
            await c.drop(abrupt=False)
            c.check_reader()
        export = await asyncio.to_thread(workshop.export)
    finally:
        stop.set()
        for c in clients:
            await c.drop()
    elapsed = time.monotonic() - started

    async def fresh_welcome() -> dict[str, Any]:
        fresh = workshop.client()
        welcome = await fresh.connect()
        await fresh.close()
        return welcome

    head = await assert_durable(log, export, clients, initial, fresh_welcome)

    totals: Counter[str] = Counter()
    for s in stats:
        totals.update(s)
    resent = sum(c.resent for c in clients)
    assert len(kills) == KILLS and resent > 0 and head > 100, (kills, resent, head)
    print(
        f"{head} changes, {len(kills)} kills at (s, acks) {kills}, {resent} resent, "
        f"{log.duplicate_acks} duplicate acks, {dict(totals)}, {elapsed:.1f}s"
    )
