"""Every kind of bad input, against a real server: each gets its own error code (or close code), changes
nothing, reaches no other client, and is followed by a valid change that succeeds."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import websockets
from support.client import BoardClient
from support.server import ServerProcess
from support.workshop import Workshop, new_item_id, note, solution, thread


@pytest.fixture(scope="module")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the whole list (validation does not depend on the database)."""
    tmp: Path = tmp_path_factory.mktemp("bad-input")
    server = ServerProcess(f"sqlite+aiosqlite:///{tmp / 'fresque.sqlite3'}", log_path=tmp / "server.log")
    server.start()
    yield server
    server.stop()


@dataclass
class Room:
    workshop: Workshop
    attacker: BoardClient
    witness: BoardClient
    solution_id: str


@pytest.fixture
async def room(live: ServerProcess) -> Room:
    workshop = Workshop.create(live)
    attacker, witness = workshop.client("Amina"), workshop.client("Karim")
    await attacker.connect()
    await witness.connect()
    sol = new_item_id("sol")
    assert (await witness.commit([solution(sol)]))["type"] == "ack"
    await attacker.expect("change")
    return Room(workshop, attacker, witness, sol)


def push(ops: list[dict[str, Any]], op_id: str = "bad:1") -> str:
    return json.dumps({"type": "ops", "op_id": op_id, "ops": ops})


def create_note(**fields: Any) -> dict[str, Any]:
    return {**note(new_item_id()), **fields}


# Each case: the raw frame sent, and the answer expected: ("error"|"reject", code).
FRAMES: dict[str, tuple[str, str, str]] = {
    "malformed json": ("{not json", "error", "malformed_json"),
    "json of the wrong shape": ("[1, 2, 3]", "error", "invalid_message"),
    "a bare string": ('"hello"', "error", "invalid_message"),
    "unknown message type": ('{"type": "shout", "text": "HELLO"}', "error", "unknown_type"),
    "no type at all": ('{"op_id": "x:1"}', "error", "invalid_message"),
    "unknown operation": (push([{"op": "item.explode", "id": "abcdefg"}]), "error", "unknown_op"),
    "missing field": (
        '{"type": "ops", "ops": [{"op": "item.delete", "id": "abcdefg"}]}',
        "error",
        "invalid_message",
    ),
    "extra field": (push([create_note(colour="red")]), "error", "invalid_message"),
    "client-sent role": (
        json.dumps({"type": "ops", "op_id": "x:1", "role": "facilitator", "ops": [note("abcdefgh")]}),
        "error",
        "invalid_message",
    ),
    "client-sent board": (
        json.dumps({"type": "ops", "op_id": "x:1", "board": "another", "ops": [note("abcdefgh")]}),
        "error",
        "invalid_message",
    ),
    "client-sent author": (push([create_note(author="someone-else")]), "error", "invalid_message"),
    "wrongly typed field": (push([create_note(x="12")]), "error", "invalid_message"),
    "boolean as number": (push([create_note(y=True)]), "error", "invalid_message"),
    "NaN": (push([create_note()]).replace('"x": 10', '"x": NaN'), "error", "malformed_json"),
    "Infinity": (push([create_note()]).replace('"x": 10', '"x": Infinity'), "error", "malformed_json"),
    "overflowing number": (
        push([create_note()]).replace('"x": 10', '"x": 1e999'),
        "error",
        "invalid_message",
    ),
    "absurd coordinate": (push([create_note(x=1e300)]), "error", "invalid_message"),
    "absurd size": (push([create_note(w=1e9)]), "error", "invalid_message"),
    "negative size": (push([create_note(h=-5)]), "error", "invalid_message"),
    "huge integer": (
        push([create_note()]).replace('"x": 10', '"x": ' + "9" * 5000),
        "error",
        "malformed_json",
    ),
    "duplicate keys": ('{"type": "ops", "type": "hello"}', "error", "malformed_json"),
    "deep nesting": (
        '{"type": "ops", "op_id": "x:1", "ops": ' + "[" * 50 + "]" * 50 + "}",
        "error",
        "invalid_message",
    ),
    "text over the limit": (push([create_note(text="é" * 501)]), "reject", "text_too_long"),
    "NUL in text": (push([create_note(text="a\u0000b")]), "reject", "text_invalid"),
    "control character in text": (push([create_note(text="a\u001bb")]), "reject", "text_invalid"),
    "lone surrogate": (push([create_note()]).replace('"Bonjour"', '"a\\ud800b"'), "error", "text_invalid"),
    "malformed client id": (push([create_note(id="bad id!")]), "error", "invalid_message"),
    "too many ops in one message": (
        push([create_note(id=f"many-{i:04d}") for i in range(101)]),
        "error",
        "invalid_message",
    ),
    "unknown catalogue reference": (
        push(
            [{"op": "item.create", "id": "abcdefgh", "kind": "activity", "x": 1, "y": 1, "ref": "go-to-mars"}]
        ),
        "reject",
        "unknown_ref",
    ),
    "facilitator-only op": (push([{"op": "board.update", "vote_budget": 50}]), "reject", "forbidden"),
    "thread to a missing item": (
        push([thread("th-missing", "nothing-here", "nothing-there")]),
        "reject",
        "item_missing",
    ),
    "second hello": ('{"type": "hello", "protocol": 1, "client": "again"}', "error", "already_greeted"),
}


async def assert_room_survives(room: Room, *, via: BoardClient | None = None) -> None:
    """Nothing reached the witness; a valid change then goes through and reaches the other side."""
    assert await room.witness.drain(0.3) == []
    sender = via or room.attacker
    receiver = room.witness if sender is room.attacker else room.attacker
    item = new_item_id("ok")
    ack = await sender.commit([note(item, "après l'erreur")])
    assert ack["type"] == "ack", ack
    change = await receiver.expect("change")
    assert change["ops"][0]["id"] == item
    exported = room.workshop.export()
    assert sorted(i["id"] for i in exported["items"]) == sorted([room.solution_id, item])
    assert exported["board"]["seq"] == 2


@pytest.mark.parametrize("case", list(FRAMES), ids=list(FRAMES))
async def test_bad_frame_gets_its_error_and_the_room_survives(room: Room, case: str) -> None:
    frame, kind, code = FRAMES[case]
    await room.attacker.send_raw(frame)
    answer = await room.attacker.expect(kind)
    assert answer["code"] == code, answer
    await assert_room_survives(room)


async def test_an_id_from_another_board_is_unknown_here(room: Room, live: ServerProcess) -> None:
    other_board = live.post(
        f"/api/workshops/{room.workshop.id}/boards",
        {"kind": "exploration", "title": "Deuxième table"},
        room.workshop.facilitator_token,
    ).json()["id"]
    elsewhere = room.workshop.client("Amina", board_id=other_board)
    await elsewhere.connect()
    foreign = new_item_id("foreign")
    assert (await elsewhere.commit([note(foreign)]))["type"] == "ack"
    await elsewhere.close()
    for ops in (
        [{"op": "item.update", "id": foreign, "set": {"x": 5}}],
        [{"op": "item.delete", "id": foreign}],
        [{"op": "vote.add", "item": foreign}],
    ):
        answer = await room.attacker.commit(ops)
        assert answer["type"] == "reject" and answer["code"] == "item_missing"
    await assert_room_survives(room)


async def test_a_thread_from_an_item_to_itself(room: Room) -> None:
    answer = await room.attacker.commit([thread("th-self", room.solution_id, room.solution_id)])
    assert answer["code"] == "thread_to_self"
    await assert_room_survives(room)


async def test_votes_beyond_the_budget(room: Room) -> None:
    for _ in range(3):
        assert (await room.attacker.commit([{"op": "vote.add", "item": room.solution_id}]))["type"] == "ack"
    await room.witness.drain(0.3)
    answer = await room.attacker.commit([{"op": "vote.add", "item": room.solution_id}])
    assert answer["code"] == "vote_budget_exceeded"
    assert await room.witness.drain(0.3) == []
    assert (await room.witness.commit([{"op": "vote.add", "item": room.solution_id}]))["type"] == "ack"
    assert room.workshop.export()["votes"]["totals"] == [{"item": room.solution_id, "count": 4}]


async def test_a_resent_op(room: Room) -> None:
    item = new_item_id()
    first = await room.attacker.commit([note(item)], op_id="resend:1")
    await room.witness.expect("change")
    again = await room.attacker.commit([note(item)], op_id="resend:1")
    assert again == {"type": "ack", "op_id": "resend:1", "seq": first["seq"], "duplicate": True}
    assert await room.witness.drain(0.3) == []
    assert room.workshop.export()["board"]["seq"] == first["seq"]


async def test_a_hello_with_a_seq_from_the_future(room: Room) -> None:
    late = room.workshop.client("Amina")
    await late.open()
    await late.send({"type": "hello", "protocol": 1, "client": "future", "last_seq": 999})
    error = await late.expect("error")
    assert error["code"] == "seq_from_future"
    welcome = await late.expect("welcome")
    assert welcome["resync"] == "snapshot" and welcome["seq"] == 1
    await late.close()
    await assert_room_survives(room)


async def test_a_protocol_mismatch_is_told_to_reload(room: Room) -> None:
    old = room.workshop.client("Amina")
    await old.open()
    await old.send({"type": "hello", "protocol": 0, "client": "old-tab"})
    error = await old.expect("error")
    assert error["code"] == "protocol_mismatch" and error["server_protocol"] == 1
    with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
        await old.ws.recv()
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4002
    await assert_room_survives(room)


async def test_ops_before_hello(room: Room) -> None:
    rude = room.workshop.client("Amina")
    await rude.open()
    await rude.send_raw(push([create_note()]))
    assert (await rude.expect("error"))["code"] == "hello_required"
    await rude.close()
    await assert_room_survives(room)


async def test_a_binary_frame(room: Room) -> None:
    await room.attacker.send_raw(b'{"type": "ops"}')
    assert (await room.attacker.expect("error"))["code"] == "binary_not_supported"
    await assert_room_survives(room)


async def test_a_frame_over_the_size_cap_closes_that_socket_only(room: Room) -> None:
    await room.attacker.send_raw(push([create_note(text="x" * 70_000)]))
    with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
        while True:
            await room.attacker.recv(5)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009  # message too big
    room.attacker = room.workshop.client("Amina")  # the resident's page reconnects
    await room.attacker.connect(last_seq=1)
    await assert_room_survives(room, via=room.witness)


async def test_a_flood_of_messages_is_rate_limited(room: Room) -> None:
    frame = json.dumps({"type": "presence", "cursor": {"x": 1, "y": 1}})
    await asyncio.gather(*[room.attacker.send_raw(frame) for _ in range(400)])
    error = await room.attacker.expect("error", timeout=10)
    assert error["code"] == "rate_limited"
    await asyncio.sleep(2.5)  # the bucket refills
    room.attacker.inbox.clear()
    await assert_room_survives(room)


async def test_upgrade_without_origin_or_session_is_refused(room: Room, live: ServerProcess) -> None:
    url = live.ws_url(room.workshop.board_id)
    attempts: list[Callable[[], Awaitable[Any]]] = [
        lambda: websockets.connect(url, origin="http://127.0.0.1:1", compression=None),  # type: ignore[arg-type]
        lambda: websockets.connect(url, origin=live.origin, compression=None),  # type: ignore[arg-type]
    ]
    for attempt in attempts:
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await attempt()
    await assert_room_survives(room)
