"""A lean WebSocket client whose every frame carries the kernel's receive time.

Why not the `websockets` client: the load generator is one process reading hundreds of sockets. A frame
stamped when a Python task gets round to it is late by the time spent on every socket served before it
(≈25 µs each with `websockets`, so ≈5 ms for the last of 200 receivers), and that delay, the same for
both servers, would flatten the Fresque/baseline ratio. Here the kernel stamps each read (SO_TIMESTAMPNS,
CLOCK_REALTIME) when the data reaches the socket, so the time the generator takes to get there no longer
counts; send times are taken with `time.time_ns()` just before writing.

Only what the benchmark needs: text frames, unfragmented messages from the server, pong and close.
"""

from __future__ import annotations

import asyncio
import base64
import os
import socket
import struct
import time
from collections import deque
from collections.abc import Callable
from urllib.parse import urlsplit

SO_TIMESTAMPNS = getattr(socket, "SO_TIMESTAMPNS", 35)  # Linux; `socket` does not export it
ANCILLARY = socket.CMSG_SPACE(16)  # one struct timespec
READ_SIZE = 1 << 18

FrameHandler = Callable[[str, int], None]  # (text, kernel receive time in ns)


class Closed(Exception):
    pass


def _mask(payload: bytes, key: bytes) -> bytes:
    n = len(payload)
    stream = (key * (n // 4 + 1))[:n]
    return (int.from_bytes(payload, "big") ^ int.from_bytes(stream, "big")).to_bytes(n, "big")


def encode_frame(opcode: int, payload: bytes) -> bytes:
    n = len(payload)
    if n < 126:
        header = struct.pack("!BB", 0x80 | opcode, 0x80 | n)
    elif n < 1 << 16:
        header = struct.pack("!BBH", 0x80 | opcode, 0x80 | 126, n)
    else:
        header = struct.pack("!BBQ", 0x80 | opcode, 0x80 | 127, n)
    key = os.urandom(4)
    return header + key + _mask(payload, key)


class WebSocket:
    def __init__(self, sock: socket.socket, leftover: bytes) -> None:
        self.sock = sock
        self.loop = asyncio.get_running_loop()
        self.closed = asyncio.Event()
        # Frames go to `handler` when set, else wait in `inbox` for `recv`.
        self.handler: FrameHandler | None = None
        self.inbox: deque[tuple[str, int]] = deque()
        self._arrived = asyncio.Event()
        self._buffer = bytearray(leftover)
        self._closing = False  # we sent a close frame: the server's close is its answer
        self.loop.add_reader(sock.fileno(), self._readable)
        if leftover:
            self._parse(time.time_ns())

    @classmethod
    async def connect(cls, url: str, headers: dict[str, str], timeout: float = 30) -> WebSocket:
        parts = urlsplit(url)
        host, port = parts.hostname or "127.0.0.1", parts.port or 80
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setblocking(False)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
        try:
            async with asyncio.timeout(timeout):
                await loop.sock_connect(sock, (host, port))
                lines = [
                    f"GET {parts.path or '/'} HTTP/1.1",
                    f"Host: {host}:{port}",
                    "Upgrade: websocket",
                    "Connection: Upgrade",
                    f"Sec-WebSocket-Key: {base64.b64encode(os.urandom(16)).decode()}",
                    "Sec-WebSocket-Version: 13",
                    *(f"{k}: {v}" for k, v in headers.items()),
                ]
                await loop.sock_sendall(sock, ("\r\n".join(lines) + "\r\n\r\n").encode())
                response = b""
                while b"\r\n\r\n" not in response:
                    chunk = await loop.sock_recv(sock, 65536)
                    if not chunk:
                        raise Closed(f"connection closed during the handshake: {response[:200]!r}")
                    response += chunk
        except BaseException:
            sock.close()
            raise
        head, _, rest = response.partition(b"\r\n\r\n")
        status = head.split(b"\r\n", 1)[0]
        if b" 101 " not in status + b" ":
            sock.close()
            raise Closed(f"handshake refused: {status.decode(errors='replace')} {rest[:200]!r}")
        return cls(sock, rest)

    # -- reading ----------------------------------------------------------------------------------------

    def _readable(self) -> None:
        try:
            data, ancillary, _, _ = self.sock.recvmsg(READ_SIZE, ANCILLARY)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data, ancillary = b"", []
        if not data:
            self._shut()
            return
        stamp = time.time_ns()
        for level, kind, value in ancillary:
            if level == socket.SOL_SOCKET and kind == SO_TIMESTAMPNS:
                seconds, nanos = struct.unpack("qq", value[:16])
                stamp = seconds * 1_000_000_000 + nanos
        self._buffer += data
        self._parse(stamp)

    def _parse(self, stamp: int) -> None:
        buf = self._buffer
        while len(buf) >= 2:
            opcode, size, start = buf[0] & 0x0F, buf[1] & 0x7F, 2
            if size == 126:
                size, start = int.from_bytes(buf[2:4], "big"), 4
            elif size == 127:
                size, start = int.from_bytes(buf[2:10], "big"), 10
            if len(buf) < start + size:
                return
            if not buf[0] & 0x80 or buf[1] & 0x80:
                raise Closed("fragmented or masked server frames are not supported")
            payload = bytes(buf[start : start + size])
            del buf[: start + size]
            if opcode == 0x1:
                self._deliver(payload.decode(), stamp)
            elif opcode == 0x9:  # ping
                self.sock.send(encode_frame(0xA, payload))
            elif opcode == 0x8:
                self._shut(answer=None if self._closing else payload[:2])
                return

    def _deliver(self, text: str, stamp: int) -> None:
        if self.handler is not None:
            self.handler(text, stamp)
        else:
            self.inbox.append((text, stamp))
            self._arrived.set()

    def _shut(self, answer: bytes | None = None) -> None:
        if self.closed.is_set():
            return
        if answer is not None:
            try:
                self.sock.send(encode_frame(0x8, answer))
            except OSError:
                pass
        self.loop.remove_reader(self.sock.fileno())
        self.sock.close()
        self.closed.set()
        self._arrived.set()

    async def recv(self) -> tuple[str, int]:
        """The next frame and its receive time, for callers without a handler."""
        while not self.inbox:
            if self.closed.is_set():
                raise Closed("connection closed")
            self._arrived.clear()
            await self._arrived.wait()
        return self.inbox.popleft()

    # -- writing ----------------------------------------------------------------------------------------

    async def send(self, text: str) -> None:
        if self.closed.is_set():
            raise Closed("connection closed")
        await self.loop.sock_sendall(self.sock, encode_frame(0x1, text.encode()))

    async def close(self, timeout: float = 5) -> None:
        if self.closed.is_set():
            return
        self._closing = True
        try:
            await self.loop.sock_sendall(self.sock, encode_frame(0x8, struct.pack("!H", 1000)))
            await asyncio.wait_for(self.closed.wait(), timeout)
        except (OSError, TimeoutError):
            self._shut()
