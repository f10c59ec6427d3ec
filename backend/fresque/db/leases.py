"""Which process writes each board, when several do (docs/scale-out.md): a lease in the board's row, on
PostgreSQL's clock, whose epoch is the fencing token every commit checks (`Store.append_change(fence=…)`).

Each statement takes or renews the leases of many boards at once, so a process pays one round trip per tick,
not one per board. Only the database's `now()` is used: the processes' clocks may disagree.

A lease runs out by itself; a process that died need not be waited for. Each process holds, for its life, a
PostgreSQL advisory lock named after it (`hold_alive`), which the server lets go as soon as the process's
connection drops (killed, crashed, cut off): another process that can take that lock knows the writer is gone
(`dead`) and takes its boards at once. A paused process keeps its connection, so its lease runs out as usual.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import cast

from sqlalchemy import Table, and_, func, or_, select, text, tuple_, update
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from .boards_log import LoggedChange, log_after
from .models import Board

boards = cast(Table, Board.__table__)

ALIVE = 0x46524553  # the advisory locks' first key ("FRES"); the second is hashtext(<process id>)


@dataclass(frozen=True, slots=True)
class Held:
    board_id: str
    epoch: int  # the fencing token


class Leases:
    def __init__(self, engine: AsyncEngine, holder: str, seconds: float) -> None:
        self.engine = engine
        self.holder = holder  # this process: "<host>:<pid>:<random>"
        self.length = timedelta(seconds=seconds)

    async def hold_alive(self, conn: AsyncConnection | None) -> AsyncConnection:
        """This process's advisory lock, on a connection kept for the purpose (checked, and made again when
        the database lost it). No transaction is left open on it."""
        if conn is not None:
            try:
                await conn.execute(text("SELECT 1"))
                await conn.commit()
                return conn
            except Exception:
                await conn.invalidate()
                await conn.close()
        conn = await self.engine.connect()
        mine = {"ns": ALIVE, "me": self.holder}
        await conn.execute(text("SELECT pg_advisory_lock(:ns, hashtext(:me))"), mine)
        await conn.commit()
        return conn

    async def dead(self, board_ids: Iterable[str]) -> list[str]:
        """The other processes holding these boards' leases whose advisory lock is free: they are gone."""
        ids = sorted(set(board_ids))
        if not ids:
            return []
        async with self.engine.connect() as conn:
            writers = (
                await conn.scalars(
                    select(boards.c.writer)
                    .distinct()
                    .where(boards.c.id.in_(ids), boards.c.writer.is_not(None), boards.c.writer != self.holder)
                    .where(boards.c.writer_until >= func.now())
                )
            ).all()
            gone: list[str] = []
            for writer in writers:
                args = {"ns": ALIVE, "w": writer}
                if await conn.scalar(text("SELECT pg_try_advisory_lock(:ns, hashtext(:w))"), args):
                    await conn.execute(text("SELECT pg_advisory_unlock(:ns, hashtext(:w))"), args)
                    gone.append(str(writer))
            await conn.commit()
        return gone

    async def take(self, board_ids: Iterable[str], dead: Iterable[str] = ()) -> list[Held]:
        """Take the lease of each of these boards that nobody holds (never held, released, expired, or held
        by a process in `dead`): a new epoch each. Boards held by a live lease, ours included, stay."""
        ids = sorted(set(board_ids))
        if not ids:
            return []
        gone = sorted(set(dead))
        free = or_(boards.c.writer_until.is_(None), boards.c.writer_until < func.now())
        if gone:
            free = or_(free, boards.c.writer.in_(gone))
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
            changes = await log_after(conn, board_id, seq)
        for expected, change in enumerate(changes, start=seq + 1):
            if change.seq != expected or change.ops is None:
                return None
        return changes
