"""Reads and writes of the study level: accounts and their sessions, studies, their team and invites,
neighbourhoods, and which workshops a study owns.

It shares the workshop store's engine and (on SQLite) its one write lock (`Store.write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Row, Table, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from .models import (
    Account,
    AccountParticipant,
    AccountSession,
    Board,
    Neighbourhood,
    Participant,
    Session,
    Study,
    StudyInvite,
    StudyMember,
    StudyWorkshop,
    SurveyQuestionnaire,
    SurveyResponse,
    Workshop,
)
from .store import Store
from .store_base import _utc, now

accounts = cast(Table, Account.__table__)
account_sessions = cast(Table, AccountSession.__table__)
studies = cast(Table, Study.__table__)
study_members = cast(Table, StudyMember.__table__)
study_invites = cast(Table, StudyInvite.__table__)
neighbourhoods = cast(Table, Neighbourhood.__table__)
study_workshops = cast(Table, StudyWorkshop.__table__)
account_participants = cast(Table, AccountParticipant.__table__)
survey_questionnaires = cast(Table, SurveyQuestionnaire.__table__)
workshops = cast(Table, Workshop.__table__)
participants = cast(Table, Participant.__table__)
sessions = cast(Table, Session.__table__)
boards = cast(Table, Board.__table__)
survey_responses = cast(Table, SurveyResponse.__table__)

OWNER = "owner"
MEMBER = "member"
STUDY_ROLES = (OWNER, MEMBER)


class UsernameTaken(Exception):
    pass


class NeighbourhoodInUse(Exception):
    """A neighbourhood that workshops or survey responses name cannot be taken off the study."""

    def __init__(self, neighbourhood_id: str, name: str) -> None:
        super().__init__(name)
        self.neighbourhood_id = neighbourhood_id
        self.name = name


@dataclass(frozen=True)
class AccountRow:
    id: str
    username: str
    password_hash: str
    disabled: bool


@dataclass(frozen=True)
class AccountInfo:
    """Who a signed-in request is."""

    account_id: str
    username: str


@dataclass(frozen=True)
class NeighbourhoodRow:
    id: str
    name: str
    qpv_code: str | None
    position: int


@dataclass(frozen=True)
class StudyRow:
    id: str
    title: str
    territory: str
    period_start: str | None
    period_end: str | None
    created_at: datetime


@dataclass(frozen=True)
class StudyWorkshopRow:
    workshop_id: str
    title: str
    date: str | None
    neighbourhood_id: str | None
    created_at: datetime


@dataclass(frozen=True)
class WorkshopFacts:
    """What the dashboard says of a study's workshop besides its title and date."""

    boards: dict[str, int]  # board kind → how many
    people: int  # participants who are not removed (facilitators, residents, people on paper)
    joining_open: bool
    code_expires_at: datetime


@dataclass(frozen=True)
class MemberRow:
    account_id: str
    username: str
    role: str


class StudyStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    # -- accounts and their sessions ------------------------------------------------------------------------

    async def create_account(self, account_id: str, username: str, password_hash: str) -> None:
        """Raises `UsernameTaken` when the (folded) username exists."""
        try:
            async with self.store.write() as conn:
                await conn.execute(
                    insert(accounts).values(
                        id=account_id, username=username, password_hash=password_hash, created_at=now()
                    )
                )
        except IntegrityError:
            raise UsernameTaken(username) from None

    async def count_accounts(self) -> int:
        async with self.engine.connect() as conn:
            return int(await conn.scalar(select(func.count()).select_from(accounts)) or 0)

    async def account_by_username(self, username: str) -> AccountRow | None:
        return await self._account(accounts.c.username == username)

    async def account(self, account_id: str) -> AccountRow | None:
        return await self._account(accounts.c.id == account_id)

    async def _account(self, condition: Any) -> AccountRow | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(accounts).where(condition))).first()
        if row is None:
            return None
        return AccountRow(row.id, row.username, row.password_hash, row.disabled_at is not None)

    async def set_password_hash(
        self, account_id: str, password_hash: str, *, keep_session: str | None
    ) -> None:
        """A new password; every session of the account but `keep_session` (the one that changed it) ends."""
        async with self.store.write() as conn:
            await conn.execute(
                update(accounts).where(accounts.c.id == account_id).values(password_hash=password_hash)
            )
            await conn.execute(
                update(account_sessions)
                .where(
                    account_sessions.c.account_id == account_id,
                    account_sessions.c.token_hash != (keep_session or ""),
                    account_sessions.c.revoked_at.is_(None),
                )
                .values(revoked_at=now())
            )

    async def rehash_password(self, account_id: str, password_hash: str) -> None:
        """The same password, hashed with today's parameters (sessions stay)."""
        async with self.store.write() as conn:
            await conn.execute(
                update(accounts).where(accounts.c.id == account_id).values(password_hash=password_hash)
            )

    async def add_account_session(self, account_id: str, token_hash: str) -> None:
        async with self.store.write() as conn:
            await conn.execute(
                insert(account_sessions).values(
                    token_hash=token_hash, account_id=account_id, created_at=now()
                )
            )

    async def account_session(self, token_hash: str) -> AccountInfo | None:
        """The account behind a live session token's hash: not revoked, the account not disabled."""
        query = (
            select(accounts.c.id, accounts.c.username)
            .join(account_sessions, account_sessions.c.account_id == accounts.c.id)
            .where(
                account_sessions.c.token_hash == token_hash,
                account_sessions.c.revoked_at.is_(None),
                accounts.c.disabled_at.is_(None),
            )
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else AccountInfo(row.id, row.username)

    async def revoke_account_session(self, token_hash: str) -> bool:
        async with self.store.write() as conn:
            result = await conn.execute(
                update(account_sessions)
                .where(account_sessions.c.token_hash == token_hash, account_sessions.c.revoked_at.is_(None))
                .values(revoked_at=now())
            )
        return bool(result.rowcount)

    # -- studies, their team and neighbourhoods -----------------------------------------------------------

    async def create_study(
        self,
        *,
        study_id: str,
        title: str,
        territory: str,
        period_start: str | None,
        period_end: str | None,
        owner_account_id: str,
        neighbourhoods_: list[tuple[str, str, str | None]],  # (id, name, QPV code)
        questionnaire: str,  # the first version of the street survey's questionnaire, as JSON text
    ) -> None:
        """The study, its owner's membership, its neighbourhoods and its questionnaire, in one transaction."""
        made = now()
        async with self.store.write() as conn:
            await conn.execute(
                insert(studies).values(
                    id=study_id,
                    title=title,
                    territory=territory,
                    period_start=period_start,
                    period_end=period_end,
                    created_at=made,
                )
            )
            await conn.execute(
                insert(study_members).values(
                    study_id=study_id, account_id=owner_account_id, role=OWNER, created_at=made
                )
            )
            for position, (nid, name, qpv) in enumerate(neighbourhoods_):
                await conn.execute(
                    insert(neighbourhoods).values(
                        id=nid, study_id=study_id, name=name, qpv_code=qpv, position=position
                    )
                )
            await conn.execute(
                insert(survey_questionnaires).values(
                    study_id=study_id, version=1, body=questionnaire, created_at=made
                )
            )

    async def study(self, study_id: str) -> StudyRow | None:
        async with self.engine.connect() as conn:
            row = (await conn.execute(select(studies).where(studies.c.id == study_id))).first()
        return None if row is None else _study(row)

    async def studies_of(self, account_id: str) -> list[tuple[StudyRow, str]]:
        """The studies an account is on the team of, with its role, newest first."""
        query = (
            select(studies, study_members.c.role)
            .join(study_members, study_members.c.study_id == studies.c.id)
            .where(study_members.c.account_id == account_id)
            .order_by(studies.c.created_at.desc())
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [(_study(row), row.role) for row in rows]

    async def member_role(self, study_id: str, account_id: str) -> str | None:
        query = select(study_members.c.role).where(
            study_members.c.study_id == study_id, study_members.c.account_id == account_id
        )
        async with self.engine.connect() as conn:
            found = await conn.scalar(query)
        return None if found is None else str(found)

    async def members(self, study_id: str) -> list[MemberRow]:
        query = (
            select(accounts.c.id, accounts.c.username, study_members.c.role)
            .join(study_members, study_members.c.account_id == accounts.c.id)
            .where(study_members.c.study_id == study_id)
            .order_by(study_members.c.created_at, accounts.c.username)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [MemberRow(row.id, row.username, row.role) for row in rows]

    async def add_member(self, study_id: str, account_id: str, role: str) -> None:
        """Put an account on the team (a member already on it keeps their role)."""
        async with self.store.write() as conn:
            found = await conn.scalar(
                select(study_members.c.role).where(
                    study_members.c.study_id == study_id, study_members.c.account_id == account_id
                )
            )
            if found is None:
                await conn.execute(
                    insert(study_members).values(
                        study_id=study_id, account_id=account_id, role=role, created_at=now()
                    )
                )

    async def remove_member(self, study_id: str, account_id: str) -> bool:
        async with self.store.write() as conn:
            result = await conn.execute(
                delete(study_members).where(
                    study_members.c.study_id == study_id, study_members.c.account_id == account_id
                )
            )
        return bool(result.rowcount)

    async def neighbourhoods(self, study_id: str) -> list[NeighbourhoodRow]:
        query = (
            select(neighbourhoods)
            .where(neighbourhoods.c.study_id == study_id)
            .order_by(neighbourhoods.c.position)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [NeighbourhoodRow(row.id, row.name, row.qpv_code, row.position) for row in rows]

    # -- invites: one-time links onto a study's team (kept as a hash, spent once) -------------------------

    async def add_invite(self, study_id: str, token_hash: str, role: str) -> None:
        async with self.store.write() as conn:
            await conn.execute(
                insert(study_invites).values(
                    token_hash=token_hash, study_id=study_id, role=role, created_at=now()
                )
            )

    async def invite(self, token_hash: str) -> tuple[str, str, datetime, bool] | None:
        """(study id, role, made at, used) of an invite, without spending it."""
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(select(study_invites).where(study_invites.c.token_hash == token_hash))
            ).first()
        if row is None:
            return None
        return row.study_id, row.role, _utc(row.created_at), row.used_at is not None

    async def redeem_invite(self, token_hash: str, account_id: str, *, made_after: datetime) -> str | None:
        """Spend an unused, unexpired invite for an account: the study it joined, or None."""
        async with self.store.write() as conn:
            spent = await conn.execute(
                update(study_invites)
                .where(
                    study_invites.c.token_hash == token_hash,
                    study_invites.c.used_at.is_(None),
                    study_invites.c.created_at > made_after,
                )
                .values(used_at=now())
                .returning(study_invites.c.study_id, study_invites.c.role)
            )
            row = spent.first()
            if row is None:
                return None
            found = await conn.scalar(
                select(study_members.c.role).where(
                    study_members.c.study_id == row.study_id, study_members.c.account_id == account_id
                )
            )
            if found is None:
                await conn.execute(
                    insert(study_members).values(
                        study_id=row.study_id, account_id=account_id, role=row.role, created_at=now()
                    )
                )
        return str(row.study_id)

    # -- a study's workshops --------------------------------------------------------------------------------

    async def attach_workshop(self, workshop_id: str, study_id: str, neighbourhood_id: str | None) -> None:
        async with self.store.write() as conn:
            await conn.execute(
                insert(study_workshops).values(
                    workshop_id=workshop_id, study_id=study_id, neighbourhood_id=neighbourhood_id
                )
            )

    async def study_workshops(self, study_id: str) -> list[StudyWorkshopRow]:
        query = (
            select(
                workshops.c.id,
                workshops.c.title,
                workshops.c.date,
                workshops.c.created_at,
                study_workshops.c.neighbourhood_id,
            )
            .join(study_workshops, study_workshops.c.workshop_id == workshops.c.id)
            .where(study_workshops.c.study_id == study_id)
            .order_by(workshops.c.date, workshops.c.created_at)
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            StudyWorkshopRow(row.id, row.title, row.date, row.neighbourhood_id, _utc(row.created_at))
            for row in rows
        ]

    async def study_of_workshop(self, workshop_id: str) -> tuple[str, str | None] | None:
        """(study id, neighbourhood id) of a study's workshop; None for a workshop on its own."""
        query = select(study_workshops.c.study_id, study_workshops.c.neighbourhood_id).where(
            study_workshops.c.workshop_id == workshop_id
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (row.study_id, row.neighbourhood_id)

    async def link_account_participant(self, participant_id: str, account_id: str) -> None:
        async with self.store.write() as conn:
            await conn.execute(
                insert(account_participants).values(participant_id=participant_id, account_id=account_id)
            )

    async def account_participant(self, workshop_id: str, account_id: str) -> str | None:
        """The participant an account facilitates a workshop as (not removed), if it has one."""
        query = (
            select(participants.c.id)
            .join(account_participants, account_participants.c.participant_id == participants.c.id)
            .where(
                participants.c.workshop_id == workshop_id,
                account_participants.c.account_id == account_id,
                participants.c.removed_at.is_(None),
            )
        )
        async with self.engine.connect() as conn:
            found = await conn.scalar(query)
        return None if found is None else str(found)

    # -- what the team's dashboard shows and changes (`fresque.api.studies`) --------------------------------

    async def set_neighbourhoods(
        self, study_id: str, wanted: list[tuple[str, str, str | None]], fresh: set[str]
    ) -> None:
        """The study's neighbourhoods become `wanted`, in that order: (id, name, QPV code), where the ids in
        `fresh` are new ones (made by the caller). A known id is renamed and moved; an id that is neither the
        study's nor fresh is refused (KeyError); one left out is removed, unless workshops or survey
        responses name it (`NeighbourhoodInUse`): those would lose their place in the diagnostic."""
        async with self.store.write() as conn:
            rows = (
                await conn.execute(
                    select(neighbourhoods.c.id, neighbourhoods.c.name).where(
                        neighbourhoods.c.study_id == study_id
                    )
                )
            ).all()
            known = {row.id: row.name for row in rows}
            kept = {nid for nid, _, _ in wanted}
            unknown = kept - set(known) - fresh
            if unknown:
                raise KeyError(sorted(unknown)[0])
            for gone in sorted(set(known) - kept):
                workshops_there = await conn.scalar(
                    select(func.count())
                    .select_from(study_workshops)
                    .where(study_workshops.c.neighbourhood_id == gone)
                )
                responses_there = await conn.scalar(
                    select(func.count())
                    .select_from(survey_responses)
                    .where(survey_responses.c.neighbourhood_id == gone)
                )
                if workshops_there or responses_there:
                    raise NeighbourhoodInUse(gone, known[gone])
                await conn.execute(delete(neighbourhoods).where(neighbourhoods.c.id == gone))
            for position, (nid, name, qpv) in enumerate(wanted):
                if nid in known:
                    await conn.execute(
                        update(neighbourhoods)
                        .where(neighbourhoods.c.id == nid)
                        .values(name=name, qpv_code=qpv, position=position)
                    )
                else:
                    await conn.execute(
                        insert(neighbourhoods).values(
                            id=nid, study_id=study_id, name=name, qpv_code=qpv, position=position
                        )
                    )

    async def workshop_facts(self, workshop_ids: list[str]) -> dict[str, WorkshopFacts]:
        """Boards by kind, people and joining state of each workshop, in three queries (not three per
        workshop: a study holds dozens)."""
        if not workshop_ids:
            return {}
        async with self.engine.connect() as conn:
            board_counts = (
                await conn.execute(
                    select(boards.c.workshop_id, boards.c.kind, func.count())
                    .where(boards.c.workshop_id.in_(workshop_ids))
                    .group_by(boards.c.workshop_id, boards.c.kind)
                )
            ).all()
            people = (
                await conn.execute(
                    select(participants.c.workshop_id, func.count())
                    .where(participants.c.workshop_id.in_(workshop_ids), participants.c.removed_at.is_(None))
                    .group_by(participants.c.workshop_id)
                )
            ).all()
            joining = (
                await conn.execute(
                    select(workshops.c.id, workshops.c.joining_open, workshops.c.join_code_expires_at).where(
                        workshops.c.id.in_(workshop_ids)
                    )
                )
            ).all()
        by_kind: dict[str, dict[str, int]] = {wid: {} for wid in workshop_ids}
        for wid, kind, count in board_counts:
            by_kind[wid][kind] = int(count)
        counted = {wid: int(count) for wid, count in people}
        return {
            row.id: WorkshopFacts(
                boards=by_kind[row.id],
                people=counted.get(row.id, 0),
                joining_open=bool(row.joining_open),
                code_expires_at=_utc(row.join_code_expires_at),
            )
            for row in joining
        }

    async def end_workshop_sessions(self, study_id: str, account_id: str) -> list[str]:
        """Revoke the workshop sessions of the participants an account facilitates the study's workshops as
        (taken off the team, it must not keep a console open); returns those participants' ids, whose
        sockets the caller closes. The participants stay (their cards and the workshop's owner stay)."""
        async with self.store.write() as conn:
            ids = list(
                (
                    await conn.execute(
                        select(account_participants.c.participant_id)
                        .join(participants, participants.c.id == account_participants.c.participant_id)
                        .join(study_workshops, study_workshops.c.workshop_id == participants.c.workshop_id)
                        .where(
                            account_participants.c.account_id == account_id,
                            study_workshops.c.study_id == study_id,
                        )
                    )
                )
                .scalars()
                .all()
            )
            if ids:
                await conn.execute(
                    update(sessions)
                    .where(sessions.c.participant_id.in_(ids), sessions.c.revoked_at.is_(None))
                    .values(revoked_at=now())
                )
        return [str(pid) for pid in ids]


def _study(row: Row[Any]) -> StudyRow:
    return StudyRow(row.id, row.title, row.territory, row.period_start, row.period_end, _utc(row.created_at))
