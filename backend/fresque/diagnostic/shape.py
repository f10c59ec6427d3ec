"""The diagnostic's JSON, as `GET /api/studies/{id}/diagnostic` answers it: the contract with the page, the
charts and every export derived from it (docs/diagnostic.md, « The diagnostic's figures », has an example).

Every figure is a `Cell`. `people` is how many distinct people the cell is computed from: residents who
answered the street survey, or participants of the workshops (authors of the cards, voters). A cell computed
from fewer than `threshold` (5) people, or hidden so that it cannot be worked out from a total by
subtraction, is `SUPPRESSED`: every number null, `suppressed: true`; the page writes « < 5 ».
"""

from __future__ import annotations

from typing import Literal, TypedDict

Labels = dict[str, str]  # {"fr": …, "en": …, "ar": …} (a resident's own words have none)


class Cell(TypedDict):
    """One figure. `value`: what is counted (respondents giving an answer, cards, dots); `people`: the
    distinct people behind it (the threshold applies to this); `n`: the population it is a share of (the
    group's respondents, participants or voters); `rate`: `value / n` for survey answers and votes,
    `people / n` for workshop cells (the share of participants), null when it has no meaning (a group's own
    headcount)."""

    value: int | None
    people: int | None
    n: int | None
    rate: float | None
    suppressed: bool


SUPPRESSED: Cell = {"value": None, "people": None, "n": None, "rate": None, "suppressed": True}


class Filters(TypedDict):
    neighbourhood: str | None
    age_band: str | None
    fragility: str | None
    workshop: str | None


class NeighbourhoodInfo(TypedDict):
    id: str
    name: str
    qpv_code: str | None


class WorkshopInfo(TypedDict):
    id: str
    title: str
    date: str | None
    neighbourhood: str | None  # a neighbourhood id of the study, or null (the whole territory)


class AnswerInfo(TypedDict):
    id: str
    labels: Labels
    picture: str | None


class QuestionInfo(TypedDict):
    """A survey question as the latest questionnaire words it (answers of older versions appended)."""

    id: str
    kind: Literal["single", "multiple"]
    labels: Labels
    answers: list[AnswerInfo]


class RefInfo(TypedDict):
    """A pictogram named on the boards: its kind, labels, picture (OpenMoji code) and, for an activity, its
    category."""

    kind: str
    labels: Labels
    picture: str | None
    category: str | None


class QuestionFigures(TypedDict):
    """`answers`: answer id → respondents who gave it (a `single` question's answers and `unanswered` add up
    to the group's respondents; a `multiple` question's answers each are a share of them)."""

    kind: Literal["single", "multiple"]
    answers: dict[str, Cell]
    unanswered: Cell


class SurveyFigures(TypedDict):
    respondents: Cell
    # N0 … N4 and "unknown" (no level computed): they add up to `respondents`.
    fragility: dict[str, Cell]
    # question id → figures, for every `single` / `multiple` question of the questionnaire(s): equipment,
    # services_used, autonomy_<task>, help_from, barriers, age_band, language …
    questions: dict[str, QuestionFigures]


class ActivityRow(TypedDict):
    ref: str
    category: str | None
    cell: Cell  # value: activity cards placed; people: who placed one


class CategoryRow(TypedDict):
    category: str
    cell: Cell


class HeatRow(TypedDict):
    """Difficulties tied to an activity (activity → difficulty, or activity → touch-point → difficulty),
    by severity: value = difficulty cards, people = their authors."""

    activity: str
    total: Cell
    severities: dict[Literal["ok", "difficile", "bloque"], Cell]


class TouchpointRow(TypedDict):
    """An online service (touch-point) tied to a difficulty (touch-point → difficulty): value = difficulty
    cards tied to it, people = their authors. Sorted by value, most first."""

    ref: str
    cell: Cell


class SolutionRow(TypedDict):
    """A solution residents voted on: `ref` (a catalogue solution, every board's cards of it together) or,
    for a free-text idea, `text`. cell.value = dots, cell.people = voters on it, cell.n = the group's voters,
    cell.rate = dots per voter. Sorted by rate, highest first; suppressed rows last."""

    ref: str | None
    text: str | None
    cell: Cell


class Words(TypedDict):
    """A resident's own words: the text of a difficulty or of an idea (solution)."""

    kind: Literal["difficulty", "solution"]
    text: str
    ref: str | None
    severity: str | None
    neighbourhood: str | None
    workshop: str


class WorkshopFigures(TypedDict):
    people: Cell  # participants who placed a card or a dot
    voters: Cell
    activities: list[ActivityRow]
    categories: list[CategoryRow]
    heatmap: list[HeatRow]
    touchpoints: list[TouchpointRow]
    solutions: list[SolutionRow]
    words: list[Words]
    words_suppressed: bool  # the group's people are suppressed: its words are left out too


class Group(TypedDict):
    neighbourhood: str | None  # null: the whole territory
    surveys: SurveyFigures
    workshops: WorkshopFigures


class Diagnostic(TypedDict):
    study: dict[str, str | None]  # id, title, territory
    threshold: int
    filters: Filters
    neighbourhoods: list[NeighbourhoodInfo]
    workshops: list[WorkshopInfo]
    questions: list[QuestionInfo]
    refs: dict[str, RefInfo]
    categories: dict[str, Labels]
    territory: Group
    by_neighbourhood: list[Group]
