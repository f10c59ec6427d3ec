"""Bugs of the exploration board found by trying it in a real room (issue 11), each checked through the page.

1. « Donner un point » in a selected idea's bar: the bar says the new count and offers « Reprendre un point »,
   in sight on a phone, and the keyboard focus stays on the button pressed.
2. A card's bar on a phone fits the screen: no button outside the 360 px, none over another, the title whole,
   and a new card's bar starts at its top.
3. The palette's tiles at 360 px: no label runs out of its tile or into the next one.
4. Tap-then-tap places one copy: the pictogram is disarmed by the placing.
5. The vote instruction names what the phone shows (the thumb), not a word the phone hides.
6. A facilitator's board has a « Console » link to the workshop's console; a resident's has none.
7. The timer's pause and the board's pause have names that say which is which (fr, en, ar).
8. Table mode: a tap on your own chip keeps you chosen; « Qui êtes-vous ? » comes before an action, not after.

Scenes are seeded through a socket (helpers.seed); what each test is about is done through the page.
"""

from __future__ import annotations

import itertools
import re
from typing import Any

import pytest
from helpers import (
    LAPTOP,
    LAPTOP_HD,
    PHONE,
    WALL,
    Devices,
    Fingers,
    activity,
    add_person,
    bar_control,
    cell_centre,
    export,
    idea,
    item_centre,
    items,
    seed,
    settled,
    wait_connected,
)
from playwright.sync_api import Page, expect
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(150)


def in_language(page: Page, lang: str) -> None:
    """Reload the page in `lang` (the ?lang= link sets the language cookie, as the switcher does)."""
    page.goto(re.sub(r"\?.*$", "", page.url) + f"?lang={lang}")
    wait_connected(page)


def boxes_of(page: Page, selector: str) -> list[dict[str, Any]]:
    """The boxes of every element matching `selector` (in one go: a redraw may replace them)."""
    result: list[dict[str, Any]] = page.evaluate(
        """(sel) => [...document.querySelectorAll(sel)].filter((el) => el.getClientRects().length)
            .map((el) => {
            const r = el.getBoundingClientRect();
            return {text: el.textContent.trim(), left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                    width: r.width, height: r.height, cls: el.className};
        })""",
        selector,
    )
    return result


def overlap(a: dict[str, Any], b: dict[str, Any], gap: float = 0) -> bool:
    """Two boxes share some area (or come closer than `gap` on both axes)."""
    return bool(
        a["left"] < b["right"] + gap
        and b["left"] < a["right"] + gap
        and a["top"] < b["bottom"] + gap
        and b["top"] < a["bottom"] + gap
    )


def seen(page: Page, within: str, text: str) -> bool:
    """The button, link or line of `within` whose text is `text` is on screen and a finger at its centre
    touches it (nothing covers it, it is not scrolled out of its bar). Asked again until it is, for a few
    seconds: a redraw may replace the element meanwhile."""
    try:
        page.wait_for_function(
            """([within, text]) => {
                const el = [...document.querySelectorAll(within + ' *')]
                    .find((e) => e.matches('button, a, p') && e.textContent.trim() === text);
                if (!el) return false;
                const r = el.getBoundingClientRect();
                const x = r.left + r.width / 2, y = r.top + r.height / 2;
                if (x < 0 || y < 0 || x > innerWidth || y > innerHeight) return false;
                const hit = document.elementFromPoint(x, y);
                return !!hit && (hit === el || el.contains(hit));
            }""",
            arg=[within, text],
            timeout=3000,
        )
    except PlaywrightTimeoutError:
        return False
    return True


# -- 1. the idea's bar after « Donner un point » -------------------------------------------------------------


def test_giving_a_dot_from_the_bar_shows_the_new_count_and_take_back_in_sight(
    app: ServerProcess, devices: Devices
) -> None:
    ws, _ = devices.facilitator_at_the_board(LAPTOP)
    seed(app, ws.board, ws.token, [idea("sol-desk")])
    phone = devices.resident(ws, PHONE, "Amina", "green")
    fingers = Fingers(phone)
    bar = phone.locator("#actionbar")

    fingers.tap(*item_centre(phone, "sol-desk"))
    expect(bar.locator(".dots-left")).to_have_text("Il vous reste 3 points")
    expect(bar.get_by_role("button", name="Reprendre un point")).to_have_count(0)
    bar.get_by_role("button", name="Donner un point").tap()
    expect(bar.locator(".dots-left")).to_have_text("Il vous reste 2 points")
    take_back = bar.get_by_role("button", name="Reprendre un point")
    expect(take_back).to_have_count(1)
    # on the phone's screen, not somewhere to the right of a bar that scrolls sideways
    assert seen(phone, "#actionbar", "Reprendre un point"), boxes_of(phone, "#actionbar > *")
    assert seen(phone, "#actionbar", "Il vous reste 2 points"), boxes_of(phone, "#actionbar > *")
    take_back.tap()
    expect(bar.locator(".dots-left")).to_have_text("Il vous reste 3 points")
    expect(take_back).to_have_count(0)
    settled(phone)
    assert export(app, ws.board, ws.token)["votes"]["totals"] == []


def test_the_keyboard_gives_two_dots_with_two_presses_the_focus_stays_on_the_button(
    app: ServerProcess, devices: Devices
) -> None:
    ws, _ = devices.facilitator_at_the_board(LAPTOP)
    seed(app, ws.board, ws.token, [idea("sol-desk")])
    laptop = devices.resident(ws, LAPTOP, "Karim", "blue")
    laptop.locator('.item[data-id="sol-desk"]').focus()
    laptop.keyboard.press("Enter")
    give = laptop.locator("#actionbar").get_by_role("button", name="Donner un point")
    give.focus()
    laptop.keyboard.press("Enter")
    expect(laptop.locator("#actionbar .dots-left")).to_have_text("Il vous reste 2 points")
    expect(give).to_be_focused()  # the bar was drawn again: the same button keeps the focus
    laptop.keyboard.press("Enter")
    expect(laptop.locator("#actionbar .dots-left")).to_have_text("Il vous reste 1 point")
    expect(laptop.locator('.item[data-id="sol-desk"] .dots .total')).to_have_text("2")


# -- 2. a card's bar on a phone ------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_cards_bar_fits_a_phone_nothing_overlaps_the_title_is_whole_and_a_new_card_starts_at_the_top(
    app: ServerProcess, devices: Devices, lang: str
) -> None:
    ws, phone = devices.facilitator_at_the_board(PHONE)  # a facilitator's bar has the most buttons
    seed(
        app,
        ws.board,
        ws.token,
        [
            activity("act-health", "health-reimbursements", "mon", "morning", 40, 100),
            activity("act-doctor", "doctor", "tue", "morning", 340, 100),
            {
                "op": "item.create",
                "id": "dif-online",
                "kind": "difficulty",
                "x": 40,
                "y": 700,
                "ref": "equipment",
                "severity": "bloque",
            },
            {"op": "thread.create", "id": "th-one", "source": "act-health", "target": "dif-online"},
        ],
    )
    in_language(phone, lang)
    fingers = Fingers(phone)
    fingers.tap(*item_centre(phone, "act-health"))
    bar = phone.locator("#actionbar")
    expect(bar).to_be_visible()
    geometry = phone.evaluate(
        """() => {
            const bar = document.getElementById('actionbar');
            const title = bar.querySelector('.bar-title');
            return {scrollWidth: bar.scrollWidth, clientWidth: bar.clientWidth,
                    title: {scrollWidth: title.scrollWidth, clientWidth: title.clientWidth,
                            scrollHeight: title.scrollHeight, clientHeight: title.clientHeight,
                            text: title.textContent}};
        }"""
    )
    parts = boxes_of(phone, "#actionbar > *")
    buttons = [p for p in parts if "action" in p["cls"].split()]
    assert len(buttons) >= 8, parts
    assert geometry["scrollWidth"] <= geometry["clientWidth"] + 1, geometry  # no sideways scrolling
    for p in parts:
        assert p["left"] >= 0 and p["right"] <= 360 + 0.5, p
    for b in buttons:
        assert b["height"] >= 48, b
    for i, a in enumerate(parts):
        for b in parts[i + 1 :]:
            assert not overlap(a, b), (a, b)
    title = geometry["title"]
    assert title["text"], title
    assert title["scrollWidth"] <= title["clientWidth"] + 1, title  # not cut: the whole name is there
    assert title["scrollHeight"] <= title["clientHeight"] + 1, title

    # scrolled down the bar, then another card: its bar starts at its top (and its start)
    phone.evaluate(
        "() => { const b = document.getElementById('actionbar'); b.scrollTop = 400; b.scrollLeft = 400; }"
    )
    scrolled = phone.evaluate("() => document.getElementById('actionbar').scrollTop")
    assert scrolled > 0, "the facilitator's bar on a phone is taller than its room: it scrolls"
    fingers.tap(*item_centre(phone, "act-doctor"))
    expect(bar.locator(".bar-title")).to_have_text(re.compile("."))
    phone.wait_for_function(
        """(before) => {
            const bar = document.getElementById('actionbar');
            return bar.querySelector('.bar-title').textContent !== before;
        }""",
        arg=title["text"],
    )
    assert phone.evaluate(
        "() => { const b = document.getElementById('actionbar'); return [b.scrollTop, b.scrollLeft]; }"
    ) == [0, 0]
    phone.screenshot(path=f"/tmp/shots-bugs/bar-phone-{lang}.png")


def test_a_cards_bar_on_a_laptop_keeps_each_buttons_words_inside_it(
    app: ServerProcess, devices: Devices
) -> None:
    ws, laptop = devices.facilitator_at_the_board(LAPTOP_HD)
    seed(
        app,
        ws.board,
        ws.token,
        [
            activity("act-health", "health-reimbursements", "mon", "morning", 40, 100),
            {
                "op": "item.create",
                "id": "dif-online",
                "kind": "difficulty",
                "x": 40,
                "y": 700,
                "ref": "equipment",
                "severity": "bloque",
            },
            {"op": "thread.create", "id": "th-one", "source": "act-health", "target": "dif-online"},
        ],
    )
    laptop.locator('.item[data-id="act-health"]').click()
    expect(laptop.locator("#actionbar")).to_be_visible()
    found = laptop.evaluate(
        """() => [...document.querySelectorAll('#actionbar .action')].map((b) => {
            const r = b.getBoundingClientRect();
            return {text: b.textContent, left: r.left, right: r.right, top: r.top, bottom: r.bottom,
                    scrollHeight: b.scrollHeight, clientHeight: b.clientHeight};
        })"""
    )
    assert len(found) >= 8, found
    for b in found:
        assert b["scrollHeight"] <= b["clientHeight"] + 1, b  # its words inside it, not over its neighbours
        assert b["bottom"] - b["top"] >= 48, b
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            assert not overlap(a, b), (a, b)


# -- 3. the palette at 360 px --------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar", "en"])
def test_palette_labels_stay_in_their_tiles_and_tiles_keep_apart_on_a_phone(
    app: ServerProcess, devices: Devices, lang: str
) -> None:
    ws, _ = devices.facilitator_at_the_board(LAPTOP)
    phone = devices.resident(ws, PHONE, "Amina", "green")
    in_language(phone, lang)
    tabs = phone.locator(".palette-tab")
    count = tabs.count()
    assert count >= 8
    for n in range(count):
        tabs.nth(n).tap()
        expect(tabs.nth(n)).to_have_attribute("aria-selected", "true")
        found = phone.evaluate(
            """() => [...document.querySelectorAll('.palette-list .pictogram')].map((tile) => {
                const t = tile.getBoundingClientRect();
                const label = tile.querySelector('.label');
                const l = label.getBoundingClientRect();
                return {text: label.textContent, left: t.left, right: t.right, top: t.top, bottom: t.bottom,
                        label: {left: l.left, right: l.right, top: l.top, bottom: l.bottom,
                                scrollWidth: label.scrollWidth, clientWidth: label.clientWidth}};
            })"""
        )
        assert found
        for tile in found:
            label = tile["label"]
            assert label["scrollWidth"] <= label["clientWidth"] + 1, tile  # no word wider than its line
            assert label["left"] >= tile["left"] - 0.5 and label["right"] <= tile["right"] + 0.5, tile
            assert label["bottom"] <= tile["bottom"] + 0.5, tile
        for a, b in itertools.pairwise(found):
            gap = b["left"] - a["right"] if lang != "ar" else a["left"] - b["right"]
            assert gap >= 6, (a, b)  # side by side, apart
    tabs.first.tap()
    phone.screenshot(path=f"/tmp/shots-bugs/palette-phone-{lang}.png")


# -- 4. tap-then-tap -----------------------------------------------------------------------------------------


def test_tap_then_tap_places_one_copy_and_disarms_the_pictogram(app: ServerProcess, devices: Devices) -> None:
    ws, _ = devices.facilitator_at_the_board(LAPTOP)
    phone = devices.resident(ws, PHONE, "Amina", "green")
    fingers = Fingers(phone)
    phone.locator("#zoom-fit").tap()  # the whole week in sight: every box is a tap away, without a swipe
    work = phone.locator('.pictogram[data-entry="go-to-work"]')
    work.tap()
    expect(work).to_have_attribute("aria-pressed", "true")
    fingers.tap(*cell_centre(phone, "mon", "morning"))
    phone.wait_for_function("() => window.fresque.store.view().items.size === 1")
    expect(work).to_have_attribute("aria-pressed", "false")
    expect(phone.locator(".grid.armed")).to_have_count(0)
    assert phone.evaluate("() => window.fresque.ui.armed") is None

    fingers.tap(*cell_centre(phone, "tue", "evening"))  # a tap on another box places nothing now
    phone.wait_for_timeout(300)  # a place would show within a frame; give it many
    assert len(items(phone)) == 1

    work.tap()  # armed again: one more copy
    fingers.tap(*cell_centre(phone, "tue", "evening"))
    phone.wait_for_function("() => window.fresque.store.view().items.size === 2")
    expect(work).to_have_attribute("aria-pressed", "false")
    cells = sorted((it["cell"]["day"], it["cell"]["slot"]) for it in items(phone).values())
    assert cells == [("mon", "morning"), ("tue", "evening")]


# -- 5. the vote instruction ---------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_vote_instruction_names_what_the_phone_shows(
    app: ServerProcess, devices: Devices, lang: str
) -> None:
    ws, _ = devices.facilitator_at_the_board(LAPTOP)
    seed(app, ws.board, ws.token, [idea("sol-desk"), {"op": "board.update", "phase": "vote"}])
    phone = devices.resident(ws, PHONE, "Amina", "green")
    in_language(phone, lang)
    banner = phone.locator("#phase-banner")
    expect(banner).to_be_visible()
    if not phone.locator("#phase-say").is_visible():
        banner.locator(".say-toggle").tap()  # a phone folds the instruction to the step's name: unfold it
    say = phone.locator("#phase-say")
    expect(say).to_be_visible()
    # what the phone shows of the vote button: its picture and the dots left (its word is for screen readers)
    button = phone.evaluate(
        """() => {
            const b = document.getElementById('vote-mode');
            const label = b.querySelector('.label');
            const shown = label.getBoundingClientRect().width > 2 ? label.textContent.trim() : '';
            return {src: b.querySelector('img').getAttribute('src'), shown};
        }"""
    )
    # the instruction shows the same picture, in sight (/icons/vote.svg is the catalogue's interface picture)
    thumb = phone.evaluate("async () => (await (await fetch('/api/pictograms')).json()).interface.vote")
    pictures = say.locator("img")
    expect(pictures).to_have_count(1)
    expect(pictures).to_be_visible()
    assert pictures.get_attribute("src") in (button["src"], thumb), (button, thumb)
    text = say.inner_text()
    # it names the thumb, and never asks to touch a word the screen does not show (« Voter », «صوّت»)
    assert {"fr": "pouce", "ar": "الإبهام"}[lang] in text, text
    for word in re.findall(r"[«“]\s*([^»”]+?)\s*[»”]", text):
        assert word in button["shown"], (word, button, text)
    phone.screenshot(path=f"/tmp/shots-bugs/vote-instruction-phone-{lang}.png")


# -- 6. back to the console ----------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_a_facilitator_goes_back_to_the_console_from_the_board(
    app: ServerProcess, devices: Devices, lang: str
) -> None:
    ws, laptop = devices.facilitator_at_the_board(LAPTOP_HD)
    phone = devices.resident(ws, PHONE, "Amina", "green")
    expect(phone.locator("#to-console")).to_have_count(0)  # a resident has no console
    in_language(laptop, lang)
    link = laptop.locator("#to-console")
    expect(link).to_be_visible()
    expect(link).to_have_accessible_name({"fr": "Console", "ar": "لوحة التحكم"}[lang])
    expect(link.locator("img")).to_have_count(1)
    assert seen(laptop, "header", {"fr": "Console", "ar": "لوحة التحكم"}[lang])
    laptop.screenshot(path=f"/tmp/shots-bugs/console-link-laptop-{lang}.png")
    link.click()
    laptop.wait_for_url(f"**/workshops/{ws.id}*")
    expect(laptop.locator("body")).to_contain_text(ws.code.split("-")[0])


# -- 7. two pauses -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("lang", "timer", "board"),
    [("fr", "minuteur", "tableau"), ("en", "timer", "board"), ("ar", "المؤقت", "اللوحة")],
)
def test_the_timers_pause_and_the_boards_pause_say_which_is_which(
    app: ServerProcess, devices: Devices, lang: str, timer: str, board: str
) -> None:
    ws, laptop = devices.facilitator_at_the_board(LAPTOP_HD)
    seed(app, ws.board, ws.token, [{"op": "timer.set", "action": "start", "seconds": 300}])
    in_language(laptop, lang)
    laptop.wait_for_function(
        "() => document.querySelector('#facilitator-bar .fac-pause, #facilitator-bar .fac-toggle')"
    )
    if laptop.locator("#facilitator-bar .fac-pause").count() == 0:
        laptop.locator("#facilitator-bar .fac-toggle").click()  # a folded bar: open it
    names = laptop.evaluate(
        """() => ['.fac-pause', '.fac-lock'].map((sel) => {
            const el = document.querySelector('#facilitator-bar ' + sel);
            return el ? (el.getAttribute('aria-label') || el.textContent).trim() : null;
        })"""
    )
    pause, lock = names
    assert pause and lock and pause != lock, names
    assert timer in pause and board not in pause, names
    assert board in lock and timer not in lock, names
    for selector, name in ((".fac-pause", pause), (".fac-lock", lock)):
        expect(bar_control(laptop, selector)).to_have_accessible_name(name)


# -- 8. table mode -------------------------------------------------------------------------------------------


def test_table_mode_your_chip_keeps_you_and_who_are_you_comes_first(
    app: ServerProcess, devices: Devices
) -> None:
    ws, _ = devices.facilitator_at_the_board(LAPTOP)
    seed(
        app,
        ws.board,
        ws.token,
        [activity("act-doctor", "doctor", "mon", "morning", 40, 100), idea("sol-desk")],
    )
    table = devices.resident(ws, WALL, "Table 1", "orange")
    fingers = Fingers(table)
    table.locator("#table-mode").tap()
    amina = add_person(table, "Amina", "green")
    chip = table.locator(f'.table-chip[data-person="{amina}"]')

    # a second tap on your own chip: still you
    chip.tap()
    expect(chip).to_have_attribute("aria-pressed", "true")
    chip.tap()
    expect(chip).to_have_attribute("aria-pressed", "true")

    # « J'ai fini »: nobody is chosen; the next action asks who first
    table.locator(".table-done").tap()
    expect(table.locator(".table-chip[aria-pressed=true]")).to_have_count(0)
    fingers.tap(*item_centre(table, "act-doctor"))
    table.locator("#actionbar").get_by_role("button", name="Tirer le fil : une difficulté").tap()
    sheet = table.locator("#sheet")
    expect(sheet.locator(".sheet-title")).to_have_text("Qui êtes-vous ?")  # before the difficulty, not after
    sheet.locator(f'.table-chip[data-person="{amina}"]').tap()
    expect(sheet.locator(".sheet-title")).to_have_text("Quelle difficulté ?")  # and the action goes on
    sheet.locator(".choice").first.tap()
    sheet.locator('.face-choice[data-severity="difficile"]').tap()
    sheet.get_by_role("button", name="Sans texte").tap()
    expect(sheet).to_be_hidden()
    made = table.wait_for_function(
        "() => [...window.fresque.store.view().items.values()].find((it) => it.kind === 'difficulty')"
    ).json_value()
    assert made["author"] == amina

    # voting with nobody chosen: who first, then the vote mode is on for them
    table.locator(".table-done").tap()
    expect(table.locator(".table-chip[aria-pressed=true]")).to_have_count(0)
    table.locator("#vote-mode").tap()
    expect(sheet.locator(".sheet-title")).to_have_text("Qui êtes-vous ?")
    sheet.locator(f'.table-chip[data-person="{amina}"]').tap()
    expect(table.locator("#vote-mode")).to_have_attribute("aria-pressed", "true")
    fingers.tap(*item_centre(table, "sol-desk"))
    expect(table.locator('.item[data-id="sol-desk"] .dots .total')).to_have_text("1")
    settled(table)
    votes = {v["participant"]: v["count"] for v in export(app, ws.board, ws.token)["votes"]["by_participant"]}
    assert votes == {amina: 1}
    table.screenshot(path="/tmp/shots-bugs/table-1920-fr.png")
