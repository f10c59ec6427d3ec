"""Participants and people: joining as one, the roster, profiles, hosted people, renaming and removing, and
the console's "last seen"."""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

from sqlalchemy import Row, bindparam, insert, or_, select, update

from .store_base import StoreBase, _utc, now, participants, sessions


@dataclass(frozen=True)
class PersonRow:
    """A participant as the console and the export see them: profile, host, removal."""

    id: str
    workshop_id: str
    alias: str
    role: str
    colour: str | None
    language: str | None
    neighbourhood: str | None
    age_band: str | None
    fragility: str | None
    consent: bool | None
    host_id: str | None
    removed_at: datetime | None
    last_seen: datetime | None = None  # when their last socket left a board, as written (`fresque.last_seen`)


class PeopleStore(StoreBase):
    async def add_participant(
        self,
        *,
        participant_id: str,
        workshop_id: str,
        alias: str,
        role: str,
        token_hash: str | None,
        colour: str | None = None,
        profile: Mapping[str, str | bool | None] | None = None,
        host_id: str | None = None,
        removed_at: datetime | None = None,
    ) -> None:
        """`profile`: `fresque.people.PROFILE_FIELDS` (checked by the caller); `host_id` makes a hosted
        person (no device: give no `token_hash`)."""
        async with self._write() as conn:
            await conn.execute(
                insert(participants).values(
                    id=participant_id,
                    workshop_id=workshop_id,
                    alias=alias,
                    role=role,
                    colour=colour,
                    host_id=host_id,
                    removed_at=removed_at,
                    created_at=now(),
                    **{k: v for k, v in (profile or {}).items() if k in _PROFILE_COLUMNS},
                )
            )
            if token_hash is not None:
                await conn.execute(
                    insert(sessions).values(
                        token_hash=token_hash, participant_id=participant_id, created_at=now()
                    )
                )

    async def participants(self, workshop_id: str) -> list[dict[str, str]]:
        query = (
            select(participants.c.id, participants.c.alias, participants.c.role)
            .where(participants.c.workshop_id == workshop_id)
            .order_by(participants.c.created_at, participants.c.id)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [{"id": r.id, "alias": r.alias, "role": r.role} for r in rows]

    async def roster(self, workshop_id: str) -> list[dict[str, str | None]]:
        """Every participant of a workshop with the colour stored for them (NULL for older rows)."""
        query = (
            select(participants.c.id, participants.c.alias, participants.c.role, participants.c.colour)
            .where(participants.c.workshop_id == workshop_id)
            .order_by(participants.c.created_at, participants.c.id)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [{"id": r.id, "alias": r.alias, "role": r.role, "colour": r.colour} for r in rows]

    async def participant_workshops(self, ids: list[str]) -> dict[str, str]:
        if not ids:
            return {}
        query = select(participants.c.id, participants.c.workshop_id).where(participants.c.id.in_(ids))
        async with self.engine.connect() as conn:
            return {r.id: r.workshop_id for r in (await conn.execute(query)).all()}

    # -- people: profiles, hosted people, renaming and removing (`fresque.api.participants`) ---------------

    async def people(self, workshop_id: str) -> list[PersonRow]:
        """Every participant of a workshop, removed ones and hosted ones included, oldest first."""
        query = (
            select(participants)
            .where(participants.c.workshop_id == workshop_id)
            .order_by(participants.c.created_at, participants.c.id)
        )
        async with self.engine.connect() as conn:
            return [_person(r) for r in (await conn.execute(query)).all()]

    async def person(self, participant_id: str) -> PersonRow | None:
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(participants).where(participants.c.id == participant_id))
            ).first()
        return None if row is None else _person(row)

    async def hosted_ids(self, host_id: str) -> frozenset[str]:
        """The ids of the people this participant hosts, removed ones excluded (what a socket may act as)."""
        if self._reader is not None:
            return await self._reader.run(_hosted_ids, host_id)
        query = select(participants.c.id).where(
            participants.c.host_id == host_id, participants.c.removed_at.is_(None)
        )
        async with self.engine.connect() as conn:
            return frozenset((await conn.execute(query)).scalars().all())

    async def hosted_by(self, host_id: str) -> list[PersonRow]:
        """The people this participant hosts (a table's members, people on paper), removed ones excluded."""
        query = (
            select(participants)
            .where(participants.c.host_id == host_id, participants.c.removed_at.is_(None))
            .order_by(participants.c.created_at, participants.c.id)
        )
        async with self.engine.connect() as conn:
            return [_person(r) for r in (await conn.execute(query)).all()]

    async def host_of(self, participant_id: str) -> tuple[str, str | None] | None:
        """(workshop id, host id or None) of a participant; None when there is no such participant or they
        were removed. A device may act as a hosted person when it is that person's host."""
        query = select(participants.c.workshop_id, participants.c.host_id).where(
            participants.c.id == participant_id, participants.c.removed_at.is_(None)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (row.workshop_id, row.host_id)

    async def rename_participant(
        self, participant_id: str, *, alias: str | None = None, colour: str | None = None
    ) -> None:
        values: dict[str, Any] = {}
        if alias is not None:
            values["alias"] = alias
        if colour is not None:
            values["colour"] = colour
        if not values:
            return
        async with self._write() as conn:
            await conn.execute(
                update(participants).where(participants.c.id == participant_id).values(**values)
            )

    async def remove_participant(self, participant_id: str) -> list[str]:
        """Mark a participant removed and revoke, in one transaction, every session of theirs and of the
        people they host. Returns the ids whose sockets must close: the participant, then the people they
        host (not removed themselves: they stay authors and may be hosted again; only the device is gone)."""
        at = now()
        async with self._write() as conn:
            hosted = (
                (
                    await conn.execute(
                        select(participants.c.id).where(participants.c.host_id == participant_id)
                    )
                )
                .scalars()
                .all()
            )
            ids = [participant_id, *hosted]
            await conn.execute(
                update(participants)
                .where(participants.c.id == participant_id, participants.c.removed_at.is_(None))
                .values(removed_at=at)
            )
            await conn.execute(
                update(sessions)
                .where(sessions.c.participant_id.in_(ids), sessions.c.revoked_at.is_(None))
                .values(revoked_at=at)
            )
        return ids

    # -- the console's "last seen", written in batches (`fresque.last_seen`) ---------------------------------

    async def record_last_seen(self, seen: Mapping[str, datetime]) -> None:
        """Write a batch of departures (participant id → when) in one transaction, one UPDATE statement for
        all. A row only moves forward: two processes flushing out of order cannot put it back; a participant
        deleted meanwhile is simply not matched."""
        if not seen:
            return
        at = bindparam("at", type_=participants.c.last_seen.type)
        query = (
            update(participants)
            .where(
                participants.c.id == bindparam("pid"),
                or_(participants.c.last_seen.is_(None), participants.c.last_seen < at),
            )
            .values(last_seen=at)
        )
        async with self._write() as conn:
            await conn.execute(query, [{"pid": pid, "at": when} for pid, when in seen.items()])


# -- SQLite's hot path, run in a `Lane`'s thread: the same statements as the SQLAlchemy ones above ----------


def _hosted_ids(conn: sqlite3.Connection, host_id: str) -> frozenset[str]:
    rows = conn.execute(
        "SELECT id FROM participants WHERE host_id = ? AND removed_at IS NULL", (host_id,)
    ).fetchall()
    return frozenset(r[0] for r in rows)


_PROFILE_COLUMNS: Final = frozenset({"language", "neighbourhood", "age_band", "fragility", "consent"})


def _person(row: Row[Any]) -> PersonRow:
    return PersonRow(
        id=row.id,
        workshop_id=row.workshop_id,
        alias=row.alias,
        role=row.role,
        colour=row.colour,
        language=row.language,
        neighbourhood=row.neighbourhood,
        age_band=row.age_band,
        fragility=row.fragility,
        consent=row.consent,
        host_id=row.host_id,
        removed_at=None if row.removed_at is None else _utc(row.removed_at),
        last_seen=None if row.last_seen is None else _utc(row.last_seen),
    )
