"""Workshops and joining them: a workshop's row, its typed code, its link token, open or closed."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import insert, select, update

from .store_base import StoreBase, _utc, now, workshops


@dataclass(frozen=True)
class Joining:
    """How a workshop can be joined: its typed code (until `code_expires_at`), its link token, open or not."""

    workshop_id: str
    title: str
    join_code: str
    code_expires_at: datetime
    join_token: str
    open: bool


class WorkshopsStore(StoreBase):
    # -- workshops ----------------------------------------------------------------------------------------

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
