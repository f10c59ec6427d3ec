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
from .board_exports import actions_document, exploration_document
from .custom_pictograms import pictogram_json
from .deps import ReaderSession, Services, ServicesDep, WriterSession, require_facilitator
from .errors import ApiError

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


async def workshop_document(services: Services, workshop_id: str) -> dict[str, Any] | None:
    """The `fresque-workshop` document of a workshop (None when there is no such workshop): also each
    workshop's part of a study's export (`fresque.api.study_data`)."""
    workshop = await services.store.workshop(workshop_id)
    if workshop is None:
        return None
    boards = []
    for board in await services.store.boards_of(workshop_id):
        if board.kind == "actions":
            boards.append(await actions_document(services, board))
        else:
            boards.append(await exploration_document(services, board))
    people = await services.store.people(workshop_id)
    pictograms = []
    for row in await services.store.custom_pictograms(workshop_id):
        entry = pictogram_json(row)
        picture = services.pictures.file_of(row, row.picture_file)
        entry["picture_png_base64"] = await asyncio.to_thread(_read_base64, picture)
        pictograms.append(entry)
    return {
        "format": WORKSHOP_FORMAT,
        "format_version": WORKSHOP_FORMAT_VERSION,
        "generator": {"name": "fresque", "version": __version__},
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "workshop": {k: workshop[k] for k in ("id", "title", "neighbourhood", "date")},
        "boards": boards,
        "participants": [participant_entry(p) for p in people],
        "custom_pictograms": pictograms,
    }


@router.get("/workshops/{workshop_id}/export")
async def export_workshop(workshop_id: str, session: ReaderSession, services: ServicesDep) -> JSONResponse:
    require_facilitator(session, workshop_id)
    document = await workshop_document(services, workshop_id)
    if document is None:
        raise ApiError(404, "workshop_not_found", "no such workshop")
    name = export_file_name(document["workshop"])
    return JSONResponse(document, headers={"Content-Disposition": f'attachment; filename="{name}"'})


async def erase_workshop_data(services: Services, workshop_id: str) -> dict[str, int] | None:
    """Erase one workshop (None when there is no such workshop): its live boards close with
    `4004 workshop_erased`, its rows go in one transaction, then its pictures' folder. Also each workshop's
    part of a study's erase (`fresque.api.study_data`)."""
    board_ids = [row.id for row in await services.store.boards_of(workshop_id)]
    async with services.rooms.erasing(board_ids, CLOSE_WORKSHOP_ERASED, ERASED_REASON):
        counts = await services.store.erase_workshop(workshop_id)
    if counts is None:
        return None
    from .diagnostic import forget  # the diagnostic's memory of these boards goes too

    forget(board_ids=board_ids)
    pictures = await services.pictures.erase_workshop(workshop_id)
    log.info("workshop %s erased: %s, %d custom pictogram rows after", workshop_id, counts, pictures)
    return counts


@router.delete("/workshops/{workshop_id}", status_code=204)
async def erase_workshop(workshop_id: str, session: WriterSession, services: ServicesDep) -> Response:
    require_facilitator(session, workshop_id)
    if await erase_workshop_data(services, workshop_id) is None:
        raise ApiError(404, "workshop_not_found", "no such workshop")
    response = Response(status_code=204)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
