"""What the diagnostic reads of one exploration board: its export document reduced to plain facts.

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
    cards: dict[str, Card] = {}
    for item in document["items"]:
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
    for thread in document["threads"]:
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
    votes = tuple(
        Vote(v["participant"], v["item"], int(v["count"]))
        for v in document["votes"]["by_participant"]
        if v["item"] in cards and cards[v["item"]].kind == "solution"
    )
    categories = {
        ref: str(entry["category"])
        for ref, entry in document.get("catalogue", {}).get("refs", {}).items()
        if entry.get("category")
    }
    return BoardFacts(
        board_id=document["board"]["id"],
        workshop_id=document["workshop"]["id"],
        cards=cards,
        ties=tuple(Tie(a, r, d) for (a, r, d) in ties),
        touches=tuple(touches),
        votes=votes,
        categories=categories,
        seq=int(document["board"].get("seq", 0)),
    )
