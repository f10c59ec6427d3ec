"""The protocol's limits under load: a slow client is closed and resumes without slowing anyone; a board
holds a bounded number of items; a long absence is answered with the board rather than its whole history.
In process: a socket's outbox (written at once, durable order kept, previews dropped first, then closed) and
the pace of the ephemeral lane."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
from fresque.ratelimit import TokenBucket
from fresque.rooms.connection import CLOSE_SLOW_CONSUMER, Connection
from fresque.rooms.room import Pacer
from support.server import ServerProcess
from support.workshop import Workshop, new_item_id, note


@pytest.fixture
def tight_server(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'fresque.sqlite3'}",
        log_path=tmp_path / "server.log",
        env={"FRESQUE_MAX_OUTBOX_BYTES": str(256 * 1024), "FRESQUE_MAX_ITEMS": "120"},
    )
    server.start()
    yield server
    server.stop()


def heavy_batch(ids: list[str], round_: int) -> list[dict[str, object]]:
    return [{"op": "item.update", "id": i, "set": {"text": f"{round_:04d} " + "x" * 480}} for i in ids]


async def test_a_slow_client_is_closed_resumes_and_never_slows_the_others(
    tight_server: ServerProcess,
) -> None:
    workshop = Workshop.create(tight_server, residents=("Amina", "Karim", "Lina"))
    writer, watcher, slow = workshop.client("Amina"), workshop.client("Karim"), workshop.client("Lina")
    await writer.connect()
    await watcher.connect()
    ids = [new_item_id() for _ in range(100)]
    await writer.commit([note(i, "début") for i in ids])
    # The slow client reads nothing: with a one-frame queue its socket stops draining, the server's
    # transport pauses, and the server's outbox for it fills up.
    await slow.open(max_queue=1)
    await slow.send({"type": "hello", "protocol": 1, "client": "slow-phone", "last_seq": 1})

    head = 121
    watching = asyncio.create_task(watcher.expect("change", seq=head, timeout=60))  # a phone that keeps up
    started = time.monotonic()
    latencies = []
    for round_ in range(120):
        t0 = time.monotonic()
        answer = await writer.commit(heavy_batch(ids, round_))
        latencies.append(time.monotonic() - t0)
        assert answer["type"] == "ack", answer
    elapsed = time.monotonic() - started
    await watching
    assert watcher.seq == head

    code = None
    try:
        while True:
            await asyncio.wait_for(slow.ws.recv(), 10)
    except websockets.exceptions.ConnectionClosed as closed:
        code = closed.rcvd.code if closed.rcvd else None
    assert code == 4008  # slow_consumer
    assert max(latencies) < 5, (
        f"the writer waited {max(latencies):.2f}s for an ack: the slow client slowed it"
    )
    assert elapsed < 60

    back = workshop.client("Lina")
    welcome = await back.connect(last_seq=1)
    # 120 changes of ~60 KB weigh more than the board: the server sends the board instead.
    assert welcome["resync"] == "snapshot" and welcome["seq"] == head
    texts = {i["text"][:4] for i in welcome["snapshot"]["items"]}
    assert texts == {"0119"}
    for c in (writer, watcher, back):
        await c.close()


async def test_a_board_holds_a_bounded_number_of_items(tight_server: ServerProcess) -> None:
    workshop = Workshop.create(tight_server)
    amina = workshop.client("Amina")
    await amina.connect()
    assert (await amina.commit([note(new_item_id()) for _ in range(100)]))["type"] == "ack"
    assert (await amina.commit([note(new_item_id()) for _ in range(20)]))["type"] == "ack"
    full = await amina.commit([note(new_item_id())])
    assert full["type"] == "reject" and full["code"] == "board_full"
    victim = sorted(amina.replica.items)[0] if amina.replica else None
    assert victim is not None
    assert (await amina.commit([{"op": "item.delete", "id": victim}]))["type"] == "ack"
    assert (await amina.commit([note(new_item_id())]))["type"] == "ack"
    await amina.close()


# -- the outbox and the pace, in process ---------------------------------------------------------------------


class FakeSocket:
    """A socket like uvicorn's: `send_text` returns at once while writable, else waits until it is."""

    def __init__(self) -> None:
        self.writable = asyncio.Event()
        self.writable.set()
        self.sent: list[str] = []
        self.closed_with: tuple[int, str | None] | None = None

    async def send_text(self, data: str) -> None:
        await self.writable.wait()
        self.sent.append(data)

    async def close(self, code: int = 1000, reason: str | None = None) -> None:
        self.closed_with = (code, reason)


def connection(socket: FakeSocket, max_outbox_bytes: int = 64 * 1024) -> Connection:
    conn = Connection(
        socket,
        connection_id="c1",
        participant_id="p1",
        alias="Amina",
        role="participant",
        max_outbox_bytes=max_outbox_bytes,
        rate=TokenBucket.per_second(60, 120),
    )
    conn.ready = True
    return conn


async def test_a_frame_is_written_at_once_while_the_socket_takes_it() -> None:
    socket = FakeSocket()
    conn = connection(socket)
    for i in range(3):
        conn.send(f"durable {i}")
        conn.send_ephemeral(f"preview {i}")
    # Written before the sender yields to the loop: no task, no queue.
    assert socket.sent == ["durable 0", "preview 0", "durable 1", "preview 1", "durable 2", "preview 2"]
    await conn.stop()


async def test_a_client_behind_keeps_durable_order_loses_previews_first_then_is_closed() -> None:
    socket = FakeSocket()
    conn = connection(socket, max_outbox_bytes=64 * 1024)
    socket.writable.clear()  # the kernel's buffer is full
    chunk = "x" * 4096
    conn.send("d0")  # stops half-way: a task finishes it once the socket is writable again
    for i in range(1, 6):
        conn.send(f"d{i} {chunk}")  # 20 KiB waiting: more than the 16 KiB after which previews are dropped
    conn.send_ephemeral("preview")
    conn.send("d6")
    socket.writable.set()
    await asyncio.sleep(0.01)
    assert [f.split(" ")[0] for f in socket.sent] == ["d0", "d1", "d2", "d3", "d4", "d5", "d6"]
    assert not conn.closed and socket.closed_with is None

    socket.writable.clear()
    conn.send("stuck")
    for _ in range(20):  # 80 KiB: over the 64 KiB allowed
        conn.send(chunk)
    assert conn.closed
    await asyncio.sleep(0.01)
    assert socket.closed_with == (CLOSE_SLOW_CONSUMER, "slow_consumer")
    await conn.stop()


async def test_the_pace_runs_at_once_coalesces_a_burst_and_catches_up_with_a_client_out_of_step() -> None:
    loop = asyncio.get_running_loop()
    runs: list[float] = []
    ran = asyncio.Event()

    def action() -> None:
        runs.append(loop.time())
        ran.set()

    async def next_run() -> None:
        ran.clear()
        await asyncio.wait_for(ran.wait(), 5)

    pacer = Pacer(4, action)  # a 250 ms period
    pacer.request()
    assert len(runs) == 1  # the first request after a quiet spell runs at once
    pacer.request()
    assert len(runs) == 1  # too soon: a timer
    await next_run()
    assert runs[1] - runs[0] >= 0.125 - 0.01  # half a period early at most
    # That timer run carried a single request: whoever sent it is out of step with the pace. Their next
    # request runs at once rather than wait for the grid, and the pace restarts from it.
    pacer.request()
    assert len(runs) == 3
    pacer.request()
    pacer.request()
    assert len(runs) == 3  # too soon again: one timer for both
    await next_run()
    assert len(runs) == 4
    pacer.request()  # that run carried two requests: the client is fast, not out of step, so it waits
    assert len(runs) == 4
    await next_run()
    pacer.request()  # out of step again, but the last catch-up was less than a second ago: it waits
    assert len(runs) == 5
    await next_run()
    assert len(runs) == 6
    pacer.cancel()
