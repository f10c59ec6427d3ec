"""Traceability on the exploration board, in Chromium: a solution that actions answer wears « → 2 actions »;
a tap on the badge, or « Actions qui y répondent » in the card's bar, lists the actions with links to them on
their board; `?item=<id>` (the fiche's « Voir sur la fresque ») centres the view on a card and lights it up
for a few seconds. Screenshots (tablet, phone) go to $FRESQUE_SCREENSHOTS_DIR (default
`test-results/screenshots/`) to be looked at.
"""

from __future__ import annotations

import re

from helpers import (
    PHONE,
    TABLET,
    Devices,
    add_actions_board,
    chain_to_a_solution,
    item_selector,
    lone_solution,
    new_action,
    open_board,
    seed,
    seeded,
    shoot,
)
from playwright.sync_api import Page, expect
from support.server import ServerProcess

ANSWERED = "sol-000001"
ALONE = "sol-000002"


def has_class(name: str) -> re.Pattern[str]:
    return re.compile(rf"(^|\s){name}(\s|$)")


def centre_offset(page: Page, selector: str) -> tuple[float, float]:
    """How far a card's centre is from the middle of the board's visible area, less the zoom buttons' strip
    (a column on the right edge, or a row along the bottom on a phone; 8 px kept clear of them)."""
    box = page.locator(selector).bounding_box()
    view = page.locator("#viewport").bounding_box()
    zoom = page.locator(".zoom").bounding_box()
    assert box is not None and view is not None and zoom is not None
    column = zoom["height"] > zoom["width"]
    right = view["x"] + view["width"] - zoom["x"] + 8 if column else 0
    bottom = 0 if column else view["y"] + view["height"] - zoom["y"] + 8
    middle_x = view["x"] + (view["width"] - right) / 2
    middle_y = view["y"] + (view["height"] - bottom) / 2
    return box["x"] + box["width"] / 2 - middle_x, box["y"] + box["height"] / 2 - middle_y


def test_answered_solutions_show_their_actions_and_item_links_centre_a_card(
    devices: Devices, app: ServerProcess
) -> None:
    ws, tablet = devices.facilitator(TABLET)
    text = "Des permanences pour les démarches en ligne"
    chain = chain_to_a_solution("act-000001", "dif-000001", ANSWERED, text, ("thr-000001", "thr-000002"))
    seed(app, ws.board, ws.token, [*chain, lone_solution(ALONE)])
    actions = add_actions_board(app, ws)
    link = [{"board": ws.board, "item": ANSWERED}]
    assert seeded(
        app,
        actions,
        ws.token,
        [
            new_action("act-000101", "Permanences d'aide aux démarches", "2027-01", "2027-12", link),
            new_action("act-000102", "Former des aidants numériques", "2026-04", "2026-09", link),
        ],
    )

    # The tablet: the badge on the answered card only; a tap on it lists the two actions.
    open_board(tablet, app, ws.board)
    badge = tablet.locator(f"{item_selector(ANSWERED)} .answers-badge")
    expect(badge).to_have_text("→ 2 actions")
    expect(tablet.locator(f"{item_selector(ALONE)} .answers-badge")).to_have_count(0)
    label = tablet.locator(item_selector(ANSWERED)).get_attribute("aria-label") or ""
    assert "2 actions y répondent" in label
    tablet.locator(item_selector(ANSWERED)).scroll_into_view_if_needed()
    shoot(tablet, "trace-badge-tablet")
    box = badge.bounding_box()
    assert box is not None
    tablet.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    sheet = tablet.locator("#sheet")
    expect(sheet).to_be_visible()
    expect(sheet.locator(".sheet-title")).to_have_text("Les actions qui répondent à cette idée")
    links = sheet.locator("a.answer-link")
    expect(links).to_have_count(2)
    # the earlier action first; each goes to its card on the actions board
    expect(links.nth(0)).to_contain_text("Former des aidants numériques")
    expect(links.nth(0)).to_contain_text("2026")
    assert links.nth(0).get_attribute("href") == f"/boards/{actions}?action=act-000102"
    assert links.nth(1).get_attribute("href") == f"/boards/{actions}?action=act-000101"
    assert tablet.evaluate("() => window.fresque.ui.selected") is None  # it lists, selects nothing
    shoot(tablet, "trace-list-tablet")
    sheet.locator(".sheet-close").click()
    expect(sheet).to_be_hidden()

    # In Arabic: the badge and the list say it in Arabic.
    tablet.get_by_role("button", name="العربية").click()
    expect(badge).to_have_text("← 2 إجراءات")
    box = badge.bounding_box()
    assert box is not None
    tablet.touchscreen.tap(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    expect(sheet.locator(".sheet-title")).to_have_text("الإجراءات التي تستجيب لهذه الفكرة")
    expect(links).to_have_count(2)
    shoot(tablet, "trace-list-tablet-ar")
    sheet.locator(".sheet-close").click()

    # A phone opening the fiche's « Voir sur la fresque »: the card far off the week is centred and lit.
    phone = devices.resident(ws, PHONE, "Amina", "green")
    phone.goto(f"{app.base_url}/boards/{ws.board}?item={ALONE}")
    card = phone.locator(item_selector(ALONE))
    expect(card).to_have_class(has_class("flash"))
    dx, dy = centre_offset(phone, item_selector(ALONE))
    assert abs(dx) < 4 and abs(dy) < 4, (dx, dy)
    shoot(phone, "trace-item-link-phone")
    expect(card).not_to_have_class(has_class("flash"), timeout=8000)  # a few seconds, then it goes out

    # A link to a card that is gone says so rather than leaving the resident to look for it.
    phone.goto(f"{app.base_url}/boards/{ws.board}?item=sol-999999")
    expect(phone.locator("#toasts")).to_contain_text("Cette carte n'est plus sur la fresque")

    # On the phone, the card's bar offers the same list.
    phone.goto(f"{app.base_url}/boards/{ws.board}?item={ANSWERED}")
    answered = phone.locator(item_selector(ANSWERED))
    expect(answered).to_have_class(has_class("flash"))
    expect(answered.locator(".answers-badge")).to_have_text("→ 2 actions")
    shoot(phone, "trace-badge-phone")
    text = answered.locator(".text").bounding_box()
    assert text is not None
    phone.touchscreen.tap(text["x"] + text["width"] / 2, text["y"] + text["height"] / 2)
    menu = phone.locator("#actionbar").get_by_role("button", name="Actions qui y répondent")
    expect(menu).to_be_visible()
    menu.click()
    expect(phone.locator("#sheet a.answer-link")).to_have_count(2)
    shoot(phone, "trace-list-phone")
    assert devices.errors == []
