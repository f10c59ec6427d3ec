"""A shared touch table and follow-me, end to end, in Chromium on a real Fresque server.

- A touch table (1920×1080) turns « Mode table » on, adds two residents through its own sheet, and each
  places a pictogram and votes as themselves: the pushes carry `as`, the server keeps two authors and two
  separate vote budgets (the export says so).
- A facilitator turns "follow me" on and moves their view: a remote phone fits its view to the facilitator's,
  the table in table mode does not move, and the phone can stop following and start again.

Acting is done through the pages (touch through the DevTools protocol, the real join page); only setting
the scene (an idea to vote on, "follow me" when the facilitator bar is not what is tested) goes through a
socket of its own (helpers.seed).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from helpers import (
    PHONE,
    TABLET,
    WALL,
    Devices,
    Fingers,
    Workshop,
    add_person,
    cell_centre,
    export,
    idea,
    item_centre,
    seed,
    settled,
    wait_centred_on,
)
from playwright.sync_api import Page, expect
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(150)


def named(alias: str, rest: str) -> str:
    """A sentence with a name in it, as the page writes it: the name isolated (FSI … PDI) for bidi."""
    return f"\u2068{alias}\u2069{rest}"


def me(page: Page) -> str:
    boot: dict[str, Any] = page.evaluate("() => JSON.parse(document.getElementById('bootstrap').textContent)")
    return str(boot["me"]["participant"])


def world_rect(page: Page) -> dict[str, float]:
    """The world rectangle the page's board shows."""
    rect: dict[str, float] = page.evaluate(
        """() => {
            const r = document.getElementById('viewport').getBoundingClientRect();
            const v = window.fresque.view;
            return {x: -v.x / v.scale, y: -v.y / v.scale, w: r.width / v.scale, h: r.height / v.scale};
        }"""
    )
    return rect


def centre(rect: dict[str, float]) -> tuple[float, float]:
    return rect["x"] + rect["w"] / 2, rect["y"] + rect["h"] / 2


# -- 1. the table -------------------------------------------------------------------------------------------


def test_two_residents_at_one_touch_table_place_and_vote_each_as_themselves(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, facilitator = workshop
    seed(
        app,
        ws.board,
        ws.token,
        [idea("sol-desk")],
    )
    table = devices.resident(ws, WALL, "Table 1", "orange")
    fingers = Fingers(table)
    sent: list[dict[str, Any]] = []
    table.on("websocket", lambda ws_: ws_.on("framesent", lambda payload: sent.append(json.loads(payload))))

    # the toggle is there, and turning it on asks for the first person at once
    toggle = table.locator("#table-mode")
    expect(toggle).to_have_attribute("aria-pressed", "false")
    toggle.tap()
    expect(toggle).to_have_attribute("aria-pressed", "true")
    expect(table.locator("#table-strip")).to_be_visible()
    amina = add_person(table, "Amina", "green")
    expect(table.locator(".table-active .text")).to_have_text(named("Amina", " pose"))

    # Amina places "going to work" by tap-tap
    work = table.locator('.pictogram[data-entry="go-to-work"]')
    work.tap()
    fingers.tap(*cell_centre(table, "mon", "morning"))
    expect(table.locator(f'.table-chip[data-person="{amina}"] .count-activities')).to_have_text("1 activité")

    # Karim joins the table and places "shopping" with a touch drag
    table.locator(".table-add").first.tap()
    karim = add_person(table, "Karim", "blue")
    assert karim != amina
    expect(table.locator(".table-active .text")).to_have_text(named("Karim", " pose"))
    start = table.locator('.pictogram[data-entry="go-to-work"]').bounding_box()
    assert start is not None
    fingers.drag(
        [(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)],
        [cell_centre(table, "tue", "evening")],
        steps=15,
    )
    expect(table.locator(f'.table-chip[data-person="{karim}"] .count-activities')).to_have_text("1 activité")
    settled(table)

    # the cards show in their makers' colours, on the facilitator's laptop too
    expect(facilitator.locator(".item.kind-activity")).to_have_count(2)
    facilitator.wait_for_function(
        """() => {
            const colours = [...document.querySelectorAll('.item.kind-activity')]
                .map((el) => el.style.getPropertyValue('--author').toUpperCase()).sort();
            return JSON.stringify(colours) === JSON.stringify(['#1565C0', '#2E7D32']);
        }"""
    )  # Karim's blue, Amina's green

    # votes: Amina gives 3 dots (her whole budget), Karim 2 of his
    table.locator("#vote-mode").tap()
    table.locator(f'.table-chip[data-person="{amina}"]').tap()
    expect(table.locator(".table-active .text")).to_have_text(named("Amina", " : 3 points"))
    for n in (1, 2, 3):
        fingers.tap(*item_centre(table, "sol-desk"))
        expect(table.locator('.item[data-id="sol-desk"] .dots .total')).to_have_text(str(n))
    expect(table.locator(".table-active .text")).to_have_text(named("Amina", " : 0 point"))
    table.locator(f'.table-chip[data-person="{karim}"]').tap()
    expect(table.locator(".table-active .text")).to_have_text(
        named("Karim", " : 3 points")
    )  # his own budget, untouched
    for n in (4, 5):
        fingers.tap(*item_centre(table, "sol-desk"))
        expect(table.locator('.item[data-id="sol-desk"] .dots .total')).to_have_text(str(n))
    expect(table.locator(f'.table-chip[data-person="{karim}"] .count-dots')).to_have_text("1 point")
    settled(table)

    # every push was made as one of them
    pushes = [m for m in sent if m.get("type") == "ops"]
    assert pushes and all(m.get("as") in (amina, karim) for m in pushes), pushes
    hello = next(m for m in sent if m.get("type") == "hello")
    assert hello.get("device") == "screen"

    # what the server keeps: two authors, two budgets
    doc = export(app, ws.board, ws.token)
    authors = {item["author"] for item in doc["items"] if item["kind"] == "activity"}
    assert len(authors) == 2 and me(table) not in authors
    votes = {v["participant"]: v["count"] for v in doc["votes"]["by_participant"]}
    assert sorted(votes.values()) == [2, 3]
    assert doc["votes"]["totals"] == [{"item": "sol-desk", "count": 5}]

    # a reload keeps the table mode, the people and who is active
    table.reload()
    expect(table.locator("#table-mode")).to_have_attribute("aria-pressed", "true")
    expect(table.locator(".table-chip")).to_have_count(2)
    expect(table.locator(".table-active .text")).to_contain_text("Karim")


def test_the_first_tap_asks_who_you_are(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, _ = workshop
    table = devices.resident(ws, WALL, "Table 2", "purple")
    table.locator("#table-mode").tap()
    amina = add_person(table, "Amina", "green")
    table.locator(".table-done").tap()  # « J'ai fini »: nobody active now
    expect(table.locator(".table-chip[aria-pressed=true]")).to_have_count(0)
    table.locator('.pictogram[data-entry="go-to-work"]').tap()
    expect(table.locator("#sheet")).to_contain_text("Qui êtes-vous ?")
    table.locator(f'#sheet .table-chip[data-person="{amina}"]').tap()
    expect(table.locator(".table-active .text")).to_have_text(named("Amina", " pose"))
    expect(table.locator('.pictogram[data-entry="go-to-work"]')).to_have_attribute("aria-pressed", "true")


# -- 2. follow me -------------------------------------------------------------------------------------------


def test_a_remote_phone_follows_the_facilitator_and_the_table_does_not(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    ws, facilitator = workshop
    phone = devices.resident(ws, PHONE, "Nadia", "pink")
    table = devices.resident(ws, WALL, "Table 1", "orange")
    table.locator("#table-mode").tap()
    add_person(table, "Amina", "green")
    table_before = world_rect(table)
    phone_before = world_rect(phone)

    # "follow me" on (the facilitator's own socket, as the facilitator bar does)
    seed(app, ws.board, ws.token, [{"op": "board.update", "follow": True}], "facil-test:1")
    leader = json.dumps(me(facilitator))
    facilitator.wait_for_function(f"() => window.fresque.store.view().settings.follow === {leader}")
    chip = phone.locator(".follow-chip")
    expect(chip).to_be_visible()
    expect(chip).to_contain_text("Vous suivez")

    # the facilitator zooms in twice: the phone shows the same place
    facilitator.locator("#zoom-in").click()
    facilitator.locator("#zoom-in").click()
    lead = world_rect(facilitator)
    wait_centred_on(phone, centre(lead))
    followed = world_rect(phone)
    assert followed != phone_before
    # the phone shows all of the facilitator's rectangle (unless that would take a zoom below the minimum)
    at_min = phone.evaluate("() => window.fresque.view.scale <= window.fresque.view.minScale + 1e-9")
    assert at_min or (
        followed["x"] <= lead["x"] + 1
        and followed["y"] <= lead["y"] + 1
        and followed["x"] + followed["w"] >= lead["x"] + lead["w"] - 1
        and followed["y"] + followed["h"] >= lead["y"] + lead["h"] - 1
    ), (followed, lead)

    # the table in table mode did not move, and shows no follow chip
    assert world_rect(table) == table_before
    expect(table.locator(".follow-chip")).to_be_hidden()

    # the phone stops following: the facilitator's next move leaves it where it is
    chip.get_by_role("button", name="Arrêter").tap()
    expect(chip).to_contain_text("montre son écran")
    stopped_at = world_rect(phone)
    facilitator.locator("#zoom-out").click()
    facilitator.wait_for_timeout(400)  # the view goes out within 120 ms; nothing must arrive
    assert world_rect(phone) == stopped_at
    # and follows again
    chip.get_by_role("button", name="Suivre").tap()
    lead = world_rect(facilitator)
    wait_centred_on(phone, centre(lead))
    assert world_rect(table) == table_before

    # "follow me" off: the chip goes
    seed(app, ws.board, ws.token, [{"op": "board.update", "follow": False}], "facil-test:2")
    expect(chip).to_be_hidden()


def test_turning_table_mode_on_says_the_new_device_kind_without_showing_a_reconnection(
    app: ServerProcess, devices: Devices, workshop: tuple[Workshop, Page]
) -> None:
    """The console shows each device's kind (from `hello`): a tablet that becomes a table screen says so
    with a new hello, and its status line never says « Reconnexion… » for it (nobody should think the
    network went)."""
    ws, _ = workshop
    tablet = devices.resident(ws, TABLET, "Table 2", "orange")
    sent: list[dict[str, Any]] = []
    tablet.on("websocket", lambda ws_: ws_.on("framesent", lambda payload: sent.append(json.loads(payload))))
    status = tablet.locator("#status")
    expect(status).to_have_attribute("data-status", "connected")
    tablet.evaluate(
        """() => { window.__statuses = []; const el = document.getElementById('status');
        new MutationObserver(() => window.__statuses.push(el.dataset.status))
          .observe(el, { attributes: true, attributeFilter: ['data-status'] }); }"""
    )
    tablet.locator("#table-mode").tap()
    add_person(tablet, "Amina", "green")
    tablet.wait_for_function("() => window.fresque.connection.ready")
    hellos = [m for m in sent if m.get("type") == "hello"]
    assert [h.get("device") for h in hellos] == ["screen"], hellos
    assert "reconnecting" not in tablet.evaluate("() => window.__statuses")
    expect(status).to_have_attribute("data-status", "connected")
