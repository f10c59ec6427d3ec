"""Shared fixtures: real databases (SQLite files, a throwaway PostgreSQL server) and real server processes.

PostgreSQL: the tests start their own throwaway server with the installed `initdb`/`pg_ctl` (as the
`postgres` user when run as root, since PostgreSQL refuses to run as root), and pytest-postgresql's
`DatabaseJanitor` makes a fresh database per test. Without PostgreSQL installed those tests skip, saying
so, unless FRESQUE_REQUIRE_POSTGRES=1 (set by CI), where they fail instead.

Redis and HAProxy (several-process mode, docs/scale-out.md): Debian's `redis-server` and `haproxy`, started
by the tests as throwaway processes (tests/support/redis_server.py, tests/support/haproxy.py). Missing, those
tests skip saying so, unless FRESQUE_REQUIRE_REDIS=1 / FRESQUE_REQUIRE_HAPROXY=1 (set by CI).
"""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from support.haproxy import HAProxy, haproxy_binary
from support.postgres import PostgresServer, pg_bin
from support.redis_server import RedisServer, redis_binary
from support.server import ServerProcess

REPO = Path(__file__).resolve().parents[1]


# -- PostgreSQL --------------------------------------------------------------------------------------------


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[PostgresServer]:
    required = os.environ.get("FRESQUE_REQUIRE_POSTGRES") == "1"
    bindir = pg_bin()
    if bindir is None:
        if required:
            pytest.fail("FRESQUE_REQUIRE_POSTGRES=1 but no PostgreSQL (pg_ctl) is installed")
        pytest.skip("PostgreSQL is not installed here (no pg_ctl): CI installs it and runs these tests")
    server = PostgresServer(bindir)
    try:
        server.start()
    except (subprocess.CalledProcessError, OSError) as exc:
        detail = getattr(exc, "stderr", b"") or b""
        if required:
            pytest.fail(f"could not start PostgreSQL: {exc} {detail.decode(errors='replace')}")
        pytest.skip(f"could not start a throwaway PostgreSQL server: {exc}")
    yield server
    server.stop()


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    from pytest_postgresql.janitor import DatabaseJanitor

    name = f"fresque_{uuid.uuid4().hex[:12]}"
    janitor = DatabaseJanitor(
        user="postgres", host="127.0.0.1", port=postgres_server.port, dbname=name, password=None
    )
    janitor.init()
    try:
        yield f"postgresql+asyncpg://postgres@127.0.0.1:{postgres_server.port}/{name}"
    finally:
        janitor.drop()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path / 'fresque.sqlite3'}"


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Each test using this runs once on SQLite and once on a real PostgreSQL server."""
    if request.param == "sqlite":
        return f"sqlite+aiosqlite:///{tmp_path / 'fresque.sqlite3'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


# -- Redis and HAProxy ------------------------------------------------------------------------------------


def _missing(variable: str, what: str) -> None:
    """Skip (here) or fail (CI, where `variable`=1) a test whose real part is not installed."""
    if os.environ.get(variable) == "1":
        pytest.fail(f"{variable}=1 but {what}")
    pytest.skip(f"{what}: scripts/test installs it, CI runs these tests")


@pytest.fixture(scope="session")
def redis_server() -> Iterator[RedisServer]:
    """One throwaway redis-server for the session (no persistence, a temporary directory)."""
    binary = redis_binary()
    if binary is None:
        _missing("FRESQUE_REQUIRE_REDIS", "redis-server is not installed")
    assert binary is not None
    server = RedisServer(binary)
    try:
        server.start()
    except (RuntimeError, OSError) as exc:
        server.remove()
        _missing("FRESQUE_REQUIRE_REDIS", f"redis-server did not start: {exc}")
    yield server
    server.remove()


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The session's Redis, emptied for this test (and running: a test may have stopped it)."""
    if not redis_server.ping():
        redis_server.start()
    redis_server.flush()
    return redis_server.url


@pytest.fixture
def haproxy() -> Iterator[Callable[[list[int]], HAProxy]]:
    """Starts haproxy with deploy/haproxy.cfg in front of the given ports; stopped after the test."""
    binary = haproxy_binary()
    if binary is None:
        _missing("FRESQUE_REQUIRE_HAPROXY", "haproxy is not installed")
    assert binary is not None
    started: list[HAProxy] = []

    def start(ports: list[int]) -> HAProxy:
        proxy = HAProxy(binary, ports)
        started.append(proxy)
        proxy.start()
        return proxy

    yield start
    for proxy in started:
        proxy.stop()


# -- a real server process ---------------------------------------------------------------------------------


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """`fresque serve` in its own process, on a free port, migrated, on SQLite or PostgreSQL."""
    with ServerProcess(database_url, log_path=tmp_path / "server.log").running() as proc:
        yield proc


@pytest.fixture
def sqlite_server(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    with ServerProcess(sqlite_url, log_path=tmp_path / "server.log").running() as proc:
        yield proc
