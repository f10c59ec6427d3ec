"""The diagnostic page (`GET /studies/{id}/diagnostic`) against a real server, on SQLite and PostgreSQL: every
figure on the page is the API's (`GET /api/studies/{id}/diagnostic`), « < 5 » where the API suppressed a cell,
in the tables and in the charts; filters are the API's filters; the team only.
"""

from __future__ import annotations

import random
import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import httpx
import pytest
from support.accounts import make_study, new_member
from support.diagnostic_page_seed import DiagnosticStudy, seed_diagnostic_study
from support.server import ServerProcess

SVG = "{http://www.w3.org/2000/svg}"
LESS = "< 5"


class Tables(HTMLParser):
    """Every `<table>` of a page: its caption, and its rows as lists of cell texts (header cells too)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tables: dict[str, list[list[str]]] = {}
        self._caption: str | None = None
        self._rows: list[list[str]] | None = None
        self._cell: list[str] | None = None
        self._in_caption = False
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "table":
            self._rows, self._caption = [], ""
        elif tag == "caption":
            self._in_caption = True
        elif tag == "tr" and self._rows is not None:
            self._rows.append([])
        elif tag in ("td", "th") and self._rows is not None:
            self._cell = []

    def handle_endtag(self, tag: str) -> None:
        if tag == "caption":
            self._in_caption = False
        elif tag in ("td", "th") and self._cell is not None and self._rows:
            self._rows[-1].append(" ".join("".join(self._cell).split()))
            self._cell = None
        elif tag == "table" and self._rows is not None:
            self.tables[self._caption or ""] = self._rows[1:]  # the head row left out
            self._rows = None

    def handle_data(self, data: str) -> None:
        if self._in_caption:
            self._caption = (self._caption or "") + data.strip()
        elif self._cell is not None:
            self._cell.append(data)


def shown(cell: dict[str, Any]) -> str:
    """What the page must write for a count: the number, or « < 5 » where the API suppressed it."""
    return LESS if cell["suppressed"] else str(cell["value"])


def svgs(html: str) -> dict[str, ET.Element]:
    """The page's charts, parsed as the XML they are, by id."""
    found = {}
    for chunk in re.findall(r"<svg\b.*?</svg>", html, flags=re.S):
        root = ET.fromstring(chunk)
        found[root.get("id", "")] = root
    return found


@pytest.fixture
def study(server: ServerProcess) -> Iterator[DiagnosticStudy]:
    yield seed_diagnostic_study(server, random.Random(13))


def page(study: DiagnosticStudy, query: str = "", lang: str = "fr") -> str:
    with study.member.browser() as client:
        answer = client.get(f"/studies/{study.study_id}/diagnostic?lang={lang}{query}")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/html")
    return answer.text


def test_every_figure_on_the_page_is_the_apis(study: DiagnosticStudy) -> None:
    data = study.api()
    html = page(study)
    tables = Tables(html).tables
    names = {n["id"]: n["name"] for n in data["neighbourhoods"]}
    labels = {ref: info["labels"]["fr"] for ref, info in data["refs"].items()}
    territory = data["territory"]
    # the seed has both kinds of cell, so both are checked
    assert not territory["surveys"]["respondents"]["suppressed"]
    assert any(g["surveys"]["respondents"]["suppressed"] for g in data["by_neighbourhood"])

    comparison = {row[0]: row[1:] for row in tables["Chiffres clés par quartier"]}
    groups = [("Tout le territoire", territory)] + [
        (names[g["neighbourhood"]], g) for g in data["by_neighbourhood"]
    ]
    assert list(comparison) == [name for name, _ in groups]
    for name, group in groups:
        assert comparison[name][0] == shown(group["surveys"]["respondents"])
        assert comparison[name][3] == shown(group["workshops"]["people"])
        assert comparison[name][4] == shown(group["workshops"]["voters"])

    fragility = {row[0]: row[1:] for row in tables["Niveaux de fragilité numérique"]}
    for name, group in groups:
        for i, level in enumerate(("N0", "N1", "N2", "N3", "N4")):
            cell = group["surveys"]["fragility"][level]
            assert fragility[name][i].split(" (")[0] == shown(cell), (name, level)

    equipment = {row[0]: row[1:] for row in tables["Équipement"]}
    question = next(q for q in data["questions"] if q["id"] == "equipment")
    for answer in question["answers"]:
        cell = territory["surveys"]["questions"]["equipment"]["answers"][answer["id"]]
        of = LESS if cell["suppressed"] else f"{cell['value']} / {cell['n']}"
        assert equipment[answer["labels"]["fr"]][1] == of
        if not cell["suppressed"]:
            assert equipment[answer["labels"]["fr"]][0] == f"{round(cell['rate'] * 100)} %"

    autonomy = {row[0]: row[1:] for row in tables["Autonomie par tâche"]}
    for q in data["questions"]:
        if q["id"].startswith("autonomy_"):
            figures = territory["surveys"]["questions"][q["id"]]
            for i, a in enumerate(("alone", "with_help", "cannot")):
                assert autonomy[q["labels"]["fr"]][i].split(" (")[0] == shown(figures["answers"][a])

    shops = territory["workshops"]
    activities = {row[0]: row[1:] for row in tables["Activités posées"]}
    assert len(activities) == len(shops["activities"])
    for row in shops["activities"]:
        assert activities[labels[row["ref"]]] == [
            shown(row["cell"]),
            LESS if row["cell"]["suppressed"] else str(row["cell"]["people"]),
        ]

    heat = {row[0]: row[1:] for row in tables["Difficultés par activité et gravité"]}
    assert len(heat) == len(shops["heatmap"]) > 0
    chart = svgs(html)["chart-heat"]
    written = ["".join(t.itertext()) for t in chart.iter(f"{SVG}text") if t.get("class") == "heat-value"]
    in_table = []
    for row in shops["heatmap"]:
        expected = [shown(row["severities"][s]) for s in ("ok", "difficile", "bloque")]
        assert heat[labels[row["activity"]]] == [*expected, shown(row["total"])]
        in_table += heat[labels[row["activity"]]][:3]
    assert sorted(written) == sorted(in_table)  # the chart writes the table's numbers, « < 5 » included

    services = {row[0]: row[1:] for row in tables["Services en ligne liés à une difficulté"]}
    for row in shops["touchpoints"]:
        assert services[labels[row["ref"]]][0] == shown(row["cell"])

    solutions = tables["Idées classées par les votes"]
    assert [r[0] for r in solutions] == [
        labels[s["ref"]] if s["ref"] else s["text"] for s in shops["solutions"]
    ]
    for row, s in zip(solutions, shops["solutions"], strict=True):
        assert row[1] == shown(s["cell"])
        if not s["cell"]["suppressed"]:
            assert row[3] == f"{s['cell']['rate']:.2f}".replace(".", ",") + " point par votant"

    for words in shops["words"]:
        assert words["text"].replace("'", "&#39;") in html or words["text"] in html
    # no chart draws a suppressed value as a number: every « < 5 » of the tables is « < 5 » in the charts
    for root in svgs(html).values():
        assert root.get("role") == "img" and root.get("aria-labelledby")

    # one seeded study (seeding takes a while): the filters and the Arabic page are checked on it too
    check_filters(study)
    check_arabic(study)


def check_filters(study: DiagnosticStudy) -> None:
    hood = study.neighbourhoods[0]
    data = study.api(f"?neighbourhood={hood}&age_band=26_40")
    html = page(study, f"&neighbourhood={hood}&age_band=26_40")
    tables = Tables(html).tables
    group = next(g for g in data["by_neighbourhood"] if g["neighbourhood"] == hood)
    [row] = tables["Chiffres clés par quartier"]
    assert row[0] == "Jas-de-Bouffan" and row[1] == shown(group["surveys"]["respondents"])
    assert f'<option value="{hood}" selected>' in html and '<option value="26_40" selected>' in html
    # a value that is none of the study's is ignored (a stale link still opens)
    assert (
        "Tout le territoire"
        in Tables(page(study, "&neighbourhood=nope")).tables["Chiffres clés par quartier"][0]
    )


def check_arabic(study: DiagnosticStudy) -> None:
    html = page(study, lang="ar")
    assert '<html lang="ar" dir="rtl">' in html
    charts = svgs(html)
    assert set(charts) >= {
        "chart-fragility",
        "chart-equipment",
        "chart-autonomy",
        "chart-heat",
        "chart-solutions",
    }
    assert all(c.get("direction") == "rtl" for c in charts.values())
    heat = Tables(html).tables["الصعوبات حسب النشاط والشدة"]
    assert heat and all(len(row) == 5 for row in heat)


def test_only_the_team_sees_the_page(server: ServerProcess) -> None:
    member = new_member(server, "equipe")
    study = make_study(member)
    path = f"/studies/{study['study']['id']}/diagnostic"
    anonymous = httpx.get(server.base_url + path, follow_redirects=False, timeout=30)
    assert anonymous.status_code == 303 and anonymous.headers["location"] == f"/sign-in?next={path}"
    stranger = new_member(server, "voisine")
    with stranger.browser() as client:
        assert client.get(path).status_code == 404
        assert client.get("/studies/nope/diagnostic").status_code == 404
    with member.browser() as client:
        assert client.get(path).status_code == 200  # an empty study: every figure « < 5 », nothing breaks
        assert client.get("/studies/nope/diagnostic").status_code == 404
