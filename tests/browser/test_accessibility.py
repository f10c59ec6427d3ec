"""Accessibility of the pages in a real Chromium: axe-core on every page (French, and Arabic right to left),
touch targets of the board at a phone's and a wall screen's size, and user text drawn as text.

axe-core's "critical" and "serious" findings fail a test; the others are printed (pytest -s shows them).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
from helpers import LAPTOP_HD, TABLET, WAIT_MS, WALL, check_axe, context_for
from playwright.sync_api import Browser, Page, expect
from support.server import ServerProcess
from websockets.sync.client import ClientConnection, connect
from websockets.typing import Origin

PHONE = {"viewport": {"width": 360, "height": 740}, "has_touch": True, "is_mobile": True}
ITEMS = 9  # what fill_board places
TOUCH_MIN = 48  # CSS px (WCAG 2.5.5 asks 44; the project's rule is 48)

# The controls a finger uses. Board items and cells are [role=button] too.
TARGETS = "button, a[href], [role=button], [role=tab], summary, label.swatch"

# Every visible target's box, with what names it. Skips what is not shown: hidden, display none, zero-size,
# visually hidden (clipped to 1 px), outside the window (the skip link waits above it), behind a closed
# dialog; and inline text links (links inside running text).
MEASURE_TARGETS = """(selector) => {
  const out = [];
  const modal = document.querySelector('dialog[open]');
  for (const el of document.querySelectorAll(selector)) {
    if (modal && !modal.contains(el)) continue;              // inert behind an open sheet
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || el.closest('[hidden]')) continue;
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;             // not drawn, or visually hidden
    if (r.right <= 0 || r.bottom <= 0 || r.left >= innerWidth || r.top >= innerHeight) continue;
    if (el.tagName === 'A' && style.display === 'inline' && el.closest('p, li') &&
        (el.closest('p, li').textContent || '').trim() !== (el.textContent || '').trim()) continue;
    out.push({
      what: el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
            (typeof el.className === 'string' ? '.' + el.className.trim().replace(/ +/g, '.') : ''),
      name: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 40),
      inWorld: Boolean(el.closest('#world')),
      w: Math.round(r.width * 10) / 10,
      h: Math.round(r.height * 10) / 10,
    });
  }
  return out;
}"""


# -- the workshop: made through the API, filled through the board's WebSocket protocol --------------------


class Workshop:
    def __init__(self, app: ServerProcess) -> None:
        created = app.post(
            "/api/workshops",
            {"title": "Atelier Jas-de-Bouffan", "neighbourhood": "Jas-de-Bouffan", "date": "2026-12-03"},
        )
        assert created.status_code == 201, created.text
        body = created.json()
        self.app = app
        self.id: str = body["workshop"]["id"]
        self.board: str = body["board"]["id"]
        self.code: str = body["join_code"]
        self.facilitator: str = body["facilitator"]["token"]
        self.residents: dict[str, str] = {}
        self.sent = 0  # the facilitator's batches sent so far (facilitate)
        for alias, colour in (("Amina", "green"), ("Karim", "purple")):
            joined = app.post("/api/join", {"code": self.code, "alias": alias, "colour": colour})
            assert joined.status_code == 201, joined.text
            self.residents[alias] = joined.json()["token"]


class Author:
    """One participant's socket: sends a batch of ops and waits for its ack."""

    def __init__(self, ws: ClientConnection, name: str) -> None:
        self.ws = ws
        self.name = name
        self.count = 0
        ws.send(json.dumps({"type": "hello", "protocol": 1, "client": name}))
        self._wait("welcome", None)

    def _wait(self, kind: str, op_id: str | None) -> None:
        while True:
            msg = json.loads(self.ws.recv(timeout=10))
            assert msg["type"] not in ("reject", "error"), msg
            if msg["type"] == kind and (op_id is None or msg.get("op_id") == op_id):
                return

    def send(self, *ops: dict[str, Any]) -> None:
        self.count += 1
        op_id = f"{self.name}:{self.count}"
        self.ws.send(json.dumps({"type": "ops", "op_id": op_id, "ops": list(ops)}))
        self._wait("ack", op_id)


@contextlib.contextmanager
def author(app: ServerProcess, board: str, token: str, name: str) -> Iterator[Author]:
    with connect(
        app.ws_url(board),
        additional_headers={"Authorization": f"Bearer {token}"},
        origin=Origin(app.origin),
        compression=None,
        open_timeout=10,
    ) as ws:
        yield Author(ws, name)


def fill_board(shop: Workshop) -> None:
    """Activities in three cells, a touch point, two difficulties (one in Arabic), solutions with votes,
    threads between them, a note: each kind of card the board draws."""
    with contextlib.ExitStack() as stack:
        amina = stack.enter_context(author(shop.app, shop.board, shop.residents["Amina"], "amina"))
        karim = stack.enter_context(author(shop.app, shop.board, shop.residents["Karim"], "karim"))
        _fill(amina, karim)


def activity(ident: str, ref: str, x: float, y: float, day: str, slot: str) -> dict[str, Any]:
    cell = {"day": day, "slot": slot}
    return {"op": "item.create", "id": ident, "kind": "activity", "x": x, "y": y, "ref": ref, "cell": cell}


def card(ident: str, kind: str, x: float, y: float, **fields: Any) -> dict[str, Any]:
    return {"op": "item.create", "id": ident, "kind": kind, "x": x, "y": y, **fields}


def thread(source: str, target: str) -> dict[str, Any]:
    return {"op": "thread.create", "id": f"th-{source}-{target}", "source": source, "target": target}


def vote(item: str) -> dict[str, Any]:
    return {"op": "vote.add", "item": item}


def _fill(amina: Author, karim: Author) -> None:
    amina.send(
        activity("act-school", "school-run", 170, 76, "mon", "morning"),
        activity("act-caf", "caf-procedures", 470, 76, "tue", "morning"),
        card("tp-caf", "touchpoint", 420, 886, ref="caf"),
        thread("act-caf", "tp-caf"),
        card("dif-login", "difficulty", 420, 1164, ref="lost-login", severity="bloque", text="Code oublié"),
        thread("tp-caf", "dif-login"),
        card("dif-read", "difficulty", 130, 1164, ref="reading-french", severity="difficile", text="صعب"),
        thread("act-school", "dif-read"),
    )
    karim.send(
        activity("act-bank", "bank", 1070, 316, "thu", "afternoon"),
        card("sol-desk", "solution", 420, 1442, ref="digital-help-desk"),
        thread("dif-login", "sol-desk"),
        card("sol-peers", "solution", 130, 1442, text="Un voisin qui aide le samedi"),
        thread("dif-read", "sol-peers"),
        card("note-one", "note", 760, 1164, text="On en reparle mardi"),
        vote("sol-desk"),
        vote("sol-desk"),
    )
    amina.send(vote("sol-desk"), vote("sol-peers"))


# -- browsers ----------------------------------------------------------------------------------------------


@pytest.fixture
def shop(app: ServerProcess) -> Workshop:
    return Workshop(app)


def open_board(page: Page, app: ServerProcess, board: str, items: int = 0) -> None:
    page.goto(f"{app.base_url}/boards/{board}")
    expect(page.locator("body")).to_have_attribute("data-ready", "true", timeout=WAIT_MS)
    expect(page.locator("#status")).to_have_attribute("data-status", "connected", timeout=WAIT_MS)
    if items:
        expect(page.locator("#world .item")).to_have_count(items, timeout=WAIT_MS)
    page.wait_for_timeout(150)  # one animation frame or two: the redraw after the welcome


def select(page: Page, item: str) -> None:
    """Select a card the keyboard's way (it works wherever the card is, in sight or not)."""
    page.locator(f".item[data-id='{item}']").focus()
    page.keyboard.press("Enter")
    expect(page.locator("#actionbar")).to_be_visible()


# -- axe-core ----------------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_landing_join_and_facilitator_pages_pass_axe(
    browser: Browser, app: ServerProcess, shop: Workshop, axe: Any, lang: str
) -> None:
    for device in (PHONE, WALL):
        with context_for(browser, app, device, lang) as visitor:
            page = visitor.new_page()
            page.goto(f"{app.base_url}/")
            expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
            check_axe(axe, page, f"landing {lang}")
            page.locator("summary.choice-summary").click()  # the creation form, opened
            check_axe(axe, page, f"landing, create open {lang}")
            page.goto(f"{app.base_url}/j/{shop.code}")
            expect(page.locator("#join-form")).to_be_visible()
            check_axe(axe, page, f"join step 2 {lang}")
            page.locator(".alias-button").first.click()
            page.locator("label.swatch").nth(2).click()
            check_axe(axe, page, f"join step 2, chosen {lang}")
            page.goto(f"{app.base_url}/join?code=NOPE-NOPE")
            expect(page.locator("#code-error")).to_be_visible()
            check_axe(axe, page, f"join step 1, unknown code {lang}")
        with context_for(browser, app, device, lang, shop.facilitator) as facilitator:
            page = facilitator.new_page()
            page.goto(f"{app.base_url}/workshops/{shop.id}")
            expect(page.locator("#people .person-row")).to_have_count(3)  # the facilitator, Amina, Karim
            check_axe(axe, page, f"facilitator {lang}")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_console_with_its_people_and_the_sign_in_pages_pass_axe(
    browser: Browser, app: ServerProcess, shop: Workshop, axe: Any, lang: str
) -> None:
    """The console at work: someone here on a phone, someone on paper, a rename open, a sign-in link made,
    the remove dialog; then a sign-in link's page, and the page of a link already used."""
    paper = app.post(
        f"/api/workshops/{shop.id}/hosted", {"alias": "Fatima", "kind": "paper"}, shop.facilitator
    )
    assert paper.status_code == 201, paper.text
    with connect(
        app.ws_url(shop.board),
        additional_headers={"Authorization": f"Bearer {shop.residents['Karim']}"},
        origin=Origin(app.origin),
        compression=None,
        open_timeout=10,
    ) as karim:
        karim.send(json.dumps({"type": "hello", "protocol": 1, "client": "karim", "device": "phone"}))
        for device in (PHONE, WALL):
            with context_for(browser, app, device, lang, shop.facilitator) as facilitator:
                page = facilitator.new_page()
                page.goto(f"{app.base_url}/workshops/{shop.id}")
                expect(page.locator("#people .presence-here")).to_have_count(1)
                expect(page.locator("#people .people-hosted .person-row")).to_have_count(1)
                check_axe(axe, page, f"console, people {lang}")
                page.locator("#people [data-focus-key$=':rename']").first.click()
                page.locator("#sign-in-projector button[type=submit]").click()
                expect(page.locator("#sign-in-result")).to_be_visible()
                check_axe(axe, page, f"console, rename open, a link made {lang}")
                page.locator("#people [data-focus-key$=':remove']").first.click()
                expect(page.locator("#remove-dialog")).to_be_visible()
                check_axe(axe, page, f"console, remove dialog {lang}")
                link = page.locator("#sign-in-link").input_value()
            with context_for(browser, app, device, lang) as screen:
                page = screen.new_page()
                page.goto(link)
                check_axe(axe, page, f"sign-in page {lang}")
                page.locator("#sign-in-enter").click()
                page.wait_for_url("**/boards/*")
                page.goto(link)
                expect(page.locator("h1")).to_be_visible()
                check_axe(axe, page, f"sign-in link used {lang}")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_board_passes_axe_empty_full_selected_and_with_a_sheet_open(
    browser: Browser, app: ServerProcess, shop: Workshop, axe: Any, lang: str
) -> None:
    with context_for(browser, app, TABLET, lang, shop.residents["Amina"]) as context:
        page = context.new_page()
        open_board(page, app, shop.board)
        check_axe(axe, page, f"board, empty {lang}")

        fill_board(shop)
        open_board(page, app, shop.board, items=ITEMS)
        check_axe(axe, page, f"board, full {lang}")

        select(page, "act-school")
        check_axe(axe, page, f"board, activity selected {lang}")
        select(page, "sol-desk")  # a solution: its votes and the vote buttons
        check_axe(axe, page, f"board, solution selected {lang}")

        select(page, "act-caf")
        page.locator("#actionbar .action.pull").first.click()  # pull a thread: which difficulty?
        expect(page.locator("#sheet[open] .choice").first).to_be_visible()
        check_axe(axe, page, f"board, difficulty sheet {lang}")
        page.locator("#sheet .choice").first.click()
        expect(page.locator("#sheet[open] .face-choice").first).to_be_visible()
        check_axe(axe, page, f"board, severity sheet {lang}")
        page.locator("#sheet .face-choice").first.click()
        expect(page.locator("#sheet[open] textarea")).to_be_visible()
        check_axe(axe, page, f"board, words sheet {lang}")
        page.keyboard.press("Escape")
        expect(page.locator("#sheet")).not_to_have_attribute("open", "")

        page.locator("#vote-mode").click()
        check_axe(axe, page, f"board, vote mode {lang}")


# -- touch targets -----------------------------------------------------------------------------------------


def board_states(page: Page) -> Iterator[str]:
    """The board's screens, one after the other: plain, a card selected, a sheet open."""
    yield "plain"
    page.locator(".palette-tab").nth(1).click()
    yield "another palette tab"
    select(page, "sol-desk")
    yield "a solution selected"
    select(page, "act-school")
    yield "an activity selected"
    page.locator("#actionbar .action.pull").first.click()
    expect(page.locator("#sheet[open] .choice").first).to_be_visible()
    yield "the difficulty sheet"
    page.keyboard.press("Escape")


def measure(page: Page) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(MEASURE_TARGETS, TARGETS)
    return found


def too_small(found: list[dict[str, Any]]) -> list[str]:
    return [f"{t['what']} «{t['name']}» {t['w']}×{t['h']}" for t in found if min(t["w"], t["h"]) < TOUCH_MIN]


@pytest.mark.parametrize("device", [PHONE, WALL], ids=["phone-360x740", "wall-1920x1080"])
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_every_control_of_the_board_is_at_least_48_px(
    browser: Browser, app: ServerProcess, shop: Workshop, axe: Any, device: dict[str, Any], lang: str
) -> None:
    """…and axe-core at that size too (what wraps, scrolls or hides differs from the tablet's)."""
    fill_board(shop)
    with context_for(browser, app, device, lang, shop.residents["Amina"]) as context:
        page = context.new_page()
        open_board(page, app, shop.board, items=ITEMS)
        problems = []
        for state in board_states(page):
            check_axe(axe, page, f"board, {state}, {device['viewport']['width']} px, {lang}")
            found = [t for t in measure(page) if not t["inWorld"]]
            assert found, f"no control found in state {state!r}"
            problems += [f"{state}: {p}" for p in too_small(found)]
        assert not problems, "touch targets under 48×48 CSS px:\n" + "\n".join(problems)


@pytest.mark.parametrize("device", [PHONE, WALL], ids=["phone-360x740", "wall-1920x1080"])
def test_the_cards_on_the_board_are_at_least_48_px_at_the_first_zoom(
    browser: Browser, app: ServerProcess, shop: Workshop, device: dict[str, Any]
) -> None:
    fill_board(shop)
    with context_for(browser, app, device, "fr", shop.residents["Amina"]) as context:
        page = context.new_page()
        open_board(page, app, shop.board, items=ITEMS)
        found = [t for t in measure(page) if t["inWorld"]]
        assert found
        problems = too_small(found)
        assert not problems, "cards under 48×48 CSS px at the first zoom:\n" + "\n".join(problems)


# -- user text is text -------------------------------------------------------------------------------------


def test_a_note_that_looks_like_html_is_shown_as_text_and_runs_nothing(
    browser: Browser, app: ServerProcess, shop: Workshop
) -> None:
    payload = "<img src=x onerror=alert(1)>"
    with context_for(browser, app, TABLET, "fr", shop.residents["Amina"]) as context:
        page = context.new_page()
        dialogs: list[str] = []
        page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        open_board(page, app, shop.board)
        page.locator("#add-note").click()
        area = page.locator("#sheet[open] textarea")
        expect(area).to_be_visible()
        area.fill(payload)
        page.locator("#sheet .sheet-actions .primary").click()
        note = page.locator("#world .item.kind-note")
        expect(note).to_have_count(1)
        expect(note.locator(".text")).to_have_text(payload)
        assert note.locator("img").count() == 0
        assert page.locator("img[src='x']").count() == 0
        # It reached the server as it was typed, and another screen draws it as text too.
        expect(page.locator("#status")).to_have_attribute("data-status", "connected")
        with context_for(browser, app, PHONE, "ar", shop.residents["Karim"]) as other:
            page2 = other.new_page()
            open_board(page2, app, shop.board, items=1)
            expect(page2.locator("#world .item.kind-note .text")).to_have_text(payload)
            assert page2.locator("img[src='x']").count() == 0
            label = page2.locator("#world .item.kind-note").get_attribute("aria-label") or ""
            assert payload in label
        page.wait_for_timeout(300)
        assert dialogs == [], f"the note's text ran as code: {dialogs}"


# -- facilitation: the facilitator's bar, a phase with its timer, table mode, the projector ----------------


def facilitate(shop: Workshop, *ops: dict[str, Any]) -> None:
    """The facilitator's ops from a socket of their own: setting the scene the pages are checked in."""
    shop.sent += 1  # each its own op_id: the server takes an op_id it has seen for a resend, and ignores it
    with author(shop.app, shop.board, shop.facilitator, f"facilitator{shop.sent}") as me:
        me.send(*ops)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_facilitators_board_with_the_bar_open_a_phase_and_its_timer_passes_axe(
    browser: Browser, app: ServerProcess, shop: Workshop, axe: Any, lang: str
) -> None:
    fill_board(shop)
    for device in (LAPTOP_HD, WALL):
        with context_for(browser, app, device, lang, shop.facilitator) as context:
            page = context.new_page()
            open_board(page, app, shop.board, items=ITEMS)
            bar = page.locator("#facilitator-bar")
            expect(bar.locator(".fac-toggle")).to_have_attribute("aria-expanded", "true")
            check_axe(axe, page, f"board, facilitator's bar open, {device['viewport']['width']} px, {lang}")
            # a phase, its timer running, votes hidden, follow-me on: the banner and the bar's pressed toggles
            bar.locator(".fac-preset.preset-10").click()
            facilitate(shop, {"op": "board.update", "phase": "vote", "votes_hidden": True, "follow": True})
            expect(page.locator("#phase-banner .phase-timer")).to_have_attribute("data-state", "running")
            expect(page.locator("#phase-banner")).to_be_visible()
            check_axe(axe, page, f"board, facilitator, phase + timer, {lang}")
            select(page, "sol-desk")  # the facilitator's actions on a card
            check_axe(axe, page, f"board, facilitator, a card selected, {lang}")
            facilitate(shop, {"op": "board.update", "phase": None, "votes_hidden": False, "follow": False})
            facilitate(shop, {"op": "timer.set", "action": "clear"})


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_residents_board_in_a_phase_with_the_timer_running_passes_axe(
    browser: Browser, app: ServerProcess, shop: Workshop, axe: Any, lang: str
) -> None:
    fill_board(shop)
    facilitate(
        shop,
        {"op": "board.update", "phase": "week", "follow": True},
        {"op": "timer.set", "action": "start", "seconds": 600},
    )
    for device in (PHONE, TABLET):
        with context_for(browser, app, device, lang, shop.residents["Amina"]) as context:
            page = context.new_page()
            open_board(page, app, shop.board, items=ITEMS)
            expect(page.locator("#phase-banner .phase-timer")).to_have_attribute("data-state", "running")
            expect(page.locator(".follow-chip")).to_be_visible()
            check_axe(axe, page, f"board, phase + timer + follow, {device['viewport']['width']} px, {lang}")
    facilitate(shop, {"op": "board.update", "phase": "welcome"})  # tools closed: the board alone
    with context_for(browser, app, PHONE, lang, shop.residents["Karim"]) as context:
        page = context.new_page()
        open_board(page, app, shop.board, items=ITEMS)
        expect(page.locator("#palette")).to_be_hidden()
        check_axe(axe, page, f"board, welcome phase (tools closed), {lang}")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_board_in_table_mode_with_two_member_chips_passes_axe(
    browser: Browser, app: ServerProcess, shop: Workshop, axe: Any, lang: str
) -> None:
    table = app.post("/api/join", {"code": shop.code, "alias": "Table 1", "colour": "orange"})
    assert table.status_code == 201, table.text
    with context_for(browser, app, WALL, lang, table.json()["token"]) as context:
        page = context.new_page()
        open_board(page, app, shop.board)
        page.locator("#table-mode").click()
        sheet = page.locator("#sheet")
        expect(sheet).to_be_visible()
        check_axe(axe, page, f"board, table mode, « add a person » sheet, {lang}")
        for alias, colour in (("Amina", "green"), ("Karim", "blue")):
            if not sheet.is_visible():
                page.locator(".table-add").first.click()
            expect(sheet).to_be_visible()
            sheet.locator(".table-name").fill(alias)
            sheet.locator(f"label.swatch.colour-{colour}").click()
            sheet.locator(".sheet-actions .primary").click()
            expect(sheet).to_be_hidden()
        expect(page.locator("#table-strip .table-chip")).to_have_count(2)
        check_axe(axe, page, f"board, table mode, two chips, {lang}")
        page.locator("#vote-mode").click()
        check_axe(axe, page, f"board, table mode, voting, {lang}")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_projector_view_passes_axe(
    browser: Browser, app: ServerProcess, shop: Workshop, axe: Any, lang: str
) -> None:
    fill_board(shop)
    facilitate(
        shop,
        {"op": "board.update", "phase": "threads"},
        {"op": "timer.set", "action": "start", "seconds": 900},
    )
    with context_for(browser, app, WALL, lang, shop.facilitator) as context:
        page = context.new_page()
        page.goto(f"{app.base_url}/boards/{shop.board}?view=projector")
        expect(page.locator("body")).to_have_attribute("data-ready", "true")
        expect(page.locator("#status")).to_have_attribute("data-status", "connected")
        expect(page.locator("#world .item")).to_have_count(ITEMS)
        expect(page.locator("#projector-join .projector-qr")).to_be_visible()
        expect(page.locator("#phase-banner .phase-timer")).to_have_attribute("data-state", "running")
        check_axe(axe, page, f"projector, {lang}")


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_removed_message_passes_axe(
    browser: Browser, app: ServerProcess, shop: Workshop, axe: Any, lang: str
) -> None:
    with context_for(browser, app, PHONE, lang, shop.residents["Karim"]) as context:
        page = context.new_page()
        open_board(page, app, shop.board)
        karim = page.evaluate(
            "() => JSON.parse(document.getElementById('bootstrap').textContent).me.participant"
        )
        removed = httpx.delete(
            f"{app.base_url}/api/workshops/{shop.id}/participants/{karim}",
            headers={"Authorization": f"Bearer {shop.facilitator}"},
            timeout=10,
        )
        assert removed.status_code in (200, 204), removed.text
        expect(page.locator("#ended")).to_be_visible()
        expect(page.locator("#status")).to_have_attribute("data-status", "removed")
        check_axe(axe, page, f"board, removed, {lang}")
