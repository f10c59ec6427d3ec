"""Random sessions on one board, driven the way the server drives it, with the board's invariants checked
after every step.

Each step is one client message: a batch of 1–3 ops, built as wire dicts, parsed by the protocol
(`op_list_adapter`) and applied with `changes.apply_batch`, by one of three participants or by the
facilitator. Ids are drawn from small pools so that collisions, tombstones and dangling references happen
often; about three batches in four are refused. The machine keeps the log of accepted batches, as the
server stores it, and checks that replaying it rebuilds the same board.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any, TypeVar

from fresque.changes import apply_batch, apply_op
from fresque.core.board import ITEM_KINDS, THREAD_PAIRS, Board, Limits, Settings
from fresque.core.errors import RuleError
from fresque.protocol import VoteAdd, op_list_adapter, op_to_json
from hypothesis import event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

REFS: dict[str, frozenset[str]] = {
    "activity": frozenset({"go-to-work", "shopping"}),
    "difficulty": frozenset({"equipment", "cost"}),
    "touchpoint": frozenset({"caf", "ameli"}),
    "solution": frozenset({"help-desk", "peer-helpers"}),
}
ALL_REFS = [*sorted(set().union(*REFS.values())), "not-in-catalogue"]

# Small enough to hit board_full and invalid_budget now and then.
LIMITS = Limits(max_items=9, max_threads=6, max_text=40, max_vote_budget=5)
TITLE = "Atelier"
INITIAL_BUDGET = 3

PARTICIPANTS = ("alice", "bashir", "chloe")
FACILITATOR = "fatou"

ITEM_IDS = [f"item-{n:02d}" for n in range(12)]
THREAD_IDS = [f"thread-{n:02d}" for n in range(6)]
NEVER_CREATED = "ghost-00"

TEXTS = [
    "Prendre le bus",
    "",
    "colonne\tcolonne\nligne",
    "👩\u200d👩\u200d👧 🇫🇷",
    "مرحبا",
    "<script>alert(1)</script>",
    "nul\x00",
    "esc\x1b",
    "x" * 41,  # one over LIMITS.max_text
]

GOOD_TEXTS = TEXTS[:1] + TEXTS[2:6]
SEVERITIES = ["ok", "difficile", "bloque"]
DAYS = ["mon", "tue", "wed", "thu", "fri", "weekend"]
SLOTS = ["morning", "afternoon", "evening"]
# Which fields an update may set, per kind (the rule is in core.board.EDITABLE; restated to aim at it).
SETTABLE = {
    "activity": ["x", "y", "w", "h", "ref", "cell"],
    "difficulty": ["x", "y", "w", "h", "ref", "text", "severity"],
    "touchpoint": ["x", "y", "w", "h", "ref", "text"],
    "solution": ["x", "y", "w", "h", "ref", "text"],
    "note": ["x", "y", "w", "h", "text"],
}
# Low budgets more often, so that a budget often drops below the dots already placed; 6 and 7 are refused.
BUDGETS = [0, 1, 1, 2, 2, 3, 4, 5, 6, 7]
ALL_FIELDS = ["x", "y", "w", "h", "ref", "text", "severity", "cell"]

# Strategies are built once: building them per draw made the machine ten times slower.
PERCENT = st.integers(0, 99)
COORD = st.floats(min_value=-2000, max_value=2000, allow_nan=False, allow_infinity=False)
SIZE = st.floats(min_value=1, max_value=500, allow_nan=False)
_INDEX: dict[int, st.SearchStrategy[int]] = {}
T = TypeVar("T")


def without_nones(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


class Draw:
    """Small choices drawn from Hypothesis, so that failing sessions shrink to small ones."""

    def __init__(self, data: st.DataObject) -> None:
        self.data = data

    def chance(self, percent: int) -> bool:
        return self.data.draw(PERCENT) < percent

    def pick(self, options: Sequence[T]) -> T:
        n = len(options)
        if n not in _INDEX:
            _INDEX[n] = st.integers(0, n - 1)
        return options[self.data.draw(_INDEX[n])]

    def coord(self) -> float:
        return self.data.draw(COORD)

    def size(self) -> float | None:
        return self.data.draw(SIZE) if self.chance(30) else None

    def cell(self) -> dict[str, str]:
        cell = {"day": self.pick(DAYS)}
        if self.chance(50):
            cell["slot"] = self.pick(SLOTS)
        return cell

    def value(self, kind: str, name: str, *, valid: bool) -> Any:
        """A value of `name` for an item of `kind`: one the rules accept when `valid`, else anything."""
        if name in ("x", "y"):
            return self.coord() if valid or self.chance(50) else None  # null x/y: field_required
        if name in ("w", "h"):
            return self.size()
        if name == "ref":
            if valid and kind in REFS:
                return self.pick(sorted(REFS[kind]))
            return self.pick([*ALL_REFS, None])
        if name == "text":
            return self.pick(GOOD_TEXTS if valid else [*TEXTS, None])
        if name == "severity":
            return self.pick(SEVERITIES) if valid else self.pick([*SEVERITIES, None])
        if name == "cell":
            return self.cell() if valid or self.chance(50) else None
        raise AssertionError(name)


class BoardSession(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.board = self.empty_board()
        # The same ops, applied one at a time: shows the state at each vote.add inside a batch.
        self.stepper = self.empty_board()
        # Accepted batches as the server stores them: (author, ops as JSON text).
        self.log: list[tuple[str, str]] = []

    @staticmethod
    def empty_board() -> Board:
        return Board(Settings(title=TITLE, vote_budget=INITIAL_BUDGET), REFS, LIMITS)

    # -- what a client may send, given what it sees -------------------------------------------------------

    def item_id(self, d: Draw, *, live: int) -> str:
        """A live item's id `live` percent of the time, else any id of the pool (deleted, free or missing)."""
        items = sorted(self.board.items)
        if items and d.chance(live):
            return d.pick(items)
        return d.pick([*ITEM_IDS, NEVER_CREATED])

    def fresh_id(self, d: Draw, pool: Sequence[str]) -> str:
        """Mostly an id never used on this board; sometimes any id of the pool, to collide."""
        used = set(self.board.items) | set(self.board.threads) | self.board.deleted
        free = [i for i in pool if i not in used]
        return d.pick(free) if free and d.chance(85) else d.pick(pool)

    def create_op(self, d: Draw) -> dict[str, Any]:
        kind = d.pick(ITEM_KINDS)
        op: dict[str, Any] = {
            "op": "item.create",
            "id": self.fresh_id(d, [*ITEM_IDS, THREAD_IDS[0]]),
            "kind": kind,
            "x": d.coord(),
            "y": d.coord(),
        }
        fields: dict[str, Any] = {"w": d.size(), "h": d.size()}
        if kind != "note" and not (kind == "solution" and d.chance(30)):
            fields["ref"] = d.value(kind, "ref", valid=True)
        if (
            kind == "note"
            or (kind != "activity" and d.chance(40))
            or (kind == "solution" and "ref" not in fields)
        ):
            fields["text"] = d.value(kind, "text", valid=True)
        if kind == "difficulty":
            fields["severity"] = d.value(kind, "severity", valid=True)
        if kind == "activity" and d.chance(50):
            fields["cell"] = d.cell()
        if d.chance(20):  # spoil one field: a wrong value, or a field the kind does not have
            name = d.pick(["ref", "text", "severity", "cell"])
            fields[name] = d.value(kind, name, valid=False)
        op.update(without_nones(fields))
        return op

    def update_op(self, d: Draw) -> dict[str, Any]:
        item_id = self.item_id(d, live=90)
        item = self.board.items.get(item_id)
        kind = item.kind if item is not None else d.pick(ITEM_KINDS)
        valid = d.chance(80)
        names = SETTABLE[kind] if valid else ALL_FIELDS
        patch: dict[str, Any] = {}
        for _ in range(2 if d.chance(40) else 1):
            name = d.pick(names)
            patch[name] = d.value(kind, name, valid=valid)
        return {"op": "item.update", "id": item_id, "set": patch}

    def thread_op(self, d: Draw) -> dict[str, Any]:
        thread_id = self.fresh_id(d, [*THREAD_IDS, *ITEM_IDS[:2]])
        items = self.board.items
        allowed = sorted(
            (s, t) for s in items for t in items if (items[s].kind, items[t].kind) in THREAD_PAIRS
        )
        if allowed and d.chance(75):
            source, target = d.pick(allowed)
        else:
            source, target = self.item_id(d, live=70), self.item_id(d, live=70)
        return {"op": "thread.create", "id": thread_id, "source": source, "target": target}

    def vote_target(self, d: Draw, author: str, *, removing: bool) -> str:
        solutions = sorted(i for i, item in self.board.items.items() if item.kind == "solution")
        mine = sorted(self.board.votes.get(author, {}))
        if removing and mine and d.chance(70):
            return d.pick(mine)
        if solutions and d.chance(85):
            return d.pick(solutions)
        return self.item_id(d, live=50)

    def op(self, d: Draw, author: str) -> dict[str, Any]:
        # board.update: often the facilitator's, now and then a participant's (forbidden).
        if d.chance(25 if author == FACILITATOR else 2):
            op: dict[str, Any] = {
                "op": "board.update",
                "vote_budget": d.pick(BUDGETS),
            }
            if d.chance(30):
                op["title"] = d.pick(["Atelier 2", "  ", "🇲🇦 Atelier"])
            return op
        what = d.data.draw(PERCENT)
        if what < 22:
            return self.create_op(d)
        if what < 32:
            return self.update_op(d)
        if what < 39:
            return {"op": "item.delete", "id": self.item_id(d, live=85)}
        if what < 57:
            return self.thread_op(d)
        if what < 62:
            threads = sorted(self.board.threads)
            thread_id = d.pick(threads) if threads and d.chance(75) else d.pick([*THREAD_IDS, ITEM_IDS[0]])
            return {"op": "thread.delete", "id": thread_id}
        if what < 87:
            return {"op": "vote.add", "item": self.vote_target(d, author, removing=False)}
        return {"op": "vote.remove", "item": self.vote_target(d, author, removing=True)}

    # -- the one rule: a client sends a batch -------------------------------------------------------------

    @rule(data=st.data())
    def send_batch(self, data: st.DataObject) -> None:
        d = Draw(data)
        author = d.pick([*PARTICIPANTS, FACILITATOR])
        role = "facilitator" if author == FACILITATOR else "participant"
        raw = [self.op(d, author) for _ in range(d.pick([1, 1, 2, 3]))]
        ops = op_list_adapter.validate_python(raw)  # as the server does: every op built here is well formed
        before = self.board.to_snapshot()
        try:
            apply_batch(self.board, ops, author, role)
        except RuleError as refusal:
            event(f"refused: {refusal.code}")
            # (d) a refused batch changes nothing at all.
            assert self.board.to_snapshot() == before
            assert self.board._undo is None
            return
        event(f"accepted: {len(ops)} ops")
        for op in ops:
            event(f"accepted op: {op.op}")
        self.log.append((author, json.dumps([op_to_json(op) for op in ops], ensure_ascii=False)))

        # (b) no accepted vote.add took its author over the budget in force at that moment: replay the batch
        # op by op on the stepper, which holds the same state as the board did before this batch.
        for op in ops:
            with self.stepper.transaction():
                apply_op(self.stepper, op, author)
            if isinstance(op, VoteAdd):
                assert self.stepper.votes_used(author) <= self.stepper.settings.vote_budget
        assert self.stepper.to_snapshot() == self.board.to_snapshot()

    # -- invariants ---------------------------------------------------------------------------------------

    @invariant()
    def replaying_the_log_rebuilds_the_board(self) -> None:  # (a)
        replayed = self.empty_board()
        for author, stored in self.log:  # as Room.open replays the tail of the log
            ops = op_list_adapter.validate_json(stored)
            with replayed.transaction():
                for op in ops:
                    apply_op(replayed, op, author)
        assert replayed.to_snapshot() == self.board.to_snapshot()

    @invariant()
    def votes_are_consistent(self) -> None:  # (b)
        board = self.board
        totals: dict[str, int] = {}
        for participant, per_item in board.votes.items():
            assert per_item, f"empty vote entry left for {participant}"
            assert board.votes_used(participant) <= LIMITS.max_vote_budget
            for item_id, count in per_item.items():
                assert count >= 1
                assert item_id in board.items and board.items[item_id].kind == "solution"
                totals[item_id] = totals.get(item_id, 0) + count
        assert board.vote_totals() == totals
        if any(board.votes_used(p) > board.settings.vote_budget for p in board.votes):
            event("a participant holds more dots than the budget now allows")

    @invariant()
    def threads_join_live_items_of_allowed_kinds(self) -> None:  # (c)
        board = self.board
        for thread_id, thread in board.threads.items():
            assert thread.id == thread_id
            source, target = board.items[thread.source], board.items[thread.target]
            assert (source.kind, target.kind) in THREAD_PAIRS
            assert thread_id in board.threads_of(thread.source) and thread_id in board.threads_of(
                thread.target
            )
        pairs = [(t.source, t.target) for t in board.threads.values()]
        assert len(pairs) == len(set(pairs))
        for item_id in board.items:
            expected = {t.id for t in board.threads.values() if item_id in (t.source, t.target)}
            assert board.threads_of(item_id) == expected
        assert len(board.items) <= LIMITS.max_items and len(board.threads) <= LIMITS.max_threads
        assert not (set(board.items) & set(board.threads))
        assert not (board.deleted & (set(board.items) | set(board.threads)))

    @invariant()
    def snapshot_round_trips(self) -> None:  # (e)
        snapshot = self.board.to_snapshot()
        rebuilt = Board.from_snapshot(json.loads(json.dumps(snapshot, ensure_ascii=False)), REFS, LIMITS)
        assert rebuilt.to_snapshot() == snapshot


TestBoardSession = BoardSession.TestCase
TestBoardSession.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
