"""A whole workshop's data: everything in one export, and erasing everything.

The export is what the city keeps before an erase: the workshop, every board's export document exactly as
`GET /api/boards/{id}/export` makes it (the same function is called), the participants and the custom
pictograms with their pictures inlined as base64 PNG. Inlined, not linked: after the erase the picture URLs
answer 404, so a document holding only URLs would lose the pictures the city meant to keep.

The erase closes the workshop's live boards (close `4004 workshop_erased`), deletes every row of the workshop
in one transaction (`Store.erase_workshop`), then the custom pictograms' folder
(`CustomPictures.erase_workshop`). Afterwards every token of the workshop is unknown, its join code too, and
its boards answer 404.
"""

from __future__ import annotations

import asyncio
import base64
import logging
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from .. import __version__
from ..auth import SESSION_COOKIE
from ..export import participant_entry
from ..pages import slug
from ..rooms.connection import CLOSE_WORKSHOP_ERASED
from .custom_pictograms import pictogram_json
from .deps import ReaderSession, ServicesDep, WriterSession, require_facilitator
from .errors import ApiError
from .workshops import export_board

log = logging.getLogger(__name__)

router = APIRouter(prefix="/api")

WORKSHOP_FORMAT: Final = "fresque-workshop"
WORKSHOP_FORMAT_VERSION: Final = 1
ERASED_REASON: Final = "workshop_erased"


def export_file_name(workshop: dict[str, Any]) -> str:
    """`fresque-<title as ASCII words>[-<date>].json`, named as the facilitator page names board exports."""
    parts = ["fresque", slug(str(workshop["title"])), str(workshop.get("date") or "")]
    return "-".join(part for part in parts if part) + ".json"


def _read_base64(path: Path | None) -> str | None:
    return None if path is None else base64.b64encode(path.read_bytes()).decode("ascii")


@router.get("/workshops/{workshop_id}/export")
async def export_workshop(workshop_id: str, session: ReaderSession, services: ServicesDep) -> JSONResponse:
    require_facilitator(session, workshop_id)
    workshop = await services.store.workshop(workshop_id)
    if workshop is None:
        raise ApiError(404, "workshop_not_found", "no such workshop")
    boards = [
        await export_board(row.id, session, services) for row in await services.store.boards_of(workshop_id)
    ]
    people = await services.store.people(workshop_id)
    pictograms = []
    for row in await services.store.custom_pictograms(workshop_id):
        entry = pictogram_json(row)
        picture = services.pictures.file_of(row, row.picture_file)
        entry["picture_png_base64"] = await asyncio.to_thread(_read_base64, picture)
        pictograms.append(entry)
    document = {
        "format": WORKSHOP_FORMAT,
        "format_version": WORKSHOP_FORMAT_VERSION,
        "generator": {"name": "fresque", "version": __version__},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workshop": {k: workshop[k] for k in ("id", "title", "neighbourhood", "date")},
        "boards": boards,
        "participants": [participant_entry(p) for p in people],
        "custom_pictograms": pictograms,
    }
    name = export_file_name(workshop)
    return JSONResponse(document, headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.delete("/workshops/{workshop_id}", status_code=204)
async def erase_workshop(workshop_id: str, session: WriterSession, services: ServicesDep) -> Response:
    require_facilitator(session, workshop_id)
    board_ids = [row.id for row in await services.store.boards_of(workshop_id)]
    async with services.rooms.erasing(board_ids, CLOSE_WORKSHOP_ERASED, ERASED_REASON):
        counts = await services.store.erase_workshop(workshop_id)
    if counts is None:
        raise ApiError(404, "workshop_not_found", "no such workshop")
    pictures = await services.pictures.erase_workshop(workshop_id)
    log.info("workshop %s erased: %s, %d custom pictogram rows after", workshop_id, counts, pictures)
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
