"""SQLite's hot path without SQLAlchemy: one stdlib `sqlite3` connection in a thread of its own.

A board change's commit through SQLAlchemy and aiosqlite crosses between the event loop and aiosqlite's thread
once per step (pool checkout, begin, each statement's cursor, execute and fetch, commit, the rollback on
return: about ten hops, each a wake-up of both threads), and builds, keys and looks up each statement in
Python. Profiled (benchmarks/README.md, docs/performance.md), that was most of the server's CPU per durable
change. Here a whole transaction (or a lookup and its fetch) is one function run in the lane's thread: one
hop there and back, statements written once as SQL text.

Nothing is loosened: the connection gets the engine's pragmas (WAL, `synchronous=FULL`, foreign keys, secure
deletion), a write is `BEGIN IMMEDIATE … COMMIT` and its caller answers only after the COMMIT returned
(after the fsync), and writers still queue on the store's one write lock, shared with SQLAlchemy's
connections. Only used for a database file (an in-memory database is one per connection).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from .engine import _sqlite_pragmas as sqlite_pragmas

T = TypeVar("T")


def sqlite_time(value: datetime) -> str:
    """A datetime as SQLAlchemy's SQLite `DateTime` stores it (UTC, no offset), so both read it back alike."""
    # isoformat, not strftime: a third of the writer thread's Python time per change went to strftime.
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ", "microseconds")


class Lane:
    def __init__(self, path: str, name: str) -> None:
        self.path = path
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"fresque-sqlite-{name}")
        self._conn: sqlite3.Connection | None = None

    def _connection(self) -> sqlite3.Connection:  # in the lane's thread
        if self._conn is None:
            # isolation_level=None: no implicit transactions; a write says BEGIN IMMEDIATE itself.
            conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            sqlite_pragmas(conn, None)
            self._conn = conn
        return self._conn

    def _call(self, fn: Callable[..., T], args: tuple[Any, ...]) -> T:
        return fn(self._connection(), *args)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """`fn(connection, *args)` in the lane's thread."""
        return await asyncio.get_running_loop().run_in_executor(self._pool, partial(self._call, fn, args))

    def _close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def close(self) -> None:
        await asyncio.get_running_loop().run_in_executor(self._pool, self._close)
        self._pool.shutdown(wait=True)


def transaction(conn: sqlite3.Connection, work: Callable[[sqlite3.Connection], T]) -> T:
    """`work` inside BEGIN IMMEDIATE … COMMIT; rolled back when it or the COMMIT raises.

    A COMMIT can fail too (a deferred constraint, a full disk, an I/O error); the transaction is then still
    open, and without the rollback every later BEGIN on this one connection would fail: the lane would die.
    """
    conn.execute("BEGIN IMMEDIATE")
    try:
        result = work(conn)
        conn.execute("COMMIT")
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    return result
