"""What every part of the `Store` (`fresque.db.store`) stands on: the engine, SQLite's one write lock and its
lanes, the tables' handles, and the clock.

Writes to SQLite go through one process-wide lock (SQLite has a single writer; queuing in asyncio is
cheaper and fairer than spinning on `busy_timeout`). PostgreSQL writes need no such lock: the per-board
room already serialises a board's changes, and `head_seq` is advanced by compare-and-set so that two
processes that believed they owned one board could never both commit the same seq.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import cast

from sqlalchemy import Table, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from .lane import Lane
from .models import Board, BoardOp, BoardSnapshot, CustomPictogram, Participant, Session, Workshop

workshops = cast(Table, Workshop.__table__)
participants = cast(Table, Participant.__table__)
sessions = cast(Table, Session.__table__)
boards = cast(Table, Board.__table__)
board_ops = cast(Table, BoardOp.__table__)
board_snapshots = cast(Table, BoardSnapshot.__table__)
custom_pictograms = cast(Table, CustomPictogram.__table__)


def now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; every one Fresque writes is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class StoreBase:
    """The engine and the ways to it; each subject's part of `fresque.db.store.Store` adds its queries."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine
        self._write_lock = asyncio.Lock() if engine.dialect.name == "sqlite" else None
        # SQLite's hot path (a board change's commit, a socket's lookups) through the stdlib in threads of
        # their own, one hop per call (`fresque.db.lane`); the writer still takes `_write_lock`.
        self._writer: Lane | None = None
        self._reader: Lane | None = None
        database = make_url(engine.url).database if engine.dialect.name == "sqlite" else None
        if database and database != ":memory:" and not database.startswith("file:"):
            self._writer = Lane(database, "writer")
            self._reader = Lane(database, "reader")

    async def close(self) -> None:
        for lane in (self._writer, self._reader):
            if lane is not None:
                await lane.close()
        await self.engine.dispose()

    def write(self) -> contextlib.AbstractAsyncContextManager[AsyncConnection]:
        """A write transaction, behind SQLite's one write lock: for the other stores on this engine
        (`fresque.db.studies`, `fresque.db.surveys`), which share the lock with this one."""
        return self._write()

    @contextlib.asynccontextmanager
    async def _write(self) -> AsyncIterator[AsyncConnection]:
        if self._write_lock is None:
            async with self.engine.begin() as conn:
                yield conn
            return
        async with self._write_lock, self.engine.begin() as conn:
            yield conn

    async def ping(self) -> bool:
        async with self.engine.connect() as conn:
            return (await conn.scalar(select(1))) == 1
