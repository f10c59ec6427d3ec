"""The facilitation rules without a server: the role matrix, phases, lock, timer, merge, hide, private rounds,
and what each viewer is sent (`fresque.access`, `fresque.core.board`, `fresque.core.visibility`).

The matrix runs every kind of op × every role × locked or not × every phase (and no phase) against a real
board, and compares the outcome with the table below, which is the product's rule written out by hand (the
same table as docs/protocol.md), not computed from the code under test.
"""

from __future__ import annotations

from typing import Any

import pytest
from fresque.changes import apply_batch, reveals, stamp
from fresque.core.action_settings import default_settings
from fresque.core.actions import ActionBoard
from fresque.core.board import PHASES, Board, Item, Limits, Settings, Thread
from fresque.core.errors import RuleError
from fresque.core.visibility import Viewer, leaves_out_anything, op_visible, snapshot_for
from fresque.protocol import ACTION_OPS, op_list_adapter

REFS: dict[str, frozenset[str]] = {
    "activity": frozenset({"go-to-work", "shopping"}),
    "difficulty": frozenset({"equipment", "cost"}),
    "touchpoint": frozenset({"caf"}),
    "solution": frozenset({"help-desk"}),
}
VALID: dict[str, dict[str, Any]] = {
    "activity": {"ref": "go-to-work"},
    "difficulty": {"ref": "equipment", "severity": "difficile"},
    "touchpoint": {"ref": "caf"},
    "solution": {"ref": "help-desk"},
    "note": {"text": "Penser au bus"},
}
KINDS = tuple(VALID)
NOW = 1_800_000_000_000


def ops(*raw: dict[str, Any]) -> list[Any]:
    return stamp(op_list_adapter.validate_python(list(raw)), NOW)


def refused(call: Any, *args: Any, **kwargs: Any) -> str:
    with pytest.raises(RuleError) as info:
        call(*args, **kwargs)
    return info.value.code


def board_with_people() -> Board:
    """Alice's and Bob's things: one item of each kind each, a thread each, a dot each."""
    board = Board(Settings(title="Atelier"), REFS, Limits())
    for who in ("alice", "bob"):
        for kind in KINDS:
            board.create_item(Item(id=f"{kind}-{who}", kind=kind, author=who, x=0, y=0, **VALID[kind]))  # type: ignore[arg-type]
        board.create_thread(Thread(f"thread-{who}", f"activity-{who}", f"difficulty-{who}", who))
        board.add_vote(who, f"solution-{who}")
    return board


# -- the role matrix --------------------------------------------------------------------------------------

# What a participant may do in each phase, written out: item kinds they may add/change, threads, votes.
PHASE_RULE: dict[str | None, tuple[set[str], bool, bool]] = {
    None: (set(KINDS), True, True),
    "welcome": (set(), False, False),
    "week": ({"activity", "note"}, False, False),
    "threads": ({"activity", "difficulty", "touchpoint", "note"}, True, False),
    "solutions": ({"difficulty", "touchpoint", "solution", "note"}, True, False),
    "vote": (set(), False, True),
    "restitution": (set(), False, False),
}

# Each sample: (name, op, the item kind it touches or None, "thread" / "vote" / "facilitation" / None,
# whether it touches someone else's thing). Alice sends them all.
SAMPLES: list[tuple[str, dict[str, Any], str | None, str | None, bool]] = [
    *(
        (
            f"create {k}",
            {"op": "item.create", "id": f"new-{k}-1", "kind": k, "x": 5, "y": 5, **VALID[k]},
            k,
            None,
            False,
        )
        for k in KINDS
    ),
    *(
        (f"move own {k}", {"op": "item.update", "id": f"{k}-alice", "set": {"x": 9}}, k, None, False)
        for k in KINDS
    ),
    ("move Bob's note", {"op": "item.update", "id": "note-bob", "set": {"x": 9}}, "note", None, True),
    ("delete own note", {"op": "item.delete", "id": "note-alice"}, "note", None, False),
    ("delete Bob's activity", {"op": "item.delete", "id": "activity-bob"}, "activity", None, True),
    (
        "thread to Bob's difficulty",
        {"op": "thread.create", "id": "thread-new1", "source": "activity-alice", "target": "difficulty-bob"},
        None,
        "thread",
        False,
    ),
    ("cut own thread", {"op": "thread.delete", "id": "thread-alice"}, None, "thread", False),
    ("cut Bob's thread", {"op": "thread.delete", "id": "thread-bob"}, None, "thread", True),
    ("vote", {"op": "vote.add", "item": "solution-bob"}, None, "vote", False),
    ("take a dot back", {"op": "vote.remove", "item": "solution-alice"}, None, "vote", False),
    ("rename the board", {"op": "board.update", "title": "Autre"}, None, "facilitation", False),
    ("change phase", {"op": "board.update", "phase": "vote"}, None, "facilitation", False),
    ("lock", {"op": "board.update", "locked": True}, None, "facilitation", False),
    ("start the timer", {"op": "timer.set", "action": "start", "seconds": 300}, None, "facilitation", False),
    ("hide Bob's note", {"op": "item.hide", "id": "note-bob", "hidden": True}, None, "facilitation", True),
    (
        "merge difficulties",
        {"op": "item.merge", "keep": "difficulty-alice", "drop": "difficulty-bob"},
        None,
        "facilitation",
        True,
    ),
]


def expected(role: str, locked: bool, phase: str | None, sample: tuple[Any, ...]) -> str:
    _, _, kind, tool, others = sample
    if role in ("facilitator", "co_facilitator"):
        return "ok"
    if role == "observer" or tool == "facilitation":
        return "forbidden"
    if locked:
        return "board_locked"
    kinds, threads, votes = PHASE_RULE[phase]
    if (
        (kind is not None and kind not in kinds)
        or (tool == "thread" and not threads)
        or (tool == "vote" and not votes)
    ):
        return "phase_closed"
    return "not_yours" if others else "ok"


@pytest.mark.parametrize("phase", [None, *PHASES])
@pytest.mark.parametrize("locked", [False, True])
@pytest.mark.parametrize("role", ["facilitator", "co_facilitator", "participant", "observer"])
def test_role_matrix(role: str, locked: bool, phase: str | None) -> None:
    outcomes = {}
    for sample in SAMPLES:
        board = board_with_people()
        board.update_settings(phase=phase, locked=locked)
        before = board.to_snapshot()
        try:
            apply_batch(board, ops(sample[1]), "alice", role)
            outcomes[sample[0]] = "ok"
            if sample[0] not in ("lock", "change phase"):  # those may already be so
                assert board.to_snapshot() != before, f"{sample[0]}: accepted but changed nothing"
        except RuleError as refusal:
            outcomes[sample[0]] = refusal.code
            assert board.to_snapshot() == before, f"{sample[0]}: refused but the board changed"
    assert outcomes == {s[0]: expected(role, locked, phase, s) for s in SAMPLES}


def test_the_matrix_covers_every_op_the_protocol_has() -> None:
    """Every exploration op (the action fresco's have their matrix in tests/test_action_access.py)."""
    names = {s[1]["op"] for s in SAMPLES}
    in_protocol = {
        choice["properties"]["op"]["const"]
        for choice in op_list_adapter.json_schema()["$defs"].values()
        if "op" in choice.get("properties", {})
    }
    assert names == in_protocol - ACTION_OPS


def test_a_batch_is_checked_op_by_op_against_what_the_batch_did_before() -> None:
    board = board_with_people()
    board.update_settings(phase="week")
    # Created then moved in one message: the item is the sender's by then.
    apply_batch(
        board,
        ops(
            {"op": "item.create", "id": "act-new-1", "kind": "activity", "x": 1, "y": 1, "ref": "shopping"},
            {"op": "item.update", "id": "act-new-1", "set": {"x": 40}},
        ),
        "alice",
        "participant",
    )
    assert board.items["act-new-1"].x == 40
    # One refused op refuses the whole message.
    code = refused(
        apply_batch,
        board,
        ops(
            {"op": "item.create", "id": "note-new-2", "kind": "note", "x": 1, "y": 1, "text": "a"},
            {"op": "vote.add", "item": "solution-bob"},
        ),
        "alice",
        "participant",
    )
    assert code == "phase_closed" and "note-new-2" not in board.items


# -- settings, phases -------------------------------------------------------------------------------------


def test_phases_are_configurable_and_checked() -> None:
    board = board_with_people()
    board.update_settings(phases=("week", "vote"), phase="vote")
    assert board.settings.phases == ("week", "vote") and board.settings.phase == "vote"
    assert refused(board.update_settings, phase="threads") == "invalid_phase"
    assert refused(board.update_settings, phases=("week",)) == "invalid_phase"  # the current one must stay
    assert refused(board.update_settings, phases=("week", "week")) == "invalid_phase"
    assert refused(board.update_settings, phases=("week", "party")) == "invalid_phase"
    assert refused(board.update_settings, phases=()) == "invalid_phase"
    board.update_settings(phase=None)
    assert board.settings.phase is None


# Values a facilitator may not set, with the refusal both kinds of board give (`fresque.core.facilitation`).
REFUSED_ON_BOTH: list[tuple[dict[str, Any], str, str]] = [
    ({"vote_budget": 51}, "invalid_budget", "a vote budget is between 0 and 50"),
    ({"vote_budget": -1}, "invalid_budget", "a vote budget is between 0 and 50"),
    ({"vote_budget": True}, "invalid_budget", "a vote budget is between 0 and 50"),  # not a whole number
    ({"phases": ()}, "invalid_phase", "a board has 1 to 8 different phases"),
    ({"phases": ("vote", "vote")}, "invalid_phase", "a board has 1 to 8 different phases"),
    (
        {"phases": ("vote",), "phase": "welcome"},
        "invalid_phase",
        "'welcome' is not one of this board's phases",
    ),
    ({"phase": "party"}, "invalid_phase", "'party' is not one of this board's phases"),
]


@pytest.mark.parametrize(("values", "code", "message"), REFUSED_ON_BOTH)
def test_both_kinds_of_board_refuse_the_same_facilitation_values_alike(
    values: dict[str, Any], code: str, message: str
) -> None:
    exploration = board_with_people()
    fresco = ActionBoard(default_settings("Schéma"))
    for change in (exploration.update_settings, fresco.update_facilitation):
        with pytest.raises(RuleError) as info:
            change(**values)
        assert (info.value.code, info.value.message) == (code, message)
    # Each knows its own steps only.
    assert refused(exploration.update_settings, phases=("place",)) == "invalid_phase"
    assert refused(fresco.update_facilitation, phases=("threads",)) == "invalid_phase"


def test_a_snapshot_keeps_every_setting_and_old_snapshots_get_the_defaults() -> None:
    board = board_with_people()
    apply_batch(
        board,
        ops(
            {
                "op": "board.update",
                "phases": ["week", "threads", "vote"],
                "phase": "threads",
                "locked": True,
                "votes_hidden": True,
                "private": True,
                "spotlight": "note-bob",
                "follow": True,
            },
            {"op": "timer.set", "action": "start", "seconds": 600},
            {"op": "item.hide", "id": "note-alice", "hidden": True},
        ),
        "fac",
        "facilitator",
    )
    apply_batch(
        board,
        ops({"op": "item.create", "id": "note-private", "kind": "note", "x": 0, "y": 0, "text": "x"}),
        "bob",
        "facilitator",
    )
    snapshot = board.to_snapshot()
    assert snapshot["settings"] == {
        "title": "Atelier",
        "vote_budget": 3,
        "phases": ["week", "threads", "vote"],
        "phase": "threads",
        "locked": True,
        "votes_hidden": True,
        "private": {"active": True, "round": 1},
        "timer": {"duration": 600_000, "ends_at": NOW + 600_000, "remaining": None},
        "spotlight": "note-bob",
        "follow": "fac",
    }
    items = {i["id"]: i for i in snapshot["items"]}
    assert items["note-alice"]["hidden"] is True and "round" not in items["note-alice"]
    assert items["note-private"]["round"] == 1 and "hidden" not in items["note-private"]
    assert Board.from_snapshot(snapshot, REFS).to_snapshot() == snapshot

    old = {"settings": {"title": "Ancien", "vote_budget": 2}, "items": [], "threads": [], "votes": []}
    settings = Board.from_snapshot(old, REFS).to_snapshot()["settings"]
    assert settings["phases"] == list(PHASES) and settings["phase"] is None and settings["timer"] is None


def test_a_client_never_sets_the_servers_fields() -> None:
    raw = op_list_adapter.validate_python([{"op": "timer.set", "action": "start", "seconds": 60, "at": 5}])
    assert refused(stamp, raw, NOW) == "server_field"
    board = board_with_people()
    item = Item(id="note-sneaky", kind="note", author="alice", x=0, y=0, text="a", hidden=True)
    assert refused(board.create_item, item) == "server_field"


# -- the timer --------------------------------------------------------------------------------------------


def test_the_timer_runs_pauses_resumes_and_takes_more_time_on_the_servers_clock() -> None:
    board = board_with_people()
    assert refused(board.set_timer, "pause", None, NOW) == "no_timer"
    board.set_timer("start", 300, NOW)
    assert board.settings.timer is not None and board.settings.timer.ends_at == NOW + 300_000
    assert refused(board.set_timer, "resume", None, NOW) == "timer_not_paused"
    board.set_timer("pause", None, NOW + 100_000)  # 100 s later: 200 s left
    assert (board.settings.timer.ends_at, board.settings.timer.remaining) == (None, 200_000)
    assert refused(board.set_timer, "pause", None, NOW) == "timer_not_running"
    board.set_timer("add", 60, NOW + 500_000)  # paused: the time left grows, whenever it is asked
    assert board.settings.timer.remaining == 260_000 and board.settings.timer.duration == 360_000
    board.set_timer("resume", None, NOW + 1_000_000)
    assert board.settings.timer.ends_at == NOW + 1_260_000
    board.set_timer("add", -3600, NOW + 1_000_000)  # never ends before now
    assert board.settings.timer.ends_at == NOW + 1_000_000 and board.settings.timer.duration == 0
    assert refused(board.set_timer, "add", 0, NOW) == "invalid_timer"
    assert refused(board.set_timer, "start", 0, NOW) == "invalid_timer"
    assert refused(board.set_timer, "start", 36_001, NOW) == "invalid_timer"
    board.set_timer("clear", None, NOW)
    assert board.settings.timer is None


def test_a_refused_batch_leaves_the_timer_as_it_was() -> None:
    board = board_with_people()
    apply_batch(board, ops({"op": "timer.set", "action": "start", "seconds": 60}), "fac", "facilitator")
    before = board.to_snapshot()
    with pytest.raises(RuleError):
        apply_batch(
            board,
            ops({"op": "timer.set", "action": "pause"}, {"op": "item.delete", "id": "nope-000"}),
            "fac",
            "facilitator",
        )
    assert board.to_snapshot() == before


# -- moderation -------------------------------------------------------------------------------------------


def test_merging_two_difficulties_moves_threads_and_dots_to_the_kept_one() -> None:
    board = board_with_people()
    for who in ("alice", "bob"):
        board.create_item(Item(id=f"sol2-{who}", kind="solution", author=who, x=0, y=0, ref="help-desk"))
        board.create_thread(Thread(f"thsol-{who}", f"difficulty-{who}", f"sol2-{who}", who))
    board.create_thread(
        Thread("thread-x", "activity-alice", "difficulty-bob", "alice")
    )  # doubles thread-alice
    board.add_vote("alice", "solution-bob")
    board.add_vote("carol", "solution-bob")
    apply_batch(
        board,
        ops({"op": "item.merge", "keep": "difficulty-alice", "drop": "difficulty-bob"}),
        "fac",
        "facilitator",
    )
    assert "difficulty-bob" not in board.items and "difficulty-bob" in board.deleted
    threads = {t.id: (t.source, t.target) for t in board.threads.values()}
    assert threads["thread-bob"] == ("activity-bob", "difficulty-alice")
    assert threads["thsol-bob"] == ("difficulty-alice", "sol2-bob")
    assert "thread-x" not in threads and "thread-x" in board.deleted  # it would have doubled thread-alice

    # Dots move when solutions merge; each participant's total is unchanged, so budgets hold.
    used = {p: board.votes_used(p) for p in board.votes}
    apply_batch(
        board,
        ops({"op": "item.merge", "keep": "solution-alice", "drop": "solution-bob"}),
        "fac",
        "facilitator",
    )
    assert board.vote_totals()["solution-alice"] == 4 and "solution-bob" not in board.vote_totals()
    assert {p: board.votes_used(p) for p in board.votes} == used
    assert refused(board.merge_items, "activity-alice", "activity-bob") == "merge_not_allowed"
    assert refused(board.merge_items, "note-alice", "difficulty-alice") == "merge_not_allowed"
    assert refused(board.merge_items, "note-alice", "note-alice") == "merge_not_allowed"


def test_a_merge_that_fails_half_way_changes_nothing() -> None:
    board = board_with_people()
    before = board.to_snapshot()
    with pytest.raises(RuleError):
        apply_batch(
            board,
            ops(
                {"op": "item.merge", "keep": "difficulty-alice", "drop": "difficulty-bob"},
                {"op": "item.delete", "id": "gone-000"},
            ),
            "fac",
            "facilitator",
        )
    assert board.to_snapshot() == before


def test_a_spotlight_follows_its_item_and_goes_with_it() -> None:
    board = board_with_people()
    board.update_settings(spotlight="note-bob")
    board.merge_items("note-alice", "note-bob")
    assert board.settings.spotlight == "note-alice"
    board.delete_item("note-alice")
    assert board.settings.spotlight is None
    assert refused(board.update_settings, spotlight="note-alice") == "item_deleted"


# -- what each viewer is sent ------------------------------------------------------------------------------

ALICE = Viewer(people=frozenset({"alice"}))
TABLE = Viewer(people=frozenset({"table", "alice", "bob"}))  # a touch table hosting both
FAC = Viewer(people=frozenset({"fac"}), facilitating=True)


def ids(snapshot: dict[str, Any], key: str) -> set[str]:
    return {entry["id"] for entry in snapshot[key]}


def test_hidden_items_and_their_threads_reach_only_facilitators() -> None:
    board = board_with_people()
    assert not leaves_out_anything(board)
    board.hide_item("difficulty-bob", True)
    assert leaves_out_anything(board)
    seen = snapshot_for(board, ALICE)
    assert "difficulty-bob" not in ids(seen, "items") and "thread-bob" not in ids(seen, "threads")
    assert snapshot_for(board, FAC) == board.to_snapshot()
    # A participant cannot act on what they are not shown: it answers as a missing item.
    code = refused(
        apply_batch,
        board,
        ops(
            {"op": "thread.create", "id": "th-hid-1", "source": "activity-alice", "target": "difficulty-bob"}
        ),
        "alice",
        "participant",
    )
    assert code == "item_missing"


def test_a_private_round_hides_new_cards_from_others_until_it_is_revealed() -> None:
    board = board_with_people()
    board.update_settings(private=True)
    for who in ("alice", "bob"):
        apply_batch(
            board,
            ops({"op": "item.create", "id": f"secret-{who}", "kind": "note", "x": 0, "y": 0, "text": who}),
            who,
            "participant",
        )
    seen = ids(snapshot_for(board, ALICE), "items")
    assert "secret-alice" in seen and "secret-bob" not in seen and "note-bob" in seen  # older cards stay
    assert {"secret-alice", "secret-bob"} <= ids(snapshot_for(board, TABLE), "items")
    board.update_settings(private=False)
    assert "secret-bob" in ids(snapshot_for(board, ALICE), "items")
    board.update_settings(private=True)  # a new round: the first round's cards stay visible
    assert board.settings.private_round == 2 and "secret-bob" in ids(snapshot_for(board, ALICE), "items")


def test_hidden_votes_show_each_person_only_their_own_dots() -> None:
    board = board_with_people()
    board.update_settings(votes_hidden=True)
    voters = {v["participant"] for v in snapshot_for(board, ALICE)["votes"]}
    assert voters == {"alice"}
    assert {v["participant"] for v in snapshot_for(board, TABLE)["votes"]} == {"alice", "bob"}
    assert not op_visible(board, {"op": "vote.add", "item": "solution-bob"}, "bob", ALICE, set())
    assert op_visible(board, {"op": "vote.add", "item": "solution-bob"}, "alice", ALICE, set())
    board.update_settings(votes_hidden=False)
    assert {v["participant"] for v in snapshot_for(board, ALICE)["votes"]} == {"alice", "bob"}


def test_ops_are_filtered_by_what_the_viewer_may_see() -> None:
    board = board_with_people()
    board.update_settings(private=True)
    apply_batch(
        board,
        ops({"op": "item.create", "id": "secret-bob", "kind": "note", "x": 0, "y": 0, "text": "b"}),
        "bob",
        "participant",
    )
    create = {"op": "item.create", "id": "secret-bob", "kind": "note", "x": 0, "y": 0, "text": "b"}
    assert not op_visible(board, create, "bob", ALICE, {"secret-bob"})
    assert op_visible(board, create, "bob", TABLE, {"secret-bob"})
    assert op_visible(board, create, "bob", FAC, {"secret-bob"})
    assert not op_visible(board, {"op": "item.delete", "id": "secret-bob"}, "bob", ALICE, {"secret-bob"})
    assert op_visible(board, {"op": "board.update", "phase": None}, "fac", ALICE, set())


def test_reveals_names_the_changes_after_which_views_are_resent() -> None:
    assert reveals(ops({"op": "board.update", "votes_hidden": False}))
    assert reveals(ops({"op": "board.update", "private": True}))
    assert reveals(ops({"op": "item.hide", "id": "note-bob", "hidden": False}))
    assert reveals(ops({"op": "item.merge", "keep": "note-bob", "drop": "note-alice"}))
    assert not reveals(ops({"op": "board.update", "phase": "vote"}, {"op": "timer.set", "action": "clear"}))
