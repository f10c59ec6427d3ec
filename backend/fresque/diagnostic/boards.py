"""What the diagnostic reads of one exploration board: its export document (or its stored state) reduced to
plain facts.

The facts keep every card's author, so that who counts (`Person.counts`) is decided when the figures are
computed, from the workshop's people as they are then (a profile, a consent can change without the board
changing). Cards hidden by a facilitator are dropped here, with the threads and dots on them: they never
reach a figure. A board's facts depend only on its document, so the API keeps them per (board, head_seq).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from ..roles import facilitates


@dataclass(frozen=True, slots=True)
class Person:
    """A participant as the diagnostic sees them: whether they count, and the profile the filters read."""

    id: str
    counts: bool  # not a facilitating role, and not `consent: false`
    age_band: str | None
    fragility: str | None


def people_of(participants: Iterable[Mapping[str, Any]]) -> dict[str, Person]:
    """`Person`s from an export document's `participants` (or `export.participant_entry` dicts)."""
    return {
        str(p["id"]): Person(
            id=str(p["id"]),
            counts=not facilitates(str(p["role"])) and p.get("consent") is not False,
            age_band=p.get("age_band"),
            fragility=p.get("fragility"),
        )
        for p in participants
    }


@dataclass(frozen=True, slots=True)
class Card:
    id: str
    kind: str
    author: str
    ref: str | None
    text: str | None
    severity: str | None


@dataclass(frozen=True, slots=True)
class Tie:
    """A difficulty tied to an activity (directly or through a touch-point): it counts when every card on
    the way (`authors`) counts."""

    authors: frozenset[str]
    activity_ref: str
    difficulty: str


@dataclass(frozen=True, slots=True)
class Vote:
    participant: str
    item: str
    count: int


@dataclass(frozen=True)
class BoardFacts:
    board_id: str
    workshop_id: str
    cards: dict[str, Card]  # visible cards by id
    ties: tuple[Tie, ...]  # (activity ref, difficulty) pairs, each path once
    touches: tuple[tuple[str, str], ...]  # (touch-point id, difficulty id) joined by a thread
    votes: tuple[Vote, ...]  # dots on visible solutions
    categories: dict[str, str]  # a workshop picture's own category (`custom:<id>` → category)
    seq: int = 0  # the board's sequence number when exported: its facts change only with it


def board_facts(document: Mapping[str, Any]) -> BoardFacts:
    """The facts of an exploration board's export document (`fresque.export.ExportDocument`, as a dict)."""
    categories = {
        ref: str(entry["category"])
        for ref, entry in document.get("catalogue", {}).get("refs", {}).items()
        if entry.get("category")
    }
    return _facts(
        board_id=document["board"]["id"],
        workshop_id=document["workshop"]["id"],
        seq=int(document["board"].get("seq", 0)),
        items=document["items"],
        threads=document["threads"],
        votes=document["votes"]["by_participant"],
        categories=categories,
    )


def snapshot_facts(
    snapshot: Mapping[str, Any],
    *,
    board_id: str,
    workshop_id: str,
    seq: int,
    custom_categories: Mapping[str, str],
) -> BoardFacts:
    """The same facts as `board_facts` of the board's export document, read straight from its state
    (`Board.to_snapshot()` form, as stored in `board_snapshots`), without building the board or the document.

    The export document carries the snapshot's items, threads and votes as they are; its catalogue refs give
    a category only to the workshop's own pictures (`custom_categories`: `custom:<id>` → category) named by
    an item, hidden ones included (`fresque.export.build_export`). tests/test_diagnostic_facts.py checks
    that both ways give equal facts."""
    refs = {item["ref"] for item in snapshot["items"] if item.get("ref")}
    return _facts(
        board_id=board_id,
        workshop_id=workshop_id,
        seq=seq,
        items=snapshot["items"],
        threads=snapshot["threads"],
        votes=snapshot["votes"],
        categories={ref: custom_categories[ref] for ref in sorted(refs) if custom_categories.get(ref)},
    )


def _facts(
    *,
    board_id: str,
    workshop_id: str,
    seq: int,
    items: Iterable[Mapping[str, Any]],
    threads: Iterable[Mapping[str, Any]],
    votes: Iterable[Mapping[str, Any]],
    categories: dict[str, str],
) -> BoardFacts:
    cards: dict[str, Card] = {}
    for item in items:
        if item.get("hidden"):
            continue
        cards[item["id"]] = Card(
            id=item["id"],
            kind=item["kind"],
            author=item["author"],
            ref=item.get("ref"),
            text=item.get("text"),
            severity=item.get("severity"),
        )
    out: dict[str, list[str]] = {}
    for thread in threads:
        if thread["source"] in cards and thread["target"] in cards:
            out.setdefault(thread["source"], []).append(thread["target"])
    ties: dict[tuple[frozenset[str], str, str], None] = {}  # insertion-ordered set
    touches: list[tuple[str, str]] = []
    for source_id, targets in out.items():
        source = cards[source_id]
        if source.kind == "touchpoint":
            touches.extend((source_id, t) for t in targets if cards[t].kind == "difficulty")
        if source.kind != "activity" or source.ref is None:
            continue
        for target_id in targets:
            target = cards[target_id]
            if target.kind == "difficulty":
                ties[(frozenset({source.author, target.author}), source.ref, target_id)] = None
            elif target.kind == "touchpoint":
                for further in out.get(target_id, ()):
                    if cards[further].kind == "difficulty":
                        authors = frozenset({source.author, target.author, cards[further].author})
                        ties[(authors, source.ref, further)] = None
    return BoardFacts(
        board_id=board_id,
        workshop_id=workshop_id,
        cards=cards,
        ties=tuple(Tie(a, r, d) for (a, r, d) in ties),
        touches=tuple(touches),
        votes=tuple(
            Vote(v["participant"], v["item"], int(v["count"]))
            for v in votes
            if v["item"] in cards and cards[v["item"]].kind == "solution"
        ),
        categories=categories,
        seq=seq,
    )
