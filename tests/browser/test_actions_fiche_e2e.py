"""The fiche action in Chromium (js/actions/fiche.js, radar.js, picker.js).

A facilitator opens a card's fiche and fills it (title, objectives, lead, a partner, budget and a funding
line, an indicator, status, a milestone, a target group and a new organisation), scores the capabilities web
for two series with the 0–4 buttons, reloads: everything is still there, on the page and in the server's
export. Secured funding over the budget is explained in plain words and not sent. Someone else's change shows
live without overwriting the field being typed in. The residents' solution behind the action shows with its
chain; the picker makes a linked draft action. axe-core and 48 px targets on a phone, in French and Arabic.
Screenshots on a phone, a tablet and a 1920×1080 screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import helpers
import pytest
from helpers import (
    PHONE,
    TABLET,
    WALL,
    Devices,
    Workshop,
    add_actions_board,
    chain_to_a_solution,
    check_axe,
    export,
    lone_solution,
    new_action,
    new_workshop,
    open_board,
    seed,
    seeded,
    settled,
    wait_connected,
)
from playwright.sync_api import Page, expect
from support.server import ServerProcess

ACTION = "action-fiche01"
SOLUTION = "sol-fiche001"
OTHER = "sol-fiche002"  # a solution no action answers yet


def shoot(page: Page, name: str) -> None:
    helpers.shoot(page, f"actions-fiche-{name}")


def open_fiche(page: Page) -> Any:
    page.locator(f".tl-card[data-id='{ACTION}'] .tl-card-title").click()
    page.locator("#actionbar button.fiche").click()  # the selected card's « Fiche »
    dialog = page.locator(".fiche-dialog")
    expect(dialog).to_be_visible()
    return dialog


def fiche_of(app: ServerProcess, board: str, token: str) -> dict[str, Any]:
    data = export(app, board, token)
    actions = data.get("actions") or data.get("board", {}).get("actions")
    assert actions, list(data)
    found: dict[str, Any] = next(a for a in actions if a["id"] == ACTION)
    return found


@dataclass
class Scene:
    """A workshop whose residents' board holds a chain up to SOLUTION (and OTHER, a solution alone), and its
    action board, a 2025 → 2027 timeline with ACTION on it, linked to SOLUTION."""

    ws: Workshop
    board: str  # the action board


@pytest.fixture
def scene(app: ServerProcess) -> Scene:
    ws = new_workshop(app)
    text = "Des permanences pour les démarches en ligne"
    chain = chain_to_a_solution("act-fiche01", "dif-fiche01", SOLUTION, text, ("thr-fiche01", "thr-fiche02"))
    seed(app, ws.board, ws.token, [*chain, lone_solution(OTHER)])
    board = add_actions_board(app, ws)
    ok = seeded(
        app,
        board,
        ws.token,
        [
            {"op": "board.update", "timeline": {"start": "2025-01", "end": "2027-12", "scale": "quarter"}},
            new_action(
                ACTION, "Nouvelle action", "2025-01", "2025-12", [{"board": ws.board, "item": SOLUTION}]
            ),
        ],
    )
    assert ok, "the server refused the scene's action ops"
    return Scene(ws, board)


def score(dialog: Any, series: str, levels: dict[str, int]) -> None:
    dialog.locator(f".fiche-series-tab[data-series='{series}']").click()
    expect(dialog.locator(f".fiche-series-tab[data-series='{series}']")).to_have_attribute(
        "aria-pressed", "true"
    )
    for axis, level in levels.items():
        button = dialog.locator(f".fiche-score[data-axis='{axis}'] .fiche-level[data-level='{level}']")
        button.click()
        expect(button).to_have_attribute("aria-pressed", "true")
        expect(button).to_be_focused()  # redrawn, and the focus given back (a keyboard goes on from there)


def test_a_fiche_filled_and_scored_is_all_there_after_a_reload(
    devices: Devices, app: ServerProcess, scene: Scene
) -> None:
    page = devices.signed_in_at_board(scene.ws.token, scene.board, TABLET)
    dialog = open_fiche(page)
    expect(dialog.locator(".fiche-span")).to_have_text("Janvier 2025 → Décembre 2025")

    title = dialog.locator("input[name=title]")
    title.fill("Ateliers numériques au centre social")
    title.press("Tab")
    expect(dialog.locator(".fiche-head h2")).to_contain_text("Ateliers numériques au centre social")
    dialog.locator("textarea[name=general_objective]").fill("Rendre les habitants autonomes en ligne.")
    dialog.locator("textarea[name=general_objective]").press("Tab")

    objectives = dialog.locator("[data-field=operational_objectives]")
    objectives.get_by_role("button", name="Ajouter un objectif").click()
    objectives.locator("li:last-child textarea").fill("Ouvrir deux créneaux par semaine")
    objectives.locator("li:last-child textarea").press("Tab")

    dialog.locator("[data-field=target_groups] input[value=seniors]").check()

    dialog.locator("[data-field=lead] select").select_option("ccas")

    partners = dialog.locator("[data-field=partners]")
    adder = partners.locator(".fiche-adder")
    adder.locator("input").fill("Maison des Jeunes")
    adder.get_by_role("button", name="Ajouter une structure").click()
    partners.get_by_role("button", name="Ajouter un partenaire").click()
    partners.locator("li:last-child select").select_option("maison-des-jeunes")
    partners.locator("li:last-child input").fill("Accueille les ateliers")
    partners.locator("li:last-child input").press("Tab")

    budget = dialog.locator("input[name=budget]")
    budget.fill("50 000")
    budget.press("Tab")
    funding = dialog.locator("[data-field=funding]")
    funding.get_by_role("button", name="Ajouter un financement").click()
    row = funding.locator("li:last-child")
    row.locator(".fiche-source").fill("Ville")
    row.locator(".fiche-amount").fill("20000")
    row.locator(".fiche-state").select_option("secured")
    row.locator(".fiche-amount").press("Tab")
    expect(funding.locator(".fiche-sum")).to_contain_text("Acquis")
    expect(funding.locator(".fiche-over-budget")).to_be_hidden()

    indicators = dialog.locator("[data-field=indicators]")
    indicators.get_by_role("button", name="Ajouter un indicateur").click()
    ind = indicators.locator("li:last-child")
    ind.locator(".fiche-ind-kind").select_option("result")
    ind.locator(".fiche-ind-label").fill("Personnes autonomes après 3 mois")
    ind.locator(".fiche-ind-target").fill("60 %")
    ind.locator(".fiche-ind-source").fill("Enquête")
    ind.locator(".fiche-ind-source").press("Tab")

    dialog.locator("[data-field=status] select").select_option("running")

    milestones = dialog.locator("[data-field=milestones]")
    milestones.locator("select").select_option("2025-03")
    milestones.locator("input[type=text]").fill("Lancement")
    milestones.get_by_role("button", name="Ajouter le jalon").click()
    expect(milestones.locator(".fiche-milestone")).to_contain_text("Mars 2025")

    score(dialog, "today", {"rights": 1, "health": 2, "social_ties": 1})
    score(dialog, "targeted", {"rights": 4, "health": 3, "social_ties": 3})
    # the picture follows: two series drawn
    expect(dialog.locator("svg.radar .radar-serie")).to_have_count(2)
    settled(page)

    # Secured funding above the budget: said in plain words, and the lower budget is not sent.
    budget.fill("10000")
    budget.press("Tab")
    over = funding.locator(".fiche-over-budget")
    expect(over).to_be_visible()
    expect(over).to_contain_text("dépassent le budget")
    expect(over).to_contain_text("20")
    assert page.evaluate(f"() => window.fresque.store.view().actions.get('{ACTION}').fiche.budget") == 50000
    budget.fill("50000")
    budget.press("Tab")
    expect(over).to_be_hidden()
    settled(page)

    dialog.locator("[data-section=capabilities]").scroll_into_view_if_needed()
    shoot(page, "radar-tablet")

    # What the server keeps.
    kept = fiche_of(app, scene.board, scene.ws.token)
    fiche = kept["fiche"]
    assert fiche["title"] == "Ateliers numériques au centre social"
    assert fiche["general_objective"] == "Rendre les habitants autonomes en ligne."
    assert fiche["operational_objectives"] == ["Ouvrir deux créneaux par semaine"]
    assert fiche["target_groups"] == ["seniors"]
    assert fiche["lead"] == "ccas"
    assert fiche["partners"] == [{"organisation": "maison-des-jeunes", "role": "Accueille les ateliers"}]
    assert fiche["budget"] == 50000
    assert fiche["funding"] == [{"source": "Ville", "amount": 20000, "state": "secured"}]
    assert fiche["indicators"] == [
        {
            "kind": "result",
            "label": "Personnes autonomes après 3 mois",
            "target": "60 %",
            "source": "Enquête",
        }
    ]
    assert fiche["status"] == "running"
    assert [(m["month"], m["label"]) for m in kept["milestones"]] == [("2025-03", "Lancement")]
    assert kept["capabilities"] == {
        "today": {"rights": 1, "health": 2, "social_ties": 1},
        "targeted": {"rights": 4, "health": 3, "social_ties": 3},
    }

    # A reload: the page shows it all again.
    page.reload()
    wait_connected(page)
    dialog = open_fiche(page)
    expect(dialog.locator("input[name=title]")).to_have_value("Ateliers numériques au centre social")
    expect(dialog.locator("textarea[name=general_objective]")).to_have_value(
        "Rendre les habitants autonomes en ligne."
    )
    expect(dialog.locator("[data-field=operational_objectives] li textarea")).to_have_value(
        "Ouvrir deux créneaux par semaine"
    )
    expect(dialog.locator("[data-field=target_groups] input[value=seniors]")).to_be_checked()
    expect(dialog.locator("[data-field=lead] select")).to_have_value("ccas")
    expect(dialog.locator("[data-field=partners] li select")).to_have_value("maison-des-jeunes")
    expect(dialog.locator("[data-field=partners] li input")).to_have_value("Accueille les ateliers")
    expect(dialog.locator("input[name=budget]")).to_have_value("50000")
    expect(dialog.locator("[data-field=funding] li .fiche-source")).to_have_value("Ville")
    expect(dialog.locator("[data-field=funding] li .fiche-amount")).to_have_value("20000")
    expect(dialog.locator("[data-field=funding] li .fiche-state")).to_have_value("secured")
    expect(dialog.locator("[data-field=indicators] li .fiche-ind-kind")).to_have_value("result")
    expect(dialog.locator("[data-field=indicators] li .fiche-ind-label")).to_have_value(
        "Personnes autonomes après 3 mois"
    )
    expect(dialog.locator("[data-field=status] select")).to_have_value("running")
    expect(dialog.locator(".fiche-milestone")).to_contain_text("Lancement")
    for series, levels in (
        ("today", {"rights": 1, "health": 2}),
        ("targeted", {"rights": 4, "health": 3}),
    ):
        dialog.locator(f".fiche-series-tab[data-series='{series}']").click()
        for axis, level in levels.items():
            expect(
                dialog.locator(f".fiche-score[data-axis='{axis}'] .fiche-level[data-level='{level}']")
            ).to_have_attribute("aria-pressed", "true")
    # the picture has a text alternative naming the levels
    alt = dialog.locator("svg.radar").get_attribute("aria-label") or ""
    assert "Toile des capabilités" in alt and "Aujourd’hui" in alt
    assert (
        dialog.locator(".fiche-print").get_attribute("href")
        == f"/boards/{scene.board}/actions/{ACTION}/print"
    )

    # The residents' solution behind the action, with the way to it.
    source = dialog.locator(f".fiche-source[data-item='{SOLUTION}']")
    expect(source).to_contain_text("Des permanences pour les démarches en ligne")
    link = source.get_by_role("link", name="Voir sur la fresque")
    assert link.get_attribute("href") == f"/boards/{scene.ws.board}?item={SOLUTION}"
    assert devices.errors == []


def test_live_changes_show_but_never_overwrite_what_is_being_typed(
    devices: Devices, app: ServerProcess, scene: Scene
) -> None:
    page = devices.signed_in_at_board(scene.ws.token, scene.board, TABLET)
    dialog = open_fiche(page)
    title = dialog.locator("input[name=title]")
    title.click()
    title.fill("Mon titre en cours")  # not sent yet: the focus is still in it
    assert seeded(
        app,
        scene.board,
        scene.ws.token,
        [
            {
                "op": "action.update",
                "id": ACTION,
                "set": {"risks": "Salle partagée", "title": "Titre d'ailleurs"},
            }
        ],
    )
    expect(dialog.locator("textarea[name=risks]")).to_have_value("Salle partagée")
    expect(title).to_have_value("Mon titre en cours")
    title.press("Tab")
    settled(page)
    assert fiche_of(app, scene.board, scene.ws.token)["fiche"]["title"] == "Mon titre en cours"
    # typing is sent once, when the field is left: not per keystroke
    before = page.evaluate("() => window.fresque.store.inner.counter")
    calendar = dialog.locator("textarea[name=calendar]")
    calendar.click()
    page.keyboard.type("Chaque mercredi matin", delay=15)
    calendar.press("Tab")
    settled(page)
    assert page.evaluate("() => window.fresque.store.inner.counter") == before + 1
    assert fiche_of(app, scene.board, scene.ws.token)["fiche"]["calendar"] == "Chaque mercredi matin"
    # an empty title is refused here, in words, and not sent
    title.fill("   ")
    title.press("Tab")
    expect(dialog.locator("[data-field=title] .fiche-error")).to_have_text("La fiche a besoin d’un titre.")
    assert fiche_of(app, scene.board, scene.ws.token)["fiche"]["title"] == "Mon titre en cours"
    assert devices.errors == []


def test_the_picker_makes_one_linked_draft_per_chosen_solution(
    devices: Devices, app: ServerProcess, scene: Scene
) -> None:
    page = devices.signed_in_at_board(scene.ws.token, scene.board, TABLET)
    page.locator("#from-ideas").click()
    picker = page.locator(".picker-dialog")
    expect(picker).to_be_visible()
    row = picker.locator(f".picker-row[data-item='{SOLUTION}']")
    expect(row).to_contain_text("Des permanences pour les démarches en ligne")
    expect(row).to_contain_text("Déjà reprise par 1 action")
    row.locator("input[type=checkbox]").check()
    picker.get_by_role("button", name="Créer les actions (1)").click()
    expect(picker).to_have_count(0)
    settled(page)
    made = page.evaluate(
        """(id) => [...window.fresque.store.view().actions.values()].filter((a) => a.id !== id)
             .map((a) => ({lane: a.lane, title: a.fiche.title, status: a.fiche.status,
                           links: a.links}))""",
        ACTION,
    )
    assert made == [
        {
            "lane": "create",
            "title": "Des permanences pour les démarches en ligne",
            "status": "draft",
            "links": [{"board": scene.ws.board, "item": SOLUTION}],
        }
    ]
    assert devices.errors == []


@pytest.mark.parametrize(
    ("name", "device"),
    [("phone", PHONE), ("tablet", TABLET), ("1920", WALL)],
)
def test_screenshots_of_the_fiche_and_its_web(
    devices: Devices, app: ServerProcess, scene: Scene, name: str, device: dict[str, Any]
) -> None:
    assert seeded(
        app,
        scene.board,
        scene.ws.token,
        [
            {
                "op": "action.update",
                "id": ACTION,
                "set": {
                    "title": "Ateliers numériques au centre social",
                    "number": "A2.1",
                    "status": "validated",
                    "priority": "high",
                    "lead": "ccas",
                    "budget": 50000,
                    "funding": [
                        {"source": "Ville", "amount": 20000, "state": "secured"},
                        {"source": "CAF", "amount": 15000, "state": "requested"},
                    ],
                    "operational_objectives": ["Ouvrir deux créneaux par semaine", "Former quatre bénévoles"],
                    "partners": [{"organisation": "caf", "role": "Cofinance et relaie"}],
                    "target_groups": ["seniors", "parents"],
                },
            },
            *(
                {"op": "capability.set", "id": ACTION, "series": s, "axis": a, "level": lv}
                for s, levels in (
                    (
                        "today",
                        {"rights": 1, "work_training": 1, "health": 2, "social_ties": 2, "online_safety": 0},
                    ),
                    (
                        "targeted",
                        {"rights": 4, "work_training": 2, "health": 3, "social_ties": 3, "online_safety": 3},
                    ),
                )
                for a, lv in levels.items()
            ),
        ],
    )
    page = devices.signed_in_at_board(scene.ws.token, scene.board, device)
    dialog = open_fiche(page)
    expect(dialog.locator("svg.radar .radar-serie")).to_have_count(2)
    page.wait_for_timeout(300)  # the sheet's slide-in animation, for the picture only
    shoot(page, f"{name}")
    dialog.locator("[data-section=capabilities] .fiche-radar").scroll_into_view_if_needed()
    shoot(page, f"radar-{name}")
    dialog.locator("[data-section=means]").scroll_into_view_if_needed()
    shoot(page, f"means-{name}")
    dialog.locator("[data-section=sources]").scroll_into_view_if_needed()
    shoot(page, f"sources-{name}")
    # nothing wider than the screen
    overflow = page.evaluate(
        "() => { const d = document.querySelector('.fiche-dialog'); return d.scrollWidth - d.clientWidth; }"
    )
    assert overflow <= 1
    assert devices.errors == []


TOUCH_MIN = 48
DIALOG_TARGETS = """() => {
  const out = [];
  const dialog = document.querySelector('dialog[open]');
  const targets = 'button, a[href], select, input, textarea, label.fiche-lane, label.fiche-check';
  for (const el of dialog.querySelectorAll(targets)) {
    const style = getComputedStyle(el);
    if (style.visibility !== 'visible' || el.closest('[hidden]')) continue;
    if (el.matches('.fiche-lane input, .fiche-check input')) continue;   // their label is the target
    const r = el.getBoundingClientRect();
    if (r.width <= 1 || r.height <= 1) continue;
    out.push({what: el.tagName.toLowerCase() + '.' + (el.className || ''),
              name: (el.getAttribute('aria-label') || el.textContent || '').trim().slice(0, 30),
              w: Math.round(r.width), h: Math.round(r.height)});
  }
  return out;
}"""


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_fiche_and_the_picker_pass_axe_with_big_enough_targets(
    devices: Devices, app: ServerProcess, scene: Scene, lang: str, axe: Any
) -> None:
    page = devices.signed_in_at_board(scene.ws.token, scene.board, PHONE, lang)
    dialog = open_fiche(page)
    expect(dialog.locator("svg.radar")).to_have_count(1)
    if lang == "ar":
        assert (
            page.evaluate("() => getComputedStyle(document.querySelector('.fiche-dialog')).direction")
            == "rtl"
        )
        expect(dialog.locator(".fiche-span")).to_have_text("يناير 2025 ← ديسمبر 2025")
    shoot(page, f"phone-{lang}")
    dialog.locator("[data-section=capabilities] .fiche-radar").scroll_into_view_if_needed()
    shoot(page, f"radar-phone-{lang}")
    dialog.locator("[data-section=capabilities] .fiche-scores").scroll_into_view_if_needed()
    shoot(page, f"scores-phone-{lang}")
    small = [t for t in page.evaluate(DIALOG_TARGETS) if t["w"] < TOUCH_MIN - 0.5 or t["h"] < TOUCH_MIN - 0.5]
    assert small == [], small
    check_axe(axe, page, f"fiche-{lang}", ".fiche-dialog")
    dialog.locator(".fiche-close").click()
    expect(dialog).to_have_count(0)

    page.locator("#from-ideas").click()
    picker = page.locator(".picker-dialog")
    expect(picker.locator(".picker-row")).to_have_count(2)
    shoot(page, f"picker-phone-{lang}")
    check_axe(axe, page, f"picker-{lang}", ".picker-dialog")
    assert devices.errors == []


def test_a_participant_reads_the_fiche_when_the_step_closes_it_and_writes_when_it_opens(
    devices: Devices, app: ServerProcess, scene: Scene
) -> None:
    assert seeded(app, scene.board, scene.ws.token, [{"op": "board.update", "phase": "vote"}])
    # the scene's workshop keeps the join code its creation gave (the way in a participant is shown)
    page = devices.resident(scene.ws, TABLET, "Amina", "green")
    open_board(page, app, scene.board)
    dialog = open_fiche(page)
    expect(dialog.locator(".fiche-readonly")).to_be_visible()
    expect(dialog.locator("input[name=title]")).to_be_disabled()
    expect(dialog.locator(".fiche-level").first).to_be_disabled()
    # the series can still be looked at one after the other
    dialog.locator(".fiche-series-tab[data-series='targeted']").click()
    expect(dialog.locator(".fiche-series-tab[data-series='targeted']")).to_have_attribute(
        "aria-pressed", "true"
    )
    # the facilitator opens the fiches step: the open fiche becomes writable, live
    assert seeded(app, scene.board, scene.ws.token, [{"op": "board.update", "phase": "fiches"}])
    expect(dialog.locator("input[name=title]")).to_be_enabled()
    expect(dialog.locator(".fiche-readonly")).to_be_hidden()
    dialog.locator("textarea[name=risks]").fill("Bénévoles à fidéliser")
    dialog.locator("textarea[name=risks]").press("Tab")
    settled(page)
    assert fiche_of(app, scene.board, scene.ws.token)["fiche"]["risks"] == "Bénévoles à fidéliser"
    # the lane is a card's move: closed at this step
    expect(dialog.locator("[data-field=positioning] input").first).to_be_disabled()
    assert devices.errors == []


def test_from_the_fiche_link_another_solution_then_take_the_link_back(
    devices: Devices, app: ServerProcess, scene: Scene
) -> None:
    page = devices.signed_in_at_board(scene.ws.token, scene.board, TABLET)
    dialog = open_fiche(page)
    sources = dialog.locator(".fiche-source")
    expect(sources).to_have_count(1)
    dialog.get_by_role("button", name="Relier une solution des habitants").click()
    picker = page.locator(".picker-dialog")
    expect(picker.locator("h2")).to_have_text("Relier à cette action")
    linked = picker.locator(f".picker-row[data-item='{SOLUTION}']")
    expect(linked).to_contain_text("Déjà reliée à cette action")
    expect(linked.locator("input")).to_be_disabled()
    picker.locator(f".picker-row[data-item='{OTHER}'] input").check()
    picker.get_by_role("button", name="Relier à cette action (1)").click()
    expect(picker).to_have_count(0)
    expect(dialog.locator(f".fiche-source[data-item='{OTHER}']")).to_contain_text("Un bus le soir")
    settled(page)
    assert {(link["item"]) for link in fiche_of(app, scene.board, scene.ws.token)["links"]} == {
        SOLUTION,
        OTHER,
    }
    dialog.locator(f".fiche-source[data-item='{OTHER}']").get_by_role(
        "button", name="Retirer le lien"
    ).click()
    expect(sources).to_have_count(1)
    settled(page)
    assert [link["item"] for link in fiche_of(app, scene.board, scene.ws.token)["links"]] == [SOLUTION]
    assert devices.errors == []


def test_the_lane_is_chosen_in_the_fiche_with_the_keyboard(
    devices: Devices, app: ServerProcess, scene: Scene
) -> None:
    page = devices.signed_in_at_board(scene.ws.token, scene.board, TABLET)
    dialog = open_fiche(page)
    reinforce = dialog.locator("[data-field=positioning] input[value=reinforce]")
    reinforce.focus()
    page.keyboard.press("Space")
    expect(reinforce).to_be_checked()
    expect(reinforce).to_be_focused()
    settled(page)
    assert fiche_of(app, scene.board, scene.ws.token)["lane"] == "reinforce"
    expect(page.locator(".tl-card[data-id='action-fiche01']")).to_have_count(1)
    assert devices.errors == []
