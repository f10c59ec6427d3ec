"""« < 5 » in the diagnostic's own terms (`fresque.diagnostic.suppression`, `compute`), without a server:
primary and complementary suppression along partitions, the total as a last resort, cascades from a group's
headcount, and a whole diagnostic whose published figures never let 1 to 4 people be subtracted out."""

from __future__ import annotations

import itertools
import random

from fresque.diagnostic import Person, Response, StudyInputs, board_facts, diagnose, people_of
from fresque.diagnostic.compute import questions_of
from fresque.diagnostic.suppression import Raw, Table
from fresque.survey.questionnaire import default_questionnaire
from support.study_seed import board_document, survey_answers


def raw(people: int) -> Raw:
    return Raw(people, people, None, None)


def test_a_small_cell_is_suppressed_and_a_second_one_with_it() -> None:
    table = Table(5)
    for key, people in (("alone", 20), ("with_help", 9), ("cannot", 3), ("total", 32)):
        table.add(key, raw(people))
    table.partition("total", ["alone", "with_help", "cannot"], 32)
    # 32 - 20 - 9 = 3 would give « cannot » back: the next smallest goes too (9 + 3 unpublished)
    assert table.settle() == {"cannot", "with_help"}


def test_a_small_remainder_suppresses_a_cell_that_is_large_itself() -> None:
    table = Table(5)
    table.add("total", raw(40))
    table.add("smartphone", raw(38))
    table.partition("total", ["smartphone"], 40)  # 2 people without one: never published alone
    assert table.settle() == {"smartphone"}
    table = Table(5)
    table.add("total", raw(40))
    table.add("smartphone", raw(40))
    table.partition("total", ["smartphone"], 40)  # everyone: nobody is singled out
    assert table.settle() == set()


def test_parts_all_small_leave_a_total_of_five_or_more_published() -> None:
    table = Table(5)
    for key, people in (("a", 2), ("b", 1), ("total", 7)):
        table.add(key, raw(people))
    table.partition("total", ["a", "b"], 7)  # 4 people of no answer, never published
    # 7 - nothing published = 7 people: nobody singled out
    assert table.settle() == {"a", "b"}


def test_a_group_whose_headcount_is_suppressed_has_every_cell_suppressed() -> None:
    table = Table(5)
    for key, people in (("territory", 30), ("north", 27), ("south", 3), ("south.x", 3), ("north.x", 20)):
        table.add(key, raw(people))
    table.partition("territory", ["north", "south"], 30)
    table.cascade("north", ["north.x"])
    # south (3) is « < 5 »; territory - north would give it: north goes, and its cells with it
    assert table.settle() == {"south", "south.x", "north", "north.x"}


def _study(seed: int) -> StudyInputs:
    rng = random.Random(seed)
    hoods = ["n1", "n2", "n3"]
    boards, people = [], {}
    for i, hood in enumerate(hoods):
        workshop = {"id": f"w{i}", "title": f"Atelier {i}", "neighbourhood": hood, "date": None}
        document = board_document(rng, workshop, residents=rng.randint(3, 20))
        boards.append(board_facts(document))
        people[f"w{i}"] = people_of(document["participants"])
    responses = [
        Response(hood, rng.choice(("N0", "N1", "N2", "N3", "N4", None)), survey_answers(rng, hood))
        for hood in rng.choices([*hoods, None], k=rng.randint(10, 60))
    ]
    from fresque.api.diagnostic import catalogue_refs
    from support.study_seed import _catalogue

    refs, categories = catalogue_refs(_catalogue())
    return StudyInputs(
        study={"id": "s", "title": "t", "territory": "x"},
        neighbourhoods=[{"id": h, "name": h, "qpv_code": None} for h in hoods],
        workshops=[
            {"id": f"w{i}", "title": "", "date": None, "neighbourhood": h} for i, h in enumerate(hoods)
        ],
        boards=boards,
        people=people,
        responses=responses,
        questions=questions_of([(1, default_questionnaire())]),
        refs=refs,
        categories=categories,
    )


def _cells(group: dict) -> dict:
    s, w = group["surveys"], group["workshops"]
    out = {("respondents",): s["respondents"], ("people",): w["people"], ("voters",): w["voters"]}
    out.update({("fragility", k): c for k, c in s["fragility"].items()})
    for qid, q in s["questions"].items():
        out.update({(qid, a): c for a, c in q["answers"].items()})
        out[(qid, "")] = q["unanswered"]
    out.update({("activity", r["ref"]): r["cell"] for r in w["activities"]})
    for row in w["heatmap"]:
        out[("heat", row["activity"])] = row["total"]
        out.update({("heat", row["activity"], s_): c for s_, c in row["severities"].items()})
    out.update({("touchpoint", r["ref"]): r["cell"] for r in w["touchpoints"]})
    return out


def test_no_diagnostic_lets_a_small_number_through_by_subtraction() -> None:
    """Random studies: each published total minus its published parts (answers of a single question,
    neighbourhoods of the territory) is never 1 to 4 people, and no published cell is from fewer than 5."""
    for seed in range(25):
        inputs = _study(seed)
        figures = diagnose(inputs)
        single = [q["id"] for q in inputs.questions if q["kind"] == "single"]
        groups = [figures["territory"], *figures["by_neighbourhood"]]
        for group in groups:
            cells = _cells(group)
            for cell in cells.values():
                assert cell["suppressed"] or cell["people"] >= 5
            total = cells[("respondents",)]
            for qid in single:
                parts = [c for k, c in cells.items() if k[0] == qid]
                if not total["suppressed"]:
                    rest = total["people"] - sum(c["people"] for c in parts if not c["suppressed"])
                    assert not 0 < rest < 5, (seed, qid, rest)
        territory = _cells(figures["territory"])
        hoods = [_cells(g) for g in figures["by_neighbourhood"]]
        for key, cell in territory.items():
            if cell["suppressed"]:
                continue
            rest = cell["people"] - sum(
                h[key]["people"] for h in hoods if key in h and not h[key]["suppressed"]
            )
            assert not 0 < rest < 5, (seed, key, rest)


def test_who_counts() -> None:
    people = people_of(
        [
            {"id": "f", "role": "facilitator"},
            {"id": "c", "role": "co_facilitator"},
            {"id": "r", "role": "participant", "consent": False},
            {"id": "h", "role": "participant", "host": "x", "age_band": "26_40", "fragility": "N1"},
            {"id": "x", "role": "participant", "consent": True},
        ]
    )
    assert {p.id for p in people.values() if p.counts} == {"h", "x"}
    assert people["h"] == Person("h", True, "26_40", "N1")
    assert list(itertools.islice(people, 1)) == ["f"]


def test_an_erase_drops_what_the_diagnostic_keeps_in_memory() -> None:
    from fresque.api import diagnostic as api

    document = board_document(random.Random(3), {"id": "w", "title": "", "neighbourhood": None}, residents=5)
    api._facts[("board-a", 7)] = board_facts(document)
    api._facts[("board-b", 2)] = board_facts(document)
    api._results[("study-a", ("key",))] = b"{}"
    api._results[("study-b", ("key",))] = b"{}"
    api.forget("study-a", ["board-a"])
    assert ("board-a", 7) not in api._facts and ("board-b", 2) in api._facts
    assert ("study-a", ("key",)) not in api._results and ("study-b", ("key",)) in api._results
    api.forget("study-b", ["board-b"])
