"""Cursors and drags between processes (issue 15; `fresque.cluster.peers`, docs/scale-out.md): a resident's
cursor on one process reaches a resident on another, straight from process to process once their link is up
(the board's ephemeral stream in Redis then gets no more of them), and through Redis when links are off.
Three `fresque serve` processes on one PostgreSQL and one Redis, sockets on the processes the test picks.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest
import redis
from support.client import BoardClient
from support.cluster import Cluster, cluster, listed, start_cluster
from support.redis_server import RedisServer
from support.workshop import Workshop

__all__ = ["cluster"]  # the fixture, from tests/support/cluster.py

pytestmark = pytest.mark.postgres  # and Redis (skips without it here, fails in CI: FRESQUE_REQUIRE_REDIS)


def cursor_entries(redis_url: str, board_id: str) -> int:
    """How many frames of cursors and drags went through the board's ephemeral stream in Redis."""
    with redis.Redis.from_url(redis_url, decode_responses=True) as r:
        entries = r.xrange(f"fresque:board:{board_id}:eph")
        return sum(1 for _id, fields in entries if fields["kind"] == "updates")


async def moves_reach(mover: BoardClient, viewer: BoardClient, start: int, count: int) -> None:
    """`mover` moves its cursor `count` times, 40 ms apart (as a finger does, paced); `viewer` sees its last
    position."""
    last = {"x": start + count - 1, "y": 100}
    for x in range(start, start + count):
        await mover.send({"type": "presence", "cursor": {"x": x, "y": 100}})
        await asyncio.sleep(0.04)
    deadline = time.monotonic() + 10
    while True:
        frame = await viewer.expect("ephemeral", timeout=max(0.01, deadline - time.monotonic()))
        mine = [u for u in frame["updates"] if u["participant"] == mover.participant]
        seen = [u["cursor"] for u in mine if "cursor" in u]
        if seen and seen[-1] == last:
            return


async def test_a_cursor_reaches_another_process_over_a_direct_link(cluster: Cluster, redis_url: str) -> None:
    workshop = Workshop.create(cluster.processes[0])
    amina, karim = cluster.client(workshop, 0, "Amina"), cluster.client(workshop, 1, "Karim")
    await amina.connect()
    await karim.connect()
    try:
        await listed(amina, karim.participant)  # each process knows the other has sockets on the board
        await listed(karim, amina.participant)
        await moves_reach(amina, karim, 0, 10)  # the first frames may go through Redis, while linking
        await moves_reach(karim, amina, 0, 10)
        through_redis = cursor_entries(redis_url, workshop.board_id)
        await moves_reach(amina, karim, 100, 25)
        await moves_reach(karim, amina, 100, 25)
        assert cursor_entries(redis_url, workshop.board_id) == through_redis  # all 50 went straight
    finally:
        await amina.close()
        await karim.close()


async def test_with_links_off_cursors_go_through_redis(
    postgres_url: str, redis_url: str, redis_server: RedisServer, tmp_path: Path
) -> None:
    off = start_cluster(postgres_url, redis_url, redis_server, tmp_path, env={"FRESQUE_PEER_LINKS": "false"})
    try:
        workshop = Workshop.create(off.processes[0])
        amina, karim = off.client(workshop, 0, "Amina"), off.client(workshop, 2, "Karim")
        await amina.connect()
        await karim.connect()
        try:
            await listed(amina, karim.participant)
            before = cursor_entries(redis_url, workshop.board_id)
            await moves_reach(amina, karim, 0, 10)
            assert cursor_entries(redis_url, workshop.board_id) > before
        finally:
            await amina.close()
            await karim.close()
    finally:
        off.stop()
