"""The console's "last seen" (`fresque.last_seen`): departures kept in memory, written in batches to
`participants.last_seen`, so a restart does not forget them and any process can answer.

- the batching itself, with a fake store: many departures within the pause → one write; a failed write keeps
  them; a newer departure during a write is not lost; `stop` writes what is left;
- the store's write on SQLite and PostgreSQL: one UPDATE statement for a whole batch, each row only moving
  forward;
- a live `fresque serve` on SQLite and on PostgreSQL: a participant leaves, the server is stopped (or killed
  after the pause) and started again, and the console still shows when they left;
- several processes (PostgreSQL and Redis): a participant leaves a board on one process, and the console asked
  through another shows when, within the flusher's pause.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from fresque import last_seen
from fresque.db import migrate
from fresque.db.store import Store
from fresque.last_seen import LastSeen
from sqlalchemy import event
from support.cluster import Cluster, cluster
from support.server import ServerProcess
from support.workshop import Workshop

__all__ = ["cluster"]  # the fixture, from tests/support/cluster.py

T0 = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)


class FakeStore:
    def __init__(self) -> None:
        self.writes: list[dict[str, datetime]] = []
        self.fail = False
        self.during_write: Any = None  # called inside the write, before it ends

    async def record_last_seen(self, seen: Mapping[str, datetime]) -> None:
        if self.during_write is not None:
            self.during_write()
        await asyncio.sleep(0)
        if self.fail:
            raise ConnectionError("database away")
        self.writes.append(dict(seen))


def test_many_departures_within_the_pause_make_one_write() -> None:
    async def scenario() -> None:
        store = FakeStore()
        seen = LastSeen(store, every=0.2)
        seen.start()
        try:
            for i in range(200):  # a workshop's end: everyone leaves at once (some twice)
                seen.record(f"p{i % 150}", T0 + timedelta(milliseconds=i))
            assert store.writes == []  # nothing written at once: a socket closing costs no write
            assert seen.pending("p3") == T0 + timedelta(milliseconds=153)
            await asyncio.sleep(0.5)
            assert len(store.writes) == 1 and len(store.writes[0]) == 150
            assert store.writes[0]["p3"] == T0 + timedelta(milliseconds=153)  # the newest of p3's two
            assert seen.pending("p3") is None  # written: the row answers now
            await asyncio.sleep(0.4)
            assert len(store.writes) == 1  # nothing pending, no write
            seen.record("late", T0)
        finally:
            await seen.stop()
        assert store.writes[1:] == [{"late": T0}]  # stop writes what is left

    asyncio.run(scenario())


def test_a_failed_write_keeps_the_departures_and_a_newer_one_is_not_lost() -> None:
    async def scenario() -> None:
        store = FakeStore()
        seen = LastSeen(store, every=60)
        seen.record("amina", T0)
        store.fail = True
        with pytest.raises(ConnectionError):
            await seen.flush()
        assert seen.pending("amina") == T0  # kept for the next batch
        store.fail = False
        # Amina leaves again while her first departure is being written: the newer one stays pending.
        store.during_write = lambda: seen.record("amina", T0 + timedelta(seconds=5))
        assert await seen.flush() == 1
        assert store.writes == [{"amina": T0}]
        assert seen.pending("amina") == T0 + timedelta(seconds=5)
        store.during_write = None
        await seen.flush()
        assert store.writes[-1] == {"amina": T0 + timedelta(seconds=5)} and seen.pending("amina") is None

    asyncio.run(scenario())


def test_a_database_away_holds_the_shutdown_only_so_long(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(last_seen, "SHUTDOWN_WRITE_SECONDS", 0.2)

    class Hanging(FakeStore):
        async def record_last_seen(self, seen: Mapping[str, datetime]) -> None:
            await asyncio.sleep(3600)

    async def scenario() -> float:
        seen = LastSeen(Hanging(), every=60)
        seen.start()
        seen.record("amina", T0)
        started = time.monotonic()
        await seen.stop()  # logged, not raised
        assert seen.pending("amina") == T0  # not written, and said so in the log
        return time.monotonic() - started

    assert asyncio.run(scenario()) < 1.0


def test_latest_is_the_later_of_memory_and_the_row() -> None:
    seen = LastSeen(FakeStore())
    assert seen.latest("amina", None) is None
    assert seen.latest("amina", T0) == T0
    seen.record("amina", T0 + timedelta(seconds=1))
    assert seen.latest("amina", T0) == T0 + timedelta(seconds=1)
    assert seen.latest("amina", T0 + timedelta(seconds=9)) == T0 + timedelta(seconds=9)  # another process's


def test_the_store_writes_a_batch_in_one_statement_and_only_forward(database_url: str) -> None:
    migrate.upgrade(database_url)

    async def scenario() -> None:
        store = Store.from_url(database_url)
        try:
            await store.create_workshop(
                workshop_id="w" * 8, title="t", neighbourhood=None, date=None, join_code="123456"
            )
            ids = [f"p{i:07d}" for i in range(40)]
            for pid in ids:
                await store.add_participant(
                    participant_id=pid, workshop_id="w" * 8, alias=pid, role="participant", token_hash=None
                )
            statements: list[str] = []

            def count(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
                if statement.lstrip().upper().startswith("UPDATE"):
                    statements.append(statement)

            event.listen(store.engine.sync_engine, "before_cursor_execute", count)
            batch = {pid: T0 + timedelta(seconds=i) for i, pid in enumerate(ids)}
            batch["gone-already"] = T0  # a participant deleted meanwhile: simply not matched
            await store.record_last_seen(batch)
            assert len(statements) == 1  # one UPDATE for the whole batch
            people = {p.id: p.last_seen for p in await store.people("w" * 8)}
            assert people == {pid: T0 + timedelta(seconds=i) for i, pid in enumerate(ids)}
            # Another process's older departure, flushed late, does not put a row back.
            await store.record_last_seen({ids[5]: T0 - timedelta(hours=1), ids[6]: T0 + timedelta(hours=1)})
            person5, person6 = await store.person(ids[5]), await store.person(ids[6])
            assert person5 is not None and person5.last_seen == T0 + timedelta(seconds=5)
            assert person6 is not None and person6.last_seen == T0 + timedelta(hours=1)
        finally:
            await store.close()

    asyncio.run(scenario())


# -- a live server, restarted ----------------------------------------------------------------------------


def console_last_seen(server: ServerProcess, workshop: Workshop, alias: str) -> datetime | None:
    listed = server.get(f"/api/workshops/{workshop.id}/participants", workshop.facilitator_token)
    assert listed.status_code == 200, listed.text
    person = next(p for p in listed.json()["participants"] if p["alias"] == alias)
    assert person["present"] is False
    return None if person["last_seen"] is None else datetime.fromisoformat(person["last_seen"])


async def _visit(workshop: Workshop, alias: str) -> None:
    client = workshop.client(alias)
    await client.connect()
    await client.expect("presence_list")
    await client.close()


async def _left(server: ServerProcess, workshop: Workshop, alias: str) -> datetime:
    """Wait (10 s at most) for the console to show when the participant left; that time."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        seen = await asyncio.to_thread(console_last_seen, server, workshop, alias)
        if seen is not None:
            return seen
        await asyncio.sleep(0.05)
    raise AssertionError(f"{alias}'s departure never showed")


async def test_last_seen_survives_a_restart(server: ServerProcess) -> None:
    workshop = Workshop.create(server)
    before = datetime.now(UTC).replace(microsecond=0)
    await _visit(workshop, "Amina")
    left = await _left(server, workshop, "Amina")
    assert before <= left <= datetime.now(UTC)
    await asyncio.to_thread(server.stop)  # at once: the shutdown writes the pending departure
    await asyncio.to_thread(server.start)
    assert console_last_seen(server, workshop, "Amina") == left
    assert console_last_seen(server, workshop, "Karim") is None  # never came


async def test_last_seen_is_written_within_the_pause_even_if_the_process_dies(server: ServerProcess) -> None:
    workshop = Workshop.create(server)
    await _visit(workshop, "Karim")
    left = await _left(server, workshop, "Karim")
    await asyncio.sleep(3)  # the flusher's pause (2 s) and its write
    await asyncio.to_thread(server.kill)  # SIGKILL: no shutdown code runs
    await asyncio.to_thread(server.start)
    assert console_last_seen(server, workshop, "Karim") == left


@pytest.mark.postgres  # and Redis (skips without it here, fails in CI: FRESQUE_REQUIRE_REDIS)
async def test_a_departure_on_one_process_shows_in_the_console_of_another(cluster: Cluster) -> None:
    here, elsewhere = cluster.processes[0], cluster.processes[1]
    workshop = Workshop.create(here)
    before = datetime.now(UTC).replace(microsecond=0)
    amina = cluster.client(workshop, 0, "Amina")
    await amina.connect()
    await amina.expect("presence_list")
    await amina.close()
    seen = await _left(elsewhere, workshop, "Amina")  # written by process 0, read by process 1
    assert before <= seen <= datetime.now(UTC)
    assert await asyncio.to_thread(console_last_seen, here, workshop, "Amina") == seen
