"""The reads and writes of a study's export, import and erase that the other stores do not make
(`fresque.api.study_data`).

Rows made by an import carry the document's times (a response's `received_at`, a questionnaire's
`created_at`…) and, where the stores order by creation time (a workshop's participants, boards), times one
microsecond apart in the document's order, so that the study's export after an import lists everything in
the order the first export did.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select

from .models import (
    AccountParticipant,
    Base,
    Board,
    BoardSnapshot,
    Neighbourhood,
    Participant,
    Study,
    StudyMember,
    StudyWorkshop,
    SurveyQuestionnaire,
    SurveyResponse,
    WorkQuestion,
    Workshop,
)
from .store import Store
from .store_base import _utc, now

studies = cast(Table, Study.__table__)
study_members = cast(Table, StudyMember.__table__)
neighbourhoods = cast(Table, Neighbourhood.__table__)
study_workshops = cast(Table, StudyWorkshop.__table__)
survey_questionnaires = cast(Table, SurveyQuestionnaire.__table__)
survey_responses = cast(Table, SurveyResponse.__table__)
work_questions = cast(Table, WorkQuestion.__table__)
workshops = cast(Table, Workshop.__table__)
participants = cast(Table, Participant.__table__)
account_participants = cast(Table, AccountParticipant.__table__)
boards = cast(Table, Board.__table__)
board_snapshots = cast(Table, BoardSnapshot.__table__)

TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class QuestionnaireRow:
    version: int
    body: str
    created_at: datetime


@dataclass(frozen=True)
class WorkQuestionRow:
    id: str
    position: int
    finding: str
    question: str
    created_at: datetime


# -- reads the export needs --------------------------------------------------------------------------------


async def questionnaire_rows(store: Store, study_id: str) -> list[QuestionnaireRow]:
    query = (
        select(survey_questionnaires)
        .where(survey_questionnaires.c.study_id == study_id)
        .order_by(survey_questionnaires.c.version)
    )
    async with store.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [QuestionnaireRow(int(r.version), str(r.body), _utc(r.created_at)) for r in rows]


async def work_question_rows(store: Store, study_id: str) -> list[WorkQuestionRow]:
    """Read from the table directly (the questions' own store is another part's)."""
    query = (
        select(work_questions)
        .where(work_questions.c.study_id == study_id)
        .order_by(work_questions.c.position, work_questions.c.created_at, work_questions.c.id)
    )
    async with store.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [WorkQuestionRow(r.id, int(r.position), r.finding, r.question, _utc(r.created_at)) for r in rows]


async def taken_ids(store: Store, table: Table, ids: Sequence[str]) -> set[str]:
    """Which of `ids` a row of `table` already holds."""
    if not ids:
        return set()
    async with store.engine.connect() as conn:
        found = (await conn.execute(select(table.c.id).where(table.c.id.in_(list(ids))))).scalars().all()
    return {str(i) for i in found}


# -- writes of an import -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class NewStudy:
    id: str
    title: str
    territory: str
    period_start: str | None
    period_end: str | None
    owner_account_id: str
    neighbourhoods: list[tuple[str, str, str | None]]  # (id, name, QPV code), in order
    questionnaires: list[tuple[int, str, datetime]]  # (version, JSON text, made at)
    responses: list[dict[str, Any]]  # survey_responses' columns but study_id


async def insert_study(store: Store, new: NewStudy) -> None:
    """The study with its owner, neighbourhoods, questionnaires and responses, in one transaction (its
    questions de travail come after its workshops: `insert_work_questions`)."""
    async with store.write() as conn:
        await conn.execute(
            insert(studies).values(
                id=new.id,
                title=new.title,
                territory=new.territory,
                period_start=new.period_start,
                period_end=new.period_end,
                created_at=now(),
            )
        )
        await conn.execute(
            insert(study_members).values(
                study_id=new.id, account_id=new.owner_account_id, role="owner", created_at=now()
            )
        )
        for position, (nid, name, qpv) in enumerate(new.neighbourhoods):
            await conn.execute(
                insert(neighbourhoods).values(
                    id=nid, study_id=new.id, name=name, qpv_code=qpv, position=position
                )
            )
        for version, body, made in new.questionnaires:
            await conn.execute(
                insert(survey_questionnaires).values(
                    study_id=new.id, version=version, body=body, created_at=made
                )
            )
        if new.responses:
            await conn.execute(insert(survey_responses), [{**r, "study_id": new.id} for r in new.responses])


async def insert_work_questions(store: Store, study_id: str, rows: list[dict[str, Any]]) -> None:
    """The study's questions de travail (work_questions' columns but study_id), in one transaction."""
    if rows:
        async with store.write() as conn:
            await conn.execute(insert(work_questions), [{**q, "study_id": study_id} for q in rows])


@dataclass(frozen=True)
class NewWorkshop:
    id: str
    study_id: str
    neighbourhood_id: str | None
    title: str
    neighbourhood: str | None
    date: str | None
    join_code: str
    join_code_expires_at: datetime
    people: list[dict[str, Any]]  # participants' columns but workshop_id and created_at, hosts first
    facilitator_id: str | None  # the participant the importing account facilitates as
    account_id: str


async def insert_workshop(store: Store, new: NewWorkshop) -> None:
    """A study's workshop and its people (no session: nobody is signed in to an imported workshop; the
    importing account facilitates as the workshop's facilitator, `account_participants`), in one
    transaction."""
    made = now()
    async with store.write() as conn:
        await conn.execute(
            insert(workshops).values(
                id=new.id,
                title=new.title,
                neighbourhood=new.neighbourhood,
                date=new.date,
                join_code=new.join_code,
                join_code_expires_at=new.join_code_expires_at,
                join_token=secrets.token_urlsafe(32),
                joining_open=True,
                created_at=made,
            )
        )
        await conn.execute(
            insert(study_workshops).values(
                workshop_id=new.id, study_id=new.study_id, neighbourhood_id=new.neighbourhood_id
            )
        )
        for index, person in enumerate(new.people):
            await conn.execute(
                insert(participants).values(**person, workshop_id=new.id, created_at=made + index * TICK)
            )
        if new.facilitator_id is not None:
            await conn.execute(
                insert(account_participants).values(
                    participant_id=new.facilitator_id, account_id=new.account_id
                )
            )


async def insert_boards(store: Store, workshop_id: str, made: list[tuple[str, str, str, str]]) -> None:
    """A workshop's boards, (id, kind, title, state as JSON text) in order, each at seq 0 with its state as
    the snapshot at seq 0 (as `Store.create_board`), in one transaction."""
    start = now()
    async with store.write() as conn:
        for index, (board_id, kind, title, state) in enumerate(made):
            at = start + index * TICK
            await conn.execute(
                insert(boards).values(
                    id=board_id, workshop_id=workshop_id, kind=kind, title=title, head_seq=0, created_at=at
                )
            )
            await conn.execute(
                insert(board_snapshots).values(board_id=board_id, seq=0, state=state, created_at=at)
            )


# -- erasing what is left of a study once its workshops are gone -------------------------------------------


def study_tables() -> list[Table]:
    """Every table with a `study_id` column, the ones naming others first: the known ones (responses,
    questionnaires, questions, workshops' links, neighbourhoods, invites, members) and any another part of
    the study level adds, so that an erase leaves none of its rows behind."""
    return [t for t in reversed(Base.metadata.sorted_tables) if "study_id" in t.c]


async def erase_study_rows(store: Store, study_id: str) -> dict[str, int] | None:
    """Delete every row naming the study, then the study, in one transaction; None when there is no such
    study. Raises `WorkshopsLeft` (nothing deleted) when a workshop was attached since the caller erased
    them: the caller erases it and comes back."""
    counts: dict[str, int] = {}
    async with store.write() as conn:
        if await conn.scalar(select(studies.c.id).where(studies.c.id == study_id)) is None:
            return None
        left = await conn.scalar(
            select(func.count()).select_from(study_workshops).where(study_workshops.c.study_id == study_id)
        )
        if left:
            raise WorkshopsLeft(int(left))
        for table in study_tables():
            result = await conn.execute(delete(table).where(table.c.study_id == study_id))
            counts[table.name] = int(result.rowcount or 0)
        counts["studies"] = int(
            (await conn.execute(delete(studies).where(studies.c.id == study_id))).rowcount or 0
        )
    return counts


class WorkshopsLeft(Exception):
    def __init__(self, count: int) -> None:
        super().__init__(f"{count} workshops still attached")
        self.count = count
