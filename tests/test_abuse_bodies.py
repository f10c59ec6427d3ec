"""Issue 12, item 1: a request body is capped by its route before it is read. Four concurrent 100 MB bodies
to `POST /api/join` and `POST /api/workshops` (with a Content-Length and chunked) are refused with 413
while they are still arriving, and the server's memory stays flat; an honest request works afterwards."""

from __future__ import annotations

import asyncio
import json
import select
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from support.server import ServerProcess

MIB = 1024 * 1024
HOSTILE_BYTES = 100 * MIB
CHUNK = b"A" * (64 * 1024)


@pytest.fixture
def sqlite_server_in(tmp_path: Path) -> Iterator[ServerProcess]:
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'fresque.sqlite3'}",
        log_path=tmp_path / "server.log",
        env={"FRESQUE_DATA_DIR": str(tmp_path)},
    )
    server.start()
    yield server
    server.stop()


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise AssertionError("no VmRSS")


def hostile_post(port: int, path: str, *, chunked: bool) -> tuple[int | None, int]:
    """POST a 100 MB JSON body, streamed; stop sending as soon as an answer arrives (as a careful client
    does: it watches for the answer while it writes). Returns (status or None, bytes of body sent)."""
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {HOSTILE_BYTES}"
    head = f"POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n{framing}\r\n\r\n"
    opening = b'{"code": "'
    pending = head.encode()
    sent = 0
    received = b""
    deadline = time.monotonic() + 40
    closed = False  # the server closed its side: nothing more can be sent
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setblocking(False)
        while b"\r\n" not in received and time.monotonic() < deadline:
            if not pending and not closed and sent < HOSTILE_BYTES:
                piece = ((opening + CHUNK[len(opening) :]) if sent == 0 else CHUNK)[: HOSTILE_BYTES - sent]
                sent += len(piece)
                pending = b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece
                if chunked and sent >= HOSTILE_BYTES:
                    pending += b"0\r\n\r\n"
            readable, writable, _ = select.select([sock], [sock] if pending else [], [], 1)
            if readable:
                try:
                    data = sock.recv(65536)
                except ConnectionResetError:
                    break
                if not data:
                    break
                received += data
            elif writable:
                try:
                    pending = pending[sock.send(pending) :]
                except (BrokenPipeError, ConnectionResetError):
                    pending, closed = b"", True  # wait for what was answered
    parts = received.split(b"\r\n", 1)[0].split()
    return (int(parts[1]) if len(parts) > 1 else None), sent


async def hostile_wave(server: ServerProcess, pid: int) -> tuple[list[tuple[int | None, int]], int]:
    """Four 100 MB bodies in flight at once; returns their answers and the peak RSS (KiB) meanwhile."""
    peak = rss_kib(pid)
    tasks = [
        asyncio.create_task(asyncio.to_thread(hostile_post, server.port, "/api/join", chunked=False)),
        asyncio.create_task(asyncio.to_thread(hostile_post, server.port, "/api/join", chunked=True)),
        asyncio.create_task(asyncio.to_thread(hostile_post, server.port, "/api/workshops", chunked=False)),
        asyncio.create_task(asyncio.to_thread(hostile_post, server.port, "/api/workshops", chunked=True)),
    ]
    while not all(t.done() for t in tasks):
        peak = max(peak, rss_kib(pid))
        await asyncio.sleep(0.02)
    peak = max(peak, rss_kib(pid))
    return [t.result() for t in tasks], peak


async def test_four_100_mb_bodies_are_refused_while_arriving_and_memory_stays_flat(
    sqlite_server_in: ServerProcess,
) -> None:
    server = sqlite_server_in
    assert server.proc is not None
    pid = server.proc.pid
    # Warm up: the routes, the JSON parser and the database are loaded before the baseline is taken.
    workshop = server.create_workshop()
    server.join(workshop["join_code_display"], "Amina")
    baseline = rss_kib(pid)

    started = time.monotonic()
    answers, peak = await hostile_wave(server, pid)
    elapsed = time.monotonic() - started
    growth_mib = (peak - baseline) / 1024
    print(f"RSS baseline {baseline / 1024:.1f} MiB, peak {peak / 1024:.1f} MiB, growth {growth_mib:.1f} MiB")
    print(f"answers {answers} in {elapsed:.1f} s")

    assert [status for status, _ in answers] == [413, 413, 413, 413], answers
    assert all(sent < HOSTILE_BYTES for _, sent in answers), "a refused body is not read to its end"
    assert growth_mib < 20, f"RSS grew by {growth_mib:.1f} MiB"

    # An honest resident still joins, and the server still answers its health check.
    assert server.get("/healthz").status_code == 200
    joined = server.join(workshop["join_code_display"], "Karim")
    assert joined["alias"] == "Karim"


def test_the_413_says_which_limit_in_the_house_shape(sqlite_server_in: ServerProcess) -> None:
    import httpx

    big = json.dumps({"code": "A" * (200 * 1024), "alias": "Amina"})
    response = httpx.post(f"{sqlite_server_in.base_url}/api/join", content=big, timeout=10)
    assert response.status_code == 413, response.text
    body = response.json()
    assert body["error"] == "body_too_large"
    assert isinstance(body["limit"], int) and body["limit"] < len(big)
    assert body["message"]

    # Chunked (no Content-Length): counted as it arrives, the same answer.
    def pieces() -> Iterator[bytes]:
        for start in range(0, len(big), 8192):
            yield big[start : start + 8192].encode()

    response = httpx.post(f"{sqlite_server_in.base_url}/api/workshops", content=pieces(), timeout=10)
    assert response.status_code == 413, response.text
    assert response.json()["error"] == "body_too_large"


def answer_to_head(port: int, head: str, timeout: float = 3) -> tuple[int | None, bytes]:
    """Send only a request's head (its body never comes) and read the answer."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
        sock.sendall(head.encode())
        received = b""
        try:
            while b"\r\n\r\n" not in received or not received.rstrip().endswith(b"}"):
                data = sock.recv(65536)
                if not data:
                    break
                received += data
        except TimeoutError:
            pass
    parts = received.split(b"\r\n", 1)[0].split()
    return (int(parts[1]) if len(parts) > 1 else None), received.split(b"\r\n\r\n", 1)[-1]


def test_a_large_import_body_is_read_only_for_a_facilitator(sqlite_server_in: ServerProcess) -> None:
    """An import may be 16 MiB, but FastAPI reads a body before its route checks the session: an anonymous
    client or a resident is answered before a byte of it is read, and holds no more than the JSON cap."""
    server = sqlite_server_in
    workshop = server.create_workshop()
    resident = server.join(workshop["join_code_display"], "Amina")
    facilitator = workshop["facilitator"]["token"]

    def head(token: str | None, framing: str) -> str:
        auth = f"Authorization: Bearer {token}\r\n" if token else ""
        return (
            f"POST /api/boards/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"{auth}{framing}\r\n\r\n"
        )

    declared = f"Content-Length: {8 * MIB}"
    chunked = "Transfer-Encoding: chunked"
    for token, framing, status, code in [
        (None, declared, 401, b"session_required"),
        (None, chunked, 401, b"session_required"),
        ("not-a-token", declared, 401, b"session_invalid"),
        (resident["token"], declared, 403, b"facilitator_only"),
        (resident["token"], chunked, 403, b"facilitator_only"),
        (facilitator, f"Content-Length: {16 * MIB + 1}", 413, b"body_too_large"),
    ]:
        started = time.monotonic()
        answered, body = answer_to_head(server.port, head(token, framing))
        assert (answered, code in body) == (status, True), (token, framing, answered, body)
        assert time.monotonic() - started < 2
    # The facilitator's 8 MiB body is awaited (the route reads it): no answer while it has not come.
    answered, _ = answer_to_head(server.port, head(facilitator, declared), timeout=1)
    assert answered is None
    # A small import from anyone still reaches its route, which answers as before.
    assert server.post("/api/boards/import", {"format": "x"}).status_code == 401


def test_large_imports_take_turns_and_a_trickle_cannot_hold_the_turn(tmp_path: Path) -> None:
    """A parsed JSON document takes many times its size in memory (four 16 MiB `[{},{},…]` imports at once
    grew the process by 1.25 GB), and anyone may create a workshop: large imports are handled one at a time,
    and each body must arrive in time."""
    server = ServerProcess(
        f"sqlite+aiosqlite:///{tmp_path / 'fresque.sqlite3'}",
        log_path=tmp_path / "server.log",
        env={"FRESQUE_DATA_DIR": str(tmp_path), "FRESQUE_IMPORT_BODY_SECONDS": "7"},
    )
    server.start()
    try:
        token = server.create_workshop()["facilitator"]["token"]
        head = (
            f"POST /api/boards/import HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
            f"Authorization: Bearer {token}\r\nContent-Length: {8 * MIB}\r\n\r\n"
        )

        def trickle() -> tuple[int | None, bytes, float]:
            started = time.monotonic()
            status, body = answer_to_head(server.port, head + "[", timeout=15)
            return status, body, time.monotonic() - started

        def second() -> tuple[int | None, bytes, float]:
            time.sleep(0.5)  # the trickle has the turn
            started = time.monotonic()
            status, body = answer_to_head(server.port, head, timeout=15)
            return status, body, time.monotonic() - started

        async def both() -> list[tuple[int | None, bytes, float]]:
            return list(await asyncio.gather(asyncio.to_thread(trickle), asyncio.to_thread(second)))

        (slow_status, slow_body, slow_took), (busy_status, busy_body, busy_took) = asyncio.run(both())
        assert busy_status == 503 and b"server_busy" in busy_body, busy_body
        assert 4 < busy_took < 7
        assert slow_status == 408 and b"body_too_slow" in slow_body, slow_body
        assert 6 < slow_took < 9
        # The turn is free again: a facilitator's large import reaches its route (which judges the document).
        answer = server.post("/api/boards/import", {"format": "nothing", "pad": "x" * (100 * 1024)}, token)
        assert answer.status_code == 422, answer.text
    finally:
        server.stop()
