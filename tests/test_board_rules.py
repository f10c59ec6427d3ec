"""The board rules, one at a time: what each change does, and the exact code of each refusal.

These run the pure rules (`fresque.core.board`) directly, and through `changes.apply_batch` with ops parsed
by the protocol where the wire path matters (batches, roles). The catalogue is a small fixed mapping so
that nothing here depends on the catalogue data.
"""

from __future__ import annotations

import itertools
import json
from typing import Any

import pytest
from fresque.changes import apply_batch
from fresque.core.board import (
    ITEM_KINDS,
    THREAD_PAIRS,
    Board,
    Cell,
    Item,
    Limits,
    Settings,
    Thread,
)
from fresque.core.errors import RuleError
from fresque.protocol import ProtocolError, Push, op_list_adapter, parse_client_message

REFS: dict[str, frozenset[str]] = {
    "activity": frozenset({"go-to-work", "shopping"}),
    "difficulty": frozenset({"equipment", "cost"}),
    "touchpoint": frozenset({"caf", "ameli"}),
    "solution": frozenset({"help-desk", "peer-helpers"}),
}

# The smallest valid item of each kind.
VALID: dict[str, dict[str, Any]] = {
    "activity": {"ref": "go-to-work"},
    "difficulty": {"ref": "equipment", "severity": "difficile"},
    "touchpoint": {"ref": "caf"},
    "solution": {"ref": "help-desk"},
    "note": {"text": "Penser au bus"},
}


def new_board(limits: Limits | None = None, vote_budget: int = 3) -> Board:
    return Board(Settings(title="Atelier", vote_budget=vote_budget), REFS, limits or Limits())


def item(kind: str, item_id: str, author: str = "alice", **fields: Any) -> Item:
    values: dict[str, Any] = {"x": 10.0, "y": 20.0, **VALID[kind], **fields}
    return Item(id=item_id, kind=kind, author=author, **values)  # type: ignore[arg-type]


def add(board: Board, kind: str, item_id: str, **fields: Any) -> Item:
    created = item(kind, item_id, **fields)
    board.create_item(created)
    return created


def refused(call: Any, *args: Any, **kwargs: Any) -> str:
    """Run a change expected to be refused; return its code."""
    with pytest.raises(RuleError) as info:
        call(*args, **kwargs)
    return info.value.code


def ops(*raw: dict[str, Any]) -> list[Any]:
    return op_list_adapter.validate_python(list(raw))


# -- creating items ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ITEM_KINDS)
def test_create_each_kind_with_its_required_fields(kind: str) -> None:
    board = new_board()
    created = add(board, kind, f"{kind}-001")
    assert board.items == {f"{kind}-001": created}
    snapshot = board.to_snapshot()
    assert snapshot["items"] == [
        {"id": f"{kind}-001", "kind": kind, "author": "alice", "x": 10.0, "y": 20.0, **VALID[kind]}
    ]
    assert snapshot["threads"] == [] and snapshot["votes"] == [] and snapshot["deleted"] == []


def test_create_with_every_optional_field() -> None:
    board = new_board()
    add(board, "activity", "act-001", cell=Cell("mon", "morning"), w=120.0, h=80.0)
    add(board, "activity", "act-002", cell=Cell("weekend"))
    add(board, "difficulty", "dif-001", text="Pas d'ordinateur", severity="bloque")
    add(board, "touchpoint", "tp-0001", text="Le site de la CAF")
    add(board, "solution", "sol-001", ref=None, text="Un voisin qui aide")
    add(board, "solution", "sol-002", text="Avec une image aussi")
    items = {raw["id"]: raw for raw in board.to_snapshot()["items"]}
    assert items["act-001"]["cell"] == {"day": "mon", "slot": "morning"}
    assert items["act-001"]["w"] == 120.0 and items["act-001"]["h"] == 80.0
    assert items["act-002"]["cell"] == {"day": "weekend"}
    assert items["dif-001"]["severity"] == "bloque"
    assert "ref" not in items["sol-001"] and items["sol-001"]["text"] == "Un voisin qui aide"
    assert items["sol-002"]["ref"] == "help-desk"


def test_touchpoint_and_difficulty_may_have_empty_text() -> None:
    board = new_board()
    add(board, "touchpoint", "tp-0001", text="")
    add(board, "difficulty", "dif-001", text="")
    assert board.items["tp-0001"].text == "" and board.items["dif-001"].text == ""


@pytest.mark.parametrize("cell", [Cell("sun"), Cell("mon", "night"), Cell("", None)])
def test_invalid_cell(cell: Cell) -> None:
    board = new_board()
    assert refused(board.create_item, item("activity", "act-001", cell=cell)) == "invalid_cell"
    assert board.items == {}


def test_id_exists_for_items_and_threads() -> None:
    board = new_board()
    add(board, "activity", "act-001")
    add(board, "difficulty", "dif-001")
    assert refused(board.create_item, item("note", "act-001")) == "id_exists"
    board.create_thread(Thread("thr-001", "act-001", "dif-001", "alice"))
    assert refused(board.create_item, item("note", "thr-001")) == "id_exists"
    assert refused(board.create_thread, Thread("act-001", "act-001", "dif-001", "bob")) == "id_exists"
    assert refused(board.create_thread, Thread("thr-001", "act-001", "dif-001", "bob")) == "id_exists"
    assert board.items["act-001"].kind == "activity"
    assert set(board.threads) == {"thr-001"}


def test_id_reused_after_delete_of_item_or_thread() -> None:
    board = new_board()
    add(board, "activity", "act-001")
    add(board, "difficulty", "dif-001")
    board.create_thread(Thread("thr-001", "act-001", "dif-001", "alice"))
    board.delete_thread("thr-001")
    board.delete_item("act-001")
    assert board.deleted == {"thr-001", "act-001"}
    assert refused(board.create_item, item("activity", "act-001")) == "id_reused"
    assert refused(board.create_item, item("note", "thr-001")) == "id_reused"
    add(board, "activity", "act-002")
    assert refused(board.create_thread, Thread("thr-001", "act-002", "dif-001", "alice")) == "id_reused"
    assert refused(board.create_thread, Thread("act-001", "act-002", "dif-001", "alice")) == "id_reused"


def test_item_missing() -> None:
    board = new_board()
    assert refused(board.update_item, "nope-01", {"x": 1.0}) == "item_missing"
    assert refused(board.delete_item, "nope-01") == "item_missing"
    assert refused(board.add_vote, "alice", "nope-01") == "item_missing"
    assert refused(board.remove_vote, "alice", "nope-01") == "item_missing"


def test_delete_wins_over_a_later_update() -> None:
    board = new_board()
    add(board, "note", "note-01")
    board.delete_item("note-01")
    assert refused(board.update_item, "note-01", {"text": "trop tard"}) == "item_deleted"
    assert refused(board.delete_item, "note-01") == "item_deleted"
    assert board.items == {} and board.deleted == {"note-01"}


@pytest.mark.parametrize(
    ("kind", "fields"),
    [
        ("note", {"severity": "ok"}),
        ("difficulty", {"cell": Cell("mon")}),
        ("activity", {"text": "du texte"}),
        ("activity", {"severity": "ok"}),
        ("touchpoint", {"cell": Cell("tue")}),
        ("solution", {"severity": "bloque"}),
        ("note", {"ref": "go-to-work"}),
    ],
)
def test_field_not_allowed_on_create(kind: str, fields: dict[str, Any]) -> None:
    board = new_board()
    assert refused(board.create_item, item(kind, "item-01", **fields)) == "field_not_allowed"
    assert board.items == {}


@pytest.mark.parametrize(
    ("kind", "changes"),
    [
        ("note", {"severity": "ok"}),
        ("difficulty", {"cell": Cell("mon")}),
        ("activity", {"text": "x"}),
        ("note", {"ref": "caf"}),
        ("note", {"colour": "red"}),
        ("note", {"kind": "solution"}),
        ("note", {"author": "mallory"}),
        ("activity", {"id": "other-1"}),
    ],
)
def test_field_not_allowed_on_update(kind: str, changes: dict[str, Any]) -> None:
    board = new_board()
    before = add(board, kind, "item-01")
    assert refused(board.update_item, "item-01", changes) == "field_not_allowed"
    assert board.items["item-01"] == before


@pytest.mark.parametrize("kind", ["activity", "difficulty", "touchpoint"])
def test_ref_required(kind: str) -> None:
    board = new_board()
    assert refused(board.create_item, item(kind, "item-01", ref=None)) == "ref_required"
    add(board, kind, "item-02")
    assert refused(board.update_item, "item-02", {"ref": None}) == "ref_required"
    assert board.items["item-02"].ref == VALID[kind]["ref"]


@pytest.mark.parametrize(
    ("kind", "ref"),
    [("activity", "caf"), ("difficulty", "go-to-work"), ("touchpoint", "help-desk"), ("solution", "nope")],
)
def test_unknown_ref(kind: str, ref: str) -> None:
    board = new_board()
    assert refused(board.create_item, item(kind, "item-01", ref=ref)) == "unknown_ref"
    add(board, kind, "item-02")
    assert refused(board.update_item, "item-02", {"ref": ref}) == "unknown_ref"


def test_update_ref_to_another_of_the_same_kind() -> None:
    board = new_board()
    add(board, "activity", "act-001")
    board.update_item("act-001", {"ref": "shopping"})
    assert board.items["act-001"].ref == "shopping"


def test_severity_required() -> None:
    board = new_board()
    assert refused(board.create_item, item("difficulty", "dif-001", severity=None)) == "severity_required"
    add(board, "difficulty", "dif-002")
    assert refused(board.update_item, "dif-002", {"severity": None}) == "severity_required"
    board.update_item("dif-002", {"severity": "ok"})
    assert board.items["dif-002"].severity == "ok"


def test_text_required() -> None:
    board = new_board()
    assert refused(board.create_item, item("note", "note-01", text="")) == "text_required"
    assert refused(board.create_item, item("note", "note-02", text=None)) == "text_required"
    assert refused(board.create_item, item("solution", "sol-001", ref=None)) == "text_required"
    assert refused(board.create_item, item("solution", "sol-002", ref=None, text="")) == "text_required"
    add(board, "note", "note-03")
    assert refused(board.update_item, "note-03", {"text": ""}) == "text_required"
    add(board, "solution", "sol-003")
    assert refused(board.update_item, "sol-003", {"ref": None}) == "text_required"
    board.update_item("sol-003", {"ref": None, "text": "Un atelier"})
    assert board.items["sol-003"].ref is None and board.items["sol-003"].text == "Un atelier"
    assert set(board.items) == {"note-03", "sol-003"}


def test_text_too_long() -> None:
    board = new_board(Limits(max_text=10))
    add(board, "note", "note-01", text="x" * 10)
    assert refused(board.create_item, item("note", "note-02", text="x" * 11)) == "text_too_long"
    assert refused(board.update_item, "note-01", {"text": "x" * 11}) == "text_too_long"
    assert board.items["note-01"].text == "x" * 10


def test_text_length_counts_code_points_at_the_default_limit() -> None:
    board = new_board()
    add(board, "note", "note-01", text="é" * 500)
    assert refused(board.create_item, item("note", "note-02", text="é" * 501)) == "text_too_long"


@pytest.mark.parametrize(
    "text",
    [
        "\x00",
        "avant\x00après",
        "\x01",
        "\x07",
        "\x1b[31m",
        "\r\n",
        "\x0b",
        "\x0c",
        "\x1f",
        "\x7f",
        "\ud800",
        "a\udfffb",
    ],
)
def test_text_invalid(text: str) -> None:
    board = new_board()
    assert refused(board.create_item, item("note", "note-01", text=text)) == "text_invalid"
    add(board, "difficulty", "dif-001")
    assert refused(board.update_item, "dif-001", {"text": text}) == "text_invalid"
    assert board.items["dif-001"].text is None


@pytest.mark.parametrize(
    "text",
    [
        "colonne\tcolonne\nligne",
        "👩\u200d👩\u200d👧",  # a family: an emoji ZWJ sequence
        "🇫🇷🇲🇦🇸🇳",  # flags: pairs of regional indicators
        "👍🏽",  # a skin-tone modifier
        "مرحبا بكم في الورشة",
        "<script>alert(1)</script>",
        "&lt;b&gt; & \"quotes\" 'single'",
        "\u200f\u202e",  # bidi marks are text, not controls
        "  espaces  ",
    ],
)
def test_text_accepted_verbatim(text: str) -> None:
    board = new_board()
    add(board, "note", "note-01", text=text)
    assert board.items["note-01"].text == text
    snapshot = board.to_snapshot()
    assert snapshot["items"][0]["text"] == text
    assert json.loads(json.dumps(snapshot, ensure_ascii=False))["items"][0]["text"] == text
    assert Board.from_snapshot(snapshot, REFS).items["note-01"].text == text


def test_text_invalid_through_the_wire_path() -> None:
    # A lone surrogate escaped in JSON ("\\ud800") is refused by the protocol already, with the rule's code;
    # a NUL gets through the protocol and the rule refuses it.
    def push(text: str) -> str:
        return json.dumps(
            {
                "type": "ops",
                "op_id": "o1",
                "ops": [{"op": "item.create", "id": "note-01", "kind": "note", "x": 0, "y": 0, "text": text}],
            }
        )

    with pytest.raises(ProtocolError) as info:
        parse_client_message(push("a\ud800b"))
    assert info.value.code == "text_invalid"
    message = parse_client_message(push("a\x00b"))
    assert isinstance(message, Push)
    board = new_board()
    assert refused(apply_batch, board, message.ops, "alice", "participant") == "text_invalid"
    assert board.items == {}
    message = parse_client_message(push("<script>alert(1)</script> 👩\u200d👩\u200d👧 مرحبا"))
    assert isinstance(message, Push)
    apply_batch(board, message.ops, "alice", "participant")
    assert board.items["note-01"].text == "<script>alert(1)</script> 👩\u200d👩\u200d👧 مرحبا"


def test_board_full() -> None:
    board = new_board(Limits(max_items=3))
    for n in range(3):
        add(board, "note", f"note-0{n}")
    assert refused(board.create_item, item("note", "note-03")) == "board_full"
    board.delete_item("note-00")  # tombstones do not count
    add(board, "note", "note-03")
    assert refused(board.create_item, item("note", "note-04")) == "board_full"
    assert sorted(board.items) == ["note-01", "note-02", "note-03"]


def test_threads_full() -> None:
    board = new_board(Limits(max_threads=1))
    add(board, "activity", "act-001")
    add(board, "difficulty", "dif-001")
    add(board, "touchpoint", "tp-0001")
    board.create_thread(Thread("thr-001", "act-001", "dif-001", "alice"))
    assert refused(board.create_thread, Thread("thr-002", "act-001", "tp-0001", "alice")) == "board_full"


def test_update_position_size_and_clearing() -> None:
    board = new_board()
    add(board, "note", "note-01", w=100.0, h=50.0)
    board.update_item("note-01", {"x": -5.5, "y": 7.0, "w": None})
    assert board.items["note-01"] == item("note", "note-01", x=-5.5, y=7.0, w=None, h=50.0)
    assert refused(board.update_item, "note-01", {"x": None}) == "field_required"
    assert refused(board.update_item, "note-01", {"y": None}) == "field_required"
    add(board, "activity", "act-001", cell=Cell("mon"))
    board.update_item("act-001", {"cell": None})
    assert board.items["act-001"].cell is None


def test_update_returns_the_new_item_and_keeps_the_author() -> None:
    board = new_board()
    add(board, "note", "note-01")
    new = board.update_item("note-01", {"text": "changé"})
    assert new == board.items["note-01"]
    assert new.author == "alice" and new.text == "changé"


# -- threads -----------------------------------------------------------------------------------------------


def board_with_one_of_each() -> Board:
    board = new_board()
    for kind in ITEM_KINDS:
        add(board, kind, f"{kind}-a")
        add(board, kind, f"{kind}-b")
    return board


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("activity", "difficulty"),
        ("activity", "touchpoint"),
        ("touchpoint", "difficulty"),
        ("difficulty", "solution"),
        ("touchpoint", "solution"),
    ],
)
def test_allowed_thread(source: str, target: str) -> None:
    board = board_with_one_of_each()
    thread = Thread("thr-001", f"{source}-a", f"{target}-a", "bob")
    board.create_thread(thread)
    assert board.threads == {"thr-001": thread}
    assert board.threads_of(f"{source}-a") == {"thr-001"}
    assert board.threads_of(f"{target}-a") == {"thr-001"}
    assert board.to_snapshot()["threads"] == [
        {"id": "thr-001", "source": f"{source}-a", "target": f"{target}-a", "author": "bob"}
    ]


def test_the_allowed_pairs_are_exactly_five() -> None:
    assert THREAD_PAIRS == {
        ("activity", "difficulty"),
        ("activity", "touchpoint"),
        ("touchpoint", "difficulty"),
        ("difficulty", "solution"),
        ("touchpoint", "solution"),
    }


@pytest.mark.parametrize(
    ("source", "target"),
    [pair for pair in itertools.product(ITEM_KINDS, repeat=2) if pair not in THREAD_PAIRS],
)
def test_thread_not_allowed(source: str, target: str) -> None:
    board = board_with_one_of_each()
    assert refused(board.create_thread, Thread("thr-001", f"{source}-a", f"{target}-b", "bob")) == (
        "thread_not_allowed"
    )
    assert board.threads == {}


def test_thread_to_self() -> None:
    board = board_with_one_of_each()
    assert (
        refused(board.create_thread, Thread("thr-001", "activity-a", "activity-a", "bob")) == "thread_to_self"
    )
    # Refused even when the item does not exist: the shape is wrong whatever the board holds.
    assert refused(board.create_thread, Thread("thr-001", "ghost-1", "ghost-1", "bob")) == "thread_to_self"


def test_thread_exists() -> None:
    board = board_with_one_of_each()
    board.create_thread(Thread("thr-001", "activity-a", "difficulty-a", "alice"))
    assert (
        refused(board.create_thread, Thread("thr-002", "activity-a", "difficulty-a", "bob"))
        == "thread_exists"
    )
    board.create_thread(Thread("thr-003", "activity-a", "difficulty-b", "bob"))
    board.create_thread(Thread("thr-004", "activity-b", "difficulty-a", "bob"))
    # Once deleted, the same two items may be joined again under a new id.
    board.delete_thread("thr-001")
    board.create_thread(Thread("thr-005", "activity-a", "difficulty-a", "bob"))
    assert set(board.threads) == {"thr-003", "thr-004", "thr-005"}


@pytest.mark.parametrize("end", ["source", "target"])
def test_thread_to_a_missing_or_deleted_item(end: str) -> None:
    board = board_with_one_of_each()
    board.delete_item("difficulty-b")

    def thread(other: str) -> Thread:
        pair = {"source": "activity-a", "target": "difficulty-a", end: other}
        return Thread("thr-001", pair["source"], pair["target"], "bob")

    assert refused(board.create_thread, thread("ghost-1")) == "item_missing"
    assert refused(board.create_thread, thread("difficulty-b")) == "item_deleted"
    assert board.threads == {}


def test_delete_thread_codes() -> None:
    board = board_with_one_of_each()
    board.create_thread(Thread("thr-001", "activity-a", "difficulty-a", "alice"))
    board.delete_thread("thr-001")
    assert board.threads == {} and "thr-001" in board.deleted
    assert board.threads_of("activity-a") == frozenset()
    assert refused(board.delete_thread, "thr-001") == "thread_deleted"
    assert refused(board.delete_thread, "thr-999") == "thread_missing"
    assert refused(board.delete_thread, "activity-a") == "thread_missing"


def test_deleting_an_item_deletes_its_threads() -> None:
    board = board_with_one_of_each()
    board.create_thread(Thread("thr-003", "activity-a", "touchpoint-a", "alice"))
    board.create_thread(Thread("thr-001", "touchpoint-a", "difficulty-a", "alice"))
    board.create_thread(Thread("thr-002", "touchpoint-a", "solution-a", "alice"))
    board.create_thread(Thread("thr-009", "difficulty-a", "solution-a", "alice"))
    gone = board.delete_item("touchpoint-a")
    assert gone == ["thr-001", "thr-002", "thr-003"]  # sorted
    assert set(board.threads) == {"thr-009"}
    assert board.deleted == {"touchpoint-a", "thr-001", "thr-002", "thr-003"}
    assert board.threads_of("activity-a") == frozenset()
    assert board.threads_of("difficulty-a") == {"thr-009"}
    assert board.delete_item("activity-a") == []


def test_deleting_a_solution_refunds_its_votes() -> None:
    board = board_with_one_of_each()
    for _ in range(3):
        board.add_vote("alice", "solution-a")
    board.add_vote("bob", "solution-a")
    board.add_vote("bob", "solution-b")
    assert refused(board.add_vote, "alice", "solution-b") == "vote_budget_exceeded"
    board.delete_item("solution-a")
    assert board.votes == {"bob": {"solution-b": 1}}
    assert board.vote_totals() == {"solution-b": 1}
    assert board.votes_used("alice") == 0
    for _ in range(3):
        board.add_vote("alice", "solution-b")
    assert board.vote_totals() == {"solution-b": 4}
    assert refused(board.remove_vote, "alice", "solution-a") == "item_deleted"


# -- votes -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["activity", "difficulty", "touchpoint", "note"])
def test_not_votable(kind: str) -> None:
    board = board_with_one_of_each()
    assert refused(board.add_vote, "alice", f"{kind}-a") == "not_votable"
    assert board.votes == {}


def test_vote_budget_default_is_three_and_dots_stack() -> None:
    board = board_with_one_of_each()
    assert board.settings.vote_budget == 3
    board.add_vote("alice", "solution-a")
    board.add_vote("alice", "solution-a")
    board.add_vote("alice", "solution-b")
    assert refused(board.add_vote, "alice", "solution-a") == "vote_budget_exceeded"
    assert refused(board.add_vote, "alice", "solution-b") == "vote_budget_exceeded"
    assert board.votes == {"alice": {"solution-a": 2, "solution-b": 1}}
    assert board.votes_used("alice") == 3
    # Each participant has their own budget.
    for _ in range(3):
        board.add_vote("bob", "solution-a")
    assert board.vote_totals() == {"solution-a": 5, "solution-b": 1}
    assert board.to_snapshot()["votes"] == [
        {"participant": "alice", "item": "solution-a", "count": 2},
        {"participant": "alice", "item": "solution-b", "count": 1},
        {"participant": "bob", "item": "solution-a", "count": 3},
    ]


def test_remove_vote() -> None:
    board = board_with_one_of_each()
    assert refused(board.remove_vote, "alice", "solution-a") == "no_vote"
    board.add_vote("alice", "solution-a")
    board.add_vote("alice", "solution-a")
    board.add_vote("bob", "solution-a")
    board.remove_vote("alice", "solution-a")
    assert board.votes == {"alice": {"solution-a": 1}, "bob": {"solution-a": 1}}
    board.remove_vote("alice", "solution-a")
    assert board.votes == {"bob": {"solution-a": 1}}  # no empty entries are left behind
    assert refused(board.remove_vote, "alice", "solution-a") == "no_vote"
    assert refused(board.remove_vote, "alice", "solution-b") == "no_vote"
    assert refused(board.remove_vote, "alice", "note-a") == "no_vote"
    assert board.vote_totals() == {"solution-a": 1}


def test_budget_change() -> None:
    board = board_with_one_of_each()
    for budget in (-1, 51, 1000):
        assert refused(board.update_settings, vote_budget=budget) == "invalid_budget"
    assert board.settings.vote_budget == 3
    board.update_settings(vote_budget=5)
    for _ in range(5):
        board.add_vote("alice", "solution-a")
    assert refused(board.add_vote, "alice", "solution-a") == "vote_budget_exceeded"
    # Lowering the budget keeps the dots already placed but allows no more until under it again.
    board.update_settings(vote_budget=2)
    assert board.votes_used("alice") == 5
    assert refused(board.add_vote, "alice", "solution-b") == "vote_budget_exceeded"
    for _ in range(3):
        board.remove_vote("alice", "solution-a")
    assert refused(board.add_vote, "alice", "solution-b") == "vote_budget_exceeded"
    board.remove_vote("alice", "solution-a")
    board.add_vote("alice", "solution-b")
    assert board.votes == {"alice": {"solution-a": 1, "solution-b": 1}}
    board.update_settings(vote_budget=0)
    assert refused(board.add_vote, "bob", "solution-a") == "vote_budget_exceeded"
    board.update_settings(vote_budget=50)
    assert board.settings.vote_budget == 50


def test_title_change() -> None:
    board = new_board()
    board.update_settings(title="Atelier du mardi 👩\u200d👩\u200d👧")
    assert board.settings.title == "Atelier du mardi 👩\u200d👩\u200d👧"
    assert refused(board.update_settings, title="   ") == "text_required"
    assert refused(board.update_settings, title="a\x00") == "text_invalid"
    assert refused(board.update_settings, title="t" * 201) == "text_too_long"
    # A refused change of one setting changes no other.
    assert refused(board.update_settings, title="   ", vote_budget=7) == "text_required"
    assert board.settings == Settings(title="Atelier du mardi 👩\u200d👩\u200d👧", vote_budget=3)


# -- order of changes --------------------------------------------------------------------------------------


def test_last_writer_wins_per_property() -> None:
    board = new_board()
    apply_batch(
        board,
        ops(
            {
                "op": "item.create",
                "id": "diff-01",
                "kind": "difficulty",
                "x": 0,
                "y": 0,
                "ref": "cost",
                "severity": "ok",
            }
        ),
        "alice",
        "participant",
    )
    # Three people edit the same item (its author and two facilitators, the only others who may); the
    # server applies their changes in the order it received them.
    apply_batch(
        board,
        ops({"op": "item.update", "id": "diff-01", "set": {"x": 1, "severity": "bloque"}}),
        "bob",
        "facilitator",
    )
    apply_batch(
        board, ops({"op": "item.update", "id": "diff-01", "set": {"x": 2, "y": 5}}), "chloe", "co_facilitator"
    )
    apply_batch(
        board, ops({"op": "item.update", "id": "diff-01", "set": {"text": "b"}}), "bob", "facilitator"
    )
    apply_batch(
        board, ops({"op": "item.update", "id": "diff-01", "set": {"text": "c"}}), "alice", "participant"
    )
    assert board.items["diff-01"] == Item(
        id="diff-01", kind="difficulty", author="alice", x=2.0, y=5.0, ref="cost", text="c", severity="bloque"
    )


def test_delete_wins_over_an_edit_in_the_same_batch_order() -> None:
    board = new_board()
    add(board, "note", "note-01")
    apply_batch(board, ops({"op": "item.delete", "id": "note-01"}), "bob", "facilitator")
    code = refused(
        apply_batch,
        board,
        ops({"op": "item.update", "id": "note-01", "set": {"x": 3}}),
        "alice",
        "participant",
    )
    assert code == "item_deleted"
    assert board.items == {}


# -- transactions ------------------------------------------------------------------------------------------


def busy_board() -> Board:
    """A board with items of every kind, threads, votes of several participants and tombstones."""
    board = board_with_one_of_each()
    board.create_thread(Thread("thr-001", "activity-a", "touchpoint-a", "alice"))
    board.create_thread(Thread("thr-002", "touchpoint-a", "solution-a", "alice"))
    board.create_thread(Thread("thr-003", "difficulty-a", "solution-a", "bob"))
    board.create_thread(Thread("thr-004", "activity-b", "difficulty-b", "bob"))
    board.delete_thread("thr-004")
    board.add_vote("alice", "solution-a")
    board.add_vote("alice", "solution-a")
    board.add_vote("bob", "solution-a")
    board.add_vote("bob", "solution-b")
    board.delete_item("note-b")
    add(board, "solution", "sol-gone")
    board.add_vote("chloe", "sol-gone")
    board.delete_item("sol-gone")
    return board


FAILING_BATCHES: list[tuple[list[dict[str, Any]], str]] = [
    (
        [
            {"op": "item.delete", "id": "solution-a"},  # takes two threads and four dots with it
            {"op": "vote.add", "item": "solution-b"},
            {"op": "item.create", "id": "act-new", "kind": "activity", "x": 0, "y": 0, "ref": "caf"},
        ],
        "unknown_ref",
    ),
    (
        [
            {"op": "board.update", "vote_budget": 10, "title": "Nouveau titre"},
            {"op": "vote.add", "item": "solution-b"},
            {"op": "vote.add", "item": "difficulty-a"},
        ],
        "not_votable",
    ),
    (
        [
            {"op": "thread.delete", "id": "thr-001"},
            {"op": "item.update", "id": "note-a", "set": {"text": "modifié", "x": 99}},
            {"op": "thread.create", "id": "thr-001", "source": "activity-a", "target": "touchpoint-a"},
        ],
        "id_reused",
    ),
    (
        [
            {"op": "item.create", "id": "sol-new", "kind": "solution", "x": 0, "y": 0, "text": "Idée"},
            {"op": "thread.create", "id": "thr-new", "source": "difficulty-b", "target": "sol-new"},
            {"op": "item.delete", "id": "sol-gone"},
        ],
        "item_deleted",
    ),
    (
        [
            {"op": "vote.remove", "item": "solution-a"},
            {"op": "vote.remove", "item": "solution-a"},
            {"op": "vote.remove", "item": "solution-a"},
        ],
        "no_vote",
    ),
    (
        [
            {"op": "item.delete", "id": "touchpoint-a"},
            {"op": "item.delete", "id": "activity-a"},
            {"op": "item.create", "id": "touchpoint-a", "kind": "touchpoint", "x": 0, "y": 0, "ref": "caf"},
        ],
        "id_reused",
    ),
    (
        [
            {"op": "item.update", "id": "solution-b", "set": {"ref": None, "text": "texte libre"}},
            {"op": "vote.add", "item": "solution-b"},
            {"op": "item.update", "id": "solution-b", "set": {"text": None}},
        ],
        "text_required",
    ),
]


@pytest.mark.parametrize(("raw_ops", "code"), FAILING_BATCHES)
def test_a_batch_failing_at_its_third_op_changes_nothing(raw_ops: list[dict[str, Any]], code: str) -> None:
    board = busy_board()
    before = board.to_snapshot()
    threads_of_before = {item_id: board.threads_of(item_id) for item_id in board.items}
    batch = ops(*raw_ops)
    # The first two ops alone are fine: it really is the third that fails.
    probe = busy_board()
    apply_batch(probe, batch[:2], "alice", "facilitator")
    assert probe.to_snapshot() != before

    assert refused(apply_batch, board, batch, "alice", "facilitator") == code
    assert board.to_snapshot() == before
    assert {item_id: board.threads_of(item_id) for item_id in board.items} == threads_of_before
    assert board.settings == Settings(title="Atelier", vote_budget=3)
    # The board is usable afterwards, and the same first two ops now apply.
    apply_batch(board, batch[:2], "alice", "facilitator")
    assert board.to_snapshot() == probe.to_snapshot()


def test_undo_restores_internal_thread_index() -> None:
    board = busy_board()
    with pytest.raises(RuleError):
        apply_batch(
            board,
            ops({"op": "item.delete", "id": "touchpoint-a"}, {"op": "vote.add", "item": "note-a"}),
            "alice",
            "participant",
        )
    # The index still knows the touchpoint's threads: deleting it now takes them with it.
    assert board.delete_item("touchpoint-a") == ["thr-001", "thr-002"]


def test_a_transaction_inside_another_joins_it() -> None:
    board = new_board()
    add(board, "note", "note-00")
    before = board.to_snapshot()
    with pytest.raises(RuleError), board.transaction():
        add(board, "note", "note-01")
        with board.transaction():
            add(board, "note", "note-02")
            board.delete_item("note-00")
        add(board, "note", "note-00")  # id_reused: the outer transaction fails and undoes the inner one too
    assert board.to_snapshot() == before
    assert board._undo is None


def test_facilitator_only_op_is_forbidden_to_participants() -> None:
    board = busy_board()
    before = board.to_snapshot()
    batch = ops({"op": "vote.add", "item": "solution-b"}, {"op": "board.update", "vote_budget": 10})
    assert refused(apply_batch, board, batch, "bob", "participant") == "forbidden"
    assert board.to_snapshot() == before
    assert (
        refused(apply_batch, board, ops({"op": "board.update", "title": "X"}), "bob", "participant")
        == "forbidden"
    )
    apply_batch(board, batch, "fatou", "facilitator")
    assert board.settings.vote_budget == 10
    assert board.votes["fatou"] == {"solution-b": 1}


# -- snapshots ---------------------------------------------------------------------------------------------


def test_snapshot_round_trip() -> None:
    board = busy_board()
    board.update_settings(title="Atelier 🇫🇷", vote_budget=4)
    add(board, "activity", "act-cell", cell=Cell("fri", "evening"), w=3.0, h=4.0)
    add(board, "note", "note-html", text="<script>alert(1)</script>\n\tمرحبا")
    snapshot = board.to_snapshot()
    again = Board.from_snapshot(json.loads(json.dumps(snapshot, ensure_ascii=False)), REFS)
    assert again.to_snapshot() == snapshot
    assert again.items == board.items
    assert again.threads == board.threads
    assert again.votes == board.votes
    assert again.deleted == board.deleted
    assert again.settings == board.settings
    assert {i: again.threads_of(i) for i in again.items} == {i: board.threads_of(i) for i in board.items}
    # The rebuilt board keeps enforcing its tombstones.
    assert refused(again.create_item, item("note", "note-b")) == "id_reused"
    assert refused(again.create_item, item("note", "thr-004")) == "id_reused"


def test_empty_board_snapshot_round_trip() -> None:
    board = new_board()
    assert Board.from_snapshot(board.to_snapshot(), REFS).to_snapshot() == board.to_snapshot()


def test_snapshot_with_budget_lowered_below_votes_already_placed_loads() -> None:
    # Reachable live: alice puts 3 dots, then the facilitator lowers the budget to 1. The room saves this
    # snapshot when it empties and must be able to open it again.
    board = board_with_one_of_each()
    for _ in range(3):
        board.add_vote("alice", "solution-a")
    board.update_settings(vote_budget=1)
    snapshot = board.to_snapshot()
    again = Board.from_snapshot(snapshot, REFS)
    assert again.to_snapshot() == snapshot
    assert refused(again.add_vote, "alice", "solution-b") == "vote_budget_exceeded"


def snapshot_of_busy_board() -> dict[str, Any]:
    return json.loads(json.dumps(busy_board().to_snapshot()))


def test_from_snapshot_refuses_a_dangling_thread() -> None:
    snapshot = snapshot_of_busy_board()
    snapshot["threads"].append({"id": "thr-bad", "source": "activity-a", "target": "ghost-1", "author": "x"})
    assert refused(Board.from_snapshot, snapshot, REFS) == "item_missing"
    snapshot = snapshot_of_busy_board()
    snapshot["threads"].append({"id": "thr-bad", "source": "activity-b", "target": "note-b", "author": "x"})
    assert refused(Board.from_snapshot, snapshot, REFS) == "item_missing"  # note-b is only a tombstone


def test_from_snapshot_refuses_a_forbidden_thread() -> None:
    snapshot = snapshot_of_busy_board()
    snapshot["threads"].append(
        {"id": "thr-bad", "source": "solution-a", "target": "activity-a", "author": "x"}
    )
    assert refused(Board.from_snapshot, snapshot, REFS) == "thread_not_allowed"


def test_from_snapshot_refuses_votes_over_any_budget() -> None:
    limits = Limits(max_vote_budget=5)
    snapshot = snapshot_of_busy_board()
    snapshot["votes"].append({"participant": "dora", "item": "solution-b", "count": 6})
    assert refused(Board.from_snapshot, snapshot, REFS, limits) == "vote_budget_exceeded"
    snapshot = snapshot_of_busy_board()
    snapshot["votes"] += [
        {"participant": "dora", "item": "solution-a", "count": 3},
        {"participant": "dora", "item": "solution-b", "count": 3},
    ]
    assert refused(Board.from_snapshot, snapshot, REFS, limits) == "vote_budget_exceeded"
    snapshot["votes"][-1]["count"] = 2
    assert Board.from_snapshot(snapshot, REFS, limits).votes_used("dora") == 5


def test_from_snapshot_refuses_an_invalid_budget() -> None:
    snapshot = snapshot_of_busy_board()
    snapshot["settings"]["vote_budget"] = 51
    assert refused(Board.from_snapshot, snapshot, REFS) == "invalid_budget"


@pytest.mark.parametrize(
    ("vote", "code"),
    [
        ({"participant": "dora", "item": "difficulty-a", "count": 1}, "not_votable"),
        ({"participant": "dora", "item": "note-a", "count": 1}, "not_votable"),
        ({"participant": "dora", "item": "ghost-1", "count": 1}, "item_missing"),
        ({"participant": "dora", "item": "solution-b", "count": 0}, "invalid_vote"),
        ({"participant": "dora", "item": "solution-b", "count": -1}, "invalid_vote"),
        ({"participant": "dora", "item": "solution-b", "count": 1.0}, "invalid_vote"),
    ],
)
def test_from_snapshot_refuses_a_bad_vote(vote: dict[str, Any], code: str) -> None:
    snapshot = snapshot_of_busy_board()
    snapshot["votes"].append(vote)
    assert refused(Board.from_snapshot, snapshot, REFS) == code


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ({"id": "x-00001", "kind": "note", "author": "a", "x": 0, "y": 0}, "text_required"),
        ({"id": "x-00001", "kind": "sticker", "author": "a", "x": 0, "y": 0}, "invalid_kind"),
        (
            {"id": "x-00001", "kind": "note", "author": "a", "x": 0, "y": 0, "text": "t", "z": 1},
            "field_not_allowed",
        ),
        ({"id": "activity-a", "kind": "note", "author": "a", "x": 0, "y": 0, "text": "t"}, "id_exists"),
        ({"id": "x-00001", "kind": "activity", "author": "a", "x": 0, "y": 0, "ref": "caf"}, "unknown_ref"),
    ],
)
def test_from_snapshot_checks_every_item(raw: dict[str, Any], code: str) -> None:
    snapshot = snapshot_of_busy_board()
    snapshot["items"].append(raw)
    assert refused(Board.from_snapshot, snapshot, REFS) == code


def test_from_snapshot_checks_refs_against_the_given_catalogue() -> None:
    snapshot = snapshot_of_busy_board()
    smaller = {**REFS, "touchpoint": frozenset({"ameli"})}
    assert refused(Board.from_snapshot, snapshot, smaller) == "unknown_ref"
