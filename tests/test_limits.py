"""The protocol's limits under load: a slow client is closed and resumes without slowing anyone; a board
holds a bounded number of items; a long absence is answered with the board rather than its whole history."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import websockets
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
