"""The exploration fresco's state and the rules of every change to it.

A `Board` is mutated only through its methods; each method checks its rule first and records how to undo
itself, so that a batch of changes applies all or none (`transaction`). The server keeps one `Board` per
open board in memory, applies changes in `seq` order, and the same code rebuilds a board from its op log.

Conflicts are settled by that order alone: the last write of a property wins, a delete wins over any later
edit (the id stays a tombstone), and vote totals are derived from per-participant votes, never stored.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, Unpack, get_args

from .errors import RuleError
from .facilitation import (
    FacilitationValues,
    PhaseRules,
    Timed,
    facilitation_changes,
    facilitation_from_dict,
    facilitation_to_dict,
)
from .text import check_text
from .timer import Timer, timer_from_dict
from .votes import VoteLedger

# Each vocabulary is written once, as a Literal (the protocol's models take these types from here), and its
# tuple is read from it.
ItemKind = Literal["activity", "difficulty", "touchpoint", "solution", "note"]
ITEM_KINDS: tuple[ItemKind, ...] = get_args(ItemKind)

Severity = Literal["ok", "difficile", "bloque"]
SEVERITIES: tuple[Severity, ...] = get_args(Severity)

Day = Literal["mon", "tue", "wed", "thu", "fri", "weekend"]
DAYS: tuple[Day, ...] = get_args(Day)
# The workshop's steps for residents (PRODUCT.md); a board may use fewer, in another order. What each one
# lets participants do is `fresque.access`'s business, not the board's.
PhaseId = Literal["welcome", "week", "threads", "solutions", "vote", "restitution"]
PHASES: tuple[PhaseId, ...] = get_args(PhaseId)
MAX_PHASES = 8
_PHASE_RULES = PhaseRules(PHASES, MAX_PHASES)
Slot = Literal["morning", "afternoon", "evening"]
SLOTS: tuple[Slot, ...] = get_args(Slot)

# Which kind of catalogue entry an item's `ref` names; a note has none.
REF_KIND: Mapping[ItemKind, str] = {
    "activity": "activity",
    "difficulty": "difficulty",
    "touchpoint": "touchpoint",
    "solution": "solution",
}

# Threads read left to right: what I do → where it goes digital → what is hard → what would help.
THREAD_PAIRS: frozenset[tuple[ItemKind, ItemKind]] = frozenset(
    {
        ("activity", "difficulty"),
        ("activity", "touchpoint"),
        ("touchpoint", "difficulty"),
        ("difficulty", "solution"),
        ("touchpoint", "solution"),
    }
)

# Fields an update may set, per kind. Position and size are common to all.
_COMMON_FIELDS = frozenset({"x", "y", "w", "h"})
EDITABLE: Mapping[ItemKind, frozenset[str]] = {
    "activity": _COMMON_FIELDS | {"ref", "cell"},
    "difficulty": _COMMON_FIELDS | {"ref", "text", "severity"},
    "touchpoint": _COMMON_FIELDS | {"ref", "text"},
    "solution": _COMMON_FIELDS | {"ref", "text"},
    "note": _COMMON_FIELDS | {"text"},
}


@dataclass(frozen=True)
class Cell:
    """A cell of the week grid: a day column and, when the grid has rows, a part of the day."""

    day: str
    slot: str | None = None


@dataclass(frozen=True)
class Limits:
    max_items: int = 5000
    max_threads: int = 10000
    max_text: int = 500
    max_vote_budget: int = 50


@dataclass(frozen=True)
class Item:
    id: str
    kind: ItemKind
    author: str
    x: float
    y: float
    w: float | None = None
    h: float | None = None
    ref: str | None = None
    cell: Cell | None = None
    text: str | None = None
    severity: Severity | None = None
    hidden: bool = False  # moderation: kept, shown to facilitators only
    round: int | None = None  # the private round it was made in (set by the board, never by a client)


@dataclass(frozen=True)
class Thread:
    id: str
    source: str
    target: str
    author: str


@dataclass
class Settings:
    title: str
    vote_budget: int = 3
    phases: tuple[str, ...] = PHASES
    phase: str | None = None  # None: a free board, every tool open (until the facilitator picks a phase)
    locked: bool = False
    votes_hidden: bool = False
    private_active: bool = False
    private_round: int = 0
    timer: Timer | None = None
    spotlight: str | None = None
    follow: str | None = None  # the participant whose view followers show


@dataclass
class Board(VoteLedger, Timed):
    """One board's current state. `refs` maps a catalogue kind to the ids a board may reference."""

    settings: Settings
    refs: Mapping[str, frozenset[str]]
    limits: Limits = field(default_factory=Limits)
    items: dict[str, Item] = field(default_factory=dict)
    threads: dict[str, Thread] = field(default_factory=dict)
    # votes[participant][item] = dots that participant put on that solution
    votes: dict[str, dict[str, int]] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    _threads_of: dict[str, set[str]] = field(default_factory=dict, repr=False)
    _undo: list[Callable[[], None]] | None = field(default=None, repr=False)

    # -- queries ------------------------------------------------------------------------------------------

    def threads_of(self, item_id: str) -> frozenset[str]:
        return frozenset(self._threads_of.get(item_id, ()))

    def _live_item(self, item_id: str) -> Item:
        item = self.items.get(item_id)
        if item is not None:
            return item
        if item_id in self.deleted:
            raise RuleError("item_deleted", f"item {item_id} was deleted")
        raise RuleError("item_missing", f"no item {item_id} on this board")

    # -- checks shared by create and update ---------------------------------------------------------------

    def _check_ref(self, kind: ItemKind, ref: str | None) -> None:
        ref_kind = REF_KIND.get(kind)
        if ref_kind is None:
            if ref is not None:
                raise RuleError("field_not_allowed", f"a {kind} has no catalogue reference")
            return
        if ref is None:
            if kind == "solution":
                return  # a free-text solution
            raise RuleError("ref_required", f"a {kind} needs a catalogue reference")
        if ref not in self.refs.get(ref_kind, frozenset()):
            if ref.startswith("custom:"):  # a workshop's own picture (`fresque.uploads.custom_ref`)
                raise RuleError("unknown_ref", f"{ref!r} is not a picture of this workshop (deleted?)")
            raise RuleError("unknown_ref", f"{ref!r} is not a {ref_kind} of the catalogue")

    def _check_cell(self, cell: Cell | None) -> None:
        if cell is None:
            return
        if cell.day not in DAYS:
            raise RuleError("invalid_cell", f"{cell.day!r} is not a day of the week grid")
        if cell.slot is not None and cell.slot not in SLOTS:
            raise RuleError("invalid_cell", f"{cell.slot!r} is not a part of the day")

    def _check_item(self, item: Item) -> None:
        allowed = EDITABLE[item.kind]
        for name in ("cell", "text", "severity"):
            if getattr(item, name) is not None and name not in allowed:
                raise RuleError("field_not_allowed", f"a {item.kind} has no {name}")
        self._check_ref(item.kind, item.ref)
        self._check_cell(item.cell)
        if item.text is not None:
            check_text(item.text, max_chars=self.limits.max_text)
        if item.kind == "difficulty" and item.severity is None:
            raise RuleError("severity_required", "a difficulty needs a severity: ok, difficile or bloque")
        if item.kind == "note" and not item.text:
            raise RuleError("text_required", "a note needs some text")
        if item.kind == "solution" and item.ref is None and not item.text:
            raise RuleError("text_required", "a solution needs a catalogue picture or some text")

    # -- items --------------------------------------------------------------------------------------------

    def create_item(self, item: Item) -> None:
        if item.id in self.items or item.id in self.threads:
            raise RuleError("id_exists", f"id {item.id} is already used on this board")
        if item.id in self.deleted:
            raise RuleError("id_reused", f"id {item.id} belonged to a deleted item or thread")
        if len(self.items) >= self.limits.max_items:
            raise RuleError("board_full", f"a board holds at most {self.limits.max_items} items")
        if item.hidden or item.round is not None:
            raise RuleError("server_field", "hidden and round are set by the board, not in a new item")
        self._check_item(item)
        if self.settings.private_active:
            item = replace(item, round=self.settings.private_round)
        self.items[item.id] = item
        self._record(lambda: self._forget(item.id))

    def _forget(self, item_id: str) -> None:
        del self.items[item_id]

    def update_item(self, item_id: str, changes: Mapping[str, Any]) -> Item:
        """Set some properties of an item; `changes` maps field names to new values (None clears)."""
        old = self._live_item(item_id)
        unknown = set(changes) - EDITABLE[old.kind]
        if unknown:
            raise RuleError("field_not_allowed", f"a {old.kind} has no {', '.join(sorted(unknown))}")
        for name in ("x", "y"):
            if name in changes and changes[name] is None:
                raise RuleError("field_required", f"{name} cannot be cleared")
        new = replace(old, **changes)
        self._check_item(new)
        self.items[item_id] = new
        self._record(lambda: self.items.__setitem__(item_id, old))
        return new

    def delete_item(self, item_id: str) -> list[str]:
        """Delete an item, its threads and the votes on it; return the ids of the threads deleted with it."""
        item = self._live_item(item_id)
        gone_threads = sorted(self._threads_of.get(item_id, ()))
        for thread_id in gone_threads:
            self.delete_thread(thread_id)
        self._drop_votes_on(item_id)
        del self.items[item_id]
        self.deleted.add(item_id)
        spotlight = self.settings.spotlight

        def undo() -> None:
            self.deleted.discard(item_id)
            self.items[item_id] = item
            self.settings.spotlight = spotlight

        self._record(undo)
        if spotlight == item_id:
            self.settings.spotlight = None
        return gone_threads

    def hide_item(self, item_id: str, hidden: bool) -> None:
        """Moderation: a hidden item stays on the board (and in the export) but only facilitators see it."""
        old = self._live_item(item_id)
        self.items[item_id] = replace(old, hidden=hidden)
        self._record(lambda: self.items.__setitem__(item_id, old))

    def merge_items(self, keep_id: str, drop_id: str) -> None:
        """Two cards saying the same thing become one: `drop`'s threads and dots move to `keep`, then `drop`
        goes. A moved thread that would double one of keep's, or join keep to itself, is deleted instead."""
        if keep_id == drop_id:
            raise RuleError("merge_not_allowed", "an item cannot be merged with itself")
        keep = self._live_item(keep_id)
        drop = self._live_item(drop_id)
        if keep.kind != drop.kind or keep.kind == "activity":
            raise RuleError("merge_not_allowed", "only two cards of the same kind merge (not activities)")
        for thread_id in sorted(self._threads_of.get(drop_id, ())):
            thread = self.threads[thread_id]
            source = keep_id if thread.source == drop_id else thread.source
            target = keep_id if thread.target == drop_id else thread.target
            self.delete_thread(thread_id)
            self.deleted.discard(thread_id)  # the id lives on, re-pointed (or goes for good, below)
            doubled = source == target or any(
                self.threads[t].source == source and self.threads[t].target == target
                for t in self._threads_of.get(source, ())
            )
            if doubled:
                self.deleted.add(thread_id)
            else:
                self.create_thread(replace(thread, source=source, target=target))
        for participant, per_item in sorted(self.votes.items()):
            moved = per_item.get(drop_id, 0)
            if moved:
                self._set_votes(participant, keep_id, per_item.get(keep_id, 0) + moved)
                self._set_votes(participant, drop_id, 0)
        if self.settings.spotlight == drop_id:
            self.update_settings(spotlight=keep_id)
        self.delete_item(drop_id)

    # -- threads ------------------------------------------------------------------------------------------

    def create_thread(self, thread: Thread) -> None:
        if thread.id in self.threads or thread.id in self.items:
            raise RuleError("id_exists", f"id {thread.id} is already used on this board")
        if thread.id in self.deleted:
            raise RuleError("id_reused", f"id {thread.id} belonged to a deleted item or thread")
        if thread.source == thread.target:
            raise RuleError("thread_to_self", "a thread joins two different items")
        if len(self.threads) >= self.limits.max_threads:
            raise RuleError("board_full", f"a board holds at most {self.limits.max_threads} threads")
        source = self._live_item(thread.source)
        target = self._live_item(thread.target)
        if (source.kind, target.kind) not in THREAD_PAIRS:
            raise RuleError(
                "thread_not_allowed", f"a thread cannot go from a {source.kind} to a {target.kind}"
            )
        for other in self._threads_of.get(thread.source, ()):
            existing = self.threads[other]
            if existing.source == thread.source and existing.target == thread.target:
                raise RuleError("thread_exists", "these two items are already joined")
        self.threads[thread.id] = thread
        self._threads_of.setdefault(thread.source, set()).add(thread.id)
        self._threads_of.setdefault(thread.target, set()).add(thread.id)

        def undo() -> None:
            del self.threads[thread.id]
            self._threads_of[thread.source].discard(thread.id)
            self._threads_of[thread.target].discard(thread.id)

        self._record(undo)

    def delete_thread(self, thread_id: str) -> None:
        thread = self.threads.get(thread_id)
        if thread is None:
            if thread_id in self.deleted:
                raise RuleError("thread_deleted", f"thread {thread_id} was deleted")
            raise RuleError("thread_missing", f"no thread {thread_id} on this board")
        del self.threads[thread_id]
        self._threads_of[thread.source].discard(thread_id)
        self._threads_of[thread.target].discard(thread_id)
        self.deleted.add(thread_id)

        def undo() -> None:
            self.deleted.discard(thread_id)
            self.threads[thread_id] = thread
            self._threads_of.setdefault(thread.source, set()).add(thread_id)
            self._threads_of.setdefault(thread.target, set()).add(thread_id)

        self._record(undo)

    # -- votes --------------------------------------------------------------------------------------------

    def add_vote(self, participant: str, item_id: str) -> None:
        item = self._live_item(item_id)
        if item.kind != "solution":
            raise RuleError("not_votable", "votes go on solutions only")
        self._add_vote(participant, item_id, self.settings.vote_budget)

    def remove_vote(self, participant: str, item_id: str) -> None:
        self._live_item(item_id)
        self._remove_vote(participant, item_id)

    # -- settings -----------------------------------------------------------------------------------------

    def update_settings(
        self,
        *,
        title: str | None = None,
        private: bool | None = None,
        **facilitation: Unpack[FacilitationValues],
    ) -> None:
        """Change the settings given (None or UNSET leaves one alone; where UNSET is the default, None clears)

        Every value is checked before any is set; all but the title and the private round are the
        facilitation rules both kinds of board share (`facilitation_changes`)."""
        changes: dict[str, Any] = {}
        if title is not None:
            check_text(title, max_chars=200, field="title")
            if not title.strip():
                raise RuleError("text_required", "a board needs a title")
            changes["title"] = title
        changes |= facilitation_changes(
            self.settings,
            _PHASE_RULES,
            max_vote_budget=self.limits.max_vote_budget,
            check_spotlight=self._live_item,
            **facilitation,
        )
        old = self.settings
        if private is not None and private != old.private_active:
            changes["private_active"] = private
            if private:
                changes["private_round"] = old.private_round + 1
        self.settings = replace(old, **changes)
        self._record(lambda: setattr(self, "settings", old))

    # -- snapshots ----------------------------------------------------------------------------------------

    def to_snapshot(self) -> dict[str, Any]:
        """A plain-JSON picture of the whole state, in a stable order (ids sorted)."""
        return {
            "settings": settings_to_dict(self.settings),
            "items": [item_to_dict(self.items[k]) for k in sorted(self.items)],
            "threads": [thread_to_dict(self.threads[k]) for k in sorted(self.threads)],
            "votes": [
                {"participant": p, "item": i, "count": c}
                for p in sorted(self.votes)
                for i, c in sorted(self.votes[p].items())
            ],
            "deleted": sorted(self.deleted),
        }

    @classmethod
    def from_snapshot(
        cls, data: Mapping[str, Any], refs: Mapping[str, frozenset[str]], limits: Limits | None = None
    ) -> Board:
        """Rebuild a board from `to_snapshot` output, checking every rule again (it may be an import)."""
        raw_settings = data["settings"]
        board = cls(
            settings=Settings(title=raw_settings["title"], vote_budget=raw_settings["vote_budget"]),
            refs=refs,
            limits=limits or Limits(),
        )
        board.update_settings(title=raw_settings["title"], vote_budget=raw_settings["vote_budget"])
        for raw in data["items"]:
            item = item_from_dict(raw)
            board.create_item(replace(item, hidden=False, round=None))
            board.items[item.id] = item  # hidden and round come back as they were
        for raw in data["threads"]:
            board.create_thread(Thread(**raw))
        for vote in data["votes"]:
            if board._live_item(vote["item"]).kind != "solution":
                raise RuleError("not_votable", "votes go on solutions only")
        board._restore_votes(data["votes"], board.limits.max_vote_budget)
        board.deleted.update(
            d for d in data.get("deleted", ()) if d not in board.items and d not in board.threads
        )
        # Facilitation settings (snapshots older than them have none: the defaults hold), checked like live.
        private = raw_settings.get("private") or {}
        board.update_settings(**facilitation_from_dict(raw_settings, PHASES))
        board.settings.private_active = bool(private.get("active", False))
        board.settings.private_round = int(private.get("round", 0))
        board.settings.timer = timer_from_dict(raw_settings.get("timer"))
        return board


def settings_to_dict(settings: Settings) -> dict[str, Any]:
    return {
        "title": settings.title,
        **facilitation_to_dict(
            settings, {"private": {"active": settings.private_active, "round": settings.private_round}}
        ),
    }


_ITEM_FIELDS = tuple(f.name for f in fields(Item))


def item_to_dict(item: Item) -> dict[str, Any]:
    """An item as JSON; absent optional properties are left out so that documents stay small."""
    out: dict[str, Any] = {}
    for name in _ITEM_FIELDS:
        value = getattr(item, name)
        if value is None or (name == "hidden" and not value):
            continue
        if isinstance(value, Cell):
            value = {"day": value.day, "slot": value.slot} if value.slot is not None else {"day": value.day}
        out[name] = value
    return out


def item_from_dict(raw: Mapping[str, Any]) -> Item:
    unknown = set(raw) - set(_ITEM_FIELDS)
    if unknown:
        raise RuleError("field_not_allowed", f"unknown item fields: {', '.join(sorted(unknown))}")
    if raw.get("kind") not in ITEM_KINDS:
        raise RuleError("invalid_kind", f"{raw.get('kind')!r} is not a kind of item")
    values = dict(raw)
    if values.get("cell") is not None:
        values["cell"] = Cell(**values["cell"])
    return Item(**values)


def thread_to_dict(thread: Thread) -> dict[str, Any]:
    return {"id": thread.id, "source": thread.source, "target": thread.target, "author": thread.author}
