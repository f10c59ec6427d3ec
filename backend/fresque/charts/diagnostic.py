"""The diagnostic page's figures, from the diagnostic's JSON (`fresque.diagnostic.shape.Diagnostic`, the
very document `GET /api/studies/{id}/diagnostic` answers) and the words of one language.

Each figure is a chart and its data table, built here from the same rows so they cannot disagree; a
suppressed cell is « < 5 » in both. Pure: tested without a server (tests/test_charts.py).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final

from markupsafe import Markup

from .bars import Bar, bar_chart
from .heatmap import HeatCell, heat_map
from .stacked import Segment, Series, StackRow, stacked_bars
from .svg import OKABE_ITO, SUPPRESSED, DataTable

Translate = Callable[..., str]
Cell = Mapping[str, Any]

FRAGILITY: Final = ("N0", "N1", "N2", "N3", "N4")
#: From offline (vermillion) to autonomous (bluish green), with a pattern each (`stacked.PATTERNS`).
FRAGILITY_COLOURS: Final = ("#D55E00", "#E69F00", "#F0E442", "#56B4E9", "#009E73")
AUTONOMY: Final = ("alone", "with_help", "cannot")
AUTONOMY_COLOURS: Final = ("#009E73", "#E69F00", "#D55E00")
SEVERITIES: Final = ("ok", "difficile", "bloque")
KEY_EQUIPMENT: Final = ("smartphone", "internet_home")
TOP_BARS: Final = 12  # bars in a chart; the table beside it has every row
#: Residents' words shown at once (a study of many workshops has thousands): the filters narrow them down.
WORDS_SHOWN: Final = 120


@dataclass(frozen=True)
class Figure:
    id: str
    heading: str
    note: str  # what it counts and its n, under the heading
    svg: Markup
    table: DataTable


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str


@dataclass(frozen=True)
class Quote:
    text: str
    kind: str
    neighbourhood: str
    workshop: str
    severity: str


@dataclass
class DiagnosticView:
    scope: str
    keys: list[KeyFigure]
    comparison: DataTable
    survey: list[Figure] = field(default_factory=list)
    workshops: list[Figure] = field(default_factory=list)
    words: list[Quote] = field(default_factory=list)
    words_total: int = 0
    words_suppressed: bool = False


class Words:
    """The page's language: its words (`t`), labels of the diagnostic's own things (`{fr, en, ar}`), and
    how numbers are written in it."""

    def __init__(self, lang: str, t: Translate) -> None:
        self.lang = lang
        self.t = t
        self.rtl = lang == "ar"

    def label(self, labels: Mapping[str, str] | None, fallback: str) -> str:
        if not labels:
            return fallback
        return labels.get(self.lang) or labels.get("fr") or fallback

    def decimal(self, value: float, digits: int = 1) -> str:
        written = f"{value:.{digits}f}"
        return written if self.lang == "en" else written.replace(".", ",")

    def count(self, cell: Cell) -> str:
        return SUPPRESSED if cell["suppressed"] or cell["value"] is None else str(cell["value"])

    def people(self, cell: Cell) -> str:
        return SUPPRESSED if cell["suppressed"] or cell["people"] is None else str(cell["people"])

    def percent(self, cell: Cell) -> str:
        share = rate_of(cell)
        if share is None:
            return SUPPRESSED if cell["suppressed"] else "–"
        return self.t("diagnostic.percent", n=round(share * 100))

    def of(self, cell: Cell) -> str:
        """« 40 / 50 »: what is counted, out of its population."""
        if cell["suppressed"] or cell["value"] is None:
            return SUPPRESSED
        return f"{cell['value']} / {cell['n']}" if cell["n"] is not None else str(cell["value"])

    def n(self, value: int | None) -> str:
        """« n = 40 », or « n < 5 » for a suppressed headcount."""
        return self.t("diagnostic.n_small") if value is None else self.t("diagnostic.n", n=value)

    def count_and_percent(self, cell: Cell) -> str:
        if cell["suppressed"] or cell["value"] is None:
            return SUPPRESSED
        return f"{cell['value']} ({self.percent(cell)})"


def rate_of(cell: Cell) -> float | None:
    if cell["suppressed"]:
        return None
    if cell.get("rate") is not None:
        return float(cell["rate"])
    if cell.get("value") is not None and cell.get("n"):
        return float(cell["value"]) / float(cell["n"])
    return None


def is_suppressed(cell: Cell) -> bool:
    return bool(cell["suppressed"]) or cell["value"] is None


# -- the page --------------------------------------------------------------------------------------------


def build_view(diagnostic: Mapping[str, Any], words: Words) -> DiagnosticView:
    t = words.t
    names = {n["id"]: n["name"] for n in diagnostic["neighbourhoods"]}
    chosen = diagnostic["filters"].get("neighbourhood")
    group = diagnostic["territory"]
    if chosen:
        group = next((g for g in diagnostic["by_neighbourhood"] if g["neighbourhood"] == chosen), group)
    scope = names.get(chosen, chosen) if chosen else t("diagnostic.territory")
    # the groups compared side by side: the whole territory, then each neighbourhood (one when filtered)
    if chosen:
        groups = [(scope, group)]
    else:
        groups = [(t("diagnostic.territory"), diagnostic["territory"])]
        groups += [(names.get(g["neighbourhood"], "–"), g) for g in diagnostic["by_neighbourhood"]]
    view = DiagnosticView(
        scope=scope,
        keys=key_figures(group, words),
        comparison=comparison(diagnostic, groups, words),
    )
    view.survey = [
        fragility_figure(groups, words),
        equipment_figure(diagnostic, group, words),
        autonomy_figure(diagnostic, group, words),
    ]
    view.workshops = [
        activities_figure(diagnostic, group, words),
        categories_figure(diagnostic, group, words),
        heat_figure(diagnostic, group, words),
        touchpoints_figure(diagnostic, group, words),
        solutions_figure(diagnostic, group, words),
    ]
    shops = {w["id"]: w["title"] for w in diagnostic["workshops"]}
    view.words = [
        Quote(
            text=w["text"],
            kind=t(f"diagnostic.words.kind.{w['kind']}"),
            neighbourhood=names.get(w["neighbourhood"], "")
            if w["neighbourhood"]
            else t("diagnostic.territory"),
            workshop=shops.get(w["workshop"], ""),
            severity=t(f"board.severity.{w['severity']}") if w.get("severity") else "",
        )
        for w in group["workshops"]["words"][:WORDS_SHOWN]
    ]
    view.words_total = len(group["workshops"]["words"])
    view.words_suppressed = bool(group["workshops"]["words_suppressed"])
    return view


def key_figures(group: Mapping[str, Any], words: Words) -> list[KeyFigure]:
    t = words.t
    surveys, shops = group["surveys"], group["workshops"]
    keys = [
        KeyFigure(
            t("diagnostic.key.respondents"),
            words.count(surveys["respondents"]),
            t("diagnostic.key.respondents_note"),
        ),
        KeyFigure(
            t("diagnostic.key.participants"),
            words.count(shops["people"]),
            t("diagnostic.key.participants_note"),
        ),
        KeyFigure(t("diagnostic.key.voters"), words.count(shops["voters"]), t("diagnostic.key.voters_note")),
    ]
    equipment = surveys["questions"].get("equipment")
    if equipment:
        for answer in KEY_EQUIPMENT:
            cell = equipment["answers"].get(answer)
            if cell is not None:
                keys.append(
                    KeyFigure(
                        t(f"diagnostic.key.{answer}"),
                        words.percent(cell),
                        t("diagnostic.n_of", of=words.of(cell)),
                    )
                )
    return keys


def comparison(
    diagnostic: Mapping[str, Any], groups: Sequence[tuple[str, Mapping[str, Any]]], words: Words
) -> DataTable:
    t = words.t
    rows = []
    for name, g in groups:
        equipment = g["surveys"]["questions"].get("equipment", {"answers": {}})["answers"]
        rates = [words.percent(equipment[a]) if a in equipment else "–" for a in KEY_EQUIPMENT]
        rows.append(
            (
                name,
                words.count(g["surveys"]["respondents"]),
                *rates,
                words.count(g["workshops"]["people"]),
                words.count(g["workshops"]["voters"]),
            )
        )
    return DataTable(
        t("diagnostic.comparison.caption"),
        (
            t("diagnostic.comparison.scope"),
            t("diagnostic.key.respondents"),
            t("diagnostic.key.smartphone"),
            t("diagnostic.key.internet_home"),
            t("diagnostic.key.participants"),
            t("diagnostic.key.voters"),
        ),
        tuple(rows),
    )


# -- the street survey -----------------------------------------------------------------------------------


def _question(diagnostic: Mapping[str, Any], qid: str) -> Mapping[str, Any] | None:
    return next((q for q in diagnostic["questions"] if q["id"] == qid), None)


def fragility_figure(groups: Sequence[tuple[str, Mapping[str, Any]]], words: Words) -> Figure:
    t = words.t
    series = [
        Series(t(f"diagnostic.fragility.{level.lower()}"), c)
        for level, c in zip(FRAGILITY, FRAGILITY_COLOURS, strict=True)
    ]
    rows, table = [], []
    for name, g in groups:
        surveys = g["surveys"]
        cells = [surveys["fragility"].get(level, _none()) for level in FRAGILITY]
        respondents = surveys["respondents"]
        rows.append(
            StackRow(
                name,
                words.n(_headcount(respondents)),
                tuple(Segment(_pct(c), words.percent(c)) for c in cells),
                suppressed=SUPPRESSED if is_suppressed(respondents) else None,
            )
        )
        unknown = surveys["fragility"].get("unknown", _none())
        table.append(
            (
                name,
                *(words.count_and_percent(c) for c in cells),
                words.count(unknown),
                words.count(respondents),
            )
        )
    heading = t("diagnostic.fragility.title")
    return Figure(
        "chart-fragility",
        heading,
        t("diagnostic.fragility.note"),
        stacked_bars(
            "chart-fragility",
            heading,
            t("diagnostic.fragility.desc"),
            series,
            rows,
            rtl=words.rtl,
            lang=words.lang,
            empty=t("diagnostic.empty"),
        ),
        DataTable(
            heading,
            (
                t("diagnostic.comparison.scope"),
                *(s.label for s in series),
                t("diagnostic.fragility.unknown"),
                t("diagnostic.key.respondents"),
            ),
            tuple(table),
        ),
    )


def equipment_figure(diagnostic: Mapping[str, Any], group: Mapping[str, Any], words: Words) -> Figure:
    t = words.t
    question = _question(diagnostic, "equipment")
    figures = group["surveys"]["questions"].get("equipment")
    bars, table = [], []
    if question and figures:
        for answer in question["answers"]:
            cell = figures["answers"].get(answer["id"])
            if cell is None:
                continue
            label = words.label(answer["labels"], answer["id"])
            bars.append(
                Bar(label, _pct(cell), words.percent(cell), "" if is_suppressed(cell) else words.of(cell))
            )
            table.append((label, words.percent(cell), words.of(cell)))
    heading = t("diagnostic.equipment.title")
    return Figure(
        "chart-equipment",
        heading,
        words.n(_headcount(group["surveys"]["respondents"])),
        bar_chart(
            "chart-equipment",
            heading,
            t("diagnostic.equipment.desc"),
            bars,
            rtl=words.rtl,
            lang=words.lang,
            scale_max=100,
            empty=t("diagnostic.empty"),
        ),
        DataTable(
            heading,
            (t("diagnostic.column.answer"), t("diagnostic.column.share"), t("diagnostic.column.of")),
            tuple(table),
        ),
    )


def autonomy_figure(diagnostic: Mapping[str, Any], group: Mapping[str, Any], words: Words) -> Figure:
    t = words.t
    series = [
        Series(t(f"diagnostic.autonomy.{a}"), c) for a, c in zip(AUTONOMY, AUTONOMY_COLOURS, strict=True)
    ]
    rows, table = [], []
    for question in diagnostic["questions"]:
        if not question["id"].startswith("autonomy_"):
            continue
        figures = group["surveys"]["questions"].get(question["id"])
        if not figures:
            continue
        label = words.label(question["labels"], question["id"])
        cells = [figures["answers"].get(a, _none()) for a in AUTONOMY]
        n = next((c["n"] for c in cells if not c["suppressed"] and c["n"] is not None), None)
        everyone = all(is_suppressed(c) for c in cells)
        rows.append(
            StackRow(
                label,
                words.n(n),
                tuple(Segment(_pct(c), words.percent(c)) for c in cells),
                suppressed=SUPPRESSED if everyone else None,
            )
        )
        table.append(
            (label, *(words.count_and_percent(c) for c in cells), words.count(figures["unanswered"]))
        )
    heading = t("diagnostic.autonomy.title")
    return Figure(
        "chart-autonomy",
        heading,
        t("diagnostic.autonomy.note"),
        stacked_bars(
            "chart-autonomy",
            heading,
            t("diagnostic.autonomy.desc"),
            series,
            rows,
            rtl=words.rtl,
            lang=words.lang,
            empty=t("diagnostic.empty"),
        ),
        DataTable(
            heading,
            (t("diagnostic.column.task"), *(s.label for s in series), t("diagnostic.column.unanswered")),
            tuple(table),
        ),
    )


# -- the workshops ---------------------------------------------------------------------------------------


def _ref_label(diagnostic: Mapping[str, Any], ref: str | None, words: Words) -> str:
    if ref is None:
        return ""
    info = diagnostic["refs"].get(ref)
    return words.label(info["labels"] if info else None, ref)


def _counted_bars(rows: Sequence[tuple[str, Cell]], words: Words) -> list[Bar]:
    return [
        Bar(
            label,
            None if is_suppressed(c) else float(c["value"]),
            words.count(c),
            "" if is_suppressed(c) else words.t("diagnostic.people_n", n=words.people(c)),
        )
        for label, c in rows[:TOP_BARS]
    ]


def _counted_figure(
    name: str,
    rows: Sequence[tuple[str, Cell]],
    words: Words,
    *,
    colour: str,
    note: str,
    columns: tuple[str, str],
) -> Figure:
    """A bar per row, its count written after it, and the table of counts and people: the activities, their
    categories and the online services share this shape (`diagnostic.<name>.title`/`.desc`)."""
    t = words.t
    heading = t(f"diagnostic.{name}.title")
    return Figure(
        f"chart-{name}",
        heading,
        t(note),
        bar_chart(
            f"chart-{name}",
            heading,
            t(f"diagnostic.{name}.desc"),
            _counted_bars(rows, words),
            rtl=words.rtl,
            lang=words.lang,
            colour=colour,
            empty=t("diagnostic.empty"),
        ),
        DataTable(
            heading,
            (t(columns[0]), t(columns[1]), t("diagnostic.column.people")),
            tuple((label, words.count(c), words.people(c)) for label, c in rows),
        ),
    )


def activities_figure(diagnostic: Mapping[str, Any], group: Mapping[str, Any], words: Words) -> Figure:
    rows = [
        (_ref_label(diagnostic, r["ref"], words), r["cell"])
        for r in _ranked(group["workshops"]["activities"])
    ]
    return _counted_figure(
        "activities",
        rows,
        words,
        colour=OKABE_ITO[0],
        note="diagnostic.activities.note",
        columns=("diagnostic.column.activity", "diagnostic.column.cards"),
    )


def categories_figure(diagnostic: Mapping[str, Any], group: Mapping[str, Any], words: Words) -> Figure:
    rows = [
        (words.label(diagnostic["categories"].get(r["category"]), r["category"]), r["cell"])
        for r in _ranked(group["workshops"]["categories"])
    ]
    return _counted_figure(
        "categories",
        rows,
        words,
        colour=OKABE_ITO[4],
        note="diagnostic.activities.note",
        columns=("diagnostic.column.category", "diagnostic.column.cards"),
    )


def heat_figure(diagnostic: Mapping[str, Any], group: Mapping[str, Any], words: Words) -> Figure:
    t = words.t
    heat = sorted(group["workshops"]["heatmap"], key=lambda r: _rank_key(r["total"]))
    labels = [_ref_label(diagnostic, r["activity"], words) for r in heat]
    columns = [t(f"board.severity.{s}") for s in SEVERITIES]
    cells = [
        [
            HeatCell(None if is_suppressed(c) else float(c["value"]), words.count(c))
            for c in (r["severities"].get(s, _none()) for s in SEVERITIES)
        ]
        for r in heat
    ]
    heading = t("diagnostic.heat.title")
    return Figure(
        "chart-heat",
        heading,
        t("diagnostic.heat.note"),
        heat_map(
            "chart-heat",
            heading,
            t("diagnostic.heat.desc"),
            labels,
            columns,
            cells,
            rtl=words.rtl,
            lang=words.lang,
            suppressed_label=t("diagnostic.legend.suppressed"),
            scale_label=t("diagnostic.heat.scale"),
            empty=t("diagnostic.empty"),
        ),
        DataTable(
            heading,
            (t("diagnostic.column.activity"), *columns, t("diagnostic.column.total")),
            tuple(
                (label, *(c.text for c in row), words.count(r["total"]))
                for label, row, r in zip(labels, cells, heat, strict=True)
            ),
        ),
    )


def touchpoints_figure(diagnostic: Mapping[str, Any], group: Mapping[str, Any], words: Words) -> Figure:
    rows = [
        (_ref_label(diagnostic, r["ref"], words), r["cell"])
        for r in _ranked(group["workshops"]["touchpoints"])
    ]
    return _counted_figure(
        "touchpoints",
        rows,
        words,
        colour=OKABE_ITO[3],
        note="diagnostic.touchpoints.note",
        columns=("diagnostic.column.service", "diagnostic.column.difficulties"),
    )


def solutions_figure(diagnostic: Mapping[str, Any], group: Mapping[str, Any], words: Words) -> Figure:
    t = words.t
    voters = group["workshops"]["voters"]
    bars: list[Bar] = []
    table: list[tuple[str, ...]] = []
    for row in group["workshops"]["solutions"]:  # ranked by the API: dots per voter, suppressed last
        cell = row["cell"]
        label = _ref_label(diagnostic, row["ref"], words) if row["ref"] else (row["text"] or "")
        rate = rate_of(cell)
        per_voter = t("diagnostic.per_voter", rate=words.decimal(rate, 2)) if rate is not None else SUPPRESSED
        if len(bars) < TOP_BARS:
            bars.append(
                Bar(
                    label,
                    rate,
                    per_voter,
                    "" if rate is None else t("diagnostic.dots_n", n=words.count(cell)),
                )
            )
        table.append((label, words.count(cell), words.people(cell), per_voter))
    heading = t("diagnostic.solutions.title")
    return Figure(
        "chart-solutions",
        heading,
        t("diagnostic.solutions.note", n=words.count(voters)),
        bar_chart(
            "chart-solutions",
            heading,
            t("diagnostic.solutions.desc"),
            bars,
            rtl=words.rtl,
            lang=words.lang,
            colour=OKABE_ITO[2],
            empty=t("diagnostic.empty"),
        ),
        DataTable(
            heading,
            (
                t("diagnostic.column.solution"),
                t("diagnostic.column.dots"),
                t("diagnostic.column.voters_on"),
                t("diagnostic.column.per_voter"),
            ),
            tuple(table),
        ),
    )


# -- helpers ---------------------------------------------------------------------------------------------


def _none() -> dict[str, Any]:
    return {"value": 0, "people": 0, "n": None, "rate": None, "suppressed": False}


def _headcount(cell: Cell) -> int | None:
    return None if is_suppressed(cell) else int(cell["value"])


def _pct(cell: Cell) -> float | None:
    share = rate_of(cell)
    return None if share is None else share * 100


def _rank_key(cell: Cell) -> tuple[int, float]:
    """Largest first, suppressed cells last."""
    return (1, 0.0) if is_suppressed(cell) else (0, -float(cell["value"]))


def _ranked(rows: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return sorted(rows, key=lambda r: _rank_key(r["cell"]))
