"""The diagnostic's figures recomputed independently of `fresque.diagnostic`, from the boards' JSON exports as
the facilitators download them and from the survey responses, and compared with the API's answer cell by
cell: every cell from fewer than 5 people is « < 5 », and no published total minus its published parts gives
back 1 to 4 people.

Used by tests/test_diagnostic.py (seeded studies) and tests/test_study_story.py (a study made through its
routes end to end)."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from .study_seed import SeededStudy

T = 5
SUPPRESSED = {"value": None, "people": None, "n": None, "rate": None, "suppressed": True}
FACILITATING = {"facilitator", "co_facilitator"}
LEVELS = ("N0", "N1", "N2", "N3", "N4")


# -- the reference: the figures recomputed from the exports and the responses, apart from the module --


class Ref:
    """Raw figures of one group: path → (value, people, n, rate)."""

    def __init__(self) -> None:
        self.cells: dict[tuple[str, ...], tuple[int, int, int, float | None]] = {}
        self.words: list[tuple[str, str]] = []
        self.texts: dict[str, str] = {}

    def put(self, path: tuple[str, ...], value: int, people: int, n: int, share: int | None) -> None:
        self.cells[path] = (value, people, n, None if share is None or n == 0 else round(share / n, 4))


def norm(text: str) -> str:
    return re.sub(r"\s+", " ", text.strip())


def board_reference(
    exports: Iterable[dict[str, Any]], catalogue_category: dict[str, str | None], keep: Any
) -> Ref:
    """Workshop figures of some boards; `keep(participant)` says who is in the population."""
    ref = Ref()
    people: set[str] = set()
    voters: set[str] = set()
    act_cards: dict[str, int] = defaultdict(int)
    act_people: dict[str, set[str]] = defaultdict(set)
    cat_cards: dict[str, int] = defaultdict(int)
    cat_people: dict[str, set[str]] = defaultdict(set)
    heat: dict[tuple[str, str], set[str]] = defaultdict(set)
    heat_people: dict[tuple[str, str], set[str]] = defaultdict(set)
    touch: dict[str, set[str]] = defaultdict(set)
    touch_people: dict[str, set[str]] = defaultdict(set)
    dots: dict[str, int] = defaultdict(int)
    dot_people: dict[str, set[str]] = defaultdict(set)
    for doc in exports:
        counted = {
            p["id"]
            for p in doc["participants"]
            if p["role"] not in FACILITATING and p.get("consent") is not False and keep(p)
        }
        items = {i["id"]: i for i in doc["items"] if not i.get("hidden") and i["author"] in counted}
        for item in items.values():
            people.add(item["author"])
            if item["kind"] == "activity":
                act_cards[item["ref"]] += 1
                act_people[item["ref"]].add(item["author"])
                category = catalogue_category.get(item["ref"])
                if category:
                    cat_cards[category] += 1
                    cat_people[category].add(item["author"])
            if item["kind"] in ("difficulty", "solution") and (item.get("text") or "").strip():
                ref.words.append((item["kind"], item["text"].strip()))
        edges = [
            (t["source"], t["target"])
            for t in doc["threads"]
            if t["source"] in items and t["target"] in items
        ]
        for dif in (i for i in items.values() if i["kind"] == "difficulty"):
            tied = {items[s]["ref"] for s, t in edges if t == dif["id"] and items[s]["kind"] == "activity"}
            for tp, t in edges:
                if t == dif["id"] and items[tp]["kind"] == "touchpoint":
                    touch[items[tp]["ref"]].add(dif["id"])
                    touch_people[items[tp]["ref"]].add(dif["author"])
                    tied |= {
                        items[s]["ref"] for s, t2 in edges if t2 == tp and items[s]["kind"] == "activity"
                    }
            for activity in tied:
                for sev in ("", dif["severity"]):
                    heat[(activity, sev)].add(dif["id"])
                    heat_people[(activity, sev)].add(dif["author"])
        for vote in doc["votes"]["by_participant"]:
            item = items.get(vote["item"])
            if vote["participant"] in counted and item is not None and item["kind"] == "solution":
                key = item.get("ref") or "text:" + norm(item["text"]).casefold()
                if not item.get("ref"):
                    ref.texts[key] = min(ref.texts.get(key, norm(item["text"])), norm(item["text"]))
                dots[key] += vote["count"]
                dot_people[key].add(vote["participant"])
                voters.add(vote["participant"])
                people.add(vote["participant"])
    p, v = len(people), len(voters)
    ref.put(("w", "people"), p, p, p, None)
    ref.put(("w", "voters"), v, v, p, v)
    for k in act_cards:
        ref.put(("w", "activity", k), act_cards[k], len(act_people[k]), p, len(act_people[k]))
    for k in cat_cards:
        ref.put(("w", "category", k), cat_cards[k], len(cat_people[k]), p, len(cat_people[k]))
    for (a, s), found in heat.items():
        ref.put(("w", "heat", a, s), len(found), len(heat_people[(a, s)]), p, len(heat_people[(a, s)]))
    for k, found in touch.items():
        ref.put(("w", "touchpoint", k), len(found), len(touch_people[k]), p, len(touch_people[k]))
    for k in dots:
        ref.put(("w", "solution", k), dots[k], len(dot_people[k]), v, dots[k])
    return ref


def survey_reference(responses: list[dict[str, Any]], questions: list[dict[str, Any]], ref: Ref) -> None:
    n = len(responses)
    ref.put(("s", "respondents"), n, n, n, None)
    for level in (*LEVELS, "unknown"):
        c = sum(1 for r in responses if (r["fragility"] or "unknown") == level)
        ref.put(("s", "fragility", level), c, c, n, c)
    for q in questions:
        given = [r["answers"].get(q["id"]) for r in responses]
        chosen = [[g] if isinstance(g, str) else list(g or []) for g in given]
        for a in {a["id"] for a in q["answers"]} | {x for c in chosen for x in c}:
            c = sum(1 for ch in chosen if a in ch)
            ref.put(("s", "q", q["id"], a), c, c, n, c)
        none = sum(1 for ch in chosen if not ch)
        ref.put(("s", "q", q["id"], ""), none, none, n, none)


def api_cells(group: dict[str, Any]) -> dict[tuple[str, ...], dict[str, Any]]:
    """The API group's cells by the reference's paths."""
    s, w = group["surveys"], group["workshops"]
    out: dict[tuple[str, ...], dict[str, Any]] = {("s", "respondents"): s["respondents"]}
    out.update({("s", "fragility", k): c for k, c in s["fragility"].items()})
    for qid, q in s["questions"].items():
        out.update({("s", "q", qid, a): c for a, c in q["answers"].items()})
        out[("s", "q", qid, "")] = q["unanswered"]
    out[("w", "people")] = w["people"]
    out[("w", "voters")] = w["voters"]
    out.update({("w", "activity", r["ref"]): r["cell"] for r in w["activities"]})
    out.update({("w", "category", r["category"]): r["cell"] for r in w["categories"]})
    for row in w["heatmap"]:
        out[("w", "heat", row["activity"], "")] = row["total"]
        out.update({("w", "heat", row["activity"], sev): c for sev, c in row["severities"].items()})
    out.update({("w", "touchpoint", r["ref"]): r["cell"] for r in w["touchpoints"]})
    for r in w["solutions"]:
        key = r["ref"] or "text:" + norm(r["text"] or "").casefold() if r["ref"] or r["text"] else None
        out[("w", "solution", key or "?")] = r["cell"]
    return out


def compare(ref: Ref, group: dict[str, Any]) -> tuple[int, int]:
    """Every reference figure is in the API's group: published with the same numbers, or « < 5 » — always
    when computed from fewer than 5 people. (published, suppressed) counts."""
    got = api_cells(group)
    shown = hidden = 0
    for path, (value, people, n, rate) in ref.cells.items():
        if path[:2] == ("w", "heat") and path[3] and path not in got:
            assert value == 0
            continue
        if path not in got:
            # a suppressed solution row of free text cannot be keyed by its words (they are withheld)
            assert path[:2] == ("w", "solution") and people < T, path
            continue
        cell = got[path]
        if people < T:
            assert cell == SUPPRESSED, (path, cell, people)
        if cell["suppressed"]:
            assert cell == SUPPRESSED, (path, cell)
            hidden += 1
        else:
            assert cell == {"value": value, "people": people, "n": n, "rate": rate, "suppressed": False}, path
            shown += 1
    return shown, hidden


def published_people(cell: dict[str, Any]) -> int | None:
    return None if cell["suppressed"] else int(cell["people"])


def check_partition(total: dict[str, Any] | None, parts: list[dict[str, Any]], where: object) -> None:
    """What subtracting the published parts from a published total gives is never 1 to 4 people."""
    if total is None or total["suppressed"]:
        return
    rest = total["people"] - sum(p["people"] for p in parts if not p["suppressed"])
    assert not 0 < rest < T, (where, rest)


def check_group_partitions(diagnostic: dict[str, Any], group: dict[str, Any]) -> None:
    kinds = {q["id"]: q["kind"] for q in diagnostic["questions"]}
    s, w = group["surveys"], group["workshops"]
    respondents = s["respondents"]
    check_partition(respondents, list(s["fragility"].values()), "fragility")
    for qid, q in s["questions"].items():
        cells = [*q["answers"].values(), q["unanswered"]]
        if kinds[qid] == "single":
            check_partition(respondents, cells, qid)
        else:
            for cell in cells:
                check_partition(respondents, [cell], qid)
    people = w["people"]
    check_partition(people, [w["voters"]], "voters")
    for name in ("activities", "categories", "touchpoints"):
        for row in w[name]:
            check_partition(people, [row["cell"]], name)
    for row in w["heatmap"]:
        for cell in (row["total"], *row["severities"].values()):
            check_partition(people, [cell], "heatmap")
    for row in w["solutions"]:
        check_partition(w["voters"], [row["cell"]], "solutions")
    for cell in api_cells(group).values():
        if cell["suppressed"]:
            assert cell == SUPPRESSED


def check_across(total: dict[str, Any], parts: list[dict[str, Any]], where: str) -> None:
    """The total's cells minus the parts' cells (same path) never give 1 to 4 people."""
    mine = api_cells(total)
    theirs = [api_cells(p) for p in parts]
    for path, cell in mine.items():
        check_partition(cell, [t[path] for t in theirs if path in t], (where, path))


def reference_groups(
    study: SeededStudy,
    exports: list[dict[str, Any]],
    keep_person: Any = lambda p: True,
    keep_response: Any = lambda r: True,
    workshop: str | None = None,
) -> dict[str | None, Ref]:
    from fresque.catalogue import default_catalogue
    from fresque.survey.questionnaire import default_questionnaire

    catalogue = default_catalogue()
    categories = {e.id: e.category for e in catalogue.activities}
    questions = [q for q in default_questionnaire()["questions"] if q["kind"] in ("single", "multiple")]
    hood_of = {w["workshop"]["id"]: study.neighbourhoods[i] for i, w in enumerate(study.workshops)}
    responses = [
        {"neighbourhood": hood, "answers": answers, "fragility": level}
        for hood, answers, level in study.responses
        if keep_response({"answers": answers, "fragility": level})
    ]
    out: dict[str | None, Ref] = {}
    for hood in (None, *study.neighbourhoods):
        docs = [
            d
            for d in exports
            if (hood is None or hood_of[d["workshop"]["id"]] == hood)
            and (workshop is None or d["workshop"]["id"] == workshop)
        ]
        ref = board_reference(docs, categories, keep_person)
        survey_reference([r for r in responses if hood is None or r["neighbourhood"] == hood], questions, ref)
        out[hood] = ref
    return out


def check_against(diagnostic: dict[str, Any], refs: dict[str | None, Ref]) -> tuple[int, int, int]:
    """(published, suppressed, suppressed though from 5 people or more) over the territory and the
    neighbourhoods."""
    totals = [0, 0, 0]
    groups = [(None, diagnostic["territory"])] + [
        (g["neighbourhood"], g) for g in diagnostic["by_neighbourhood"]
    ]
    for hood, group in groups:
        ref = refs[hood]
        shown, hidden = compare(ref, group)
        totals[0] += shown
        totals[1] += hidden
        got = api_cells(group)
        for path, cell in got.items():
            if not cell["suppressed"]:
                assert path in ref.cells, path  # nothing published that the exports do not hold
            elif path in ref.cells and ref.cells[path][1] >= T:
                totals[2] += 1
        check_group_partitions(diagnostic, group)
        words = group["workshops"]["words"]
        if group["workshops"]["words_suppressed"]:
            assert words == []
        elif hood is not None:
            assert sorted((w["kind"], w["text"]) for w in words) == sorted(ref.words)
            assert {w["neighbourhood"] for w in words} <= {hood}
        for row in group["workshops"]["solutions"]:
            if row["text"] is not None:
                assert ref.texts["text:" + norm(row["text"]).casefold()] == row["text"]
    return totals[0], totals[1], totals[2]
