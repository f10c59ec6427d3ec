"""Facilitation end to end: a facilitator's page and a resident's page on a real Fresque server.

The facilitator acts through the facilitator's bar (js/board/facilitation.js); the resident's page shows what
the phase leaves open, the timer, the hidden votes and the lock (js/board/phase.js). What the server keeps is
read from the export. Waits are Playwright's expect and wait_for_function; no sleep stands in for an
assertion.
"""

from __future__ import annotations

import re

import httpx
import pytest
from helpers import (
    LAPTOP,
    TABLET,
    WALL,
    Devices,
    Workshop,
    bar_control,
    export,
    export_items,
    seed,
    settled,
    wait_connected,
)
from playwright.sync_api import Page, expect
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(120)


SOLUTION = {"op": "item.create", "id": "sol-entraide1", "kind": "solution", "x": 200, "y": 900}
SOLUTION["text"] = "Entraide"
NOTE = {"op": "item.create", "id": "note-animation", "kind": "note", "x": 200, "y": 1200, "text": "Bonjour"}


@pytest.fixture
def room(app: ServerProcess, devices: Devices) -> tuple[Workshop, Page, Page]:
    """A facilitator on a laptop and a resident, Amina, on a tablet, on the same board."""
    ws, facilitator = devices.facilitator_at_the_board(LAPTOP)
    expect(facilitator.locator("#facilitator-bar")).to_be_visible()
    resident = devices.resident(ws, TABLET, "Amina", "green")
    return ws, facilitator, resident


def choose_phase(page: Page, phase: str) -> None:
    """The facilitator picks a phase (a laptop's bar offers them in a drop-down)."""
    page.locator("#facilitator-bar .fac-select").select_option(phase)
    settled(page)


def setting(page: Page, name: str, value: object) -> None:
    page.wait_for_function(
        "([name, value]) => "
        "JSON.stringify(window.fresque.store.view().settings[name]) === JSON.stringify(value)",
        arg=[name, value],
    )


Room = tuple[Workshop, Page, Page]


def test_the_phase_opens_and_closes_the_residents_tools(room: Room, app: ServerProcess) -> None:
    ws, facilitator, amina = room
    palette, side = amina.locator("#palette"), amina.locator(".board-bottom")
    note, vote = amina.locator("#add-note"), amina.locator("#vote-mode")

    # A free board (no phase yet): everything is open.
    expect(palette).to_be_visible()
    expect(note).to_be_enabled()
    expect(vote).to_be_enabled()

    # Accueil: nothing to do but listen; the banner says what happens now.
    choose_phase(facilitator, "welcome")
    setting(amina, "phase", "welcome")
    expect(amina.locator("#phase-banner .phase-name")).to_have_text("Accueil")
    expect(palette).to_be_hidden()
    expect(side).to_be_hidden()  # nothing to place: the palette's room is the board's
    expect(note).to_be_disabled()
    expect(vote).to_be_disabled()

    # Ma semaine: the pictures and the notes, not the votes.
    choose_phase(facilitator, "week")
    setting(amina, "phase", "week")
    expect(amina.locator("#phase-banner .phase-say")).to_have_text(
        "Posez les images de ce que vous faites dans la semaine."
    )
    expect(palette).to_be_visible()
    expect(note).to_be_enabled()
    expect(vote).to_be_disabled()
    # Tap a pictogram, then a box of the week: it is placed, and the server keeps it.
    amina.locator("#palette .pictogram").first.click()
    amina.locator(".cell[data-day='tue'][data-slot='morning']").click()
    settled(amina)
    placed = [it for it in export_items(app, ws.board, ws.token).values() if it["kind"] == "activity"]
    assert len(placed) == 1 and placed[0]["cell"] == {"day": "tue", "slot": "morning"}

    # Tirer le fil: the palette steps aside, and comes back on demand (« Images ») for a forgotten activity.
    choose_phase(facilitator, "threads")
    setting(amina, "phase", "threads")
    pictures = amina.locator("#show-palette")
    expect(palette).to_be_hidden()
    expect(pictures).to_be_visible()
    pictures.click()
    expect(palette).to_be_visible()
    expect(pictures).to_have_attribute("aria-pressed", "true")

    # Vote: only the dots.
    seed(app, ws.board, ws.token, [SOLUTION])
    choose_phase(facilitator, "vote")
    setting(amina, "phase", "vote")
    expect(palette).to_be_hidden()
    expect(note).to_be_disabled()
    expect(vote).to_be_enabled()
    vote.click()
    amina.locator(".item[data-id='sol-entraide1']").focus()  # the board pans to it, as for Tab
    amina.keyboard.press("Enter")
    settled(amina)
    totals = export(app, ws.board, ws.token)["votes"]["totals"]
    assert [(v["item"], v["count"]) for v in totals] == [("sol-entraide1", 1)]
    # The activity she placed can no longer be moved in this phase: the page says so and sends nothing.
    activity = amina.locator(".item.kind-activity").first
    activity.focus()
    amina.keyboard.press("ArrowRight")
    expect(amina.locator("#toasts")).to_contain_text("Pas à cette étape")
    assert export_items(app, ws.board, ws.token)[placed[0]["id"]]["x"] == placed[0]["x"]


def test_the_timer_shows_on_the_residents_page_and_survives_a_reload(room: Room) -> None:
    _, facilitator, amina = room
    timer = amina.locator("#phase-banner .phase-timer")
    expect(timer).to_be_hidden()

    bar_control(facilitator, ".preset-5").click()
    expect(timer).to_have_attribute("data-state", "running")
    expect(timer.locator(".timer-digits")).to_have_text(re.compile(r"^0[45]:[0-5]\d$"))

    # A reload restores the board from the browser, then the server: the same timer, still counting.
    amina.reload()
    wait_connected(amina)
    expect(timer).to_have_attribute("data-state", "running")
    expect(timer.locator(".timer-digits")).to_have_text(re.compile(r"^0[45]:[0-5]\d$"))
    first = timer.locator(".timer-digits").text_content()
    amina.wait_for_function(
        "(first) => document.querySelector('#phase-banner .timer-digits').textContent !== first", arg=first
    )

    # Paused: shown as paused, and it stays put.
    bar_control(facilitator, ".fac-pause").click()
    expect(timer).to_have_attribute("data-state", "paused")
    expect(timer).to_contain_text("En pause")

    # Cleared: gone.
    bar_control(facilitator, ".fac-clear").click()
    expect(timer).to_be_hidden()


def test_hidden_votes_are_not_shown_until_the_reveal(room: Room, app: ServerProcess) -> None:
    ws, facilitator, amina = room
    vote = {"op": "vote.add", "item": "sol-entraide1"}
    seed(app, ws.board, ws.token, [SOLUTION, vote, vote])
    card = amina.locator(".item[data-id='sol-entraide1']")
    expect(card.locator(".dot")).to_have_count(2)
    expect(card.locator(".total")).to_have_text("2")

    bar_control(facilitator, ".fac-votes").click()
    setting(amina, "votes_hidden", True)
    expect(amina.locator("#phase-banner")).to_contain_text("Votes cachés jusqu'à la révélation")
    expect(card.locator(".dot")).to_have_count(0)
    expect(card.locator(".total")).to_have_count(0)
    # The facilitator still sees every dot.
    expect(facilitator.locator(".item[data-id='sol-entraide1'] .dot")).to_have_count(2)

    # Amina's own dot shows to her; the others' do not.
    amina.locator("#vote-mode").click()
    card.focus()
    amina.keyboard.press("Enter")
    settled(amina)
    expect(card.locator(".dot")).to_have_count(1)
    expect(card.locator(".dot.mine")).to_have_count(1)

    bar_control(facilitator, ".fac-votes").click()
    setting(amina, "votes_hidden", False)
    expect(card.locator(".dot")).to_have_count(3)
    expect(card.locator(".total")).to_have_text("3")
    expect(amina.locator("#phase-banner")).not_to_contain_text("Votes cachés")


def test_the_lock_stops_changes_until_it_is_lifted(room: Room, app: ServerProcess) -> None:
    ws, facilitator, amina = room
    seed(app, ws.board, ws.token, [NOTE])
    bar_control(facilitator, ".fac-lock").click()
    setting(amina, "locked", True)
    expect(amina.locator("#phase-banner")).to_contain_text("Le tableau est en pause")
    expect(amina.locator("#add-note")).to_be_disabled()
    expect(amina.locator("#palette")).to_be_hidden()

    # A move by the keyboard is refused on the page, with the reason, and nothing reaches the server.
    before = export_items(app, ws.board, ws.token)["note-animation"]["x"]
    card = amina.locator(".item[data-id='note-animation']")
    card.focus()
    amina.keyboard.press("ArrowRight")
    expect(amina.locator("#toasts")).to_contain_text("Le tableau est en pause")
    assert amina.evaluate("() => window.fresque.store.pendingCount") == 0
    assert export_items(app, ws.board, ws.token)["note-animation"]["x"] == before

    # The facilitator may still change things while the board is locked.
    facilitator.locator(".item[data-id='note-animation']").focus()
    facilitator.keyboard.press("ArrowDown")
    settled(facilitator)

    bar_control(facilitator, ".fac-lock").click()
    setting(amina, "locked", False)
    expect(amina.locator("#phase-banner")).not_to_contain_text("Le tableau est en pause")
    expect(amina.locator("#add-note")).to_be_enabled()
    expect(amina.locator("#palette")).to_be_visible()


def test_the_projector_shows_the_phase_and_the_join_code_and_changes_nothing(
    room: Room, app: ServerProcess, devices: Devices
) -> None:
    ws, facilitator, _ = room
    choose_phase(facilitator, "week")
    bar_control(facilitator, ".preset-10").click()
    seed(app, ws.board, ws.token, [SOLUTION, {"op": "item.hide", "id": "sol-entraide1", "hidden": True}])

    projector = facilitator.context.new_page()
    projector.on("pageerror", lambda error: devices.errors.append(f"projector: {error}"))
    projector.goto(f"{app.base_url}/boards/{ws.board}?view=projector")
    wait_connected(projector)
    expect(projector.locator("body")).to_have_class(re.compile(r"\bprojector\b"))
    expect(projector.locator("#phase-banner .phase-name")).to_have_text("Ma semaine")
    expect(projector.locator("#phase-banner .phase-timer")).to_have_attribute("data-state", "running")
    expect(projector.locator("#palette")).to_be_hidden()
    expect(projector.locator("#facilitator-bar")).to_be_hidden()
    expect(projector.locator("#projector-join .projector-qr")).to_be_visible()
    expect(projector.locator("#projector-join .projector-code")).to_have_text(re.compile(r"^\w{3}\w{3}"))
    # A card hidden by moderation is not shown to the room, even from a facilitator's session.
    expect(projector.locator(".item[data-id='sol-entraide1']")).to_have_count(0)
    expect(facilitator.locator(".item[data-id='sol-entraide1'].masked")).to_be_visible()


def select_card(page: Page, item_id: str) -> None:
    """Select a card the keyboard way (the board pans to the focused card, as for Tab); a card still selected
    (its bar open beside the board) stays so: Enter on it again would close its bar."""
    if page.evaluate("() => window.fresque.ui.selected") != item_id:
        page.locator(f".item[data-id='{item_id}']").focus()
        page.keyboard.press("Enter")
    expect(page.locator("#actionbar")).to_be_visible()


def test_moderation_hide_and_merge_from_the_facilitators_bar(room: Room, app: ServerProcess) -> None:
    ws, facilitator, amina = room
    other = {**SOLUTION, "id": "sol-entraide2", "x": 500}
    seed(app, ws.board, ws.token, [SOLUTION, other, {"op": "vote.add", "item": "sol-entraide2"}])
    expect(amina.locator(".item.kind-solution")).to_have_count(2)

    # Hide: the facilitator still sees it, dimmed and marked; Amina's page no longer has it.
    select_card(facilitator, "sol-entraide2")
    facilitator.locator("#actionbar .fac-item.hide").click()
    expect(facilitator.locator(".item[data-id='sol-entraide2'].masked .hidden-badge")).to_have_text("caché")
    expect(amina.locator(".item[data-id='sol-entraide2']")).to_have_count(0)
    select_card(facilitator, "sol-entraide2")
    facilitator.locator("#actionbar .fac-item.show").click()
    expect(amina.locator(".item[data-id='sol-entraide2']")).to_have_count(1)

    # Merge: "merge with…", the second card, confirm; the dot moves to the card kept.
    select_card(facilitator, "sol-entraide1")
    facilitator.locator("#actionbar .fac-item.merge").click()
    facilitator.locator(".item[data-id='sol-entraide2']").focus()
    facilitator.keyboard.press("Enter")
    facilitator.locator("#sheet").get_by_role("button", name="Fusionner").click()
    settled(facilitator)
    expect(amina.locator(".item.kind-solution")).to_have_count(1)
    kept = export(app, ws.board, ws.token)
    assert [i["id"] for i in kept["items"] if i["kind"] == "solution"] == ["sol-entraide1"]
    assert [(v["item"], v["count"]) for v in kept["votes"]["totals"]] == [("sol-entraide1", 1)]


def test_a_private_round_hides_cards_from_the_others_until_the_reveal(
    room: Room, app: ServerProcess, devices: Devices
) -> None:
    ws, facilitator, amina = room
    karim = devices.resident(ws, TABLET, "Karim", "blue")
    bar_control(facilitator, ".fac-private").click()
    setting(amina, "private", {"active": True, "round": 1})
    expect(amina.locator("#phase-banner")).to_contain_text(
        "Vos cartes sont cachées aux autres jusqu'à la révélation"
    )

    amina.locator("#palette .pictogram").first.click()
    amina.locator(".cell[data-day='wed'][data-slot='morning']").click()
    settled(amina)
    mine = amina.locator(".item.kind-activity")
    expect(mine).to_have_count(1)
    expect(mine).not_to_have_class(re.compile(r"\bmasked\b"))  # her own card, as usual for her
    # The facilitator sees it, dimmed and marked; Karim does not.
    expect(facilitator.locator(".item.kind-activity.masked")).to_have_count(1)
    karim.wait_for_function("() => window.fresque.store.view().settings.private.active")
    expect(karim.locator(".item.kind-activity")).to_have_count(0)

    bar_control(facilitator, ".fac-private").click()
    expect(karim.locator(".item.kind-activity")).to_have_count(1)
    expect(facilitator.locator(".item.kind-activity.masked")).to_have_count(0)


def test_an_observer_opens_the_projector_and_sends_nothing(
    room: Room, app: ServerProcess, devices: Devices
) -> None:
    ws, facilitator, amina = room
    choose_phase(facilitator, "week")
    made = httpx.post(
        f"{app.base_url}/api/workshops/{ws.id}/sign-in-links",
        json={"role": "observer"},
        headers={"Authorization": f"Bearer {ws.token}"},
        timeout=10,
    )
    assert made.status_code == 201, made.text
    screen = devices.open(WALL)
    screen.goto(made.json()["link"])
    screen.locator("#sign-in-enter").click()
    screen.wait_for_url("**/boards/*?view=projector")
    wait_connected(screen)
    assert screen.evaluate("() => window.fresque.store.role") == "observer"
    expect(screen.locator("#phase-banner .phase-name")).to_have_text("Ma semaine")
    expect(screen.locator("#projector-join .projector-qr")).to_be_visible()
    expect(screen.locator("#projector-count")).to_contain_text("personnes ici")
    expect(screen.locator("#palette")).to_be_hidden()
    expect(screen.locator("#facilitator-bar")).to_be_hidden()
    # What Amina does shows on the screen.
    amina.locator("#palette .pictogram").first.click()
    amina.locator(".cell[data-day='mon'][data-slot='evening']").click()
    settled(amina)
    expect(screen.locator(".item.kind-activity")).to_have_count(1)
    # The screen changes nothing, even by the keyboard.
    screen.locator(".item.kind-activity").focus()
    screen.keyboard.press("ArrowRight")
    screen.keyboard.press("Delete")
    assert screen.evaluate("() => window.fresque.store.pendingCount") == 0
    expect(amina.locator(".item.kind-activity")).to_have_count(1)
