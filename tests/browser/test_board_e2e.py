"""The exploration board end to end: real Chromium pages (phone, tablet, laptop) on a real Fresque server.

Every test acts through the page as a resident does (touch through the DevTools protocol, the keyboard, the
real join page) and checks real outcomes: what the other devices show, and what the server keeps
(GET /api/boards/{id}/export with the facilitator's token). Waits are Playwright's expect and
wait_for_function, with timeouts; no sleep stands in for an assertion.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import (
    LAPTOP,
    PHONE,
    TABLET,
    Devices,
    Fingers,
    Workshop,
    activity,
    cell_centre,
    cell_selector,
    centre_of,
    choose_language,
    export,
    export_items,
    idea,
    item_centre,
    item_in_cell_on_screen,
    item_selector,
    items,
    join_through_the_page,
    seed,
    session_token,
    settled,
    swipe_into_view,
    the_item,
    touch_points,
    wait_connected,
    wait_items_like,
    world_of,
)
from playwright.sync_api import Page, WebSocketRoute, expect
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(120)

REPO = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")


def bootstrap(page: Page) -> dict[str, Any]:
    """What the server put in the board page for its scripts: board, workshop, me, palette."""
    data: dict[str, Any] = page.evaluate("() => JSON.parse(document.getElementById('bootstrap').textContent)")
    return data


def plain(found: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Items without their empty properties (the export writes null where the page leaves a key out)."""
    return {id: {k: v for k, v in item.items() if v is not None} for id, item in found.items()}


# -- 1. two devices live ------------------------------------------------------------------------------------


def test_a_resident_places_activities_by_touch_drag_and_by_tap_tap_and_the_others_see_them(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, facilitator = workshop
    phone = devices.resident(ws, PHONE, "Amina", "green")
    tablet = devices.resident(ws, TABLET, "Karim", "blue")
    fingers = Fingers(phone)

    # a touch drag from the palette onto a cell
    start = centre_of(phone, '.pictogram[data-entry="look-for-job"]')
    fingers.drag([start], [cell_centre(phone, "tue", "evening")], steps=15)
    dragged = the_item(phone, "it.ref === 'look-for-job'")
    expect(phone.locator(".palette-ghost")).to_have_count(0)

    # right after it (a drag once made the browser swallow the next tap), tap-tap: a pictogram, a cell
    work = phone.locator('.pictogram[data-entry="go-to-work"]')
    work.tap()
    expect(work).to_have_attribute("aria-pressed", "true")
    fingers.tap(*cell_centre(phone, "mon", "morning"))
    tapped = the_item(phone, "it.ref === 'go-to-work'")
    expect(work).to_have_attribute("aria-pressed", "false")  # one tap-place per arming (test_board_bugs_e2e)

    assert dragged["cell"] == {"day": "tue", "slot": "evening"}
    assert tapped["cell"] == {"day": "mon", "slot": "morning"}
    settled(phone)

    # the tablet and the facilitator's laptop draw both, each in its cell
    for other in (tablet, facilitator):
        item_in_cell_on_screen(other, dragged["id"], "tue", "evening")
        item_in_cell_on_screen(other, tapped["id"], "mon", "morning")
        expect(other.locator(".item.kind-activity")).to_have_count(2)
        expect(other.locator(f'.item[data-id="{tapped["id"]}"] .label')).to_have_text("Aller au travail")
        expect(other.locator(f'.item[data-id="{dragged["id"]}"] .label')).to_have_text("Chercher un emploi")
    # and the server kept them, as the resident's
    kept = export_items(app, ws.board, ws.token)
    assert set(kept) == {tapped["id"], dragged["id"]}
    assert (kept[dragged["id"]]["ref"], kept[dragged["id"]]["cell"]) == (
        "look-for-job",
        {"day": "tue", "slot": "evening"},
    )
    assert (kept[tapped["id"]]["ref"], kept[tapped["id"]]["cell"]) == (
        "go-to-work",
        {"day": "mon", "slot": "morning"},
    )
    assert {item["author"] for item in kept.values()} == {bootstrap(phone)["me"]["participant"]}


# -- 2. two fingers, two drags at once ----------------------------------------------------------------------


def test_two_fingers_drag_two_activities_at_once_and_each_lands_under_its_finger(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, facilitator = workshop
    origins = {"act-left": (170.0, 120.0), "act-right": (274.0, 120.0)}  # mon/morning, its two first places
    tablet = devices.resident(ws, TABLET, "Karim", "blue")
    seed(  # Karim's own two activities (only an item's author, or a facilitator, may move it)
        app,
        ws.board,
        session_token(tablet),
        [
            activity("act-left", "go-to-work", "mon", "morning", *origins["act-left"]),
            activity("act-right", "doctor", "mon", "morning", *origins["act-right"]),
        ],
    )
    tablet.reload()  # opened with both on the board, as a resident finds them: the view fitted around them
    wait_connected(tablet)
    expect(tablet.locator(".item")).to_have_count(2)

    targets = {"act-left": ("wed", "afternoon"), "act-right": ("thu", "evening")}
    # The two cards and the two cells in sight together (a swipe between measuring them would leave the
    # first measures stale: the fingers would land beside the cards, and two fingers there make a pinch).
    cells = [cell_selector(*cell) for cell in targets.values()]
    points = touch_points(tablet, *map(item_selector, targets), *cells)
    starts, ends = points[:2], points[2:]
    scale = tablet.evaluate("() => window.fresque.view.scale")
    Fingers(tablet).drag(starts, ends, steps=16)  # each step: one touchMove carrying both fingers

    settled(tablet)
    now = items(tablet)
    for id, (sx, sy), (ex, ey) in zip(targets, starts, ends, strict=True):
        x0, y0 = origins[id]
        want = (x0 + (ex - sx) / scale, y0 + (ey - sy) / scale)
        assert now[id]["x"] == pytest.approx(want[0], abs=3) and now[id]["y"] == pytest.approx(want[1], abs=3)
        # it was picked up by its centre: its centre is where that finger let go
        assert (now[id]["x"] + 48, now[id]["y"] + 56) == pytest.approx(world_of(tablet, ex, ey), abs=3)
        assert now[id]["cell"] == dict(zip(("day", "slot"), targets[id], strict=True))

    # the laptop shows both moves (the stored ones, not only drag previews), and the server kept them
    wait_items_like(facilitator, {id: {k: now[id][k] for k in ("x", "y", "cell")} for id in targets})
    for id, cell in targets.items():
        item_in_cell_on_screen(facilitator, id, *cell)
    expect(facilitator.locator(".item.moved-by-other")).to_have_count(0)  # no drag preview left behind
    kept = export_items(app, ws.board, ws.token)
    for id in targets:
        assert (kept[id]["x"], kept[id]["y"], kept[id]["cell"]) == (
            now[id]["x"],
            now[id]["y"],
            now[id]["cell"],
        )


def test_a_resident_cannot_drag_another_residents_card_but_still_reads_it(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, _ = workshop
    tablet = devices.resident(ws, TABLET, "Karim", "blue")
    karims = activity("act-karim", "go-to-work", "mon", "morning", 170, 120)
    seed(app, ws.board, session_token(tablet), [karims])
    phone = devices.open(PHONE)
    sent: list[dict[str, Any]] = []  # every message Amina's page sends on its sockets

    def frame_sent(payload: str | bytes) -> None:
        sent.append(json.loads(payload))

    phone.on("websocket", lambda socket: socket.on("framesent", frame_sent))
    join_through_the_page(phone, app, ws.code, "Amina", "green")
    expect(phone.locator('.item[data-id="act-karim"]')).to_have_count(1)
    before = items(phone)["act-karim"]

    # Amina's finger on Karim's card, moved far: the card is not picked up (the board pans instead)
    start, end = touch_points(phone, item_selector("act-karim"), cell_selector("tue", "evening"))
    view = phone.evaluate("() => [window.fresque.view.x, window.fresque.view.y]")
    Fingers(phone).drag([start], [end], steps=12)
    after = phone.evaluate("() => [window.fresque.view.x, window.fresque.view.y]")
    assert (after[0] - view[0]) * (end[0] - start[0]) > 0 and (after[1] - view[1]) * (end[1] - start[1]) > 0
    assert items(phone)["act-karim"] == before
    expect(tablet.locator(".item.moved-by-other")).to_have_count(0)  # no drag preview on Karim's screen
    expect(phone.locator("#toasts")).not_to_contain_text("quelqu'un d'autre")

    # a tap still selects it, to read it or pull a thread from it: without « Déplacer » or « Supprimer »
    Fingers(phone).tap(*item_centre(phone, "act-karim"))
    bar = phone.locator("#actionbar")
    expect(bar).to_be_visible()
    expect(bar.get_by_role("button", name="Fermer")).to_be_visible()
    expect(bar.get_by_role("button", name="Déplacer")).to_have_count(0)
    expect(bar.get_by_role("button", name="Supprimer")).to_have_count(0)
    # the keyboard neither: arrows on someone else's card do nothing, and say nothing at each press
    expect(phone.locator('.item[data-id="act-karim"]')).to_be_focused()
    for key in ("ArrowRight", "ArrowDown", "Delete"):
        phone.keyboard.press(key)
    assert items(phone)["act-karim"] == before
    expect(phone.locator("#toasts")).not_to_contain_text("quelqu'un d'autre")

    # her own change goes (after all of the above on the same socket): the only one she sent
    phone.keyboard.press("Escape")
    phone.locator('.pictogram[data-entry="training"]').tap()
    Fingers(phone).tap(*cell_centre(phone, "tue", "morning"))
    the_item(phone, "it.ref === 'training'")
    settled(phone)
    ops_sent = [m for m in sent if m.get("type") == "ops"]
    assert [[op["op"] for op in m["ops"]] for m in ops_sent] == [["item.create"]], ops_sent
    kept = export_items(app, ws.board, ws.token)["act-karim"]
    assert (kept["x"], kept["y"], kept["cell"]) == (170, 120, {"day": "mon", "slot": "morning"})
    expect(tablet.locator('.item[data-id="act-karim"]')).to_have_count(1)
    assert items(tablet)["act-karim"] == before


# -- 3. pinch -----------------------------------------------------------------------------------------------


def test_a_pinch_on_the_board_zooms_the_board_and_never_the_page(
    devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, _ = workshop
    phone = devices.resident(ws, PHONE, "Amina", "green")
    before = phone.evaluate("() => window.fresque.view.scale")
    box = phone.locator("#viewport").bounding_box()
    assert box is not None
    mx, my = box["x"] + box["width"] / 2, box["y"] + box["height"] / 2
    anchor = world_of(phone, mx, my)
    cell = phone.locator('.cell[data-day="mon"][data-slot="morning"]')
    width_before = cell.evaluate("(el) => el.getBoundingClientRect().width")
    starts = [(mx - 30, my), (mx + 30, my)]
    for x, y in starts:  # empty board space: no item under either finger
        assert phone.evaluate("([x, y]) => !document.elementFromPoint(x, y).closest('.item')", [x, y])

    Fingers(phone).drag(starts, [(mx - 90, my), (mx + 90, my)])  # 60 px apart, spread to 180

    phone.wait_for_function("(s) => window.fresque.view.scale > s * 2.5", arg=before)
    page_state = phone.evaluate(
        """() => ({scale: window.fresque.view.scale, zoom: window.visualViewport.scale,
                   scroll: [window.scrollX, window.scrollY, document.scrollingElement.scrollTop,
                            document.scrollingElement.scrollLeft]})"""
    )
    assert page_state["scale"] == pytest.approx(before * 3, rel=0.02)
    assert page_state["zoom"] == 1  # the page itself did not zoom…
    assert page_state["scroll"] == [0, 0, 0, 0]  # …nor scroll
    # the world point under the fingers' middle stayed under it, and the drawing grew by as much
    assert world_of(phone, mx, my) == pytest.approx(anchor, abs=1)
    width_after = cell.evaluate("(el) => el.getBoundingClientRect().width")
    assert width_after == pytest.approx(width_before * page_state["scale"] / before, rel=0.02)
    # a pinch is no tap on a cell: nothing was placed or sent
    assert (
        phone.evaluate("() => window.fresque.store.view().items.size + window.fresque.store.pendingCount")
        == 0
    )


# -- 4. pull a thread ---------------------------------------------------------------------------------------

# Arabic, an emoji ZWJ sequence with a skin tone, a flag, a variation selector: back byte for byte.
WORDS = "ما عندي إنترنت في البيت 📵 👩🏽\u200d💻 🇩🇿 ❤️"


def test_pulling_a_thread_to_a_difficulty_then_to_an_idea(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, facilitator = workshop
    seed(app, ws.board, ws.token, [activity("act-caf", "caf-procedures", "mon", "morning", 170, 120)])
    phone = devices.resident(ws, PHONE, "Amina", "green")
    tablet = devices.resident(ws, TABLET, "Karim", "blue")
    bar = phone.locator("#actionbar")
    sheet = phone.locator("#sheet")

    Fingers(phone).tap(*item_centre(phone, "act-caf"))
    expect(phone.locator('.item[data-id="act-caf"]')).to_have_attribute("aria-pressed", "true")
    bar.get_by_role("button", name="Tirer le fil : une difficulté").tap()
    expect(sheet.locator(".sheet-title")).to_have_text("Quelle difficulté ?")
    sheet.locator('.choice[data-ref="connection"]').tap()
    expect(sheet.locator(".sheet-title")).to_have_text("C'est comment ?")
    sheet.locator('.face-choice[data-severity="bloque"]').tap()
    sheet.locator("textarea").fill(WORDS)
    sheet.get_by_role("button", name="Valider").tap()
    expect(sheet).not_to_be_visible()
    difficulty = the_item(phone, "it.kind === 'difficulty'")
    assert (difficulty["ref"], difficulty["severity"], difficulty["text"]) == ("connection", "bloque", WORDS)

    # the new card is the one selected: from it, an idea
    expect(phone.locator(f'.item[data-id="{difficulty["id"]}"]')).to_have_attribute("aria-pressed", "true")
    bar.get_by_role("button", name="Une idée pour aider").tap()
    expect(sheet.locator(".sheet-title")).to_have_text("Quelle idée pour aider ?")
    sheet.locator('.choice[data-ref="digital-help-desk"]').tap()
    expect(sheet).not_to_be_visible()
    solution = the_item(phone, "it.kind === 'solution'")
    expect(phone.locator("path.thread")).to_have_count(2)
    settled(phone)

    # the other devices draw both threads, and the words exactly
    for other in (tablet, facilitator):
        expect(other.locator("path.thread")).to_have_count(2)
        expect(other.locator(f'.item[data-id="{difficulty["id"]}"] .text')).to_have_text(WORDS)
        for d in other.locator("path.thread").evaluate_all("(ps) => ps.map((p) => p.getAttribute('d'))"):
            assert re.fullmatch(r"M[-\d. ]+C[-\d. ]+", d), d
    doc = export(app, ws.board, ws.token)
    kept = {item["id"]: item for item in doc["items"]}
    assert kept[difficulty["id"]]["text"].encode() == WORDS.encode()
    assert (kept[difficulty["id"]]["ref"], kept[difficulty["id"]]["severity"]) == ("connection", "bloque")
    assert kept[solution["id"]]["ref"] == "digital-help-desk"
    assert sorted((t["source"], t["target"]) for t in doc["threads"]) == sorted(
        [("act-caf", difficulty["id"]), (difficulty["id"], solution["id"])]
    )


# -- 5. votes -----------------------------------------------------------------------------------------------


def test_three_dots_then_no_more_and_one_taken_back(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, facilitator = workshop
    seed(app, ws.board, ws.token, [idea("sol-desk")])
    tablet = devices.resident(ws, TABLET, "Karim", "blue")
    fingers = Fingers(tablet)
    mine = tablet.locator('.item[data-id="sol-desk"] .dots .total')
    theirs = facilitator.locator('.item[data-id="sol-desk"] .dots .total')
    expect(theirs).to_have_text("0")

    # the week fills a tablet's board: the idea below it is a swipe away (and the tap after a swipe counts)
    swipe_into_view(tablet, '.item[data-id="sol-desk"]')
    tablet.locator("#vote-mode").tap()
    expect(tablet.locator("#vote-mode")).to_have_attribute("aria-pressed", "true")
    expect(tablet.locator("#vote-mode")).to_contain_text("Voter : 3 points")
    for n in (1, 2, 3):
        fingers.tap(*item_centre(tablet, "sol-desk"))
        expect(mine).to_have_text(str(n))
        expect(theirs).to_have_text(str(n))  # live on the laptop
        expect(facilitator.locator('.item[data-id="sol-desk"] .dot')).to_have_count(n)
    expect(tablet.locator("#vote-mode")).to_contain_text("Voter : plus de points")
    # French says "0 point"; core/i18n.js countOf writes "0 points" (its plural rule is n === 1)
    expect(tablet.locator("#actionbar .dots-left")).to_have_text(re.compile(r"^Il vous reste 0 points?$"))
    settled(tablet)

    fingers.tap(*item_centre(tablet, "sol-desk"))  # a fourth: refused on the page, nothing sent
    expect(tablet.locator("#toasts")).to_contain_text("Vous n'avez plus de points.")
    assert tablet.evaluate("() => window.fresque.store.pendingCount") == 0
    expect(mine).to_have_text("3")
    assert export(app, ws.board, ws.token)["votes"]["totals"] == [{"item": "sol-desk", "count": 3}]

    tablet.locator("#actionbar").get_by_role("button", name="Reprendre un point").tap()
    expect(theirs).to_have_text("2")
    expect(tablet.locator("#vote-mode")).to_contain_text("Voter : 1 point")
    settled(tablet)
    assert export(app, ws.board, ws.token)["votes"]["totals"] == [{"item": "sol-desk", "count": 2}]


# -- 6. language --------------------------------------------------------------------------------------------


def test_arabic_in_place_right_to_left_with_the_catalogue_labels(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, facilitator = workshop
    seed(app, ws.board, ws.token, [activity("act-work", "go-to-work", "mon", "morning", 170, 120)])
    phone = devices.resident(ws, PHONE, "Amina", "green")
    catalogue = httpx.get(f"{app.base_url}/api/pictograms", timeout=10).json()
    label = {e["id"]: e["labels"]["ar"] for e in catalogue["activities"]}
    arabic = json.loads((REPO / "frontend/static/i18n/ar.json").read_text())
    expect(phone.locator(".grid-head.day-mon")).to_have_text("Lundi")
    phone.evaluate("() => { window.samePage = true; window.fresque.connection.socket.sameSocket = true; }")

    choose_language(phone, "العربية")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("html")).to_have_attribute("lang", "ar")
    for day in ("mon", "tue", "wed", "thu", "fri", "weekend"):
        expect(phone.locator(f".grid-head.day-{day}")).to_have_text(arabic[f"board.day.{day}"])
    expect(phone.locator(".grid-label.slot-morning")).to_have_text(arabic["board.slot.morning"])
    pictograms = phone.locator(".palette-list .pictogram")
    expect(pictograms.first).to_have_accessible_name(label["go-to-work"])
    shown = pictograms.evaluate_all(
        "(els) => els.map((e) => [e.dataset.entry, e.querySelector('.label').textContent])"
    )
    assert len(shown) >= 2 and all(text == label[entry] for entry, text in shown), shown
    expect(phone.locator('.item[data-id="act-work"] .label')).to_have_text(label["go-to-work"])
    expect(phone.locator("#status")).to_have_text(arabic["board.status.connected"])
    expect(phone.locator("#vote-mode")).to_have_accessible_name(arabic["board.vote.mode"].replace("{n}", "3"))
    # no reload, the same socket; and the week still reads Monday → weekend from the left
    assert phone.evaluate(
        "() => window.samePage === true && window.fresque.connection.socket.sameSocket === true"
    )
    mon = phone.locator(".grid-head.day-mon").bounding_box()
    tue = phone.locator(".grid-head.day-tue").bounding_box()
    assert mon is not None and tue is not None and mon["x"] < tue["x"]
    # the language is this browser's: the laptop still shows French
    expect(facilitator.locator(".grid-head.day-mon")).to_have_text("Lundi")
    expect(facilitator.locator("html")).to_have_attribute("dir", "ltr")


# -- 7. offline ---------------------------------------------------------------------------------------------


def test_offline_changes_are_kept_shown_and_sent_when_the_network_comes_back(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, facilitator = workshop
    phone = devices.resident(ws, PHONE, "Amina", "green")
    home = activity("act-home", "go-to-work", "mon", "morning", 170, 120)
    seed(app, ws.board, session_token(phone), [home])  # Amina's own: only she (or a facilitator) moves it
    tablet = devices.resident(ws, TABLET, "Karim", "blue")
    fingers = Fingers(phone)
    status = phone.locator("#status")

    # The network goes. The page hears "offline" and drops its socket; what keeps it from coming back is the
    # network (its new sockets fail), not the page giving up: it keeps trying (checked below).
    phone.context.set_offline(True)
    expect(status).to_have_attribute("data-status", "offline")
    expect(status).to_contain_text("Hors ligne")

    # three changes: place, move, note
    picto = phone.locator('.pictogram[data-entry="training"]')
    picto.tap()
    fingers.tap(*cell_centre(phone, "tue", "morning"))
    placed = the_item(phone, "it.ref === 'training'")
    expect(picto).to_have_attribute("aria-pressed", "false")  # placed: one copy per tap on the pictogram
    start, end = touch_points(phone, item_selector("act-home"), cell_selector("tue", "afternoon"))
    fingers.drag([start], [end])
    wait_items_like(phone, {"act-home": {"cell": {"day": "tue", "slot": "afternoon"}}})
    phone.locator("#add-note").tap()
    phone.locator("#sheet textarea").fill("Rendez-vous CAF jeudi 🙂")
    phone.locator("#sheet").get_by_role("button", name="Valider").tap()
    note = the_item(phone, "it.kind === 'note'")
    expect(status).to_have_attribute("data-status", "offline")
    expect(status.locator(".status-waiting")).to_have_text("3 changements en attente, gardés ici")
    expect(phone.locator(".item")).to_have_count(3)

    # meanwhile the tablet adds its own
    tablet.locator('.pictogram[data-entry="french-classes"]').tap()
    Fingers(tablet).tap(*cell_centre(tablet, "weekend", "evening"))
    theirs = the_item(tablet, "it.ref === 'french-classes'")
    settled(tablet)
    # the phone kept trying, and nothing of it got through
    phone.wait_for_function(
        "() => window.fresque.connection.attempt >= 2 && !window.fresque.connection.ready"
    )
    kept = export_items(app, ws.board, ws.token)
    assert set(kept) == {"act-home", theirs["id"]}
    assert kept["act-home"]["cell"] == {"day": "mon", "slot": "morning"}
    expect(phone.locator(f'.item[data-id="{theirs["id"]}"]')).to_have_count(0)

    # back online: the three devices converge, and the server has everything
    phone.context.set_offline(False)
    expect(status).to_have_attribute("data-status", "connected")
    settled(phone)
    expect(status.locator(".status-waiting")).to_have_count(0)
    mine = plain(items(phone))
    assert set(mine) == {"act-home", placed["id"], note["id"], theirs["id"]}
    assert mine["act-home"]["cell"] == {"day": "tue", "slot": "afternoon"}
    assert mine[note["id"]]["text"] == "Rendez-vous CAF jeudi 🙂"
    for other in (tablet, facilitator):
        wait_items_like(other, mine)
        assert plain(items(other)) == mine
        expect(other.locator(".item")).to_have_count(4)
    assert plain(export_items(app, ws.board, ws.token)) == mine
    expect(phone.locator(".item")).to_have_count(4)

    # and after a reload, everything is still there
    phone.reload()
    wait_connected(phone)
    assert plain(items(phone)) == mine
    expect(phone.locator(".item")).to_have_count(4)
    expect(phone.locator(f'.item[data-id="{note["id"]}"] .text')).to_have_text("Rendez-vous CAF jeudi 🙂")


def test_a_change_made_without_the_server_survives_a_reload_and_arrives_later(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    """The page loads, but its socket cannot reach the board (say a proxy drops it): the change waits in the
    browser's storage through a reload, and is sent once the socket gets through again."""
    ws, facilitator = workshop
    phone = devices.open(PHONE)
    cut = {"on": False}
    through: list[WebSocketRoute] = []

    def board_socket(route: WebSocketRoute) -> None:
        if cut["on"]:
            route.close(code=1011, reason="unreachable")
        else:
            route.connect_to_server()
            through.append(route)

    phone.context.route_web_socket(re.compile(r"/ws/boards/"), board_socket)
    join_through_the_page(phone, app, ws.code, "Amina", "green")
    status = phone.locator("#status")

    cut["on"] = True
    through[-1].close()
    expect(status).to_have_attribute("data-status", "reconnecting")
    phone.locator('.pictogram[data-entry="go-to-work"]').tap()
    Fingers(phone).tap(*cell_centre(phone, "tue", "evening"))
    placed = the_item(phone, "it.ref === 'go-to-work'")
    expect(status.locator(".status-waiting")).to_have_text("1 changement en attente, gardé ici")

    phone.reload()
    expect(phone.locator("body")).to_have_attribute("data-ready", "true")
    expect(phone.locator(f'.item[data-id="{placed["id"]}"]')).to_have_count(1)
    expect(status.locator(".status-waiting")).to_have_text("1 changement en attente, gardé ici")
    assert phone.evaluate("() => window.fresque.store.pendingCount") == 1
    assert export(app, ws.board, ws.token)["items"] == []

    cut["on"] = False  # the page's next try gets through (its back-off is short: it just started)
    expect(status).to_have_attribute("data-status", "connected", timeout=15_000)
    settled(phone)
    kept = export_items(app, ws.board, ws.token)
    assert list(kept) == [placed["id"]]
    assert kept[placed["id"]]["cell"] == {"day": "tue", "slot": "evening"}
    wait_items_like(facilitator, {placed["id"]: {"cell": {"day": "tue", "slot": "evening"}}})


# -- 8. keyboard --------------------------------------------------------------------------------------------

FOCUSED = """() => {
    const a = document.activeElement;
    return {day: a.dataset.day ?? null, slot: a.dataset.slot ?? null, id: a.dataset.id ?? null};
}"""


def press_until(page: Page, key: str, wanted: Callable[[dict[str, Any]], bool], limit: int = 60) -> None:
    for _ in range(limit):
        page.keyboard.press(key)
        if wanted(page.evaluate(FOCUSED)):
            return
    raise AssertionError(f"{key} × {limit} never reached the wanted element")


def test_the_keyboard_places_an_activity_and_moves_it(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, facilitator = workshop
    laptop = devices.resident(ws, LAPTOP, "Nour", "purple")
    picto = laptop.locator('.pictogram[data-entry="training"]')
    picto.focus()
    laptop.keyboard.press("Enter")
    expect(picto).to_have_attribute("aria-pressed", "true")
    # back from the palette to the week (the cells come before it), to Thursday afternoon
    press_until(laptop, "Shift+Tab", lambda f: (f["day"], f["slot"]) == ("thu", "afternoon"))
    # someone arrives meanwhile: the page fetches who they are and redraws names and colours…
    devices.resident(ws, PHONE, "Amina", "green")
    green = next(c["hex"] for c in bootstrap(laptop)["palette"] if c["id"] == "green")
    laptop.wait_for_function(
        """(hex) => [...document.querySelectorAll('#presence .person')].some((p) =>
            p.textContent.includes('Amina') && p.style.getPropertyValue('--author') === hex)""",
        arg=green,
    )
    # …and the keyboard's focus is still on the cell
    assert laptop.evaluate(FOCUSED) == {"day": "thu", "slot": "afternoon", "id": None}
    laptop.keyboard.press("Enter")
    placed = the_item(laptop, "it.ref === 'training'")
    assert placed["cell"] == {"day": "thu", "slot": "afternoon"}

    # Tab on to the new card, then arrows: 20 world units a press, down into the evening row. The card stays
    # whole inside its box (it never straddles two): held at the afternoon's bottom edge (y 418), the next
    # press takes it into the evening's top (542), then on 20 a press.
    press_until(laptop, "Tab", lambda f: f["id"] == placed["id"])
    for key in ["ArrowRight"] * 3 + ["ArrowDown"] * 7:
        laptop.keyboard.press(key)
        assert laptop.evaluate(FOCUSED)["id"] == placed["id"]  # the focus stays on the card it moves
    assert placed["y"] == 360  # slotPosition's first place in the afternoon row (56 + 240 + 64)
    want = {"x": placed["x"] + 60, "y": 602, "cell": {"day": "thu", "slot": "evening"}}
    wait_items_like(laptop, {placed["id"]: want})
    settled(laptop)
    wait_items_like(facilitator, {placed["id"]: want})
    item_in_cell_on_screen(facilitator, placed["id"], "thu", "evening")
    kept = export_items(app, ws.board, ws.token)[placed["id"]]
    assert (kept["ref"], kept["x"], kept["y"], kept["cell"]) == (
        "training",
        want["x"],
        want["y"],
        want["cell"],
    )

    laptop.keyboard.press("Escape")
    expect(picto).to_have_attribute("aria-pressed", "false")


# -- 9. read aloud ----------------------------------------------------------------------------------------

# Headless Chromium has no voices: give the page a French and an English one, keep what it is asked to say.
SPEECH = """(() => {
  const voice = (lang) => ({ lang, name: lang, voiceURI: lang, default: false, localService: true });
  const voices = [voice('fr-FR'), voice('en-GB')];
  window.spoken = [];
  // a plain utterance, so that it takes the fake voices
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
  window.speechSynthesis.getVoices = () => voices;
  window.speechSynthesis.speak = (u) =>
    window.spoken.push({ text: u.text, lang: u.lang, voice: u.voice.lang });
})();"""


def test_the_speaker_reads_a_pictogram_in_the_chosen_language_and_is_absent_without_a_voice(
    app: ServerProcess, workshop: tuple[Workshop, Page]
) -> None:
    _, page = workshop
    catalogue = httpx.get(f"{app.base_url}/api/pictograms", timeout=10).json()
    labels = {e["id"]: e["labels"] for e in catalogue["activities"]}
    # no voice on this device (headless Chromium): no speaker buttons that would do nothing
    expect(page.locator(".palette-list .pictogram").first).to_be_visible()
    expect(page.locator(".palette-list .speak")).to_have_count(0)

    page.add_init_script(SPEECH)
    page.reload()
    wait_connected(page)
    first = page.locator(".palette-list .palette-entry").first
    entry = first.locator(".pictogram").get_attribute("data-entry")
    assert entry is not None
    first.locator(".speak").click()
    assert page.evaluate("() => window.spoken") == [
        {"text": labels[entry]["fr"], "lang": "fr-FR", "voice": "fr-FR"}
    ]
    choose_language(page, "English")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.locator(".palette-list .palette-entry").first.locator(".speak").click()
    assert page.evaluate("() => window.spoken.at(-1)") == {
        "text": labels[entry]["en"],
        "lang": "en-GB",
        "voice": "en-GB",
    }


def test_a_resident_removed_while_offline_is_told_so_when_the_network_comes_back(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    """Removed while their phone was offline: the 4401 close never reached them, and a revoked session is
    refused at the upgrade, which a page only sees as close 1006. The page asks over HTTP, hears 401, and
    says plainly what happened instead of trying to reconnect for ever."""
    ws, _ = workshop
    phone = devices.resident(ws, PHONE, "Amina", "green")
    wait_connected(phone)
    status = phone.locator("#status")
    amina = bootstrap(phone)["me"]["participant"]
    phone.context.set_offline(True)
    expect(status).to_have_attribute("data-status", "offline")
    removed = httpx.delete(
        f"{app.base_url}/api/workshops/{ws.id}/participants/{amina}",
        headers={"Authorization": f"Bearer {ws.token}"},
    )
    assert removed.status_code == 204, removed.text
    phone.context.set_offline(False)
    expect(status).to_have_attribute("data-status", "removed")
    expect(phone.get_by_text("Vous avez été retiré·e de cet atelier par l'animation.")).to_be_visible()
    assert phone.evaluate("() => window.fresque.connection.stopped") is True
