"""SQLite's hot path (`fresque.db.lane`): a change committed through the lane is durable and exclusive as
through SQLAlchemy: `synchronous=FULL` in WAL mode, one row per seq, a duplicate op_id answered with its seq,
a lost head refused, and what it wrote read back by SQLAlchemy's own connections (times included)."""

from __future__ import annotations

import asyncio
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fresque.db import migrate
from fresque.db.store import DuplicateOp, HeadMoved, LoggedChange, Store


def _pragmas(conn: sqlite3.Connection) -> tuple[str, int]:
    return conn.execute("PRAGMA journal_mode").fetchone()[0], conn.execute("PRAGMA synchronous").fetchone()[0]


def test_a_change_goes_through_the_lane_durably_once(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'lane.sqlite3'}"
    migrate.upgrade(url)

    async def scenario() -> None:
        store = Store.from_url(url)
        try:
            assert store._writer is not None and store._reader is not None  # the file takes the lane
            await store.create_workshop(
                workshop_id="w" * 8, title="t", neighbourhood=None, date=None, join_code="123456"
            )
            await store.create_board(
                board_id="b" * 8, workshop_id="w" * 8, kind="exploration", title="t", state="{}"
            )
            before = datetime.now(UTC)
            await store.append_change("b" * 8, LoggedChange(1, "op-1", "author", "[]"), title="renamed")
            # The writer's connection: WAL and FULL (2), as the engine's.
            assert await store._writer.run(_pragmas) == ("wal", 2)
            with pytest.raises(DuplicateOp) as dup:
                await store.append_change("b" * 8, LoggedChange(2, "op-1", "author", "[]"))
            assert dup.value.seq == 1
            with pytest.raises(HeadMoved):  # seq 5 does not follow head 1: nothing is written
                await store.append_change("b" * 8, LoggedChange(5, "op-5", "author", "[]"))
            # Read back through SQLAlchemy: the head, the title, the log and its time.
            row = await store.board("b" * 8)
            assert row is not None and (row.head_seq, row.title) == (1, "renamed")
            stored = await store.load_board("b" * 8)
            assert stored is not None and [c.seq for c in stored.tail] == [1]
            assert await store.receipt("b" * 8, "author", "op-1") == 1
            async with store.engine.connect() as conn:
                created = (await conn.exec_driver_sql("SELECT created_at FROM board_ops")).scalar_one()
            assert isinstance(created, str) and len(created) == len("2026-12-07 02:03:04.000000")
            at = datetime.fromisoformat(created).replace(tzinfo=UTC)
            assert before - timedelta(seconds=1) <= at <= datetime.now(UTC)
        finally:
            await store.close()

    asyncio.run(scenario())


def test_a_commit_that_fails_leaves_the_lane_usable(tmp_path: Path) -> None:
    """A failed COMMIT (here a deferred foreign key) is rolled back: the next transaction on the same
    connection begins and commits, and nothing of the failed one is kept."""
    from fresque.db.lane import transaction

    conn = sqlite3.connect(tmp_path / "t.sqlite3", isolation_level=None)
    conn.execute("PRAGMA foreign_keys = ON")
    conn.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
    conn.execute(
        "CREATE TABLE child (id INTEGER PRIMARY KEY, "
        "parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"
    )
    with pytest.raises(sqlite3.IntegrityError):  # raised by the COMMIT, not by the INSERT
        transaction(conn, lambda c: c.execute("INSERT INTO child VALUES (1, 99)"))
    assert not conn.in_transaction
    transaction(conn, lambda c: c.execute("INSERT INTO parent VALUES (99)"))
    assert conn.execute("SELECT count(*) FROM child").fetchone()[0] == 0
    assert conn.execute("SELECT count(*) FROM parent").fetchone()[0] == 1
