"""From the diagnostic's answer (`fresque.diagnostic.shape.Diagnostic`) to named tables of rows.

Nothing is counted here: every figure is a cell of the diagnostic as `GET /api/studies/{id}/diagnostic`
answers it, « < 5 » already settled by `fresque.diagnostic.suppression`. A cell becomes five columns:
`value`, `people`, `n`, `rate` and `suppressed`; a suppressed cell has its four numbers empty (null) and
`suppressed` true, so that every column keeps one type and a reader can filter on the flag.

Residents' words (difficulty and idea texts) are written only when the team asks for them
(`include_texts`); no alias is ever written (the diagnostic's answer holds none).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, Literal

from ..diagnostic.shape import Cell, Diagnostic, Group, Labels

FieldType = Literal["string", "integer", "number", "boolean", "date"]
TERRITORY: Final = "territory"  # the area id of the whole territory (a neighbourhood's is its id)
LABEL_LANGUAGES: Final = ("fr", "en", "ar")
CELL_COLUMNS: Final = ("value", "people", "n", "rate", "suppressed")


@dataclass(frozen=True)
class Column:
    """A column: its name, Table Schema type, and the i18n key of its description (`opendata.column.*`
    unless `key` says otherwise). `enum`: the only values it may hold; `required`: never empty."""

    name: str
    type: FieldType = "string"
    key: str | None = None
    enum: tuple[str, ...] | None = None
    required: bool = False

    @property
    def description_key(self) -> str:
        return self.key or f"opendata.column.{self.name}"


@dataclass(frozen=True)
class ForeignKey:
    fields: tuple[str, ...]
    resource: str
    reference: tuple[str, ...]


@dataclass
class Table:
    """A named table: its columns, rows (one dict per row, every column present), keys. `value_key` and
    `n_key`: what this table's `value` and `n` count (i18n keys), for tables with cells."""

    name: str
    columns: list[Column]
    primary_key: tuple[str, ...] = ()
    foreign_keys: list[ForeignKey] = field(default_factory=list)
    rows: list[dict[str, Any]] = field(default_factory=list)
    value_key: str | None = None
    n_key: str | None = None

    def add(self, **row: Any) -> None:
        self.rows.append({c.name: row.get(c.name) for c in self.columns})


def cell_columns() -> list[Column]:
    return [
        Column("value", "integer"),
        Column("people", "integer"),
        Column("n", "integer"),
        Column("rate", "number"),
        Column("suppressed", "boolean", required=True),
    ]


def cell_values(cell: Cell) -> dict[str, Any]:
    """The diagnostic's cell as it is: a suppressed one has no number (never a count below the threshold)."""
    if cell["suppressed"]:
        return {"value": None, "people": None, "n": None, "rate": None, "suppressed": True}
    return {
        "value": cell["value"],
        "people": cell["people"],
        "n": cell["n"],
        "rate": cell["rate"],
        "suppressed": False,
    }


def _labels(labels: Labels | Mapping[str, str]) -> dict[str, str | None]:
    return {f"label_{lang}": labels.get(lang) or None for lang in LABEL_LANGUAGES}


def _label_columns() -> list[Column]:
    return [Column(f"label_{lang}") for lang in LABEL_LANGUAGES]


def _iso_date(text: str | None) -> str | None:
    """A workshop's date when it is an ISO date (the API stores only those); else none."""
    if not text:
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


AREA: Final = ForeignKey(("area_id",), "areas", ("area_id",))


def _area() -> Column:
    return Column("area_id", required=True)


def build_tables(diagnostic: Diagnostic, *, include_texts: bool) -> list[Table]:
    """Every table of the open data, in the order the README and the package list them."""
    groups: list[tuple[str, Group]] = [(TERRITORY, diagnostic["territory"])]
    groups += [(g["neighbourhood"] or TERRITORY, g) for g in diagnostic["by_neighbourhood"]]
    study = diagnostic["study"]

    areas = Table(
        "areas",
        [
            Column("area_id", required=True),
            Column(
                "kind", key="opendata.column.area_kind", enum=("territory", "neighbourhood"), required=True
            ),
            Column("name"),
            Column("qpv_code"),
        ],
        ("area_id",),
    )
    areas.add(area_id=TERRITORY, kind="territory", name=study.get("territory"))
    for hood in diagnostic["neighbourhoods"]:
        areas.add(area_id=hood["id"], kind="neighbourhood", name=hood["name"], qpv_code=hood["qpv_code"])

    workshops = Table(
        "workshops",
        [Column("workshop_id", required=True), Column("title"), Column("date", "date"), Column("area_id")],
        ("workshop_id",),
        [AREA],
    )
    for ws in diagnostic["workshops"]:
        workshops.add(
            workshop_id=ws["id"], title=ws["title"], date=_iso_date(ws["date"]), area_id=ws["neighbourhood"]
        )

    categories = Table("categories", [Column("category", required=True), *_label_columns()], ("category",))
    for cid, labels in diagnostic["categories"].items():
        categories.add(category=cid, **_labels(labels))
    known_categories = set(diagnostic["categories"])

    pictograms = Table(
        "pictograms",
        [
            Column("ref", required=True),
            Column("kind", key="opendata.column.pictogram_kind"),
            Column("category"),
            *_label_columns(),
            Column("picture"),
        ],
        ("ref",),
        [ForeignKey(("category",), "categories", ("category",))],
    )
    refs = dict(diagnostic["refs"])

    def pictogram(ref: str) -> str:
        """Every ref a table names is a row of `pictograms` (its foreign keys hold)."""
        if ref not in refs:
            refs[ref] = {"kind": "", "labels": {}, "picture": None, "category": None}
        return ref

    questions = Table(
        "questions",
        [
            Column("question_id", required=True),
            Column("kind", key="opendata.column.question_kind", enum=("single", "multiple")),
            *_label_columns(),
        ],
        ("question_id",),
    )
    answers = Table(
        "answers",
        [
            Column("question_id", required=True),
            Column("answer_id", required=True),
            *_label_columns(),
            Column("picture"),
        ],
        ("question_id", "answer_id"),
        [ForeignKey(("question_id",), "questions", ("question_id",))],
    )
    for q in diagnostic["questions"]:
        questions.add(question_id=q["id"], kind=q["kind"], **_labels(q["labels"]))
        for a in q["answers"]:
            answers.add(question_id=q["id"], answer_id=a["id"], picture=a["picture"], **_labels(a["labels"]))
    known_answers = {(r["question_id"], r["answer_id"]) for r in answers.rows}

    def figures(
        name: str,
        columns: list[Column],
        key: tuple[str, ...] | None,
        fks: Sequence[ForeignKey],
        value: str,
        n: str,
    ) -> Table:
        return Table(
            name,
            [_area(), *columns, *cell_columns()],
            () if key is None else ("area_id", *key),
            [AREA, *fks],
            value_key=f"opendata.value.{value}",
            n_key=f"opendata.n.{n}",
        )

    headcounts = figures(
        "headcounts",
        [Column("population", enum=("respondents", "participants", "voters"), required=True)],
        ("population",),
        [],
        "headcounts",
        "headcounts",
    )
    fragility = figures(
        "fragility",
        [Column("level", enum=("N0", "N1", "N2", "N3", "N4", "unknown"), required=True)],
        ("level",),
        [],
        "respondents",
        "respondents",
    )
    survey_answers = figures(
        "survey_answers",
        [Column("question_id", required=True), Column("answer_id", required=True)],
        ("question_id", "answer_id"),
        [ForeignKey(("question_id", "answer_id"), "answers", ("question_id", "answer_id"))],
        "respondents",
        "respondents",
    )
    unanswered = figures(
        "survey_unanswered",
        [Column("question_id", required=True)],
        ("question_id",),
        [ForeignKey(("question_id",), "questions", ("question_id",))],
        "unanswered",
        "respondents",
    )
    activities = figures(
        "activities",
        [Column("ref", key="opendata.column.activity_ref", required=True), Column("category")],
        ("ref",),
        [
            ForeignKey(("ref",), "pictograms", ("ref",)),
            ForeignKey(("category",), "categories", ("category",)),
        ],
        "cards",
        "participants",
    )
    activity_categories = figures(
        "activity_categories",
        [Column("category", required=True)],
        ("category",),
        [ForeignKey(("category",), "categories", ("category",))],
        "cards",
        "participants",
    )
    heatmap = figures(
        "heatmap",
        [
            Column("activity_ref", required=True),
            Column("severity", enum=("all", "ok", "difficile", "bloque"), required=True),
        ],
        ("activity_ref", "severity"),
        [ForeignKey(("activity_ref",), "pictograms", ("ref",))],
        "difficulties",
        "participants",
    )
    touchpoints = figures(
        "touchpoints",
        [Column("ref", key="opendata.column.touchpoint_ref", required=True)],
        ("ref",),
        [ForeignKey(("ref",), "pictograms", ("ref",))],
        "difficulties",
        "participants",
    )
    solution_columns = [
        Column("kind", enum=("catalogue", "idea"), key="opendata.column.solution_kind", required=True)
    ]
    solution_columns.append(Column("ref", key="opendata.column.solution_ref"))
    if include_texts:
        solution_columns.append(Column("idea_text"))
    # No primary key: a free-text idea has no id but its words, and its words are left out by default.
    solutions = figures(
        "solutions", solution_columns, None, [ForeignKey(("ref",), "pictograms", ("ref",))], "dots", "voters"
    )

    for _, group in groups:  # a workshop's own picture may bring a category of its own
        for crow in group["workshops"]["categories"]:
            if crow["category"] not in known_categories:
                categories.add(category=crow["category"])
                known_categories.add(crow["category"])

    def in_category(category: str | None) -> str | None:
        return category if category in known_categories else None

    for area, group in groups:
        s, w = group["surveys"], group["workshops"]
        headcounts.add(area_id=area, population="respondents", **cell_values(s["respondents"]))
        headcounts.add(area_id=area, population="participants", **cell_values(w["people"]))
        headcounts.add(area_id=area, population="voters", **cell_values(w["voters"]))
        for level, cell in s["fragility"].items():
            fragility.add(area_id=area, level=level, **cell_values(cell))
        for qid, q_figures in s["questions"].items():
            unanswered.add(area_id=area, question_id=qid, **cell_values(q_figures["unanswered"]))
            for aid, cell in q_figures["answers"].items():
                if (qid, aid) not in known_answers:  # an answer no questionnaire names (kept: it was counted)
                    answers.add(question_id=qid, answer_id=aid)
                    known_answers.add((qid, aid))
                survey_answers.add(area_id=area, question_id=qid, answer_id=aid, **cell_values(cell))
        for row in w["activities"]:
            activities.add(
                area_id=area,
                ref=pictogram(row["ref"]),
                category=in_category(row["category"]),
                **cell_values(row["cell"]),
            )
        for crow in w["categories"]:
            activity_categories.add(area_id=area, category=crow["category"], **cell_values(crow["cell"]))
        for hrow in w["heatmap"]:
            ref = pictogram(hrow["activity"])
            heatmap.add(area_id=area, activity_ref=ref, severity="all", **cell_values(hrow["total"]))
            for severity, cell in hrow["severities"].items():
                heatmap.add(area_id=area, activity_ref=ref, severity=severity, **cell_values(cell))
        for trow in w["touchpoints"]:
            touchpoints.add(area_id=area, ref=pictogram(trow["ref"]), **cell_values(trow["cell"]))
        for srow in w["solutions"]:
            solutions.add(
                area_id=area,
                kind="catalogue" if srow["ref"] else "idea",
                ref=pictogram(srow["ref"]) if srow["ref"] else None,
                idea_text=srow["text"] if include_texts and not srow["ref"] else None,
                **cell_values(srow["cell"]),
            )

    tables = [
        areas,
        workshops,
        questions,
        answers,
        categories,
        pictograms,
        headcounts,
        fragility,
        survey_answers,
        unanswered,
        activities,
        activity_categories,
        heatmap,
        touchpoints,
        solutions,
    ]
    if include_texts:
        words = Table(
            "words",
            [
                Column("workshop_id", required=True),
                Column("area_id"),
                Column(
                    "kind", enum=("difficulty", "solution"), key="opendata.column.word_kind", required=True
                ),
                Column("ref", key="opendata.column.word_ref"),
                Column("severity", enum=("ok", "difficile", "bloque")),
                Column("text", required=True),
            ],
            (),
            [
                ForeignKey(("workshop_id",), "workshops", ("workshop_id",)),
                AREA,
                ForeignKey(("ref",), "pictograms", ("ref",)),
            ],
        )
        # The territory's words are every published neighbourhood's (the diagnostic settled which).
        for word in diagnostic["territory"]["workshops"]["words"]:
            words.add(
                workshop_id=word["workshop"],
                area_id=word["neighbourhood"],
                kind=word["kind"],
                ref=pictogram(word["ref"]) if word["ref"] else None,
                severity=word["severity"] if word["severity"] in ("ok", "difficile", "bloque") else None,
                text=word["text"],
            )
        tables.append(words)
    for ref in sorted(refs):
        info = refs[ref]
        pictograms.add(
            ref=ref,
            kind=info["kind"] or None,
            category=in_category(info["category"]),
            picture=info["picture"],
            **_labels(info["labels"]),
        )
    return tables
