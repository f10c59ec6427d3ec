"""The browser's wire data cannot drift from the server's: `frontend/static/js/core/wire.gen.js` is
regenerated in memory from the Python models and rules and compared with the committed file, so a kind, a
limit, a pattern, an op field, a role, a severity or a reject / error / close code changed on one side only
fails here. The codes also need words in every language, and the browser may only throw the server's."""

from __future__ import annotations

import ast
import json
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fresque import protocol, wire_codes, wire_gen
from fresque.core import board, timer
from fresque.i18n import LANGUAGES
from fresque.rooms import connection

REPO = Path(__file__).resolve().parents[1]
COMMITTED = REPO / "frontend" / "static" / "js" / "core" / "wire.gen.js"
COMMAND = "cd backend && python -m fresque.wire_gen > ../frontend/static/js/core/wire.gen.js"


def test_committed_wire_module_matches_the_python() -> None:
    message = f"{COMMITTED.name} is out of date: regenerate it with `{COMMAND}`"
    assert COMMITTED.read_text() == wire_gen.render(), message


def test_the_generator_is_deterministic() -> None:
    assert wire_gen.render() == wire_gen.render()


def test_every_op_of_the_protocol_has_its_fields() -> None:
    ops = {model.model_fields["op"].annotation.__args__[0] for model in protocol.Op.__origin__.__args__}  # type: ignore[attr-defined]
    assert set(wire_gen.constants_by_name()["OP_FIELDS"]) == ops


def test_a_limit_changed_in_the_models_changes_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    before = wire_gen.render()
    monkeypatch.setattr(protocol, "MAX_OPS_PER_MESSAGE", 99)
    after = wire_gen.render()
    assert "export const MAX_OPS = 99;" in after and after != before


def test_a_field_of_a_shape_no_spec_names_stops_the_generator() -> None:
    with pytest.raises(SystemExit, match="no spec names"):
        wire_gen.spec_name({"type": "string", "maxLength": 7}, "Test.field")


# -- one side only: a code, a limit, a role, a severity changed in the Python changes the module -----------


@pytest.mark.parametrize(
    ("module", "name", "value", "expected"),
    [
        (board, "SEVERITIES", ("ok", "difficile", "bloque", "impossible"), '"bloque", "impossible"]'),
        (
            wire_gen,
            "FACILITATING",
            frozenset({"facilitator", "co_facilitator", "helper"}),
            '"co_facilitator"]',
        ),
        (connection, "CLOSE_REMOVED", 4499, "removed: 4499,"),
        (timer, "MAX_TIMER_MS", 60_000, "export const MAX_TIMER_MS = 60000;"),
    ],
)
def test_a_value_changed_in_the_python_changes_the_module(
    monkeypatch: pytest.MonkeyPatch, module: Any, name: str, value: Any, expected: str
) -> None:
    before = wire_gen.render()
    monkeypatch.setattr(module, name, value)
    after = wire_gen.render()
    assert expected in after and after != before


def test_a_board_limit_changed_in_the_rules_changes_the_module(monkeypatch: pytest.MonkeyPatch) -> None:
    @dataclass(frozen=True)
    class Smaller(board.Limits):
        max_items: int = 200

    monkeypatch.setattr(board, "Limits", Smaller)
    assert "  maxItems: 200,\n" in wire_gen.render()


RULES = """
from .errors import RuleError

def check(name, value):
    if value is None:
        raise RuleError("no_value", "…")
    code = f"invalid_{name}"
    raise RuleError(code, "…")

def room(conn, op_id, refusal):
    conn.send(_reject(op_id, "room_said_no", "…"))
    conn.send(dumps({"type": "error", "code": "frame_refused", "message": "…"}))
    conn.send(_reject(op_id, refusal.code, "…"))
"""


def test_codes_are_read_where_they_are_raised(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "rooms").mkdir()
    (tmp_path / "rooms" / "room.py").write_text(RULES)
    monkeypatch.setattr(wire_codes, "PACKAGE", tmp_path)
    codes = wire_codes.sent_codes()
    lists = {f"invalid_{name}" for name in wire_codes.TEMPLATES["invalid_{name}"]}
    assert set(codes["reject"]) == {"no_value", "room_said_no"} | lists
    assert set(codes["error"]) == {"frame_refused"}
    assert codes["reject"]["no_value"] == {"rooms/room.py"}


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ('raise RuleError(f"bad_{what}", "…")', "list its names in wire_codes.TEMPLATES"),
        ('raise RuleError(some.code, "…")', "make it a literal, or list it in PASSED_ON"),
    ],
)
def test_a_code_made_an_unknown_way_stops_the_generator(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str, message: str
) -> None:
    (tmp_path / "rules.py").write_text(f"def f(what, some):\n    {source}\n")
    monkeypatch.setattr(wire_codes, "PACKAGE", tmp_path)
    with pytest.raises(SystemExit, match=message):
        wire_codes.sent_codes()


# -- deterministic ------------------------------------------------------------------------------------------


def test_the_module_is_the_same_whatever_the_hash_seed() -> None:
    """Sets (codes, roles, editable fields) are written sorted: another process, with another string hash
    seed, writes the same bytes."""
    outputs = set()
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run(
            [sys.executable, "-m", "fresque.wire_gen"], env=env, capture_output=True, text=True, check=True
        )
        outputs.add(done.stdout)
    assert outputs == {wire_gen.render()}


def test_the_codes_are_sorted() -> None:
    names = wire_gen.constants_by_name()
    assert names["REJECT_CODES"] == sorted(names["REJECT_CODES"])
    assert names["ERROR_CODES"] == sorted(names["ERROR_CODES"])
    assert list(names["CLOSE_CODES"]) == sorted(names["CLOSE_CODES"])


# -- translations: every code a resident can be told has words in French, English and Arabic ---------------

I18N = REPO / "frontend" / "static" / "i18n"
# Modules an exploration board runs: their codes are said with `board.reject.*` (the exploration page looks
# nowhere else); the action fresco's page looks in `actions.reject.*`, then `board.reject.*`. (changes.py
# dispatches both kinds: its action-only codes are said by the action fresco's page.)
BOARD_MODULES = {
    "access.py",
    "rooms/room.py",
    "core/board.py",
    "core/facilitation.py",
    "core/text.py",
    "core/timer.py",
    "core/votes.py",
}


def _words() -> dict[str, dict[str, str]]:
    return {lang: json.loads((I18N / f"{lang}.json").read_text()) for lang in LANGUAGES}


def test_every_reject_code_has_words_in_every_language() -> None:
    words = _words()
    missing = []
    for code, modules in sorted(wire_codes.sent_codes()["reject"].items()):
        keys = (
            [f"board.reject.{code}"]
            if modules & BOARD_MODULES
            else [f"actions.reject.{code}", f"board.reject.{code}"]
        )
        for lang in LANGUAGES:
            if not any(key in words[lang] for key in keys):
                missing.append(f"{lang}: {' or '.join(keys)}")
    assert missing == []


def test_no_words_for_a_code_the_server_no_longer_sends() -> None:
    codes = set(wire_gen.constants_by_name()["REJECT_CODES"]) | {"other"}
    for lang, table in _words().items():
        stale = [
            k
            for k in table
            if k.startswith(("board.reject.", "actions.reject.")) and k.split(".")[-1] not in codes
        ]
        assert stale == [], lang


def test_the_codes_the_browser_throws_are_the_servers() -> None:
    """The browser's replicas refuse a change with the server's code (`new RuleError('board_full')`): a code
    renamed on one side only fails here."""
    names = wire_gen.constants_by_name()
    known = set(names["REJECT_CODES"]) | set(names["ERROR_CODES"])
    thrown: dict[str, set[str]] = {}
    for path in sorted((REPO / "frontend" / "static" / "js").rglob("*.js")):
        for code in re.findall(r"RuleError\(['`]([a-z_]+)['`]", path.read_text()):
            thrown.setdefault(code, set()).add(path.name)
        for prefix in re.findall(r"RuleError\(`([a-z_]+_)\$\{", path.read_text()):  # `invalid_${list}`
            assert any(code.startswith(prefix) for code in known), f"{path.name}: {prefix}…"
    assert thrown and {code: files for code, files in thrown.items() if code not in known} == {}


VOCABULARIES = {
    "core/board.py": {
        "ITEM_KINDS": "ItemKind",
        "SEVERITIES": "Severity",
        "DAYS": "Day",
        "SLOTS": "Slot",
        "PHASES": "PhaseId",
    },
    "core/action_settings.py": {"ACTION_PHASES": "ActionPhaseId"},
    "roles.py": {"ROLES": "Role"},
}


def _assigned(module: str) -> dict[str, ast.expr]:
    tree = ast.parse((wire_codes.PACKAGE / module).read_text())
    out: dict[str, ast.expr] = {}
    for node in tree.body:
        if isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            for target in node.targets if isinstance(node, ast.Assign) else [node.target]:
                if isinstance(target, ast.Name):
                    out[target.id] = node.value
    return out


def test_the_protocol_takes_its_vocabularies_from_the_rules() -> None:
    """Kinds, severities, days, slots, steps and roles are written once, as a Literal of the rules
    (core/board.py, action_settings.py, roles.py): each tuple is read from its Literal, and the protocol
    imports the types instead of spelling them again (Literals are compared by value, hence the source)."""
    in_protocol = _assigned("protocol.py")
    for module, tuples in VOCABULARIES.items():
        assigned = _assigned(module)
        for name, literal in tuples.items():
            assert ast.unparse(assigned[name]) == f"get_args({literal})", f"{module}: {name}"
            assert literal not in in_protocol, f"protocol.py spells {literal} again"


def test_the_browser_speaks_the_servers_languages() -> None:
    """`core/i18n.js` keeps its own list (the join and survey pages do not load wire.gen.js, 15 KB, for three
    words); the browser's other modules import it from there."""
    source = (REPO / "frontend" / "static" / "js" / "core" / "i18n.js").read_text()
    found = re.search(r"export const LANGUAGES = /\*\* @type \{const\} \*/ \(\[([^\]]*)\]\)", source)
    assert found, "core/i18n.js no longer exports LANGUAGES as a list"
    assert tuple(re.findall(r"'([a-z]+)'", found.group(1))) == LANGUAGES
    copies = [
        str(path.relative_to(REPO))
        for path in (REPO / "frontend" / "static" / "js").rglob("*.js")
        if path.name != "i18n.js" and re.search(r"\[\s*'fr',\s*'en',\s*'ar'\s*\]", path.read_text())
    ]
    assert copies == [], f"modules with their own copy of the list: {copies}"
