"""The street survey's steps on a surveyor's phone, for the survey's browser tests: one resident answered by
touch, what the phone still has to send, what the server keeps."""

from __future__ import annotations

from typing import Any

import httpx
from playwright.sync_api import Page, expect
from support.server import ServerProcess
from support.survey_team import Member


def responses(app: ServerProcess, member: Member, study: dict[str, Any]) -> list[dict[str, Any]]:
    got = httpx.get(
        f"{app.base_url}/api/studies/{study['study']['id']}/surveys/responses",
        headers=member.headers(),
        timeout=30,
    )
    assert got.status_code == 200, got.text
    rows: list[dict[str, Any]] = got.json()["responses"]
    return rows


def answer_one(page: Page, language: str, picks: dict[str, str | list[str]]) -> None:
    """One resident, from « Nouvelle personne » to « Merci » (unpicked questions skipped), by touch."""
    card = page.locator("#survey-card")
    expect(card).to_have_attribute("data-screen", "start")
    page.locator("#survey-card .survey-lang", has_text=language).tap()
    page.locator(".survey-start").tap()
    expect(card).to_have_attribute("data-screen", "consent")
    page.locator(".survey-consent-yes").tap()
    seen = 0
    while card.get_attribute("data-screen") == "question":
        question = card.get_attribute("data-question") or ""
        pick = picks.get(question)
        if isinstance(pick, str):  # one answer: the tap goes on by itself
            page.locator(f'#survey-card [data-answer="{pick}"]').tap()
        else:
            for answer in pick or []:
                page.locator(f'#survey-card [data-answer="{answer}"]').tap()
                expect(page.locator(f'#survey-card [data-answer="{answer}"]')).to_have_attribute(
                    "aria-pressed", "true"
                )
            page.locator(".survey-next").tap()
        page.wait_for_function(
            "(q) => { const c = document.getElementById('survey-card');"
            " return c.dataset.screen !== 'question' || c.dataset.question !== q; }",
            arg=question,
        )
        seen += 1
    assert seen == 12  # every question of the default questionnaire was shown once
    expect(card).to_have_attribute("data-screen", "done")
    page.locator(".survey-next-person").tap()


def waiting(page: Page) -> str:
    return page.locator("#survey-status").get_attribute("data-waiting") or ""
