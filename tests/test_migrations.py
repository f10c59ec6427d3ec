"""Migrations on SQLite and on a real PostgreSQL server: up to head, no drift from the models, down to base,
and up again; and the embedded SQLite runs in WAL mode with a busy timeout."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from fresque.db import migrate
from fresque.db.engine import make_engine
from fresque.db.models import Base
from sqlalchemy import inspect, text

REPO = Path(__file__).resolve().parents[1]


async def _tables(url: str) -> set[str]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        names = await conn.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    await engine.dispose()
    return names - {"alembic_version"}


def test_upgrade_check_downgrade_upgrade(database_url: str) -> None:
    migrate.upgrade(database_url)
    assert asyncio.run(_tables(database_url)) == set(Base.metadata.tables)
    migrate.check(database_url)  # raises if models and migrations disagree
    migrate.downgrade(database_url, "base")
    assert asyncio.run(_tables(database_url)) == set()
    migrate.upgrade(database_url)
    migrate.check(database_url)
    assert asyncio.run(_tables(database_url)) == set(Base.metadata.tables)


def test_fresque_migrate_command(database_url: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "fresque.cli", "migrate", "--database-url", database_url],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "database at head" in result.stderr
    assert asyncio.run(_tables(database_url)) == set(Base.metadata.tables)


async def test_sqlite_runs_in_wal_with_a_busy_timeout_and_foreign_keys(sqlite_url: str) -> None:
    engine = make_engine(sqlite_url)
    async with engine.connect() as conn:
        assert (await conn.scalar(text("PRAGMA journal_mode"))) == "wal"
        assert (await conn.scalar(text("PRAGMA busy_timeout"))) == 5000
        assert (await conn.scalar(text("PRAGMA foreign_keys"))) == 1
        assert (await conn.scalar(text("PRAGMA synchronous"))) == 2  # FULL
    await engine.dispose()


@pytest.mark.parametrize("module", ["fresque.core.board", "fresque.core.text", "fresque.core.errors"])
def test_the_core_imports_no_framework(module: str) -> None:
    """The board rules stay pure: no web framework, database or validation library inside."""
    code = (
        f"import sys, {module}; "
        "frameworks = {'fastapi', 'starlette', 'sqlalchemy', 'pydantic'}; "
        "bad = [m for m in sys.modules if m.split('.')[0] in frameworks]; "
        "print(','.join(bad))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""
