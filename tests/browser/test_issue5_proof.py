"""The end-to-end proof of issue 5 (the chronological action fresco), in one story on a real Fresque server.

1. Residents of a workshop, on its exploration board (real ops over WebSockets, each with their own
   session), place an activity → a difficulty → a solution « Un atelier le samedi matin » joined by threads,
   and a second solution; their dot votes give the first 3 points and the second 1.
2. The facilitator adds an actions board (POST /api/workshops/{id}/boards {kind: "actions"}).
3. Stakeholder A on a laptop (mouse) and stakeholder B on a touch tablet join with the code and open it.
4. A opens « À partir des idées des habitants »: the most voted solution comes first with its 3 points;
   A makes a draft action of it; B sees the card come.
5. A drags the card with the mouse to another lane and two quarters later; B pulls its end edge with a finger
   two quarters further; both pages show the same lane and dates, in the card's words.
6. B fills the fiche by touch (title, general objective, lead, a partner and its role, budget and a secured
   funding line, an indicator, status) and scores the capabilities web for both series by tapping levels;
   A's page shows the new title live.
7. The fiche's « Ce qui vient des habitants » shows the solution, its 3 points, the activity and the
   difficulty behind it; « Voir sur la fresque » leads to the exploration board with `?item=`, the card lit
   up, wearing « → 1 action »; its list links back to the action on the actions board, which is followed.
8. The JSON and CSV exports hold exactly what was entered; the fiche's print page shows the title and its web.

Screenshots at the key moments: test-results/screenshots/proof-*.png. Waits are Playwright's; no sleep stands
in for an assertion.
"""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from typing import Any

import helpers
import httpx
import pytest
from helpers import (
    LAPTOP,
    TABLET,
    Devices,
    Fingers,
    add_actions_board,
    box_centre,
    chain_to_a_solution,
    lone_solution,
    month_px,
    new_workshop,
    open_board,
    scroll_to_card,
    settled,
    wait_connected,
)
from playwright.sync_api import Page, expect
from support.ops import push
from support.server import ServerProcess

pytestmark = pytest.mark.timeout(180)

TOUCH_TABLET: dict[str, Any] = {**TABLET, "is_mobile": True}  # a tablet: touch, and a mobile browser

ACTIVITY, DIFFICULTY = "act-proof01", "dif-proof01"
SATURDAY, EVENING = "sol-proof01", "sol-proof02"  # the top-voted solution, and another one
SATURDAY_TEXT = "Un atelier le samedi matin"
TITLE = "Ateliers numériques du samedi matin au centre social"
OBJECTIVE = "Que les habitants fassent seuls leurs démarches en ligne."
ROLE = "Cofinance et relaie auprès des familles"
INDICATOR = {
    "kind": "result",
    "label": "Personnes autonomes après 3 mois",
    "target": "60 %",
    "source": "Enquête",
}
TODAY = {"rights": 1, "health": 2, "social_ties": 1}
TARGETED = {"rights": 4, "health": 3, "social_ties": 3}


# -- time on a quarterly timeline ----------------------------------------------------------------------------


def months(ym: str) -> int:
    return int(ym[:4]) * 12 + int(ym[5:]) - 1


def ym(n: int) -> str:
    return f"{n // 12:04d}-{n % 12 + 1:02d}"


def quarter(ym_: str) -> str:
    """How a card says a quarter in French: « T3 2027 »."""
    return f"T{(int(ym_[5:]) - 1) // 3 + 1} {ym_[:4]}"


# -- the scene -----------------------------------------------------------------------------------------------


def shoot(page: Page, name: str) -> None:
    helpers.shoot(page, f"proof-{name}")


def shows(page: Page, action_id: str, lane: str, lane_words: str, start: str, end: str, span: str) -> None:
    """The page holds the action at this lane and these dates, and its card says so (in its lane's row)."""
    page.wait_for_function(
        "([id, lane, start, end]) => { const a = window.fresque.store.view().actions.get(id);"
        " return !!a && a.lane === lane && a.start === start && a.end === end; }",
        arg=[action_id, lane, start, end],
    )
    card = page.locator(f'.tl-lane-body[data-lane="{lane}"] .tl-card[data-id="{action_id}"]')
    expect(card).to_have_count(1)
    expect(card.locator(".tl-card-span")).to_have_text(span)
    expect(card).to_have_attribute("aria-label", re.compile(re.escape(lane_words)))
    expect(card).to_have_attribute("aria-label", re.compile(re.escape(span)))


def test_issue5_from_residents_votes_to_a_planned_action_and_back(
    devices: Devices, app: ServerProcess
) -> None:
    # -- 1. the residents' exploration board, their threads and their votes ----------------------------------
    ws = new_workshop(app)
    amina = app.join(ws.code, "Amina")["token"]
    karim = app.join(ws.code, "Karim")["token"]
    chain = chain_to_a_solution(ACTIVITY, DIFFICULTY, SATURDAY, SATURDAY_TEXT, ("thr-proof01", "thr-proof02"))
    push(
        app,
        ws.board,
        amina,
        [*chain, {"op": "vote.add", "item": SATURDAY}, {"op": "vote.add", "item": SATURDAY}],
    )
    push(
        app,
        ws.board,
        karim,
        [lone_solution(EVENING), {"op": "vote.add", "item": SATURDAY}, {"op": "vote.add", "item": EVENING}],
    )

    # -- 2. the facilitator adds an actions board (a quarterly timeline around this year) --------------------
    board = add_actions_board(app, ws)
    year = date.today().year
    timeline = {"start": f"{year - 1}-01", "end": f"{year + 3}-12", "scale": "quarter"}
    push(app, board, ws.token, [{"op": "board.update", "timeline": timeline}])

    # -- 3. two stakeholders join with the code and open it: a laptop with a mouse, a tablet by touch --------
    a = devices.resident(ws, LAPTOP, "Claire", "green")
    b = devices.resident(ws, TOUCH_TABLET, "Yacine", "orange")
    for page in (a, b):
        open_board(page, app, board)
    assert b.evaluate("() => matchMedia('(pointer: coarse)').matches")  # really a touch screen

    # -- 4. A starts from the residents' ideas: the most voted first, with its points ------------------------
    a.locator("#from-ideas").click()
    picker = a.locator(".picker-dialog")
    expect(picker).to_be_visible()
    rows = picker.locator(".picker-row")
    expect(rows).to_have_count(2)
    expect(rows.nth(0)).to_have_attribute("data-item", SATURDAY)
    expect(rows.nth(0)).to_contain_text(SATURDAY_TEXT)
    expect(rows.nth(0).locator(".picker-facts")).to_contain_text("3 points")
    expect(rows.nth(1)).to_have_attribute("data-item", EVENING)
    expect(rows.nth(1).locator(".picker-facts")).to_contain_text("1 point")
    rows.nth(0).locator("input[type=checkbox]").check()
    shoot(a, "1-picker")
    picker.get_by_role("button", name="Créer les actions (1)").click()
    expect(picker).to_have_count(0)
    settled(a)
    (action,) = a.evaluate("() => [...window.fresque.store.view().actions.keys()]")
    created = a.evaluate(
        "(id) => JSON.parse(JSON.stringify(window.fresque.store.view().actions.get(id)))", action
    )
    assert created["lane"] == "create"
    assert created["fiche"]["title"] == SATURDAY_TEXT and created["fiche"]["status"] == "draft"
    assert created["links"] == [{"board": ws.board, "item": SATURDAY}]
    start0, end0 = created["start"], created["end"]
    assert months(end0) - months(start0) == 2 and int(start0[5:]) in (1, 4, 7, 10), created
    for page in (a, b):  # B sees the card come
        shows(page, action, "create", "Nouvelle", start0, end0, quarter(start0))
        expect(page.locator(f'.tl-card[data-id="{action}"] .tl-card-name')).to_have_text(SATURDAY_TEXT)

    # -- 5a. A drags it with the mouse one lane down (« À renforcer ») and two quarters later ----------------
    card = f'.tl-card[data-id="{action}"]'
    scroll_to_card(a, action)
    x, y = box_centre(a, f"{card} .tl-card-name")
    lane_y = box_centre(a, '.tl-lane-body[data-lane="reinforce"]')[1]
    dx = 2 * 3 * month_px(a) + month_px(a) * 0.4  # a little past two quarters: it snaps back
    a.mouse.move(x, y)
    a.mouse.down()
    for k in range(1, 11):
        a.mouse.move(x + dx * k / 10, y + (lane_y - y) * k / 10)
    expect(a.locator(card)).to_have_class(re.compile(r"\bdragging\b"))
    a.mouse.up()
    settled(a)
    start1, end1 = ym(months(start0) + 6), ym(months(end0) + 6)
    for page in (a, b):
        shows(page, action, "reinforce", "À renforcer", start1, end1, quarter(start1))

    # -- 5b. B pulls its end edge two quarters further with a finger -----------------------------------------
    b.wait_for_function(f"() => document.querySelector('{card}')?.classList.contains('movable')")
    scroll_to_card(b, action)
    box = b.locator(card).bounding_box()
    assert box is not None
    ex, ey = box["x"] + box["width"] - 4, box["y"] + box["height"] / 2
    assert b.evaluate("([x, y]) => !!document.elementFromPoint(x, y)?.closest('.tl-handle-end')", [ex, ey])
    Fingers(b).drag([(ex, ey)], [(ex + 2 * 3 * month_px(b) - 10, ey)], steps=10)
    settled(b)
    end2 = ym(months(end1) + 6)
    span = f"{quarter(start1)} → {quarter(end2)}"
    for page in (a, b):
        shows(page, action, "reinforce", "À renforcer", start1, end2, span)
    shoot(a, "2-moved-laptop")
    shoot(b, "2-resized-tablet")

    # -- 6. B fills the fiche by touch; A sees the new title live --------------------------------------------
    b.locator(f"{card} .tl-card-title").tap()
    b.locator("#actionbar button.fiche").tap()
    fiche = b.locator(".fiche-dialog")
    expect(fiche).to_be_visible()
    expect(fiche.locator("input[name=title]")).to_have_value(SATURDAY_TEXT)

    def fill(locator: Any, value: str) -> None:
        locator.tap()
        locator.fill(value)
        locator.press("Tab")  # a field is sent when it is left

    fill(fiche.locator("input[name=title]"), TITLE)
    expect(a.locator(f"{card} .tl-card-name")).to_have_text(TITLE)  # live on the laptop
    fill(fiche.locator("textarea[name=general_objective]"), OBJECTIVE)
    fiche.locator("[data-field=lead] select").select_option("ccas")
    partners = fiche.locator("[data-field=partners]")
    partners.get_by_role("button", name="Ajouter un partenaire").tap()
    partners.locator("li:last-child select").select_option("caf")
    fill(partners.locator("li:last-child input"), ROLE)
    fill(fiche.locator("input[name=budget]"), "50000")
    funding = fiche.locator("[data-field=funding]")
    funding.get_by_role("button", name="Ajouter un financement").tap()
    line = funding.locator("li:last-child")
    line.locator(".fiche-source").fill("Ville")
    line.locator(".fiche-state").select_option("secured")
    fill(line.locator(".fiche-amount"), "20000")
    expect(funding.locator(".fiche-sum")).to_contain_text("Acquis")
    indicators = fiche.locator("[data-field=indicators]")
    indicators.get_by_role("button", name="Ajouter un indicateur").tap()
    row = indicators.locator("li:last-child")
    row.locator(".fiche-ind-kind").select_option(INDICATOR["kind"])
    row.locator(".fiche-ind-label").fill(INDICATOR["label"])
    row.locator(".fiche-ind-target").fill(INDICATOR["target"])
    fill(row.locator(".fiche-ind-source"), INDICATOR["source"])
    fiche.locator("[data-field=status] select").select_option("validated")
    for series, levels in (("today", TODAY), ("targeted", TARGETED)):
        tab = fiche.locator(f".fiche-series-tab[data-series='{series}']")
        tab.tap()
        expect(tab).to_have_attribute("aria-pressed", "true")
        for axis, level in levels.items():
            button = fiche.locator(f".fiche-score[data-axis='{axis}'] .fiche-level[data-level='{level}']")
            button.tap()
            expect(button).to_have_attribute("aria-pressed", "true")
    expect(fiche.locator("svg.radar .radar-serie")).to_have_count(2)
    settled(b)
    a.wait_for_function(
        "(id) => window.fresque.store.view().actions.get(id)?.capabilities?.targeted?.social_ties === 3",
        arg=action,
    )
    fiche.locator("[data-section=capabilities] .fiche-radar").scroll_into_view_if_needed()
    shoot(b, "3-fiche-web-tablet")

    # -- 7. what comes from the residents, and the way back to it --------------------------------------------
    source = fiche.locator(f".fiche-source[data-item='{SATURDAY}']")
    source.scroll_into_view_if_needed()
    expect(source.locator(".fiche-source-title")).to_have_text(SATURDAY_TEXT)
    expect(source).to_contain_text("3 points")
    expect(source.locator(".fiche-chain-activities")).to_contain_text("Aller au travail")
    expect(source.locator(".fiche-chain-difficulties")).to_contain_text("Pas d'appareil, en panne")
    shoot(b, "4-fiche-sources-tablet")
    see = source.get_by_role("link", name="Voir sur la fresque")
    assert see.get_attribute("href") == f"/boards/{ws.board}?item={SATURDAY}"
    see.tap()
    b.wait_for_url(f"**/boards/{ws.board}?item={SATURDAY}")
    wait_connected(b)
    solution = b.locator(f'.item[data-id="{SATURDAY}"]')
    expect(solution).to_have_class(re.compile(r"(^|\s)flash(\s|$)"))
    badge = solution.locator(".answers-badge")
    expect(badge).to_have_text("→ 1 action")
    expect(b.locator(f'.item[data-id="{EVENING}"] .answers-badge')).to_have_count(0)
    shoot(b, "5-fresque-item-tablet")
    badge_box = badge.bounding_box()
    assert badge_box is not None
    b.touchscreen.tap(badge_box["x"] + badge_box["width"] / 2, badge_box["y"] + badge_box["height"] / 2)
    answers = b.locator("#sheet a.answer-link")
    expect(answers).to_have_count(1)
    expect(answers).to_contain_text(TITLE)
    assert answers.get_attribute("href") == f"/boards/{board}?action={action}"
    answers.tap()
    b.wait_for_url(f"**/boards/{board}?action={action}")
    wait_connected(b)
    back = b.locator(card)
    expect(back).to_contain_text(TITLE)
    expect(back).to_have_class(re.compile(r"\bselected\b"))  # `?action=` selects the card it names
    expect(back).to_be_in_viewport()
    shoot(b, "6-back-on-the-action-tablet")

    # -- 8. the exports hold what was entered; the print page shows the fiche and its web --------------------
    bearer = {"Authorization": f"Bearer {ws.token}"}
    response = httpx.get(f"{app.base_url}/api/boards/{board}/export", headers=bearer, timeout=10)
    assert response.status_code == 200, response.text
    document = response.json()
    assert document["board"]["kind"] == "actions"
    (kept,) = document["actions"]
    assert kept["id"] == action
    assert (kept["lane"], kept["start"], kept["end"]) == ("reinforce", start1, end2)
    kept_fiche = kept["fiche"]
    assert kept_fiche["title"] == TITLE
    assert kept_fiche["general_objective"] == OBJECTIVE
    assert kept_fiche["lead"] == "ccas"
    assert kept_fiche["partners"] == [{"organisation": "caf", "role": ROLE}]
    assert kept_fiche["budget"] == 50000
    assert kept_fiche["funding"] == [{"source": "Ville", "amount": 20000, "state": "secured"}]
    assert kept_fiche["indicators"] == [INDICATOR]
    assert kept_fiche["status"] == "validated"
    assert kept["capabilities"] == {"today": TODAY, "targeted": TARGETED}
    # the link, with what a reader of the export needs to know what it points at
    assert kept["links"] == [
        {
            "board": ws.board,
            "item": SATURDAY,
            "board_title": "Atelier Jas-de-Bouffan",
            "label": SATURDAY_TEXT,
        }
    ]

    response = httpx.get(f"{app.base_url}/api/boards/{board}/export.csv", headers=bearer, timeout=10)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    (line_of,) = list(csv.DictReader(io.StringIO(response.content.decode("utf-8").removeprefix("\ufeff"))))
    assert line_of["id"] == action
    assert (line_of["title"], line_of["lane"], line_of["lane_label"]) == (TITLE, "reinforce", "À renforcer")
    assert (line_of["start"], line_of["end"]) == (start1, end2)
    assert line_of["general_objective"] == OBJECTIVE
    assert line_of["lead"] == "CCAS"
    assert line_of["partners"] == f"CAF ({ROLE})"
    assert line_of["budget"] == "50000"
    assert line_of["funding_secured"] == "Ville: 20000"
    assert line_of["funding_requested"] == "" and line_of["funding_planned"] == ""
    assert line_of["indicators"] == "result: Personnes autonomes après 3 mois → 60 % (Enquête)"
    assert line_of["status"] == "validated"
    for axis, level in TODAY.items():
        assert line_of[f"today:{axis}"] == str(level)
    for axis, level in TARGETED.items():
        assert line_of[f"targeted:{axis}"] == str(level)
    assert line_of["today:work_training"] == ""  # not scored is not 0
    assert line_of["links"] == f"{ws.board}/{SATURDAY}"

    a.goto(f"{app.base_url}/boards/{board}/actions/{action}/print")
    expect(a.locator("body")).to_contain_text(TITLE)
    expect(a.get_by_role("heading", name=TITLE)).to_be_visible()
    a.wait_for_function(
        "() => { const img = document.querySelector('img.fiche-radar');"
        " return !!img && img.complete && img.naturalWidth > 0; }"
    )
    a.locator("img.fiche-radar").scroll_into_view_if_needed()
    shoot(a, "7-print-laptop")
