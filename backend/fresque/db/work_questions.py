"""The questions de travail of a study (issue 13): what the team pinned of the diagnostic, and the question
it asks the partners. One row per question (`work_questions`), ordered by `position` (0, 1, 2, … as the team
ordered them); the finding is JSON text whose shape `fresque.api.work_questions` checks.

It shares the workshop store's engine and (on SQLite) its one write lock (`Store.write`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, delete, func, insert, select, update

from .models import WorkQuestion
from .store import Store
from .store_base import _utc, now

work_questions = cast(Table, WorkQuestion.__table__)

MAX_QUESTIONS = 100  # per study: a partners' workshop works through a handful, a list past this is a mistake


class TooManyQuestions(Exception):
    pass


@dataclass(frozen=True)
class WorkQuestionRow:
    id: str
    study_id: str
    position: int
    finding: str  # JSON text
    question: str
    created_at: datetime


def _row(row: Any) -> WorkQuestionRow:
    return WorkQuestionRow(
        row.id, row.study_id, int(row.position), row.finding, row.question, _utc(row.created_at)
    )


class WorkQuestionStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    async def questions(self, study_id: str) -> list[WorkQuestionRow]:
        """A study's questions in the team's order."""
        query = (
            select(work_questions)
            .where(work_questions.c.study_id == study_id)
            .order_by(work_questions.c.position, work_questions.c.created_at, work_questions.c.id)
        )
        async with self.engine.connect() as conn:
            return [_row(r) for r in (await conn.execute(query)).all()]

    async def question(self, study_id: str, question_id: str) -> WorkQuestionRow | None:
        query = select(work_questions).where(
            work_questions.c.study_id == study_id, work_questions.c.id == question_id
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else _row(row)

    async def add(self, study_id: str, question_id: str, finding: str, question: str) -> WorkQuestionRow:
        """A new question, last in the order. Raises `TooManyQuestions` past `MAX_QUESTIONS`."""
        made = now()
        async with self.store.write() as conn:
            count, last = (
                await conn.execute(
                    select(func.count(), func.max(work_questions.c.position)).where(
                        work_questions.c.study_id == study_id
                    )
                )
            ).one()
            if int(count or 0) >= MAX_QUESTIONS:
                raise TooManyQuestions(study_id)
            position = 0 if last is None else int(last) + 1
            await conn.execute(
                insert(work_questions).values(
                    id=question_id,
                    study_id=study_id,
                    position=position,
                    finding=finding,
                    question=question,
                    created_at=made,
                )
            )
        return WorkQuestionRow(question_id, study_id, position, finding, question, made)

    async def edit(
        self, study_id: str, question_id: str, *, finding: str | None, question: str | None
    ) -> bool:
        values: dict[str, str] = {}
        if finding is not None:
            values["finding"] = finding
        if question is not None:
            values["question"] = question
        async with self.store.write() as conn:
            where = (work_questions.c.study_id == study_id, work_questions.c.id == question_id)
            if not values:
                return (await conn.scalar(select(func.count()).where(*where))) == 1
            result = await conn.execute(update(work_questions).where(*where).values(**values))
        return bool(result.rowcount)

    async def reorder(self, study_id: str, ids: list[str]) -> bool:
        """Put the questions in this order; False (nothing changed) unless `ids` is exactly the study's."""
        async with self.store.write() as conn:
            found = {
                str(r.id)
                for r in (
                    await conn.execute(
                        select(work_questions.c.id).where(work_questions.c.study_id == study_id)
                    )
                ).all()
            }
            if len(ids) != len(set(ids)) or set(ids) != found:
                return False
            for position, question_id in enumerate(ids):
                await conn.execute(
                    update(work_questions)
                    .where(work_questions.c.study_id == study_id, work_questions.c.id == question_id)
                    .values(position=position)
                )
        return True

    async def delete(self, study_id: str, question_id: str) -> bool:
        async with self.store.write() as conn:
            result = await conn.execute(
                delete(work_questions).where(
                    work_questions.c.study_id == study_id, work_questions.c.id == question_id
                )
            )
        return bool(result.rowcount)
