"""A throwaway PostgreSQL server (the installed `initdb`/`pg_ctl`, as the `postgres` user when run as root,
since PostgreSQL refuses to run as root): for the tests (tests/conftest.py) and the several-process
benchmarks (benchmarks/cluster.py)."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from .server import free_port


def pg_bin() -> Path | None:
    found = shutil.which("pg_ctl")
    if found:
        return Path(found).resolve().parent
    candidates = sorted(Path("/usr/lib/postgresql").glob("*/bin/pg_ctl"), reverse=True)
    return candidates[0].parent if candidates else None


class PostgresServer:
    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="fresque-pg-"))
        self.datadir = self.root / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0

    def _run(self, *args: str) -> None:
        command = [str(a) for a in args]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> None:
        if self.as_root:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(self.bindir / "initdb", "-D", self.datadir, "-U", "postgres", "--auth=trust", "-E", "UTF8")
        self._run(
            self.bindir / "pg_ctl",
            "-D",
            self.datadir,
            "-w",
            "-l",
            self.root / "log",
            "-o",
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        )

    def stop(self) -> None:
        try:
            self._run(self.bindir / "pg_ctl", "-D", self.datadir, "-m", "fast", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)
