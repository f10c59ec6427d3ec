"""The browser's wire data cannot drift from the server's: `frontend/static/js/core/wire.gen.js` is
regenerated in memory from the Python models and rules and compared with the committed file, so a kind, a
limit, a pattern or an op field changed on one side only fails here."""

from __future__ import annotations

from pathlib import Path

import pytest
from fresque import protocol, wire_gen

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
