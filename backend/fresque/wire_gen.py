"""Writes `frontend/static/js/core/wire.gen.js`: the wire's data, for the browser, from the server's models.

`python -m fresque.wire_gen > frontend/static/js/core/wire.gen.js` (tests/test_wire_gen.py fails when the
committed file differs from what this prints). The browser's `core/protocol.js` and `actions/*.js` import
their kinds, limits, patterns, thread pairs, op field lists and the action fresco's fiche and date data from
it, and keep by hand only behaviour (builders, checks, replicas). The codes the socket answers with (reject,
error, close) are read where they are raised (`fresque.wire_codes`).

Op fields are read from the pydantic models of `fresque.protocol`: each field's JSON Schema is matched
against the named field types below (`SPEC_TYPES`); a field of a shape with no name stops the generator, so
that a new kind of field is named here (and checked by `core/protocol.js`'s `fits`) before it can ship.
"""

from __future__ import annotations

import json
import sys
from dataclasses import MISSING, fields
from typing import Annotated, Any, get_args

from pydantic import BaseModel, TypeAdapter
from pydantic.fields import FieldInfo

from . import protocol as p
from . import wire_codes
from .config import Settings
from .core import action_settings, board, choices, fiche, timeline, timer
from .core.actions import ActionLimits
from .core.board import EDITABLE
from .roles import FACILITATING

# Name → type of every kind of field an op (or a model inside one) may have. The browser checks a field by
# this name (`SPECS[name]`); `!` marks a required field, `~` a required one that may be null.
SPEC_TYPES: dict[str, Any] = {
    "id": p.Id,
    "coord": p.Coord,
    "size": p.Size,
    "ref": p.Ref,
    "kind": p.ItemKind,
    "severity": p.Severity,
    "text": p.Text,
    "day": p.Day,
    "slot": p.Slot,
    "cell": p.CellModel,
    "patch": p.ItemPatch,
    "bool": bool,
    "title": p.BoardUpdate.model_fields["title"],
    "budget": p.BoardUpdate.model_fields["vote_budget"],
    "phase": p.AnyPhaseId,
    "phases": p.BoardUpdate.model_fields["phases"],
    "action": p.TimerSet.model_fields["action"],
    "seconds": p.TimerSet.model_fields["seconds"],
    "month": p.YearMonth,
    "choice_id": p.ChoiceId,
    "choice_label": p.ChoiceLabel,
    "choice": p.ChoiceModel,
    "choices1": p.Choices,
    "choices": p.BoardUpdate.model_fields["target_groups"],
    "scale": p.TimelineModel.model_fields["scale"],
    "timeline": p.TimelineModel,
    "fiche": p.FicheValues,
    "link": p.LinkModel,
    "links": p.ActionCreate.model_fields["links"],
    "edge": p.ActionResize.model_fields["edge"],
    "level": p.CapabilitySet.model_fields["level"],
    "milestone_label": p.MilestoneAdd.model_fields["label"],
    "list_name": p.ListAdd.model_fields["list"],
}
# Fields the server sets and a client never sends (`server_field`).
SERVER_FIELDS = {"timer.set": {"at"}}


def _type_of(value: Any) -> Any:
    if isinstance(value, FieldInfo):
        return Annotated[(value.annotation, *value.metadata)] if value.metadata else value.annotation
    return value


def _inline(schema: Any, defs: dict[str, Any]) -> Any:
    """The schema with its `$ref`s replaced by what they name, without titles and defaults."""
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(defs[schema["$ref"].split("/")[-1]], defs)
        return {k: _inline(v, defs) for k, v in schema.items() if k not in ("$defs", "title", "default")}
    if isinstance(schema, list):
        return [_inline(v, defs) for v in schema]
    return schema


def _schema(value: Any) -> tuple[dict[str, Any], bool]:
    """The inlined JSON Schema of a type or field, without its `null` branch; and whether it had one."""
    raw = TypeAdapter(_type_of(value)).json_schema()
    schema = _inline(raw, raw.get("$defs", {}))
    branches = schema.get("anyOf")
    if branches and {"type": "null"} in branches:
        rest = [b for b in branches if b != {"type": "null"}]
        return (rest[0] if len(rest) == 1 else {**schema, "anyOf": rest}), True
    return schema, False


def _key(schema: dict[str, Any]) -> str:
    return json.dumps(schema, sort_keys=True)


NAMED = {_key(_schema(t)[0]): name for name, t in reversed(SPEC_TYPES.items())}


def spec_name(schema: dict[str, Any], where: str) -> str:
    name = NAMED.get(_key(schema))
    if name is None:
        raise SystemExit(f"{where}: a field of a shape no spec names ({schema}); name it in SPEC_TYPES")
    return name


def _model_fields(model: type[BaseModel], skip: set[str] = frozenset()) -> dict[str, str]:  # type: ignore[assignment]
    out: dict[str, str] = {}
    for name, info in model.model_fields.items():
        key = info.alias or name
        if name == "op" or key in skip:
            continue
        schema, nullable = _schema(info)
        spec = spec_name(schema, f"{model.__name__}.{key}")
        if info.is_required():
            spec += "~" if nullable else "!"
        else:
            assert nullable, f"{model.__name__}.{key}: an optional field may be null"
        out[key] = spec
    return out


def _describe(name: str, t: Any) -> dict[str, Any]:
    """What the browser needs to check a value of this spec (`core/protocol.js` `fits`)."""
    s, _ = _schema(t)
    if "enum" in s or all("enum" in b for b in s.get("anyOf", [{}])):  # a Literal, or a union of Literals
        values = [v for b in s.get("anyOf", [s]) for v in b["enum"]]
        return {"type": "enum", "values": list(dict.fromkeys(values))}
    kind = s.get("type")
    out: dict[str, Any] = {"type": kind}
    bounds: tuple[str, ...] = {
        "string": ("minLength", "maxLength"),
        "array": ("minItems", "maxItems"),
        "object": ("minProperties", "maxProperties"),
        "number": ("minimum", "maximum"),
        "integer": ("minimum", "maximum"),
    }.get(str(kind), ())
    for bound, key in zip(("min", "max"), bounds, strict=False):
        if key in s:
            out[bound] = s[key]
    if kind == "string" and "pattern" in s:
        out["pattern"] = s["pattern"]
    if kind == "array":
        out["items"] = spec_name(s["items"], name)
    if kind == "object" and "properties" in s:
        model = _type_of(t)
        model = next((a for a in get_args(model) if isinstance(a, type)), model)
        out = {"type": "model", "fields": _model_fields(model)}
    elif kind == "object":
        out["key_max"] = s["propertyNames"]["maxLength"]
    return out


def _ops() -> dict[str, dict[str, str]]:
    union = get_args(get_args(p.Op)[0])
    out: dict[str, dict[str, str]] = {}
    for model in union:
        (op,) = get_args(model.model_fields["op"].annotation)
        out[op] = _model_fields(model, SERVER_FIELDS.get(op, set()))
    return out


JSON_TYPES = {
    "integer": "number",
    "number": "number",
    "string": "string",
    "array": "array",
    "boolean": "boolean",
}


def _server_shapes() -> dict[str, dict[str, str]]:
    """The fields each server message always has, with their JSON type (`parseServerMessage`)."""
    out: dict[str, dict[str, str]] = {}
    for model in get_args(get_args(p.ServerMessage)[0]):
        (kind,) = get_args(model.model_fields["type"].annotation)
        shape: dict[str, str] = {}
        for name, info in model.model_fields.items():
            if name != "type" and info.is_required():
                schema, _ = _schema(info)
                shape[name] = JSON_TYPES.get(schema.get("type", "object"), "object")
        out[kind] = shape
    return out


def _literal(t: Any) -> list[Any]:
    return list(_schema(t)[0]["enum"])


def _camel(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(w.title() for w in rest)


def _fiche_defaults() -> dict[str, Any]:
    out: dict[str, Any] = {}
    for f in fields(fiche.Fiche):
        value = f.default if f.default is not MISSING else ""  # the title, required, starts empty
        out[f.name] = list(value) if isinstance(value, tuple) else value
    return out


def _board_defaults() -> dict[str, Any]:
    return board.settings_to_dict(board.Settings(title=""))


def _action_defaults() -> dict[str, Any]:
    return action_settings.settings_to_dict(action_settings.default_settings(""))


def _js(value: Any) -> str:
    """JSON, except that `pattern` strings become regular expressions."""
    if isinstance(value, dict):
        items = []
        for k, v in value.items():
            key = k if k.isidentifier() else json.dumps(k)
            items.append(f"{key}: {_regex(v) if k == 'pattern' else _js(v)}")
        return "{ " + ", ".join(items) + " }" if items else "{}"
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_js(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def _regex(pattern: str) -> str:
    return "/" + pattern.replace("/", "\\/") + "/"


STRINGS = "readonly string[]"
TRIPLE = "readonly [string, number, number]"  # (translation key prefix, fewest, most)


def constants() -> list[tuple[str, str, Any]]:
    """(name, JSDoc type or "const", value) of every export, in order."""
    limits = board.Limits()
    specs = {name: _describe(name, t) for name, t in SPEC_TYPES.items()}
    codes = wire_codes.sent_codes()
    return [
        ("PROTOCOL_VERSION", "number", p.PROTOCOL_VERSION),
        ("KINDS", "const", list(board.ITEM_KINDS)),
        ("SEVERITIES", "const", list(board.SEVERITIES)),
        ("DAYS", "const", list(board.DAYS)),
        ("SLOTS", "const", list(board.SLOTS)),
        ("PHASES", "const", list(board.PHASES)),
        ("ACTION_PHASES", "const", list(action_settings.ACTION_PHASES)),
        ("TIMER_ACTIONS", "const", _literal(SPEC_TYPES["action"])),
        ("DEVICES", "const", _literal(p.Device)),
        ("FACILITATING", "const", sorted(FACILITATING, key=len)),  # facilitator first
        ("MAX_TEXT", "number", limits.max_text),
        ("MAX_TITLE", "number", specs["title"]["max"]),
        ("MAX_OPS", "number", p.MAX_OPS_PER_MESSAGE),
        ("MAX_VOTE_BUDGET", "number", limits.max_vote_budget),
        # The server's default (`FRESQUE_MAX_FRAME_BYTES`): uvicorn closes the socket (1009) past it.
        ("MAX_FRAME_BYTES", "number", Settings.model_fields["max_frame_bytes"].default),
        ("BOARD_LIMITS", "const", {_camel(f.name): f.default for f in fields(board.Limits)}),
        ("MAX_TIMER_MS", "number", timer.MAX_TIMER_MS),
        ("ID_PATTERN", "RegExp", ("re", _schema(p.Id)[0]["pattern"])),
        ("OP_ID_PATTERN", "RegExp", ("re", _schema(p.OpId)[0]["pattern"])),
        ("REF_PATTERN", "RegExp", ("re", _schema(p.Ref)[0]["pattern"])),
        ("MONTH_PATTERN", "RegExp", ("re", _schema(p.YearMonth)[0]["pattern"])),
        ("CHOICE_ID_PATTERN", "RegExp", ("re", _schema(p.ChoiceId)[0]["pattern"])),
        ("THREAD_PAIRS", "const", sorted(f"{a}>{b}" for a, b in board.THREAD_PAIRS)),
        ("SPECS", "Record<string, Spec>", specs),
        ("OP_FIELDS", "Record<string, Record<string, string>>", _ops()),
        ("ACTION_OPS", "const", sorted(p.ACTION_OPS)),
        ("SERVER_SHAPES", "Record<string, Record<string, string>>", _server_shapes()),
        # -- the exploration board's items and settings (core/board.py)
        ("ITEM_FIELDS", "const", [f.name for f in fields(board.Item)]),  # item_to_dict's key order
        ("EDITABLE", f"Readonly<Record<string, {STRINGS}>>", {k: sorted(v) for k, v in EDITABLE.items()}),
        ("DEFAULT_SETTINGS", "Readonly<Record<string, any>>", _board_defaults()),
        # -- what the socket answers when it refuses (wire_codes.py reads them where they are raised)
        ("REJECT_CODES", "const", sorted(codes["reject"])),
        ("ERROR_CODES", "const", sorted(codes["error"])),
        ("CLOSE_CODES", "const", wire_codes.close_codes()),
        # -- the action fresco (core/timeline.py, choices.py, fiche.py, action_settings.py, actions.py)
        ("DEFAULT_ACTION_SETTINGS", "Readonly<Record<string, any>>", _action_defaults()),
        ("ACTION_SCALES", "const", list(timeline.SCALES)),
        ("SCALE_MONTHS", "Readonly<Record<string, number>>", dict(timeline.SCALE_MONTHS)),
        ("MIN_YEAR", "number", timeline.MIN_YEAR),
        ("MAX_YEAR", "number", timeline.MAX_YEAR),
        ("MAX_TIMELINE_MONTHS", "number", timeline.MAX_TIMELINE_MONTHS),
        ("ACTION_LISTS", "const", _literal(SPEC_TYPES["list_name"])),
        ("LIST_BOUNDS", f"Readonly<Record<string, {TRIPLE}>>", dict(choices.LIST_BOUNDS)),
        ("MAX_CHOICE_LABEL", "number", choices.MAX_CHOICE_LABEL),
        ("LEVELS", "const", list(choices.LEVELS)),
        ("ACTION_LIMITS", "const", {_camel(f.name): f.default for f in fields(ActionLimits)}),
        ("FICHE_DEFAULTS", "const", _fiche_defaults()),
        ("STATUSES", "const", list(fiche.STATUSES)),
        ("PRIORITIES", "const", list(fiche.PRIORITIES)),
        ("FUNDING_STATES", "const", list(fiche.FUNDING_STATES)),
        ("INDICATOR_KINDS", "const", list(fiche.INDICATOR_KINDS)),
        ("MAX_AMOUNT", "number", fiche.MAX_AMOUNT),
        ("TEXT_LIMITS", "Readonly<Record<string, number>>", dict(fiche.TEXT_LIMITS)),
        ("LIST_LIMITS", "Readonly<Record<string, readonly [number, number]>>", dict(fiche.LIST_LIMITS)),
        ("INDICATOR_TEXT_LIMITS", "Readonly<Record<string, number>>", dict(fiche.INDICATOR_TEXT_LIMITS)),
    ]


def constants_by_name() -> dict[str, Any]:
    return {name: value for name, _, value in constants()}


HEADER = """\
// @ts-check
// GENERATED by `cd backend && python -m fresque.wire_gen > ../frontend/static/js/core/wire.gen.js` from
// backend/fresque/protocol.py, roles.py, rooms/connection.py, core/{board,timer,timeline,choices,fiche,
// actions}.py and the codes raised across the package (wire_codes.py). Do not edit: change the Python, then
// regenerate (tests/test_wire_gen.py fails when this file and the Python differ).
// Data only: the behaviour that uses it is core/protocol.js's and actions/*.js's.

/**
 * How a field of a spec is checked (`protocol.js` `fits`): an enum's values; a string's length in code points
 * and pattern; a number's or an integer's range; a list's length and item spec; a model's fields (`!`
 * required, `~` required but may be null, else optional and may be null); an object's size and key length.
 * @typedef {{type: string, values?: readonly any[], min?: number, max?: number, pattern?: RegExp,
 *            items?: string, fields?: Record<string, string>, key_max?: number}} Spec
 */
"""


def _wrapped(values: list[Any], width: int = 110) -> str:
    """A long list a few items a line (readable diffs)."""
    lines: list[str] = []
    for item in (_js(v) for v in values):
        if lines and len(lines[-1]) + len(item) + 2 <= width:
            lines[-1] += f" {item},"
        else:
            lines.append(f"  {item},")
    return "[\n" + "\n".join(lines) + "\n]"


def _top(value: Any, const: bool) -> str:
    """A top-level value: an object one key a line, a long list a few items a line (readable diffs)."""
    if isinstance(value, list) and len(_js(value)) > 80:
        return f"/** @type {{const}} */ ({_wrapped(value)})" if const else _wrapped(value)
    if not isinstance(value, dict):
        return f"/** @type {{const}} */ ({_js(value)})" if const else _js(value)
    lines = "".join(f"  {k if k.isidentifier() else json.dumps(k)}: {_js(v)},\n" for k, v in value.items())
    body = "{\n" + lines + "}"
    return f"Object.freeze(/** @type {{const}} */ ({body}))" if const else f"Object.freeze({body})"


def render() -> str:
    out = [HEADER]
    for name, jstype, value in constants():
        if isinstance(value, tuple) and value[:1] == ("re",):
            out.append(f"export const {name} = {_regex(value[1])};")
        elif jstype == "const":
            out.append(f"export const {name} = {_top(value, True)};")
        elif jstype == "number":
            out.append(f"export const {name} = {_js(value)};")
        else:
            out.append(f"/** @type {{{jstype}}} */\nexport const {name} = {_top(value, False)};")
    return "\n".join(out) + "\n"


if __name__ == "__main__":  # pragma: no cover - `python -m fresque.wire_gen > …/core/wire.gen.js`
    sys.stdout.write(render())
