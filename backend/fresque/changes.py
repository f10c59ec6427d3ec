"""From validated wire operations to board rule calls: the one place where an op meets a board.

Used alike by the live room, by the replay of the op log when a board is opened, and by the tests, so that
replaying the log can only ever rebuild what the room built. Each kind of board takes its own ops; an op of
the other kind is refused (`wrong_board`), as is a setting the board does not have (`field_not_allowed`).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from . import access
from .boards import AnyBoard
from .core.actions import ActionBoard
from .core.board import Board, Cell, Item, Thread
from .core.choices import Choice
from .core.errors import RuleError
from .core.facilitation import UNSET
from .core.timeline import Month, format_month
from .core.visibility import Viewer
from .protocol import (
    ACTION_OPS,
    ActionCreate,
    ActionDelete,
    ActionLink,
    ActionMove,
    ActionQuestion,
    ActionResize,
    ActionUnlink,
    ActionUpdate,
    BoardUpdate,
    CapabilitySet,
    CellModel,
    ChoiceModel,
    ItemCreate,
    ItemDelete,
    ItemHide,
    ItemMerge,
    ItemUpdate,
    ListAdd,
    MilestoneAdd,
    MilestoneRemove,
    ThreadCreate,
    ThreadDelete,
    TimerSet,
    VoteAdd,
    VoteRemove,
)

# Settings only an action fresco has, and the one only an exploration board has.
_ACTION_SETTINGS = frozenset({"timeline", "lanes", "axes", "series", "target_groups", "organisations"})
_EXPLORATION_SETTINGS = frozenset({"private"})
# An action fresco's shape (`ActionBoard.update_settings`); the rest of `board.update` is its facilitation.
_SHAPE_SETTINGS = _ACTION_SETTINGS | {"title"}


@dataclass(frozen=True)
class KnownSolutions:
    """What a sender may link an action to: for each exploration board of the workshop they name, the live
    solutions they can see there (looked up by the room before the batch; `None` for a board that is not an
    exploration board of this workshop)."""

    boards: Mapping[str, frozenset[str] | None]
    # The ids of the questions de travail of the workshop's study (issue 13; None: not looked up, so
    # nothing may name one)
    questions: frozenset[str] | None = None

    def check_question(self, question: str | None) -> None:
        if question is not None and question not in (self.questions or ()):
            raise RuleError("unknown_question", f"{question} is not a question de travail of this study")

    def check(self, board: str, item: str) -> None:
        solutions = self.boards.get(board)
        if solutions is None:
            raise RuleError("link_board_unknown", f"{board} is not an exploration board of this workshop")
        if item not in solutions:
            raise RuleError("link_item_unknown", f"no solution {item} on board {board}")


def names_question(ops: Sequence[Any]) -> bool:
    """Whether the ops name a question de travail (what the room must look up first)."""
    return any(
        isinstance(op, ActionQuestion) or (isinstance(op, ActionCreate) and op.question is not None)
        for op in ops
    )


def linked_boards(ops: Sequence[Any]) -> set[str]:
    """The exploration boards the ops link to (what the room must look up first)."""
    boards = {op.board for op in ops if isinstance(op, ActionLink)}
    for op in ops:
        if isinstance(op, ActionCreate):
            boards.update(link.board for link in op.links or ())
    return boards


def _cell(model: CellModel | None) -> Cell | None:
    return None if model is None else Cell(day=model.day, slot=model.slot)


def _choices(models: list[ChoiceModel] | None) -> tuple[Choice, ...] | None:
    return None if models is None else tuple(Choice(m.id, m.label) for m in models)


def apply_op(board: AnyBoard, op: Any, author: str, links: KnownSolutions | None = None) -> Any:
    """Apply one op and return it as the board kept it: the same op, or (an action's dates snapped to the
    timeline's scale by the rules) a copy with the dates the board holds, which is what the room stores,
    acknowledges and broadcasts. `links`: what new links may name; None when replaying the log."""
    if isinstance(op, TimerSet):
        if op.at is None:  # pragma: no cover - the room stamps every timer op before applying it
            raise RuleError("server_field", "a timer op needs the server's time")
        board.set_timer(op.action, op.seconds, op.at)
        return op
    if isinstance(board, ActionBoard):
        return _apply_action_op(board, op, author, links)
    _apply_exploration_op(board, op, author)
    return op


def _as_kept(op: Any, **dates: Month) -> Any:
    """The op with the dates the rules kept (`core.timeline.snap` / `snap_end`: the one place of the rule);
    the op itself when they are the ones it sent, so that an unchanged op is known by identity."""
    wire = {name: format_month(month) for name, month in dates.items()}
    if all(getattr(op, name) == value for name, value in wire.items()):
        return op
    return op.model_copy(update=wire)


def _settings_sent(op: BoardUpdate, foreign: frozenset[str]) -> set[str]:
    sent = set(op.model_fields_set)
    if sent & foreign:
        raise RuleError("field_not_allowed", f"this board has no {', '.join(sorted(sent & foreign))}")
    return sent


def _apply_exploration_op(board: Board, op: Any, author: str) -> None:
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
            sent = _settings_sent(op, _ACTION_SETTINGS)
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
        case ItemHide():
            board.hide_item(op.id, op.hidden)
        case ItemMerge():
            board.merge_items(op.keep, op.drop)
        case _ if op.op in ACTION_OPS:
            raise RuleError("wrong_board", f"{op.op} is an op of the action fresco, not of this board")
        case _:  # pragma: no cover - the protocol's union is closed
            raise RuleError("unknown_op", f"no rule for {type(op).__name__}")


def _apply_action_op(board: ActionBoard, op: Any, author: str, links: KnownSolutions | None) -> Any:
    match op:
        case ActionCreate():
            made = board.create_action(
                op.id, author=author, lane=op.lane, start=op.start, end=op.end, fiche=op.fiche
            )
            for link in op.links or ():
                if links is not None:
                    links.check(link.board, link.item)
                board.add_link(op.id, link.board, link.item)
            if op.question is not None:
                if links is not None:
                    links.check_question(op.question)
                board.set_question(op.id, op.question)
            return _as_kept(op, start=made.start, end=made.end)
        case ActionUpdate():
            board.update_fiche(op.id, op.set)
        case ActionMove():
            moved = board.move_action(op.id, lane=op.lane, start=op.start)
            return op if op.start is None else _as_kept(op, start=moved.start)
        case ActionResize():
            resized = board.resize_action(op.id, op.edge, op.month)
            return _as_kept(op, month=resized.start if op.edge == "start" else resized.end)
        case ActionDelete():
            board.delete_action(op.id)
        case CapabilitySet():
            board.set_capability(op.id, op.series, op.axis, op.level)
        case MilestoneAdd():
            board.add_milestone(op.id, op.milestone, op.month, op.label)
        case MilestoneRemove():
            board.remove_milestone(op.id, op.milestone)
        case ActionLink():
            board.live(op.id)  # a missing action is named before a missing solution
            if links is not None:
                links.check(op.board, op.item)
            board.add_link(op.id, op.board, op.item)
        case ActionUnlink():
            board.remove_link(op.id, op.board, op.item)
        case ActionQuestion():
            board.live(op.id)
            if links is not None:
                links.check_question(op.question)
            board.set_question(op.id, op.question)
        case ListAdd():
            board.add_choice(op.list, op.id, op.label)
        case VoteAdd():
            board.add_vote(author, op.item)
        case VoteRemove():
            board.remove_vote(author, op.item)
        case BoardUpdate():
            sent = _settings_sent(op, _EXPLORATION_SETTINGS)
            timeline = op.timeline
            # Only what was sent: the board's shape (re-checked against every card) and its facilitation
            # change apart, so that a phase, a lock or a reveal never re-checks the whole plan.
            if sent & _SHAPE_SETTINGS:
                board.update_settings(
                    title=op.title,
                    start=None if timeline is None else timeline.start,
                    end=None if timeline is None else timeline.end,
                    scale=None if timeline is None else timeline.scale,
                    lanes=_choices(op.lanes),
                    axes=_choices(op.axes),
                    series=_choices(op.series),
                    target_groups=_choices(op.target_groups),
                    organisations=_choices(op.organisations),
                )
            if sent - _SHAPE_SETTINGS - {"op"}:
                board.update_facilitation(
                    vote_budget=op.vote_budget,
                    phases=op.phases,
                    phase=op.phase if "phase" in sent else UNSET,
                    locked=op.locked,
                    votes_hidden=op.votes_hidden,
                    spotlight=op.spotlight if "spotlight" in sent else UNSET,
                    follow=(author if op.follow else None) if op.follow is not None else UNSET,
                )
        case _:
            raise RuleError("wrong_board", f"{op.op} is an op of the exploration fresco, not of this board")
    return op


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
    board: AnyBoard,
    ops: Sequence[Any],
    author: str,
    role: str,
    viewer: Viewer | None = None,
    links: KnownSolutions | None = None,
) -> list[Any]:
    """Apply a client's ops all or none; raises RuleError (with the board unchanged) on the first refusal.
    Returns the ops as the board kept them (`apply_op`): what is stored and sent.

    Each op is checked (`fresque.access`) against the board as the ops before it left it. `links`: the
    solutions new links may name (`linked_boards` says which boards to look up); a batch that links without
    it is refused, since nothing was checked."""
    seen = viewer or Viewer(people=frozenset({author}))
    known = links or KnownSolutions(boards={})
    with board.transaction():
        kept = []
        for op in ops:
            access.check(board, op, role=role, actor=author, viewer=seen)
            kept.append(apply_op(board, op, author, known))
    return kept
