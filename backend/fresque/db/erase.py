"""Erasing a whole workshop: every row of it in one transaction, then the deleted bytes taken off the disk."""

from __future__ import annotations

import logging
from typing import Any

from sqlalchemy import delete, select

from .store_base import (
    StoreBase,
    board_ops,
    board_snapshots,
    boards,
    custom_pictograms,
    participants,
    sessions,
    workshops,
)

log = logging.getLogger(__name__)


class WorkshopErase(StoreBase):
    async def erase_workshop(self, workshop_id: str) -> dict[str, int] | None:
        """Delete every row of a workshop, in one transaction: its boards' ops and snapshots, its boards, its
        participants' sessions, its participants, its custom pictogram rows, then the workshop. Each table is
        emptied by name rather than left to `ON DELETE CASCADE`; the cascades still catch a row another
        transaction adds meanwhile (a join, an op). Returns the rows deleted per table, None when there was
        no such workshop. The custom pictograms' files are `fresque.uploads.CustomPictures.erase_workshop`'s.
        """
        board_ids = select(boards.c.id).where(boards.c.workshop_id == workshop_id).scalar_subquery()
        participant_ids = (
            select(participants.c.id).where(participants.c.workshop_id == workshop_id).scalar_subquery()
        )
        steps: list[tuple[str, Any]] = [
            ("board_ops", delete(board_ops).where(board_ops.c.board_id.in_(board_ids))),
            ("board_snapshots", delete(board_snapshots).where(board_snapshots.c.board_id.in_(board_ids))),
            ("boards", delete(boards).where(boards.c.workshop_id == workshop_id)),
            ("sessions", delete(sessions).where(sessions.c.participant_id.in_(participant_ids))),
            ("participants", delete(participants).where(participants.c.workshop_id == workshop_id)),
            (
                "custom_pictograms",
                delete(custom_pictograms).where(custom_pictograms.c.workshop_id == workshop_id),
            ),
            ("workshops", delete(workshops).where(workshops.c.id == workshop_id)),
        ]
        counts: dict[str, int] = {}
        async with self._write() as conn:
            found = await conn.scalar(select(workshops.c.id).where(workshops.c.id == workshop_id))
            if found is None:
                return None
            for table, statement in steps:
                counts[table] = int((await conn.execute(statement)).rowcount or 0)
        await self._reclaim([table for table, _ in steps])
        return counts

    async def _reclaim(self, tables: list[str]) -> None:
        """After an erase, take the deleted rows' bytes off the disk where the database lets us.

        SQLite: `secure_delete` (`fresque.db.engine`) zeroed them in the pages the erase wrote, but the WAL's
        older frames still hold the text as it was written; a TRUNCATE checkpoint copies the pages back
        into the database file and empties the WAL. It waits for readers up to the busy timeout; writers
        wait on the write lock meanwhile.
        PostgreSQL: deleted rows stay in the table files as dead tuples until VACUUM, which is run here
        (outside a transaction, skipping a table another VACUUM holds). What stays even then is in
        docs/protocol.md, "Storage behind it". A failure is logged; the erase itself is done."""
        try:
            if self._write_lock is not None:
                async with self._write_lock, self.engine.connect() as conn:
                    # (busy, frames in the WAL, frames checkpointed)
                    outcome = (await conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")).one()
                if outcome[0]:
                    log.warning("after an erase the WAL could not be truncated (a reader held it)")
            elif self.engine.dialect.name == "postgresql":
                async with self.engine.connect() as conn:
                    await conn.execution_options(isolation_level="AUTOCOMMIT")
                    await conn.exec_driver_sql(f"VACUUM (SKIP_LOCKED) {', '.join(tables)}")
        except Exception:
            log.exception("after an erase, reclaiming the deleted rows' space failed")
