"""Test servers forked from a process that has already imported Fresque, instead of a fresh interpreter each.

Most tests start a `fresque serve` of their own, and a fresh interpreter spends about a second importing
FastAPI, SQLAlchemy, pydantic and Fresque's modules before it migrates and listens: over a suite, most of the
servers' start-up. The standard library's fork server (`multiprocessing`'s "forkserver" context) imports
them once per test process, then forks each server from there. The server then runs the same code as
`python -m fresque.cli serve …`: `fresque.cli.main` with the same arguments, in a process of its own with its
own environment, log file and pid, killed, paused and resumed by signals like any other.

FRESQUE_TEST_FORK=0 starts every server as a fresh interpreter instead (`subprocess`), as CI did before.
"""

from __future__ import annotations

import multiprocessing
import os
import resource
import signal
import subprocess
import sys
from multiprocessing.context import ForkServerContext
from multiprocessing.process import BaseProcess
from pathlib import Path

# What `fresque serve` imports before it listens (fresque.cli.serve), imported once by the fork server.
PRELOAD = [
    "fresque.cli",
    "fresque.app",
    "fresque.db.migrate",
    "fresque.first_request",
    "fresque.lean_socket",
    "fresque.rooms.caps",
    "fresque.socket_entry",
    "uvicorn",
    "alembic.command",
]


def enabled() -> bool:
    return os.environ.get("FRESQUE_TEST_FORK", "1") != "0"


_context: ForkServerContext | None = None


def _fork_server() -> ForkServerContext:
    global _context
    if _context is None:
        context = multiprocessing.get_context("forkserver")
        assert isinstance(context, ForkServerContext)
        context.set_forkserver_preload(PRELOAD)
        _context = context
    return _context


def _serve(argv: list[str], env: dict[str, str], cwd: str, log_path: str, file_limit: int | None) -> None:
    """In the forked child: become the server process `python -m fresque.cli <argv>` would be."""
    log = os.open(log_path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    os.dup2(log, 1)
    os.dup2(log, 2)
    os.close(log)
    for stream in (sys.stdout, sys.stderr):  # each line reaches the log when written, as if unbuffered
        stream.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    os.environ.clear()
    os.environ.update(env)
    os.chdir(cwd)
    if file_limit is not None:
        resource.setrlimit(resource.RLIMIT_NOFILE, (file_limit, file_limit))
    from fresque.cli import main

    main(argv)


class Forked:
    """The part of `subprocess.Popen` the tests use, for a server forked by the fork server."""

    def __init__(self, process: BaseProcess) -> None:
        self._process = process
        assert process.pid is not None
        self.pid: int = process.pid

    @property
    def returncode(self) -> int | None:
        return self._process.exitcode

    def poll(self) -> int | None:
        return self._process.exitcode

    def wait(self, timeout: float | None = None) -> int:
        self._process.join(timeout)
        if self._process.exitcode is None:
            raise subprocess.TimeoutExpired(f"fresque serve (pid {self.pid})", timeout or 0)
        return self._process.exitcode

    def send_signal(self, sig: int) -> None:
        if self._process.exitcode is None:
            os.kill(self.pid, sig)

    def terminate(self) -> None:
        self.send_signal(signal.SIGTERM)

    def kill(self) -> None:
        self.send_signal(signal.SIGKILL)


def start_server(
    argv: list[str], *, env: dict[str, str], cwd: Path, log_path: Path, file_limit: int | None
) -> Forked:
    """`fresque <argv>` (e.g. ["serve", "--port", "12001", …]) forked from the fork server."""
    process = _fork_server().Process(
        target=_serve,
        args=(argv, env, str(cwd), str(log_path), file_limit),
        name=f"fresque {' '.join(argv[:1])}",
        daemon=True,  # one a test left running is ended when its test process exits
    )
    process.start()
    return Forked(process)
