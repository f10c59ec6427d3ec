"""Which process writes each board, when several do (docs/scale-out.md): a lease in the board's row, on
PostgreSQL's clock, whose epoch is the fencing token every commit checks (`Store.append_change(fence=…)`).

Each statement takes or renews the leases of many boards at once, so a process pays one round trip per tick,
not one per board. Only the database's `now()` is used: the processes' clocks may disagree.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from sqlalchemy import Table, and_, func, or_, select, tuple_, update
from sqlalchemy.ext.asyncio import AsyncEngine

from .models import Board, BoardOp
from .store import LoggedChange

boards = cast(Table, Board.__table__)
board_ops = cast(Table, BoardOp.__table__)


@dataclass(frozen=True, slots=True)
class Held:
    board_id: str
    epoch: int  # the fencing token


class Leases:
    def __init__(self, engine: AsyncEngine, holder: str, seconds: float) -> None:
        self.engine = engine
        self.holder = holder  # this process: "<host>:<pid>:<random>"
        self.length = timedelta(seconds=seconds)

    async def take(self, board_ids: Iterable[str]) -> list[Held]:
        """Take the lease of each of these boards that nobody holds (never held, released, or expired): a new
        epoch each. Boards held by a live lease, ours included, are left as they are."""
        ids = sorted(set(board_ids))
        if not ids:
            return []
        free = or_(boards.c.writer_until.is_(None), boards.c.writer_until < func.now())
        statement = (
            update(boards)
            .where(boards.c.id.in_(ids), free)
            .values(
                writer=self.holder,
                writer_epoch=boards.c.writer_epoch + 1,
                writer_until=func.now() + self.length,
            )
            .returning(boards.c.id, boards.c.writer_epoch)
        )
        async with self.engine.begin() as conn:
            rows = (await conn.execute(statement)).all()
        return [Held(row.id, row.writer_epoch) for row in rows]

    async def renew(self, held: Iterable[Held]) -> set[str]:
        """Extend these leases; returns the boards whose lease is still ours (an epoch moved on: lost)."""
        pairs = [(h.board_id, h.epoch) for h in held]
        if not pairs:
            return set()
        statement = (
            update(boards)
            .where(tuple_(boards.c.id, boards.c.writer_epoch).in_(pairs), boards.c.writer == self.holder)
            .values(writer_until=func.now() + self.length)
            .returning(boards.c.id)
        )
        async with self.engine.begin() as conn:
            return set((await conn.scalars(statement)).all())

    async def release(self, held: Held) -> None:
        """Let the board go at once (its room closed): another process may take it without waiting."""
        async with self.engine.begin() as conn:
            await conn.execute(
                update(boards)
                .where(and_(boards.c.id == held.board_id, boards.c.writer_epoch == held.epoch))
                .values(writer_until=None)
            )

    async def heads(self, board_ids: Iterable[str]) -> dict[str, int]:
        """Each board's committed head: how a process that missed a change in the streams finds out."""
        ids = sorted(set(board_ids))
        if not ids:
            return {}
        async with self.engine.connect() as conn:
            query = select(boards.c.id, boards.c.head_seq).where(boards.c.id.in_(ids))
            rows = (await conn.execute(query)).all()
        return {row.id: row.head_seq for row in rows}

    async def changes_after(self, board_id: str, seq: int) -> list[LoggedChange] | None:
        """The committed changes after `seq`, in order; None when one of them no longer has its payload (it
        was compacted under a newer snapshot): then only a fresh load of the board serves."""
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    select(board_ops.c.seq, board_ops.c.op_id, board_ops.c.author_id, board_ops.c.ops)
                    .where(board_ops.c.board_id == board_id, board_ops.c.seq > seq)
                    .order_by(board_ops.c.seq)
                )
            ).all()
        changes: list[LoggedChange] = []
        for expected, row in enumerate(rows, start=seq + 1):
            if row.seq != expected or row.ops is None:
                return None
            changes.append(LoggedChange(row.seq, row.op_id, row.author_id, row.ops))
        return changes
