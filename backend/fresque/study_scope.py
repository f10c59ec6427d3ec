"""How far an action fresco reaches: its own workshop, or every workshop of its study (issue 13).

A workshop on its own (the laptop-on-a-LAN case) reaches only itself, as before studies existed. A workshop
attached to a study (`study_workshops`) reaches every workshop of that study, so that the partners'
workshop can link the solutions residents voted on in each neighbourhood's workshop — never a workshop of
another study, nor one on its own.

Boards of the *other* workshops are read as a stranger reads them (`STRANGER`: no one's own cards, no
facilitation): a card hidden by its workshop's facilitator, a card of an open private round and votes kept
hidden until the reveal stay hidden from the partners, whoever they are.

Plain reads of the store's tables (this module sits below the API and the rooms, which both use it).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import cast

from sqlalchemy import Table, select

from .core.visibility import Viewer
from .db.models import Neighbourhood, StudyWorkshop, WorkQuestion, Workshop
from .db.store import Store

_study_workshops = cast(Table, StudyWorkshop.__table__)
_neighbourhoods = cast(Table, Neighbourhood.__table__)
_workshops = cast(Table, Workshop.__table__)
_work_questions = cast(Table, WorkQuestion.__table__)

# How another workshop's boards are read: what anyone of that workshop could see, nothing more.
STRANGER = Viewer(people=frozenset(), facilitating=False)


@dataclass(frozen=True)
class Peer:
    """A workshop within reach, with where it was held."""

    workshop_id: str
    title: str
    neighbourhood_id: str | None  # the study's neighbourhood (None: the territory, or no study)
    neighbourhood: str | None  # its name; for a workshop on its own, the workshop's own free-text field


async def study_id_of(store: Store, workshop_id: str) -> str | None:
    async with store.engine.connect() as conn:
        found = await conn.scalar(
            select(_study_workshops.c.study_id).where(_study_workshops.c.workshop_id == workshop_id)
        )
    return None if found is None else str(found)


async def peers(store: Store, workshop_id: str) -> dict[str, Peer]:
    """The workshops within reach of `workshop_id` (itself first), by id; empty when it does not exist."""
    study = await study_id_of(store, workshop_id)
    query = select(
        _workshops.c.id,
        _workshops.c.title,
        _workshops.c.neighbourhood,
        _study_workshops.c.neighbourhood_id,
        _neighbourhoods.c.name,
    ).select_from(
        _workshops.outerjoin(_study_workshops, _study_workshops.c.workshop_id == _workshops.c.id).outerjoin(
            _neighbourhoods, _neighbourhoods.c.id == _study_workshops.c.neighbourhood_id
        )
    )
    if study is None:
        query = query.where(_workshops.c.id == workshop_id)
    else:
        query = query.where(_study_workshops.c.study_id == study).order_by(
            _workshops.c.date, _workshops.c.created_at, _workshops.c.id
        )
    async with store.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    found = {
        row.id: Peer(
            row.id,
            row.title,
            row.neighbourhood_id,
            row.name if row.name is not None else (row.neighbourhood or None),
        )
        for row in rows
    }
    own = found.pop(workshop_id, None)
    return {} if own is None else {workshop_id: own, **found}


async def within_reach(store: Store, workshop_id: str, other_workshop_id: str) -> bool:
    """Whether an action fresco of `workshop_id` may link a solution of `other_workshop_id`."""
    if other_workshop_id == workshop_id:
        return True
    study = await study_id_of(store, workshop_id)
    return study is not None and study == await study_id_of(store, other_workshop_id)


def viewer_for(own: Viewer, own_workshop: str, board_workshop: str) -> Viewer:
    """The caller's own view on their workshop's boards, a stranger's on the other workshops' boards."""
    return own if board_workshop == own_workshop else STRANGER


async def question_ids(store: Store, workshop_id: str) -> frozenset[str]:
    """The ids of the questions de travail an action of this workshop may answer: its study's."""
    study = await study_id_of(store, workshop_id)
    if study is None:
        return frozenset()
    async with store.engine.connect() as conn:
        rows = (
            await conn.execute(select(_work_questions.c.id).where(_work_questions.c.study_id == study))
        ).all()
    return frozenset(str(row.id) for row in rows)


async def questions_of(store: Store, workshop_id: str) -> list[tuple[str, str]]:
    """The questions de travail of the workshop's study, `(id, question)` in the team's order (its « Q1 »,
    « Q2 »…: the order the partners' fresco and the printed fiche number them); none without a study."""
    study = await study_id_of(store, workshop_id)
    if study is None:
        return []
    query = (
        select(_work_questions.c.id, _work_questions.c.question)
        .where(_work_questions.c.study_id == study)
        .order_by(_work_questions.c.position, _work_questions.c.created_at, _work_questions.c.id)
    )
    async with store.engine.connect() as conn:
        rows = (await conn.execute(query)).all()
    return [(str(row.id), str(row.question)) for row in rows]
