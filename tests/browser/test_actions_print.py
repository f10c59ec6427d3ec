"""The printable pages of an action fresco in Chromium: a fiche action on A4 portrait with its capabilities
web, the timeline on A4 landscape, every fiche one per page; in print media (header, switcher and « Imprimer »
hidden), as PDF (page size and count), and screenshots of both (saved for a person to look at), in French
and Arabic."""

from __future__ import annotations

import io
from typing import Any

import pytest
from helpers import MM, SHOTS, add_actions_board, new_workshop, pdf_pages, seed
from playwright.sync_api import Browser, Page
from support.server import ServerProcess


def plan_ops(residents_board: str, solution: str) -> list[dict[str, Any]]:
    """A city's action plan as stakeholders would fill it: eight actions over three lanes."""

    def create(aid: str, lane: str, start: str, end: str, title: str, **fiche: Any) -> dict[str, Any]:
        return {
            "op": "action.create",
            "id": aid,
            "lane": lane,
            "start": start,
            "end": end,
            "fiche": {"title": title, **fiche},
        }

    return [
        {"op": "board.update", "timeline": {"start": "2025-01", "end": "2028-12"}},
        {"op": "list.add", "list": "organisations", "id": "amis-du-jas", "label": "Les Amis du Jas"},
        {
            **create(
                "act-print01",
                "create",
                "2025-01",
                "2026-06",
                "Ateliers numériques au centre social",
                number="A2.1",
                axis="Accompagner les publics éloignés du numérique",
                findings=(
                    "Les seniors n'osent pas demander de l'aide.\n"
                    "Les démarches CAF en ligne bloquent les familles."
                ),
                general_objective="Rendre les habitants autonomes dans leurs démarches en ligne.",
                operational_objectives=[
                    "Ouvrir deux créneaux par semaine",
                    "Former quatre bénévoles",
                    "Prêter des tablettes",
                ],
                target_groups=["seniors", "parents", "newcomers_fle"],
                territory=["Jas-de-Bouffan", "Encagnane"],
                lead="ccas",
                partners=[
                    {"organisation": "caf", "role": "Cofinance et relaie"},
                    {"organisation": "amis-du-jas", "role": "Accueil des ateliers"},
                ],
                human_means="1 conseiller numérique (0,5 ETP), 4 bénévoles",
                material_means="10 tablettes, une salle équipée",
                budget=50000,
                funding=[
                    {"source": "Ville", "amount": 20000, "state": "secured"},
                    {"source": "CAF", "amount": 15000, "state": "requested"},
                    {"source": "État (France Services)", "amount": 10000, "state": "planned"},
                ],
                calendar="Chaque mercredi et samedi matin, hors vacances scolaires",
                priority="high",
                indicators=[
                    {"kind": "output", "label": "Ateliers tenus", "target": "80 par an", "source": "CCAS"},
                    {
                        "kind": "result",
                        "label": "Personnes autonomes après 3 mois",
                        "target": "60 %",
                        "source": "Enquête",
                    },
                ],
                risks="Bénévoles difficiles à fidéliser ; salle partagée.",
                status="validated",
            ),
            "links": [{"board": residents_board, "item": solution}],
        },
        {
            "op": "milestone.add",
            "id": "act-print01",
            "milestone": "mile-print1",
            "month": "2025-03",
            "label": "Lancement",
        },
        {
            "op": "milestone.add",
            "id": "act-print01",
            "milestone": "mile-print2",
            "month": "2025-12",
            "label": "Bilan d'étape",
        },
        *(
            {"op": "capability.set", "id": "act-print01", "series": s, "axis": a, "level": lv}
            for s, levels in (
                (
                    "today",
                    {
                        "rights": 1,
                        "work_training": 1,
                        "health": 2,
                        "schooling_parenting": 1,
                        "social_ties": 2,
                        "getting_around": 2,
                        "budget_shopping": 1,
                        "information_leisure": 2,
                        "citizenship": 1,
                        "online_safety": 0,
                    },
                ),
                (
                    "targeted",
                    {
                        "rights": 4,
                        "work_training": 2,
                        "health": 3,
                        "schooling_parenting": 3,
                        "social_ties": 3,
                        "getting_around": 3,
                        "budget_shopping": 3,
                        "information_leisure": 3,
                        "citizenship": 2,
                        "online_safety": 3,
                    },
                ),
            )
            for a, lv in levels.items()
        ),
        create(
            "act-print02",
            "continue",
            "2025-01",
            "2028-12",
            "Permanences France Services",
            number="A1.1",
            lead="city",
        ),
        create(
            "act-print03",
            "continue",
            "2025-04",
            "2026-12",
            "Accompagnement CAF aux démarches",
            number="A1.2",
            lead="caf",
            status="running",
        ),
        create(
            "act-print04",
            "reinforce",
            "2025-07",
            "2027-06",
            "Médiation numérique à domicile pour les seniors isolés",
            number="A3.1",
            lead="digital_mediators",
        ),
        create("act-print05", "reinforce", "2026-01", "2026-06", "Coupons", number="A3.2", lead="ccas"),
        create(
            "act-print06",
            "create",
            "2026-01",
            "2027-12",
            "ورشة رقمية للأمهات في الحي",
            number="A2.2",
            lead="social_centres",
        ),
        create(
            "act-print07",
            "create",
            "2027-01",
            "2028-06",
            "Tiers-lieu numérique et Wi-Fi public",
            number="A2.3",
            lead="city",
            status="draft",
        ),
        create(
            "act-print08",
            "reinforce",
            "2025-01",
            "2025-06",
            "Ancien dispositif de prêt",
            number="A3.0",
            status="dropped",
        ),
        {
            "op": "milestone.add",
            "id": "act-print07",
            "milestone": "mile-print3",
            "month": "2027-09",
            "label": "Ouverture",
        },
    ]


@pytest.fixture
def printed(app: ServerProcess) -> dict[str, str]:
    ws = new_workshop(app)
    board = add_actions_board(app, ws, "Schéma d'inclusion numérique 2025-2028")
    solution = {"op": "item.create", "id": "sol-print1", "kind": "solution", "x": 10, "y": 10}
    seed(app, ws.board, ws.token, [solution | {"text": "Un atelier le samedi matin"}])
    seed(app, board, ws.token, plan_ops(ws.board, "sol-print1"))
    return {"board": board, "token": ws.token}


def signed_in(browser: Browser, app: ServerProcess, token: str, **options: Any) -> Page:
    # a French browser: a first visit follows its language (Accept-Language); these pages are read in French
    context = browser.new_context(locale="fr-FR", **options)
    context.add_cookies([{"name": "fresque_session", "value": token, "url": app.base_url}])
    return context.new_page()


def test_a_fiche_prints_on_a4_portrait_with_its_web(
    browser: Browser, app: ServerProcess, printed: dict[str, str]
) -> None:
    page = signed_in(browser, app, printed["token"], viewport={"width": 1024, "height": 900})
    page.goto(f"{app.base_url}/boards/{printed['board']}/actions/act-print01/print")
    button = page.get_by_role("button", name="Imprimer")
    assert button.is_visible()
    radar = page.locator("img.fiche-radar")
    radar.wait_for()
    page.wait_for_function(
        "(img => img.complete && img.naturalWidth === 800)(document.querySelector('img.fiche-radar'))"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "print-fiche-screen.png"), full_page=True)

    page.emulate_media(media="print")
    page.set_viewport_size({"width": round(190 * MM), "height": round(273 * MM)})
    assert not button.is_visible() and not page.locator(".app-header").is_visible()
    page.screenshot(path=str(SHOTS / "print-fiche.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = pdf_pages(pdf)
    assert pages and all(abs(w - 595.92) < 2 and abs(h - 842.88) < 2 for w, h in pages), pages  # A4 portrait
    assert len(pages) <= 2
    (SHOTS / "print-fiche.pdf").write_bytes(pdf)

    arabic = signed_in(browser, app, printed["token"], viewport={"width": 1024, "height": 900})
    arabic.goto(f"{app.base_url}/boards/{printed['board']}/actions/act-print06/print?lang=ar")
    arabic.wait_for_function("document.querySelector('img.fiche-radar').complete")
    assert arabic.locator("html").get_attribute("dir") == "rtl"
    arabic.emulate_media(media="print")
    arabic.set_viewport_size({"width": round(190 * MM), "height": round(273 * MM)})
    arabic.screenshot(path=str(SHOTS / "print-fiche-ar.png"), full_page=True)
    arabic.context.close()
    page.context.close()

    # Switching language reloads the page in that language: most of its words are the server's.
    switcher = signed_in(browser, app, printed["token"], viewport={"width": 1024, "height": 900})
    switcher.goto(f"{app.base_url}/boards/{printed['board']}/actions/act-print01/print")
    switcher.get_by_role("button", name="English").click()
    switcher.wait_for_url("**lang=en")
    assert switcher.locator(".fiche-kicker").inner_text().lower() == "action sheet"
    assert "€50,000" in switcher.locator(".fiche-budget").inner_text()
    switcher.context.close()

    phone = signed_in(
        browser, app, printed["token"], viewport={"width": 360, "height": 740}, is_mobile=True, has_touch=True
    )
    phone.goto(f"{app.base_url}/boards/{printed['board']}/actions/act-print01/print")
    phone.wait_for_function("document.querySelector('img.fiche-radar').complete")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 360  # no sideways scrolling on a phone
    phone.screenshot(path=str(SHOTS / "print-fiche-phone.png"), full_page=True)
    phone.context.close()


def test_the_timeline_prints_on_a4_landscape(
    browser: Browser, app: ServerProcess, printed: dict[str, str]
) -> None:
    page = signed_in(browser, app, printed["token"], viewport={"width": 1280, "height": 900})
    page.goto(f"{app.base_url}/boards/{printed['board']}/print")
    assert page.locator("svg.plan-lane").count() == 3
    assert page.locator("g.plan-bar").count() == 8
    page.screenshot(path=str(SHOTS / "print-timeline-screen.png"), full_page=True)
    page.emulate_media(media="print")
    page.set_viewport_size({"width": round(277 * MM), "height": round(190 * MM)})
    page.screenshot(path=str(SHOTS / "print-timeline.png"), full_page=True)
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    pages = pdf_pages(pdf)
    assert pages and all(abs(w - 842.88) < 2 and abs(h - 595.92) < 2 for w, h in pages), pages  # landscape
    (SHOTS / "print-timeline.pdf").write_bytes(pdf)
    # Each bar's text stays inside its bar (titles are cut with « … », the list below has them whole).
    overflow = page.evaluate(
        """() => [...document.querySelectorAll('g.plan-bar')].filter(g => {
             const r = g.querySelector('rect').getBBox(), t = g.querySelector('text').getBBox();
             return t.x + t.width > r.x + r.width + 0.5;
           }).map(g => g.querySelector('text').textContent)"""
    )
    assert overflow == []

    arabic = signed_in(browser, app, printed["token"], viewport={"width": 1280, "height": 900})
    arabic.goto(f"{app.base_url}/boards/{printed['board']}/print?lang=ar")
    arabic.emulate_media(media="print")
    arabic.set_viewport_size({"width": round(277 * MM), "height": round(190 * MM)})
    arabic.screenshot(path=str(SHOTS / "print-timeline-ar.png"), full_page=True)
    arabic.context.close()

    page.goto(f"{app.base_url}/boards/{printed['board']}/print?fiches=1")
    assert page.locator("article.fiche").count() == 8
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True, print_background=True)
    assert len(pdf_pages(pdf)) >= 8  # one fiche per page at least
    page.context.close()


def test_png_of_the_web_is_what_the_fiche_shows(app: ServerProcess, printed: dict[str, str]) -> None:
    from PIL import Image

    response = app.get(
        f"/api/boards/{printed['board']}/actions/act-print01/radar.png?size=800", printed["token"]
    )
    image = Image.open(io.BytesIO(response.content))
    assert image.size == (800, 800)
    image.save(SHOTS / "print-radar.png")


def test_print_pages_pass_axe(
    browser: Browser, app: ServerProcess, printed: dict[str, str], axe: Any
) -> None:
    """axe-core on the printable pages, French and Arabic: "critical" and "serious" findings fail."""
    page = signed_in(browser, app, printed["token"], viewport={"width": 1280, "height": 900})
    blocking = []
    for path in (
        "actions/act-print01/print",
        "actions/act-print06/print?lang=ar",
        "print",
        "print?lang=ar",
        "print?fiches=1",
    ):
        page.goto(f"{app.base_url}/boards/{printed['board']}/{path}")
        for v in axe.run(page).response["violations"]:
            line = (
                f"[{path}] {v['impact']}: {v['id']} ({v['help']}) — {[n['target'] for n in v['nodes'][:4]]}"
            )
            if v["impact"] in ("critical", "serious"):
                blocking.append(line)
            else:
                print(line)
    page.context.close()
    assert not blocking, "axe-core found serious problems:\n" + "\n".join(blocking)


def test_a_list_item_s_bullet_stays_inside_the_column_whatever_its_direction(
    browser: Browser, app: ServerProcess
) -> None:
    """Issue 11: a solution written in Arabic, on a French fiche (or a French one on an Arabic fiche), had
    its bullet outside the text column: the list's indent was on its page's side, the item's marker on the
    item's own (`dir="auto"`). Every item of the fiche's lists keeps room for its marker on its own start
    side, inside the list's box."""
    data = app.create_workshop("Atelier Encagnane")
    token = data["facilitator"]["token"]
    residents = data["board"]["id"]
    solution = {"op": "item.create", "kind": "solution", "x": 10, "y": 10}
    seed(
        app,
        residents,
        token,
        [
            {**solution, "id": "sol-ar", "text": "مترجمة في مركز الخدمات الاجتماعية"},
            {**solution, "id": "sol-fr", "text": "Un atelier le samedi matin", "y": 300},
        ],
    )
    board = app.post(
        f"/api/workshops/{data['workshop']['id']}/boards", {"kind": "actions", "title": "Plan"}, token
    ).json()["id"]
    seed(
        app,
        board,
        token,
        [
            {
                "op": "action.create",
                "id": "act-bidi",
                "lane": "create",
                "start": "2026-01",
                "end": "2026-06",
                "fiche": {
                    "title": "Médiation en deux langues",
                    "operational_objectives": [
                        "Former deux médiatrices",
                        "ترجمة الرسائل الإدارية إلى العربية",
                    ],
                },
                "links": [{"board": residents, "item": "sol-ar"}, {"board": residents, "item": "sol-fr"}],
            }
        ],
    )
    for lang in ("fr", "ar"):
        page = signed_in(browser, app, token, viewport={"width": 1024, "height": 900})
        page.goto(f"{app.base_url}/boards/{board}/actions/act-bidi/print?lang={lang}")
        page.emulate_media(media="print")
        page.set_viewport_size({"width": round(190 * MM), "height": round(273 * MM)})
        room = page.evaluate(
            """() => [...document.querySelectorAll('.fiche-list > li, .fiche-linked > li')].map(li => {
                 const list = li.parentElement.getBoundingClientRect(), r = li.getBoundingClientRect();
                 const rtl = getComputedStyle(li).direction === 'rtl';
                 const room = rtl ? list.right - r.right : r.left - list.left;
                 return {text: li.textContent.trim(), rtl, room};
               })"""
        )
        assert len(room) == 4 and sum(r["rtl"] for r in room) == 2, room
        # an outside marker needs a few millimetres on the item's start side, inside the list's box
        cramped = [r for r in room if r["room"] < 4 * MM]
        assert not cramped, f"{lang}: bullets outside the column: {cramped}"
        page.screenshot(path=str(SHOTS / f"print-fiche-bidi-{lang}.png"), full_page=True)
        page.context.close()
