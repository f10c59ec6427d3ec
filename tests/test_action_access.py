"""Who may do what on an action fresco, without a server: every kind of op × every role × locked or not ×
every phase (and no phase), against a real `ActionBoard`, compared with the product's rule written out by
hand below (the same table as docs/protocol.md "Action fresco"), not computed from `fresque.access`."""

from __future__ import annotations

from typing import Any

import pytest
from fresque.changes import KnownSolutions, apply_batch, stamp
from fresque.core.action_settings import ACTION_PHASES, default_settings
from fresque.core.actions import ActionBoard
from fresque.core.errors import RuleError
from fresque.core.visibility import Viewer, leaves_out_anything, op_visible, snapshot_for
from fresque.protocol import ACTION_OPS, op_list_adapter

NOW = 1_800_000_000_000
LINKABLE = KnownSolutions(
    {"explore-1": frozenset({"solution-1", "solution-2"})}, questions=frozenset({"question-1"})
)

# phase → (cards: create/move/resize/delete, fiches: fiche/capabilities/milestones/links/lists, votes)
PHASE_RULE: dict[str | None, tuple[bool, bool, bool]] = {
    None: (True, True, True),
    "welcome": (False, False, False),
    "place": (True, True, False),
    "fiches": (False, True, False),
    "vote": (False, False, True),
    "restitution": (False, False, False),
}

# (what, op, tool): every op a stakeholder's page sends, on Bob's card (no `not_yours` on this board).
SAMPLES: list[tuple[str, dict[str, Any], str]] = [
    (
        "place a card",
        {
            "op": "action.create",
            "id": "act-new001",
            "lane": "create",
            "start": "2025-01",
            "end": "2025-03",
            "fiche": {"title": "Nouvelle"},
        },
        "cards",
    ),
    ("move Bob's card", {"op": "action.move", "id": "act-bob001", "lane": "continue"}, "cards"),
    ("resize it", {"op": "action.resize", "id": "act-bob001", "edge": "end", "month": "2025-12"}, "cards"),
    ("delete it", {"op": "action.delete", "id": "act-bob001"}, "cards"),
    (
        "write its fiche",
        {"op": "action.update", "id": "act-bob001", "set": {"risks": "Peu de bénévoles"}},
        "fiches",
    ),
    (
        "score its web",
        {"op": "capability.set", "id": "act-bob001", "series": "today", "axis": "health", "level": 2},
        "fiches",
    ),
    (
        "add a milestone",
        {
            "op": "milestone.add",
            "id": "act-bob001",
            "milestone": "mile-002",
            "month": "2025-05",
            "label": "Bilan",
        },
        "fiches",
    ),
    ("remove one", {"op": "milestone.remove", "id": "act-bob001", "milestone": "mile-001"}, "fiches"),
    (
        "link a solution",
        {"op": "action.link", "id": "act-bob001", "board": "explore-1", "item": "solution-2"},
        "fiches",
    ),
    (
        "unlink one",
        {"op": "action.unlink", "id": "act-bob001", "board": "explore-1", "item": "solution-1"},
        "fiches",
    ),
    (
        "answer a question de travail",
        {"op": "action.question", "id": "act-bob001", "question": "question-1"},
        "fiches",
    ),
    (
        "add a public",
        {"op": "list.add", "list": "target_groups", "id": "retirees", "label": "Retraités"},
        "fiches",
    ),
    ("vote", {"op": "vote.add", "item": "act-bob001"}, "votes"),
    ("take a dot back", {"op": "vote.remove", "item": "act-alice1"}, "votes"),
    ("rename the board", {"op": "board.update", "title": "Autre"}, "facilitation"),
    ("change the timeline", {"op": "board.update", "timeline": {"scale": "month"}}, "facilitation"),
    ("change phase", {"op": "board.update", "phase": "vote"}, "facilitation"),
    ("lock", {"op": "board.update", "locked": True}, "facilitation"),
    ("start the timer", {"op": "timer.set", "action": "start", "seconds": 300}, "facilitation"),
]


def ops(*raw: dict[str, Any]) -> list[Any]:
    return stamp(op_list_adapter.validate_python(list(raw)), NOW)


def board_with_people() -> ActionBoard:
    """Alice's and Bob's cards, a milestone and a link on Bob's, a dot each."""
    board = ActionBoard(default_settings("Plan", "2025-01", "2027-12"))
    for who, action in (("alice", "act-alice1"), ("bob", "act-bob001")):
        board.create_action(
            action, author=who, lane="create", start="2025-01", end="2025-06", fiche={"title": who}
        )
        board.add_vote(who, action)
    board.add_milestone("act-bob001", "mile-001", "2025-02", "Lancement")
    board.add_link("act-bob001", "explore-1", "solution-1")
    return board


def expected(role: str, locked: bool, phase: str | None, tool: str) -> str:
    if role in ("facilitator", "co_facilitator"):
        return "ok"
    if role == "observer" or tool == "facilitation":
        return "forbidden"
    if locked:
        return "board_locked"
    cards, fiches, votes = PHASE_RULE[phase]
    allowed = {"cards": cards, "fiches": fiches, "votes": votes}[tool]
    return "ok" if allowed else "phase_closed"


@pytest.mark.parametrize("phase", [None, *ACTION_PHASES])
@pytest.mark.parametrize("locked", [False, True])
@pytest.mark.parametrize("role", ["facilitator", "co_facilitator", "participant", "observer"])
def test_action_role_matrix(role: str, locked: bool, phase: str | None) -> None:
    outcomes = {}
    for what, op, _tool in SAMPLES:
        board = board_with_people()
        board.update_facilitation(phase=phase, locked=locked)
        before = board.to_snapshot()
        try:
            apply_batch(board, ops(op), "alice", role, links=LINKABLE)
            outcomes[what] = "ok"
            if what not in ("lock", "change phase"):  # those may already be so
                assert board.to_snapshot() != before, f"{what}: accepted but changed nothing"
        except RuleError as refusal:
            outcomes[what] = refusal.code
            assert board.to_snapshot() == before, f"{what}: refused but the board changed"
    assert outcomes == {what: expected(role, locked, phase, tool) for what, _, tool in SAMPLES}


def test_the_matrix_covers_every_op_an_action_fresco_takes() -> None:
    names = {op["op"] for _, op, _ in SAMPLES}
    assert names == ACTION_OPS | {"vote.add", "vote.remove", "board.update", "timer.set"}


def test_a_link_made_without_looking_the_solution_up_is_refused() -> None:
    board = board_with_people()
    link = {"op": "action.link", "id": "act-alice1", "board": "explore-1", "item": "solution-2"}
    with pytest.raises(RuleError) as refusal:
        apply_batch(board, ops(link), "alice", "facilitator")
    assert refusal.value.code == "link_board_unknown"
    with pytest.raises(RuleError) as refusal:
        apply_batch(board, ops({**link, "item": "solution-9"}), "alice", "facilitator", links=LINKABLE)
    assert refusal.value.code == "link_item_unknown"


def test_hidden_dots_are_left_out_for_others_and_only_while_hidden() -> None:
    board = board_with_people()
    alice, carol = Viewer(people=frozenset({"alice"})), Viewer(people=frozenset({"carol"}))
    vote = {"op": "vote.add", "item": "act-alice1"}
    assert not leaves_out_anything(board)
    assert op_visible(board, vote, "bob", carol, ())
    board.update_facilitation(votes_hidden=True)
    assert leaves_out_anything(board)
    assert not op_visible(board, vote, "bob", carol, ())
    assert op_visible(board, vote, "alice", alice, ())
    assert op_visible(board, {"op": "action.move", "id": "act-alice1", "lane": "continue"}, "bob", carol, ())
    assert snapshot_for(board, alice)["votes"] == [{"participant": "alice", "item": "act-alice1", "count": 1}]
    assert snapshot_for(board, carol)["votes"] == []
    assert snapshot_for(board, Viewer(people=frozenset(), facilitating=True)) == board.to_snapshot()
    everything_else = {k: v for k, v in snapshot_for(board, carol).items() if k != "votes"}
    assert everything_else == {k: v for k, v in board.to_snapshot().items() if k != "votes"}


def test_facilitation_settings_and_votes_survive_a_snapshot_round_trip() -> None:
    board = board_with_people()
    board.update_facilitation(
        vote_budget=5,
        phases=("place", "vote"),
        phase="vote",
        locked=True,
        votes_hidden=True,
        spotlight="act-bob001",
    )
    board.set_timer("start", 300, NOW)
    snapshot = board.to_snapshot()
    assert ActionBoard.from_snapshot(snapshot).to_snapshot() == snapshot
    older = {
        **snapshot,
        "settings": {k: v for k, v in snapshot["settings"].items() if k not in ("phases", "timer")},
    }
    del older["votes"]
    rebuilt = ActionBoard.from_snapshot(older).to_snapshot()
    assert rebuilt["settings"]["phases"] == list(ACTION_PHASES) and rebuilt["votes"] == []


@pytest.mark.parametrize(
    "change, code",
    [
        ({"phases": ("week",)}, "invalid_phase"),
        ({"phase": "threads"}, "invalid_phase"),
        ({"vote_budget": 51}, "invalid_budget"),
        ({"spotlight": "act-missing"}, "action_missing"),
    ],
)
def test_facilitation_settings_are_checked(change: dict[str, Any], code: str) -> None:
    board = board_with_people()
    with pytest.raises(RuleError) as refusal:
        board.update_facilitation(**change)
    assert refusal.value.code == code


def test_deleting_a_spotlit_card_clears_the_spotlight_and_gives_the_dots_back() -> None:
    board = board_with_people()
    board.update_facilitation(spotlight="act-bob001")
    with board.transaction():
        board.delete_action("act-bob001")
    assert board.settings.spotlight is None and board.votes_used("bob") == 0
    with pytest.raises(RuleError), board.transaction():
        board.delete_action("act-alice1")
        raise RuleError("boom", "undo it all")
    assert board.votes_used("alice") == 1 and "act-alice1" in board.actions
