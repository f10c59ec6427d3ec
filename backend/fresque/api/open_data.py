"""`GET /api/studies/{id}/open-data.zip`: the study's open data, for its team (anyone else: 404).

The figures are the diagnostic's, computed as `GET /api/studies/{id}/diagnostic` and the diagnostic page
compute them (`study_inputs` then `diagnose`, no filter), so « < 5 » is settled once, by
`fresque.diagnostic.suppression`, and the zip cannot publish a figure the diagnostic hides.

Query: `lang=fr|en|ar` (the README's and the descriptions' words; French by default), `include_texts=true`
(the residents' own words: difficulty and idea texts; left out by default), `licence=etalab-2.0|odbl-1.0`
(the licence the package names; Licence Ouverte 2.0 by default).
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal
from urllib.parse import quote

from fastapi import APIRouter
from fastapi.responses import Response

from ..diagnostic import diagnose
from ..open_data import DEFAULT_LICENCE, build_tables, bundle
from .account_deps import AccountReader, study_role
from .deps import ServicesDep
from .diagnostic import study_inputs
from .errors import ApiError

router = APIRouter(prefix="/api")


@router.get("/studies/{study_id}/open-data.zip")
async def open_data_zip(
    study_id: str,
    signed_in: AccountReader,
    services: ServicesDep,
    lang: Literal["fr", "en", "ar"] = "fr",
    include_texts: bool = False,
    licence: Literal["etalab-2.0", "odbl-1.0"] = DEFAULT_LICENCE,
) -> Response:
    await study_role(services, study_id, signed_in)
    study = await services.studies.study(study_id)
    if study is None:  # pragma: no cover - study_role said it exists
        raise ApiError(404, "study_not_found", "no such study among yours")
    figures = diagnose(await study_inputs(services, study_id))
    tables = build_tables(figures, include_texts=include_texts)
    name, data = bundle(
        {
            "id": study.id,
            "title": study.title,
            "territory": study.territory,
            "period_start": study.period_start,
            "period_end": study.period_end,
            "neighbourhoods": [h["name"] for h in figures["neighbourhoods"]],
        },
        tables,
        lang=lang,
        licence=licence,
        created=datetime.now(UTC),
        include_texts=include_texts,
    )
    return Response(
        data,
        media_type="application/zip",
        headers={
            "Content-Disposition": f"attachment; filename=\"{name}\"; filename*=UTF-8''{quote(name)}",
            "Cache-Control": "no-store",
        },
    )
