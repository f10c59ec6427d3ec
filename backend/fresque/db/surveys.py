"""Reads and writes of the street survey: a study's questionnaire versions and its responses.

A response is stored once per (study, client id): the surveyor's phone makes the id, and a resend of the
same response (after a lost answer, a reload, a reconnect) finds the stored one instead of adding a second.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, func, insert, select
from sqlalchemy.exc import IntegrityError

from .models import SurveyQuestionnaire, SurveyResponse
from .store import Store
from .store_base import _utc, now

survey_questionnaires = cast(Table, SurveyQuestionnaire.__table__)
survey_responses = cast(Table, SurveyResponse.__table__)


@dataclass(frozen=True)
class ResponseRow:
    id: str
    client_id: str
    questionnaire_version: int
    neighbourhood_id: str | None
    answers: str  # canonical JSON text
    fragility: str | None
    source: str
    answered_at: datetime | None
    received_at: datetime


@dataclass(frozen=True)
class NewResponse:
    id: str
    study_id: str
    client_id: str
    questionnaire_version: int
    neighbourhood_id: str | None
    answers: str
    fragility: str | None
    source: str
    answered_at: datetime | None


class SurveyStore:
    def __init__(self, store: Store) -> None:
        self.store = store
        self.engine = store.engine

    async def questionnaire(self, study_id: str, version: int | None = None) -> tuple[int, str] | None:
        """(version, JSON body) of a study's questionnaire: the given version, else the latest."""
        query = select(survey_questionnaires.c.version, survey_questionnaires.c.body).where(
            survey_questionnaires.c.study_id == study_id
        )
        if version is None:
            query = query.order_by(survey_questionnaires.c.version.desc()).limit(1)
        else:
            query = query.where(survey_questionnaires.c.version == version)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else (int(row.version), str(row.body))

    async def questionnaires(self, study_id: str) -> list[tuple[int, str]]:
        query = (
            select(survey_questionnaires.c.version, survey_questionnaires.c.body)
            .where(survey_questionnaires.c.study_id == study_id)
            .order_by(survey_questionnaires.c.version)
        )
        async with self.engine.connect() as conn:
            return [(int(row.version), str(row.body)) for row in (await conn.execute(query)).all()]

    async def add_questionnaire_version(self, study_id: str, body: str) -> int:
        """Store a new version of the questionnaire; returns its number."""
        async with self.store.write() as conn:
            latest = await conn.scalar(
                select(func.max(survey_questionnaires.c.version)).where(
                    survey_questionnaires.c.study_id == study_id
                )
            )
            version = int(latest or 0) + 1
            await conn.execute(
                insert(survey_questionnaires).values(
                    study_id=study_id, version=version, body=body, created_at=now()
                )
            )
        return version

    async def add_questionnaire_version_if_unanswered(self, study_id: str, body: str) -> int | None:
        """Store a new version unless the study has a response (then `None`): checked and written in one
        transaction, so an edit cannot slip in after a first response that the team did not see."""
        async with self.store.write() as conn:
            answered = await conn.scalar(
                select(func.count())
                .select_from(survey_responses)
                .where(survey_responses.c.study_id == study_id)
            )
            if answered:
                return None
            latest = await conn.scalar(
                select(func.max(survey_questionnaires.c.version)).where(
                    survey_questionnaires.c.study_id == study_id
                )
            )
            version = int(latest or 0) + 1
            await conn.execute(
                insert(survey_questionnaires).values(
                    study_id=study_id, version=version, body=body, created_at=now()
                )
            )
        return version

    async def add_response(self, new: NewResponse) -> tuple[ResponseRow, bool]:
        """Store a response unless its client id is known: (the stored response, whether it is new)."""
        try:
            async with self.store.write() as conn:
                await conn.execute(
                    insert(survey_responses).values(
                        id=new.id,
                        study_id=new.study_id,
                        client_id=new.client_id,
                        questionnaire_version=new.questionnaire_version,
                        neighbourhood_id=new.neighbourhood_id,
                        answers=new.answers,
                        fragility=new.fragility,
                        source=new.source,
                        answered_at=new.answered_at,
                        received_at=now(),
                    )
                )
            created = True
        except IntegrityError:
            created = False
        found = await self.response_by_client_id(new.study_id, new.client_id)
        if found is None:  # the insert failed for another reason than a resend
            raise RuntimeError("a survey response could not be stored")
        return found, created

    async def response_by_client_id(self, study_id: str, client_id: str) -> ResponseRow | None:
        query = select(survey_responses).where(
            survey_responses.c.study_id == study_id, survey_responses.c.client_id == client_id
        )
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        return None if row is None else _response(row)

    async def responses(self, study_id: str) -> list[ResponseRow]:
        query = (
            select(survey_responses)
            .where(survey_responses.c.study_id == study_id)
            .order_by(survey_responses.c.received_at, survey_responses.c.id)
        )
        async with self.engine.connect() as conn:
            return [_response(row) for row in (await conn.execute(query)).all()]

    async def count_responses(self, study_id: str) -> int:
        query = (
            select(func.count()).select_from(survey_responses).where(survey_responses.c.study_id == study_id)
        )
        async with self.engine.connect() as conn:
            return int(await conn.scalar(query) or 0)


def _response(row: object) -> ResponseRow:
    r = cast(SurveyResponse, row)
    return ResponseRow(
        id=r.id,
        client_id=r.client_id,
        questionnaire_version=r.questionnaire_version,
        neighbourhood_id=r.neighbourhood_id,
        answers=r.answers,
        fragility=r.fragility,
        source=r.source,
        answered_at=None if r.answered_at is None else _utc(r.answered_at),
        received_at=_utc(r.received_at),
    )
