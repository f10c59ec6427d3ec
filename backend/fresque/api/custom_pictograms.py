"""Custom pictograms over HTTP: the facilitator uploads and deletes, the workshop lists and sees them.

The picture itself is `fresque.uploads`' business; here: who may ask, the body's size cap (checked while it
arrives, before any parsing), the multipart form, the labels and the category.

Uploads and deletions are the console's cookie writes (`BrowserWriterSession`: Bearer, or the cookie with
this origin and the page's CSRF token). A new picture is at once a valid `custom:<id>` activity on the
workshop's open boards (`Rooms.refresh_refs`). A picture that items of the boards use is not deleted
(`409 pictogram_in_use`, with `count`): the residents' cards would lose their picture, and a board that
names a missing picture could not be opened again. The facilitator removes those cards first.
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Request, Response
from fastapi.responses import FileResponse
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.formparsers import MultiPartException
from starlette.types import Message

from ..core.errors import RuleError
from ..core.text import check_text
from ..db.pictures_store import CustomPictogramRow
from ..uploads import FILE_NAME_RE, MAX_UPLOAD_BYTES, MEDIA_TYPE, PictureRefused, custom_ref
from .deps import BrowserWriterSession, ReaderSession, ServicesDep, require_facilitator
from .errors import ApiError

router = APIRouter()

LABEL_MAX: Final = 60  # as the catalogue's labels
LANGUAGES: Final = ("fr", "en", "ar")
FORM_OVERHEAD: Final = 64 * 1024  # multipart boundaries, part headers and the labels, besides the picture
BODY_LIMIT: Final = MAX_UPLOAD_BYTES + FORM_OVERHEAD
FIELDS: Final = frozenset({"file", "label_fr", "label_en", "label_ar", "category"})

# Served files: the names are never reused (each upload gets a new one), so a browser may keep them; private
# because they are a workshop's, behind its session.
FILE_HEADERS: Final = {
    "Cache-Control": "private, max-age=604800, immutable",
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    "Cross-Origin-Resource-Policy": "same-origin",
}

UPLOAD_DOC: Final[dict[str, Any]] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "label_fr"],
                    "properties": {
                        "file": {"type": "string", "format": "binary", "description": "PNG, JPEG or WebP"},
                        "label_fr": {"type": "string", "maxLength": LABEL_MAX},
                        "label_en": {"type": "string", "maxLength": LABEL_MAX},
                        "label_ar": {"type": "string", "maxLength": LABEL_MAX},
                        "category": {"type": "string", "description": "an activity category's id"},
                    },
                }
            }
        },
    }
}


def file_url(workshop_id: str, name: str) -> str:
    return f"/custom-pictograms/{workshop_id}/{name}"


def pictogram_json(row: CustomPictogramRow) -> dict[str, Any]:
    return {
        "id": row.id,
        "ref": custom_ref(row.id),
        "labels": dict(row.labels),
        "category": row.category,
        "picture_url": file_url(row.workshop_id, row.picture_file),
        "thumbnail_url": file_url(row.workshop_id, row.thumbnail_file),
        "width": row.width,
        "height": row.height,
    }


def _refused(exc: PictureRefused) -> ApiError:
    return ApiError(exc.status, exc.code, exc.message)


async def _read_body(request: Request) -> bytes:
    """The request body, refused with 413 as soon as it is known to be over `BODY_LIMIT`: from its declared
    Content-Length before reading anything, or while a chunked body arrives. Never more is held."""
    declared = request.headers.get("content-length")
    too_large = ApiError(413, "image_too_large", f"a picture may weigh at most {MAX_UPLOAD_BYTES} bytes")
    if declared is not None:
        if not declared.isdigit():
            raise ApiError(422, "invalid_request", "Content-Length is not a number")
        if int(declared) > BODY_LIMIT:
            raise too_large
    chunks: list[bytes] = []
    received = 0
    async for chunk in request.stream():
        received += len(chunk)
        if received > BODY_LIMIT:
            raise too_large
        chunks.append(chunk)
    return b"".join(chunks)


def _label(value: str, lang: str) -> str:
    text = value.strip()
    try:
        check_text(text, max_chars=LABEL_MAX, field=f"label_{lang}")
    except RuleError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    return text


async def _parse_form(request: Request, body: bytes) -> tuple[bytes, dict[str, str], str | None]:
    """The picture's bytes, the labels given (fr required) and the category, from the multipart body."""
    if not request.headers.get("content-type", "").lower().startswith("multipart/form-data"):
        raise ApiError(422, "invalid_request", "send multipart/form-data with a file and label_fr")
    delivered = False

    async def replay() -> Message:
        nonlocal delivered
        if delivered:
            return {"type": "http.disconnect"}
        delivered = True
        return {"type": "http.request", "body": body, "more_body": False}

    try:
        async with Request(request.scope, replay).form(
            max_files=1, max_fields=len(FIELDS), max_part_size=FORM_OVERHEAD
        ) as form:
            names = [name for name, _ in form.multi_items()]
            unknown = sorted(set(names) - FIELDS)
            if unknown:
                raise ApiError(422, "invalid_request", f"{unknown[0]}: unknown field")
            repeated = sorted({name for name in names if names.count(name) > 1})
            if repeated:
                raise ApiError(422, "invalid_request", f"{repeated[0]}: given more than once")
            upload = form.get("file")
            if not isinstance(upload, UploadFile):
                raise ApiError(422, "invalid_request", "file: a picture file is required")
            data = await upload.read(MAX_UPLOAD_BYTES + 1)
            texts: dict[str, str] = {}
            for name in FIELDS - {"file"}:
                value = form.get(name)
                if isinstance(value, UploadFile):
                    raise ApiError(422, "invalid_request", f"{name}: must be text, not a file")
                if value is not None:
                    texts[name] = value
    except StarletteHTTPException as exc:  # the multipart parser's own refusals (too many parts, bad shape)
        raise ApiError(422, "invalid_request", f"body: {exc.detail}") from None
    except MultiPartException as exc:  # the same, where Starlette does not wrap them
        raise ApiError(422, "invalid_request", f"body: {exc.message}") from None
    if len(data) > MAX_UPLOAD_BYTES:
        raise ApiError(413, "image_too_large", f"a picture may weigh at most {MAX_UPLOAD_BYTES} bytes")
    labels: dict[str, str] = {}
    for lang in LANGUAGES:
        raw = texts.get(f"label_{lang}")
        if raw is None:
            continue
        label = _label(raw, lang)
        if label:
            labels[lang] = label
    if "fr" not in labels:
        raise ApiError(422, "text_required", "label_fr: a French label is required")
    category = texts.get("category") or None
    return data, labels, category


@router.post("/api/workshops/{workshop_id}/pictograms", status_code=201, openapi_extra=UPLOAD_DOC)
async def upload_pictogram(
    workshop_id: str, request: Request, session: BrowserWriterSession, services: ServicesDep
) -> dict[str, Any]:
    require_facilitator(session, workshop_id)  # before reading a byte of the body
    pictures = services.pictures
    try:
        await pictures.check_room(workshop_id)
        data, labels, category = await _parse_form(request, await _read_body(request))
        if category is not None and category not in {c.id for c in services.catalogue.activity_categories}:
            raise ApiError(422, "unknown_category", f"{category!r} is not an activity category")
        row = await pictures.add(workshop_id, data, labels, category)
    except PictureRefused as exc:
        raise _refused(exc) from None
    await services.rooms.refresh_refs(workshop_id)  # placeable on the open boards from now on
    return pictogram_json(row)


@router.get("/api/workshops/{workshop_id}/pictograms")
async def list_pictograms(workshop_id: str, session: ReaderSession, services: ServicesDep) -> dict[str, Any]:
    if session.workshop_id != workshop_id:
        raise ApiError(403, "not_your_workshop", "this session belongs to another workshop")
    rows = await services.store.custom_pictograms(workshop_id)
    return {"pictograms": [pictogram_json(row) for row in rows]}


@router.delete("/api/workshops/{workshop_id}/pictograms/{pictogram_id}", status_code=204)
async def delete_pictogram(
    workshop_id: str, pictogram_id: str, session: BrowserWriterSession, services: ServicesDep
) -> Response:
    require_facilitator(session, workshop_id)
    not_found = ApiError(404, "pictogram_not_found", "this workshop has no such pictogram")
    if pictogram_id not in {row.id for row in await services.store.custom_pictograms(workshop_id)}:
        raise not_found
    board_ids = [row.id for row in await services.store.boards_of(workshop_id)]
    async with services.rooms.withdrawing(workshop_id, custom_ref(pictogram_id), board_ids) as uses:
        if uses:
            raise ApiError(
                409,
                "pictogram_in_use",
                f"{uses} card{'s' if uses > 1 else ''} on the boards use{'' if uses > 1 else 's'} this "
                "picture: remove them first",
                extra={"count": uses},
            )
        if not await services.pictures.delete(workshop_id, pictogram_id):
            raise not_found
    return Response(status_code=204)


@router.get("/custom-pictograms/{workshop_id}/{name}")
async def custom_picture(
    workshop_id: str, name: str, session: ReaderSession, services: ServicesDep
) -> FileResponse:
    """A picture or thumbnail, for the members of its workshop. Only names the database holds are served,
    from a path made of the row's values; anything else, another workshop's included, is a plain 404."""
    not_found = ApiError(404, "picture_not_found", "no such picture")
    if session.workshop_id != workshop_id or not FILE_NAME_RE.fullmatch(name):
        raise not_found
    row = await services.store.custom_pictogram_file(workshop_id, name)
    path = services.pictures.file_of(row, name) if row is not None else None
    if path is None:
        raise not_found
    return FileResponse(path, media_type=MEDIA_TYPE, headers=FILE_HEADERS)
