"""Dot votes, facilitation and filters on the action fresco, end to end in Chromium on a real Fresque server.

A facilitator on a wall screen (1920x1080, touch) runs the board through its bar (js/actions/facilitate.js):
hides the votes, opens the « Vote » step. Two stakeholders vote on the action cards, one with the mouse on a
laptop, one by touch on a tablet: neither sees the other's dots while they are hidden, the facilitator sees
every total; a fourth point is refused with a plain message; the reveal shows the totals to all and the
ranking (« Classement ») in the right order. The filters (js/actions/filters.js) hide the cards that do not
match, the colour follows the chosen criterion, and a reload keeps both (URL hash). Screenshots of the bar
and the vote are saved for a person to look at. Waits are Playwright's; no sleep stands in for an assertion.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import (
    LAPTOP,
    SHOTS,
    TABLET,
    WALL,
    Devices,
    Workshop,
    add_actions_board,
    open_board,
    seed,
    settled,
    wait_connected,
)
from playwright.sync_api import Locator, Page, expect
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(180)


# three actions: the CCAS leads the first, the city the second, the third has no lead yet
ATELIERS, PERMANENCES, TABLETTES = "act-vote-ateliers", "act-vote-permanences", "act-vote-tablettes"


def press(bar: Locator, selector: str) -> None:
    """A control of the facilitator's bar: in its one row, or in « Plus » when the row is full (issue 11)."""
    control = bar.locator(selector)
    if not control.is_visible():
        bar.locator(".more-button").click()
    control.click()


def plan() -> list[dict[str, Any]]:
    def create(aid: str, lane: str, start: str, end: str, **fiche: Any) -> dict[str, Any]:
        return {"op": "action.create", "id": aid, "lane": lane, "start": start, "end": end, "fiche": fiche}

    return [
        {"op": "board.update", "timeline": {"start": "2025-01", "end": "2028-12"}},
        create(
            ATELIERS,
            "continue",
            "2025-01",
            "2025-12",
            title="Ateliers numériques",
            number="A1",
            axis="Accès aux droits",
            lead="ccas",
            status="validated",
            partners=[{"organisation": "caf", "role": "Cofinance"}],
            target_groups=["seniors"],
        ),
        create(
            PERMANENCES,
            "reinforce",
            "2025-04",
            "2026-03",
            title="Permanences France Services",
            number="A2",
            axis="Accès aux droits",
            lead="city",
            status="running",
            target_groups=["job_seekers"],
        ),
        create(
            TABLETTES,
            "create",
            "2026-01",
            "2026-12",
            title="Prêt de tablettes",
            number="A3",
            axis="Équipement",
        ),
    ]


def facilitator_at_the_plan(
    devices: Devices, app: ServerProcess, *ops: dict[str, Any]
) -> tuple[Workshop, Page, str]:
    """A workshop whose facilitator, on a 1920×1080 touch screen, shows its action board with `plan()` on
    it (and `ops`): (the workshop, the facilitator's page, the board)."""
    ws, facilitator = devices.facilitator(WALL)
    board = add_actions_board(app, ws, "Plan d'inclusion numérique")
    seed(app, board, ws.token, [*plan(), *ops])
    open_board(facilitator, app, board)
    return ws, facilitator, board


def card(page: Page, action: str) -> Any:
    return page.locator(f".tl-card[data-id='{action}']")


def vote(page: Page, action: str) -> Any:
    return page.locator(f".af-vote[data-action='{action}']")


def setting(page: Page, name: str, value: object) -> None:
    page.wait_for_function(
        "([name, value]) => "
        "JSON.stringify(window.fresque.store.view().settings[name]) === JSON.stringify(value)",
        arg=[name, value],
    )


def confirmed_totals(page: Page) -> dict[str, int]:
    """The dot totals in what the server confirmed to this page (a facilitator's page is sent all of them)."""
    totals: dict[str, int] = page.evaluate(
        """() => {
            const out = {};
            for (const perItem of window.fresque.store.confirmed().votes.values())
                for (const [item, n] of perItem) out[item] = (out[item] ?? 0) + n;
            return out;
        }"""
    )
    return totals


def check_axe(page: Page) -> None:
    """No serious or critical axe-core finding in the facilitation, the filters and the cards' dots."""
    from axe_playwright_python.sync_playwright import Axe

    context = {"include": [["#facilitation"], ["#filters"], [".tl-card-extra"]]}
    violations = Axe().run(page, context=context).response["violations"]
    serious = [
        f"{v['id']} ({v['impact']}): {[n['target'] for n in v['nodes']][:4]}"
        for v in violations
        if v["impact"] in ("serious", "critical")
    ]
    assert not serious, serious


def shoot(page: Page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    path = SHOTS / f"actions-facilitate-{name}.png"
    page.screenshot(path=str(path))
    assert path.stat().st_size > 10_000


def test_hidden_dot_votes_on_actions_then_the_reveal_and_the_ranking(
    app: ServerProcess, devices: Devices
) -> None:
    ws, facilitator, board = facilitator_at_the_plan(devices, app)
    bar = facilitator.locator("#facilitation .af-bar")
    expect(bar).to_be_visible()

    # The facilitator hides the votes, then opens the vote.
    press(bar, ".fac-votes")
    setting(facilitator, "votes_hidden", True)
    expect(bar.locator(".fac-votes")).to_have_text("Révéler")
    bar.locator(".fac-select").select_option("vote")
    setting(facilitator, "phase", "vote")
    settled(facilitator)

    karim = devices.stakeholder(ws, board, LAPTOP, "Karim", "green")
    lina = devices.stakeholder(ws, board, TABLET, "Lina", "blue")
    for page in (karim, lina):
        expect(page.locator("#facilitation .af-banner .phase-name")).to_have_text("Vote")
        expect(page.locator("#facilitation .af-banner .phase-say")).to_have_text(
            "Donnez vos points aux actions les plus importantes pour vous."
        )
        expect(page.locator("#facilitation .af-banner .note-votes")).to_be_visible()
        expect(page.locator("#facilitation .af-left-text")).to_have_text("Il vous reste 3 points")
        expect(page.locator("#facilitation .af-bar")).to_be_hidden()  # stakeholders have no bar

    # Karim, with the mouse: two points on the workshops, one on the permanences.
    vote(karim, ATELIERS).locator(".af-vote-add").click()
    expect(vote(karim, ATELIERS).locator(".af-dot-mine")).to_have_count(1)
    vote(karim, ATELIERS).locator(".af-vote-add").click()
    vote(karim, PERMANENCES).locator(".af-vote-add").click()
    expect(vote(karim, ATELIERS).locator(".af-dot-mine")).to_have_count(2)
    expect(karim.locator("#facilitation .af-left-text")).to_have_text("Vous avez donné tous vos points")
    settled(karim)
    # A fourth point is refused, plainly, and nothing is sent.
    vote(karim, TABLETTES).locator(".af-vote-add").click()
    expect(vote(karim, TABLETTES).locator(".af-vote-msg")).to_have_text(
        "Vous n'avez plus de points. Reprenez un point sur une autre action pour changer d'avis."
    )
    expect(vote(karim, TABLETTES).locator(".af-dot-mine")).to_have_count(0)

    # Lina, by touch: two on the permanences, one on the tablets; she takes one back and gives it again.
    vote(lina, PERMANENCES).locator(".af-vote-add").tap()
    vote(lina, PERMANENCES).locator(".af-vote-add").tap()
    vote(lina, TABLETTES).locator(".af-vote-add").tap()
    expect(vote(lina, TABLETTES).locator(".af-dot-mine")).to_have_count(1)
    vote(lina, TABLETTES).locator(".af-vote-remove").tap()
    expect(vote(lina, TABLETTES).locator(".af-dot-mine")).to_have_count(0)
    vote(lina, TABLETTES).locator(".af-vote-add").tap()
    expect(vote(lina, PERMANENCES).locator(".af-dot-mine")).to_have_count(2)
    expect(vote(lina, TABLETTES).locator(".af-dot-mine")).to_have_count(1)
    settled(lina)

    # The server has every dot; the facilitator sees every total (marked hidden), stakeholders only theirs.
    facilitator.wait_for_function(
        "(want) => { const out = {}; for (const m of window.fresque.store.confirmed().votes.values())"
        " for (const [k, n] of m) out[k] = (out[k] ?? 0) + n;"
        " const sorted = (o) => JSON.stringify(Object.entries(o).sort());"
        " return sorted(out) === sorted(want); }",
        arg={ATELIERS: 2, PERMANENCES: 3, TABLETTES: 1},
    )
    expect(vote(facilitator, PERMANENCES).locator(".af-total")).to_have_text("3 points (cachés)")
    expect(vote(facilitator, ATELIERS).locator(".af-total")).to_have_text("2 points (cachés)")
    for page, others_dots in ((karim, TABLETTES), (lina, ATELIERS)):
        for action in (ATELIERS, PERMANENCES, TABLETTES):
            expect(vote(page, action).locator(".af-total")).to_be_hidden()
        expect(page.locator("#facilitation .af-ranking-toggle")).to_have_count(0)
        assert confirmed_totals(page).get(others_dots, 0) == 0, "the other's dots never reached this page"
    assert confirmed_totals(karim) == {ATELIERS: 2, PERMANENCES: 1}
    assert confirmed_totals(lina) == {PERMANENCES: 2, TABLETTES: 1}
    shoot(facilitator, "wall-hidden")
    shoot(lina, "tablet-vote")

    # The reveal: every screen shows the totals and the ranking opens, most dots first.
    press(bar, ".fac-votes")
    for page in (karim, lina, facilitator):
        setting(page, "votes_hidden", False)
        expect(vote(page, PERMANENCES).locator(".af-total")).to_have_text("3 points")
        expect(vote(page, ATELIERS).locator(".af-total")).to_have_text("2 points")
        expect(vote(page, TABLETTES).locator(".af-total")).to_have_text("1 point")
        ranking = page.locator("#facilitation .af-ranking .af-rank")
        expect(ranking).to_have_count(3)
        assert [ranking.nth(i).get_attribute("data-action") for i in range(3)] == [
            PERMANENCES,
            ATELIERS,
            TABLETTES,
        ]
        expect(ranking.locator(".af-rank-title")).to_have_text(
            ["A2 · Permanences France Services", "A1 · Ateliers numériques", "A3 · Prêt de tablettes"]
        )
    expect(karim.locator("#facilitation .af-banner .note-votes")).to_have_count(0)
    shoot(facilitator, "wall-revealed")
    shoot(lina, "tablet-revealed")
    # axe-core on what this module draws: the bar, the banner, the ranking, the filters, the dots on the cards
    for page in (facilitator, karim):
        check_axe(page)


def test_filters_hide_cards_and_colour_by_changes_the_colours(app: ServerProcess, devices: Devices) -> None:
    ws, facilitator, board = facilitator_at_the_plan(devices, app)
    page = devices.stakeholder(ws, board, TABLET, "Lina", "blue")
    for action in (ATELIERS, PERMANENCES, TABLETTES):
        expect(card(page, action)).to_be_visible()
    filters = page.locator("#filters")
    # a tablet folds the criteria behind « Filtres »
    expect(filters.locator("#af-filter-lead")).to_be_hidden()
    filters.locator(".af-filters-toggle").tap()
    filters.locator("#af-filter-lead").select_option("ccas")
    expect(card(page, ATELIERS)).to_be_visible()
    expect(card(page, PERMANENCES)).to_have_count(0)
    expect(card(page, TABLETTES)).to_have_count(0)
    expect(filters.locator(".af-count")).to_have_text("1 actions affichées sur 3")
    expect(filters.locator(".af-filters-toggle")).to_have_text("Filtres (1)")
    # every criterion must match: the axis alone shows two, with the lead one
    filters.locator("#af-filter-lead").select_option("")
    filters.locator("#af-filter-axis").select_option("Accès aux droits")
    expect(card(page, ATELIERS)).to_be_visible()
    expect(card(page, PERMANENCES)).to_be_visible()
    expect(card(page, TABLETTES)).to_have_count(0)
    filters.locator("#af-filter-status").select_option("running")
    expect(card(page, PERMANENCES)).to_be_visible()
    expect(card(page, ATELIERS)).to_have_count(0)
    filters.locator("#af-filter-status").select_option("")
    filters.locator("#af-filter-axis").select_option("")
    expect(card(page, TABLETTES)).to_be_visible()
    expect(filters.locator(".af-filters-toggle")).to_have_text("Filtres")

    # Colour by lane (the default), then by status: the colours and the words on the cards follow.
    everyone = [ATELIERS, PERMANENCES, TABLETTES]

    def colours() -> list[str]:
        found: list[str] = page.evaluate(
            """(ids) => ids.map((id) => {
                const el = document.querySelector(`.tl-card[data-id="${id}"]`);
                return getComputedStyle(el).getPropertyValue('--af-colour').trim().toUpperCase();
            })""",
            everyone,
        )
        return found

    by_lane = colours()
    assert len(set(by_lane)) == 3 and all(re.fullmatch(r"#[0-9A-F]{6}", c) for c in by_lane), by_lane
    expect(card(page, TABLETTES).locator(".af-tag")).to_have_text("Nouvelle")
    filters.locator("#af-filter-colour").select_option("status")
    expect(card(page, ATELIERS)).to_have_attribute("data-colour-by", "status")
    expect(card(page, ATELIERS).locator(".af-tag")).to_have_text("Validée")
    expect(card(page, PERMANENCES).locator(".af-tag")).to_have_text("En cours")
    expect(card(page, TABLETTES).locator(".af-tag")).to_have_text("Brouillon")
    by_status = colours()
    assert len(set(by_status)) == 3 and by_status != by_lane, (by_lane, by_status)
    expect(filters.locator(".af-legend-item")).to_have_text(["Brouillon", "Validée", "En cours"])
    filters.locator("#af-filter-axis").select_option("Accès aux droits")
    expect(card(page, TABLETTES)).to_have_count(0)
    shoot(page, "tablet-filters")

    # A reload keeps the filter and the colour (the URL hash).
    assert "axis=" in page.url and "colour=status" in page.url
    page.reload()
    wait_connected(page)
    expect(card(page, TABLETTES)).to_have_count(0)
    expect(card(page, PERMANENCES)).to_be_visible()
    expect(filters.locator("#af-filter-axis")).to_have_value("Accès aux droits")
    expect(card(page, ATELIERS)).to_have_attribute("data-colour-by", "status")
    # « Tout afficher » brings every card back
    filters.locator(".af-reset").tap()
    expect(card(page, TABLETTES)).to_be_visible()
    assert "axis=" not in page.url

    # The wall: the facilitator's bar and the filter bar; the criteria fold behind « Filtres » here too (the
    # timeline gets the screen), one tap shows them all.
    expect(facilitator.locator("#filters #af-filter-lead")).to_be_hidden()
    facilitator.locator("#filters .af-filters-toggle").click()
    expect(facilitator.locator("#filters #af-filter-lead")).to_be_visible()
    shoot(facilitator, "wall-bar")


def test_timer_pause_and_spotlight_reach_the_stakeholders(app: ServerProcess, devices: Devices) -> None:
    ws, facilitator, board = facilitator_at_the_plan(devices, app, {"op": "board.update", "phase": "vote"})
    bar = facilitator.locator("#facilitation .af-bar")
    karim = devices.stakeholder(ws, board, LAPTOP, "Karim", "green")
    banner = karim.locator("#facilitation .af-banner")

    # The timer: 5 minutes, on the stakeholder's banner, counting on the server's clock; +1, pause, stop.
    timer = banner.locator(".phase-timer")
    expect(timer).to_be_hidden()
    press(bar, ".preset-5")
    expect(timer).to_have_attribute("data-state", "running")
    expect(timer.locator(".timer-digits")).to_have_text(re.compile(r"^0[45]:[0-5]\d$"))
    press(bar, ".fac-add")
    expect(timer.locator(".timer-digits")).to_have_text(re.compile(r"^0[56]:[0-5]\d$"))
    press(bar, ".fac-pause")
    expect(timer).to_have_attribute("data-state", "paused")
    press(bar, ".fac-clear")
    expect(timer).to_be_hidden()

    # « Mettre en pause »: the stakeholder's dots close and the banner says why; « Rouvrir » opens them again.
    add = vote(karim, ATELIERS).locator(".af-vote-add")
    expect(add).to_be_visible()
    press(bar, ".fac-lock")
    expect(banner.locator(".note-locked")).to_be_visible()
    expect(add).to_be_hidden()
    press(bar, ".fac-lock")
    expect(banner.locator(".note-locked")).to_have_count(0)
    expect(add).to_be_visible()

    # The points per person: one more, said on the stakeholder's page at once.
    expect(karim.locator("#facilitation .af-left-text")).to_have_text("Il vous reste 3 points")
    press(bar, ".af-budget-more")
    expect(bar.locator(".af-budget-n")).to_have_text("4")
    expect(karim.locator("#facilitation .af-left-text")).to_have_text("Il vous reste 4 points")

    # The spotlight: with nothing selected the bar says what to do; a selected card is shown to everyone.
    press(bar, ".fac-spotlight")
    expect(bar.locator(".af-bar-note")).to_have_text("Touchez d'abord une action.")
    card(facilitator, PERMANENCES).locator(".tl-card-title").click()
    press(bar, ".fac-spotlight")
    setting(karim, "spotlight", PERMANENCES)
    expect(banner.locator(".af-spot-note")).to_have_text(
        "À regarder ensemble\u00a0: A2 · Permanences France Services"
    )
    expect(card(karim, PERMANENCES)).to_have_class(re.compile(r"\baf-spotlit\b"))
    expect(card(karim, ATELIERS)).not_to_have_class(re.compile(r"\baf-spotlit\b"))
    press(bar, ".fac-spotlight")  # « Arrêter de montrer »
    expect(banner.locator(".af-spot-note")).to_have_count(0)
    expect(card(karim, PERMANENCES)).not_to_have_class(re.compile(r"\baf-spotlit\b"))

    # In Arabic, without a reload: the banner, the dots, the filters and the bar speak Arabic, mirrored.
    karim.locator(".lang-button[value='ar']").click()
    expect(karim.locator("html")).to_have_attribute("dir", "rtl")
    expect(banner.locator(".phase-name")).to_have_text("التصويت")
    expect(karim.locator("#facilitation .af-left-text")).to_have_text("بقيت لك 4 نقاط")
    expect(vote(karim, ATELIERS).locator(".af-vote-add")).to_have_attribute(
        "aria-label", "إعطاء نقطة لـ«A1 · Ateliers numériques»"
    )
    expect(
        karim.locator("#filters .af-filters-toggle, #filters .af-field-colour .af-label").first
    ).to_be_visible()
    expect(karim.locator("#filters .af-field-colour .af-label")).to_have_text("التلوين حسب")
    vote(karim, ATELIERS).locator(".af-vote-add").click()
    expect(karim.locator("#facilitation .af-left-text")).to_have_text("بقيت لك 3 نقاط")
    shoot(karim, "laptop-ar")

    # « Étapes… »: the action board's five steps by their names; one taken out, saved in one board.update.
    press(bar, ".fac-steps")
    sheet = facilitator.locator("dialog.af-sheet")
    expect(sheet.locator(".steps-name")).to_have_text(
        ["Accueil", "Placer les actions", "Remplir les fiches", "Vote", "Restitution"]
    )
    expect(sheet.locator(".steps-row[data-phase='vote'] .steps-now")).to_be_visible()
    sheet.locator(".steps-row[data-phase='welcome'] .steps-box").uncheck()
    shoot(facilitator, "wall-steps")
    sheet.locator(".steps-save").click()
    setting(karim, "phases", ["place", "fiches", "vote", "restitution"])
    expect(sheet).to_be_hidden()
    # ‹ goes back a step
    press(bar, ".fac-prev")
    setting(karim, "phase", "fiches")
    expect(banner.locator(".phase-name")).to_have_text("ملء البطاقات")
