"""The partners' action fresco across a study, in Chromium (issue 13): the study's questions de travail show
as prompts above the timeline, an action picks the one it answers in its fiche (the server keeps it), the
fiche says which neighbourhoods and how many residents are behind the action, and the team writes a question
on /studies/{id}/questions. French and Arabic, screenshots at 360×740, 1366×768 and 1920×1080 (touch), and
axe-core: no critical or serious violation."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from helpers import LAPTOP_HD, PHONE, WALL, Devices, check_axe
from playwright.sync_api import Page, expect
from support.partners_plan import ACTION, partners_plan
from support.server import ServerProcess
from support.study_partners import PartnersStudy

SHOTS = Path(os.environ.get("FRESQUE_SCREENSHOTS_DIR", "/tmp/shots-e"))


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"study-partners-{name}.png"))


@pytest.fixture
def scene(app: ServerProcess) -> tuple[PartnersStudy, str, list[dict[str, Any]]]:
    return partners_plan(app)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_partners_see_the_questions_and_an_action_picks_one(
    devices: Devices,
    app: ServerProcess,
    scene: tuple[PartnersStudy, str, list[dict[str, Any]]],
    lang: str,
    axe: Any,
) -> None:
    study, board, questions = scene
    page = devices.with_cookies(
        LAPTOP_HD, {"fresque_session": study.partners.token("Léa")} | {"fresque_lang": lang}
    )
    page.goto(f"{app.base_url}/boards/{board}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    strip = page.locator("#questions .wq-strip")
    expect(strip).to_be_visible()
    # a laptop keeps the timeline's room: one line, unfolded by a click
    assert page.evaluate("() => document.querySelector('#questions details').open") is False
    timeline = page.locator("#timeline").bounding_box()
    assert timeline is not None and timeline["height"] >= 0.6 * 768, timeline
    page.locator("#questions summary").click()
    items = strip.locator(".wq-strip-item")
    expect(items).to_have_count(2)
    expect(items.nth(0).locator(".wq-strip-question")).to_have_text(questions[0]["question"])
    expect(items.nth(1).locator(".wq-strip-about")).to_contain_text("Permanence numérique")
    if lang == "ar":
        assert page.evaluate("() => getComputedStyle(document.querySelector('.wq-strip')).direction") == "rtl"
    # read-only for the partners: nothing to edit in the strip
    assert strip.locator("button, input, select, textarea").count() == 0
    shoot(page, f"laptop-{lang}")
    check_axe(axe, page, "#questions", "#questions")

    page.locator(f".tl-card[data-id='{ACTION}'] .tl-card-title").click()
    page.locator("#actionbar button.fiche").click()
    dialog = page.locator(".fiche-dialog")
    expect(dialog).to_be_visible()
    behind = dialog.locator(".fiche-behind")
    expect(behind).to_be_visible()
    expect(behind).to_contain_text("Jas-de-Bouffan")
    expect(behind).to_contain_text("Encagnane")
    expect(behind).to_contain_text("4")
    choice = dialog.locator("[data-section=question] select")
    expect(choice.locator("option")).to_have_count(3)
    choice.select_option(questions[1]["id"])
    page.wait_for_function("() => window.fresque.store.pendingCount === 0")
    dialog.locator("[data-section=question]").scroll_into_view_if_needed()
    shoot(page, f"fiche-laptop-{lang}")
    check_axe(axe, page, ".fiche-dialog", ".fiche-dialog")
    exported = app.get(f"/api/boards/{board}/export", study.partners.facilitator_token).json()
    assert exported["actions"][0]["question"] == questions[1]["id"]
    dialog.locator(".fiche-close").click()
    expect(items.nth(1).locator(".wq-strip-answered")).to_have_class("wq-strip-answered")  # answered
    expect(items.nth(0).locator(".wq-strip-answered")).to_have_class("wq-strip-answered wq-strip-open")

    # a phone: folded to one line, unfolded on demand; a 1920×1080 touch screen: open at once
    phone = devices.with_cookies(
        PHONE, {"fresque_session": study.partners.token("Léa")} | {"fresque_lang": lang}
    )
    phone.goto(f"{app.base_url}/boards/{board}")
    expect(phone.locator("#questions .wq-strip")).to_be_visible()
    assert phone.evaluate("() => document.querySelector('#questions details').open") is False
    shoot(phone, f"phone-folded-{lang}")
    phone.locator("#questions summary").tap()
    expect(phone.locator("#questions .wq-strip-item").first).to_be_visible()
    shoot(phone, f"phone-open-{lang}")
    check_axe(axe, phone, "#questions", "#questions")
    wide = devices.with_cookies(
        WALL, {"fresque_session": study.partners.token("Léa")} | {"fresque_lang": lang}
    )
    wide.goto(f"{app.base_url}/boards/{board}")
    expect(wide.locator("#questions .wq-strip-item").first).to_be_visible()
    assert wide.evaluate("() => document.querySelector('#questions details').open") is True
    shoot(wide, f"touch-{lang}")
    assert devices.errors == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_team_writes_a_question_on_its_page(
    devices: Devices,
    app: ServerProcess,
    scene: tuple[PartnersStudy, str, list[dict[str, Any]]],
    lang: str,
    axe: Any,
) -> None:
    study, _board, questions = scene
    page = devices.with_cookies(LAPTOP_HD, {"fresque_account": study.team.token}, lang)
    page.goto(f"{app.base_url}/studies/{study.study_id}/questions")
    expect(page.locator(".wq-item")).to_have_count(2)
    expect(page.locator(".wq-item").nth(0).locator(".wq-question")).to_have_text(questions[0]["question"])
    page.locator("input[name=kind][value=service]").check()
    expect(page.locator("#wq-service")).to_be_visible()
    expect(page.locator("#wq-activity")).to_be_hidden()
    page.locator("#wq-service").select_option("caf")
    page.locator("#wq-neighbourhood").select_option(study.neighbourhoods["Jas-de-Bouffan"])
    page.locator("#wq-question").fill("Qui accompagne les démarches CAF au Jas-de-Bouffan ?")
    page.locator("#wq-add").click()
    expect(page.locator(".wq-item")).to_have_count(3)
    listed = study.account("GET", f"/api/studies/{study.study_id}/questions", study.team).json()["questions"]
    assert listed[2]["finding"] == {
        "kind": "service",
        "service": "caf",
        "neighbourhood": study.neighbourhoods["Jas-de-Bouffan"],
    }
    # the last one goes up
    page.locator(".wq-item").nth(2).locator(".wq-up").click()
    expect(page.locator(".wq-item").nth(1).locator(".wq-question")).to_have_text(
        "Qui accompagne les démarches CAF au Jas-de-Bouffan ?"
    )
    shoot(page, f"team-laptop-{lang}")
    check_axe(axe, page, "main", "main")
    phone = devices.with_cookies(PHONE, {"fresque_account": study.team.token}, lang)
    phone.goto(f"{app.base_url}/studies/{study.study_id}/questions")
    expect(phone.locator(".wq-item")).to_have_count(3)
    shoot(phone, f"team-phone-{lang}")
    # another study's team member: the 404 page
    other = devices.with_cookies(
        LAPTOP_HD, {"fresque_account": study.stranger.token} | {"fresque_lang": lang}
    )
    answer = other.goto(f"{app.base_url}/studies/{study.study_id}/questions")
    assert answer is not None and answer.status == 404
    assert devices.errors == []
