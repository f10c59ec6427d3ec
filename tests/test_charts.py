"""The diagnostic's charts (`fresque.charts`): valid SVG, mirrored for right to left, « < 5 » never drawn as a
number, accessible names, and the page's figures built from the diagnostic's JSON (a sample of its shape).
"""

from __future__ import annotations

import copy
import re
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from fresque.charts import (
    SUPPRESSED,
    Bar,
    HeatCell,
    Segment,
    Series,
    StackRow,
    bar_chart,
    heat_map,
    stacked_bars,
)
from fresque.charts.diagnostic import Words, build_view
from fresque.charts.svg import FSI, PDI, wrap
from fresque.i18n import dictionaries, translator

NS = "{http://www.w3.org/2000/svg}"
HIDDEN = {"value": None, "people": None, "n": None, "rate": None, "suppressed": True}


def cell(value: int, n: int | None = None, people: int | None = None) -> dict[str, Any]:
    return {
        "value": value,
        "people": value if people is None else people,
        "n": n,
        "rate": None if not n else round(value / n, 4),
        "suppressed": False,
    }


def sample_diagnostic() -> dict[str, Any]:
    """A diagnostic of the API's shape (`fresque.diagnostic.shape`): two neighbourhoods, suppressed cells."""
    from fresque.survey.questionnaire import default_questionnaire

    questions = [
        {
            "id": q["id"],
            "kind": q["kind"],
            "labels": q["labels"],
            "answers": [
                {"id": a["id"], "labels": a["labels"], "picture": a.get("picture")} for a in q["answers"]
            ],
        }
        for q in default_questionnaire()["questions"]
        if q["kind"] != "neighbourhood"
    ]

    def group(nid: str | None, k: int) -> dict[str, Any]:
        n = 40 * k
        return {
            "neighbourhood": nid,
            "surveys": {
                "respondents": cell(n),
                "fragility": {
                    "N0": cell(6 * k, n),
                    "N1": HIDDEN,
                    "N2": cell(10 * k, n),
                    "N3": cell(12 * k, n),
                    "N4": HIDDEN,
                    "unknown": HIDDEN,
                },
                "questions": {
                    "equipment": {
                        "kind": "multiple",
                        "unanswered": cell(0, n),
                        "answers": {
                            "smartphone": cell(32 * k, n),
                            "computer": cell(9 * k, n),
                            "tablet": HIDDEN,
                            "internet_home": cell(20 * k, n),
                            "mobile_data": cell(25 * k, n),
                            "none": HIDDEN,
                        },
                    },
                    **{
                        f"autonomy_{task}": {
                            "kind": "single",
                            "unanswered": HIDDEN,
                            "answers": {
                                "alone": cell(18 * k, n),
                                "with_help": cell(14 * k, n),
                                "cannot": HIDDEN if task == "video_call" else cell(6 * k, n),
                            },
                        }
                        for task in ("online_procedure", "email", "documents", "appointment", "video_call")
                    },
                },
            },
            "workshops": {
                "people": cell(12 * k),
                "voters": cell(10 * k),
                "activities": [
                    {"ref": "caf-procedures", "category": "paperwork", "cell": cell(9 * k, 12 * k, 7 * k)},
                    {"ref": "doctor", "category": "health", "cell": cell(7 * k, 12 * k, 6 * k)},
                    {"ref": "voting", "category": "paperwork", "cell": HIDDEN},
                ],
                "categories": [
                    {"category": "paperwork", "cell": cell(11 * k, 12 * k, 8 * k)},
                    {"category": "health", "cell": cell(7 * k, 12 * k, 6 * k)},
                ],
                "heatmap": [
                    {
                        "activity": "caf-procedures",
                        "total": cell(14 * k, 12 * k, 9 * k),
                        "severities": {
                            "ok": HIDDEN,
                            "difficile": cell(6 * k, 12 * k),
                            "bloque": cell(7 * k, 12 * k),
                        },
                    },
                    {
                        "activity": "doctor",
                        "total": cell(8 * k, 12 * k, 7 * k),
                        "severities": {"ok": cell(5 * k, 12 * k), "difficile": HIDDEN, "bloque": HIDDEN},
                    },
                ],
                "touchpoints": [
                    {"ref": "caf", "cell": cell(9 * k, 12 * k, 7 * k)},
                    {"ref": "doctolib", "cell": HIDDEN},
                ],
                "solutions": [
                    {
                        "ref": "digital-help-desk",
                        "text": None,
                        "cell": {
                            "value": 14 * k,
                            "people": 8 * k,
                            "n": 10 * k,
                            "rate": 1.4,
                            "suppressed": False,
                        },
                    },
                    {
                        "ref": None,
                        "text": "Un écrivain public à la mairie annexe",
                        "cell": {
                            "value": 6 * k,
                            "people": 5 * k,
                            "n": 10 * k,
                            "rate": 0.6,
                            "suppressed": False,
                        },
                    },
                    {"ref": "paper-option", "text": None, "cell": HIDDEN},
                ],
                "words": [
                    {
                        "kind": "difficulty",
                        "text": "Le site de la CAF change tout le temps",
                        "ref": "complicated-service",
                        "severity": "bloque",
                        "neighbourhood": nid or "n1",
                        "workshop": "w1",
                    },
                    {
                        "kind": "solution",
                        "text": "Un écrivain public à la mairie annexe",
                        "ref": None,
                        "severity": None,
                        "neighbourhood": nid or "n2",
                        "workshop": "w2",
                    },
                ],
                "words_suppressed": False,
            },
        }

    refs = {
        "caf-procedures": {
            "kind": "activity",
            "labels": {"fr": "Démarches CAF", "en": "Family benefits (CAF)", "ar": "إجراءات CAF"},
            "picture": None,
            "category": "paperwork",
        },
        "doctor": {
            "kind": "activity",
            "labels": {"fr": "Médecin, rendez-vous", "en": "Doctor, appointments", "ar": "الطبيب، المواعيد"},
            "picture": None,
            "category": "health",
        },
        "voting": {
            "kind": "activity",
            "labels": {"fr": "Voter", "en": "Voting", "ar": "التصويت"},
            "picture": None,
            "category": "paperwork",
        },
        "caf": {
            "kind": "touchpoint",
            "labels": {"fr": "CAF", "en": "CAF", "ar": "CAF"},
            "picture": None,
            "category": None,
        },
        "doctolib": {
            "kind": "touchpoint",
            "labels": {"fr": "Doctolib", "en": "Doctolib", "ar": "Doctolib"},
            "picture": None,
            "category": None,
        },
        "digital-help-desk": {
            "kind": "solution",
            "labels": {"fr": "Permanence numérique", "en": "Digital help desk", "ar": "مداومة رقمية"},
            "picture": None,
            "category": None,
        },
        "paper-option": {
            "kind": "solution",
            "labels": {"fr": "Garder le papier", "en": "Keep paper", "ar": "الإبقاء على الورق"},
            "picture": None,
            "category": None,
        },
    }
    return {
        "study": {"id": "s1", "title": "Inclusion numérique 2026", "territory": "Aix-en-Provence"},
        "threshold": 5,
        "filters": {"neighbourhood": None, "age_band": None, "fragility": None, "workshop": None},
        "neighbourhoods": [
            {"id": "n1", "name": "Jas-de-Bouffan", "qpv_code": "QN01301M"},
            {"id": "n2", "name": "Encagnane", "qpv_code": None},
        ],
        "workshops": [
            {"id": "w1", "title": "Atelier Jas", "date": "2026-03-02", "neighbourhood": "n1"},
            {"id": "w2", "title": "Atelier Encagnane", "date": "2026-03-09", "neighbourhood": "n2"},
        ],
        "questions": questions,
        "refs": refs,
        "categories": {
            "paperwork": {"fr": "Papiers et droits", "en": "Paperwork and rights", "ar": "الوثائق والحقوق"},
            "health": {"fr": "Santé", "en": "Health", "ar": "الصحة"},
        },
        "territory": group(None, 2),
        "by_neighbourhood": [group("n1", 1), group("n2", 1)],
    }


def parse(svg: str) -> ET.Element:
    root = ET.fromstring(svg)
    assert root.tag == f"{NS}svg"
    return root


def texts(root: ET.Element) -> list[str]:
    return ["".join(t.itertext()).replace(FSI, "").replace(PDI, "") for t in root.iter(f"{NS}text")]


def accessible_name(root: ET.Element) -> tuple[str, str]:
    ids = root.get("aria-labelledby", "").split()
    found = {e.get("id"): "".join(e.itertext()) for e in root.iter() if e.get("id")}
    assert root.get("role") == "img" and len(ids) == 2 and all(i in found for i in ids)
    return found[ids[0]], found[ids[1]]


# -- the three kinds of chart ------------------------------------------------------------------------------


def bars(rtl: bool) -> str:
    return bar_chart(
        "b",
        "Équipement",
        "Part des personnes",
        [Bar("Un smartphone", 80, "80 %", "32 / 40"), Bar("Une tablette", None, SUPPRESSED)],
        rtl=rtl,
        scale_max=100,
    )


def test_bar_chart_is_valid_svg_named_by_its_title_and_desc() -> None:
    root = parse(bars(False))
    assert accessible_name(root) == ("Équipement", "Part des personnes")
    assert root.get("viewBox") == f"0 0 {root.get('width')} {root.get('height')}"
    assert "80 % · 32 / 40" in texts(root)


def test_a_suppressed_bar_says_less_than_5_and_has_no_length() -> None:
    root = parse(bars(False))
    assert "< 5" in texts(root)
    rects = [r for r in root.iter(f"{NS}rect") if "Une tablette" in "".join(r.itertext())]
    assert len(rects) == 1 and float(rects[0].get("width", "0")) <= 6  # a stub, the same whatever the count
    # no digit of its own anywhere: the only numbers are the other bar's
    assert not [t for t in texts(root) if re.search(r"\d", t) and "80" not in t and t != "< 5"]


def test_bars_are_mirrored_right_to_left() -> None:
    ltr, rtl = parse(bars(False)), parse(bars(True))
    width = float(ltr.get("width", "0"))
    assert ltr.get("direction") == "ltr" and rtl.get("direction") == "rtl"
    for a, b in zip(ltr.iter(f"{NS}rect"), rtl.iter(f"{NS}rect"), strict=True):
        # the same bar, drawn from the other side: x + w on one side is width − x on the other
        assert float(a.get("x", "0")) == pytest.approx(
            width - float(b.get("x", "0")) - float(b.get("width", "0"))
        )
    for a, b in zip(ltr.iter(f"{NS}text"), rtl.iter(f"{NS}text"), strict=True):
        assert float(a.get("x", "0")) == pytest.approx(width - float(b.get("x", "0")))
        assert a.get("text-anchor") == b.get("text-anchor")  # logical anchors, read against `direction`
    label = next(t for t in rtl.iter(f"{NS}text") if "Un smartphone" in "".join(t.itertext()))
    assert float(label.get("x", "0")) == width  # the label starts at the right edge


def heat(rtl: bool) -> str:
    return heat_map(
        "h",
        "Difficultés",
        "Par activité et gravité",
        ["Démarches CAF", "Médecin, rendez-vous"],
        ["Ça va", "Difficile", "Bloqué"],
        [
            [HeatCell(None, SUPPRESSED), HeatCell(6, "6"), HeatCell(7, "7")],
            [HeatCell(5, "5"), HeatCell(None, SUPPRESSED), HeatCell(0, "0")],
        ],
        rtl=rtl,
        suppressed_label="moins de 5 personnes",
        scale_label="cartes",
    )


def test_heat_map_writes_every_cell_and_suppressed_cells_as_less_than_5() -> None:
    root = parse(heat(False))
    accessible_name(root)
    values = ["".join(t.itertext()) for t in root.iter(f"{NS}text") if t.get("class") == "heat-value"]
    assert values == ["< 5", "6", "7", "5", "< 5", "0"]
    cells = [r for r in root.iter(f"{NS}rect") if r.get("class") == "heat-cell"]
    assert len(cells) == 6
    assert cells[0].get("fill") == "url(#h-hatch)" and cells[4].get("fill") == "url(#h-hatch)"
    # a single-hue scale: the largest count is the darkest, zero the lightest
    assert cells[2].get("fill") == "#08306b" and cells[5].get("fill") == "#eff3ff"
    # the number is readable on its cell: white on the dark one, black on the light one
    fills = [t.get("fill") for t in root.iter(f"{NS}text") if t.get("class") == "heat-value"]
    assert fills[2] == "#ffffff" and fills[5] == "#1a1a1a"
    assert all(float(t.get("font-size", "0")) >= 12 for t in root.iter(f"{NS}text"))


def test_heat_map_mirrors_its_columns_right_to_left() -> None:
    ltr, rtl = parse(heat(False)), parse(heat(True))
    width = float(ltr.get("width", "0"))
    first = next(r for r in ltr.iter(f"{NS}rect") if r.get("class") == "heat-cell")
    mirrored = next(r for r in rtl.iter(f"{NS}rect") if r.get("class") == "heat-cell")
    # « Ça va » is the column next to the labels: on their right in French, on their left in Arabic
    assert float(first.get("x", "0")) > width / 3
    assert float(mirrored.get("x", "0")) + float(mirrored.get("width", "0")) < width * 2 / 3
    assert float(mirrored.get("x", "0")) == pytest.approx(
        width - float(first.get("x", "0")) - float(first.get("width", "0"))
    )


def test_stacked_bars_name_parts_by_pattern_and_never_draw_a_suppressed_part() -> None:
    svg = stacked_bars(
        "s",
        "Autonomie",
        "Par tâche",
        [
            Series("Seul·e", "#009E73"),
            Series("Avec de l'aide", "#E69F00"),
            Series("Je ne peux pas", "#D55E00"),
        ],
        [
            StackRow(
                "Envoyer un e-mail",
                "n = 40",
                (Segment(50, "50 %"), Segment(30, "30 %"), Segment(None, "< 5")),
            ),
            StackRow("Appel vidéo", "n = < 5", (Segment(None, "< 5"),) * 3, suppressed="< 5"),
        ],
    )
    root = parse(svg)
    patterns = {p.get("id") for p in root.iter(f"{NS}pattern")}
    assert patterns == {"s-p0", "s-p1", "s-p2"}
    # each part has its own pattern, not only its own colour
    assert [len(list(p)) for p in root.iter(f"{NS}pattern")] == [1, 2, 2]
    drawn = [r for r in root.iter(f"{NS}rect") if "Envoyer" in "".join(r.itertext())]
    assert [r.get("fill") for r in drawn] == ["url(#s-p0)", "url(#s-p1)"]  # the « < 5 » part is not drawn
    assert "Je ne peux pas\u00a0: < 5" in texts(root)
    assert texts(root).count("< 5") == 1  # the suppressed row


def test_wrap_breaks_between_words_and_ends_with_an_ellipsis() -> None:
    lines = wrap("Faire une démarche en ligne (CAF, impôts…) avec quelqu'un qui explique lentement", 160)
    assert len(lines) == 2 and lines[1].endswith("…")
    assert "".join(lines).replace("…", "").split()[0] == "Faire"


# -- the page's figures, from the diagnostic's JSON --------------------------------------------------------


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_every_figure_of_the_view_is_translated_valid_and_its_table_matches(lang: str) -> None:
    view = build_view(sample_diagnostic(), Words(lang, translator(lang)))
    keys = set(dictionaries()[lang])
    for figure in [*view.survey, *view.workshops]:
        root = parse(str(figure.svg))
        title, desc = accessible_name(root)
        assert title == figure.heading and desc
        assert root.get("direction") == ("rtl" if lang == "ar" else "ltr")
        for text in [figure.heading, figure.note, *figure.table.head, title, desc]:
            assert not text.startswith("diagnostic."), f"untranslated: {text}"
        assert all(len(row) == len(figure.table.head) for row in figure.table.rows)
    assert {"diagnostic.percent", "diagnostic.heat.title"} <= keys


def test_suppressed_cells_are_less_than_5_in_the_charts_and_the_tables() -> None:
    view = build_view(sample_diagnostic(), Words("fr", translator("fr")))
    figures = {f.id: f for f in [*view.survey, *view.workshops]}
    equipment = dict((row[0], row[1:]) for row in figures["chart-equipment"].table.rows)
    assert equipment["Un smartphone"] == ("80 %", "64 / 80")
    assert equipment["Une tablette"] == ("< 5", "< 5")
    heat = figures["chart-heat"].table.rows
    assert heat[0] == ("Démarches CAF", "< 5", "12", "14", "28")
    assert heat[1] == ("Médecin, rendez-vous", "10", "< 5", "< 5", "16")
    svg_values = [
        "".join(t.itertext())
        for t in parse(str(figures["chart-heat"].svg)).iter(f"{NS}text")
        if t.get("class") == "heat-value"
    ]
    assert svg_values == ["< 5", "12", "14", "10", "< 5", "< 5"]
    activities = figures["chart-activities"].table.rows
    assert activities[-1] == ("Voter", "< 5", "< 5")  # suppressed rows last
    solutions = figures["chart-solutions"].table.rows
    assert solutions[0] == ("Permanence numérique", "28", "16", "1,40 point par votant")
    assert solutions[2] == ("Garder le papier", "< 5", "< 5", "< 5")
    fragility = figures["chart-fragility"].table.rows
    assert fragility[0][0] == "Tout le territoire" and fragility[0][2] == "< 5"
    assert [row[0] for row in fragility] == ["Tout le territoire", "Jas-de-Bouffan", "Encagnane"]


def test_a_neighbourhood_filter_shows_that_neighbourhood() -> None:
    diagnostic = copy.deepcopy(sample_diagnostic())
    diagnostic["filters"]["neighbourhood"] = "n2"
    diagnostic["by_neighbourhood"][1]["surveys"]["respondents"] = cell(33)
    view = build_view(diagnostic, Words("fr", translator("fr")))
    assert view.scope == "Encagnane"
    assert [row[:2] for row in view.comparison.rows] == [("Encagnane", "33")]
    assert view.keys[0].value == "33"


def test_residents_words_are_capped_with_their_total() -> None:
    diagnostic = sample_diagnostic()
    words = diagnostic["territory"]["workshops"]["words"]
    diagnostic["territory"]["workshops"]["words"] = [dict(words[0], text=f"mot {i}") for i in range(300)]
    view = build_view(diagnostic, Words("fr", translator("fr")))
    assert len(view.words) == 120 and view.words_total == 300
    assert view.words[0].neighbourhood == "Jas-de-Bouffan" and view.words[0].severity == "Bloqué"
