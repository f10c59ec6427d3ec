"""HAProxy for the tests, from the repository's own deploy/haproxy.cfg (Debian's haproxy, installed by
scripts/test): the same balancing, health checks and timeouts, with the bind port, the `server` lines, the
system-only `global` lines (log socket, chroot, user, daemon) and the global maxconn replaced for a throwaway
run in a temporary directory. Its stats socket says which servers the health checks hold UP or DOWN."""

from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import IO

import httpx

from .server import REPO, free_port, terminate

CONFIG = REPO / "deploy" / "haproxy.cfg"


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/bin/haproxy") if Path(p).exists()), None
    )


def render(config: str, *, port: int, servers: list[int], stats_socket: Path) -> str:
    """deploy/haproxy.cfg for a test: listen on `port`, balance over 127.0.0.1:`servers`."""
    out: list[str] = []
    for line in config.splitlines():
        words = line.split()
        if "# system only" in line:
            continue
        if words[:1] == ["bind"]:
            out.append(f"    bind 127.0.0.1:{port}")
        elif words[:1] == ["maxconn"] and not line.startswith("        "):
            out.append("    maxconn 1000")  # the global one: fits a test machine's file limit
        elif words[:1] == ["server"]:
            continue
        else:
            out.append(line)
        if words[:1] == ["global"]:
            out.append(f"    stats socket {stats_socket} mode 600 level admin")
            out.append("    log stdout format raw local0")  # into the test's log file
    assert any(line.startswith("backend ") for line in out), "deploy/haproxy.cfg lost its backend"
    out += [f"    server fresque{i + 1} 127.0.0.1:{p}" for i, p in enumerate(servers)]
    return "\n".join(out) + "\n"


class HAProxy:
    def __init__(self, binary: str, servers: list[int]) -> None:
        self.binary = binary
        self.root = Path(tempfile.mkdtemp(prefix="fresque-haproxy-"))
        self.port = free_port()
        self.stats_socket = self.root / "stats.sock"
        self.config_path = self.root / "haproxy.cfg"
        self.config_path.write_text(
            render(CONFIG.read_text(), port=self.port, servers=servers, stats_socket=self.stats_socket)
        )
        self.proc: subprocess.Popen[bytes] | None = None
        self._log: IO[bytes] | None = None

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 10.0) -> None:
        check = subprocess.run(
            [self.binary, "-c", "-q", "-f", str(self.config_path)], capture_output=True, timeout=30
        )
        if check.returncode != 0:
            raise RuntimeError(f"haproxy refused its config: {check.stderr.decode(errors='replace')}")
        self._log = open(self.root / "haproxy.log", "ab")
        # -db: in the foreground, not as a daemon, so that the test owns (and stops) the process
        self.proc = subprocess.Popen(
            [self.binary, "-db", "-f", str(self.config_path)], stdout=self._log, stderr=subprocess.STDOUT
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"haproxy exited with {self.proc.returncode}: {self.log()}")
            try:
                httpx.get(f"{self.base_url}/healthz", timeout=1)
                return
            except httpx.HTTPError:
                time.sleep(0.05)
        raise RuntimeError(f"haproxy did not listen in {timeout}s: {self.log()}")

    def log(self) -> str:
        try:
            return (self.root / "haproxy.log").read_text(errors="replace")[-3000:]
        except OSError:
            return ""

    def stats(self) -> dict[str, dict[str, str]]:
        """`show stat` of the backend's servers: {name: {"status": "UP"|"DOWN"|…, "stot": sessions, …}}."""
        with socket.socket(socket.AF_UNIX) as conn:
            conn.settimeout(2)
            conn.connect(str(self.stats_socket))
            conn.sendall(b"show stat\n")
            data = b""
            while chunk := conn.recv(65536):
                data += chunk
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:] if line]
        servers = [r for r in rows if r["pxname"] == "fresque" and r["svname"].startswith("fresque")]
        return {r["svname"]: r for r in servers}

    def wait_status(self, server: str, status: str, timeout: float = 10.0) -> float:
        """Seconds until the health checks hold `server` in `status` (UP, DOWN)."""
        start = time.monotonic()
        while time.monotonic() - start < timeout:
            if self.stats()[server]["status"].startswith(status):
                return time.monotonic() - start
            time.sleep(0.05)
        raise AssertionError(f"{server} not {status} after {timeout}s: {self.stats()[server]['status']}")

    def stop(self) -> None:
        if self.proc is not None:
            terminate(self.proc)
            self.proc = None
        if self._log is not None:
            self._log.close()
            self._log = None
        shutil.rmtree(self.root, ignore_errors=True)
