"""The diagnostic's figures from a study's boards (their facts, `boards.py`) and survey responses.

Pure: no database, no web. `diagnose(inputs, filters)` computes the raw counts of the population the filters
ask for, for the territory and each neighbourhood, and when a filter is set also those of the population
without it and of each of its other values (so that a filtered figure cannot be subtracted from an
unfiltered one: `suppression.py`), settles which cells are published, and writes the `shape.Diagnostic`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Iterable, Mapping, MutableMapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Final, cast

from ..collector import gc_paused
from ..people import AGE_BANDS, FRAGILITY_LEVELS
from .boards import BoardFacts, Person
from .shape import (
    SUPPRESSED,
    ActivityRow,
    CategoryRow,
    Cell,
    Diagnostic,
    Filters,
    Group,
    HeatRow,
    Labels,
    NeighbourhoodInfo,
    QuestionFigures,
    QuestionInfo,
    RefInfo,
    SolutionRow,
    SurveyFigures,
    TouchpointRow,
    Words,
    WorkshopFigures,
    WorkshopInfo,
)
from .suppression import Raw, Table

THRESHOLD: Final = 5
SEVERITIES: Final = ("ok", "difficile", "bloque")
UNKNOWN_LEVEL: Final = "unknown"
TERRITORY: Final = "*"  # the group key of the whole territory (a neighbourhood's key is its id)
NO_FILTERS: Final[Filters] = {"neighbourhood": None, "age_band": None, "fragility": None, "workshop": None}


@dataclass(frozen=True, slots=True)
class Response:
    """A street-survey response: its neighbourhood (an id of the study's, else None), its fragility level,
    its answers ({question id: answer id, or [answer ids]})."""

    neighbourhood: str | None
    fragility: str | None
    answers: Mapping[str, Any]

    @property
    def age_band(self) -> str | None:
        band = self.answers.get("age_band")
        return band if isinstance(band, str) else None


@dataclass(frozen=True)
class StudyInputs:
    study: dict[str, str | None]
    neighbourhoods: list[NeighbourhoodInfo]
    workshops: list[WorkshopInfo]
    boards: list[BoardFacts]
    people: Mapping[str, Mapping[str, Person]]  # workshop id → participant id → person
    responses: list[Response]
    questions: list[QuestionInfo]
    refs: Mapping[str, RefInfo]  # every catalogue entry (and workshop picture) the boards may name
    categories: Mapping[str, Labels]
    # Counts of a group already computed for the same study's context (its neighbourhoods, workshops,
    # pictures and questionnaire: the caller keeps one memo per context), by what they depend on: a
    # neighbourhood's boards (id, seq) and people, or the responses (`responses_version`).
    memo: MutableMapping[Hashable, Any] | None = None
    responses_version: Hashable = None


def questions_of(questionnaires: Sequence[tuple[int, Mapping[str, Any]]]) -> list[QuestionInfo]:
    """The `single` and `multiple` questions of a study's questionnaire versions, as the latest words them,
    with the questions and answers only older versions had appended (a response keeps its version)."""
    found: dict[str, QuestionInfo] = {}
    for _, body in sorted(questionnaires, key=lambda v: -v[0]):
        for q in body.get("questions", []):
            if q.get("kind") not in ("single", "multiple"):
                continue
            info = found.setdefault(
                q["id"],
                {"id": q["id"], "kind": q["kind"], "labels": dict(q.get("labels", {})), "answers": []},
            )
            known = {a["id"] for a in info["answers"]}
            for a in q.get("answers", []):
                if a["id"] not in known:
                    info["answers"].append(
                        {"id": a["id"], "labels": dict(a.get("labels", {})), "picture": a.get("picture")}
                    )
    return list(found.values())


# -- populations --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Population:
    """Who is counted: `age_band`, `fragility` (a response's, a participant's profile) and `workshop` (the
    boards read; surveys are not filtered by it). None: no filter on that."""

    age_band: str | None = None
    fragility: str | None = None
    workshop: str | None = None

    def person(self, person: Person) -> bool:
        return (
            person.counts
            and (self.age_band is None or person.age_band == self.age_band)
            and (self.fragility is None or person.fragility == self.fragility)
        )

    def response(self, response: Response) -> bool:
        return (self.age_band is None or response.age_band == self.age_band) and (
            self.fragility is None or response.fragility == self.fragility
        )


Path = tuple[str, ...]


@dataclass
class GroupCounts:
    cells: dict[Path, Raw] = field(default_factory=dict)
    words: list[Words] = field(default_factory=list)
    labels: dict[str, str] = field(default_factory=dict)  # solution key → its words (a free-text idea)


def _raw(value: int, people: int, n: int, share: int | None) -> Raw:
    return Raw(value, people, n, share)


def survey_counts(responses: Sequence[Response], questions: Sequence[QuestionInfo]) -> dict[Path, Raw]:
    """Respondents, fragility levels, and each answer of each question (`""`: unanswered)."""
    n = len(responses)
    kinds = {q["id"]: q["kind"] for q in questions}
    levels = dict.fromkeys((*FRAGILITY_LEVELS, UNKNOWN_LEVEL), 0)
    counts: dict[tuple[str, str], int] = {(q["id"], a["id"]): 0 for q in questions for a in q["answers"]}
    answered = dict.fromkeys(kinds, 0)
    for r in responses:
        level = r.fragility if r.fragility in levels else UNKNOWN_LEVEL
        levels[level] += 1
        for qid, given in r.answers.items():
            kind = kinds.get(qid)
            if kind is None:
                continue
            if isinstance(given, str):
                chosen: Iterable[str] = (given,)
            elif isinstance(given, list):
                chosen = [a for a in dict.fromkeys(given) if isinstance(a, str)]
                if kind == "single":
                    chosen = chosen[:1]
            else:
                continue
            hit = False
            for a in chosen:
                counts[(qid, a)] = counts.get((qid, a), 0) + 1
                hit = True
            if hit:
                answered[qid] += 1
    cells: dict[Path, Raw] = {("s", "respondents"): Raw(n, n, n)}
    for level, count in levels.items():
        cells[("s", "fragility", level)] = Raw(count, count, n, count)
    for (qid, a), count in counts.items():
        cells[("s", "q", qid, a)] = Raw(count, count, n, count)
    for qid, count in answered.items():
        cells[("s", "q", qid, "")] = Raw(n - count, n - count, n, n - count)
    return cells


_SPACES = re.compile(r"\s+")


def _category(refs: Mapping[str, RefInfo], ref: str) -> str | None:
    entry = refs.get(ref)
    return None if entry is None else entry["category"]


def solution_key(ref: str | None, text: str | None) -> str:
    """A catalogue solution by its ref; a free-text idea by its words (same words, any case: one)."""
    if ref:
        return ref
    return "text:" + _SPACES.sub(" ", (text or "").strip()).casefold()


def workshop_counts(
    boards: Iterable[BoardFacts],
    people: Mapping[str, Mapping[str, Person]],
    counted: Callable[[Person], bool],
    refs: Mapping[str, RefInfo],
    neighbourhood_of: Mapping[str, str | None],
) -> GroupCounts:
    out = GroupCounts()
    contributors: set[tuple[str, str]] = set()
    voters: set[tuple[str, str]] = set()
    activity_cards: dict[str, int] = {}
    activity_people: dict[str, set[tuple[str, str]]] = {}
    category_cards: dict[str, int] = {}
    category_people: dict[str, set[tuple[str, str]]] = {}
    heat: dict[tuple[str, str], set[tuple[str, str]]] = {}  # (activity ref, severity|"") → difficulties
    heat_people: dict[tuple[str, str], set[tuple[str, str]]] = {}
    touch: dict[str, set[tuple[str, str]]] = {}
    touch_people: dict[str, set[tuple[str, str]]] = {}
    dots: dict[str, int] = {}
    dot_people: dict[str, set[tuple[str, str]]] = {}
    for board in boards:
        w = board.workshop_id
        known = people.get(w, {})
        ok = {pid for pid, person in known.items() if counted(person)}
        cards = {cid: c for cid, c in board.cards.items() if c.author in ok}
        for card in cards.values():
            who = (w, card.author)
            contributors.add(who)
            if card.kind == "activity" and card.ref:
                activity_cards[card.ref] = activity_cards.get(card.ref, 0) + 1
                activity_people.setdefault(card.ref, set()).add(who)
                category = board.categories.get(card.ref) or _category(refs, card.ref)
                if category:
                    category_cards[category] = category_cards.get(category, 0) + 1
                    category_people.setdefault(category, set()).add(who)
            elif card.kind in ("difficulty", "solution") and card.text and card.text.strip():
                out.words.append(
                    {
                        "kind": cast(Any, card.kind),
                        "text": card.text.strip(),
                        "ref": card.ref,
                        "severity": card.severity,
                        "neighbourhood": neighbourhood_of.get(w),
                        "workshop": w,
                    }
                )
        for tie in board.ties:
            if tie.authors <= ok:
                difficulty = cards[tie.difficulty]
                for sev in ("", difficulty.severity or ""):
                    heat.setdefault((tie.activity_ref, sev), set()).add((board.board_id, difficulty.id))
                    heat_people.setdefault((tie.activity_ref, sev), set()).add((w, difficulty.author))
        for touchpoint_id, difficulty_id in board.touches:
            tp, tied = cards.get(touchpoint_id), cards.get(difficulty_id)
            if tp is None or tied is None or tp.ref is None:
                continue
            touch.setdefault(tp.ref, set()).add((board.board_id, difficulty_id))
            touch_people.setdefault(tp.ref, set()).add((w, tied.author))
        for vote in board.votes:
            solution = cards.get(vote.item)
            if vote.participant not in ok or solution is None:
                continue
            who = (w, vote.participant)
            voters.add(who)
            contributors.add(who)
            key = solution_key(solution.ref, solution.text)
            dots[key] = dots.get(key, 0) + vote.count
            dot_people.setdefault(key, set()).add(who)
            if not solution.ref:
                words = _SPACES.sub(" ", (solution.text or "").strip())
                out.labels[key] = min(out.labels.get(key, words), words)
    p, v = len(contributors), len(voters)
    cells = out.cells
    cells[("w", "people")] = Raw(p, p, p)
    cells[("w", "voters")] = _raw(v, v, p, v)
    for ref, cards_count in activity_cards.items():
        who_ = len(activity_people[ref])
        cells[("w", "activity", ref)] = _raw(cards_count, who_, p, who_)
    for category, cards_count in category_cards.items():
        who_ = len(category_people[category])
        cells[("w", "category", category)] = _raw(cards_count, who_, p, who_)
    for (ref, sev), found in heat.items():
        who_ = len(heat_people[(ref, sev)])
        cells[("w", "heat", ref, sev)] = _raw(len(found), who_, p, who_)
    for ref, found in touch.items():
        who_ = len(touch_people[ref])
        cells[("w", "touchpoint", ref)] = _raw(len(found), who_, p, who_)
    for key, count in dots.items():
        cells[("w", "solution", key)] = _raw(count, len(dot_people[key]), v, count)
    return out


NOWHERE: Final = "~"  # the group of what has no neighbourhood: part of the territory, never published alone


def merge(groups: Iterable[GroupCounts]) -> GroupCounts:
    """The counts of a union of groups of different people (a response, a workshop's participant belongs to
    one neighbourhood): every count adds up, `n` and the rate's numerator too."""
    out = GroupCounts()
    for gc in groups:
        for path, raw in gc.cells.items():
            had = out.cells.get(path)
            if had is None:
                out.cells[path] = raw
            else:
                share = None if raw.share is None else (had.share or 0) + raw.share
                out.cells[path] = Raw(
                    had.value + raw.value, had.people + raw.people, (had.n or 0) + (raw.n or 0), share
                )
        out.words.extend(gc.words)
        for key, words in gc.labels.items():
            out.labels[key] = min(out.labels.get(key, words), words)
    for path, raw in out.cells.items():  # a path some groups lack: its n is the territory's all the same
        if path[0] == "s":
            n = out.cells[("s", "respondents")].people
        elif path[:2] == ("w", "solution"):
            n = out.cells[("w", "voters")].people
        elif path == ("w", "people"):
            continue
        else:
            n = out.cells[("w", "people")].people
        if raw.n != n:
            out.cells[path] = Raw(raw.value, raw.people, n, raw.share)
    return out


def population_counts(inputs: StudyInputs, pop: Population, surveys: bool = True) -> dict[str, GroupCounts]:
    """Raw counts of one population: each neighbourhood, and the territory (`TERRITORY`) as their sum with
    what has no neighbourhood."""
    hoods = [h["id"] for h in inputs.neighbourhoods]
    neighbourhood_of = {w["id"]: w["neighbourhood"] for w in inputs.workshops}
    boards: dict[str, list[BoardFacts]] = {h: [] for h in (*hoods, NOWHERE)}
    for b in inputs.boards:
        if b.workshop_id in neighbourhood_of and pop.workshop in (None, b.workshop_id):
            hood = neighbourhood_of[b.workshop_id]
            boards[hood if hood in boards else NOWHERE].append(b)
    responses: dict[str, list[Response]] = {h: [] for h in (*hoods, NOWHERE)}
    if surveys:
        for r in inputs.responses:
            if pop.response(r):
                responses[r.neighbourhood if r.neighbourhood in responses else NOWHERE].append(r)
    memo = inputs.memo
    out: dict[str, GroupCounts] = {}
    for group in (*hoods, NOWHERE):
        mine = boards[group]
        key: Hashable = None
        found = None
        if memo is not None:
            workshops = sorted({b.workshop_id for b in mine})
            key = (
                "w",
                group,
                pop.age_band,
                pop.fragility,
                tuple((b.board_id, b.seq) for b in mine),
                tuple((w, neighbourhood_of[w], tuple(inputs.people.get(w, {}).values())) for w in workshops),
            )
            found = memo.get(key)
        if found is None:
            found = workshop_counts(mine, inputs.people, pop.person, inputs.refs, neighbourhood_of)
            if memo is not None:
                memo[key] = found
        counts = GroupCounts(dict(found.cells), found.words, found.labels)
        if surveys:
            survey_key = ("s", group, pop.age_band, pop.fragility, inputs.responses_version)
            cells = memo.get(survey_key) if memo is not None and inputs.responses_version else None
            if cells is None:
                cells = survey_counts(responses[group], inputs.questions)
                if memo is not None and inputs.responses_version:
                    memo[survey_key] = cells
            counts.cells.update(cells)
        out[group] = counts
    out[TERRITORY] = merge(out.values())
    del out[NOWHERE]
    return out


# -- which cells are published ------------------------------------------------------------------------------


def _group_partitions(
    table: Table, pop: object, group: str, cells: Mapping[Path, Raw], kinds: Mapping[str, str]
) -> None:
    """The partitions and cascades inside one group of one population (`kinds`: question id → kind)."""

    def k(path: Path) -> tuple[object, str, Path]:
        return (pop, group, path)

    respondents = k(("s", "respondents"))
    if respondents in table.raw:
        n = table.raw[respondents].people
        survey = [k(p) for p in cells if p[0] == "s" and p != ("s", "respondents")]
        table.cascade(respondents, survey)
        table.partition(respondents, [k(p) for p in cells if p[:2] == ("s", "fragility")], n)
        questions: dict[str, list[Path]] = {}
        for path in cells:
            if path[:2] == ("s", "q"):
                questions.setdefault(path[2], []).append(path)
        for qid, paths in questions.items():
            if kinds.get(qid) == "single":  # its answers and `unanswered` add up to the respondents
                table.partition(respondents, [k(p) for p in paths], n)
            else:
                for path in paths:
                    table.partition(respondents, [k(path)], n)
    people, voters = k(("w", "people")), k(("w", "voters"))
    p, v = table.raw[people].people, table.raw[voters].people
    table.cascade(people, [k(path) for path in cells if path[0] == "w" and path != ("w", "people")])
    table.cascade(voters, [k(path) for path in cells if path[:2] == ("w", "solution")])
    table.partition(people, [voters], p)
    for path in cells:
        if path[0] == "w" and path[1] in ("activity", "category", "heat", "touchpoint"):
            table.partition(people, [k(path)], p)
        elif path[:2] == ("w", "solution"):
            table.partition(voters, [k(path)], v)


def _add_population(table: Table, pop: object, counts: Mapping[str, GroupCounts]) -> None:
    for group, gc in counts.items():
        for path, raw in gc.cells.items():
            table.add((pop, group, path), raw)


def _across(table: Table, total: tuple[object, str, Path], parts: list[tuple[object, str, Path]]) -> None:
    if total in table.raw:
        table.partition(total, parts, table.raw[total].people)


def settle(inputs: StudyInputs, filters: Filters) -> tuple[dict[str, GroupCounts], Table]:
    """The requested population's counts and the settled table (its keys: (population, group, path))."""
    pop = Population(filters["age_band"], filters["fragility"], filters["workshop"])
    table = Table(THRESHOLD)
    main = population_counts(inputs, pop)
    _add_population(table, pop, main)
    hoods = [h["id"] for h in inputs.neighbourhoods]
    kinds = {q["id"]: q["kind"] for q in inputs.questions}
    for group, gc in main.items():
        _group_partitions(table, pop, group, gc.cells, kinds)
    for path in main[TERRITORY].cells:
        _across(table, (pop, TERRITORY, path), [(pop, h, path) for h in hoods])
    # A filtered figure and its siblings (the other values of that filter) make up the figure without it.
    dimensions: list[tuple[str, Sequence[str]]] = [
        ("age_band", AGE_BANDS),
        ("fragility", FRAGILITY_LEVELS),
        ("workshop", [w["id"] for w in inputs.workshops]),
    ]
    for name, values in dimensions:
        if getattr(pop, name) is None:
            continue
        surveys = name != "workshop"
        parent = replace(pop, **{name: None})
        _add_population(table, ("parent", name), population_counts(inputs, parent, surveys))
        siblings = []
        for value in values:
            sibling = ("sibling", name, value)
            siblings.append(sibling)
            _add_population(table, sibling, population_counts(inputs, replace(pop, **{name: value}), surveys))
        for group, gc in main.items():
            for path in gc.cells:
                if path[0] == "s" and not surveys:
                    continue
                total = (("parent", name), group, path)
                own = getattr(pop, name)
                parts: list[tuple[object, str, Path]] = [
                    (pop if s[2] == own else s, group, path) for s in siblings
                ]
                _across(table, total, parts)
    table.settle()
    return main, table


# -- the document --------------------------------------------------------------------------------


def _cell(table: Table, key: object) -> Cell:
    raw = table.raw.get(key)
    if raw is None or key in table.suppressed:
        return cast(Cell, dict(SUPPRESSED))
    return {"value": raw.value, "people": raw.people, "n": raw.n, "rate": raw.rate, "suppressed": False}


def _ranked(
    rows: list[Any], cell_of: Callable[[Any], Cell], name: Callable[[Any], str], by: str
) -> list[Any]:
    """Published rows by `by` (most first), then suppressed rows by name (their order tells nothing)."""
    shown = [r for r in rows if not cell_of(r)["suppressed"]]
    hidden = [r for r in rows if cell_of(r)["suppressed"]]

    def measure(r: Any) -> float:
        return float(cast(dict[str, Any], cell_of(r))[by] or 0)

    shown.sort(key=lambda r: (-measure(r), -(cell_of(r)["value"] or 0), name(r)))
    hidden.sort(key=name)
    return shown + hidden


def _group(
    inputs: StudyInputs, table: Table, pop: object, group: str, gc: GroupCounts, label: str | None
) -> Group:
    def cell(*path: str) -> Cell:
        return _cell(table, (pop, group, path))

    survey: SurveyFigures = {
        "respondents": cell("s", "respondents"),
        "fragility": {lv: cell("s", "fragility", lv) for lv in (*FRAGILITY_LEVELS, UNKNOWN_LEVEL)},
        "questions": {},
    }
    for q in inputs.questions:
        answers = [p[3] for p in gc.cells if p[:3] == ("s", "q", q["id"]) and p[3]]
        figures: QuestionFigures = {
            "kind": q["kind"],
            "answers": {a: cell("s", "q", q["id"], a) for a in answers},
            "unanswered": cell("s", "q", q["id"], ""),
        }
        survey["questions"][q["id"]] = figures
    paths = list(gc.cells)
    activities: list[ActivityRow] = [
        {"ref": p[2], "category": _category(inputs.refs, p[2]), "cell": cell(*p)}
        for p in paths
        if p[:2] == ("w", "activity")
    ]
    categories: list[CategoryRow] = [
        {"category": p[2], "cell": cell(*p)} for p in paths if p[:2] == ("w", "category")
    ]
    heatmap: list[HeatRow] = [
        {
            "activity": p[2],
            "total": cell(*p),
            "severities": cast(Any, {s: cell("w", "heat", p[2], s) for s in SEVERITIES}),
        }
        for p in paths
        if p[:2] == ("w", "heat") and p[3] == ""
    ]
    touchpoints: list[TouchpointRow] = [
        {"ref": p[2], "cell": cell(*p)} for p in paths if p[:2] == ("w", "touchpoint")
    ]
    people = cell("w", "people")
    # A free-text idea's words are a resident's words: shown only where the group's words are.
    solutions: list[SolutionRow] = [
        {
            "ref": None if p[2].startswith("text:") else p[2],
            "text": gc.labels.get(p[2]) if p[2].startswith("text:") and not people["suppressed"] else None,
            "cell": cell(*p),
        }
        for p in paths
        if p[:2] == ("w", "solution")
    ]
    workshops: WorkshopFigures = {
        "people": people,
        "voters": cell("w", "voters"),
        "activities": _ranked(activities, lambda r: r["cell"], lambda r: r["ref"], "people"),
        "categories": _ranked(categories, lambda r: r["cell"], lambda r: r["category"], "people"),
        "heatmap": _ranked(heatmap, lambda r: r["total"], lambda r: r["activity"], "value"),
        "touchpoints": _ranked(touchpoints, lambda r: r["cell"], lambda r: r["ref"], "value"),
        "solutions": _ranked(solutions, lambda r: r["cell"], lambda r: r["ref"] or r["text"] or "", "rate"),
        "words": [],
        "words_suppressed": people["suppressed"],
    }
    if not people["suppressed"]:
        workshops["words"] = sorted(gc.words, key=lambda w: (w["workshop"], w["kind"], w["text"]))
    return {"neighbourhood": label, "surveys": survey, "workshops": workshops}


def diagnose(inputs: StudyInputs, filters: Filters | None = None) -> Diagnostic:
    with gc_paused():  # a burst of short-lived counts (fresque/collector.py)
        return _diagnose(inputs, filters or NO_FILTERS)


def _diagnose(inputs: StudyInputs, filters: Filters) -> Diagnostic:
    main, table = settle(inputs, filters)
    pop = Population(filters["age_band"], filters["fragility"], filters["workshop"])
    hoods = [h["id"] for h in inputs.neighbourhoods]
    chosen = filters["neighbourhood"]
    groups = [_group(inputs, table, pop, h, main[h], h) for h in hoods if chosen in (None, h)]
    if chosen is None:
        territory = _group(inputs, table, pop, TERRITORY, main[TERRITORY], None)
        # The territory's words: those of the neighbourhoods whose words are published (else a
        # neighbourhood's would show through the territory's list).
        # Workshops of no neighbourhood: their words only when they come from enough people.
        shown = {g["neighbourhood"] for g in groups if not g["workshops"]["words_suppressed"]}
        elsewhere = main[TERRITORY].cells[("w", "people")].people - sum(
            main[h].cells[("w", "people")].people for h in hoods
        )
        if elsewhere >= THRESHOLD:
            shown.add(None)
        territory["workshops"]["words"] = [
            w for w in territory["workshops"]["words"] if w["neighbourhood"] in shown
        ]
    else:
        territory = groups[0] if groups else _group(inputs, table, pop, TERRITORY, main[TERRITORY], None)
    used: set[str] = set()
    for g in [territory, *groups]:
        wf = g["workshops"]
        used.update(r["ref"] for r in wf["activities"])
        used.update(r["activity"] for r in wf["heatmap"])
        used.update(r["ref"] for r in wf["touchpoints"])
        used.update(r["ref"] for r in wf["solutions"] if r["ref"])
        used.update(w["ref"] for w in wf["words"] if w["ref"])
    return {
        "study": dict(inputs.study),
        "threshold": THRESHOLD,
        "filters": dict(filters),  # type: ignore[typeddict-item]
        "neighbourhoods": list(inputs.neighbourhoods),
        "workshops": list(inputs.workshops),
        "questions": list(inputs.questions),
        "refs": {r: inputs.refs[r] for r in sorted(used) if r in inputs.refs},
        "categories": dict(inputs.categories),
        "territory": territory,
        "by_neighbourhood": groups,
    }
