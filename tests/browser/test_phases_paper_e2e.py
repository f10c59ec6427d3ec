"""The facilitator's « Étapes… » and « Saisir pour une personne sur papier », end to end, in Chromium.

- The facilitator opens « Étapes… », takes two steps out (the one in progress among them) and moves « Vote »
  up: one `board.update {phases, phase: null}`; the bar's phase picker shows the new order, a resident's
  page has it too and follows the facilitator to a step of the new list.
- People on paper are added on the console; the facilitator's bar turns the paper mode on (with nobody on
  paper yet, it points to the console), « Vous saisissez pour : Mme Benali », her chip marked « papier ».
  Her votes use her own budget (the server's), the facilitator's stay theirs, and the export keeps each
  under its person.

The steps sheet and the paper banner are also photographed at 1920×1080
and 360×740, in French and in Arabic.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
from helpers import PHONE, Devices, Workshop, bar_control, export, seed, settled
from playwright.sync_api import Page, expect
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(150)

WIDE: dict[str, Any] = {"viewport": {"width": 1920, "height": 1080}}  # the bar shows every step side by side
IDEA = "sol-paper-1"


def bar_phases(page: Page) -> list[str]:
    """The phase picker of the facilitator's bar, in its order (the free board first)."""
    return [
        str(p)
        for p in page.locator(".fac-phases .fac-phase").evaluate_all("els => els.map(e => e.dataset.phase)")
    ]


def steps_rows(page: Page) -> list[str]:
    return [
        str(p) for p in page.locator("#sheet .steps-row").evaluate_all("els => els.map(e => e.dataset.phase)")
    ]


def ticked(page: Page) -> list[str]:
    return [
        str(p)
        for p in page.locator("#sheet .steps-row").evaluate_all(
            "els => els.filter(e => e.querySelector('.steps-box').checked).map(e => e.dataset.phase)"
        )
    ]


def add_on_paper(devices: Devices, page: Page, ws: Workshop, alias: str) -> str:
    """The console's « Ajouter une personne sur papier », in another tab of the facilitator's browser."""
    console = page.context.new_page()
    console.on("pageerror", lambda error: devices.errors.append(f"{console.url}: {error}"))
    console.goto(f"{devices.app.base_url}/workshops/{ws.id}")
    console.locator("#paper-alias").fill(alias)
    console.locator("#add-paper button[type=submit]").click()
    row = console.locator("#people li[data-id]:not(:has(li))", has_text=alias)
    expect(row).to_have_count(1)
    person = str(row.get_attribute("data-id"))
    console.close()
    return person


def test_steps_are_chosen_and_ordered_and_a_paper_vote_is_kept_under_its_person(
    app: ServerProcess, devices: Devices
) -> None:
    ws, fac = devices.facilitator_at_the_board(WIDE)
    me = str(
        fac.evaluate("() => JSON.parse(document.getElementById('bootstrap').textContent).me.participant")
    )
    resident = devices.resident(ws, PHONE, "Amina", "green")
    seed(
        app,
        ws.board,
        ws.token,
        [
            {
                "op": "item.create",
                "id": IDEA,
                "kind": "solution",
                "x": 200,
                "y": 900,
                "ref": "digital-help-desk",
            }
        ],
    )

    # -- the steps ----------------------------------------------------------------------------------------
    fac.locator('.fac-phase[data-phase="welcome"]').click()  # the step in progress, soon taken out
    expect(resident.locator("#phase-banner")).to_have_attribute("data-phase", "welcome")
    assert bar_phases(fac) == ["free", "welcome", "week", "threads", "solutions", "vote", "restitution"]
    bar_control(fac, ".fac-steps").click()
    sheet = fac.locator("#sheet")
    expect(sheet).to_be_visible()
    expect(sheet.locator(".sheet-title")).to_have_text("Les étapes de ce tableau")
    expect(sheet.locator('.steps-row[data-phase="welcome"] .steps-now')).to_have_text("en cours")
    sheet.locator('.steps-row[data-phase="welcome"] .steps-box').uncheck()
    expect(sheet.locator(".steps-warn")).to_contain_text("Accueil")
    sheet.locator('.steps-row[data-phase="restitution"] .steps-box').uncheck()
    # « Vote » up twice, by the keyboard: the focus stays on the moved step's button
    sheet.get_by_role("button", name="Monter « Vote »").click()
    fac.keyboard.press("Enter")
    assert fac.evaluate("() => document.activeElement.closest('.steps-row').dataset.phase") == "vote"
    assert steps_rows(fac)[:4] == ["welcome", "week", "vote", "threads"]
    assert ticked(fac) == ["week", "vote", "threads", "solutions"]
    for row in sheet.locator(".steps-move").all():  # 48 px at least, to the finger
        box = row.bounding_box()
        assert box is not None and box["width"] >= 48 and box["height"] >= 48
    sheet.locator(".steps-save").click()
    expect(sheet).to_be_hidden()
    settled(fac)
    fac.wait_for_function(
        "() => window.fresque.store.view().settings.phases.join() === 'week,vote,threads,solutions'"
    )
    assert bar_phases(fac) == ["free", "week", "vote", "threads", "solutions"]
    expect(fac.locator('.fac-phase[data-phase="free"]')).to_have_attribute("aria-pressed", "true")
    options = fac.locator(".fac-select option").evaluate_all("els => els.map(e => e.value)")
    assert options == ["", "week", "vote", "threads", "solutions"]
    # the resident's page: the same steps in the same order, the board free again, then the facilitator's pick
    resident.wait_for_function(
        "() => window.fresque.store.view().settings.phases.join() === 'week,vote,threads,solutions'"
    )
    assert resident.evaluate("() => window.fresque.store.view().settings.phase") is None
    fac.locator('.fac-phase[data-phase="week"]').click()
    fac.locator(".fac-next").click()  # the next step is « Vote » now, no longer « Tirer le fil »
    expect(resident.locator("#phase-banner")).to_have_attribute("data-phase", "vote")
    expect(resident.locator("#phase-banner .phase-name")).to_have_text("Vote")
    # « Parcours habitants » puts the six back (not saved here)
    bar_control(fac, ".fac-steps").click()
    sheet.locator(".steps-reset").click()
    assert (
        steps_rows(fac) == ticked(fac) == ["welcome", "week", "threads", "solutions", "vote", "restitution"]
    )
    sheet.get_by_role("button", name="Annuler").click()
    expect(sheet).to_be_hidden()
    assert bar_phases(fac) == ["free", "week", "vote", "threads", "solutions"]

    # -- people on paper -----------------------------------------------------------------------------------
    start = bar_control(fac, ".fac-paper")
    expect(start).to_have_accessible_name("Saisir pour une personne sur papier")
    start.click()
    expect(sheet).to_be_visible()  # nobody on paper yet: the way to the console
    link = sheet.locator("a.paper-console-link")
    expect(link).to_have_attribute("href", f"/workshops/{ws.id}#people-card")
    sheet.locator(".sheet-close").click()
    strip = fac.locator("#table-strip")
    expect(strip).to_be_visible()
    expect(strip.locator(".table-active")).to_have_text("Aucune personne sur papier pour l'instant.")
    expect(strip.locator("a.paper-console")).to_be_visible()
    benali = add_on_paper(devices, fac, ws, "Mme Benali")
    strip.get_by_role("button", name="Revenir à moi").click()
    expect(strip).to_be_hidden()
    bar_control(fac, ".fac-paper").click()
    who = sheet.locator(f'.table-chip[data-person="{benali}"]')
    expect(sheet.locator(".sheet-title")).to_have_text("Pour qui saisissez-vous\u202f?")
    expect(who.locator(".paper-tag")).to_have_text("papier")
    who.click()
    expect(sheet).to_be_hidden()
    expect(strip.locator(".table-active .text")).to_have_text(
        "Vous saisissez pour\u00a0: \u2068Mme Benali\u2069"
    )
    chip = strip.locator(f'.table-chip[data-person="{benali}"]')
    expect(chip).to_have_attribute("aria-pressed", "true")
    expect(chip.locator(".paper-tag")).to_have_text("papier")
    expect(fac.locator(".fac-paper")).to_have_attribute("data-on", "true")

    # her three dots, from the facilitator's screen: the server counts them against her budget
    for _ in range(3):
        fac.evaluate(f"() => document.querySelector('.item[data-id=\"{IDEA}\"]').focus()")
        if not fac.locator("#actionbar .vote").is_visible():
            fac.keyboard.press("Enter")  # select the idea: its action bar
        fac.locator("#actionbar .vote").click()
        settled(fac)
    assert fac.evaluate(f"() => window.fresque.store.votesLeft('{benali}')") == 0
    assert fac.evaluate(f"() => window.fresque.store.votesLeft('{me}')") == 3
    # back to acting as oneself: the facilitator's own dot, from the facilitator's own budget
    strip.get_by_role("button", name="Revenir à moi").click()
    expect(strip).to_be_hidden()
    expect(fac.locator(".fac-paper")).to_have_attribute("data-on", "false")
    fac.locator("#actionbar .vote").click()
    settled(fac)

    data = export(app, ws.board, ws.token)
    votes = {(v["participant"], v["item"]): v["count"] for v in data["votes"]["by_participant"]}
    assert votes == {(benali, IDEA): 3, (me, IDEA): 1}, votes
    people = {p["id"]: p for p in data["participants"]}
    assert people[benali]["alias"] == "Mme Benali" and people[benali]["host"] == me


# -- screenshots --------------------------------------------------------------------------------------------

# As tests/browser/test_screenshots.py: saved (not committed) for people to look at.
SHOTS = os.environ.get(
    "FRESQUE_SCREENSHOTS_DIR", str(Path(__file__).resolve().parents[2] / "test-results" / "screenshots")
)


def test_screenshots_of_the_steps_sheet_and_the_paper_banner(app: ServerProcess, devices: Devices) -> None:
    out = Path(SHOTS)
    out.mkdir(parents=True, exist_ok=True)
    ws, first = devices.facilitator(WIDE)
    add_on_paper(devices, first, ws, "Mme Benali")
    add_on_paper(devices, first, ws, "M. Durand")
    token = next(c for c in first.context.cookies() if c["name"] == "fresque_session")
    for size, device in (("wall", WIDE), ("phone", {**PHONE})):
        for lang in ("fr", "ar"):
            page = devices.open(device)
            page.context.add_cookies([token])
            page.goto(f"{app.base_url}/boards/{ws.board}?lang={lang}")
            page.wait_for_function("() => window.fresque && window.fresque.connection.ready")
            if page.locator(".fac-toggle[aria-expanded=false]").count():
                page.locator(".fac-toggle").click()
            page.locator(".fac-paper").wait_for(state="attached")
            page.evaluate("() => { window.fresque.facilitation.editPhases(); }")
            page.locator("#sheet .steps-row").first.wait_for()
            page.locator('#sheet .steps-row[data-phase="welcome"] .steps-box').uncheck()
            page.locator('#sheet .steps-row[data-phase="vote"] .steps-up').click()
            page.screenshot(path=str(out / f"steps-sheet-{size}-{lang}.png"))
            page.locator("#sheet .sheet-close").click()
            bar_control(page, ".fac-paper").click()
            page.locator("#sheet .table-chip").first.click()
            page.locator("#table-strip .table-active.someone").wait_for()
            page.screenshot(path=str(out / f"paper-banner-{size}-{lang}.png"))
            page.context.close()
    for name in ("steps-sheet", "paper-banner"):
        for size in ("wall", "phone"):
            for lang in ("fr", "ar"):
                assert (out / f"{name}-{size}-{lang}.png").stat().st_size > 10_000
