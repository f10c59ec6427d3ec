"""The street survey's pages over HTTP: who gets them, what the surveyor's page carries for an offline start
(the questionnaire, every respondent word in three languages, pictures the server serves), the service
worker's script, and the paper form's numbered answers."""

from __future__ import annotations

import json
import re
from typing import Any

import httpx
import pytest
from support.server import ServerProcess
from support.survey_team import Member, create_study, make_member

PAGES = ("survey", "survey/paper", "survey/entry", "survey/edit")


@pytest.fixture
def team(sqlite_server: ServerProcess) -> tuple[Member, dict[str, Any]]:
    owner = make_member(sqlite_server, "enqueteur")
    return owner, create_study(sqlite_server, owner)


def page(server: ServerProcess, path: str, who: Member | None, **params: str) -> httpx.Response:
    cookies = {"fresque_account": who.token} if who else {}
    return httpx.get(
        server.base_url + path, cookies=cookies, params=params, timeout=30, follow_redirects=False
    )


def bootstrap(html: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="bootstrap">(.*?)</script>', html, re.S)
    assert found
    data: dict[str, Any] = json.loads(found.group(1))
    return data


def test_only_the_team_gets_the_survey_pages(
    sqlite_server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    sid = study["study"]["id"]
    outsider = make_member(sqlite_server, "autre")
    for path in PAGES:
        url = f"/studies/{sid}/{path}"
        anonymous = page(sqlite_server, url, None)
        assert anonymous.status_code == 303 and anonymous.headers["location"] == f"/sign-in?next={url}"
        assert page(sqlite_server, url, outsider).status_code == 404
        mine = page(sqlite_server, url, owner)
        assert mine.status_code == 200, path
        # the pages that write carry the account session's CSRF token (the paper form only reads)
        assert ('name="fresque-csrf"' in mine.text) == (path != "survey/paper"), path


def test_the_surveyor_s_page_carries_what_it_needs_to_work_offline(
    sqlite_server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    sid = study["study"]["id"]
    html = page(sqlite_server, f"/studies/{sid}/survey", owner).text
    data = bootstrap(html)
    assert data["version"] == 1 and len(data["questionnaire"]["questions"]) == 12
    assert [n["name"] for n in data["neighbourhoods"]] == ["Jas-de-Bouffan", "Encagnane", "Corsy"]
    # the respondent's words, in all three languages, the same keys
    words = data["words"]
    assert set(words) == {"fr", "en", "ar"} and words["fr"].keys() == words["ar"].keys() == words["en"].keys()
    assert words["ar"]["survey.r.consent_yes"] == "نعم، أوافق على الإجابة"
    assert data["directions"] == {"fr": "ltr", "en": "ltr", "ar": "rtl"}
    # every answer's picture is one the server serves
    pictures = {
        a["picture"]
        for q in data["questionnaire"]["questions"]
        for a in q.get("answers", [])
        if "picture" in a
    }
    assert pictures and pictures == set(data["pictures"])
    for url in data["pictures"].values():
        got = httpx.get(sqlite_server.base_url + url, timeout=30)
        assert got.status_code == 200 and got.headers["content-type"] == "image/png", url
    # what the service worker is asked to keep: all of it answers, from this server
    assets = json.loads(re.search(r'id="survey-assets">(.*?)</script>', html, re.S).group(1))  # type: ignore[union-attr]
    assert "/static/js/study/survey.js" in assets and "/static/js/study/survey-queue.js" in assets
    for url in assets:
        assert httpx.get(sqlite_server.base_url + url, timeout=30).status_code == 200, url
    worker = httpx.get(f"{sqlite_server.base_url}/studies/{sid}/survey-sw.js", timeout=30)
    assert worker.status_code == 200 and worker.headers["content-type"].startswith("text/javascript")
    assert "addEventListener('fetch'" in worker.text


def test_the_paper_form_numbers_each_question_s_answers_in_the_page_s_language(
    sqlite_server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    sid = study["study"]["id"]
    french = page(sqlite_server, f"/studies/{sid}/survey/paper", owner).text
    assert "Dans quel quartier habitez-vous" in french and "Corsy" in french
    assert french.count('class="paper-box"') == 1 + 3 + 6 + 4 + 6 + 9 + 5 * 3 + 6 + 6  # consent + answers
    for forbidden in ("Nom", "Téléphone", "Adresse"):  # anonymous: no field to write a name or a contact in
        assert f">{forbidden}<" not in french
    arabic = page(sqlite_server, f"/studies/{sid}/survey/paper", owner, lang="ar").text
    assert 'dir="rtl"' in arabic and "في أي حي تسكن؟" in arabic
