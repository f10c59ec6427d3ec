"""Issue 4's proof end to end: one hybrid workshop, three live browsers at once, a real Fresque server.

- the facilitator, on a laptop (1366×768, a mouse): the board with the facilitator's bar, and the console
  (`/workshops/{id}`) in a second tab;
- a touch table in the room (1920×1080, touch), in « Mode table », with two residents, Amina and Karim, added
  through the table's own « Ajouter une personne » sheet;
- Nadia, at home on her phone (360×740, touch).

The workshop runs as PRODUCT.md says: Accueil (nobody places anything), Ma semaine (each places their
week, the table's two residents each as themselves), a timer everyone sees and that a reload finds again, a
hidden vote revealed by the facilitator, follow-me (the phone follows, the table does not), and Nadia removed
from the console: her page says so at once and nothing of hers reaches the server any more.

Everything is done through the pages (touch through the DevTools protocol on the table and the phone, the
mouse on the laptop); only the two ideas to vote on are seeded. Outcomes are checked on every device and in
the board's export. No sleep: every wait waits for a condition.
"""

from __future__ import annotations

import json
import re
import time
from dataclasses import dataclass
from typing import Any

import pytest
from helpers import (
    LAPTOP_HD,
    PHONE,
    WALL,
    Devices,
    Fingers,
    Workshop,
    add_person,
    bar_control,
    cell_centre,
    export,
    idea,
    item_centre,
    seed,
    session_token,
    settled,
    wait_centred_on,
    wait_connected,
)
from playwright.sync_api import Page, expect
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(240)


IDEAS = [
    idea("sol-desk"),
    {
        "op": "item.create",
        "id": "sol-peers",
        "kind": "solution",
        "x": 470,
        "y": 900,
        "text": "Un voisin qui aide",
    },
]
TIMER_DIGITS = re.compile(r"^0[45]:[0-5]\d$")  # a 5-minute timer, started a moment ago


@dataclass
class Room:
    ws: Workshop
    facilitator: Page  # the board, with the facilitator's bar
    console: Page  # the same browser's second tab
    table: Page
    phone: Page
    amina: str  # the table's members
    karim: str
    nadia: str  # the phone's resident


# -- small things every step uses ---------------------------------------------------------------------------


def me(page: Page) -> str:
    boot: dict[str, Any] = page.evaluate("() => JSON.parse(document.getElementById('bootstrap').textContent)")
    return str(boot["me"]["participant"])


def choose_phase(facilitator: Page, phase: str, *residents: Page) -> None:
    """The facilitator picks a phase in the bar (a laptop's bar offers them in a drop-down)."""
    facilitator.locator("#facilitator-bar .fac-select").select_option(phase)
    settled(facilitator)
    for page in residents:
        setting(page, "phase", phase)


def setting(page: Page, name: str, value: object) -> None:
    page.wait_for_function(
        "([name, value]) => "
        "JSON.stringify(window.fresque.store.view().settings[name]) === JSON.stringify(value)",
        arg=[name, value],
    )


def arm(page: Page, entry: str) -> None:
    """Tap a pictogram of the palette so that the next tap on the week places it."""
    picture = page.locator(f'#palette .pictogram[data-entry="{entry}"]')
    if picture.get_attribute("aria-pressed") != "true":
        picture.tap()
    expect(picture).to_have_attribute("aria-pressed", "true")


def first_entry(page: Page) -> str:
    entry = page.locator("#palette .pictogram").first.get_attribute("data-entry")
    assert entry
    return entry


def room_item_of(page: Page, author: str) -> str:
    """The id of the (one) activity this author placed, from the page's replica."""
    found: str = page.evaluate(
        "(who) => [...window.fresque.store.view().items.values()]"
        ".find((it) => it.kind === 'activity' && it.author === who).id",
        author,
    )
    return found


def timer_seconds(page: Page) -> int:
    """What the banner's timer shows, in seconds."""
    text = page.locator("#phase-banner .timer-digits").text_content() or ""
    minutes, seconds = text.split(":")
    return int(minutes) * 60 + int(seconds)


def view_centre(page: Page) -> tuple[float, float]:
    """The world point at the middle of the page's board."""
    x, y = page.evaluate(
        """() => {
            const r = document.getElementById('viewport').getBoundingClientRect();
            const v = window.fresque.view;
            return [(r.width / 2 - v.x) / v.scale, (r.height / 2 - v.y) / v.scale];
        }"""
    )
    return float(x), float(y)


def view_of(page: Page) -> dict[str, float]:
    view: dict[str, float] = page.evaluate(
        "() => ({x: fresque.view.x, y: fresque.view.y, s: fresque.view.scale})"
    )
    return view


def mouse_pan(page: Page, dx: float, dy: float) -> None:
    """Drag the board by the mouse from a point of empty board (no card, no button under it)."""
    box = page.locator("#viewport").bounding_box()
    assert box is not None
    candidates = [
        (box["x"] + box["width"] * fx, box["y"] + box["height"] * fy)
        for fy in (0.5, 0.35, 0.65, 0.8)
        for fx in (0.5, 0.35, 0.65, 0.2)
    ]
    start = page.evaluate(
        """(points) => points.find(([x, y]) => {
            const el = document.elementFromPoint(x, y);
            return !!el && !!el.closest('#viewport') && !el.closest('.item, .zoom, .cell, button');
        }) ?? points.find(([x, y]) => {
            const el = document.elementFromPoint(x, y);
            return !!el && !!el.closest('#viewport') && !el.closest('.item, .zoom, button');
        }) ?? null""",
        candidates,
    )
    assert start is not None, "no empty board to drag"
    x, y = start
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=10)
    page.mouse.up()


# -- the room ----------------------------------------------------------------------------------------------


def set_up_the_room(app: ServerProcess, devices: Devices) -> Room:
    ws, facilitator = devices.facilitator_at_the_board(LAPTOP_HD)
    expect(facilitator.locator("#facilitator-bar .fac-select")).to_be_visible()
    seed(app, ws.board, ws.token, IDEAS)

    console = facilitator.context.new_page()
    console.on("pageerror", lambda error: devices.errors.append(f"console: {error}"))
    console.goto(f"{app.base_url}/workshops/{ws.id}")

    phone = devices.resident(ws, PHONE, "Nadia", "pink")
    table = devices.resident(ws, WALL, "Table 1", "orange")
    toggle = table.locator("#table-mode")
    toggle.tap()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    amina = add_person(table, "Amina", "green")
    table.locator(".table-add").first.tap()
    karim = add_person(table, "Karim", "blue")
    expect(table.locator("#table-strip .table-chip")).to_have_count(2)
    wait_connected(table)

    # The console lists who is here and on what: Nadia's phone, the table's screen with its two residents.
    people = console.locator("#people")
    nadia_row = people.locator("li.person-row", has_text="Nadia")
    expect(nadia_row.locator(".presence-here")).to_have_text("ici")
    expect(nadia_row.locator(".device")).to_have_text("téléphone")
    table_row = people.locator("li.person-row", has_text="Table 1").first
    expect(table_row.locator(".device").first).to_have_text("écran")
    expect(table_row.locator(".people-hosted li.person-row")).to_have_count(2)
    return Room(ws, facilitator, console, table, phone, amina, karim, me(phone))


# -- the steps ---------------------------------------------------------------------------------------------


def welcome(room: Room) -> None:
    """Accueil: everyone listens; nothing to place, nothing to vote, on the table or the phone."""
    choose_phase(room.facilitator, "welcome", room.table, room.phone)
    for page in (room.table, room.phone):
        expect(page.locator("#phase-banner .phase-name")).to_have_text("Accueil")
        expect(page.locator("#palette")).to_be_hidden()
        expect(page.locator(".board-bottom")).to_be_hidden()  # nothing to place: the board takes the room
        expect(page.locator("#add-note")).to_be_disabled()
        expect(page.locator("#vote-mode")).to_be_disabled()
    # the facilitator keeps every tool
    expect(room.facilitator.locator("#add-note")).to_be_enabled()


def my_week(app: ServerProcess, room: Room) -> None:
    """Ma semaine: Amina and Karim each place an activity at the table as themselves; Nadia places one."""
    choose_phase(room.facilitator, "week", room.table, room.phone)
    for page in (room.table, room.phone):
        expect(page.locator("#phase-banner .phase-name")).to_have_text("Ma semaine")
        expect(page.locator("#palette")).to_be_visible()
        expect(page.locator("#vote-mode")).to_be_disabled()

    table, fingers = room.table, Fingers(room.table)
    entry = first_entry(table)
    table.locator(f'.table-chip[data-person="{room.amina}"]').tap()
    expect(table.locator(".table-active .text")).to_contain_text("Amina")
    arm(table, entry)
    fingers.tap(*cell_centre(table, "mon", "morning"))
    expect(table.locator(f'.table-chip[data-person="{room.amina}"] .count-activities')).to_have_text(
        "1 activité"
    )
    table.locator(f'.table-chip[data-person="{room.karim}"]').tap()
    expect(table.locator(".table-active .text")).to_contain_text("Karim")
    arm(table, entry)
    fingers.tap(*cell_centre(table, "tue", "evening"))
    expect(table.locator(f'.table-chip[data-person="{room.karim}"] .count-activities')).to_have_text(
        "1 activité"
    )
    settled(table)

    phone = room.phone
    phone_entry = first_entry(phone)
    arm(phone, phone_entry)
    Fingers(phone).tap(*cell_centre(phone, "wed", "morning"))
    settled(phone)

    # every screen shows the three, and the server kept them with their three authors, in their cells
    for page in (room.facilitator, room.table, room.phone):
        expect(page.locator(".item.kind-activity")).to_have_count(3)
    placed = {
        item["author"]: item["cell"]
        for item in export(app, room.ws.board, room.ws.token)["items"]
        if item["kind"] == "activity"
    }
    assert placed == {
        room.amina: {"day": "mon", "slot": "morning"},
        room.karim: {"day": "tue", "slot": "evening"},
        room.nadia: {"day": "wed", "slot": "morning"},
    }, placed
    assert me(table) not in placed  # the table's own session made nothing: its residents did


def the_timer(room: Room) -> None:
    """The facilitator starts 5 minutes: the phone and the table show it; a reload finds it again."""
    bar_control(room.facilitator, ".preset-5").click()
    for page in (room.table, room.phone):
        timer = page.locator("#phase-banner .phase-timer")
        expect(timer).to_have_attribute("data-state", "running")
        expect(timer.locator(".timer-digits")).to_have_text(TIMER_DIGITS)

    phone = room.phone
    before, at = timer_seconds(phone), time.monotonic()
    phone.reload()
    wait_connected(phone)
    expect(phone.locator("#phase-banner .phase-timer")).to_have_attribute("data-state", "running")
    expect(phone.locator("#phase-banner .timer-digits")).to_have_text(TIMER_DIGITS)
    after, elapsed = timer_seconds(phone), time.monotonic() - at
    # the same time left, give or take the display's rounding to the second
    assert abs(after - (before - elapsed)) <= 2, (before, elapsed, after)
    assert abs(timer_seconds(room.table) - timer_seconds(phone)) <= 2
    # and it is still counting down
    phone.wait_for_function(
        "(shown) => document.querySelector('#phase-banner .timer-digits').textContent !== shown",
        arg=phone.locator("#phase-banner .timer-digits").text_content(),
    )


def hidden_vote(app: ServerProcess, room: Room) -> None:
    """Votes hidden, then Vote: only the dots work; the table's two residents and Nadia vote; only the
    facilitator sees totals until the reveal; then everyone sees the right ones."""
    facilitator, table, phone = room.facilitator, room.table, room.phone
    bar_control(facilitator, ".fac-votes").click()
    for page in (table, phone):
        setting(page, "votes_hidden", True)
        expect(page.locator("#phase-banner")).to_contain_text("Votes cachés jusqu'à la révélation")
    choose_phase(facilitator, "vote", table, phone)
    for page in (table, phone):
        expect(page.locator("#palette")).to_be_hidden()
        expect(page.locator("#add-note")).to_be_disabled()
        expect(page.locator("#vote-mode")).to_be_enabled()

    # Only voting works: Nadia's own activity can no longer be moved; the page says so and sends nothing.
    nadias_card = room_item_of(phone, room.nadia)
    mine = phone.locator(f'.item[data-id="{nadias_card}"]')
    x_before = phone.evaluate("(id) => window.fresque.store.view().items.get(id).x", nadias_card)
    mine.focus()
    phone.keyboard.press("ArrowRight")
    expect(phone.locator("#toasts")).to_contain_text("Pas à cette étape")
    assert phone.evaluate("() => window.fresque.store.pendingCount") == 0
    nadias = [i for i in export(app, room.ws.board, room.ws.token)["items"] if i["author"] == room.nadia]
    assert [i["x"] for i in nadias] == [x_before]

    # The table: Amina gives two dots to the help desk, Karim one to the neighbour.
    fingers = Fingers(table)
    table.locator("#vote-mode").tap()
    table.locator(f'.table-chip[data-person="{room.amina}"]').tap()
    expect(table.locator(".table-active .text")).to_contain_text("Amina")
    for n in (1, 2):
        fingers.tap(*item_centre(table, "sol-desk"))
        expect(table.locator('.item[data-id="sol-desk"] .dot')).to_have_count(n)
    table.locator(f'.table-chip[data-person="{room.karim}"]').tap()
    expect(table.locator(".table-active .text")).to_contain_text("Karim")
    fingers.tap(*item_centre(table, "sol-peers"))
    expect(table.locator('.item[data-id="sol-peers"] .dot')).to_have_count(1)
    settled(table)
    # Nadia: one dot to the help desk.
    phone.locator("#vote-mode").tap()
    Fingers(phone).tap(*item_centre(phone, "sol-desk"))
    expect(phone.locator('.item[data-id="sol-desk"] .dot.mine')).to_have_count(1)
    settled(phone)

    # Hidden: each screen sees only its own dots (the table: its residents'), and no total; the facilitator
    # sees them all, with the totals.
    desk, peers = '.item[data-id="sol-desk"]', '.item[data-id="sol-peers"]'
    expect(facilitator.locator(f"{desk} .total")).to_have_text("3")
    expect(facilitator.locator(f"{peers} .total")).to_have_text("1")
    expect(table.locator(f"{desk} .dot")).to_have_count(2)
    expect(table.locator(f"{peers} .dot")).to_have_count(1)
    expect(phone.locator(f"{desk} .dot")).to_have_count(1)
    expect(phone.locator(f"{peers} .dot")).to_have_count(0)
    for page in (table, phone):
        expect(page.locator(".item .total")).to_have_count(0)

    # The reveal.
    bar_control(facilitator, ".fac-votes").click()
    for page in (table, phone, facilitator):
        setting(page, "votes_hidden", False)
        expect(page.locator(f"{desk} .total")).to_have_text("3")
        expect(page.locator(f"{peers} .total")).to_have_text("1")
        expect(page.locator(f"{desk} .dot")).to_have_count(3)
    expect(phone.locator("#phase-banner")).not_to_contain_text("Votes cachés")

    # What the server keeps: the totals, and each person's own budget (the table's two apart).
    votes = export(app, room.ws.board, room.ws.token)["votes"]
    assert {v["item"]: v["count"] for v in votes["totals"]} == {"sol-desk": 3, "sol-peers": 1}
    by_person = {v["participant"]: v["count"] for v in votes["by_participant"]}
    assert by_person == {room.amina: 2, room.karim: 1, room.nadia: 1}, by_person


def follow_me(room: Room) -> None:
    """Follow me: the facilitator zooms and pans; the phone's view follows, the table's does not move."""
    facilitator, table, phone = room.facilitator, room.table, room.phone
    table_before = view_of(table)
    bar_control(facilitator, ".fac-follow").click()
    leader = me(facilitator)
    for page in (table, phone):
        setting(page, "follow", leader)
    chip = phone.locator(".follow-chip")
    expect(chip).to_be_visible()
    expect(chip).to_contain_text("Vous suivez")
    expect(table.locator(".follow-chip")).to_be_hidden()

    facilitator.locator("#zoom-in").click()
    facilitator.locator("#zoom-in").click()
    mouse_pan(facilitator, -180, -120)
    centre = view_centre(facilitator)
    wait_centred_on(phone, centre)
    # once the phone has the facilitator's latest view, the table's had every chance to move: it did not
    assert view_of(table) == table_before
    expect(table.locator(".follow-chip")).to_be_hidden()

    bar_control(facilitator, ".fac-follow").click()
    expect(chip).to_be_hidden()


def removal(app: ServerProcess, room: Room) -> None:
    """Nadia removed from the console: her page says so at once, stops, and nothing of hers reaches the server
    any more."""
    phone, console = room.phone, room.console
    sockets: list[str] = []
    phone.on("websocket", lambda ws: sockets.append(ws.url))
    before = export(app, room.ws.board, room.ws.token)
    token = session_token(phone)

    row = console.locator("#people li.person-row", has_text="Nadia")
    row.get_by_role("button", name="Retirer Nadia").click()
    dialog = console.locator("#remove-dialog")
    expect(dialog).to_contain_text("Retirer « Nadia » ?")
    dialog.get_by_role("button", name="Retirer").click()
    expect(console.locator("#people-status")).to_contain_text("Nadia est retiré·e de l’atelier.")

    ended = phone.locator("#ended")
    expect(ended).to_be_visible()
    expect(ended).to_contain_text("Vous avez été retiré·e de cet atelier par l'animation.")
    expect(phone.locator("#status")).to_have_attribute("data-status", "removed")
    expect(phone.locator("#status")).to_contain_text("Retiré·e de l'atelier")
    expect(ended.get_by_role("link", name="Retour à l'accueil")).to_be_focused()
    # stopped for good: no socket, no retry waiting, every tool closed
    state = phone.evaluate(
        """() => ({stopped: fresque.connection.stopped, timer: fresque.connection.timer,
                   ready: fresque.connection.ready, readOnly: fresque.facilitation.readOnly})"""
    )
    assert state == {"stopped": True, "timer": None, "ready": False, "readOnly": True}, state

    # Her next change: a finger on her card lands on the message, not the board; the vote button takes no
    # touch either; nothing is pending, no socket opens, and the server's door is shut to her token.
    card = phone.locator(f'.item[data-id="{room_item_of(phone, room.nadia)}"]').bounding_box()
    assert card is not None
    x, y = min(max(card["x"] + card["width"] / 2, 10), 350), min(max(card["y"] + card["height"] / 2, 10), 730)
    assert phone.evaluate("([x, y]) => !!document.elementFromPoint(x, y)?.closest('#ended')", [x, y])
    Fingers(phone).tap(x, y)
    phone.locator("#vote-mode").dispatch_event("click")
    assert phone.evaluate("() => window.fresque.store.pendingCount") == 0
    assert phone.evaluate("() => fresque.connection.socket") is None
    assert sockets == []
    refused = upgrade_status(app, room.ws.board, token)
    assert refused == 401, refused
    after = export(app, room.ws.board, room.ws.token)
    assert after["items"] == before["items"] and after["votes"] == before["votes"]

    # Everyone else carries on: the table is still connected, and Nadia is no longer among who is here.
    assert room.table.evaluate("() => fresque.connection.ready")
    expect(room.facilitator.locator("#presence .alias", has_text="Nadia")).to_have_count(0)
    expect(console.locator("#people li.person-row", has_text="Nadia")).to_have_count(0)


def upgrade_status(app: ServerProcess, board: str, token: str) -> int | None:
    """The HTTP status the server answers a WebSocket upgrade with this session cookie (None: it opened)."""
    from websockets.exceptions import InvalidStatus
    from websockets.sync.client import connect

    try:
        with connect(
            app.ws_url(board),
            origin=app.origin,
            additional_headers={"Cookie": f"fresque_session={token}"},
            compression=None,
            open_timeout=10,
        ) as sock:
            sock.send(json.dumps({"type": "hello", "protocol": 1, "client": "after-removal"}))
            return None
    except InvalidStatus as refused:
        return int(refused.response.status_code)


# -- the workshop ------------------------------------------------------------------------------------------


def test_a_hybrid_workshop_with_a_facilitator_a_touch_table_and_a_remote_phone(
    app: ServerProcess, devices: Devices
) -> None:
    room = set_up_the_room(app, devices)
    welcome(room)
    my_week(app, room)
    the_timer(room)
    hidden_vote(app, room)
    follow_me(room)
    removal(app, room)
