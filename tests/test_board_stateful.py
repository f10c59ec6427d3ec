"""Random sessions on one board, driven the way the server drives it, with the board's invariants checked
after every step.

Each step is one client message: a batch of 1–3 ops, built as wire dicts, parsed by the protocol
(`op_list_adapter`) and applied with `changes.apply_batch`, by one of three participants or by the
facilitator. Ids are drawn from small pools so that collisions, tombstones and dangling references happen
often; about half of the batches are refused. The machine keeps the log of accepted batches, as the server
stores it, and checks that replaying it rebuilds the same board.
"""

from __future__ import annotations

import json
from typing import Any

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

coords = st.floats(min_value=-2000, max_value=2000, allow_nan=False, allow_infinity=False)
sizes = st.one_of(st.none(), st.floats(min_value=1, max_value=500, allow_nan=False))
cells = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {"day": st.sampled_from(["mon", "tue", "wed", "thu", "fri", "weekend"])},
        optional={"slot": st.sampled_from(["morning", "afternoon", "evening"])},
    ),
)


def mostly(good: st.SearchStrategy[Any], other: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """`good` three times out of four, roughly."""
    return st.one_of(good, good, good, other)


def ref_for(kind: str) -> st.SearchStrategy[str | None]:
    if kind == "note":
        return mostly(st.none(), st.sampled_from(ALL_REFS))
    return mostly(st.sampled_from(sorted(REFS[kind])), st.one_of(st.none(), st.sampled_from(ALL_REFS)))


def text_for(kind: str) -> st.SearchStrategy[str | None]:
    if kind == "activity":
        return mostly(st.none(), st.sampled_from(TEXTS))
    if kind == "note":
        return mostly(st.sampled_from(TEXTS[:1] + TEXTS[2:6]), st.sampled_from([*TEXTS, None]))
    return st.one_of(st.none(), st.sampled_from(TEXTS))


def severity_for(kind: str) -> st.SearchStrategy[str | None]:
    severities = st.sampled_from(["ok", "difficile", "bloque"])
    if kind == "difficulty":
        return mostly(severities, st.none())
    return mostly(st.none(), severities)


def cell_for(kind: str) -> st.SearchStrategy[dict[str, str] | None]:
    return cells if kind == "activity" else mostly(st.none(), cells)


def without_nones(values: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in values.items() if v is not None}


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

    def item_ids(self) -> st.SearchStrategy[str]:
        live = sorted(self.board.items)
        pool = st.sampled_from([*ITEM_IDS, NEVER_CREATED])
        return st.one_of(st.sampled_from(live), st.sampled_from(live), pool) if live else pool

    def solution_ids(self) -> st.SearchStrategy[str]:
        solutions = sorted(i for i, item in self.board.items.items() if item.kind == "solution")
        return (
            st.one_of(st.sampled_from(solutions), st.sampled_from(solutions), self.item_ids())
            if solutions
            else self.item_ids()
        )

    def thread_ids(self) -> st.SearchStrategy[str]:
        live = sorted(self.board.threads)
        # A few item ids too: a thread id may collide with an item's.
        pool = st.sampled_from([*THREAD_IDS, *ITEM_IDS[:2]])
        return st.one_of(st.sampled_from(live), pool) if live else pool

    def create_op(self) -> st.SearchStrategy[dict[str, Any]]:
        def build(kind: str) -> st.SearchStrategy[dict[str, Any]]:
            return st.builds(
                lambda id_, x, y, w, h, ref, text, severity, cell: {
                    "op": "item.create",
                    "id": id_,
                    "kind": kind,
                    "x": x,
                    "y": y,
                    **without_nones(
                        {"w": w, "h": h, "ref": ref, "text": text, "severity": severity, "cell": cell}
                    ),
                },
                st.sampled_from([*ITEM_IDS, THREAD_IDS[0]]),
                coords,
                coords,
                sizes,
                sizes,
                ref_for(kind),
                text_for(kind),
                severity_for(kind),
                cell_for(kind),
            )

        return st.sampled_from(ITEM_KINDS).flatmap(build)

    def update_op(self) -> st.SearchStrategy[dict[str, Any]]:
        patch = st.fixed_dictionaries(
            {},
            optional={
                "x": coords,
                "y": mostly(coords, st.none()),  # null: field_required
                "w": sizes,
                "ref": st.one_of(st.none(), st.sampled_from(ALL_REFS)),
                "text": st.one_of(st.none(), st.sampled_from(TEXTS)),
                "severity": st.one_of(st.none(), st.sampled_from(["ok", "difficile", "bloque"])),
                "cell": cells,
            },
        )
        return st.builds(
            lambda id_, set_: {"op": "item.update", "id": id_, "set": set_}, self.item_ids(), patch
        )

    def thread_op(self) -> st.SearchStrategy[dict[str, Any]]:
        return st.builds(
            lambda id_, source, target: {
                "op": "thread.create",
                "id": id_,
                "source": source,
                "target": target,
            },
            self.thread_ids(),
            self.item_ids(),
            self.item_ids(),
        )

    def op(self) -> st.SearchStrategy[dict[str, Any]]:
        return st.one_of(
            self.create_op(),
            self.create_op(),
            self.update_op(),
            self.item_ids().map(lambda i: {"op": "item.delete", "id": i}),
            self.thread_op(),
            self.thread_op(),
            self.thread_ids().map(lambda i: {"op": "thread.delete", "id": i}),
            self.solution_ids().map(lambda i: {"op": "vote.add", "item": i}),
            self.solution_ids().map(lambda i: {"op": "vote.add", "item": i}),
            self.solution_ids().map(lambda i: {"op": "vote.remove", "item": i}),
            st.fixed_dictionaries(
                {"op": st.just("board.update"), "vote_budget": st.integers(0, LIMITS.max_vote_budget + 2)},
                optional={"title": st.sampled_from(["Atelier 2", "  ", "🇲🇦 Atelier"])},
            ),
        )

    # -- the one rule: a client sends a batch -------------------------------------------------------------

    @rule(data=st.data())
    def send_batch(self, data: st.DataObject) -> None:
        author = data.draw(st.sampled_from([*PARTICIPANTS, FACILITATOR]), label="author")
        role = "facilitator" if author == FACILITATOR else "participant"
        raw = data.draw(st.lists(self.op(), min_size=1, max_size=3), label="ops")
        ops = op_list_adapter.validate_python(raw)  # as the server does: every op we build is well formed
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
