"""The codes a board's socket can send, read from where the server raises them (for `fresque.wire_gen`).

A code is written once, where it is raised: `RuleError("board_full", …)` in a rule, `error_frame(
"rate_limited", …)` in the socket's loop. Listing them again by hand would be a second definition that
drifts, so this module reads the package's source (`ast`) and collects:

- the `reject` codes (`{"type": "reject"}`, a change refused): every `RuleError(...)` of the package (the
  board rules, `access.py`, `changes.py`) and the room's own `_reject(op_id, code, …)`;
- the `error` codes (`{"type": "error"}`, a frame refused): `ProtocolError(...)` and what
  `protocol._describe` returns, `error_frame(...)`, and `{"type": "error", "code": …}` literals;
- the close codes: the `CLOSE_*` integers of `rooms/connection.py`.

A code built at run time (an f-string) is expanded over the names it is built from (`TEMPLATES`); a code
passed on from a caught error is listed in `PASSED_ON`. Anything else stops the generator, so that a new way
of making a code is named here before it can ship unseen by the browser.
"""

from __future__ import annotations

import ast
import functools
from collections.abc import Iterator
from dataclasses import fields
from pathlib import Path

from .core import choices, fiche
from .rooms import connection

PACKAGE = Path(__file__).resolve().parent

# f-string codes → the names their placeholder takes.
TEMPLATES: dict[str, tuple[str, ...]] = {
    "invalid_{name}": tuple(choices.LIST_BOUNDS),  # core/choices.py check_choices: a settings list
    "invalid_{list_name}": tuple(choices.LIST_BOUNDS),  # core/actions.py add_choice
    "fiche_invalid_{name}": tuple(f.name for f in fields(fiche.Fiche)),  # core/fiche.py fiche_error
}
# (module, expression) of a code that is not made there but passed on from an error collected elsewhere.
PASSED_ON = {
    ("protocol.py", "code"),  # parse_client_message: what _describe returned (collected below)
    ("api/ws.py", "exc.code"),  # a ProtocolError's code, sent as an error frame
    ("rooms/room.py", "refusal.code"),  # a RuleError's code, sent as a reject
    ("api/ws.py", "code"),  # error_frame's own body: its callers' codes are collected
    ("rooms/room.py", "code"),  # _reject's own body: its callers' codes are collected
}
# Functions whose `return "code", message` tuples make codes: (module, function) → kind of code.
RETURNING = {("protocol.py", "_describe"): "error"}

# Callable name → (kind of code, position of the code among its arguments).
CALLS = {
    "RuleError": ("reject", 0),
    "_reject": ("reject", 1),
    "ProtocolError": ("error", 0),
    "error_frame": ("error", 0),
}


def _template(node: ast.JoinedStr) -> str:
    parts = []
    for value in node.values:
        if isinstance(value, ast.Constant):
            parts.append(str(value.value))
        elif isinstance(value, ast.FormattedValue):
            parts.append("{" + ast.unparse(value.value) + "}")
    return "".join(parts)


def _codes_of(node: ast.expr, where: str, local: dict[str, ast.expr]) -> Iterator[str]:
    """The codes an argument can be: a literal, an f-string over a known list, or a local holding one."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        template = _template(node)
        if template not in TEMPLATES:
            raise SystemExit(f"{where}: a code built as {template!r}: list its names in wire_codes.TEMPLATES")
        head, _, tail = template.partition("{")
        rest = tail.partition("}")[2]
        yield from (f"{head}{name}{rest}" for name in TEMPLATES[template])
    elif isinstance(node, ast.Name) and node.id in local:
        yield from _codes_of(local[node.id], where, {})
    elif (where.split(":")[0], ast.unparse(node)) not in PASSED_ON:
        made = ast.unparse(node)
        raise SystemExit(f"{where}: a code made as {made!r}: make it a literal, or list it in PASSED_ON")


class _Scanner(ast.NodeVisitor):
    """Collects the codes of one module; knows the function it is in (its name and simple local assignments,
    e.g. `code = f"invalid_{name}"`)."""

    def __init__(self, module: str, out: dict[str, dict[str, set[str]]]) -> None:
        self.module = module
        self.out = out
        self.function = ""
        self.local: dict[str, ast.expr] = {}

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        outer = (self.function, self.local)
        self.function = node.name
        self.local = {
            t.id: n.value
            for n in ast.walk(node)
            if isinstance(n, ast.Assign)
            for t in n.targets
            if isinstance(t, ast.Name)
        }
        self.generic_visit(node)
        self.function, self.local = outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def _add(self, kind: str, node: ast.expr, line: int) -> None:
        for code in _codes_of(node, f"{self.module}:{line}", self.local):
            self.out[kind].setdefault(code, set()).add(self.module)

    def visit_Call(self, node: ast.Call) -> None:
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name in CALLS:
            kind, at = CALLS[str(name)]
            if len(node.args) > at:
                self._add(kind, node.args[at], node.lineno)
        self.generic_visit(node)

    def visit_Dict(self, node: ast.Dict) -> None:
        keys = [k.value if isinstance(k, ast.Constant) else None for k in node.keys]
        pairs = dict(zip(keys, node.values, strict=True))
        kind = pairs.get("type")
        if isinstance(kind, ast.Constant) and kind.value in ("reject", "error") and "code" in pairs:
            self._add(str(kind.value), pairs["code"], node.lineno)
        self.generic_visit(node)

    def visit_Return(self, node: ast.Return) -> None:
        kind = RETURNING.get((self.module, self.function))
        if kind and isinstance(node.value, ast.Tuple) and node.value.elts:
            self._add(kind, node.value.elts[0], node.lineno)
        self.generic_visit(node)


@functools.cache
def _parsed(path: Path, mtime_ns: int) -> ast.Module:
    """A source file's tree, parsed once per version (the tests render the module many times)."""
    return ast.parse(path.read_text(encoding="utf-8"), str(path))


def sent_codes() -> dict[str, dict[str, set[str]]]:
    """{"reject": {code: modules raising it}, "error": {…}}, read from the package's source."""
    out: dict[str, dict[str, set[str]]] = {"reject": {}, "error": {}}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = path.relative_to(PACKAGE).as_posix()
        _Scanner(module, out).visit(_parsed(path, path.stat().st_mtime_ns))
    return out


def close_codes() -> dict[str, int]:
    """The socket's close codes by name (`rooms/connection.py` CLOSE_*), e.g. {"removed": 4401}."""
    return {
        name.removeprefix("CLOSE_").lower(): value
        for name, value in sorted(vars(connection).items())
        if name.startswith("CLOSE_") and isinstance(value, int) and not isinstance(value, bool)
    }
