"""« Derrière cette action » on the printed fiche and « → n actions » on a resident's idea, in Chromium (issue
13's leftovers).

A study (tests/support/study_partners.py, through test_study_partners_e2e's scene): the partners' action
links an idea of each neighbourhood's workshop and answers a question de travail. Its fiche printed to PDF
on A4 (Chromium's page.pdf(), print media) has, on its first page and in one piece, the question (« Q2 »),
the two neighbourhoods and the four residents behind it, and each idea with its neighbourhood — in French
and in Arabic (right to left: the block's rule on the right). The pages are kept as PNG for a person to
look at. A resident of the north workshop sees « → 1 action » on her idea, and its sheet says that one
action of the study's partners answers it, without naming it."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import MM, PHONE, Devices, pdf_pages
from playwright.sync_api import Page, expect
from support.partners_plan import ACTION, partners_plan
from support.server import ServerProcess
from support.study_partners import PartnersStudy

SHOTS = Path("/tmp/shots-fiche-survey")


@pytest.fixture
def scene(app: ServerProcess) -> tuple[PartnersStudy, str, list[dict[str, Any]]]:
    return partners_plan(app, answering=1)


def first_page_text(pdf: bytes, name: str) -> str:
    """The words of the PDF's first page (poppler's pdftotext), and its pages kept as PNG to look at."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-r", "60", "-png", str(path), str(SHOTS / name)], check=True)
    done = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(path), "-"],
        check=True,
        capture_output=True,
        text=True,
    )
    return " ".join(done.stdout.split())


def printed(page: Page, url: str) -> bytes:
    page.goto(url)
    page.wait_for_function("document.querySelector('img.fiche-radar').complete")
    page.emulate_media(media="print")
    page.set_viewport_size({"width": round(190 * MM), "height": round(273 * MM)})
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = pdf_pages(pdf)
    assert pages and all(abs(w - 595.92) < 2 and abs(h - 842.88) < 2 for w, h in pages), pages  # A4 portrait
    assert len(pages) <= 2, len(pages)
    return pdf


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_printed_fiche_carries_who_is_behind_the_action(
    devices: Devices, app: ServerProcess, scene: tuple[PartnersStudy, str, list[dict[str, Any]]], lang: str
) -> None:
    study, board, questions = scene
    page = devices.signed_in(study.partners.token("Léa"), {"viewport": {"width": 1024, "height": 900}}, lang)
    page.goto(f"{app.base_url}/boards/{board}/actions/{ACTION}/print?lang={lang}")
    page.wait_for_function("document.querySelector('img.fiche-radar').complete")
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size({"width": 1366, "height": 768})
    page.locator(".fiche-behind").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / f"fiche-behind-screen-{lang}-1366.png"))
    pdf = printed(page, f"{app.base_url}/boards/{board}/actions/{ACTION}/print?lang={lang}")
    words = first_page_text(pdf, f"fiche-behind-{lang}")
    block = page.locator(".fiche-behind")
    expect(block).to_be_visible()
    style = block.evaluate(
        "(el) => { const s = getComputedStyle(el);"
        " return [s.direction, parseFloat(s.borderLeftWidth), parseFloat(s.borderRightWidth)]; }"
    )
    # on its first page, in one piece: the question, the neighbourhoods and residents, both ideas
    for expected in ("Q2", "Jas-de-Bouffan", "Encagnane", "Aide aux démarches", "Permanence numérique"):
        assert expected in words, (expected, words[:1500])
    if lang == "fr":
        for expected in (
            "Question de travail",
            "Où et quand tenir une permanence numérique ?",
            "Derrière cette action",
            "Jas-de-Bouffan, Encagnane · 4 habitants",
            "— Jas-de-Bouffan",
            "— Encagnane",
        ):
            assert expected in words, (expected, words[:1500])
        assert style[0] == "ltr" and style[1] > 0 and style[2] == 0
    else:
        assert style[0] == "rtl" and style[2] > 0 and style[1] == 0  # the rule on the reading side
        expect(block.locator("h3")).to_have_text("وراء هذا الإجراء")
        expect(block.locator(".fiche-behind-summary")).to_have_text("Jas-de-Bouffan, Encagnane · 4 من السكان")
    # the block's words in the page are those of the question's block and the behind block only once
    assert page.locator(".fiche-question").count() == 1
    assert questions[1]["question"] in page.locator(".fiche-question").inner_text()
    assert not devices.errors, devices.errors


ELSEWHERE = {
    "fr": ("→ 1 action", "1 action des partenaires de l'étude y répond"),
    "ar": ("← 1 إجراء", "1 إجراء لشركاء الدراسة يستجيب لها"),
}


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_residents_idea_counts_the_partners_action(
    devices: Devices, app: ServerProcess, scene: tuple[PartnersStudy, str, list[dict[str, Any]]], lang: str
) -> None:
    study, _, _ = scene
    badge_words, sheet_words = ELSEWHERE[lang]
    page = devices.with_cookies(PHONE, {"fresque_session": study.north.token("Amina")}, lang)
    page.goto(f"{app.base_url}/boards/{study.north.board_id}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true")
    badge = page.locator(".answers-badge")
    expect(badge).to_have_count(1)
    expect(badge).to_have_text(badge_words)
    badge.tap()
    sheet = page.locator("dialog")
    expect(sheet.locator(".answers-elsewhere")).to_have_text(sheet_words)
    assert sheet.locator(".answer-link").count() == 0  # nothing of the partners' fiche: no title, no link
    assert "Permanence numérique dans les deux quartiers" not in sheet.inner_text()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"answers-elsewhere-{lang}-360.png"))
    assert not devices.errors, devices.errors
