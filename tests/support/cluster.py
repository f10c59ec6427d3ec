"""Several `fresque serve` processes on one PostgreSQL and one Redis (several-process mode,
docs/scale-out.md), optionally behind HAProxy running deploy/haproxy.cfg: the rig of the live tests of
issue 15 (tests/test_cluster_live.py, tests/test_cluster_faults.py).

Besides starting and stopping the processes, it reads the truth the tests judge by straight from PostgreSQL:
which process holds a board's lease (`boards.writer` is "<hostname>:<os pid>:<hex>", matched with each
`ServerProcess`'s pid), its fencing token (`writer_epoch`), the head and the op log's receipts.
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import pytest

from .client import BoardClient
from .haproxy import HAProxy
from .recording import ChangeLog, RecordingClient
from .redis_server import RedisServer
from .server import ServerProcess
from .workshop import Workshop

SIZE = 3  # processes, as the proof asks


@dataclass
class Lease:
    writer: str | None
    epoch: int
    live: bool  # writer_until is still ahead of PostgreSQL's clock

    @property
    def pid(self) -> int | None:
        """The OS process id named in `writer` ("<hostname>:<os pid>:<hex>")."""
        if not self.writer:
            return None
        parts = self.writer.split(":")
        return int(parts[1]) if len(parts) >= 3 and parts[1].isdigit() else None


@dataclass
class Cluster:
    database_url: str
    redis: RedisServer
    processes: list[ServerProcess]
    proxy: HAProxy | None = None
    _paused: set[int] = field(default_factory=set)

    # -- processes ---------------------------------------------------------------------------------------

    def start(self) -> None:
        self.processes[0].start()  # migrates; the others find the database at head
        errors: list[BaseException] = []

        def start(process: ServerProcess) -> None:
            try:
                process.start()
            except BaseException as exc:  # reported by the test's thread, below
                errors.append(exc)

        threads = [threading.Thread(target=start, args=(p,)) for p in self.processes[1:]]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        if errors:
            raise errors[0]

    def stop(self) -> None:
        for process in self.processes:
            process.stop()

    def kill(self, index: int) -> None:
        self._paused.discard(index)
        self.processes[index].kill()

    def pause(self, index: int) -> None:
        self.processes[index].pause()
        self._paused.add(index)

    def resume(self, index: int) -> None:
        self.processes[index].resume()
        self._paused.discard(index)

    def live(self) -> list[int]:
        """The processes running and not paused."""
        return [i for i, p in enumerate(self.processes) if p.proc is not None and i not in self._paused]

    def index_of(self, pid: int | None) -> int | None:
        return next((i for i, p in enumerate(self.processes) if pid is not None and p.pid == pid), None)

    def logs(self) -> str:
        return "\n".join(
            f"--- process {i} (port {p.port}) ---\n{p.log()}" for i, p in enumerate(self.processes)
        )

    # -- clients -----------------------------------------------------------------------------------------

    def client(self, workshop: Workshop, index: int, alias: str | None = None) -> BoardClient:
        """A client of the workshop's board, its socket straight to process `index` (not via HAProxy)."""
        process = self.processes[index]
        token = workshop.facilitator_token if alias is None else workshop.token(alias)
        return BoardClient(process.ws_url(workshop.board_id), process.origin, token)

    def roving(
        self, workshop: Workshop, log: ChangeLog, alias: str | None, rng: random.Random
    ) -> RovingClient:
        """A recording client that connects each time to a live process picked at random."""
        token = workshop.facilitator_token if alias is None else workshop.token(alias)

        def pick() -> tuple[str, str]:
            process = self.processes[rng.choice(self.live() or [0])]
            return process.ws_url(workshop.board_id), process.origin

        return RovingClient(pick, token, log)

    def via_proxy(self, workshop: Workshop, log: ChangeLog, alias: str | None) -> RovingClient:
        """A recording client whose every connection goes through HAProxy."""
        assert self.proxy is not None
        proxy = self.proxy
        token = workshop.facilitator_token if alias is None else workshop.token(alias)
        url = f"ws://127.0.0.1:{proxy.port}/ws/boards/{workshop.board_id}"
        return RovingClient(lambda: (url, proxy.base_url), token, log)

    # -- the truth, read from PostgreSQL -----------------------------------------------------------------

    async def query(self, sql: str, *args: Any) -> list[asyncpg.Record]:
        dsn = self.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        conn = await asyncpg.connect(dsn)
        try:
            return list(await conn.fetch(sql, *args))
        finally:
            await conn.close()

    async def lease(self, board_id: str) -> Lease:
        rows = await self.query(
            "SELECT writer, writer_epoch, coalesce(writer_until > now(), false) AS live"
            " FROM boards WHERE id = $1",
            board_id,
        )
        row = rows[0]
        return Lease(row["writer"], int(row["writer_epoch"]), bool(row["live"]))

    async def writer(self, board_id: str, timeout: float = 10.0) -> tuple[int, Lease]:
        """The index of the live process holding the board's lease, waiting until one does."""
        deadline = time.monotonic() + timeout
        while True:
            lease = await self.lease(board_id)
            index = self.index_of(lease.pid)
            if lease.live and index is not None and index in self.live():
                return index, lease
            assert time.monotonic() < deadline, f"no live process holds board {board_id}'s lease: {lease}"
            await asyncio.sleep(0.05)

    async def receipts(self, board_id: str) -> list[tuple[int, str, str]]:
        """The op log's (seq, author, op_id), in seq order."""
        rows = await self.query(
            "SELECT seq, author_id, op_id FROM board_ops WHERE board_id = $1 ORDER BY seq", board_id
        )
        return [(int(r["seq"]), str(r["author_id"]), str(r["op_id"])) for r in rows]

    async def head(self, board_id: str) -> int:
        return int((await self.query("SELECT head_seq FROM boards WHERE id = $1", board_id))[0]["head_seq"])


class RovingClient(RecordingClient):
    """A `RecordingClient` that asks where to connect at each (re)connection, and notes when it was welcomed
    and acknowledged (to measure how long a failover left it unserved)."""

    def __init__(self, pick: Callable[[], tuple[str, str]], token: str, log: ChangeLog) -> None:
        url, origin = pick()
        super().__init__(BoardClient(url, origin, token), log)
        self.pick = pick
        self.welcomed_at: list[float] = []
        self.sent_at: dict[str, float] = {}  # op_id → when it was last sent (resends included)
        self.served_at: list[tuple[float, float]] = []  # (sent, acknowledged) of every ack

    async def resume(self, *, fresh: bool = False) -> dict[str, Any]:
        self.url, self.origin = self.pick()
        welcome = await super().resume(fresh=fresh)
        self.welcomed_at.append(time.monotonic())
        return welcome

    async def push(
        self, ops: list[dict[str, Any]], op_id: str | None = None, *, as_: str | None = None
    ) -> str:
        op_id = op_id or self.next_op_id()
        self.sent_at[op_id] = time.monotonic()
        return await super().push(ops, op_id, as_=as_)

    def _track(self, message: dict[str, Any]) -> None:
        super()._track(message)
        if message["type"] == "ack" and message["op_id"] in self.sent_at:
            self.served_at.append((self.sent_at[message["op_id"]], time.monotonic()))

    def served_after(self, moment: float) -> float | None:
        """When this client was first acknowledged an op it sent after `moment` (a kill), if it was: an ack
        of an op sent before, still on its way when the process died, says nothing of the failover."""
        return min((acked for sent, acked in self.served_at if sent > moment), default=None)


async def listed(client: BoardClient, participant: str, present: bool = True, timeout: float = 10.0) -> None:
    """Read `client`'s presence lists until `participant` is in one (or, `present=False`, out of one)."""
    deadline = time.monotonic() + timeout
    while True:
        presence = await client.expect("presence_list", timeout=max(0.01, deadline - time.monotonic()))
        if any(p["participant"] == participant for p in presence["participants"]) == present:
            return


def start_cluster(
    postgres_url: str,
    redis_url: str,
    redis: RedisServer,
    root: Path,
    *,
    size: int = SIZE,
    env: dict[str, str] | None = None,
) -> Cluster:
    shared = {
        "FRESQUE_REDIS_URL": redis_url,
        "FRESQUE_DATA_DIR": str(root / "data"),  # custom pictures: one folder for every process
        **(env or {}),
    }
    processes = [ServerProcess(postgres_url, log_path=root / f"p{i}.log", env=shared) for i in range(size)]
    cluster = Cluster(postgres_url, redis, processes)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster


@pytest.fixture
def cluster(
    postgres_url: str, redis_url: str, redis_server: RedisServer, tmp_path: Path
) -> Iterator[Cluster]:
    """Three `fresque serve` processes in several-process mode on one PostgreSQL and the session's Redis."""
    running = start_cluster(postgres_url, redis_url, redis_server, tmp_path)
    try:
        yield running
    finally:
        running.stop()
