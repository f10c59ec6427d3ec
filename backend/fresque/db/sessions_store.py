"""Sessions (a device's token, kept as its hash) and sign-in links (one-time tokens kept as sessions under
another hash): who a token is, logging out, redeeming a link, forgetting unused ones."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update

from .store_base import StoreBase, _utc, now, participants, sessions


@dataclass(frozen=True)
class SessionInfo:
    participant_id: str
    workshop_id: str
    alias: str
    role: str


class SessionsStore(StoreBase):
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


# -- SQLite's hot path, run in a `Lane`'s thread: the same statements as the SQLAlchemy ones above ----------


def _session_row(conn: sqlite3.Connection, token_hash: str) -> tuple[str, str, str, str] | None:
    rows = conn.execute(
        "SELECT p.id, p.workshop_id, p.alias, p.role FROM participants AS p"
        " JOIN sessions AS s ON s.participant_id = p.id"
        " WHERE s.token_hash = ? AND s.revoked_at IS NULL AND p.removed_at IS NULL",
        (token_hash,),
    ).fetchall()  # fetched to the end: the read ends here, no statement stays open
    return rows[0] if rows else None
