"""From validated wire operations to board rule calls: the one place where an op meets a `Board`.

Used alike by the live room, by the replay of the op log when a board is opened, and by the tests, so that
replaying the log can only ever rebuild what the room built.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from . import access
from .core.board import UNSET, Board, Cell, Item, Thread
from .core.errors import RuleError
from .core.visibility import Viewer
from .protocol import (
    BoardUpdate,
    CellModel,
    ItemCreate,
    ItemDelete,
    ItemHide,
    ItemMerge,
    ItemUpdate,
    ThreadCreate,
    ThreadDelete,
    TimerSet,
    VoteAdd,
    VoteRemove,
)


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
            sent = op.model_fields_set
            board.update_settings(
                title=op.title,
                vote_budget=op.vote_budget,
                phases=tuple(op.phases) if op.phases is not None else None,
                phase=op.phase if "phase" in sent else UNSET,
                locked=op.locked,
                votes_hidden=op.votes_hidden,
                private=op.private,
                spotlight=op.spotlight if "spotlight" in sent else UNSET,
                follow=(author if op.follow else None) if op.follow is not None else UNSET,
            )
        case TimerSet():
            if op.at is None:  # pragma: no cover - the room stamps every timer op before applying it
                raise RuleError("server_field", "a timer op needs the server's time")
            board.set_timer(op.action, op.seconds, op.at)
        case ItemHide():
            board.hide_item(op.id, op.hidden)
        case ItemMerge():
            board.merge_items(op.keep, op.drop)
        case _:  # pragma: no cover - the protocol's union is closed
            raise RuleError("unknown_op", f"no rule for {type(op).__name__}")


def stamp(ops: Sequence[Any], now_ms: int) -> list[Any]:
    """The ops as stored: timer ops get the server's time. A client never sends `at` (`server_field`)."""
    out = []
    for op in ops:
        if isinstance(op, TimerSet):
            if op.at is not None:
                raise RuleError("server_field", "`at` is the server's to set")
            op = op.model_copy(update={"at": now_ms})
            op.model_fields_set.add("at")
        out.append(op)
    return out


# Changes after which each non-facilitating socket is sent its whole view again (things appear or vanish).
def reveals(ops: Sequence[Any]) -> bool:
    return any(
        isinstance(op, ItemHide | ItemMerge)
        or (isinstance(op, BoardUpdate) and (op.votes_hidden is not None or op.private is not None))
        for op in ops
    )


def apply_batch(
    board: Board, ops: Sequence[Any], author: str, role: str, viewer: Viewer | None = None
) -> None:
    """Apply a client's ops all or none; raises RuleError (with the board unchanged) on the first refusal.

    Each op is checked (`fresque.access`) against the board as the ops before it left it."""
    seen = viewer or Viewer(people=frozenset({author}))
    with board.transaction():
        for op in ops:
            access.check(board, op, role=role, actor=author, viewer=seen)
            apply_op(board, op, author)
