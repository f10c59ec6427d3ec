"""Boards, their op log and their snapshot: the hot path (a board change's commit, its receipt, the rebuild).

On SQLite with a file, the commit and the lookups go through `fresque.db.lane` with the same statements as
the SQLAlchemy ones, written again in SQL below; on PostgreSQL the head moves first (see `append_change`).
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from .lane import sqlite_time, transaction
from .store_base import StoreBase, board_ops, board_snapshots, boards, now


class DuplicateOp(Exception):
    def __init__(self, seq: int) -> None:
        super().__init__(f"op already applied at seq {seq}")
        self.seq = seq


class HeadMoved(Exception):
    """Someone else advanced this board's head: this process no longer owns the board."""


@dataclass(frozen=True)
class BoardRow:
    id: str
    workshop_id: str
    kind: str
    title: str
    head_seq: int


@dataclass(frozen=True)
class LoggedChange:
    seq: int
    op_id: str
    author_id: str
    ops: str


@dataclass(frozen=True)
class StoredBoard:
    row: BoardRow
    snapshot_seq: int
    snapshot: str | None
    tail: list[LoggedChange]


async def log_after(conn: AsyncConnection, board_id: str, seq: int) -> list[LoggedChange]:
    """The op log's changes after `seq`, in order (a payload is None once compacted under a snapshot):
    the tail an opening replays, and what a process following the board catches up with."""
    rows = (
        await conn.execute(
            select(board_ops.c.seq, board_ops.c.op_id, board_ops.c.author_id, board_ops.c.ops)
            .where(board_ops.c.board_id == board_id, board_ops.c.seq > seq)
            .order_by(board_ops.c.seq)
        )
    ).all()
    return [LoggedChange(row.seq, row.op_id, row.author_id, row.ops) for row in rows]


class BoardsLog(StoreBase):
    # -- boards -------------------------------------------------------------------------------------------

    async def create_board(
        self, *, board_id: str, workshop_id: str, kind: str, title: str, state: str
    ) -> None:
        """A new board starts at seq 0 with its initial state stored as the snapshot at seq 0."""
        async with self._write() as conn:
            await conn.execute(
                insert(boards).values(
                    id=board_id, workshop_id=workshop_id, kind=kind, title=title, head_seq=0, created_at=now()
                )
            )
            await conn.execute(
                insert(board_snapshots).values(board_id=board_id, seq=0, state=state, created_at=now())
            )

    async def board(self, board_id: str) -> BoardRow | None:
        if self._reader is not None:
            found = await self._reader.run(_board_row, board_id)
            return None if found is None else BoardRow(*found)
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(boards).where(boards.c.id == board_id))).first()
        return None if row is None else BoardRow(row.id, row.workshop_id, row.kind, row.title, row.head_seq)

    async def boards_of(self, workshop_id: str) -> list[BoardRow]:
        query = select(boards).where(boards.c.workshop_id == workshop_id).order_by(boards.c.created_at)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [BoardRow(r.id, r.workshop_id, r.kind, r.title, r.head_seq) for r in rows]

    async def load_board(self, board_id: str) -> StoredBoard | None:
        """The latest snapshot and every change after it: all that is needed to rebuild the board.

        Read in one snapshot of the database (PostgreSQL's REPEATABLE READ): with several processes, the
        board's writer may commit between the reads, and the head, the snapshot and the log must agree."""
        async with self.engine.connect() as conn:
            if self.engine.dialect.name == "postgresql":
                conn = await conn.execution_options(isolation_level="REPEATABLE READ")
                await conn.begin()
            row = (await conn.execute(select(boards).where(boards.c.id == board_id))).first()
            if row is None:
                return None
            snap = (
                await conn.execute(select(board_snapshots).where(board_snapshots.c.board_id == board_id))
            ).first()
            snapshot_seq = snap.seq if snap is not None else 0
            tail = await log_after(conn, board_id, snapshot_seq)
        return StoredBoard(
            row=BoardRow(row.id, row.workshop_id, row.kind, row.title, row.head_seq),
            snapshot_seq=snapshot_seq,
            snapshot=snap.state if snap is not None else None,
            tail=tail,
        )

    async def receipt(self, board_id: str, author_id: str, op_id: str) -> int | None:
        if self._reader is not None:
            return await self._reader.run(_receipt, board_id, author_id, op_id)
        query = select(board_ops.c.seq).where(
            board_ops.c.board_id == board_id, board_ops.c.author_id == author_id, board_ops.c.op_id == op_id
        )
        async with self.engine.connect() as conn:
            result: int | None = await conn.scalar(query)
            return result

    async def append_change(
        self,
        board_id: str,
        change: LoggedChange,
        *,
        snapshot: str | None = None,
        compact_before: int | None = None,
        title: str | None = None,
        fence: int | None = None,
    ) -> None:
        """Commit one change; raises DuplicateOp for an op_id already logged, HeadMoved if we lost the board.

        When `snapshot` is given it is the state after this change and replaces the board's snapshot in the
        same transaction; payloads of changes with seq < `compact_before` are then dropped. `title` is the
        board's new title when this change renamed it. `fence` (several processes, `fresque.db.leases`) is
        the writer's lease epoch: the head moves only while the board's `writer_epoch` is still that, in the
        same statement, so a writer that lost its lease, however late it comes back, commits nothing.
        """
        if fence is not None and self._writer is not None:  # pragma: no cover - refused by `fresque.config`
            raise RuntimeError("several-process mode needs PostgreSQL")
        if self._writer is not None and self._write_lock is not None:
            try:
                async with self._write_lock:
                    await self._writer.run(
                        _append_change, board_id, change, sqlite_time(now()), snapshot, compact_before, title
                    )
            except sqlite3.IntegrityError:
                seq = await self.receipt(board_id, change.author_id, change.op_id)
                if seq is None:
                    raise
                raise DuplicateOp(seq) from None
            return
        try:
            async with self._write() as conn:
                # The head first: its row's lock orders every writer of the board, and a writer whose turn
                # has passed (the head moved, its fencing token is old) stops here, before writing anything
                # that could collide with the change that took its seq.
                head = update(boards).where(boards.c.id == board_id, boards.c.head_seq == change.seq - 1)
                if fence is not None:
                    head = head.where(boards.c.writer_epoch == fence)
                moved = await conn.execute(
                    head.values(head_seq=change.seq, **({"title": title} if title is not None else {}))
                )
                if moved.rowcount != 1:
                    raise HeadMoved(f"board {board_id} is no longer at seq {change.seq - 1} (or not ours)")
                await conn.execute(
                    insert(board_ops).values(
                        board_id=board_id,
                        seq=change.seq,
                        op_id=change.op_id,
                        author_id=change.author_id,
                        ops=change.ops,
                        created_at=now(),
                    )
                )
                if snapshot is not None:
                    await self._put_snapshot(conn, board_id, change.seq, snapshot, compact_before)
        except IntegrityError:
            seq = await self.receipt(board_id, change.author_id, change.op_id)
            if seq is None:
                raise
            raise DuplicateOp(seq) from None

    async def save_snapshot(
        self, board_id: str, seq: int, state: str, compact_before: int | None, *, at_head: bool = False
    ) -> bool:
        """Store the board's state at `seq`. With `at_head` (several processes: any of them may hold the
        state), only while the board's head is still `seq`, checked under the board row's lock in the same
        transaction: a snapshot never replaces a newer one. Returns whether it was stored."""
        if self._writer is not None and self._write_lock is not None:
            async with self._write_lock:
                await self._writer.run(
                    _put_snapshot_sqlite, board_id, seq, state, sqlite_time(now()), compact_before
                )
            return True
        async with self._write() as conn:
            if at_head:
                held = await conn.execute(
                    update(boards)
                    .where(boards.c.id == board_id, boards.c.head_seq == seq)
                    .values(head_seq=seq)  # takes the row's lock: no commit slips in before ours ends
                )
                if held.rowcount != 1:
                    return False
            await self._put_snapshot(conn, board_id, seq, state, compact_before)
        return True

    async def _put_snapshot(
        self, conn: AsyncConnection, board_id: str, seq: int, state: str, compact_before: int | None
    ) -> None:
        await conn.execute(delete(board_snapshots).where(board_snapshots.c.board_id == board_id))
        await conn.execute(
            insert(board_snapshots).values(board_id=board_id, seq=seq, state=state, created_at=now())
        )
        if compact_before is not None:
            await conn.execute(
                update(board_ops)
                .where(board_ops.c.board_id == board_id, board_ops.c.seq < compact_before)
                .where(board_ops.c.ops.is_not(None))
                .values(ops=None)
            )


# -- SQLite's hot path, run in a `Lane`'s thread: the same statements as the SQLAlchemy ones above ----------


def _board_row(conn: sqlite3.Connection, board_id: str) -> tuple[str, str, str, str, int] | None:
    rows = conn.execute(
        "SELECT id, workshop_id, kind, title, head_seq FROM boards WHERE id = ?", (board_id,)
    ).fetchall()
    return rows[0] if rows else None


def _receipt(conn: sqlite3.Connection, board_id: str, author_id: str, op_id: str) -> int | None:
    rows = conn.execute(
        "SELECT seq FROM board_ops WHERE board_id = ? AND author_id = ? AND op_id = ?",
        (board_id, author_id, op_id),
    ).fetchall()
    return int(rows[0][0]) if rows else None


def _snapshot_statements(
    conn: sqlite3.Connection, board_id: str, seq: int, state: str, at: str, compact_before: int | None
) -> None:
    conn.execute("DELETE FROM board_snapshots WHERE board_id = ?", (board_id,))
    conn.execute(
        "INSERT INTO board_snapshots (board_id, seq, state, created_at) VALUES (?, ?, ?, ?)",
        (board_id, seq, state, at),
    )
    if compact_before is not None:
        conn.execute(
            "UPDATE board_ops SET ops = NULL WHERE board_id = ? AND seq < ? AND ops IS NOT NULL",
            (board_id, compact_before),
        )


def _put_snapshot_sqlite(
    conn: sqlite3.Connection, board_id: str, seq: int, state: str, at: str, compact_before: int | None
) -> None:
    transaction(conn, lambda c: _snapshot_statements(c, board_id, seq, state, at, compact_before))


def _append_change(
    conn: sqlite3.Connection,
    board_id: str,
    change: LoggedChange,
    at: str,
    snapshot: str | None,
    compact_before: int | None,
    title: str | None,
) -> None:
    def work(c: sqlite3.Connection) -> None:
        c.execute(
            "INSERT INTO board_ops (board_id, seq, op_id, author_id, ops, created_at)"
            " VALUES (?, ?, ?, ?, ?, ?)",
            (board_id, change.seq, change.op_id, change.author_id, change.ops, at),
        )
        if title is None:
            moved = c.execute(
                "UPDATE boards SET head_seq = ? WHERE id = ? AND head_seq = ?",
                (change.seq, board_id, change.seq - 1),
            )
        else:
            moved = c.execute(
                "UPDATE boards SET head_seq = ?, title = ? WHERE id = ? AND head_seq = ?",
                (change.seq, title, board_id, change.seq - 1),
            )
        if moved.rowcount != 1:
            raise HeadMoved(f"board {board_id} is no longer at seq {change.seq - 1}")
        if snapshot is not None:
            _snapshot_statements(c, board_id, change.seq, snapshot, at, compact_before)

    transaction(conn, work)
