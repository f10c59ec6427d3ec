"""The action fresco end to end (issue 5): two stakeholders on one action board, a laptop with a mouse and a
tablet by touch; cards moved across lanes and in time, resized by an edge, by the keyboard and by the tap
toolbar; both pages and the server's export agree (dates snapped to the scale); a reload keeps everything.
Screenshots of the page on a touch wall, a tablet and a phone (test-results/screenshots/actions-*.png).

Waits are Playwright's expect and wait_for_function; no sleep stands in for an assertion.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from helpers import (
    LAPTOP,
    PHONE,
    TABLET,
    WALL,
    Devices,
    Fingers,
    Workshop,
    actions_board,
    box_centre,
    check_axe,
    create_through_the_page,
    export,
    month_px,
    scroll_to_card,
    settled,
    wait_connected,
)
from playwright.sync_api import Page, expect
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(120)

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def action_of(page: Page, action_id: str) -> dict[str, Any] | None:
    result: dict[str, Any] | None = page.evaluate(
        "(id) => { const a = window.fresque.store.view().actions.get(id);"
        " return a ? JSON.parse(JSON.stringify(a)) : null; }",
        action_id,
    )
    return result


def wait_action(page: Page, action_id: str, **fields: str) -> None:
    """The page shows the action with these lane / start / end, on its card too."""
    page.wait_for_function(
        "([id, fields]) => { const a = window.fresque.store.view().actions.get(id);"
        " return !!a && Object.entries(fields).every(([k, v]) => a[k] === v); }",
        arg=[action_id, fields],
    )
    card = page.locator(f'.tl-card[data-id="{action_id}"]')
    for name, value in fields.items():
        expect(card).to_have_attribute(f"data-{name}", value)
    if "lane" in fields:
        expect(
            page.locator(f'.tl-lane-body[data-lane="{fields["lane"]}"] .tl-card[data-id="{action_id}"]')
        ).to_have_count(1)


def exported_action(app: ServerProcess, ws: Workshop, board: str, action_id: str) -> dict[str, Any]:
    """The action as the server keeps it (the board's JSON export)."""
    data = export(app, board, ws.token)
    assert data["board"]["kind"] == "actions"
    found: dict[str, Any] = next(a for a in data["actions"] if a["id"] == action_id)
    return found


def test_mouse_and_touch_move_and_resize_seen_by_both_and_kept(devices: Devices, app: ServerProcess) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    # a card to work on, in « À poursuivre », Q1 2025
    card_op = {
        "op": "action.create",
        "id": "action-ateliers1",
        "lane": "continue",
        "start": "2025-01",
        "end": "2025-03",
    }
    board = actions_board(app, ws, [{**card_op, "fiche": {"title": "Ateliers numériques"}}])
    mouse = devices.stakeholder(ws, board, LAPTOP, "Claire")
    touch = devices.stakeholder(ws, board, TABLET, "Yacine")
    card = '.tl-card[data-id="action-ateliers1"]'
    for page in (mouse, touch):
        wait_action(page, "action-ateliers1", lane="continue", start="2025-01", end="2025-03")
        expect(page.locator(card)).to_contain_text("Ateliers numériques")
        expect(page.locator(card)).to_contain_text("T1 2025")
        # the default lanes, named by the translations
        expect(page.locator(".tl-lane-name")).to_have_text(["À poursuivre", "À renforcer", "Nouvelle"])

    # -- the mouse drags the card one lane down (« À renforcer ») and two quarters later
    scroll_to_card(mouse, "action-ateliers1")
    x, y = box_centre(mouse, f"{card} .tl-card-name")  # by its title (the dot votes sit at its bottom end)
    lane_y = box_centre(mouse, '.tl-lane-body[data-lane="reinforce"]')[1]
    dx = 2 * 3 * month_px(mouse) + month_px(mouse) * 0.4  # a little past two quarters: it snaps back
    mouse.mouse.move(x, y)
    mouse.mouse.down()
    for k in range(1, 11):
        mouse.mouse.move(x + dx * k / 10, y + (lane_y - y) * k / 10)
    # while dragging, the ghost shows the new dates, snapped
    expect(mouse.locator(card)).to_have_class(re.compile(r"\bdragging\b"))
    expect(mouse.locator(f"{card} .tl-card-span")).to_have_text("T3 2025")
    # the other screen sees where it would land, and who is moving it (a presence drag preview)
    expect(touch.locator(card)).to_have_class(re.compile(r"\bmoved-by-other\b"))
    expect(touch.locator(f"{card} .tl-mover")).to_have_text("Claire")
    expect(touch.locator(f"{card} .tl-card-span")).to_have_text("T3 2025")
    mouse.mouse.up()
    settled(mouse)
    for page in (mouse, touch):
        wait_action(page, "action-ateliers1", lane="reinforce", start="2025-07", end="2025-09")

    # -- the tablet's finger pulls the right edge two quarters further
    touch.wait_for_function(
        "() => document.querySelector('.tl-card[data-id=\"action-ateliers1\"]').classList.contains('movable')"
    )
    scroll_to_card(touch, "action-ateliers1")
    box = touch.locator(card).bounding_box()
    assert box is not None
    ex, ey = box["x"] + box["width"] - 4, box["y"] + box["height"] / 2
    edge = touch.evaluate(
        "([x, y]) => !!document.elementFromPoint(x, y)?.closest('.tl-handle-end')", [ex, ey]
    )
    assert edge, "the end handle is under the finger"
    Fingers(touch).drag([(ex, ey)], [(ex + 2 * 3 * month_px(touch) - 10, ey)], steps=10)
    settled(touch)
    for page in (mouse, touch):
        wait_action(page, "action-ateliers1", lane="reinforce", start="2025-07", end="2026-03")
        expect(page.locator(f"{card} .tl-card-span")).to_have_text("T3 2025 → T1 2026")

    # -- the server agrees, dates snapped to quarters
    kept = exported_action(app, ws, board, "action-ateliers1")
    assert (kept["lane"], kept["start"], kept["end"]) == ("reinforce", "2025-07", "2026-03")

    # -- a reload keeps it
    touch.reload()
    wait_connected(touch)
    wait_action(touch, "action-ateliers1", lane="reinforce", start="2025-07", end="2026-03")


def test_keyboard_and_tap_toolbar_move_resize_and_delete(devices: Devices, app: ServerProcess) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    board = actions_board(app, ws)
    page = devices.stakeholder(ws, board, LAPTOP, "Claire")
    other = devices.stakeholder(ws, board, TABLET, "Yacine")

    # « Nouvelle action »: in « Nouvelle », one quarter long, from this quarter (or the timeline's first)
    new = create_through_the_page(page, "Café numérique")
    settled(page)
    created = action_of(page, new)
    assert created is not None
    assert created["lane"] == "create" and created["fiche"]["title"] == "Café numérique"
    start = created["start"]
    assert start[5:] in ("01", "04", "07", "10"), start
    wait_action(other, new, lane="create", start=start, end=created["end"])

    # the card has the keyboard focus: → moves it one quarter later, Shift+→ lengthens it, ↑ changes lane
    card = page.locator(f'.tl-card[data-id="{new}"]')
    card.focus()
    base = created
    page.keyboard.press("ArrowRight")
    page.keyboard.press("Shift+ArrowRight")
    page.keyboard.press("ArrowUp")
    settled(page)
    after = action_of(page, new)
    assert after is not None
    y, m = int(base["start"][:4]), int(base["start"][5:])
    later = f"{y + (m + 2) // 12:04d}-{(m + 3 - 1) % 12 + 1:02d}"
    assert after["start"] == later, (base, after)
    assert after["lane"] == "reinforce"
    expect(card).to_be_focused()  # it kept the focus through its lane change
    wait_action(other, new, lane="reinforce", start=after["start"], end=after["end"])
    assert after["end"] > base["end"]

    # the tap toolbar, on the other page: select the card, « ◀ Plus tôt », « Raccourcir », « À poursuivre »
    other.locator(f'.tl-card[data-id="{new}"]').click()
    bar = other.locator("#actionbar")
    expect(bar).to_be_visible()
    bar.get_by_role("button", name="◀ Plus tôt").click()
    bar.get_by_role("button", name="Raccourcir").click()
    bar.get_by_label("Ligne").select_option("continue")
    settled(other)
    wait_action(page, new, lane="continue", start=base["start"], end=base["end"])
    # a tap on empty timeline lets go of it
    other.locator('.tl-lane-body[data-lane="create"]').click(position={"x": 12, "y": 12})
    expect(bar).to_be_hidden()

    # Enter opens its fiche (fiche.js); Escape closes it
    card.focus()
    page.keyboard.press("Enter")
    fiche = page.locator("dialog.fiche-dialog")
    expect(fiche).to_be_visible()
    expect(fiche.get_by_label("Titre de l’action")).to_have_value("Café numérique")
    page.keyboard.press("Escape")
    expect(fiche).to_have_count(0)

    # Delete asks first; « Annuler » keeps it, « Supprimer » deletes it for both
    card.focus()
    page.keyboard.press("Delete")
    dialog = page.locator("dialog#ask")
    expect(dialog).to_contain_text("Café numérique")
    dialog.get_by_role("button", name="Annuler").click()
    assert action_of(page, new) is not None
    card.focus()
    page.keyboard.press("Delete")
    dialog.get_by_role("button", name="Supprimer").click()
    settled(page)
    other.wait_for_function("(id) => !window.fresque.store.view().actions.has(id)", arg=new)
    expect(other.locator(f'.tl-card[data-id="{new}"]')).to_have_count(0)


def test_screenshots_wall_tablet_phone(devices: Devices, app: ServerProcess) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    cards = [
        ("action-mediation1", "continue", "2024-01", "2025-06", "A1.1", "Permanences de médiation numérique"),
        ("action-ateliers2", "continue", "2024-07", "2024-12", "A1.2", "Ateliers seniors en médiathèque"),
        ("action-pass000003", "reinforce", "2025-01", "2026-12", "B2.1", "Pass numérique pour les familles"),
        ("action-aidants04", "reinforce", "2025-04", "2025-09", "", "Former les aidants connect"),
        ("action-cafe000005", "create", "2025-10", "2027-06", "C3.1", "Café numérique du Jas"),
        ("action-kiosque06", "create", "2026-01", "2026-06", "C3.2", "Kiosque démarches à la mairie annexe"),
    ]
    ops = [
        {
            "op": "action.create",
            "id": i,
            "lane": lane,
            "start": s,
            "end": e,
            "fiche": {"title": title, "number": n},
        }
        for i, lane, s, e, n, title in cards
    ]
    for mid, month, label in (
        ("mile-lancement", "2025-03", "Lancement"),
        ("mile-bilan0001", "2026-06", "Bilan"),
    ):
        ops.append(
            {
                "op": "milestone.add",
                "id": "action-pass000003",
                "milestone": mid,
                "month": month,
                "label": label,
            }
        )
    ops.append({"op": "board.update", "phase": "place"})  # « Placer les actions »: the timeline's own step
    board = actions_board(app, ws, ops)
    SHOTS.mkdir(parents=True, exist_ok=True)
    for name, device in (("wall", WALL), ("tablet", TABLET), ("phone", PHONE)):
        page = devices.stakeholder(ws, board, device, f"Yacine {name}")
        expect(page.locator(".tl-card")).to_have_count(len(cards))
        scroll_to_card(page, "action-pass000003")
        expect(page.locator("#actionbar")).to_be_hidden()
        page.screenshot(path=str(SHOTS / f"actions-{name}-plain.png"))
        page.locator('.tl-card[data-id="action-pass000003"] .tl-card-name').click()
        expect(page.locator("#actionbar")).to_be_visible()
        path = SHOTS / f"actions-{name}.png"
        page.screenshot(path=str(path))
        assert path.stat().st_size > 10_000
    # Arabic: the page mirrors, the timeline still reads left → right
    page.goto(f"{app.base_url}/boards/{board}?lang=ar")
    wait_connected(page)
    assert page.evaluate("() => document.documentElement.dir") == "rtl"
    assert page.evaluate("() => getComputedStyle(document.querySelector('#timeline')).direction") == "ltr"
    first = page.locator('.tl-card[data-id="action-mediation1"]').bounding_box()
    later = page.locator('.tl-card[data-id="action-ateliers2"]').bounding_box()
    assert first and later and first["x"] < later["x"]
    page.screenshot(path=str(SHOTS / "actions-phone-ar.png"))


def test_the_phase_closes_the_cards_and_says_why(devices: Devices, app: ServerProcess) -> None:
    ws, host = devices.facilitator(LAPTOP)
    card_op = {"op": "action.create", "id": "action-vote0001", "lane": "continue", "start": "2025-01"}
    vote = {"op": "board.update", "phase": "vote"}
    board = actions_board(app, ws, [{**card_op, "end": "2025-03", "fiche": {"title": "Ateliers"}}, vote])
    host.goto(f"{app.base_url}/boards/{board}")
    wait_connected(host)
    page = devices.stakeholder(ws, board, TABLET, "Yacine")
    card = page.locator('.tl-card[data-id="action-vote0001"]')
    # « Vote »: no card moves, the buttons say why
    expect(card).not_to_have_class(re.compile(r"\bmovable\b"))
    expect(page.locator("#new-action")).to_be_disabled()
    expect(page.locator("#new-action")).to_have_attribute("title", "Pas à cette étape")
    card.focus()
    page.keyboard.press("ArrowRight")
    expect(page.locator("#toasts")).to_contain_text("Pas à cette étape")
    card.locator(".tl-card-name").click()  # a tap selects it (its dot votes are at its bottom end)
    expect(page.get_by_role("button", name="Plus tard ▶")).to_be_disabled()
    assert page.evaluate("() => window.fresque.store.pendingCount") == 0
    # the facilitator opens « Placer les actions »: the cards move again
    host.evaluate("() => window.fresque.ctx.send([{op: 'board.update', phase: 'place'}])")
    expect(card).to_have_class(re.compile(r"\bmovable\b"))
    expect(page.locator("#new-action")).to_be_enabled()
    page.get_by_role("button", name="Plus tard ▶").click()
    settled(page)
    wait_action(host, "action-vote0001", start="2025-04", end="2025-06")


def test_the_page_passes_axe_in_french_and_arabic(devices: Devices, app: ServerProcess, axe: Any) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    ops = [
        {
            "op": "action.create",
            "id": "action-axe00001",
            "lane": "reinforce",
            "start": "2025-01",
            "end": "2025-12",
        },
        {"op": "milestone.add", "id": "action-axe00001", "milestone": "mile-axe0001", "month": "2025-06"},
    ]
    ops[0]["fiche"] = {"title": "Pass numérique", "number": "B2.1"}
    ops[1]["label"] = "Bilan"
    ops.append({"op": "board.update", "phase": "place"})  # the phase banner too
    board = actions_board(app, ws, ops)
    for lang, device in (("fr", TABLET), ("ar", TABLET), ("fr", PHONE), ("ar", PHONE)):
        page = devices.stakeholder(ws, board, device, f"Yacine {lang}")
        page.goto(f"{app.base_url}/boards/{board}?lang={lang}")
        wait_connected(page)
        page.locator('.tl-card[data-id="action-axe00001"] .tl-card-name').click()
        expect(page.locator("#actionbar")).to_be_visible()
        if device is PHONE:  # the phone's folded parts open: the instruction, the filters (with the colours)
            page.locator(".af-filters-toggle").click()
            expect(page.locator("#af-filter-colour")).to_be_visible()
            page.locator(".af-say-toggle").click()
            expect(page.locator(".af-banner .phase-say")).to_be_visible()
        check_axe(axe, page, f"{lang}, {device['viewport']}")


def test_offline_changes_wait_are_kept_and_go_out(devices: Devices, app: ServerProcess) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    card_op = {"op": "action.create", "id": "action-offline1", "lane": "create", "start": "2025-01"}
    board = actions_board(app, ws, [{**card_op, "end": "2025-03", "fiche": {"title": "Permanence"}}])
    phone = devices.stakeholder(ws, board, PHONE, "Yacine")
    other = devices.stakeholder(ws, board, LAPTOP, "Claire")
    status = phone.locator("#status")
    phone.context.set_offline(True)
    expect(status).to_have_attribute("data-status", "offline")
    # two changes by the tap toolbar while offline: shown at once, waiting
    phone.locator('.tl-card[data-id="action-offline1"] .tl-card-name').tap()
    bar = phone.locator("#actionbar")
    bar.get_by_role("button", name="Plus tard ▶").tap()
    bar.get_by_role("button", name="Allonger").tap()
    wait_action(phone, "action-offline1", start="2025-04", end="2025-09")
    expect(status.locator(".status-waiting")).to_contain_text("2")
    # kept in the browser's copy before anything is sent (a reload or a dead battery loses nothing)
    saved = phone.evaluate(
        "() => { const boot = JSON.parse(document.querySelector('#bootstrap').textContent);"
        " const key = `fresque.board.v1.${boot.board.id}.${boot.me.participant}`;"
        " return JSON.parse(localStorage.getItem(key)); }"
    )
    assert saved["kind"] == "actions" and len(saved["pending"]) == 2
    # back online: they go out, the others and the server have them
    phone.context.set_offline(False)
    expect(status).to_have_attribute("data-status", "connected")
    settled(phone)
    wait_action(other, "action-offline1", start="2025-04", end="2025-09")
    kept = exported_action(app, ws, board, "action-offline1")
    assert (kept["start"], kept["end"]) == ("2025-04", "2025-09")


def in_sight(page: Page, action_id: str) -> bool:
    """The whole card is inside the timeline's box, clear of the sticky months and of the lane names."""
    return bool(
        page.evaluate(
            """(id) => {
                const root = document.querySelector('#timeline').getBoundingClientRect();
                const c = document.querySelector(`.tl-card[data-id="${id}"]`).getBoundingClientRect();
                const axis = document.querySelector('.tl-axis').getBoundingClientRect();
                const head = window.fresque.timeline.headWidth();
                return c.top >= axis.bottom - 1 && c.bottom <= root.bottom + 1
                  && c.left >= root.left + head - 1 && c.left < root.right;
            }""",
            action_id,
        )
    )


def test_a_link_to_one_action_shows_it_or_says_it_is_gone(devices: Devices, app: ServerProcess) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    # the last lane, late in the timeline, under five others of the same months: far on both axes
    fillers = [
        {
            "op": "action.create",
            "id": f"action-fill000{n}",
            "lane": "create",
            "start": "2027-01",
            "end": "2027-12",
            "fiche": {"title": f"Action {n}"},
        }
        for n in range(5)
    ]
    wanted = {
        "op": "action.create",
        "id": "action-wanted01",
        "lane": "create",
        "start": "2027-07",
        "end": "2027-12",
        "fiche": {"title": "Kiosque démarches", "number": "C3.2"},
    }
    board = actions_board(app, ws, [*fillers, wanted])
    for device in (PHONE, TABLET):
        page = devices.stakeholder(ws, board, device, f"Yacine {device['viewport']['width']}")
        page.goto(f"{app.base_url}/boards/{board}?action=action-wanted01")
        wait_connected(page)
        card = page.locator('.tl-card[data-id="action-wanted01"]')
        # selected (its toolbar names it), in sight on both axes, focused, lit up for a few seconds
        expect(card).to_have_class(re.compile(r"\bselected\b"))
        expect(page.locator("#actionbar .bar-name")).to_have_text("C3.2 Kiosque démarches")
        expect(card).to_have_class(re.compile(r"\bflash\b"))
        assert page.evaluate("() => document.activeElement?.dataset?.id") == "action-wanted01"
        assert page.evaluate("() => document.querySelector('#timeline').scrollTop") > 0 or device is TABLET
        assert page.evaluate("() => document.querySelector('#timeline').scrollLeft") > 0
        assert in_sight(page, "action-wanted01")
        page.screenshot(path=str(SHOTS / f"actions-wanted-{device['viewport']['width']}.png"))
        expect(card).not_to_have_class(re.compile(r"\bflash\b"), timeout=8000)
        expect(card).to_have_class(re.compile(r"\bselected\b"))
    # an action deleted since the link was made: said in plain words, nothing selected
    page.evaluate("() => window.fresque.ctx.send([{op: 'action.delete', id: 'action-wanted01'}])")
    settled(page)
    page.goto(f"{app.base_url}/boards/{board}?action=action-wanted01")
    wait_connected(page)
    expect(page.locator("#toasts")).to_contain_text("Cette action n’est plus sur la fresque")
    expect(page.locator("#actionbar")).to_be_hidden()
    page.goto(f"{app.base_url}/boards/{board}?action=action-wanted01&lang=ar")
    wait_connected(page)
    expect(page.locator("#toasts")).to_contain_text("هذا الإجراء لم يعد على الجدارية")


def test_a_fiche_change_the_server_refuses_is_said_next_to_its_field(
    devices: Devices, app: ServerProcess
) -> None:
    ws, _ = devices.facilitator(LAPTOP)
    mine: dict[str, Any] = {"op": "action.create", "id": "action-mine0001", "lane": "create"}
    mine |= {"start": "2025-01", "end": "2025-06"}
    board = actions_board(app, ws, [{**mine, "fiche": {"title": "Café numérique"}}])
    page = devices.stakeholder(ws, board, LAPTOP, "Yacine")
    other = devices.stakeholder(ws, board, TABLET, "Claire")
    page.evaluate(
        "() => { window.rejected = [];"
        " window.fresque.ctx.onReject(({code}) => { window.rejected.push(code); }); }"
    )
    page.locator('.tl-card[data-id="action-mine0001"] .tl-card-name').click()
    page.locator("#actionbar button.fiche").click()
    dialog = page.locator(".fiche-dialog")
    expect(dialog).to_be_visible()
    # on a train: this page does not hear that, meanwhile, another page gave « C3.1 » to a new action
    page.context.set_offline(True)
    expect(page.locator("#status")).to_have_attribute("data-status", "offline")
    other.evaluate(
        "() => window.fresque.ctx.send([{op: 'action.create', id: 'action-theirs01', lane: 'create',"
        " start: '2025-07', end: '2025-09', fiche: {title: 'Kiosque', number: 'C3.1'}}])"
    )
    settled(other)
    number = dialog.get_by_label("Numéro", exact=True)
    number.fill("C3.1")
    number.press("Tab")  # the page knows of no other « C3.1 »: it lets the change through
    error = page.locator(".fiche-field[data-field='number'] .fiche-error")
    expect(error).to_be_hidden()
    page.wait_for_function("() => window.fresque.store.pendingCount === 1")
    # back online: the server refuses it, and the page says so next to the field, not in a passing toast
    page.context.set_offline(False)
    page.wait_for_function("() => window.rejected.includes('fiche_number_taken')")
    expect(error).to_be_visible()
    expect(error).to_have_text("Une autre action porte déjà ce numéro.")
    expect(number).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#toasts")).not_to_contain_text("porte déjà ce numéro")
    settled(page)
    assert exported_action(app, ws, board, "action-mine0001")["fiche"]["number"] == ""


def timeline_share(page: Page) -> float:
    """The part of the screen's height the timeline has."""
    return float(
        page.evaluate(
            "() => document.querySelector('#timeline').getBoundingClientRect().height / window.innerHeight"
        )
    )


def test_a_phone_gives_the_timeline_most_of_the_screen(devices: Devices, app: ServerProcess) -> None:
    ws, host = devices.facilitator(LAPTOP)
    card: dict[str, Any] = {"op": "action.create", "id": "action-phone001", "lane": "continue"}
    card |= {"start": "2025-01", "end": "2025-06", "fiche": {"title": "Permanences", "number": "A1.1"}}
    ops = [card, {"op": "board.update", "phase": "place"}]
    board = actions_board(app, ws, ops)
    page = devices.stakeholder(ws, board, PHONE, "Yacine")
    SHOTS.mkdir(parents=True, exist_ok=True)
    words = {
        "fr": ("Placer les actions", "Posez les actions", "Filtres", "Couleur selon"),
        "ar": ("وضع الإجراءات", "", "التصفية", "التلوين حسب"),
    }
    for lang, (phase, say, filters, colour) in words.items():
        page.goto(f"{app.base_url}/boards/{board}?lang={lang}")
        wait_connected(page)
        expect(page.locator(".tl-card")).to_have_count(1)
        # above the timeline: who is here and the tools, then one line: the step, « Classement », « Filtres »
        instruction = page.locator(".af-banner .phase-say")
        expect(instruction).to_be_hidden()
        expect(page.get_by_label(colour)).to_be_hidden()
        assert timeline_share(page) > 0.7, timeline_share(page)
        toggle = page.get_by_role("button", name=phase)
        ranking = page.locator(".af-ranking-toggle")
        filter_toggle = page.locator(".af-filters-toggle")
        expect(filter_toggle).to_have_text(filters)
        tops = [b.bounding_box() for b in (toggle, ranking, filter_toggle)]
        assert all(tops) and max(b["y"] for b in tops if b) - min(b["y"] for b in tops if b) < 20, tops
        # a card chosen: its toolbar below, still more than half the screen for the time
        page.locator('.tl-card[data-id="action-phone001"] .tl-card-name').tap()
        expect(page.locator("#actionbar")).to_be_visible()
        assert timeline_share(page) > 0.5, timeline_share(page)
        page.screenshot(path=str(SHOTS / f"actions-phone-{lang}-selected.png"))
        page.locator("#actionbar .action.close").tap()
        # a tap on the step's name says what to do (and another folds it again)
        expect(toggle).to_have_attribute("aria-expanded", "false")
        toggle.tap()
        expect(toggle).to_have_attribute("aria-expanded", "true")
        expect(instruction).to_be_visible()
        if say:
            expect(instruction).to_contain_text(say)
        page.screenshot(path=str(SHOTS / f"actions-phone-{lang}-instruction.png"))
        toggle.tap()
        expect(instruction).to_be_hidden()
        toggle.tap()  # unfolded again: a touch on the timeline folds it
        expect(instruction).to_be_visible()
        page.locator("#timeline").tap(position={"x": 200, "y": 500})
        expect(instruction).to_be_hidden()
        expect(toggle).to_have_attribute("aria-expanded", "false")
        # « Couleur selon » is behind « Filtres »
        filter_toggle.tap()
        chooser = page.get_by_label(colour)
        expect(chooser).to_be_visible()
        page.screenshot(path=str(SHOTS / f"actions-phone-{lang}-filters.png"))
        chooser.select_option("status")
        page.wait_for_function("() => window.fresque.ctx.filters?.colour === 'status'")
        page.locator(".af-filters-toggle").tap()
        expect(page.get_by_label(colour)).to_be_hidden()
        assert page.evaluate("() => window.fresque.ctx.filters.colour") == "status"
    # the vote, then no step at all (a free board): the dots left and « Classement » on that line too
    host.goto(f"{app.base_url}/boards/{board}")
    wait_connected(host)
    for phase in ("vote", None):
        host.evaluate("(phase) => window.fresque.ctx.send([{op: 'board.update', phase}])", phase)
        page.wait_for_function("(phase) => window.fresque.store.view().settings.phase === phase", arg=phase)
        expect(page.locator(".af-left")).to_be_visible()
        assert timeline_share(page) > 0.65, (phase, timeline_share(page))
        page.screenshot(path=str(SHOTS / f"actions-phone-ar-{phase or 'free'}.png"))
    # the facilitator on a phone: their bar folded above the step, the timeline still has most of the screen
    lead = devices.signed_in(ws.token, PHONE)
    host.evaluate("() => window.fresque.ctx.send([{op: 'board.update', phase: 'place'}])")
    lead.goto(f"{app.base_url}/boards/{board}")
    wait_connected(lead)
    expect(lead.locator(".af-bar")).to_be_visible()
    expect(lead.locator(".af-say-toggle")).to_be_visible()
    assert timeline_share(lead) > 0.5, timeline_share(lead)
    lead.screenshot(path=str(SHOTS / "actions-phone-facilitator.png"))
