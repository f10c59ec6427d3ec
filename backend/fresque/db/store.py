"""Every read and write Fresque makes to its database, behind one small class.

Writes to SQLite go through one process-wide lock (SQLite has a single writer; queuing in asyncio is
cheaper and fairer than spinning on `busy_timeout`). PostgreSQL writes need no such lock: the per-board
room already serialises a board's changes, and `head_seq` is advanced by compare-and-set so that two
processes that believed they owned one board could never both commit the same seq.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
import sqlite3
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Final, cast

from sqlalchemy import Row, Table, bindparam, delete, func, insert, or_, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from .engine import make_engine
from .lane import Lane, sqlite_time, transaction
from .models import Board, BoardOp, BoardSnapshot, CustomPictogram, Participant, Session, Workshop

log = logging.getLogger(__name__)

workshops = cast(Table, Workshop.__table__)
participants = cast(Table, Participant.__table__)
sessions = cast(Table, Session.__table__)
boards = cast(Table, Board.__table__)
board_ops = cast(Table, BoardOp.__table__)
board_snapshots = cast(Table, BoardSnapshot.__table__)
custom_pictograms = cast(Table, CustomPictogram.__table__)


class DuplicateOp(Exception):
    def __init__(self, seq: int) -> None:
        super().__init__(f"op already applied at seq {seq}")
        self.seq = seq


class HeadMoved(Exception):
    """Someone else advanced this board's head: this process no longer owns the board."""


@dataclass(frozen=True)
class SessionInfo:
    participant_id: str
    workshop_id: str
    alias: str
    role: str


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


@dataclass(frozen=True)
class CustomPictogramRow:
    id: str
    workshop_id: str
    labels: dict[str, str]  # fr always; en and ar when the facilitator gave them
    category: str | None
    picture_file: str
    thumbnail_file: str
    width: int
    height: int
    picture_bytes: int
    thumbnail_bytes: int


@dataclass(frozen=True)
class Joining:
    """How a workshop can be joined: its typed code (until `code_expires_at`), its link token, open or not."""

    workshop_id: str
    title: str
    join_code: str
    code_expires_at: datetime
    join_token: str
    open: bool


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


def now() -> datetime:
    return datetime.now(UTC)


def _utc(value: datetime) -> datetime:
    """SQLite gives back naive datetimes; every one Fresque writes is UTC."""
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


class Store:
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

    @classmethod
    def from_url(cls, url: str) -> Store:
        return cls(make_engine(url))

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

    # -- workshops, participants, sessions ----------------------------------------------------------------

    async def create_workshop(
        self,
        *,
        workshop_id: str,
        title: str,
        neighbourhood: str | None,
        date: str | None,
        join_code: str,
        join_code_expires_at: datetime | None = None,  # 12 hours from now when omitted
        join_token: str | None = None,  # a fresh 256-bit one when omitted
    ) -> None:
        async with self._write() as conn:
            await conn.execute(
                insert(workshops).values(
                    id=workshop_id,
                    title=title,
                    neighbourhood=neighbourhood,
                    date=date,
                    join_code=join_code,
                    join_code_expires_at=join_code_expires_at or now() + timedelta(hours=12),
                    join_token=join_token or secrets.token_urlsafe(32),
                    joining_open=True,
                    created_at=now(),
                )
            )

    async def workshop(self, workshop_id: str) -> dict[str, str | None] | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(workshops).where(workshops.c.id == workshop_id))).first()
        if row is None:
            return None
        return {
            "id": row.id,
            "title": row.title,
            "neighbourhood": row.neighbourhood,
            "date": row.date,
            "join_code": row.join_code,
        }

    async def workshop_by_code(self, join_code: str) -> str | None:
        async with self.engine.connect() as conn:
            result: str | None = await conn.scalar(
                select(workshops.c.id).where(workshops.c.join_code == join_code)
            )
            return result

    # -- joining (the typed code, the link token, open or closed) -----------------------------------------

    async def _joining_where(self, condition: Any) -> Joining | None:
        query = select(
            workshops.c.id,
            workshops.c.title,
            workshops.c.join_code,
            workshops.c.join_code_expires_at,
            workshops.c.join_token,
            workshops.c.joining_open,
        ).where(condition)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        expires = _utc(row.join_code_expires_at)
        return Joining(row.id, row.title, row.join_code, expires, row.join_token, bool(row.joining_open))

    async def joining_by_code(self, join_code: str) -> Joining | None:
        return await self._joining_where(workshops.c.join_code == join_code)

    async def joining_by_token(self, join_token: str) -> Joining | None:
        if not join_token:  # the column's server default is '': never a way in
            return None
        return await self._joining_where(workshops.c.join_token == join_token)

    async def joining_of(self, workshop_id: str) -> Joining | None:
        return await self._joining_where(workshops.c.id == workshop_id)

    async def set_joining_open(
        self, workshop_id: str, *, open: bool, code_expires_at: datetime | None
    ) -> None:
        values: dict[str, Any] = {"joining_open": open}
        if code_expires_at is not None:
            values["join_code_expires_at"] = code_expires_at
        async with self._write() as conn:
            await conn.execute(update(workshops).where(workshops.c.id == workshop_id).values(**values))

    async def set_join_token(self, workshop_id: str, join_token: str) -> None:
        async with self._write() as conn:
            await conn.execute(
                update(workshops).where(workshops.c.id == workshop_id).values(join_token=join_token)
            )

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

    async def delete_session(self, token_hash: str) -> bool:
        """Forget one session (logout): its token stops working at once. True if there was one."""
        async with self._write() as conn:
            result = await conn.execute(delete(sessions).where(sessions.c.token_hash == token_hash))
        return bool(result.rowcount)

    async def session(self, token_hash: str) -> SessionInfo | None:
        if self._reader is not None:
            found = await self._reader.run(_session_row, token_hash)
            return None if found is None else SessionInfo(*found)
        query = (
            select(participants.c.id, participants.c.workshop_id, participants.c.alias, participants.c.role)
            .join(sessions, sessions.c.participant_id == participants.c.id)
            .where(
                sessions.c.token_hash == token_hash,
                sessions.c.revoked_at.is_(None),
                participants.c.removed_at.is_(None),
            )
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else SessionInfo(row.id, row.workshop_id, row.alias, row.role)

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
            tail = (
                await conn.execute(
                    select(board_ops.c.seq, board_ops.c.op_id, board_ops.c.author_id, board_ops.c.ops)
                    .where(board_ops.c.board_id == board_id, board_ops.c.seq > snapshot_seq)
                    .order_by(board_ops.c.seq)
                )
            ).all()
        return StoredBoard(
            row=BoardRow(row.id, row.workshop_id, row.kind, row.title, row.head_seq),
            snapshot_seq=snapshot_seq,
            snapshot=snap.state if snap is not None else None,
            tail=[LoggedChange(t.seq, t.op_id, t.author_id, t.ops) for t in tail],
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

    # -- custom pictograms (the files are `fresque.uploads`' business) ------------------------------------

    async def add_custom_pictogram(self, row: CustomPictogramRow) -> None:
        async with self._write() as conn:
            await conn.execute(
                insert(custom_pictograms).values(
                    id=row.id,
                    workshop_id=row.workshop_id,
                    label_fr=row.labels["fr"],
                    label_en=row.labels.get("en"),
                    label_ar=row.labels.get("ar"),
                    category=row.category,
                    picture_file=row.picture_file,
                    thumbnail_file=row.thumbnail_file,
                    width=row.width,
                    height=row.height,
                    picture_bytes=row.picture_bytes,
                    thumbnail_bytes=row.thumbnail_bytes,
                    created_at=now(),
                )
            )

    async def custom_pictograms(self, workshop_id: str) -> list[CustomPictogramRow]:
        query = (
            select(custom_pictograms)
            .where(custom_pictograms.c.workshop_id == workshop_id)
            .order_by(custom_pictograms.c.created_at, custom_pictograms.c.id)
        )
        async with self.engine.connect() as conn:
            return [_custom_pictogram(r) for r in (await conn.execute(query)).all()]

    async def count_custom_pictograms(self, workshop_id: str) -> int:
        query = select(func.count()).where(custom_pictograms.c.workshop_id == workshop_id)
        async with self.engine.connect() as conn:
            return int(await conn.scalar(query) or 0)

    async def custom_pictogram_bytes(self) -> int:
        """The bytes every workshop's pictures and thumbnails take on disk together (the server's quota)."""
        both = custom_pictograms.c.picture_bytes + custom_pictograms.c.thumbnail_bytes
        total = func.coalesce(func.sum(both), 0)
        async with self.engine.connect() as conn:
            return int(await conn.scalar(select(total)) or 0)

    async def custom_pictogram_file(self, workshop_id: str, file_name: str) -> CustomPictogramRow | None:
        """The pictogram of this workshop whose picture or thumbnail is stored under `file_name`."""
        query = select(custom_pictograms).where(
            custom_pictograms.c.workshop_id == workshop_id,
            or_(
                custom_pictograms.c.picture_file == file_name,
                custom_pictograms.c.thumbnail_file == file_name,
            ),
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else _custom_pictogram(row)

    async def delete_custom_pictogram(self, workshop_id: str, pictogram_id: str) -> CustomPictogramRow | None:
        """Delete one pictogram's row; returns it (for its file names), or None when there was none."""
        where = (custom_pictograms.c.workshop_id == workshop_id, custom_pictograms.c.id == pictogram_id)
        async with self._write() as conn:
            row = (await conn.execute(select(custom_pictograms).where(*where))).first()
            if row is None:
                return None
            await conn.execute(delete(custom_pictograms).where(*where))
        return _custom_pictogram(row)

    async def delete_custom_pictograms(self, workshop_id: str) -> int:
        """Delete every custom pictogram row of a workshop; returns how many there were."""
        async with self._write() as conn:
            result = await conn.execute(
                delete(custom_pictograms).where(custom_pictograms.c.workshop_id == workshop_id)
            )
        return int(result.rowcount or 0)

    # -- erasing a whole workshop -------------------------------------------------------------------------

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

    # -- sign-in links (`fresque.api.signin`): one-time tokens kept as sessions under another hash ---------

    async def add_session(self, participant_id: str, token_hash: str) -> None:
        """A new session of an existing participant (another device of theirs, a sign-in link)."""
        async with self._write() as conn:
            await conn.execute(
                insert(sessions).values(
                    token_hash=token_hash, participant_id=participant_id, created_at=now()
                )
            )

    async def sign_in(self, token_hash: str) -> tuple[SessionInfo, datetime, bool] | None:
        """A sign-in link's (who it signs in, when it was made, whether it was used or revoked), or None."""
        query = (
            select(
                participants.c.id,
                participants.c.workshop_id,
                participants.c.alias,
                participants.c.role,
                sessions.c.created_at,
                sessions.c.revoked_at,
            )
            .join(sessions, sessions.c.participant_id == participants.c.id)
            .where(sessions.c.token_hash == token_hash)
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        info = SessionInfo(row.id, row.workshop_id, row.alias, row.role)
        return info, _utc(row.created_at), row.revoked_at is not None

    async def redeem_sign_in(
        self, token_hash: str, new_hash: str, *, made_after: datetime
    ) -> SessionInfo | None:
        """Swap a sign-in link for a session, once: in one transaction, revoke the link's row (only if it is
        unused and was made after `made_after`) and add a session `new_hash` for the same participant. None
        when the link is unknown, used, revoked or too old (nothing changes then)."""
        async with self._write() as conn:
            row = (
                await conn.execute(
                    select(
                        participants.c.id,
                        participants.c.workshop_id,
                        participants.c.alias,
                        participants.c.role,
                        sessions.c.created_at,
                    )
                    .join(sessions, sessions.c.participant_id == participants.c.id)
                    .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None))
                )
            ).first()
            if row is None or _utc(row.created_at) <= made_after:  # compared here: SQLite keeps naive times
                return None
            swapped = await conn.execute(
                update(sessions)
                .where(sessions.c.token_hash == token_hash, sessions.c.revoked_at.is_(None))
                .values(revoked_at=now())
            )
            if swapped.rowcount != 1:  # another redemption won the race
                return None
            await conn.execute(
                insert(sessions).values(token_hash=new_hash, participant_id=row.id, created_at=now())
            )
        return SessionInfo(row.id, row.workshop_id, row.alias, row.role)

    async def forget_unused_sign_ins(
        self, workshop_id: str, roles: tuple[str, ...], made_before: datetime
    ) -> int:
        """Delete the participants a sign-in link made (`roles`) whose link was never used and has expired:
        their one session row (the link's) unrevoked and made before `made_before` (a used link leaves two
        rows, the link's revoked and the new session). They never came, so they authored nothing."""
        query = (
            select(participants.c.id, func.min(sessions.c.created_at).label("made"))
            .join(sessions, sessions.c.participant_id == participants.c.id)
            .where(
                participants.c.workshop_id == workshop_id,
                participants.c.role.in_(roles),
                participants.c.removed_at.is_(None),
                participants.c.host_id.is_(None),
            )
            .group_by(participants.c.id)
            .having(func.count() == 1, func.count(sessions.c.revoked_at) == 0)
        )
        async with self._write() as conn:
            stale = [r.id for r in (await conn.execute(query)).all() if _utc(r.made) <= made_before]
            if stale:
                await conn.execute(delete(sessions).where(sessions.c.participant_id.in_(stale)))
                await conn.execute(delete(participants).where(participants.c.id.in_(stale)))
        return len(stale)

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


def _session_row(conn: sqlite3.Connection, token_hash: str) -> tuple[str, str, str, str] | None:
    rows = conn.execute(
        "SELECT p.id, p.workshop_id, p.alias, p.role FROM participants AS p"
        " JOIN sessions AS s ON s.participant_id = p.id"
        " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND p.removed_at IS NULL",
        (token_hash,),
    ).fetchall()  # fetched to the end: the read ends here, no statement stays open
    return rows[0] if rows else None


def _board_row(conn: sqlite3.Connection, board_id: str) -> tuple[str, str, str, str, int] | None:
    rows = conn.execute(
        "SELECT id, workshop_id, kind, title, head_seq FROM boards WHERE id = ?", (board_id,)
    ).fetchall()
    return rows[0] if rows else None


def _hosted_ids(conn: sqlite3.Connection, host_id: str) -> frozenset[str]:
    rows = conn.execute(
        "SELECT id FROM participants WHERE host_id = ? AND removed_at IS NULL", (host_id,)
    ).fetchall()
    return frozenset(r[0] for r in rows)


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


def _custom_pictogram(row: Row[Any]) -> CustomPictogramRow:
    labels = {"fr": row.label_fr}
    if row.label_en is not None:
        labels["en"] = row.label_en
    if row.label_ar is not None:
        labels["ar"] = row.label_ar
    return CustomPictogramRow(
        id=row.id,
        workshop_id=row.workshop_id,
        labels=labels,
        category=row.category,
        picture_file=row.picture_file,
        thumbnail_file=row.thumbnail_file,
        width=row.width,
        height=row.height,
        picture_bytes=row.picture_bytes,
        thumbnail_bytes=row.thumbnail_bytes,
    )


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
