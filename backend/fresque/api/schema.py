"""The schéma d'inclusion numérique as a document (issue 14), for the study's team:

- `GET /api/studies/{id}/schema.pdf`: the PDF (WeasyPrint, `fresque.pdf.render_pdf`);
- `GET /api/studies/{id}/schema.odt`: the OpenDocument text (odfdo), to edit in LibreOffice.

`?lang=` `fr` (the default), `en` or `ar` (right to left). Both are drawn from one content tree
(`fresque.schema`), built from the study as it stands (docs/schema.md). The team only: not signed
in 401, not on the team (or no such study) 404 `study_not_found`, as every study route. Without
Pango on the server the PDF is a 503 `pdf_unavailable` (the ODT still works).
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from typing import Final, Literal

from fastapi import APIRouter
from fastapi.responses import Response

from ..pages import slug
from ..pdf import render_pdf
from ..schema.content import build
from ..schema.gather import gather
from ..schema.html import render_html
from ..schema.odt import render_odt
from ..schema.tree import Document
from .account_deps import AccountReader, study_role
from .deps import Services, ServicesDep

router = APIRouter(prefix="/api")
Lang = Literal["fr", "en", "ar"]
ODT_TYPE: Final = "application/vnd.oasis.opendocument.text"
# Rasterising an ODT's figures takes seconds of CPU: one at a time, as the PDFs (`fresque.pdf`).
_one_odt = asyncio.Semaphore(1)


async def schema_document(services: Services, study_id: str, signed_in: AccountReader, lang: str) -> Document:
    role = await study_role(services, study_id, signed_in)
    facts = await gather(services, study_id, role)
    return build(facts, lang, datetime.now(UTC).date())


def _download(body: bytes, media_type: str, document: Document, extension: str) -> Response:
    name = f"schema-{slug(document.cover.title)}-{document.lang}.{extension}"
    return Response(
        body,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/studies/{study_id}/schema.pdf")
async def schema_pdf(
    study_id: str, signed_in: AccountReader, services: ServicesDep, lang: Lang = "fr"
) -> Response:
    document = await schema_document(services, study_id, signed_in, lang)
    return _download(await render_pdf(render_html(document)), "application/pdf", document, "pdf")


@router.get("/studies/{study_id}/schema.odt")
async def schema_odt(
    study_id: str, signed_in: AccountReader, services: ServicesDep, lang: Lang = "fr"
) -> Response:
    document = await schema_document(services, study_id, signed_in, lang)
    async with _one_odt:
        body = await asyncio.to_thread(render_odt, document)
    return _download(body, ODT_TYPE, document, "odt")
