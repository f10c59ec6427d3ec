"""The diagnostic page: `GET /studies/{id}/diagnostic` (issue 13), for the study's team.

It shows the figures of `GET /api/studies/{id}/diagnostic` (the same JSON, computed by `fresque.diagnostic`),
for the whole territory and per neighbourhood: key figures with their n, then each figure as a chart drawn
here as SVG (`fresque.charts`) with its data as a table beside it, then residents' own words. The filters
(neighbourhood, age band, fragility level, workshop) are a plain GET form: the page reloads with them as
query parameters, so it works without scripts and a filtered view is a link that can be shared in the team.

Not signed in: `/sign-in?next=…`; not on the study's team (or no such study): the 404 page, as the API does.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final, cast

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .api.deps import Services, services
from .api.diagnostic import study_inputs
from .charts.diagnostic import Words, build_view
from .diagnostic import diagnose
from .diagnostic.shape import Filters
from .i18n import requested_language, translator
from .pages import render
from .people import AGE_BANDS, FRAGILITY_LEVELS
from .study_pages import team_page

router = APIRouter(include_in_schema=False)

FILTERS: Final = ("neighbourhood", "age_band", "fragility", "workshop")


async def diagnostic_of(found: Services, study_id: str, filters: Filters) -> Mapping[str, Any]:
    """The diagnostic's figures, computed as `GET /api/studies/{id}/diagnostic` computes them (the same
    inputs and function, so the page and the API cannot differ)."""
    return cast(Mapping[str, Any], diagnose(await study_inputs(found, study_id), filters))


def _filters(request: Request, known: Mapping[str, set[str]]) -> Filters:
    """The query's filters, each one of the study's values or none (an unknown value is ignored, not an
    error: a stale link still opens)."""
    chosen = {}
    for name in FILTERS:
        value = request.query_params.get(name) or None
        chosen[name] = value if value in known[name] else None
    return cast(Filters, chosen)


@router.get("/studies/{study_id}/diagnostic")
async def diagnostic_page(request: Request, study_id: str) -> Response:
    reader = await team_page(request, study_id)
    if isinstance(reader, Response):
        return reader
    account, study, found = reader.account, reader.study, services(request)
    neighbourhoods = await found.studies.neighbourhoods(study_id)
    workshops = await found.studies.study_workshops(study_id)
    known = {
        "neighbourhood": {n.id for n in neighbourhoods},
        "age_band": set(AGE_BANDS),
        "fragility": set(FRAGILITY_LEVELS),
        "workshop": {w.workshop_id for w in workshops},
    }
    filters = _filters(request, known)
    diagnostic = await diagnostic_of(found, study_id, filters)
    lang = requested_language(request)[0]
    view = build_view(diagnostic, Words(lang, translator(lang)))
    return render(
        request,
        "study/diagnostic.html",
        {
            "page": "study-diagnostic",
            "study": {"id": study.id, "title": study.title, "territory": study.territory},
            "csrf": account.csrf,
            "view": view,
            "filters": filters,
            "active": any(filters.values()),
            "options": {
                "neighbourhood": [(n.id, n.name) for n in neighbourhoods],
                "age_band": [(band, f"join.profile.age.{band}") for band in AGE_BANDS],
                "fragility": [(level, f"diagnostic.fragility.{level.lower()}") for level in FRAGILITY_LEVELS],
                "workshop": [(w.workshop_id, w.title) for w in workshops],
            },
            "threshold": diagnostic.get("threshold", 5),
        },
    )
