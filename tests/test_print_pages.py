"""The printable pages of an action fresco (`fresque.print_pages`): the views as pure functions of a board
(words per language, money, packing bars on rows, cutting titles), and the pages served by a real
`fresque serve` with every field of the fiche in the HTML, for any session of the workshop only."""

from __future__ import annotations

import re
from html import unescape
from typing import Any

import pytest
from fresque.api.board_exports import Labeller
from fresque.core.action_settings import default_settings
from fresque.core.actions import ActionBoard
from fresque.print_pages import (
    LABEL_W,
    WIDTH,
    fiche_view,
    fit,
    money,
    ordered_actions,
    pack,
    timeline_view,
)
from support.server import ServerProcess
from support.workshop import Workshop, new_item_id, solution


def board() -> ActionBoard:
    b = ActionBoard(settings=default_settings("Schéma 2025-2028", "2025-01", "2028-12"))
    b.create_action(
        "act-000001", author="p1", lane="create", start="2025-01", end="2026-06", fiche={"title": "Ateliers"}
    )
    b.update_fiche(
        "act-000001",
        {
            "number": "A2.1",
            "lead": "ccas",
            "partners": [{"organisation": "caf", "role": "Cofinance"}],
            "target_groups": ["seniors"],
            "budget": 50000,
            "funding": [
                {"source": "Ville", "amount": 20000, "state": "secured"},
                {"source": "CAF", "amount": 15000, "state": "requested"},
                {"source": "Région", "amount": 5000, "state": "requested"},
            ],
            "priority": "high",
            "indicators": [
                {"kind": "result", "label": "Personnes autonomes", "target": "60 %", "source": ""}
            ],
        },
    )
    b.set_capability("act-000001", "targeted", "rights", 4)
    b.add_milestone("act-000001", "mile-000001", "2025-03", "Lancement")
    b.create_action(
        "act-000002",
        author="p1",
        lane="continue",
        start="2025-01",
        end="2025-03",
        fiche={"title": "Permanences"},
    )
    b.create_action(
        "act-000003", author="p1", lane="continue", start="2025-04", end="2025-06", fiche={"title": "Suite"}
    )
    b.create_action(
        "act-000004", author="p1", lane="continue", start="2025-01", end="2025-12", fiche={"title": "Longue"}
    )
    return b


def test_a_fiche_in_words_of_each_language() -> None:
    snapshot = board().to_snapshot()
    action = next(a for a in snapshot["actions"] if a["id"] == "act-000001")
    fr = fiche_view(
        snapshot, action, Labeller(snapshot["settings"], "fr"), board_id="b", index=3, solutions={}
    )
    assert (fr["ref"], fr["lane"], fr["lead"], fr["priority"]) == ("A2.1", "Nouvelle", "CCAS", "Haute")
    assert (fr["start"], fr["end"], fr["duration"]) == ("janv. 2025", "juin 2026", "18 mois")
    assert fr["partners"] == [{"name": "CAF", "role": "Cofinance"}]
    assert fr["target_groups"] == ["Seniors"]
    assert fr["budget"] == "50\u202f000\u00a0€"
    totals = {t["state_id"]: t["amount"] for t in fr["funding_totals"]}
    assert totals == {
        "planned": "0\u00a0€",
        "requested": "20\u202f000\u00a0€",
        "secured": "20\u202f000\u00a0€",
    }
    assert fr["to_secure"] == "30\u202f000\u00a0€"
    assert fr["milestones"] == [{"month": "mars 2025", "label": "Lancement"}]
    assert fr["indicators"][0]["kind"] == "Résultat"
    assert fr["axes"][0] == {"label": "Accès aux droits et démarches", "levels": [None, 4]}
    assert fr["radar_url"] == "/api/boards/b/actions/act-000001/radar.png?size=800&lang=fr"
    en = fiche_view(
        snapshot, action, Labeller(snapshot["settings"], "en"), board_id="b", index=3, solutions={}
    )
    assert (en["lane"], en["budget"], en["start"], en["duration"]) == (
        "New",
        "€50,000",
        "Jan 2025",
        "18 months",
    )
    ar = fiche_view(
        snapshot, action, Labeller(snapshot["settings"], "ar"), board_id="b", index=3, solutions={}
    )
    assert ar["lane"] == "جديد" and ar["start"] == "يناير 2025"
    one = next(a for a in snapshot["actions"] if a["id"] == "act-000002")
    assert (
        fiche_view(snapshot, one, Labeller(snapshot["settings"], "en"), board_id="b", index=1, solutions={})[
            "duration"
        ]
        == "3 months"
    )
    monthly = fiche_view(
        snapshot,
        {**one, "end": "2025-01"},
        Labeller(snapshot["settings"], "en"),
        board_id="b",
        index=1,
        solutions={},
    )
    assert (monthly["duration"], monthly["period"]) == ("1 month", "Jan 2025")
    assert fr["period"] == "de janv. 2025 à juin 2026"


def test_money_per_language() -> None:
    assert money(1234567, "fr") == "1\u202f234\u202f567\u00a0€"
    assert money(1234567, "en") == "€1,234,567"
    assert money(0, "ar") == "0\u00a0€"
    assert money(None, "fr") == ""


def test_the_timeline_packs_bars_and_marks_today() -> None:
    snapshot = board().to_snapshot()
    view = timeline_view(snapshot, Labeller(snapshot["settings"], "fr"), today="2026-11")
    assert [c.label for c in view["columns"][:5]] == ["T1", "T2", "T3", "T4", "T1"]
    assert [y["label"] for y in view["years"]] == ["2025", "2026", "2027", "2028"]
    assert view["columns"][0].x == LABEL_W and view["columns"][4].strong
    continue_lane = view["lanes"][0]
    assert continue_lane["label"] == "À poursuivre" and continue_lane["count"] == 3
    # Permanences (T1) and Suite (T2) share a row; Longue (the whole year) needs its own.
    rows = {bar["id"]: bar["y"] for bar in continue_lane["bars"]}
    assert rows["act-000002"] == rows["act-000003"] != rows["act-000004"]
    assert continue_lane["summary"] == "À poursuivre\u00a0: 3 actions"
    assert view["lanes"][1]["summary"] == "À renforcer\u00a0: 0 action" or view["lanes"][1]["count"] == 0
    chart = WIDTH - LABEL_W
    assert view["today_x"] == pytest.approx(LABEL_W + (22 + 0.5) * chart / 48, abs=0.01)
    assert timeline_view(snapshot, Labeller(snapshot["settings"], "fr"), today="2030-01")["today_x"] is None
    first = next(b for b in view["lanes"][2]["bars"] if b["id"] == "act-000001")
    assert first["text"].startswith("A2.1") and first["milestones"][0]["x"] == pytest.approx(
        LABEL_W + 2.5 * chart / 48, abs=0.01
    )
    assert [i["ref"] for i in view["index"]] == ["#1", "#2", "#3", "A2.1"]  # by lane, then start
    assert view["index"][3]["milestones"] == [{"month": "mars 2025", "label": "Lancement"}]
    months = timeline_view(
        {
            **snapshot,
            "settings": {
                **snapshot["settings"],
                "timeline": {"start": "2025-01", "end": "2025-12", "scale": "month"},
            },
        },
        Labeller(snapshot["settings"], "en"),
    )
    assert [c.label for c in months["columns"][:3]] == ["Jan", "Feb", "Mar"]


def test_titles_are_cut_to_fit_and_rows_packed() -> None:
    assert fit("Ateliers", 100) == "Ateliers"
    cut = fit("Médiation numérique à domicile pour les seniors isolés", 20)
    assert cut.endswith("…") and len(cut) < 20
    assert fit("Long", 0.5) == ""
    bars = [
        {"first": 0, "last": 2},
        {"first": 3, "last": 5},
        {"first": 1, "last": 4},
        {"first": 5, "last": 6},
    ]
    assert [[(b["first"], b["last"]) for b in row] for row in pack(bars)] == [
        [(0, 2), (3, 5)],
        [(1, 4), (5, 6)],
    ]


def test_ordered_by_lane_then_start() -> None:
    snapshot = board().to_snapshot()
    assert [a["id"] for a in ordered_actions(snapshot)] == [
        "act-000004",
        "act-000002",
        "act-000003",
        "act-000001",
    ]  # same start: by title


# -- served --------------------------------------------------------------------------------------------------


def text_of(html: str) -> str:
    """The words a reader sees: scripts left out, tags as spaces, runs of ASCII white space as one space
    (no-break spaces are kept: they are part of the typography under test)."""
    html = re.sub(r"<script[^>]*>.*?</script>", " ", html, flags=re.S)
    return unescape(re.sub(r"[ \t\r\n]+", " ", re.sub(r"<[^>]+>", " ", html)))


@pytest.fixture
def workshop(server: ServerProcess) -> Workshop:
    return Workshop.create(server)


async def test_served_pages_show_every_field(workshop: Workshop) -> None:
    from test_board_exports import ARABIC_TITLE, Plan

    plan = Plan(workshop)
    await plan.fill()
    server = workshop.server
    page = server.get(f"/boards/{plan.board}/actions/{plan.first}/print", workshop.token("Karim"))
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    html = page.text
    assert '<link rel="stylesheet" href="/static/css/print.css">' in html
    assert 'src="/static/js/pages/print.js"' in html
    words = text_of(html)
    for expected in (
        "Fiche action",
        "A2.1",
        "Ateliers numériques au centre social",
        "Accompagner les publics éloignés",  # axis
        "Nouvelle",  # lane
        "de janv. 2025 à déc. 2025 (12 mois)",
        "Les seniors n'osent pas demander.",
        "Un atelier numérique le samedi matin",  # the residents' solution behind it
        "Rendre autonomes les habitants dans leurs démarches",
        "Ouvrir 2 créneaux par semaine",
        "Seniors, Parents",
        "Jas-de-Bouffan, Encagnane",
        "CCAS",
        "Pilote de l’action",
        "CAF Cofinance",
        "Les Amis du Jas Accueil des ateliers",
        "1 conseiller numérique, 4 bénévoles",
        "10 tablettes",
        "50\u202f000\u00a0€",
        "Ville acquis 20\u202f000\u00a0€",
        "Total demandé 15\u202f000\u00a0€",
        "Reste à financer (budget − acquis) 30\u202f000\u00a0€",
        "Chaque mercredi hors vacances",
        "mars 2025 Lancement",
        "Réalisation Ateliers tenus 80 CCAS",
        '=HYPERLINK("http://example.org";"cliquez")',  # text on a page is only text
        "Haute",
        "Validée",
        "Toile des capabilités",
        "Je le fais seul et j’aide les autres",
        "Imprimer",
    ):
        assert expected in words, expected
    assert f'src="/api/boards/{plan.board}/actions/{plan.first}/radar.png?size=800&amp;lang=fr"' in html
    # the levels written out beside the picture: rights today 1, targeted 4
    assert re.search(
        r"Accès aux droits et démarches</th><td class=\"num\">1</td><td class=\"num\">4</td>", html
    )

    english = server.get(f"/boards/{plan.board}/actions/{plan.first}/print?lang=en", workshop.token("Karim"))
    assert "Action sheet" in english.text and "€50,000" in english.text and "lang=en" in english.text

    timeline = server.get(f"/boards/{plan.board}/print", workshop.token("Amina"))
    assert timeline.status_code == 200
    assert timeline.text.count('class="plan-lane"') == 3
    assert timeline.text.count('<g class="plan-bar') == 2
    assert ARABIC_TITLE in timeline.text and "Toutes les fiches" in timeline.text
    every = server.get(f"/boards/{plan.board}/print?fiches=1", workshop.token("Amina"))
    assert every.text.count('<article class="sheet fiche"') == 2

    # Who may print: the workshop's sessions; others are told no, strangers go and join.
    assert server.get(f"/boards/{plan.board}/print").status_code == 303  # httpx does not follow
    other = Workshop.create(server, residents=())
    assert server.get(f"/boards/{plan.board}/print", other.facilitator_token).status_code == 403
    assert (
        server.get(f"/boards/{plan.board}/actions/act-none00/print", workshop.token("Amina")).status_code
        == 404
    )
    assert server.get(f"/boards/{workshop.board_id}/print", workshop.token("Amina")).status_code == 404


async def test_a_moderated_solution_is_not_printed_for_participants(workshop: Workshop) -> None:
    from test_board_exports import Plan, ack

    plan = Plan(workshop)
    await plan.fill()
    fac = workshop.client()
    await fac.connect()
    await ack(fac, [{"op": "item.hide", "id": plan.solution, "hidden": True}])
    await fac.close()
    url = f"/boards/{plan.board}/actions/{plan.first}/print"
    karim = text_of(workshop.server.get(url, workshop.token("Karim")).text)
    assert "Un atelier numérique le samedi matin" not in karim
    assert "Solution retirée du tableau des habitants" in karim
    facilitator = text_of(workshop.server.get(url, workshop.facilitator_token).text)
    assert "Un atelier numérique le samedi matin" in facilitator


async def test_a_deleted_solution_still_shows_the_link_said_gone(workshop: Workshop) -> None:
    from test_board_exports import ack, add_actions_board

    board = add_actions_board(workshop)
    sol = new_item_id("sol")
    resident = workshop.client("Amina")
    await resident.connect()
    await ack(resident, [solution(sol, text="Une aide le soir")])
    fac = workshop.client(board_id=board)
    await fac.connect()
    action = new_item_id("act")
    this_year = fac.welcome["snapshot"]["settings"]["timeline"]["start"]  # type: ignore[index]
    created: dict[str, Any] = {
        "op": "action.create",
        "id": action,
        "lane": "create",
        "start": this_year,
        "end": this_year,
        "fiche": {"title": "Aide du soir"},
        "links": [{"board": workshop.board_id, "item": sol}],
    }
    await ack(fac, [created])
    await ack(resident, [{"op": "item.delete", "id": sol}])
    for c in (resident, fac):
        await c.close()
    page = workshop.server.get(f"/boards/{board}/actions/{action}/print", workshop.facilitator_token)
    assert "Solution retirée du tableau des habitants" in text_of(page.text)
    exported = workshop.export(board)
    assert exported["actions"][0]["links"][0]["label"] is None
