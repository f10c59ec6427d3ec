"""Custom pictograms' rows: what a facilitator uploaded, with its labels and sizes (the files are
`fresque.uploads`' business)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, delete, func, insert, or_, select

from .store_base import StoreBase, custom_pictograms, now


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


class PicturesStore(StoreBase):
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
