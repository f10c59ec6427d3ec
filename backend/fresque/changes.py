"""From validated wire operations to board rule calls: the one place where an op meets a `Board`.

Used alike by the live room, by the replay of the op log when a board is opened, and by the tests, so that
replaying the log can only ever rebuild what the room built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .core.board import Board, Cell, Item, Thread
from .core.errors import RuleError
from .protocol import (
    BoardUpdate,
    CellModel,
    ItemCreate,
    ItemDelete,
    ItemUpdate,
    ThreadCreate,
    ThreadDelete,
    VoteAdd,
    VoteRemove,
)

# Ops that only a facilitator may send. The full role matrix grows here (see docs/protocol.md, "Access").
FACILITATOR_OPS = frozenset({"board.update"})


def _cell(model: CellModel | None) -> Cell | None:
    return None if model is None else Cell(day=model.day, slot=model.slot)


def apply_op(board: Board, op: Any, author: str) -> None:
    match op:
        case ItemCreate():
            board.create_item(
                Item(
                    id=op.id,
                    kind=op.kind,
                    author=author,
                    x=op.x,
                    y=op.y,
                    w=op.w,
                    h=op.h,
                    ref=op.ref,
                    cell=_cell(op.cell),
                    text=op.text,
                    severity=op.severity,
                )
            )
        case ItemUpdate():
            changes: dict[str, Any] = {name: getattr(op.set, name) for name in op.set.model_fields_set}
            if "cell" in changes:
                changes["cell"] = _cell(op.set.cell)
            board.update_item(op.id, changes)
        case ItemDelete():
            board.delete_item(op.id)
        case ThreadCreate():
            board.create_thread(Thread(id=op.id, source=op.source, target=op.target, author=author))
        case ThreadDelete():
            board.delete_thread(op.id)
        case VoteAdd():
            board.add_vote(author, op.item)
        case VoteRemove():
            board.remove_vote(author, op.item)
        case BoardUpdate():
            board.update_settings(title=op.title, vote_budget=op.vote_budget)
        case _:  # pragma: no cover - the protocol's union is closed
            raise RuleError("unknown_op", f"no rule for {type(op).__name__}")


def check_allowed(ops: Sequence[Any], role: str) -> None:
    for op in ops:
        if op.op in FACILITATOR_OPS and role != "facilitator":
            raise RuleError("forbidden", f"only a facilitator may send {op.op}")


def apply_batch(board: Board, ops: Sequence[Any], author: str, role: str) -> None:
    """Apply a client's ops all or none; raises RuleError (with the board unchanged) on the first refusal."""
    check_allowed(ops, role)
    with board.transaction():
        for op in ops:
            apply_op(board, op, author)
