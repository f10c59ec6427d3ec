"""The docs' examples are tested as code: every JSON example of docs/protocol.md parses and is valid against
the part of docs/protocol.schema.json it is marked with (`<!-- example: client_message -->` just before the
block); the exploration snapshot example is a board the core rules accept; the README's list of CSV tables is
the one the server serves; and the README's description of `GET /api/workshops/{id}` is what it answers."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from fresque.catalogue import load_catalogue
from fresque.core.board import Board
from fresque.csv_export import EXPLORATION_COLUMNS
from jsonschema import Draft202012Validator

REPO = Path(__file__).resolve().parents[1]
PROTOCOL_MD = (REPO / "docs" / "protocol.md").read_text()
SCHEMA = json.loads((REPO / "docs" / "protocol.schema.json").read_text())

_BLOCK = re.compile(r"(?:<!-- example: ([a-z_.]+) -->\n)?```json\n(.*?)```", re.S)


def examples() -> list[tuple[str | None, str]]:
    return [(mark, text) for mark, text in _BLOCK.findall(PROTOCOL_MD)]


def schema_for(mark: str) -> dict[str, Any]:
    """`client_message`, `server_message`, `snapshot.exploration`, or a `$defs` entry below one of them
    (`snapshot.exploration.settings` → the type of that snapshot's `settings`)."""
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
