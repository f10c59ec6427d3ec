"""The street survey's pages, for a study's team (an account on its team, `fresque_account` cookie):

| route | page |
|---|---|
| `GET /studies/{id}/survey` | the surveyor's phone: consent, a question a screen, queued until sent |
| `GET /studies/{id}/survey/paper` | the questionnaire on A4, numbered answers to tick |
| `GET /studies/{id}/survey/entry` | typing paper forms with the keyboard only (`source: "paper"`) |
| `GET /studies/{id}/survey/edit` | the questionnaire's editor (until the first response) |
| `GET /studies/{id}/survey-sw.js` | the service worker that lets the surveyor's page open without network |

The pages embed the questionnaire's latest version, the study's neighbourhoods and the survey's words in all
three languages, so that a page the service worker kept works offline, and a respondent's language can be
switched without a request. Someone not signed in goes to `/sign-in?next=…`; an account off the team gets
the same « not found » as for a study that does not exist (as the API's 404).
"""

from __future__ import annotations

from typing import Any, Final

from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, Response

from .api.deps import services
from .api.errors import ApiError
from .api.pictograms import picture_url
from .api.surveys import questionnaire_state
from .i18n import LANGUAGES, dictionaries, direction_of
from .modules import module_urls
from .pages import STATIC_DIR, problem, render
from .study_pages import team_page

router = APIRouter(include_in_schema=False)

SERVICE_WORKER: Final = STATIC_DIR / "js" / "study" / "survey-sw.js"
#: The words a respondent sees (their language may differ from the surveyor's): embedded in all three.
RESPONDENT_KEYS: Final = "survey.r."


def respondent_words() -> dict[str, dict[str, str]]:
    return {
        lang: {k: v for k, v in dictionaries()[lang].items() if k.startswith(RESPONDENT_KEYS)}
        for lang in LANGUAGES
    }


async def _team_page(request: Request, study_id: str) -> tuple[dict[str, Any], Response | None]:
    """The common context of the survey pages, or the error page to answer instead."""
    reader = await team_page(request, study_id)
    if isinstance(reader, Response):
        return {}, reader
    account, study, found = reader.account, reader.study, services(request)
    try:
        state = await questionnaire_state(found, study_id)
    except ApiError:
        return {}, problem(request, "not_found", 404)
    pictures = sorted(
        {
            a["picture"]
            for q in state["questionnaire"]["questions"]
            for a in q.get("answers", [])
            if a.get("picture")
        }
    )
    bootstrap = {
        "study": {"id": study.id, "title": study.title, "territory": study.territory},
        **state,
        "pictures": {code: picture_url(code) for code in pictures},
        "words": respondent_words(),
        "directions": {lang: direction_of(lang) for lang in LANGUAGES},
    }
    context = {
        "study": {"id": study.id, "title": study.title, "territory": study.territory},
        "survey": state,
        "pictures": bootstrap["pictures"],
        "bootstrap": bootstrap,
        "csrf": account.csrf,
        "links": {
            "study": f"/studies/{study.id}",
            "survey": f"/studies/{study.id}/survey",
            "paper": f"/studies/{study.id}/survey/paper",
            "entry": f"/studies/{study.id}/survey/entry",
            "edit": f"/studies/{study.id}/survey/edit",
            "worker": f"/studies/{study.id}/survey-sw.js",
        },
    }
    return context, None


@router.get("/studies/{study_id}/survey")
async def survey_page(request: Request, study_id: str) -> Response:
    context, refused = await _team_page(request, study_id)
    if refused is not None:
        return refused
    # what the service worker keeps for an offline start: this page's modules, styles, pictures, icons
    assets = [
        "/static/js/study/survey.js",  # module_urls names what it imports, not the entry itself
        *module_urls(STATIC_DIR, "js/study/survey.js"),
        "/static/css/base.css",
        "/static/css/survey.css",
        "/palette.css",
        "/icons/colour.svg",
        "/icons/speak.svg",
        # the surveyor may switch the page's own language offline too (js/pages/lang.js fetches these)
        *(f"/static/i18n/{lang}.json" for lang in LANGUAGES),
        *context["pictures"].values(),
    ]
    return render(
        request,
        "study/survey.html",
        {**context, "page": "survey", "title_key": "survey.title", "assets": assets},
    )


@router.get("/studies/{study_id}/survey/paper")
async def survey_paper(request: Request, study_id: str) -> Response:
    context, refused = await _team_page(request, study_id)
    if refused is not None:
        return refused
    return render(request, "study/survey_paper.html", {**context, "page": "survey-paper"})


@router.get("/studies/{study_id}/survey/entry")
async def survey_entry(request: Request, study_id: str) -> Response:
    context, refused = await _team_page(request, study_id)
    if refused is not None:
        return refused
    return render(request, "study/survey_entry.html", {**context, "page": "survey-entry"})


@router.get("/studies/{study_id}/survey/edit")
async def survey_edit(request: Request, study_id: str) -> Response:
    context, refused = await _team_page(request, study_id)
    if refused is not None:
        return refused
    found = services(request)
    choices = sorted(
        {(e.picture, e.labels.get("fr", e.id)) for e in found.catalogue.by_id.values()}, key=lambda p: p[1]
    )
    context["bootstrap"]["picture_choices"] = [
        {"code": code, "label": label, "url": picture_url(code)} for code, label in choices
    ]
    return render(request, "study/survey_edit.html", {**context, "page": "survey-edit"})


@router.get("/studies/{study_id}/survey-sw.js")
async def survey_worker(study_id: str) -> Response:
    """Served under the study's path, so that its scope (`/studies/{id}/`) covers the survey page; nothing in
    it is private (the page it keeps is fetched with the surveyor's own cookie)."""
    return FileResponse(
        SERVICE_WORKER,
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": f"/studies/{study_id}/"},
    )
