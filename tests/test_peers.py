"""Direct links between processes for cursors and drags (`fresque.cluster.peers`), over real sockets in one
event loop: frames arrive in order once linked; before a link is up, or when it cannot be made, `send` says
False (the caller uses Redis) and tries again at most once a second; a wrong token, a malformed line or a line
too long ends that link only, and nothing of it is passed on.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any

import pytest
from fresque.cluster import peers as peers_module
from fresque.cluster.peers import MAX_LINE, Peers, frame, key

EMPTY = '{"updates":[]}'  # a frame's body: no cursor moved


class Directory:
    """What Redis holds for the tests' processes: their published entries, and who looked them up."""

    def __init__(self) -> None:
        self.entries: dict[str, str] = {}
        self.lookups: list[str] = []

    async def lookup(self, name: str) -> str | None:
        self.lookups.append(name)
        return self.entries.get(name)


class Received:
    def __init__(self) -> None:
        self.frames: list[tuple[str, str, int, list[Any]]] = []

    def __call__(self, process: str, board_id: str, n: int, updates: list[Any]) -> None:
        self.frames.append((process, board_id, n, updates))


async def started(name: str, directory: Directory, received: Received) -> Peers:
    peer = Peers(name, "127.0.0.1", 0, received, directory.lookup)
    await peer.start()
    directory.entries[key(name)] = peer.entry()
    return peer


async def until(condition: object, timeout: float = 5.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, "not within the time"
        await asyncio.sleep(0.005)


async def linked(sender: Peers, to: str) -> None:
    """Send until the link is up (the first sends start it and say False)."""
    deadline = time.monotonic() + 5
    while not sender.send(to, frame("warm-up", 0, EMPTY)):
        assert time.monotonic() < deadline, "no link"
        await asyncio.sleep(0.01)


async def test_frames_go_straight_to_the_other_process_in_order_once_linked() -> None:
    directory, at_a, at_b = Directory(), Received(), Received()
    a, b = await started("a", directory, at_a), await started("b", directory, at_b)
    try:
        assert a.send("b", frame("board-1", 1, EMPTY)) is False  # no link yet: this one goes via Redis
        await linked(a, "b")
        for n in range(2, 52):
            assert a.send("b", frame("board-1", n, json.dumps({"updates": [{"cursor": {"x": n, "y": n}}]})))
        await until(lambda: len([f for f in at_b.frames if f[1] == "board-1"]) == 50)
        frames = [f for f in at_b.frames if f[1] == "board-1"]
        assert [f[2] for f in frames] == list(range(2, 52))
        assert {f[0] for f in frames} == {"a"}
        assert frames[-1][3][0]["cursor"] == {"x": 51, "y": 51}
        assert at_a.frames == []  # one way: b did not link back, nothing came to a
    finally:
        await a.close()
        await b.close()


async def test_an_unreachable_process_is_tried_at_most_once_a_second() -> None:
    directory, received = Directory(), Received()
    a = await started("a", directory, received)
    try:
        assert a.send("gone", frame("board-1", 1, EMPTY)) is False
        await until(lambda: directory.lookups.count(key("gone")) == 1)
        await asyncio.sleep(0.05)  # the failed try is over
        for n in range(2, 20):
            assert a.send("gone", frame("board-1", n, EMPTY)) is False
            await asyncio.sleep(0.01)
        assert directory.lookups.count(key("gone")) == 1  # no new try within RETRY_SECONDS
    finally:
        await a.close()


async def raw(peer: Peers) -> tuple[asyncio.StreamReader, asyncio.StreamWriter]:
    return await asyncio.open_connection("127.0.0.1", peer.port, limit=MAX_LINE * 2)


async def closed_by_the_other_end(reader: asyncio.StreamReader) -> bool:
    return await asyncio.wait_for(reader.read(), 5) == b""


@pytest.mark.parametrize(
    "hello",
    [
        b'{"from": "intruder", "token": "not-the-token"}\n',
        b'{"from": "intruder"}\n',
        b'{"from": 7, "token": 7}\n',
        b"not json at all\n",
        b"\xff\xfe\n",
    ],
    ids=["wrong token", "no token", "wrong types", "not json", "not utf-8"],
)
async def test_a_connection_without_the_token_is_closed_and_passes_nothing_on(hello: bytes) -> None:
    directory, received = Directory(), Received()
    b = await started("b", directory, received)
    try:
        reader, writer = await raw(b)
        writer.write(hello + frame("board-1", 1, EMPTY))
        await writer.drain()
        assert await closed_by_the_other_end(reader)
        writer.close()
        assert received.frames == []
    finally:
        await b.close()


async def test_a_connection_that_says_nothing_is_closed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(peers_module, "HELLO_SECONDS", 0.2)
    directory, received = Directory(), Received()
    b = await started("b", directory, received)
    try:
        reader, writer = await raw(b)
        assert await closed_by_the_other_end(reader)
        writer.close()
    finally:
        await b.close()


@pytest.mark.parametrize(
    "bad",
    [
        b"{not json}\n",
        b'{"board": "board-1", "n": "2", "body": {"updates": []}}\n',
        b'{"board": "board-1", "body": {"updates": []}}\n',
        b'{"board": "board-1", "n": 2, "body": "{}"}\n',
        b"x" * (MAX_LINE + 10) + b"\n",
    ],
    ids=["not json", "n not a number", "no n", "body not an object", "line too long"],
)
async def test_a_bad_line_ends_its_link_only(bad: bytes) -> None:
    directory, at_b = Directory(), Received()
    b = await started("b", directory, at_b)
    a = await started("a", directory, Received())
    try:
        token = json.loads(directory.entries[key("b")])["token"]
        reader, writer = await raw(b)
        writer.write(json.dumps({"from": "c", "token": token}).encode() + b"\n")
        writer.write(frame("board-1", 1, EMPTY) + bad)
        writer.write(frame("board-1", 3, EMPTY))  # after the bad line: not read
        await writer.drain()
        assert await closed_by_the_other_end(reader)
        writer.close()
        assert [(f[0], f[2]) for f in at_b.frames] == [("c", 1)]
        await linked(a, "b")  # another process's link is unaffected
        assert a.send("b", frame("board-1", 9, EMPTY))
        await until(lambda: ("a", "board-1", 9, []) in at_b.frames)
    finally:
        await a.close()
        await b.close()


async def test_a_link_the_other_end_closed_is_dropped_and_made_again() -> None:
    directory, at_b = Directory(), Received()
    a, b = await started("a", directory, Received()), await started("b", directory, at_b)
    try:
        await linked(a, "b")
        await b.close()  # b restarts: a new listener, a new token, the same name
        b = await started("b", directory, at_b)
        await until(lambda: a.send("b", frame("board-1", 5, EMPTY)), timeout=10)
        await until(lambda: ("a", "board-1", 5, []) in at_b.frames)
    finally:
        await a.close()
        await b.close()
