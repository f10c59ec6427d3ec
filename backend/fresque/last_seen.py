"""When each participant's last socket left a board: the console's "last seen", kept in the database.

A departure is recorded in memory at once (`record`, called from the room's `leave`, synchronous) and written
to `participants.last_seen` in batches: one UPDATE for every departure of the last `every` seconds, by a
task started with the application (`start`) and once more when it stops (`stop`). A socket closing costs no
database write, and a workshop's end (everyone leaving at once) costs one.

Reads: `pending` answers from memory what is not written yet; the rest is in the participant's row
(`PersonRow.last_seen`, read with the participants listing), so the console shows it after a restart and
whichever process answers (`latest` takes the later of the two). The store only ever moves the column
forward, so two processes flushing out of order cannot put it back.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Protocol

log = logging.getLogger(__name__)

FLUSH_EVERY = 2.0  # seconds between a first unwritten departure and its write
SHUTDOWN_WRITE_SECONDS = 5.0  # the last write at shutdown gives up after this (a database away holds no stop)


class DepartureStore(Protocol):
    async def record_last_seen(self, seen: Mapping[str, datetime]) -> None: ...


class LastSeen:
    def __init__(self, store: DepartureStore, *, every: float = FLUSH_EVERY) -> None:
        self._store = store
        self._every = every
        self._pending: dict[str, datetime] = {}  # departures not written yet (newest per participant)
        self._wake = asyncio.Event()
        self._task: asyncio.Task[None] | None = None

    def record(self, participant_id: str, at: datetime | None = None) -> None:
        """A participant's socket left a board now (or `at`): written with the next batch."""
        when = at or datetime.now(UTC)
        known = self._pending.get(participant_id)
        if known is None or known < when:
            self._pending[participant_id] = when
        self._wake.set()

    def pending(self, participant_id: str) -> datetime | None:
        """A departure recorded here and not written yet, else None (then the database row has it)."""
        return self._pending.get(participant_id)

    def latest(self, participant_id: str, stored: datetime | None) -> datetime | None:
        """The later of this process's unwritten departure and the row's `last_seen`."""
        mine = self._pending.get(participant_id)
        if mine is None or (stored is not None and stored >= mine):
            return stored
        return mine

    async def flush(self) -> int:
        """Write every pending departure in one statement; how many. On failure they stay pending."""
        if not self._pending:
            return 0
        batch = dict(self._pending)
        await self._store.record_last_seen(batch)
        for pid, at in batch.items():
            # A newer departure recorded during the write stays for the next batch.
            if self._pending.get(pid) == at:
                del self._pending[pid]
        return len(batch)

    def start(self) -> None:
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="last-seen-flusher")

    async def stop(self) -> None:
        """Stop the task and write what is left (the application's shutdown)."""
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
            self._task = None
        try:
            await asyncio.wait_for(self.flush(), SHUTDOWN_WRITE_SECONDS)
        except Exception:  # the console will show an earlier departure for these people, or none
            log.exception("last seen: could not write %d departures at shutdown", len(self._pending))

    async def _run(self) -> None:
        while True:
            await self._wake.wait()
            await asyncio.sleep(self._every)  # gather the departures of the next few seconds into one write
            self._wake.clear()
            try:
                await self.flush()
            except Exception:  # the database is away: keep them, try again after the next pause
                log.exception("last seen: could not write %d departures", len(self._pending))
                self._wake.set()
