"""Several processes, one truth (issue 15), under faults: three `fresque serve` processes on one PostgreSQL
and one Redis (tests/support/cluster.py), with the invariants of the single-process kill test
(tests/support/durability.py: 0 acknowledged lost, 0 doubled, all converge).

- `kill -9` of the process writing the board, ten times during traffic, each killed process restarted; half
  the clients go through HAProxy (deploy/haproxy.cfg), half straight to a live process picked at random at
  each reconnection. The time from each kill until every client is served again is printed.
- A paused writer (`SIGSTOP`): a client on another process keeps writing, the lease moves (the fencing token
  grows), then `SIGCONT`: the paused process commits nothing stale; every ack is in the op log once.
- Redis stopped for ten seconds mid-session and started again: nothing acknowledged lost, and afterwards
  two residents on different processes see each other's changes live again, with no restart.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from support.cluster import Cluster, RovingClient, cluster, start_cluster
from support.durability import assert_durable, note_id, note_text, reach_head, settle, write_until
from support.haproxy import HAProxy
from support.recording import ChangeLog, RecordingClient
from support.redis_server import RedisServer
from support.workshop import Workshop, new_item_id, note

__all__ = ["cluster"]  # the fixture, from tests/support/cluster.py

pytestmark = pytest.mark.postgres  # and Redis, HAProxy (skip without them here, fail in CI)

RESIDENTS = tuple(f"Habitant{n}" for n in range(1, 10))
SEED = 1915
KILLS = 10


@pytest.fixture
def proxied_cluster(
    postgres_url: str,
    redis_url: str,
    redis_server: RedisServer,
    haproxy: Callable[[list[int]], HAProxy],
    tmp_path: Path,
) -> Iterator[Cluster]:
    """Three processes behind HAProxy."""
    running = start_cluster(postgres_url, redis_url, redis_server, tmp_path)
    try:
        running.proxy = haproxy([p.port for p in running.processes])
        for i in range(len(running.processes)):
            running.proxy.wait_status(f"fresque{i + 1}", "UP")
        yield running
    finally:
        running.stop()


async def fresh_welcome_on(cluster: Cluster, workshop: Workshop, index: int) -> dict[str, Any]:
    fresh = cluster.client(workshop, index)
    welcome = await fresh.connect()
    await fresh.close()
    return welcome


async def finish(
    cluster: Cluster,
    workshop: Workshop,
    clients: list[RecordingClient],
    log: ChangeLog,
    initial: dict[str, Any],
) -> int:
    """Every op answered, every client at the head, then the invariants, on PostgreSQL's op log too."""
    try:
        await settle(clients)
    except AssertionError as exc:  # say where the unanswered clients are, and what the processes said
        where = {c.client_id: (c.url, list(c.pending), c.online) for c in clients if c.pending}
        lease = await cluster.lease(workshop.board_id)
        ports = {p.port: i for i, p in enumerate(cluster.processes)}
        detail = f"unanswered: {where}\nports: {ports}\n{lease}\n{cluster.logs()}"
        raise AssertionError(f"{exc}\n{detail}") from exc
    head = await cluster.head(workshop.board_id)
    await reach_head(clients, head)
    for c in clients:
        await c.drop(abrupt=False)
        c.check_reader()
    export = await asyncio.to_thread(workshop.export)
    head = await assert_durable(
        log, export, clients, initial, lambda: fresh_welcome_on(cluster, workshop, cluster.live()[0])
    )
    # The op log itself: seqs 1..head, one receipt per op, each acknowledged op at the seq of its ack.
    receipts = await cluster.receipts(workshop.board_id)
    assert [seq for seq, _, _ in receipts] == list(range(1, head + 1))
    assert len({(author, op_id) for _, author, op_id in receipts}) == head
    assert {(author, op_id): seq for seq, author, op_id in receipts} == log.acks
    assert await cluster.head(workshop.board_id) == head
    return head


@pytest.mark.slow
async def test_ten_kills_of_the_writing_process_lose_and_double_nothing(proxied_cluster: Cluster) -> None:
    cluster = proxied_cluster
    rng = random.Random(SEED)
    workshop = Workshop.create(cluster.processes[0], residents=RESIDENTS)
    board = workshop.board_id
    log = ChangeLog()
    people = (*RESIDENTS, None)
    clients: list[RovingClient] = [
        cluster.via_proxy(workshop, log, alias)
        if i % 2 == 0
        else cluster.roving(workshop, log, alias, random.Random(f"{SEED}-pick-{i}"))
        for i, alias in enumerate(people)
    ]
    stop = asyncio.Event()
    failovers: list[float] = []
    started = time.monotonic()
    try:
        initial = (await clients[0].resume())["snapshot"]
        writers = [
            asyncio.create_task(write_until(c, random.Random(f"{SEED}-{i}"), stop))
            for i, c in enumerate(clients)
        ]
        for kill in range(KILLS):
            await asyncio.sleep(rng.uniform(0.3, 1.0))
            w, lease = await cluster.writer(board)
            await asyncio.to_thread(cluster.kill, w)
            killed_at = time.monotonic()
            restart = asyncio.create_task(asyncio.to_thread(cluster.processes[w].start))
            # Served again: every client has had an ack for something after the kill.
            deadline = killed_at + 15
            while any(c.served_after(killed_at) is None for c in clients):
                for c in clients:
                    c.check_reader()
                assert time.monotonic() < deadline, (
                    f"kill {kill + 1}: clients not served 15 s after the kill of process {w}: "
                    f"{[c.client_id for c in clients if c.served_after(killed_at) is None]}\n{cluster.logs()}"
                )
                await asyncio.sleep(0.01)
            failovers.append(max(c.served_after(killed_at) or 0 for c in clients) - killed_at)
            await restart
            after = await cluster.lease(board)
            assert after.epoch > lease.epoch, (lease, after)  # another process took it, with a new token
        await asyncio.sleep(rng.uniform(0.3, 0.8))
        stop.set()
        stats = await asyncio.gather(*writers)
        head = await finish(cluster, workshop, list(clients), log, initial)
    finally:
        stop.set()
        for c in clients:
            await c.drop()
    totals: Counter[str] = Counter()
    for s in stats:
        totals.update(s)
    print(
        f"{head} changes over {KILLS} kills of the writer in {time.monotonic() - started:.1f}s; "
        f"kill → every client served again (s): {[round(f, 2) for f in failovers]}, "
        f"max {max(failovers):.2f}; "
        f"{sum(c.resent for c in clients)} resent, {log.duplicate_acks} duplicate acks, {dict(totals)}"
    )
    # How fast is the benchmark's to say (`failover`, 3 s target, on a quiet machine): under the suite's
    # parallel load one kill in ten took 6.3 s. What this test holds is that every kill was followed by every
    # client being served again, within the 15 s liveness bound above, with nothing lost or doubled.
    assert len(failovers) == KILLS, failovers


async def test_a_paused_writer_commits_nothing_once_its_lease_moved(cluster: Cluster) -> None:
    workshop = Workshop.create(cluster.processes[0], residents=("Amina", "Karim"))
    board = workshop.board_id
    log = ChangeLog()
    opener = RecordingClient(cluster.client(workshop, 0), log)
    initial = (await opener.resume())["snapshot"]
    op_id = opener.next_op_id()  # named by its op_id, as every acknowledged change `finish` looks for
    await opener.push([note(note_id(op_id), note_text(op_id))], op_id)
    await settle([opener])
    w, lease = await cluster.writer(board)
    f = (w + 1) % 3
    on_writer = RecordingClient(cluster.client(workshop, w, "Amina"), log)
    elsewhere = RecordingClient(cluster.client(workshop, f, "Karim"), log)
    clients = [opener, on_writer, elsewhere]
    for c in (on_writer, elsewhere):
        await c.resume()
    stop = asyncio.Event()
    try:
        # Amina's changes are in flight to the writer as it stops: read later, they must not be committed
        # with its old token.
        for _ in range(3):
            op_id = on_writer.next_op_id()
            await on_writer.push([note(note_id(op_id), note_text(op_id))], op_id)
        cluster.pause(w)
        paused_at = time.monotonic()
        # Karim, on another process, keeps writing; his process (or the third) takes the lease.
        karim = asyncio.create_task(write_until(elsewhere, random.Random(SEED), stop))
        deadline = paused_at + 10
        while (moved := await cluster.lease(board)).epoch == lease.epoch or not moved.live:
            assert time.monotonic() < deadline, f"lease never moved off paused process {w}: {moved}"
            await asyncio.sleep(0.05)
        moved_after = time.monotonic() - paused_at
        assert cluster.index_of(moved.pid) != w
        head_before = await cluster.head(board)
        await asyncio.sleep(0.5)  # Karim's writes go on under the new writer
        cluster.resume(w)
        await asyncio.sleep(1.5)  # the paused process runs again, its timers late, Amina's ops read
        stop.set()
        await karim
        # Every ack, Amina's included, names the op log's receipt at its seq, once; nothing else is there.
        head = await finish(cluster, workshop, clients, log, initial)
    finally:
        stop.set()
        if cluster.processes[w].proc is not None:
            cluster.resume(w)  # harmless if it runs
        for c in clients:
            await c.drop()
    assert head > head_before
    print(f"lease moved {moved_after:.2f} s after SIGSTOP (epoch {lease.epoch} → {moved.epoch}); head {head}")


async def test_redis_stopped_for_ten_seconds_loses_nothing_and_recovers_by_itself(
    cluster: Cluster, redis_server: RedisServer
) -> None:
    workshop = Workshop.create(cluster.processes[0], residents=("Amina", "Karim"))
    log = ChangeLog()
    amina = RecordingClient(cluster.client(workshop, 0, "Amina"), log)
    karim = RecordingClient(cluster.client(workshop, 1, "Karim"), log)
    clients = [amina, karim]
    initial = (await amina.resume())["snapshot"]
    await karim.resume()
    stop = asyncio.Event()
    try:
        writers = [
            asyncio.create_task(write_until(c, random.Random(f"{SEED}-{i}"), stop))
            for i, c in enumerate(clients)
        ]
        await asyncio.sleep(1.0)
        await asyncio.to_thread(redis_server.stop)
        acked_before = len(log.acks)
        await asyncio.sleep(10.0)
        await asyncio.to_thread(redis_server.start)  # empty: no persistence
        acked_during = len(log.acks) - acked_before
        await asyncio.sleep(2.0)
        stop.set()
        await asyncio.gather(*writers)
        await finish(cluster, workshop, clients, log, initial)
    finally:
        stop.set()
        for c in clients:
            await c.drop()

    # Back: two residents on two processes, connected now, see each other's changes live.
    zoe_side, karim_side = cluster.client(workshop, 1, "Amina"), cluster.client(workshop, 2, "Karim")
    await zoe_side.connect()
    await karim_side.connect()
    made = new_item_id("note")
    assert (await zoe_side.commit([note(made, "après la panne")]))["type"] == "ack"
    heard = await karim_side.expect("change", timeout=5)
    assert heard["ops"][0]["id"] == made
    await zoe_side.close()
    await karim_side.close()
    print(f"{len(log.acks)} changes acknowledged, {acked_during} of them while Redis was down")
