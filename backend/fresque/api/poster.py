"""The residents' fresco as a poster (issue 14), for the restitution and the neighbourhood centre's wall.

- `GET /api/boards/{id}/poster.pdf`: one page, A3 (`?paper=a3`, the default) or A2 (`?paper=a2`) landscape,
  vector (the OpenMoji pictograms stay vectors, the words stay text).
- `GET /api/boards/{id}/poster.png`: the same poster as an image, `?width=` 600–7200 px (2480 by default;
  outside that range: 422 `width_out_of_range`).

Both take `?lang=fr|en|ar` (else the requester's language, as the pages): the week's days and parts of the
day, the header and the legend; Arabic reads right to left (the week itself stays Monday → weekend, as on the
board). Access as the board's other exports: the workshop's facilitator (`require_facilitator`; 401 without
a session, 404 for no such board, 409 `not_an_exploration_board` for an action fresco).

What it shows is what a stranger to the workshop is sent (`core.visibility.snapshot_for` with the study's
`STRANGER`): a card hidden by moderation, a card of a private round still open, and everyone's dots while
votes are hidden never appear — the poster is made to be put up in public.
"""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path
from typing import Any, Literal

from fastapi import APIRouter, Request
from fastapi.responses import Response

from ..core.board import SEVERITIES, Board
from ..core.visibility import snapshot_for
from ..i18n import dictionaries, fill, requested_language
from ..pages import slug
from ..poster.output import DEFAULT_WIDTH, MAX_WIDTH, MIN_WIDTH, poster_pdf, poster_png
from ..poster.scene import Picture, PosterSource, Scene, build_scene
from ..profiles import INK, colour, display_colour
from ..rooms.registry import BoardNotFound
from ..study_scope import STRANGER, peers
from ..uploads import custom_ref
from .board_exports import board_row
from .deps import ReaderSession, Services, ServicesDep, require_facilitator
from .errors import ApiError

router = APIRouter(prefix="/api")

Lang = Literal["fr", "en", "ar"]
PaperName = Literal["a3", "a2"]


def _data_uri(path: Path | None) -> str | None:
    return (
        None
        if path is None
        else "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")
    )


def written_date(date: str | None, words: dict[str, str] | Any) -> str | None:
    """`2025-03-15` → « 15 mars 2025 » in the language (the print pages' words)."""
    if not date:
        return None
    try:
        year, month, day = (int(part) for part in date.split("-"))
    except ValueError:
        return date
    name = words.get(f"print.month.{month}", str(month))
    return fill(
        words.get("print.day_month_year", "{day} {month} {year}"), {"day": day, "month": name, "year": year}
    )


async def poster_source(services: Services, board_id: str, workshop_id: str, lang: str) -> PosterSource:
    """What the public sees of the board, with its pictures, colours and the workshop's particulars."""
    try:
        async with services.rooms.use(board_id) as room, room.lock:
            board = room.board
            if not isinstance(board, Board):  # pragma: no cover - the row said exploration
                raise ApiError(409, "not_an_exploration_board", "a poster is made of a residents' fresco")
            public = snapshot_for(board, STRANGER)
            votes_hidden = board.settings.votes_hidden
            board_title = board.settings.title
    except BoardNotFound:
        raise ApiError(404, "board_not_found", "no such board") from None
    workshop = await services.store.workshop(workshop_id)
    assert workshop is not None
    colours = {}
    for person in await services.store.people(workshop_id):
        found = colour(display_colour(person.id, person.role, person.colour))
        colours[person.id] = found.hex if found is not None else INK
    catalogue = services.catalogue
    refs = {str(i["ref"]) for i in public["items"] if i.get("ref")}
    pictures: dict[str, Picture] = {}
    for ref in refs:
        entry = catalogue.get(ref)
        if entry is not None:
            pictures[ref] = Picture(dict(entry.labels), svg=catalogue.picture_file(entry.picture))
    own = [p for p in await services.store.custom_pictograms(workshop_id) if custom_ref(p.id) in refs]
    for row in own:
        uri = await asyncio.to_thread(_data_uri, services.pictures.file_of(row, row.picture_file))
        pictures[custom_ref(row.id)] = Picture(dict(row.labels), data_uri=uri)
    faces: dict[str, Picture] = {}
    for severity in SEVERITIES:
        code = catalogue.interface.get(f"severity-{severity}")
        path = catalogue.picture_file(code) if code else None
        if path is not None:
            faces[severity] = Picture({}, svg=path)
    words = dict(dictionaries()[lang])
    place = (await peers(services.store, workshop_id)).get(workshop_id)
    return PosterSource(
        title=str(workshop["title"]),
        board_title=board_title,
        date=written_date(workshop.get("date"), words),
        neighbourhood=place.neighbourhood if place is not None else workshop.get("neighbourhood"),
        items=public["items"],
        threads=public["threads"],
        votes=public["votes"],
        votes_hidden=votes_hidden,
        colours=colours,
        pictures=pictures,
        faces=faces,
        words=words,
        attribution=catalogue.picture_set.get("attribution", ""),
    )


async def poster_scene(
    request: Request, session: Any, services: Services, board_id: str, paper: str, lang: str | None
) -> tuple[Scene, str]:
    row = await board_row(services, board_id)
    require_facilitator(session, row.workshop_id)
    if row.kind != "exploration":
        raise ApiError(
            409,
            "not_an_exploration_board",
            f"board {row.id} is an {row.kind} board: a poster shows a residents' fresco",
        )
    language = lang or requested_language(request)[0]
    source = await poster_source(services, row.id, row.workshop_id, language)
    name = f"affiche-{slug(source.title) or 'fresque'}-{paper}"
    return build_scene(source, paper, language), name


def _headers(file_name: str) -> dict[str, str]:
    return {"Content-Disposition": f'inline; filename="{file_name}"', "Cache-Control": "no-store"}


@router.get("/boards/{board_id}/poster.pdf")
async def poster_as_pdf(
    board_id: str,
    request: Request,
    session: ReaderSession,
    services: ServicesDep,
    paper: PaperName = "a3",
    lang: Lang | None = None,
) -> Response:
    scene, name = await poster_scene(request, session, services, board_id, paper, lang)
    return Response(await poster_pdf(scene), media_type="application/pdf", headers=_headers(f"{name}.pdf"))


@router.get("/boards/{board_id}/poster.png")
async def poster_as_png(
    board_id: str,
    request: Request,
    session: ReaderSession,
    services: ServicesDep,
    paper: PaperName = "a3",
    lang: Lang | None = None,
    width: int = DEFAULT_WIDTH,
) -> Response:
    if not MIN_WIDTH <= width <= MAX_WIDTH:
        raise ApiError(
            422,
            "width_out_of_range",
            f"width must be between {MIN_WIDTH} and {MAX_WIDTH} pixels (an A2 at 300 dpi is 7016 px wide)",
            extra={"min": MIN_WIDTH, "max": MAX_WIDTH},
        )
    scene, name = await poster_scene(request, session, services, board_id, paper, lang)
    return Response(await poster_png(scene, width), media_type="image/png", headers=_headers(f"{name}.png"))
