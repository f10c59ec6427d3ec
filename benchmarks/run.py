"""Fresque against the raw `websockets` relay, same load generator, same run: one command, one table.

    .venv/bin/python benchmarks/run.py [--quick] [--only preview-50,durable,...]

Each case starts a fresh server process of each kind (relay first, then Fresque), pinned to core 0, while
this load generator runs on core 1. Results go to stdout and to benchmarks/results/latest.json.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import datetime
import json
import os
import platform
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Coroutine, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import cluster as several
import httpx
import loadgen
from loadgen import Metrics, Target

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
SERVER_CORE, GEN_CORE = 0, 1
VOID_GEN_CPU = 80.0
REALTIME_PRIORITY = 10  # SCHED_FIFO priority with --realtime
# The protocol's rate limit (60/s, bursts of 120) would throttle building a 2,000-item board and the
# history of the reconnect storm; the relay has none, so Fresque's is lifted for every case alike.
# Likewise the per-address socket cap (200, `rooms.caps`): every simulated client comes from 127.0.0.1, and
# the storm and idle cases hold 201 sockets at once.
FRESQUE_ENV = {
    "FRESQUE_RATE_PER_SECOND": "1000000",
    "FRESQUE_RATE_BURST": "1000000",
    "FRESQUE_MAX_SOCKETS_PER_ADDRESS": "1000",
}


# -- server processes --------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def pin_to_server_core() -> None:  # runs in the child between fork and exec: its threads inherit it
    os.sched_setaffinity(0, {SERVER_CORE})


def ready(kind: str, port: int) -> bool:
    try:
        if kind == "fresque":
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200
        with socket.create_connection(("127.0.0.1", port), timeout=1):
            return True
    except (OSError, httpx.HTTPError):
        return False


@contextlib.contextmanager
def server(kind: str, workdir: Path) -> Iterator[Target]:
    port = free_port()
    if kind == "relay":
        command = [sys.executable, str(HERE / "relay.py"), "--port", str(port)]
        env = dict(os.environ)
    else:
        db = workdir / f"bench-{port}.sqlite3"
        command = [sys.executable, "-m", "fresque.cli", "serve", "--port", str(port)]
        command += ["--database-url", f"sqlite+aiosqlite:///{db}"]
        env = {**os.environ, **FRESQUE_ENV}
    log = open(workdir / f"{kind}-{port}.log", "ab")
    proc = subprocess.Popen(
        command, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, preexec_fn=pin_to_server_core
    )
    try:
        deadline = time.monotonic() + 60
        while not ready(kind, port):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{kind} did not start; see {log.name}")
            time.sleep(0.05)
        yield Target(kind, port, proc.pid)
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        log.close()


# -- cases -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    name: str
    run: Callable[[Target], Coroutine[Any, Any, Metrics]]
    target: str  # how the verdict is decided, in words
    verdict: Callable[[Metrics, Metrics], bool]  # (fresque, relay) -> pass
    relative: bool = False  # the target compares with the relay (so a VOID relay run voids the verdict)
    timed: bool = True  # a case where the load generator's CPU can skew the measure
    extras: tuple[str, ...] = ()  # more metrics to print under the case
    own_servers: bool = False  # starts its own Fresque processes, PostgreSQL and Redis (cluster.py)


def cases(seconds: float, quick: bool) -> list[Case]:
    n = 200
    samples = 5 if quick else 15

    def full(m: Metrics) -> bool:
        return bool(m["delivered_pct"] >= 100.0)

    def within(factor: float) -> Callable[[Metrics, Metrics], bool]:
        return lambda f, r: full(f) and f["p99_ms"] <= factor * r["p99_ms"]

    return [
        Case(
            "preview-50",
            lambda t: loadgen.preview_fanout(t, 50, seconds),
            "p99 ≤ 1.5× relay, 100 % delivered",
            within(1.5),
            relative=True,
            extras=("exact_pct", "drops_delivered_pct", "drop_p99_ms"),
        ),
        Case(
            "preview-200",
            lambda t: loadgen.preview_fanout(t, 200, seconds),
            "p99 ≤ 2× relay, 100 % delivered",
            within(2.0),
            relative=True,
            extras=("exact_pct", "drops_delivered_pct", "drop_p99_ms"),
        ),
        Case(
            "durable",
            lambda t: loadgen.durable_writes(t, 10, seconds),
            "ack p99 ≤ 10 ms (SQLite), 100 % acked",
            lambda f, r: full(f) and f["p99_ms"] <= 10,
            extras=("writes",),
        ),
        Case(
            "durable-private",
            lambda t: loadgen.durable_writes(t, 10, seconds, private=True),
            "ack p99 ≤ 10 ms (SQLite), 100 % acked, each change filtered per viewer",
            lambda f, r: full(f) and f["p99_ms"] <= 10,
            extras=("writes",),
        ),
        Case(
            "durable-actions",
            lambda t: loadgen.durable_writes(t, 10, seconds, actions=True),
            "ack p99 ≤ 10 ms (SQLite), 100 % acked, fiche edits on an action fresco",
            lambda f, r: full(f) and f["p99_ms"] <= 10,
            extras=("writes",),
        ),
        Case(
            "reconnect-200",
            lambda t: loadgen.reconnect_storm(t, n, history=300, rounds=1 if quick else 3),
            "all 200 welcomed ≤ 2 s (worst round)",
            lambda f, r: full(f) and (f["all_welcomed_ms"] or float("inf")) <= 2000,
            extras=("rounds_ms", "frames", "received_kib", "failures"),
        ),
        Case(
            "snapshot-2000",
            lambda t: loadgen.big_snapshot(t, 2000, samples),
            "hello → welcome ≤ 150 ms (every sample)",
            lambda f, r: full(f) and f["max_ms"] <= 150,
            extras=("welcome_kib",),
        ),
        Case(
            "idle-memory",
            lambda t: loadgen.idle_memory(t, n),
            "≤ 64 KiB per idle connection",
            lambda f, r: f["mem_per_conn_kib"] <= 64,
            timed=False,
            extras=("rss_before_mib", "rss_after_mib"),
        ),
        *several_process_cases(seconds, quick),
    ]


def several_process_cases(seconds: float, quick: bool) -> list[Case]:
    """Several-process mode (issue 15): PostgreSQL and Redis started by cluster.py, processes pinned alike."""
    env, step = several.cluster_env(FRESQUE_ENV), 2.0 if quick else 4.0
    knee_extras = ("knee_frames_per_s", "knee_workshops", "steps", "stopped_by")
    cross_extras = (
        "one_process_p99_ms",
        "added_p99_ms",
        "drop_p99_ms",
        "one_process_drop_p99_ms",
        "cpu_both_us_per_msg",
    )
    return [
        Case(
            "cross-process",
            several.cross_process(seconds, env, SERVER_CORE),
            "p99 added by the hop ≤ 1 ms (vs one process of the same cluster), 100 % delivered",
            lambda f, r: f["delivered_pct"] >= 100.0 and (f["added_p99_ms"] or float("inf")) <= 1.0,
            own_servers=True,
            extras=cross_extras,
        ),
        Case(
            "cross-process-redis",
            several.cross_process(seconds, {**env, "FRESQUE_PEER_LINKS": "false"}, SERVER_CORE),
            "the same through Redis (direct links off): 100 % delivered; its hop for comparison",
            lambda f, r: f["delivered_pct"] >= 100.0,
            own_servers=True,
            extras=cross_extras,
        ),
        Case(
            "failover",
            several.failover(env, SERVER_CORE, 1 if quick else 3),
            "kill -9 of the writer → every resident served again ≤ 3 s (every round)",
            lambda f, r: (f["max_ms"] or float("inf")) <= 3000,
            own_servers=True,
            timed=False,
            extras=("served_again_ms", "welcomed_again_ms", "late_over_3s"),
        ),
        *(
            Case(
                f"knee-{size}",
                several.knee(size, step, env, SERVER_CORE),
                f"measured: broadcast frames/s of {size} process(es) at p99 ≤ 20 ms (workshops of 20)",
                lambda f, r: f["knee_frames_per_s"] is not None,
                own_servers=True,
                extras=knee_extras,
            )
            for size in (1, 2)
        ),
    ]


def ratio(a: float | None, b: float | None) -> float | None:
    return a / b if a is not None and b else None


RATIO_KEYS = ("p50_ms", "p99_ms", "max_ms", "delivered_pct", "cpu_per_msg_us", "mem_per_conn_kib")


@contextlib.contextmanager
def profiled(pid: int, out: Path | None) -> Iterator[None]:
    """With `out`, py-spy samples the process `pid` meanwhile (collapsed stacks, `-f raw`); see README."""
    if out is None:
        yield
        return
    spy = Path(sys.executable).with_name("py-spy")
    command = [str(spy), "record", "-p", str(pid), "-f", "raw", "-o", str(out), "-r", "500", "--nonblocking"]
    proc = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(1)  # py-spy attaches
    try:
        yield
    finally:
        proc.send_signal(signal.SIGINT)  # py-spy writes what it sampled on SIGINT
        proc.wait(timeout=60)


def run_case(case: Case, workdir: Path, profile: Path | None = None) -> dict[str, Any]:
    measured: dict[str, Metrics] = {}
    for kind in ("relay", "fresque"):
        if kind == "fresque" and case.own_servers:
            try:
                measured[kind] = asyncio.run(case.run(Target("fresque", 0, 0)))
            except Exception as exc:
                measured[kind] = {"error": f"{type(exc).__name__}: {exc}"}
            continue
        with server(kind, workdir) as target:
            out = profile / f"{case.name}.txt" if profile is not None and kind == "fresque" else None
            try:
                with profiled(target.pid, out):
                    measured[kind] = asyncio.run(case.run(target))
            except Exception as exc:  # a broken case is reported, and the others still run
                measured[kind] = {"error": f"{type(exc).__name__}: {exc}"}
    fresque, relay = measured["fresque"], measured["relay"]
    ratios = {k: ratio(fresque.get(k), relay.get(k)) for k in RATIO_KEYS}
    for m in measured.values():
        m["void"] = case.timed and m.get("gen_cpu_pct", 0) > VOID_GEN_CPU
    if "error" in fresque or "error" in relay:
        verdict = "ERROR"
    elif fresque["void"] or (case.relative and relay["void"]):
        verdict = "VOID"
    else:
        verdict = "PASS" if case.verdict(fresque, relay) else "FAIL"
    return {"case": case.name, "target": case.target, "verdict": verdict, "extras": case.extras,
            "relay": relay, "fresque": fresque, "ratio": ratios}  # fmt: skip


# -- output ------------------------------------------------------------------------------------------------


def fmt(value: Any, digits: int = 2, suffix: str = "") -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.{digits}f}{suffix}"
    if isinstance(value, list):
        return "[" + ", ".join(fmt(v, digits) for v in value) + "]"
    return f"{value}{suffix}"


COLUMNS = [  # header, key, digits
    ("p50 ms", "p50_ms", 2),
    ("p99 ms", "p99_ms", 2),
    ("max ms", "max_ms", 1),
    ("deliv %", "delivered_pct", 1),
    ("CPU/msg µs", "cpu_per_msg_us", 1),
    ("KiB/conn", "mem_per_conn_kib", 1),
    ("srv CPU %", "server_cpu_pct", 0),
    ("gen CPU %", "gen_cpu_pct", 0),
]


def table(results: list[dict[str, Any]]) -> str:
    head = f"{'case':<14} {'server':<8}" + "".join(f"{h:>11}" for h, _, _ in COLUMNS)
    lines = [head, "-" * len(head)]
    for r in results:
        notes = []
        for kind in ("relay", "fresque"):
            m = r[kind]
            label = r["case"] if kind == "relay" else ""
            if "error" in m:
                lines.append(f"{label:<14} {kind:<8} ERROR {m['error']}")
                continue
            cells = "".join(f"{fmt(m.get(k), d):>11}" for _, k, d in COLUMNS)
            lines.append(
                f"{label:<14} {kind:<8}{cells}{'  VOID (generator > 80 % CPU)' if m['void'] else ''}"
            )
            if r["extras"]:
                notes.append(f"{kind}: " + ", ".join(f"{k}={fmt(m.get(k), 1)}" for k in r["extras"]))
        cells = "".join(
            f"{fmt(r['ratio'].get(k), 2, '×') if k in RATIO_KEYS else '':>11}" for _, k, _ in COLUMNS
        )
        lines.append(f"{'':<14} {'ratio':<8}{cells}")
        lines += [f"{'':<14} {note}" for note in notes]
        lines.append(f"{'':<14} → {r['verdict']}: {r['target']}")
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description="Fresque vs a raw websockets relay")
    parser.add_argument("--quick", action="store_true", help="3 s per timed case instead of 10 s")
    parser.add_argument("--seconds", type=float, help="measured seconds per timed case")
    parser.add_argument("--only", help="comma-separated case names")
    parser.add_argument(
        "--realtime",
        action="store_true",
        help="run the servers and the load generator under SCHED_FIFO (root), ahead of other processes",
    )
    parser.add_argument(
        "--profile",
        type=Path,
        help="a folder: py-spy samples Fresque during each case into <folder>/<case>.txt (not a measurement)",
    )
    args = parser.parse_args()
    seconds = args.seconds or (3.0 if args.quick else 10.0)

    pinned = len(os.sched_getaffinity(0) & {SERVER_CORE, GEN_CORE}) == 2
    if pinned:
        os.sched_setaffinity(0, {GEN_CORE})
    else:
        print("warning: fewer than 2 cores available, server and load generator share one", file=sys.stderr)
    if args.realtime:  # inherited by the servers, their threads included
        os.sched_setscheduler(0, os.SCHED_FIFO, os.sched_param(REALTIME_PRIORITY))
    selected = [c for c in cases(seconds, args.quick) if not args.only or c.name in args.only.split(",")]
    results = []
    with tempfile.TemporaryDirectory(prefix="fresque-bench-") as tmp:
        for case in selected:
            print(f"… {case.name}", file=sys.stderr, flush=True)
            if args.profile is not None:
                args.profile.mkdir(parents=True, exist_ok=True)
            results.append(run_case(case, Path(tmp), args.profile))
    print(table(results))
    out = HERE / "results" / "latest.json"
    out.parent.mkdir(exist_ok=True)
    meta = {
        "when": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "seconds": seconds,
        "quick": args.quick,
        "pinned": {"server_core": SERVER_CORE, "generator_core": GEN_CORE} if pinned else None,
        "realtime": REALTIME_PRIORITY if args.realtime else None,
        "loadavg_after": os.getloadavg(),
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "fresque_env": FRESQUE_ENV,
        "git": subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=REPO, capture_output=True, text=True, check=False
        ).stdout.strip(),
    }
    out.write_text(json.dumps({"meta": meta, "results": results}, indent=2))
    print(f"written to {out.relative_to(REPO)}", file=sys.stderr)


if __name__ == "__main__":
    main()
