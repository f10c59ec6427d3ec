"""Run `fresque serve` as a real process for the tests: start, stop, SIGKILL, restart on the same port."""

from __future__ import annotations

import contextlib
import os
import random
import resource
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

import httpx

from . import forked

REPO = Path(__file__).resolve().parents[2]


# Ports for the servers the tests start. Not the kernel's `bind(0)`: it hands out ports of the ephemeral
# range, where an outgoing connection (a test's client, a browser) may land between the pick and the
# server's bind. Each pytest-xdist worker (`gw0`, `gw1`, ...; a plain run is worker 0) walks a block of its
# own below that range (32768-60999 on Linux), so no two workers pick the same port; each process starts at
# a random place in its block, so two separate runs on one machine (both worker 0) do not walk it in step.
PORT_BLOCK = 1500
FIRST_PORT = 12000
BLOCKS = (32768 - FIRST_PORT) // PORT_BLOCK  # workers beyond the 13th share blocks (and may collide)
_next_port = random.randrange(PORT_BLOCK)


def _worker_index() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "gw0")
    return int(worker.removeprefix("gw")) if worker.removeprefix("gw").isdigit() else 0


def free_port() -> int:
    """A port on 127.0.0.1 free now, from this worker's block."""
    global _next_port
    start = FIRST_PORT + (_worker_index() % BLOCKS) * PORT_BLOCK
    for _ in range(PORT_BLOCK):
        port = start + _next_port
        _next_port = (_next_port + 1) % PORT_BLOCK
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue  # taken (a server of an earlier test still closing, or another program)
            return port
    raise RuntimeError(f"no free port in {start}-{start + PORT_BLOCK - 1}")


def terminate(proc: subprocess.Popen[bytes] | forked.Forked, timeout: float = 10) -> None:
    """SIGTERM, and SIGKILL if the process has not ended `timeout` seconds later (Fresque, Redis, HAProxy)."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


# Test modules share one server and one address (127.0.0.1) for dozens of workshops (a fixture per case):
# the creation allowance (`fresque.ratelimit.CreationLimiter`) is lifted unless a test's `env` sets it
# (tests/test_abuse_creation.py tests the real defaults by passing them explicitly).
LIFTED_LIMITS = {"FRESQUE_CREATE_BURST": "100000", "FRESQUE_CREATE_GLOBAL_BURST": "100000"}


class ServerProcess:
    def __init__(
        self,
        database_url: str,
        *,
        log_path: Path,
        env: dict[str, str] | None = None,
        file_limit: int | None = None,
    ) -> None:
        self.database_url = database_url
        self.file_limit = file_limit  # soft and hard RLIMIT_NOFILE of the server process, when given
        self.log_path = log_path
        self.port = free_port()
        self.env = env or {}
        self.proc: subprocess.Popen[bytes] | forked.Forked | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def origin(self) -> str:
        return self.base_url

    def ws_url(self, board_id: str) -> str:
        return f"ws://127.0.0.1:{self.port}/ws/boards/{board_id}"

    def start(self, *, migrate: bool = True, timeout: float = 30.0) -> None:
        argv = ["serve", "--port", str(self.port), "--database-url", self.database_url]
        if not migrate:
            argv.append("--no-migrate")
        self.proc = self._launch(argv, {**os.environ, **LIFTED_LIMITS, **self.env, "PYTHONUNBUFFERED": "1"})
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                returncode = self.proc.returncode
                self._finish()
                raise RuntimeError(f"server exited with {returncode}:\n{self.log()}")
            try:
                if httpx.get(f"{self.base_url}/healthz", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        self.stop()  # not left running: the fixture that started it never reaches its own stop
        raise RuntimeError(f"server did not become healthy in {timeout}s:\n{self.log()}")

    def _launch(self, argv: list[str], env: dict[str, str]) -> subprocess.Popen[bytes] | forked.Forked:
        """`fresque <argv>`: forked from the process that has Fresque imported, or a fresh interpreter."""
        # A server given interpreter settings of its own (PYTHONPATH with an import hook…) needs a fresh
        # interpreter: the fork server started, and imported everything, with the tests' own.
        if forked.enabled() and not any(name.startswith("PYTHON") for name in self.env):
            return forked.start_server(
                argv, env=env, cwd=REPO, log_path=self.log_path, file_limit=self.file_limit
            )
        self._log = open(self.log_path, "ab")
        limit = self.file_limit

        def lower_file_limit() -> None:  # in the child, before exec
            if limit is not None:
                resource.setrlimit(resource.RLIMIT_NOFILE, (limit, limit))

        return subprocess.Popen(
            [sys.executable, "-m", "fresque.cli", *argv],
            cwd=REPO,
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
            preexec_fn=lower_file_limit if limit is not None else None,
        )

    @contextlib.contextmanager
    def running(self) -> Iterator[ServerProcess]:
        """Started, and stopped after the block however it ends (`with ServerProcess(…).running() as p:`)."""
        self.start()
        try:
            yield self
        finally:
            self.stop()

    def log(self) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-4000:]
        except OSError:
            return ""

    def _finish(self) -> None:
        if self._log is not None:
            self._log.close()
            self._log = None
        self.proc = None

    def stop(self) -> None:
        if self.proc is None:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a paused process would not act on SIGTERM
        terminate(self.proc, timeout=15)
        self._finish()

    def kill(self) -> None:
        """SIGKILL: no shutdown code runs, exactly like a power cut for the process."""
        if self.proc is None:
            return
        self.proc.kill()
        self.proc.wait()
        self._finish()

    @property
    def pid(self) -> int | None:
        """The server's OS process id while it runs (several-process mode names its writer with it)."""
        return None if self.proc is None else self.proc.pid

    def pause(self) -> None:
        """SIGSTOP: the process holds its sockets and its state but runs nothing, as in a long GC pause."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        """SIGCONT after `pause`: it runs on from where it stopped, its timers all late."""
        assert self.proc is not None
        self.proc.send_signal(signal.SIGCONT)

    # -- HTTP helpers ------------------------------------------------------------------------------------

    def post(self, path: str, json: Any = None, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.post(f"{self.base_url}{path}", json=json, headers=headers, timeout=30)

    def get(self, path: str, token: str | None = None) -> httpx.Response:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.get(f"{self.base_url}{path}", headers=headers, timeout=30)

    def create_workshop(self, title: str = "Atelier Jas-de-Bouffan") -> dict[str, Any]:
        response = self.post("/api/workshops", {"title": title, "neighbourhood": "Jas-de-Bouffan"})
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    def join(self, code: str, alias: str) -> dict[str, Any]:
        response = self.post("/api/join", {"code": code, "alias": alias})
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data
