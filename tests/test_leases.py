"""One writer per board across processes (`fresque.db.leases`), on a real PostgreSQL: a lease is taken only
when free, renewed only by its holder at its epoch, and every commit is fenced by the epoch inside its own
transaction, so a writer that lost the lease commits nothing, however late it comes back. A snapshot is
stored only while its seq is the head, so no process puts an older one over a newer one."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable

import pytest
from fresque.db import migrate
from fresque.db.leases import Leases
from fresque.db.store import HeadMoved, LoggedChange, Store

pytestmark = pytest.mark.postgres

BOARD = "b" * 32


def on_a_board(postgres_url: str, scenario: Callable[[Store], Awaitable[None]]) -> None:
    """Run `scenario` with a store on a migrated database holding one workshop and its board `BOARD`."""
    migrate.upgrade(postgres_url)

    async def run() -> None:
        store = Store.from_url(postgres_url)
        try:
            await store.create_workshop(
                workshop_id="w" * 32, title="t", neighbourhood=None, date=None, join_code="1234"
            )
            await store.create_board(
                board_id=BOARD, workshop_id="w" * 32, kind="exploration", title="t", state="{}"
            )
            await scenario(store)
        finally:
            await store.close()

    asyncio.run(run())


def test_one_writer_at_a_time_and_a_stale_one_commits_nothing(postgres_url: str) -> None:
    async def scenario(store: Store) -> None:
        first = Leases(store.engine, "host:1:aaaa", seconds=0.3)
        second = Leases(store.engine, "host:2:bbbb", seconds=0.3)
        [held] = await first.take([BOARD])
        assert await second.take([BOARD]) == []  # held and live: nobody else gets it
        assert await first.take([BOARD]) == []  # nor its holder again (its epoch stands)
        await store.append_change(BOARD, LoggedChange(1, "op-1", "a", "[]"), fence=held.epoch)
        assert await first.renew([held]) == {BOARD}

        await asyncio.sleep(0.4)  # the first writer is paused past its lease
        [taken] = await second.take([BOARD])
        assert taken.epoch == held.epoch + 1
        assert await first.renew([held]) == set()  # the first learns it lost the lease
        # Coming back late with its old token, at the right seq: refused, and nothing of it is written.
        with pytest.raises(HeadMoved):
            await store.append_change(BOARD, LoggedChange(2, "op-late", "a", "[]"), fence=held.epoch)
        assert await store.receipt(BOARD, "a", "op-late") is None
        await store.append_change(BOARD, LoggedChange(2, "op-2", "b", "[]"), fence=taken.epoch)
        # The late writer again, now at a seq already taken: still HeadMoved, not a storage error.
        with pytest.raises(HeadMoved):
            await store.append_change(BOARD, LoggedChange(2, "op-late", "a", "[]"), fence=held.epoch)
        assert (await first.heads([BOARD])) == {BOARD: 2}
        assert [c.op_id for c in await first.changes_after(BOARD, 0) or []] == ["op-1", "op-2"]

        # Released, the board is free at once, with a new epoch.
        await second.release(taken)
        [again] = await first.take([BOARD])
        assert again.epoch == taken.epoch + 1

        # A snapshot only at the head: seq 1 is behind head 2, so it is not stored.
        assert not await store.save_snapshot(BOARD, 1, "{}", None, at_head=True)
        assert await store.save_snapshot(BOARD, 2, "{}", None, at_head=True)
        stored = await store.load_board(BOARD)
        assert stored is not None and stored.snapshot_seq == 2 and stored.tail == []
        # A compacted payload makes `changes_after` ask for a whole load instead.
        await store.save_snapshot(BOARD, 2, "{}", compact_before=2, at_head=True)
        assert await first.changes_after(BOARD, 0) is None

    on_a_board(postgres_url, scenario)


def test_a_writer_whose_process_died_is_taken_over_before_its_lease_runs_out(postgres_url: str) -> None:
    async def scenario(store: Store) -> None:
        writer = Leases(store.engine, "host:1:aaaa", seconds=60)
        other = Leases(store.engine, "host:2:bbbb", seconds=60)
        alive = await writer.hold_alive(None)
        mine = await other.hold_alive(None)
        [held] = await writer.take([BOARD])
        assert await other.dead([BOARD]) == []  # its process holds its lock: alive, its lease stands
        assert await other.take([BOARD], await other.dead([BOARD])) == []
        await alive.invalidate()  # its connection dropped, as when the process is killed
        assert await other.dead([BOARD]) == ["host:1:aaaa"]
        [taken] = await other.take([BOARD], ["host:1:aaaa"])  # a minute early, with a new token
        assert taken.epoch == held.epoch + 1
        with pytest.raises(HeadMoved):
            await store.append_change(BOARD, LoggedChange(1, "op-1", "a", "[]"), fence=held.epoch)
        assert await writer.dead([BOARD]) == []  # the new writer is alive
        await mine.close()

    on_a_board(postgres_url, scenario)
