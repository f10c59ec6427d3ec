"""`fresque.lean_socket`: uvicorn's sans-I/O WebSocket protocol with a lighter queue and event, letting go of
the handshake once answered. The queue and the event behave as asyncio's do where uvicorn uses them; a real
handshake and frames (websockets' own client protocol, over a transport that records what is written) go
through the protocol as through uvicorn's. The live socket tests run `fresque serve`, which uses it too."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from fresque.lean_socket import LeanEvent, LeanQueue, LeanWebSocketProtocol
from uvicorn.config import Config
from uvicorn.server import ServerState
from websockets.client import ClientProtocol
from websockets.frames import Frame, Opcode
from websockets.http11 import Response
from websockets.uri import parse_uri


async def test_the_queue_is_first_in_first_out_and_wakes_a_waiting_getter() -> None:
    queue: LeanQueue[str] = LeanQueue()
    assert queue.empty()
    getter = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    assert not getter.done()
    queue.put_nowait("connect")
    queue.put_nowait("hello")
    assert await getter == "connect"
    assert not queue.empty()
    assert await queue.get() == "hello" and queue.empty()


async def test_a_getter_cancelled_after_being_woken_leaves_the_item_to_the_next() -> None:
    queue: LeanQueue[str] = LeanQueue()
    first = asyncio.ensure_future(queue.get())
    second = asyncio.ensure_future(queue.get())
    await asyncio.sleep(0)
    queue.put_nowait("frame")  # wakes `first`...
    first.cancel()  # ...which is cancelled before it runs
    assert await second == "frame"
    with pytest.raises(asyncio.CancelledError):
        await first
    assert queue.empty()


async def test_the_event_wakes_its_waiters_and_can_be_cleared() -> None:
    event = LeanEvent()
    assert not event.is_set()
    waiters = [asyncio.ensure_future(event.wait()) for _ in range(2)]
    await asyncio.sleep(0)
    assert not any(w.done() for w in waiters)
    event.set()
    assert await asyncio.gather(*waiters) == [True, True]
    assert await event.wait() is True  # set: returns at once
    event.clear()
    late = asyncio.ensure_future(event.wait())
    await asyncio.sleep(0)
    assert not late.done()
    late.cancel()
    await asyncio.sleep(0)
    event.set()  # a cancelled waiter is no trouble


class RecordingTransport(asyncio.Transport):
    def __init__(self) -> None:
        super().__init__()
        self.written = bytearray()
        self.closed = False
        self.paused = False

    def get_extra_info(self, name: str, default: Any = None) -> Any:
        return {"peername": ("127.0.0.1", 5000), "sockname": ("127.0.0.1", 8000)}.get(name, default)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        self.written += data

    def is_closing(self) -> bool:
        return self.closed

    def close(self) -> None:
        self.closed = True

    def pause_reading(self) -> None:
        self.paused = True

    def resume_reading(self) -> None:
        self.paused = False


async def test_a_handshake_and_frames_go_through_and_the_handshake_is_let_go() -> None:
    received: list[dict[str, Any]] = []

    async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
        assert scope["type"] == "websocket" and scope["path"] == "/ws/boards/b1"
        # The scope keeps its headers (as sent: under uvicorn, h11 has lowercased them before this protocol).
        assert (b"origin", b"http://example.test") in [(k.lower(), v) for k, v in scope["headers"]]
        assert (await receive())["type"] == "websocket.connect"
        await send({"type": "websocket.accept"})
        while True:
            message = await receive()
            received.append(message)
            if message["type"] == "websocket.disconnect":
                return
            await send({"type": "websocket.send", "text": message["text"].upper()})

    config = Config(app=app, ws=LeanWebSocketProtocol, interface="asgi3", ws_per_message_deflate=False)
    config.load()
    state = ServerState()
    protocol = LeanWebSocketProtocol(config, state, {})
    transport = RecordingTransport()
    protocol.connection_made(transport)

    client = ClientProtocol(parse_uri("ws://127.0.0.1:8000/ws/boards/b1"), origin="http://example.test")  # type: ignore[arg-type]
    client.send_request(client.connect())
    protocol.data_received(b"".join(client.data_to_send()))

    async def answers() -> list[Any]:
        for _ in range(100):
            await asyncio.sleep(0.01)
            if transport.written:
                client.receive_data(bytes(transport.written))
                transport.written.clear()
                events = client.events_received()
                if events:
                    return events
        raise AssertionError("nothing answered")

    [response] = await answers()
    assert isinstance(response, Response) and response.status_code == 101
    # Answered: the protocol holds neither the request nor the response any more.
    assert protocol.request is None and protocol.response is None
    assert isinstance(protocol.queue, LeanQueue) and isinstance(protocol.writable, LeanEvent)

    for text in ("hello", "push", "cursor"):
        client.send_text(text.encode())
    protocol.data_received(b"".join(client.data_to_send()))  # three frames in one read
    echoed: list[Frame] = []
    while len(echoed) < 3:
        echoed += await answers()
    assert [(f.opcode, bytes(f.data)) for f in echoed] == [
        (Opcode.TEXT, b"HELLO"),
        (Opcode.TEXT, b"PUSH"),
        (Opcode.TEXT, b"CURSOR"),
    ]
    assert not transport.paused  # reading resumed once the application had read them all

    client.send_close(1000)
    protocol.data_received(b"".join(client.data_to_send()))
    for _ in range(100):
        if received and received[-1]["type"] == "websocket.disconnect":
            break
        await asyncio.sleep(0.01)
    assert [m.get("text") for m in received[:3]] == ["hello", "push", "cursor"]
    assert received[-1] == {"type": "websocket.disconnect", "code": 1000, "reason": ""}
    protocol.connection_lost(None)
    await asyncio.gather(*state.tasks)
