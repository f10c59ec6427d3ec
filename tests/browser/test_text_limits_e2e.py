"""The pages count a text's characters as the server does (Unicode code points, docs/protocol.md), not as an
HTML `maxlength` does (UTF-16 units, two per emoji): a card's 500 characters hold 500 emoji, a 501st is cut,
and what the page lets through the server takes; the join page's 40-character alias holds 40 emoji."""

from __future__ import annotations

from helpers import LAPTOP, PHONE, Devices, export_items, items
from playwright.sync_api import expect
from support.server import ServerProcess

EMOJI = "😀"  # one code point, two UTF-16 units


def test_a_note_holds_500_emoji_and_no_more(devices: Devices, app: ServerProcess) -> None:
    workshop, page = devices.facilitator_at_the_board(LAPTOP)
    page.locator("#add-note").click()
    area = page.locator("#sheet[open] textarea")
    expect(area).to_be_visible()
    area.focus()
    page.keyboard.insert_text(EMOJI * 499 + "ab")  # typed or pasted: 501 characters
    held = area.evaluate("el => [...el.value].length")
    assert held == 500, f"the field holds {held} characters, the server takes 500"
    assert area.input_value() == EMOJI * 499 + "a"
    page.locator("#sheet .sheet-actions .primary").click()
    page.wait_for_function("() => window.fresque.store.pendingCount === 0")
    assert [i["text"] for i in items(page).values() if i["kind"] == "note"] == [EMOJI * 499 + "a"]
    stored = export_items(app, workshop.board, workshop.token)  # the server took it as the page held it
    assert [i["text"] for i in stored.values() if i["kind"] == "note"] == [EMOJI * 499 + "a"]
    assert devices.errors == []


def test_an_alias_holds_40_emoji_on_the_join_page(devices: Devices, app: ServerProcess) -> None:
    page = devices.open(PHONE)
    workshop, _ = devices.facilitator(LAPTOP)
    page.goto(f"{app.base_url}/j/{workshop.code}")
    alias = page.locator("#alias-input")
    alias.focus()
    page.keyboard.insert_text(EMOJI * 41)
    assert alias.evaluate("el => [...el.value].length") == 40
    assert devices.errors == []
