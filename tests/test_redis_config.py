"""FRESQUE_REDIS_URL turns on several-process mode, which needs PostgreSQL: on SQLite the server refuses to
start, saying why (and without printing the URL, which may hold a password). Unset, nothing changes: one
process, in-memory limits, no Redis."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from fresque.config import Settings
from fresque.ratelimit import CreationLimiter, JoinLimiter
from pydantic import ValidationError


def serve_with(tmp_path: Path, settings: dict[str, str]) -> subprocess.CompletedProcess[bytes]:
    """`fresque serve` on a SQLite file with these `FRESQUE_*` settings, run until it exits."""
    database = f"sqlite+aiosqlite:///{tmp_path / 'fresque.sqlite3'}"
    return subprocess.run(
        [sys.executable, "-m", "fresque.cli", "serve", "--port", "0", "--database-url", database],
        env={**os.environ, **settings},
        capture_output=True,
        timeout=60,
    )


def test_serve_refuses_redis_on_sqlite(tmp_path: Path) -> None:
    done = serve_with(tmp_path, {"FRESQUE_REDIS_URL": "redis://:s3cret@127.0.0.1:6390/0"})
    assert done.returncode == 2
    said = done.stderr.decode()
    assert "FRESQUE_REDIS_URL" in said and "needs PostgreSQL" in said
    assert "s3cret" not in said and "Traceback" not in said
    assert not (tmp_path / "fresque.sqlite3").exists()  # refused before anything was made


def test_settings() -> None:
    with pytest.raises(ValidationError, match="needs PostgreSQL"):
        Settings(database_url="sqlite+aiosqlite:///x.sqlite3", redis_url="redis://127.0.0.1/0")
    ok = Settings(database_url="postgresql+asyncpg://u@h/db", redis_url="redis://127.0.0.1/0")
    assert ok.redis_url == "redis://127.0.0.1/0"
    assert Settings(database_url="sqlite+aiosqlite:///x.sqlite3", redis_url="  ").redis_url is None


def test_serve_refuses_a_peer_port_out_of_range(tmp_path: Path) -> None:
    done = serve_with(tmp_path, {"FRESQUE_PEER_PORT": "70000"})
    assert done.returncode == 2
    said = done.stderr.decode()
    assert "65535" in said and "Traceback" not in said, said


def test_peer_link_settings() -> None:
    default = Settings(database_url="postgresql+asyncpg://u@h/db", redis_url="redis://127.0.0.1/0")
    assert (default.peer_links, default.peer_host, default.peer_port) == (True, "127.0.0.1", 0)
    for port in (-1, 65536):
        with pytest.raises(ValidationError):
            Settings(peer_port=port)
    for host in ("0.0.0.0", "::", " "):  # the others could not connect to it
        with pytest.raises(ValidationError, match="FRESQUE_PEER_HOST"):
            Settings(peer_host=host)
    assert Settings(peer_host=" 10.0.0.11 ").peer_host == "10.0.0.11"


async def test_one_process_uses_no_redis(tmp_path: Path) -> None:
    """The default: the in-memory limiters, and the Redis client not even imported."""
    code = (
        "import sys, asyncio\n"
        "from fresque.app import create_app\n"
        "from fresque.config import Settings\n"
        "from fresque.ratelimit import JoinLimiter, CreationLimiter\n"
        f"s = Settings(database_url='sqlite+aiosqlite:///{tmp_path}/f.sqlite3', data_dir='{tmp_path}')\n"
        "from fresque.db import migrate; migrate.upgrade(s.database_url)\n"
        "app = create_app(s)\n"
        "async def main():\n"
        "    async with app.router.lifespan_context(app):\n"
        "        svc = app.state.services\n"
        "        print(type(svc.join_limiter).__name__, type(svc.creation_limiter).__name__)\n"
        "    print('redis' in sys.modules, 'fresque.shared.link' in sys.modules)\n"
        "asyncio.run(main())\n"
    )
    env = {k: v for k, v in os.environ.items() if k != "FRESQUE_REDIS_URL"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode().split() == [JoinLimiter.__name__, CreationLimiter.__name__, "False", "False"]
