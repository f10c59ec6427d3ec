"""The questions de travail page: `GET /studies/{id}/questions` (issue 13), for the study's team.

The team writes, edits, reorders and deletes the questions the partners' workshop will work on, each from a
finding of the diagnostic it pins (a heat-map cell, an online service, a residents' idea): the page's script
(`js/study/questions.js`) calls `fresque.api.work_questions`. The choices come with the page: the study's
neighbourhoods here, the catalogue's activities and services from `GET /api/pictograms`, the residents'
ideas from `GET /api/studies/{id}/ideas`.

Not signed in: `/sign-in?next=…`; not on the study's team (or no such study): the 404 page, as the API does.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from .api.deps import services
from .pages import render
from .study_pages import team_page

router = APIRouter(include_in_schema=False)


@router.get("/studies/{study_id}/questions")
async def questions_page(request: Request, study_id: str) -> Response:
    reader = await team_page(request, study_id)
    if isinstance(reader, Response):
        return reader
    account, study, found = reader.account, reader.study, services(request)
    info = account.signed_in.account
    return render(
        request,
        "study/questions.html",
        {
            "page": "study-questions",
            "account": {"id": info.account_id, "username": info.username},
            "csrf": account.csrf,
            "study": {"id": study.id, "title": study.title, "territory": study.territory},
            "neighbourhoods": [
                {"id": n.id, "name": n.name} for n in await found.studies.neighbourhoods(study_id)
            ],
        },
    )
