"""The load generator: simulated clients of the board protocol, and the five cases they play.

The same code drives Fresque and the relay baseline (`relay.py`); the only difference is how a board and
its tokens are obtained (`new_board`). Every case returns a flat dict of metrics (see `measure_window`).
Clients are `wsclient.WebSocket`s: every frame carries the kernel's receive time, and send times are taken
with `time.time_ns()` (the same clock) just before writing, so a latency is server + loopback, not the time
this single-threaded generator took to get round to a socket.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import httpx
import psutil
from wsclient import WebSocket

Metrics = dict[str, Any]
FrameHandler = Callable[[str, str, int], None]  # (type, raw frame, kernel receive time in ns)

_TYPE = re.compile(r'^\{\s*"type"\s*:\s*"([a-z_.]+)"')


def kind_of(raw: str) -> str:
    """The message type without parsing the frame (a welcome can weigh hundreds of KiB)."""
    match = _TYPE.match(raw)
    return match.group(1) if match else str(json.loads(raw).get("type"))


def percentile(values: list[float], p: float) -> float | None:
    """Nearest-rank percentile; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered) + 0.5) - 1))]


# -- targets and boards ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    name: str  # "relay" or "fresque"
    port: int
    pid: int

    @property
    def origin(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@dataclass(frozen=True)
class Board:
    url: str
    origin: str
    facilitator: str
    participants: list[str]


async def new_board(target: Target, participants: int, kind: str = "exploration") -> Board:
    """A fresh board with `participants` tokens. The relay takes any path and ignores tokens."""
    if target.name == "relay":
        path = f"/ws/boards/b{time.monotonic_ns()}"
        return Board(f"ws://127.0.0.1:{target.port}{path}", target.origin, "-", ["-"] * participants)
    async with httpx.AsyncClient(base_url=target.origin, timeout=30) as http:
        created = (await http.post("/api/workshops", json={"title": "bench"})).raise_for_status().json()
        sem = asyncio.Semaphore(20)

        async def join(i: int) -> str:
            async with sem:
                body = {"code": created["join_code"], "alias": f"p{i}"}
                return str((await http.post("/api/join", json=body)).raise_for_status().json()["token"])

        tokens = await asyncio.gather(*(join(i) for i in range(participants)))
        facilitator = created["facilitator"]["token"]
        board_id = created["board"]["id"]
        if kind != "exploration":  # the workshop's first board is an exploration fresco: add one of `kind`
            made = await http.post(
                f"/api/workshops/{created['workshop']['id']}/boards",
                json={"kind": kind, "title": "bench"},
                headers={"Authorization": f"Bearer {facilitator}"},
            )
            board_id = made.raise_for_status().json()["id"]
    url = f"ws://127.0.0.1:{target.port}/ws/boards/{board_id}"
    return Board(url, target.origin, facilitator, list(tokens))


# -- one simulated client ----------------------------------------------------------------------------------


@dataclass
class Traffic:
    sent: int = 0
    received: int = 0
    received_bytes: int = 0


class Client:
    _ids = itertools.count(1)

    def __init__(self, board: Board, token: str, traffic: Traffic) -> None:
        self.board = board
        self.token = token
        self.traffic = traffic
        self.name = f"bench{next(self._ids)}"
        self.ws: WebSocket | None = None
        self.on_frame: FrameHandler | None = None
        self._ops = itertools.count(1)
        self._acks: dict[str, asyncio.Future[int]] = {}

    async def open(self) -> None:
        headers = {"Origin": self.board.origin, "Authorization": f"Bearer {self.token}"}
        self.ws = await WebSocket.connect(self.board.url, headers)

    async def hello(self, last_seq: int | None = None) -> tuple[str, int]:
        """Say hello and read up to the welcome; later frames go to `_dispatch`. Returns (welcome, time)."""
        assert self.ws is not None
        message: dict[str, Any] = {"type": "hello", "protocol": 1, "client": self.name}
        if last_seq is not None:
            message["last_seq"] = last_seq
        await self.send(message)
        while True:
            raw, stamp = await self.ws.recv()
            self.traffic.received += 1
            self.traffic.received_bytes += len(raw)
            if kind_of(raw) == "welcome":
                break
        self.ws.handler = self._dispatch
        while self.ws.inbox:
            self._dispatch(*self.ws.inbox.popleft())
        return raw, stamp

    async def connect(self, last_seq: int | None = None) -> tuple[str, int]:
        await self.open()
        return await self.hello(last_seq)

    def _dispatch(self, raw: str, stamp: int) -> None:
        self.traffic.received += 1
        self.traffic.received_bytes += len(raw)
        kind = kind_of(raw)
        if kind == "ack":
            future = self._acks.pop(json.loads(raw)["op_id"], None)
            if future is not None and not future.done():
                future.set_result(stamp)
        elif self.on_frame is not None:
            self.on_frame(kind, raw, stamp)

    async def send(self, message: dict[str, Any]) -> None:
        assert self.ws is not None
        await self.ws.send(json.dumps(message, separators=(",", ":")))
        self.traffic.sent += 1

    async def push(self, ops: list[dict[str, Any]]) -> asyncio.Future[int]:
        """Send durable ops; the future resolves to the ack's receive time (ns, `time.time_ns` clock)."""
        op_id = f"{self.name}:{next(self._ops)}"
        future: asyncio.Future[int] = asyncio.get_running_loop().create_future()
        self._acks[op_id] = future
        await self.send({"type": "ops", "op_id": op_id, "ops": ops})
        return future

    async def commit(self, ops: list[dict[str, Any]], timeout: float = 30) -> float:
        """Push and wait for the ack; returns the round trip in seconds."""
        start = time.time_ns()
        return (await asyncio.wait_for(await self.push(ops), timeout) - start) / 1e9

    async def close(self) -> None:
        if self.ws is not None:
            await self.ws.close()


def note(item: str, x: float = 0, y: float = 0) -> dict[str, Any]:
    return {"op": "item.create", "id": item, "kind": "note", "x": x, "y": y, "text": "bench"}


def move(item: str, x: float, y: float) -> dict[str, Any]:
    return {"op": "item.update", "id": item, "set": {"x": x, "y": y}}


def action_card(action: str) -> dict[str, Any]:
    """A card on an action fresco (its timeline starts this year: a card in its first quarter fits)."""
    year = time.gmtime().tm_year
    start, end = f"{year}-01", f"{year}-03"
    fiche = {"title": "Permanence numérique", "lead": "ccas"}
    return {"op": "action.create", "id": action, "lane": "create", "start": start, "end": end, "fiche": fiche}


def fiche_edit(action: str, k: int) -> dict[str, Any]:
    """What a stakeholder typing in a fiche sends, a field at a time (the page debounces keystrokes)."""
    return {"op": "action.update", "id": action, "set": {"findings": f"Constat, version {k}"}}


async def connect_all(board: Board, tokens: list[str], traffic: Traffic) -> list[Client]:
    clients = [Client(board, token, traffic) for token in tokens]
    await asyncio.gather(*(c.connect() for c in clients))
    return clients


async def close_all(clients: list[Client]) -> None:
    await asyncio.gather(*(c.close() for c in clients), return_exceptions=True)


async def settle(traffic: Traffic, quiet: float = 0.5, limit: float = 30) -> None:
    """Wait until no frame arrived for `quiet` seconds (e.g. the presence lists after a crowd joined)."""
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        before = traffic.received
        await asyncio.sleep(quiet)
        if traffic.received == before:
            return


# -- measuring ---------------------------------------------------------------------------------------------


# psutil reads CPU time in clock ticks (10 ms): below this much server CPU a per-message figure is noise.
MIN_CPU_S = 0.05


@dataclass
class Window:
    """CPU time of the server and of this load generator, and frames exchanged, while measuring.

    `start`/`stop` may be called several times (e.g. one storm per round): the totals add up.
    """

    server: psutil.Process
    traffic: Traffic
    totals: list[float] = field(default_factory=lambda: [0.0] * 5)  # wall, server, me, frames, bytes

    def _now(self) -> list[float]:
        t = self.traffic
        return [
            time.perf_counter(),
            sum(self.server.cpu_times()[:2]),
            time.process_time(),  # this generator's own CPU time, to the nanosecond
            t.sent + t.received,
            t.received_bytes,
        ]

    def start(self) -> None:
        self._start = self._now()

    def stop(self) -> Metrics:
        self.totals = [
            total + b - a for total, a, b in zip(self.totals, self._start, self._now(), strict=True)
        ]
        wall, server_cpu, my_cpu, frames, received = self.totals
        return {
            "wall_s": wall,
            "frames": int(frames),
            "received_kib": received / 1024,
            "server_cpu_s": server_cpu,
            "server_cpu_pct": 100 * server_cpu / wall if server_cpu >= MIN_CPU_S else None,
            "gen_cpu_pct": 100 * my_cpu / wall,
            "cpu_per_msg_us": 1e6 * server_cpu / frames if frames and server_cpu >= MIN_CPU_S else None,
        }


def latency_metrics(nanos: list[int]) -> Metrics:
    ms = [n / 1e6 for n in nanos]
    return {"p50_ms": percentile(ms, 50), "p99_ms": percentile(ms, 99), "max_ms": max(ms, default=None)}


# -- case 1: drag preview fan-out --------------------------------------------------------------------------


@dataclass
class Receiver:
    """What one receiver saw of the mover's previews (numbered by their x) and drops."""

    sent_at: list[int]  # shared with the mover: send time of preview k
    drop_sent_at: dict[int, int]
    seen: int = -1  # newest preview number seen
    exact: int = 0  # previews that arrived themselves rather than superseded by a newer one
    preview_latency: dict[int, int] = field(default_factory=dict)
    drop_latency: list[int] = field(default_factory=list)

    def on_frame(self, kind: str, raw: str, stamp: int) -> None:
        if kind in ("ephemeral", "presence"):  # Fresque batches updates; the relay passes the client's frame
            message = json.loads(raw)
            for update in message["updates"] if kind == "ephemeral" else [message]:
                drag = update.get("drag")
                if drag is not None:
                    self.preview(int(drag["x"]), stamp)
        elif kind in ("change", "ops"):
            x = int(json.loads(raw)["ops"][0]["set"]["x"])
            self.drop_latency.append(stamp - self.drop_sent_at[x])

    def preview(self, k: int, stamp: int) -> None:
        # A preview counts as delivered when it or a newer one arrived (the ephemeral lane may coalesce:
        # latest value wins); its latency runs until then.
        if k <= self.seen:
            return
        for j in range(self.seen + 1, k + 1):
            self.preview_latency[j] = stamp - self.sent_at[j]
        self.exact += 1
        self.seen = k


async def tick(begin: float, at: float) -> None:
    """Sleep until `begin + at` seconds (perf_counter), so that a late tick does not shift the next ones."""
    await asyncio.sleep(max(0.0, begin + at - time.perf_counter()))


async def preview_fanout(
    target: Target,
    receivers: int,
    seconds: float,
    hz: float = 30,
    warmup: float = 1,
    receive_at: Target | None = None,
) -> Metrics:
    """`receive_at`: the receivers' sockets reach this other process of the same database (the mover's stay
    on `target`): several-process mode's `cross-process` case (benchmarks/cluster.py)."""
    traffic = Traffic()
    board = await new_board(target, receivers)
    watched = board
    if receive_at is not None:
        url = board.url.replace(f":{target.port}/", f":{receive_at.port}/", 1)
        watched = Board(url, receive_at.origin, board.facilitator, board.participants)
    mover = Client(board, board.facilitator, traffic)
    await mover.connect()
    await mover.commit([note("dragged", 0, 100)])
    sent_at: list[int] = []
    drop_sent_at: dict[int, int] = {}
    watchers = [Receiver(sent_at, drop_sent_at) for _ in range(receivers)]
    clients = await connect_all(watched, board.participants, traffic)
    for client, watcher in zip(clients, watchers, strict=True):
        client.on_frame = watcher.on_frame
    await settle(traffic)

    window = Window(psutil.Process(target.pid), traffic)
    first = round(warmup * hz)  # previews before this one warm up and are not counted
    total = first + round(seconds * hz)
    drops: list[asyncio.Future[int]] = []
    begin = time.perf_counter()
    for k in range(total):
        if k == first:
            window.start()
        await tick(begin, k / hz)
        sent_at.append(time.time_ns())
        await mover.send({"type": "presence", "drag": {"item": "dragged", "x": k, "y": 100}})
        if k % round(hz) == round(hz) - 1:  # a drop every second, as a durable move
            drop_sent_at[k] = time.time_ns()
            drops.append(await mover.push([move("dragged", k, 100)]))
    await asyncio.sleep(0.5)
    await asyncio.wait(drops, timeout=5)
    metrics = window.stop()
    await close_all([mover, *clients])

    measured = range(first, total)
    latencies = [w.preview_latency[k] for w in watchers for k in measured if k in w.preview_latency]
    return {
        **metrics,
        **latency_metrics(latencies),
        "delivered_pct": 100 * len(latencies) / (receivers * len(measured)),
        "exact_pct": 100 * sum(w.exact for w in watchers) / (receivers * total),
        "drops_delivered_pct": 100
        * sum(len(w.drop_latency) for w in watchers)
        / (receivers * len(drop_sent_at)),
        "drop_p99_ms": latency_metrics([n for w in watchers for n in w.drop_latency])["p99_ms"],
        "receivers": receivers,
        "previews_sent": len(measured),
    }


# -- case 2: durable writes --------------------------------------------------------------------------------


async def durable_writes(
    target: Target,
    writers: int,
    seconds: float,
    hz: float = 10,
    warmup: float = 1,
    private: bool = False,
    actions: bool = False,
) -> Metrics:
    """`private`: the notes are written in a private round, so every move is sent to each other socket
    filtered for that viewer (Fresque's per-socket visibility; a relay just relays). `actions`: on an action
    fresco, each writer edits its card's fiche instead of moving a note."""
    traffic = Traffic()
    board = await new_board(target, writers, "actions" if actions else "exploration")
    if private:
        facilitator = Client(board, board.facilitator, traffic)
        await facilitator.connect()
        await facilitator.commit([{"op": "board.update", "private": True}])
        await facilitator.close()
    clients = await connect_all(board, board.participants, traffic)

    def first(i: int) -> dict[str, Any]:
        return action_card(f"w{i:05d}") if actions else note(f"w{i:05d}", i * 100, 0)

    await asyncio.gather(*(c.commit([first(i)]) for i, c in enumerate(clients)))
    await settle(traffic)
    window = Window(psutil.Process(target.pid), traffic)
    results: list[tuple[int, asyncio.Future[int]]] = []

    async def write(i: int, client: Client) -> None:
        begin = time.perf_counter() + i / (hz * writers)  # writers spread over the period
        for k in range(round((warmup + seconds) * hz)):
            await tick(begin, k / hz)
            sent = time.time_ns()
            change = fiche_edit(f"w{i:05d}", k) if actions else move(f"w{i:05d}", i * 100, k)
            future = await client.push([change])
            if k >= warmup * hz:
                results.append((sent, future))

    writing = asyncio.gather(*(write(i, c) for i, c in enumerate(clients)))
    await asyncio.sleep(warmup)
    window.start()
    await writing
    await asyncio.wait([f for _, f in results], timeout=5)
    metrics = window.stop()
    await close_all(clients)
    latencies = [f.result() - sent for sent, f in results if f.done()]
    return {
        **metrics,
        **latency_metrics(latencies),
        "delivered_pct": 100 * len(latencies) / len(results),
        "writes": len(results),
    }


# -- case 3: reconnect storm -------------------------------------------------------------------------------


async def reconnect_storm(target: Target, clients_n: int, history: int, rounds: int = 1) -> Metrics:
    traffic = Traffic()
    board = await new_board(target, clients_n)
    writer = Client(board, board.facilitator, traffic)
    await writer.connect()
    await writer.commit([note("history", 0, 0)])
    for start in range(1, history, 50):  # pipelined, 50 at a time
        futures = [await writer.push([move("history", k, 0)]) for k in range(start, min(history, start + 50))]
        await asyncio.wait_for(asyncio.gather(*futures), 30)
    clients = await connect_all(board, board.participants, traffic)
    await settle(traffic)
    await writer.close()
    window = Window(psutil.Process(target.pid), traffic)
    done: list[int] = []
    storms: list[float | None] = []  # None: someone was never welcomed
    failures: list[str] = []
    for _ in range(rounds):
        await close_all(clients)
        await asyncio.sleep(1)  # let the server notice every close (Fresque saves and unloads the room)
        # Everyone comes back at once; three clients in four missed the last 1-3 changes.
        clients = [Client(board, token, traffic) for token in board.participants]
        welcomed: list[int] = []
        window.start()
        begin = time.time_ns()

        async def back(i: int, client: Client, begin: int = begin, welcomed: list[int] = welcomed) -> None:
            _, stamp = await client.connect(last_seq=history - i % 4)
            welcomed.append(stamp - begin)

        outcome = await asyncio.gather(*(back(i, c) for i, c in enumerate(clients)), return_exceptions=True)
        metrics = window.stop()
        failures += [repr(o) for o in outcome if isinstance(o, BaseException)]
        done += welcomed
        storms.append(max(welcomed) / 1e6 if len(welcomed) == clients_n else None)
        await settle(traffic)
    await close_all(clients)
    return {
        **metrics,
        **latency_metrics(done),
        "all_welcomed_ms": None if None in storms else max(s for s in storms if s is not None),
        "rounds_ms": storms,
        "delivered_pct": 100 * len(done) / (clients_n * rounds),
        "clients": clients_n,
        "failures": failures[:3],
    }


# -- case 4: snapshot of a big board -----------------------------------------------------------------------


def items_in_welcome(raw: str) -> int:
    welcome = json.loads(raw)
    if welcome.get("snapshot") is not None:  # Fresque: the state itself
        return len(welcome["snapshot"]["items"])
    # The relay: the logged frames, replayed
    return sum(1 for change in welcome["changes"] for op in change["ops"] if op["op"] == "item.create")


async def big_snapshot(target: Target, items: int, samples: int, batch: int = 100) -> Metrics:
    traffic = Traffic()
    board = await new_board(target, samples)
    facilitator = Client(board, board.facilitator, traffic)
    await facilitator.connect()
    for start in range(0, items, batch):
        ops = [
            note(f"n{k:06d}", k % 100 * 50, k // 100 * 50) for k in range(start, min(items, start + batch))
        ]
        await facilitator.commit(ops)
    window = Window(psutil.Process(target.pid), traffic)
    window.start()
    times: list[int] = []
    welcomes: list[str] = []
    for i in range(samples):
        # A change first, so that no welcome is served from a cache built for an earlier newcomer.
        await facilitator.commit([move(f"n{i:06d}", i, -50)])
        newcomer = Client(board, board.participants[i], traffic)
        await newcomer.open()
        start = time.time_ns()
        raw, stamp = await newcomer.hello()
        times.append(stamp - start)
        welcomes.append(raw)
        await newcomer.close()
    metrics = window.stop()
    await facilitator.close()
    return {
        **metrics,
        **latency_metrics(times),
        "delivered_pct": 100 * sum(1 for raw in welcomes if items_in_welcome(raw) == items) / samples,
        "welcome_kib": sum(len(raw.encode()) for raw in welcomes) / samples / 1024,
        "items": items,
    }


# -- case 5: memory per idle connection --------------------------------------------------------------------


async def idle_memory(target: Target, connections: int) -> Metrics:
    traffic = Traffic()
    server = psutil.Process(target.pid)
    board = await new_board(target, connections)
    first = Client(board, board.facilitator, traffic)
    await first.connect()  # the board is loaded before the first reading
    await settle(traffic)
    before = server.memory_info().rss
    window = Window(server, traffic)
    window.start()
    clients = await connect_all(board, board.participants, traffic)
    await settle(traffic)
    await asyncio.sleep(1)
    after = server.memory_info().rss
    metrics = window.stop()
    await close_all([first, *clients])
    return {
        **metrics,
        "mem_per_conn_kib": (after - before) / connections / 1024,
        "rss_before_mib": before / 2**20,
        "rss_after_mib": after / 2**20,
        "delivered_pct": 100.0,
        "connections": connections,
    }
