"""The docs' examples are tested as code: every JSON example of docs/protocol.md and docs/actions.md parses
and is valid against the part of docs/protocol.schema.json it is marked with
(`<!-- example: client_message -->` just before the block); the snapshot examples are boards the core rules
accept (the action fresco's exactly as `to_snapshot` writes it back), and the action fresco's `ops` examples
are batches the server applies to it; and the README's list of CSV tables is the one the server serves. (The
README's description of `GET /api/workshops/{id}` is checked against a real server in
test_outside_client.py.)"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fresque.catalogue import load_catalogue
from fresque.changes import KnownSolutions, apply_batch
from fresque.core.actions import ActionBoard
from fresque.core.board import Board
from fresque.csv_export import EXPLORATION_COLUMNS
from fresque.export import ActionsExportDocument, actions_snapshot_of, build_actions_export
from fresque.protocol import Push, parse_client_message
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[1]
PROTOCOL_MD = (REPO / "docs" / "protocol.md").read_text()
ACTIONS_MD = (REPO / "docs" / "actions.md").read_text()
SCHEMA = json.loads((REPO / "docs" / "protocol.schema.json").read_text())
EXPORT_SCHEMA = json.loads((REPO / "docs" / "export.schema.json").read_text())

_BLOCK = re.compile(r"(?:<!-- example: ([a-z_.]+) -->\n)?```json\n(.*?)```", re.S)


def examples(doc: str = PROTOCOL_MD) -> list[tuple[str | None, str]]:
    return [(mark, text) for mark, text in _BLOCK.findall(doc)]


def schema_for(mark: str) -> dict[str, Any]:
    """`client_message`, `server_message`, `snapshot.exploration`, or a `$defs` entry below one of them
    (`snapshot.exploration.settings` → the type of that snapshot's `settings`); `export` is a whole
    document of docs/export.schema.json."""
    assert mark, "a JSON example needs its `<!-- example: part -->` mark"
    if mark == "export":
        return dict(EXPORT_SCHEMA)
    parts = mark.split(".")
    if parts[0] == "snapshot":
        root, rest = SCHEMA["snapshot"][parts[1]], parts[2:]
    else:
        root, rest = SCHEMA[parts[0]], parts[1:]
    schema = dict(root)
    for name in rest:  # a property of the root, resolved through $defs, keeping the root's $defs for refs
        prop = schema["properties"][name]
        ref = prop.get("$ref") or next(o["$ref"] for o in prop.get("anyOf", []) if "$ref" in o)
        schema = {**root["$defs"][ref.rsplit("/", 1)[1]], "$defs": root.get("$defs", {})}
    return schema


def test_every_json_example_is_marked_and_there_are_enough() -> None:
    found = examples()
    assert len(found) >= 8
    assert [text[:40] for mark, text in found if mark is None] == []


@pytest.mark.parametrize(
    ("mark", "text"), examples(), ids=lambda v: v if isinstance(v, str) and len(v) < 40 else ""
)
def test_each_json_example_parses_and_fits_the_schema(mark: str, text: str) -> None:
    document = json.loads(text)
    errors = sorted(Draft202012Validator(schema_for(mark)).iter_errors(document), key=str)
    assert errors == [], f"{mark}: {errors[0].message if errors else ''}\n{text[:300]}"


def test_the_schema_refuses_what_the_snapshot_never_holds() -> None:
    """The snapshot schema is closed: a guessed or misspelt field is an error, not silently allowed."""
    snapshot = json.loads(next(text for mark, text in examples() if mark == "snapshot.exploration"))
    validator = Draft202012Validator(schema_for("snapshot.exploration"))
    assert validator.is_valid(snapshot)
    snapshot["items"][0]["colour"] = "red"
    assert not validator.is_valid(snapshot)
    del snapshot["items"][0]["colour"]
    del snapshot["settings"]["private"]
    assert not validator.is_valid(snapshot)


def test_the_exploration_snapshot_example_is_a_board_the_rules_accept() -> None:
    snapshot = json.loads(next(text for mark, text in examples() if mark == "snapshot.exploration"))
    catalogue = load_catalogue()
    refs = {kind: catalogue.ids(kind) for kind in ("activity", "difficulty", "touchpoint", "solution")}
    board = Board.from_snapshot(snapshot, refs)
    again = board.to_snapshot()
    for key in ("items", "threads", "votes", "deleted"):
        assert again[key] == snapshot[key], key


def test_the_readme_lists_the_exploration_csv_tables_and_their_columns() -> None:
    readme = (REPO / "README.md").read_text()
    documented: dict[str, list[str]] = {}
    for line in readme.splitlines():
        found = re.match(r"^\| `table=([a-z]+)` \| (.*?) \|", line)
        if found:
            documented[found[1]] = re.findall(r"`([a-z_]+)`", found[2])
    assert documented == {name: list(columns) for name, columns in EXPLORATION_COLUMNS.items()}


# -- docs/actions.md: the action fresco --------------------------------------------------------------------


def test_every_code_block_of_the_actions_note_is_a_marked_json_example() -> None:
    """An unmarked or untagged block (```` ``` ```` or ```` ```js ````) would escape the checks below."""
    fences = re.findall(r"^```(.*)$", ACTIONS_MD, re.M)
    assert fences[::2] == ["json"] * (len(fences) // 2), "every block of docs/actions.md is ```json"
    found = examples(ACTIONS_MD)
    assert len(found) == len(fences) // 2
    marks = sorted(mark or "" for mark, text in found)
    assert marks == ["client_message", "client_message", "export", "snapshot.actions"]
    assert [text[:40] for mark, text in found if mark is None] == []


@pytest.mark.parametrize(
    ("mark", "text"), examples(ACTIONS_MD), ids=lambda v: v if isinstance(v, str) and len(v) < 40 else ""
)
def test_each_actions_json_example_parses_and_fits_the_schema(mark: str, text: str) -> None:
    test_each_json_example_parses_and_fits_the_schema(mark, text)


def _actions_snapshot() -> dict[str, Any]:
    found = [text for mark, text in examples(ACTIONS_MD) if mark == "snapshot.actions"]
    assert len(found) == 1
    snapshot: dict[str, Any] = json.loads(found[0])
    return snapshot


def test_the_actions_snapshot_example_is_what_the_board_writes_back() -> None:
    """Every rule accepts it (`from_snapshot` replays them all) and `to_snapshot` gives it back key for key:
    it is a board a server could send, with no field missing or invented."""
    snapshot = _actions_snapshot()
    assert ActionBoard.from_snapshot(snapshot).to_snapshot() == snapshot


@pytest.mark.parametrize(
    "text", [text for mark, text in examples(ACTIONS_MD) if mark == "client_message"], ids=lambda v: v[:30]
)
def test_each_actions_ops_example_is_a_batch_the_server_applies(text: str) -> None:
    """The server's own parser reads it, and a participant's batch on the snapshot example's board is
    applied whole, the linked solution being one the sender sees; the kept ops are the ones sent."""
    message = parse_client_message(text)
    assert isinstance(message, Push)
    board = ActionBoard.from_snapshot(_actions_snapshot())
    seen = KnownSolutions(boards={"3f9c2a7e41b04d5c8e6a1f2b9d0c7e35": frozenset({"sol-8e4f12"})})
    kept = apply_batch(board, message.ops, author="p8Lw3nT6vX", role="participant", links=seen)
    assert kept == message.ops


def test_the_actions_export_example_is_the_document_of_the_snapshot_example() -> None:
    """The server's own builder, given the snapshot example and the document's workshop, board, people and
    link titles, writes the example (but the time); the pydantic model reads it; and importing it gives back
    the snapshot."""
    found = [text for mark, text in examples(ACTIONS_MD) if mark == "export"]
    assert len(found) == 1
    document = json.loads(found[0])
    snapshot = _actions_snapshot()
    titles = {
        (link["board"], link["item"]): (link["board_title"], link["label"])
        for action in document["actions"]
        for link in action["links"]
    }
    built = build_actions_export(
        snapshot=snapshot,
        board_info=document["board"],
        workshop=document["workshop"],
        participants=document["participants"],
        links=titles,
    )
    assert {**built, "exported_at": document["exported_at"]} == document
    model = ActionsExportDocument.model_validate(document)
    assert actions_snapshot_of(model, {}) == snapshot
