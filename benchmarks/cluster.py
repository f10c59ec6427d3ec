"""Several-process cases of benchmarks/run.py (issue 15, docs/scale-out.md): `fresque serve` processes in
several-process mode on one PostgreSQL and one Redis, both started here (the tests' own starters,
tests/support/postgres.py and tests/support/redis_server.py), each case on a fresh database.

- `cross-process`: `preview-50` with the mover on one process and the 50 receivers on another, against the
  same case with everyone on one process of the same cluster: the p99 the hop adds (target ≤ 1 ms).
- `failover`: 20 residents writing, their sockets spread over three processes; `kill -9` of the board's
  writer (found in PostgreSQL: `boards.writer` names its OS pid), restarted at once. From the kill to every
  resident served again (an ack for a change sent after the kill; those whose socket died welcomed again
  on another process first), per round (target ≤ 3 s).
- `knee-1`, `knee-2`: workshops of 20 (two residents moving their notes at 5 Hz each, everyone receiving
  every change), added step by step, each on one process (as HAProxy's hashing places a board) of one or
  two; the broadcast frames per second the last step still served at p99 ≤ 20 ms with everything delivered,
  and the server CPU per frame there.

Every server process is pinned to the server core like run.py's, so two processes share one core: the
knee of two measures the cost of the cluster's coordination, not more cores.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import os
import random
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import asyncpg
import loadgen
import psutil
import psycopg
from loadgen import Board, Client, Metrics, Target, Traffic, latency_metrics, move, note, tick
from wsclient import Closed

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from support.postgres import PostgresServer, pg_bin  # noqa: E402
from support.redis_server import RedisServer, redis_binary  # noqa: E402
from support.server import ServerProcess  # noqa: E402

P99_LIMIT_MS = 20.0  # the knee: the last load served at this p99


# -- PostgreSQL and Redis, started once per run ------------------------------------------------------------


@dataclass
class Services:
    postgres: PostgresServer
    redis: RedisServer

    def new_database(self) -> str:
        name = f"bench_{uuid.uuid4().hex[:12]}"
        admin = f"postgresql://postgres@127.0.0.1:{self.postgres.port}/postgres"
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return f"postgresql+asyncpg://postgres@127.0.0.1:{self.postgres.port}/{name}"


_services: Services | None = None


def services() -> Services:
    """PostgreSQL and Redis for the whole run, started on first use and stopped when the run ends."""
    global _services
    if _services is None:
        bindir, redis = pg_bin(), redis_binary()
        if bindir is None or redis is None:
            raise RuntimeError("these cases need PostgreSQL and redis-server (scripts/test installs them)")
        postgres = PostgresServer(bindir)
        postgres.start()
        atexit.register(postgres.stop)
        server = RedisServer(redis)
        server.start()
        atexit.register(server.remove)
        _services = Services(postgres, server)
    return _services


# -- the processes -----------------------------------------------------------------------------------------


def pin_every_thread(pid: int, core: int) -> None:
    """Pin a running process's threads (those made before its first health check too) to `core`."""
    for task in Path(f"/proc/{pid}/task").iterdir():
        with contextlib.suppress(OSError):
            os.sched_setaffinity(int(task.name), {core})


@dataclass
class Cluster:
    processes: list[ServerProcess]
    database_url: str
    core: int | None
    pids: list[int] = field(default_factory=list)

    def target(self, index: int) -> Target:
        process = self.processes[index]
        assert process.pid is not None
        return Target("fresque", process.port, process.pid)

    def start(self, index: int) -> None:
        process = self.processes[index]
        process.start(migrate=index == 0 and not self.pids)
        assert process.pid is not None
        if self.core is not None:
            pin_every_thread(process.pid, self.core)
        self.pids.append(process.pid)

    def cpu_seconds(self) -> float:
        """User + system CPU of every live process of the cluster."""
        total = 0.0
        for process in self.processes:
            if process.pid is not None:
                with contextlib.suppress(psutil.Error):
                    total += sum(psutil.Process(process.pid).cpu_times()[:2])
        return total

    async def writer_index(self, board_id: str, timeout: float = 10) -> int:
        """The process holding the board's lease (its `writer` is "<host>:<os pid>:<hex>")."""
        dsn = self.database_url.replace("postgresql+asyncpg://", "postgresql://", 1)
        deadline = time.monotonic() + timeout
        while True:
            conn = await asyncpg.connect(dsn)
            try:
                row = await conn.fetchrow(
                    "SELECT writer, writer_until > now() AS live FROM boards WHERE id = $1", board_id
                )
            finally:
                await conn.close()
            if row is not None and row["writer"] and row["live"]:
                pid = int(str(row["writer"]).split(":")[1])
                for i, process in enumerate(self.processes):
                    if process.pid == pid:
                        return i
            if time.monotonic() > deadline:
                raise RuntimeError(f"no live process holds board {board_id}'s lease: {row}")
            await asyncio.sleep(0.05)


@contextlib.contextmanager
def cluster_of(size: int, env: dict[str, str], core: int | None) -> Iterator[Cluster]:
    found = services()
    found.redis.flush()
    database_url = found.new_database()
    workdir = Path(tempfile.mkdtemp(prefix="fresque-bench-cluster-"))
    shared = {**env, "FRESQUE_REDIS_URL": found.redis.url, "FRESQUE_DATA_DIR": str(workdir / "data")}
    processes = [ServerProcess(database_url, log_path=workdir / f"p{i}.log", env=shared) for i in range(size)]
    running = Cluster(processes, database_url, core)
    try:
        for i in range(size):
            running.start(i)
        yield running
    finally:
        for process in processes:
            process.stop()


def board_id_of(board: Board) -> str:
    return board.url.rsplit("/", 1)[1]


def on_port(board: Board, target: Target) -> Board:
    """The same board reached through another process."""
    url = f"ws://127.0.0.1:{target.port}/ws/boards/{board_id_of(board)}"
    return Board(url, target.origin, board.facilitator, board.participants)


# -- cross-process -----------------------------------------------------------------------------------------


async def cross_process_on(running: Cluster, receivers: int, seconds: float) -> Metrics:
    a, b = running.target(0), running.target(1)
    one = await loadgen.preview_fanout(a, receivers, seconds)
    cpu = running.cpu_seconds()
    two = await loadgen.preview_fanout(a, receivers, seconds, receive_at=b)
    cpu = running.cpu_seconds() - cpu
    added = None if one["p99_ms"] is None or two["p99_ms"] is None else two["p99_ms"] - one["p99_ms"]
    return {
        **two,
        # both processes' CPU (the window's figure is the mover's process alone), over the whole run
        "cpu_both_us_per_msg": 1e6 * cpu / two["frames"] if two["frames"] else None,
        "one_process_p99_ms": one["p99_ms"],
        "one_process_drop_p99_ms": one["drop_p99_ms"],
        "added_p99_ms": added,
    }


# -- failover ----------------------------------------------------------------------------------------------


MOVE_EVERY = 0.5  # seconds between a failover resident's moves


@dataclass
class Resident:
    """A resident moving their note twice a second who, when their socket dies, comes back on another
    process. 40 durable changes a second on one board: a very busy workshop. At 5 Hz each (100 a second, each
    a PostgreSQL commit of its own) the board was saturated before any kill on the 2-core development machine
    under load (acks 230 ms late), and the case measured the backlog, not the failover; much slower, and the
    wait for a resident's first move after the kill would count in the figure."""

    board: Board
    token: str
    start: int
    targets: Callable[[], list[Target]]
    traffic: Traffic
    welcomed: list[float] = field(default_factory=list)  # monotonic seconds
    served: list[tuple[float, float]] = field(default_factory=list)  # (sent, acked), monotonic seconds
    client: Client | None = None

    async def connect(self) -> None:
        attempt = self.start
        while True:
            live = self.targets()
            target = live[attempt % len(live)]
            client = Client(on_port(self.board, target), self.token, self.traffic)
            try:
                await asyncio.wait_for(client.connect(), 5)
            except (OSError, Closed, TimeoutError, ConnectionError):
                attempt += 1
                await asyncio.sleep(0.02)
                continue
            self.client, self.start = client, attempt
            self.welcomed.append(time.monotonic())
            return

    async def run(self, item: str, stop: asyncio.Event) -> None:
        await self.connect()
        k = 0
        while not stop.is_set():
            assert self.client is not None
            if self.client.ws is None or self.client.ws.closed.is_set():
                self.start += 1  # elsewhere
                await self.connect()
                continue
            sent = time.monotonic()
            try:
                future = await self.client.push([move(item, k, 0)])
            except Closed:
                continue
            future.add_done_callback(lambda f, sent=sent: self.served.append((sent, time.monotonic())))
            k += 1
            await asyncio.sleep(MOVE_EVERY)
        if self.client is not None:
            await self.client.close()

    def back_after(self, moment: float) -> float | None:
        return min((acked for sent, acked in self.served if sent > moment), default=None)


async def failover_on(running: Cluster, residents: int, rounds: int) -> Metrics:
    traffic = Traffic()
    board = await loadgen.new_board(running.target(0), residents)
    board_id = board_id_of(board)
    items = [f"resident-{i:03d}" for i in range(residents)]
    makers = await loadgen.connect_all(board, board.participants, traffic)  # each moves only their own note
    await asyncio.gather(*(c.commit([note(items[i], i * 10, 0)]) for i, c in enumerate(makers)))
    await loadgen.close_all(makers)

    def live() -> list[Target]:
        return [running.target(i) for i, p in enumerate(running.processes) if p.pid is not None]

    people = [Resident(board, token, i, live, traffic) for i, token in enumerate(board.participants)]
    stop = asyncio.Event()
    tasks = [asyncio.create_task(r.run(item, stop)) for r, item in zip(people, items, strict=True)]
    served_ms: list[float | None] = []
    welcomed_ms: list[float | None] = []
    late_by_round: list[str] = []
    try:
        await asyncio.sleep(2)
        for _ in range(rounds):
            victim = await running.writer_index(board_id)
            dropped_before = {id(r): len(r.welcomed) for r in people}
            killed = time.monotonic()
            running.processes[victim].kill()
            restart = asyncio.create_task(asyncio.to_thread(running.start, victim))
            deadline = killed + 20
            while any(r.back_after(killed) is None for r in people) and time.monotonic() < deadline:
                await asyncio.sleep(0.01)
            backs = [r.back_after(killed) for r in people]
            served_ms.append(None if None in backs else 1000 * (max(b for b in backs if b) - killed))
            moved = [r.welcomed[-1] for r in people if len(r.welcomed) > dropped_before[id(r)]]
            # Who was late (> 3 s), and whether their socket had died with the writer or stayed elsewhere.
            late = [
                "reconnected" if len(r.welcomed) > dropped_before[id(r)] else "stayed"
                for r, b in zip(people, backs, strict=True)
                if b is None or b - killed > 3.0
            ]
            late_by_round.append(f"{late.count('reconnected')} reconnected + {late.count('stayed')} stayed")
            welcomed_ms.append(1000 * (max(moved) - killed) if moved else 0.0)
            await restart
            await asyncio.sleep(2)
    finally:
        stop.set()
        await asyncio.gather(*tasks, return_exceptions=True)
    done = [s for s in served_ms if s is not None]
    return {
        "p50_ms": sorted(done)[len(done) // 2] if done else None,
        "max_ms": max(done) if len(done) == rounds else None,
        "delivered_pct": 100.0 * len(done) / rounds,
        "served_again_ms": served_ms,
        "welcomed_again_ms": welcomed_ms,
        "late_over_3s": late_by_round,
        "residents": residents,
    }


# -- the knee ----------------------------------------------------------------------------------------------


@dataclass
class Workshop20:
    clients: list[Client]
    writers: list[tuple[Client, str]]


async def knee_on(
    targets: list[Target], cpu: Callable[[], float], step_seconds: float, people: int = 20
) -> Metrics:
    """Workshops of `people` added step by step (board i on targets[i % n]); in each, two residents move
    their notes at 5 Hz and everyone hears every change. The last step at p99 ≤ 20 ms, all delivered."""
    hz, steps = 5.0, [1, 2, 4, 8, 12, 16, 24, 32, 48]
    traffic = Traffic()
    sent_at: dict[tuple[str, int], int] = {}
    latencies: list[int] = []
    expected = [0]

    def on_frame(kind: str, raw: str, stamp: int) -> None:
        if kind in ("change", "ops"):
            ops = json.loads(raw)["ops"]
            if not ops or ops[0]["op"] != "item.update":  # a writer's note being made
                return
            sent = sent_at.get((ops[0]["id"], int(ops[0]["set"]["x"])))
            if sent is not None:
                latencies.append(stamp - sent)

    workshops: list[Workshop20] = []
    results: list[dict[str, Any]] = []
    knee: dict[str, Any] | None = None
    for count in steps:
        while len(workshops) < count:
            i = len(workshops)
            board = await loadgen.new_board(targets[i % len(targets)], people)
            clients = await loadgen.connect_all(board, board.participants, traffic)
            for c in clients:
                c.on_frame = on_frame
            writers = [(clients[0], f"knee-{i:03d}-a"), (clients[1], f"knee-{i:03d}-b")]
            for client, item in writers:
                await client.commit([note(item)])
            workshops.append(Workshop20(clients, writers))

        async def write(client: Client, item: str, offset: float) -> None:
            begin = time.perf_counter() + offset
            for k in range(round(step_seconds * hz)):
                await tick(begin, k / hz)
                sent_at[(item, k)] = time.time_ns()
                expected[0] += people - 1  # everyone else hears it (the writer gets its ack)
                await client.push([move(item, k, 0)])

        step = await measure_step(workshops, write, hz, traffic, cpu, sent_at, latencies, expected, count)
        if not holds(step) and step["gen_cpu_pct"] <= 80:
            step = await measure_step(workshops, write, hz, traffic, cpu, sent_at, latencies, expected, count)
            step["retried"] = True
        results.append(step)
        if not holds(step) or step["gen_cpu_pct"] > 80:
            break
        knee = step
    for w in workshops:
        await loadgen.close_all(w.clients)
    last = knee or {}
    return {
        "p99_ms": last.get("p99_ms"),
        "delivered_pct": last.get("delivered_pct"),
        "cpu_per_msg_us": last.get("cpu_per_msg_us"),
        "server_cpu_pct": last.get("server_cpu_pct"),
        "gen_cpu_pct": last.get("gen_cpu_pct", 0.0),
        "knee_frames_per_s": last.get("frames_per_s"),
        "knee_workshops": last.get("workshops"),
        "steps": [
            f"{s['workshops']}w {s['frames_per_s']:.0f}/s p99 {fmt_ms(s['p99_ms'])} {s['delivered_pct']:.0f}%"
            + (" (again)" if s.get("retried") else "")
            for s in results
        ],
        "stopped_by": (
            "last step"  # every step held: the knee is further
            if results and knee is results[-1]
            else "generator"
            if results and results[-1]["gen_cpu_pct"] > 80
            else "latency"
        ),
    }


def holds(step: dict[str, Any]) -> bool:
    return bool(
        step["p99_ms"] is not None and step["p99_ms"] <= P99_LIMIT_MS and step["delivered_pct"] >= 99.9
    )


async def measure_step(
    workshops: list[Workshop20],
    write: Callable[[Client, str, float], Coroutine[Any, Any, None]],
    hz: float,
    traffic: Traffic,
    cpu: Callable[[], float],
    sent_at: dict[tuple[str, int], int],
    latencies: list[int],
    expected: list[int],
    count: int,
) -> dict[str, Any]:
    """One step of the ramp: every writer's moves for the step's length, and what it cost."""
    await loadgen.settle(traffic)
    sent_at.clear()
    latencies.clear()
    expected[0] = 0
    before = (time.perf_counter(), cpu(), time.process_time(), traffic.sent + traffic.received)
    rng = random.Random(count)
    await asyncio.gather(
        *(write(c, item, rng.uniform(0, 1 / hz)) for w in workshops for c, item in w.writers)
    )
    await asyncio.sleep(0.5)
    after = (time.perf_counter(), cpu(), time.process_time(), traffic.sent + traffic.received)
    wall, server_cpu, gen_cpu, frames = (b - a for a, b in zip(before, after, strict=True))
    return {
        "workshops": count,
        "frames_per_s": frames / wall,
        "p99_ms": latency_metrics(latencies)["p99_ms"],
        "delivered_pct": 100 * len(latencies) / expected[0] if expected[0] else 0.0,
        "server_cpu_pct": 100 * server_cpu / wall,
        "cpu_per_msg_us": 1e6 * server_cpu / frames if frames else None,
        "gen_cpu_pct": 100 * gen_cpu / wall,
    }


def fmt_ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}ms"


# -- the cases, for run.py ---------------------------------------------------------------------------------


CaseRun = Callable[[Target], Coroutine[Any, Any, Metrics]]


def cross_process(seconds: float, env: dict[str, str], core: int | None, receivers: int = 50) -> CaseRun:
    async def run(target: Target) -> Metrics:
        if target.name == "relay":
            return await loadgen.preview_fanout(target, receivers, seconds)
        with cluster_of(2, env, core) as running:
            return await cross_process_on(running, receivers, seconds)

    return run


def failover(env: dict[str, str], core: int | None, rounds: int) -> CaseRun:
    async def run(target: Target) -> Metrics:
        if target.name == "relay":
            return {}  # the relay has no failover: nothing to compare with
        with cluster_of(3, env, core) as running:
            return await failover_on(running, 20, rounds)

    return run


def knee(size: int, step_seconds: float, env: dict[str, str], core: int | None) -> CaseRun:
    async def run(target: Target) -> Metrics:
        if target.name == "relay":
            proc = psutil.Process(target.pid)
            return await knee_on([target], lambda: sum(proc.cpu_times()[:2]), step_seconds)
        with cluster_of(size, env, core) as running:
            return await knee_on([running.target(i) for i in range(size)], running.cpu_seconds, step_seconds)

    return run


def cluster_env(base: dict[str, str]) -> dict[str, str]:
    """run.py's Fresque settings, and the knee's many workshops from one address."""
    return {**base, "FRESQUE_CREATE_BURST": "100000", "FRESQUE_CREATE_GLOBAL_BURST": "100000"}
