"""What is left of an erased study, read straight from the tables (not through the API): rows naming the
study, its workshops, their boards and their people; on PostgreSQL, rows of any table whose text holds a
marker.

Used by tests/test_study_erase.py and tests/test_study_story.py."""

from __future__ import annotations

from typing import Any

from fresque.db.engine import make_engine
from fresque.db.models import Base
from sqlalchemy import text


async def left_of(
    database_url: str, study_id: str, workshop_ids: list[str], participant_ids: list[str]
) -> dict[str, int]:
    """Rows naming the study (every table with a `study_id` column, whatever part made it), its workshops,
    their boards and their people, counted straight from the tables."""
    engine = make_engine(database_url)
    counts: dict[str, int] = {}
    try:
        async with engine.connect() as conn:

            async def count(query: str, **params: Any) -> int:
                return int((await conn.execute(text(query), params)).scalar_one())

            for table in Base.metadata.sorted_tables:
                if "study_id" in table.c:
                    counts[table.name] = await count(
                        f"SELECT count(*) FROM {table.name} WHERE study_id = :s", s=study_id
                    )
            counts["studies"] = await count("SELECT count(*) FROM studies WHERE id = :s", s=study_id)
            for name, query in (
                ("workshops", "SELECT count(*) FROM workshops WHERE id = :x"),
                ("boards", "SELECT count(*) FROM boards WHERE workshop_id = :x"),
                ("participants", "SELECT count(*) FROM participants WHERE workshop_id = :x"),
                ("custom_pictograms", "SELECT count(*) FROM custom_pictograms WHERE workshop_id = :x"),
                (
                    "study_workshops.by_workshop",
                    "SELECT count(*) FROM study_workshops WHERE workshop_id = :x",
                ),
            ):
                counts[name] = sum([await count(query, x=w) for w in workshop_ids])
            for name, query in (
                ("sessions", "SELECT count(*) FROM sessions WHERE participant_id = :x"),
                ("board_ops.by_author", "SELECT count(*) FROM board_ops WHERE author_id = :x"),
                (
                    "account_participants",
                    "SELECT count(*) FROM account_participants WHERE participant_id = :x",
                ),
            ):
                counts[name] = sum([await count(query, x=p) for p in participant_ids])
    finally:
        await engine.dispose()
    return counts


def needles(text_: str) -> list[bytes]:
    """The UTF-8 text and its ASCII core (in case the rest is escaped, as `\\u00e9` in JSON)."""
    return [text_.encode(), text_[:14].encode()]


async def rows_holding(url: str, text_: str) -> int:
    """Rows of any table whose text holds the marker (none: the erase is whole)."""
    engine = make_engine(url)
    total = 0
    try:
        async with engine.connect() as conn:
            for table in Base.metadata.sorted_tables:
                query = text(f"SELECT count(*) FROM {table.name} t WHERE t::text LIKE :pattern")
                total += int(await conn.scalar(query, {"pattern": f"%{text_[:14]}%"}) or 0)
    finally:
        await engine.dispose()
    return total
