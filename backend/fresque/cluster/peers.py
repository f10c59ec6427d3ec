"""Direct links between processes, for cursors and drags (docs/scale-out.md, « Cursors between processes »).

Through Redis a cursor takes two hops and three process wake-ups (the sender, Redis, the reader): about 1 ms
at the median and 2.5–3 ms at p99 on a small VM, against 0.3 and 0.5 ms for one hop between two processes.
So each process listens on a port of its own and sends the cursors and drags of a board straight to the
processes that have sockets on it, when it has a link to each of them; otherwise, it adds them to the
board's ephemeral stream as before. Everything else (changes, pushes, who is here, control) stays on Redis.

What the links carry can be lost without harm: a cursor is followed by the next one 33 ms later. A link that
is slow, cut or refused is simply not used: the frames go through Redis until it is back.

Trust: a process publishes its address and a random token in Redis (`fresque:peer:<id>`, expiring unless said
again), and a process that connects must present that token first. Reading it takes access to Redis, which
already carries every push to the writers: the links add no one to whom the processes listen.

The wire: lines of JSON. The first, from the connecting side: {"from": <process id>, "token": <token>}; then
{"board": <id>, "n": <counter>, "body": {"updates": [...]}} (the ephemeral stream entry's body, as is), one
per frame: made once per frame whatever the number of links (`frame`), read with one parse.
"""

from __future__ import annotations

import asyncio
import contextlib
import hmac
import json
import logging
import secrets
import time
from collections.abc import Awaitable, Callable
from typing import Any

log = logging.getLogger(__name__)

KEY_PREFIX = "fresque:peer:"
ADDRESS_EXPIRES_MS = 10_000  # said again every heartbeat (3 s): a dead process's address is gone soon
HELLO_SECONDS = 2.0  # a connection that does not present its token within this is closed
MAX_LINE = 256 * 1024  # bytes: a frame's body is a few hundred; a larger line ends the link
# A link whose kernel and asyncio buffers hold more than this is not keeping up: frames go through Redis
# (which caps a board's ephemeral stream) rather than piling up in this process's memory.
HIGH_WATER = 256 * 1024
RETRY_SECONDS = 1.0  # after a failed connection, the frames go through Redis this long before a new try

OnFrame = Callable[[str, str, int, list[Any]], None]  # (from process, board id, n, updates)
Lookup = Callable[[str], Awaitable[str | None]]  # a process's published entry (JSON), from Redis


def key(process: str) -> str:
    return f"{KEY_PREFIX}{process}"


def frame(board_id: str, n: int, body: str) -> bytes:
    """One frame's line for every link: `body` (JSON already, `{"updates": [...]}`) goes in as it is."""
    return f'{{"board":{json.dumps(board_id)},"n":{n},"body":{body}}}\n'.encode()


class Peers:
    def __init__(self, process: str, host: str, port: int, on_frame: OnFrame, lookup: Lookup) -> None:
        self.process = process
        self.host = host
        self.port = port  # 0: any free port, known once listening
        self.token = secrets.token_urlsafe(24)
        self._on_frame = on_frame
        self._lookup = lookup
        self._server: asyncio.Server | None = None
        self._links: dict[str, asyncio.StreamWriter] = {}  # other process → our link to it
        self._connecting: dict[str, asyncio.Task[None]] = {}
        self._failed_at: dict[str, float] = {}
        self._watchers: set[asyncio.Task[None]] = set()  # one per link made, till the other end closes it
        self._served: set[asyncio.StreamWriter] = set()  # the links other processes made to this one

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, self.host, self.port, limit=MAX_LINE)
        self.port = self._server.sockets[0].getsockname()[1]
        log.info("direct links for cursors: listening on %s:%d", self.host, self.port)

    def entry(self) -> str:
        """What this process publishes (`key(process)`) so that the others can reach it."""
        return json.dumps({"host": self.host, "port": self.port, "token": self.token})

    # -- sending ---------------------------------------------------------------------------------------------

    def send(self, process: str, line: bytes) -> bool:
        """Send one frame (`frame`) to `process` if a link to it is up and keeping up; else start linking (at
        most one try per `RETRY_SECONDS`) and say False: the caller sends it through Redis."""
        writer = self._links.get(process)
        if writer is not None and not writer.is_closing():
            if writer.transport.get_write_buffer_size() > HIGH_WATER:
                return False
            writer.write(line)
            return True
        if writer is not None:
            del self._links[process]
        waited = time.monotonic() - self._failed_at.get(process, -RETRY_SECONDS)
        if process not in self._connecting and waited >= RETRY_SECONDS:
            task = asyncio.get_running_loop().create_task(self._connect(process), name=f"peer-{process}")
            self._connecting[process] = task
            task.add_done_callback(lambda _t: self._connecting.pop(process, None))
        return False

    async def _connect(self, process: str) -> None:
        try:
            published = await self._lookup(key(process))
            if published is None:
                raise ConnectionError("no address published")
            where = json.loads(published)
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(where["host"], int(where["port"]), limit=MAX_LINE), HELLO_SECONDS
            )
            hello = json.dumps({"from": self.process, "token": where["token"]})
            writer.write(hello.encode() + b"\n")
            await writer.drain()
            self._links[process] = writer
            # Nothing comes back on this side of the link: reading tells when the other end closes it.
            self._watch(process, reader, writer)
        except asyncio.CancelledError:
            raise
        except Exception as exc:  # unreachable, not published, refused: Redis carries the frames meanwhile
            self._failed_at[process] = time.monotonic()
            log.info("no direct link to %s (%s): its cursors go through Redis", process, type(exc).__name__)

    def _watch(self, process: str, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        async def watch() -> None:
            with contextlib.suppress(Exception):
                await reader.read()
            if self._links.get(process) is writer:
                del self._links[process]
            writer.close()

        task = asyncio.get_running_loop().create_task(watch())
        self._watchers.add(task)
        task.add_done_callback(self._watchers.discard)

    # -- receiving -------------------------------------------------------------------------------------------

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        self._served.add(writer)  # closed by `close` (cancelling this task instead would log an error)
        try:
            hello = json.loads(await asyncio.wait_for(reader.readline(), HELLO_SECONDS))
            sender, token = hello["from"], hello["token"]
            if not (isinstance(sender, str) and isinstance(token, str)):
                return
            if not hmac.compare_digest(token.encode(), self.token.encode()):
                log.warning("a direct link presented a wrong token: closed")
                return
            while line := await reader.readline():
                got = json.loads(line)
                board_id, n, updates = got["board"], got["n"], got["body"]["updates"]
                if not (isinstance(board_id, str) and isinstance(n, int) and isinstance(updates, list)):
                    raise ValueError("a frame of the wrong shape")
                self._on_frame(sender, board_id, n, updates)
        except Exception as exc:  # a bad line, a line too long, a cut link, no hello in time: this link ends
            log.debug("a direct link ended: %s", type(exc).__name__)
        finally:
            self._served.discard(writer)
            writer.close()

    async def close(self) -> None:
        if self._server is not None:
            self._server.close()
        for writer in [*self._links.values(), *self._served]:
            writer.close()
        self._links.clear()
        for task in self._connecting.values():
            task.cancel()
        await asyncio.gather(*self._connecting.values(), *self._watchers, return_exceptions=True)
