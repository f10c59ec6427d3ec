"""The several-process rig, for real: two `fresque serve` processes on one PostgreSQL behind Debian's HAProxy
running the repository's deploy/haproxy.cfg. Its health checks on /healthz take a killed process out, and
requests through HAProxy keep succeeding meanwhile (retries and redispatch) and after."""

from __future__ import annotations

import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
from support.haproxy import HAProxy
from support.server import ServerProcess

pytestmark = pytest.mark.postgres

WORKSHOP = {"title": "Atelier Saint-Mauront", "neighbourhood": "Saint-Mauront"}


@pytest.fixture
def two_processes(postgres_url: str, tmp_path: Path) -> Iterator[list[ServerProcess]]:
    first = ServerProcess(postgres_url, log_path=tmp_path / "a.log")
    second = ServerProcess(postgres_url, log_path=tmp_path / "b.log")
    first.start()  # migrates the database; the second finds it at head
    try:
        second.start()
        try:
            yield [first, second]
        finally:
            second.stop()
    finally:
        first.stop()


def test_two_processes_behind_haproxy_survive_losing_one(
    two_processes: list[ServerProcess], haproxy: Callable[[list[int]], HAProxy]
) -> None:
    proxy = haproxy([p.port for p in two_processes])
    proxy.wait_status("fresque1", "UP")
    proxy.wait_status("fresque2", "UP")

    with httpx.Client(base_url=proxy.base_url, timeout=10) as client:
        assert client.get("/healthz").status_code == 200
        # The path is hashed: boards spread over both processes (each board's sockets on one of them).
        before = {name: int(row["stot"]) for name, row in proxy.stats().items()}
        for _ in range(40):
            client.get(f"/ws/boards/{uuid.uuid4()}")
        after = {name: int(row["stot"]) for name, row in proxy.stats().items()}
        assert all(after[name] > before[name] for name in after), (before, after)
        # …and one board's path always reaches the same process.
        board = f"/ws/boards/{uuid.uuid4()}"
        before = after
        for _ in range(10):
            client.get(board)
        after = {name: int(row["stot"]) for name, row in proxy.stats().items()}
        assert sorted(after[name] - before[name] for name in after) == [0, 10], (before, after)
        # A workshop made through one process is read through the other: one database.
        made = client.post("/api/workshops", json=WORKSHOP).json()
        workshop_id, token = made["workshop"]["id"], made["facilitator"]["token"]
        for process in two_processes:
            assert process.get(f"/api/workshops/{workshop_id}", token).status_code == 200

        two_processes[0].kill()
        killed_at = time.monotonic()
        failures = []
        seen_down = None
        # Until the health checks notice and for a while after, every request through HAProxy is answered.
        while time.monotonic() - killed_at < 5.0:
            response = client.get("/healthz")
            if response.status_code != 200:
                failures.append(response.status_code)
            created = client.post("/api/workshops", json=WORKSHOP)
            if created.status_code != 201:
                failures.append(created.status_code)
            if seen_down is None and proxy.stats()["fresque1"]["status"].startswith("DOWN"):
                seen_down = time.monotonic() - killed_at
            time.sleep(0.05)
        assert failures == [], proxy.log()
        assert seen_down is not None and seen_down < 3.5, seen_down  # inter 1s, fall 2
        print(f"killed process taken out by the health checks {seen_down:.2f} s after the kill")
        assert proxy.stats()["fresque2"]["status"].startswith("UP")
