"""The console offers the residents' fresco as a poster (issue 14) on each exploration board, in Chromium.

Under « Affiche »: PDF A3, PDF A2 and PNG, each a download that answers with the poster (the page's cookie is
the facilitator's session), in the page's language (the language chosen in the header: the poster follows
its cookie); a board added from the console gets its own links; an action fresco has none. Screenshots of
the open menu at 360×740, 1366×768 and 1920×1080 in French and Arabic go to /tmp/shots-poster/.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from helpers import LAPTOP, LAPTOP_HD, WALL, Devices, add_actions_board, choose_language, console_url
from playwright.sync_api import Page, expect
from support.server import ServerProcess

SHOTS = Path("/tmp/shots-poster")
SIZES: dict[str, dict[str, Any]] = {
    "phone": {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True},
    "laptop": LAPTOP_HD,
    "touch": WALL,
}


def open_menu(page: Page, board: str) -> None:
    row = page.locator(f'li[data-board="{board}"]')
    row.locator(".poster-menu > summary").click()
    expect(row.locator(".poster-link")).to_have_count(3)


def pdf_words(body: bytes, tmp_path: Path) -> str:
    path = tmp_path / "poster.pdf"
    path.write_bytes(body)
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="scripts/test installs poppler-utils")
def test_the_console_offers_the_poster_on_each_exploration_board_in_the_pages_language(
    devices: Devices, app: ServerProcess, tmp_path: Path
) -> None:
    ws, page = devices.facilitator_at_the_console(LAPTOP)
    open_menu(page, ws.board)
    links = page.locator(f'li[data-board="{ws.board}"] .poster-link')
    expect(links).to_have_text(["PDF A3 (paysage)", "PDF A2 (paysage)", "Image PNG"])
    for link, kind in zip(links.all(), ("application/pdf", "application/pdf", "image/png"), strict=True):
        href = link.get_attribute("href")
        assert href is not None and href.startswith(f"/api/boards/{ws.board}/poster.")
        assert link.get_attribute("download") is not None
        answer = page.request.get(f"{app.base_url}{href}")
        assert answer.status == 200, answer.text()
        assert answer.headers["content-type"] == kind
    a3 = links.first.get_attribute("href")
    assert "Légende" in pdf_words(page.request.get(f"{app.base_url}{a3}").body(), tmp_path)
    choose_language(page, "العربية")
    expect(links.first).to_have_text("PDF A3 (أفقي)")
    assert "الرموز" in pdf_words(page.request.get(f"{app.base_url}{a3}").body(), tmp_path)

    # a board added now gets its own links; an action fresco has no poster
    choose_language(page, "Français")
    page.locator("#new-board-title").fill("Fresque du samedi")
    page.get_by_role("button", name="Ajouter la fresque").click()
    expect(page.locator("#boards-status")).to_contain_text("La fresque est ajoutée")
    added = page.locator("#boards > li").last.get_attribute("data-board")
    assert added is not None and added != ws.board
    open_menu(page, added)
    href = page.locator(f'li[data-board="{added}"] .poster-link').first.get_attribute("href")
    assert href == f"/api/boards/{added}/poster.pdf?paper=a3"
    assert page.request.get(f"{app.base_url}{href}").status == 200
    plan = add_actions_board(app, ws, "Plan")
    page.reload()
    actions_row = page.locator(f'li[data-board="{plan}"]')
    expect(actions_row).to_have_count(1)
    expect(actions_row.locator(".poster-menu")).to_have_count(0)
    assert devices.errors == []


def test_screenshots_of_the_poster_menu(devices: Devices, app: ServerProcess) -> None:
    SHOTS.mkdir(exist_ok=True)
    for name, device in SIZES.items():
        ws, page = devices.facilitator(device)
        for lang, label in (("fr", "Français"), ("ar", "العربية")):
            page.goto(console_url(app, ws))
            choose_language(page, label)
            open_menu(page, ws.board)
            menu = page.locator(f'li[data-board="{ws.board}"] .poster-menu')
            menu.scroll_into_view_if_needed()
            for link in menu.locator(".poster-link").all():  # every link whole on the screen
                box = link.bounding_box()
                width = page.viewport_size["width"] if page.viewport_size else 0
                assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            page.screenshot(path=str(SHOTS / f"console-{name}-{lang}.png"))
    assert devices.errors == []
