"""uvicorn's WebSocket protocol (websockets' sans-I/O one), holding less per idle socket.

Measured with tracemalloc over 200 idle board sockets (docs/performance.md, "Idle connection"), uvicorn's
protocol object kept, for the life of each socket:

- the upgrade request and the handshake response (websockets' `Request` and `Response`, with their parsed
  headers: ≈ 3 KiB; the scope has the request's headers too), needed only until the handshake is answered;
- an `asyncio.Queue` for the messages the application has not read yet: four empty `deque`s (its getters, its
  putters, its items, and the deque of the `Event` it keeps for `join`), ≈ 3 KiB, where an idle socket has
  one reader waiting and nothing queued;
- an `asyncio.Event` saying the transport takes writes: one more empty `deque`, 0.75 KiB.

This subclass lets go of the first once the handshake's answer is out (and empties the request's headers,
which websockets' parser keeps a reference to), and uses for the other two a queue and an event with only
what uvicorn calls (`put_nowait`, `get`, `empty`; `set`, `clear`, `wait`), whose waiters are a list made when
someone waits. What is received, in what order, when reading pauses and resumes, and what the application is
told are uvicorn's, unchanged (tests/test_lean_socket.py runs a handshake and frames through it).
"""

from __future__ import annotations

import asyncio
from typing import Any, Generic, TypeVar

from uvicorn.config import Config
from uvicorn.protocols.websockets.websockets_sansio_impl import WebSocketsSansIOProtocol
from uvicorn.server import ServerState

T = TypeVar("T")


def _wake_first(waiters: list[asyncio.Future[None]] | None) -> None:
    while waiters:
        waiter = waiters.pop(0)
        if not waiter.done():
            waiter.set_result(None)
            return


class LeanQueue(Generic[T]):
    """An unbounded FIFO with what uvicorn uses of `asyncio.Queue`, and the same behaviour under cancellation:
    a getter cancelled after being woken leaves the item for the next getter."""

    __slots__ = ("_getters", "_items")

    def __init__(self) -> None:
        self._items: list[T] = []  # short: uvicorn stops reading the socket while anything waits here
        self._getters: list[asyncio.Future[None]] | None = None

    def empty(self) -> bool:
        return not self._items

    def put_nowait(self, item: T) -> None:
        self._items.append(item)
        _wake_first(self._getters)

    async def get(self) -> T:
        while not self._items:
            getter = asyncio.get_running_loop().create_future()
            if self._getters is None:
                self._getters = []
            self._getters.append(getter)
            try:
                await getter
            except BaseException:
                getter.cancel()
                if getter in self._getters:
                    self._getters.remove(getter)
                if self._items:  # woken, then cancelled: the next getter takes the item
                    _wake_first(self._getters)
                raise
        return self._items.pop(0)


class LeanEvent:
    """`asyncio.Event`'s `set`, `clear`, `is_set` and `wait`, without a deque per instance."""

    __slots__ = ("_set", "_waiters")

    def __init__(self) -> None:
        self._set = False
        self._waiters: list[asyncio.Future[bool]] | None = None

    def is_set(self) -> bool:
        return self._set

    def set(self) -> None:
        if self._set:
            return
        self._set = True
        waiters, self._waiters = self._waiters, None
        for waiter in waiters or ():
            if not waiter.done():
                waiter.set_result(True)

    def clear(self) -> None:
        self._set = False

    async def wait(self) -> bool:
        if self._set:
            return True
        waiter: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        if self._waiters is None:
            self._waiters = []
        self._waiters.append(waiter)
        try:
            return await waiter
        finally:
            if self._waiters is not None and waiter in self._waiters:
                self._waiters.remove(waiter)


class LeanWebSocketProtocol(WebSocketsSansIOProtocol):
    def __init__(
        self,
        config: Config,
        server_state: ServerState,
        app_state: dict[str, Any],
        _loop: asyncio.AbstractEventLoop | None = None,
    ) -> None:
        super().__init__(config, server_state, app_state, _loop)
        self.queue = LeanQueue()  # type: ignore[assignment]
        self.writable = LeanEvent()  # type: ignore[assignment]
        self.writable.set()

    def start_keepalive(self) -> None:
        # Called by `send` right after the handshake's answer (the accept) is written: the request and the
        # response are not read after that, by uvicorn or by us (the application has its scope).
        super().start_keepalive()
        # websockets' parser keeps the request too (a local of its generator's frame, for the connection's
        # life): emptied here, its parsed headers go with it. The scope's own copy of them stays.
        self.request.headers.clear()
        self.request = None  # type: ignore[assignment]
        self.response = None  # type: ignore[assignment]
