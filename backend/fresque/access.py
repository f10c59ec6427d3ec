"""Who may send which durable op, decided in one place from the session's role, the board's lock and phase.

`check` runs for every op of every message, inside the batch's transaction and before the op's own rules,
so that an op later in a batch sees what the earlier ones did (an item created then moved in one message).
The board page gets `PHASE_TOOLS` from the server (`tools_json`) rather than keeping its own copy.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .core.actions import ActionBoard
from .core.board import ITEM_KINDS, Board
from .core.errors import RuleError
from .core.visibility import Viewer, item_visible
from .roles import facilitates

# Ops that only facilitating roles send: the process itself and moderation.
FACILITATION_OPS = frozenset({"board.update", "timer.set", "item.hide", "item.merge"})


@dataclass(frozen=True)
class Tools:
    """What a participant may do in a phase: make and change items of these kinds, threads, votes."""

    kinds: frozenset[str]
    threads: bool
    votes: bool


FREE = Tools(kinds=frozenset(ITEM_KINDS), threads=True, votes=True)  # no phase chosen: a free board
PHASE_TOOLS: Mapping[str, Tools] = {
    "welcome": Tools(kinds=frozenset(), threads=False, votes=False),
    "week": Tools(kinds=frozenset({"activity", "note"}), threads=False, votes=False),
    "threads": Tools(
        kinds=frozenset({"activity", "difficulty", "touchpoint", "note"}), threads=True, votes=False
    ),
    "solutions": Tools(
        kinds=frozenset({"difficulty", "touchpoint", "solution", "note"}), threads=True, votes=False
    ),
    "vote": Tools(kinds=frozenset(), threads=False, votes=True),
    "restitution": Tools(kinds=frozenset(), threads=False, votes=False),
}


def tools(phase: str | None) -> Tools:
    return FREE if phase is None else PHASE_TOOLS[phase]


@dataclass(frozen=True)
class ActionTools:
    """What a stakeholder may do in a phase of the action fresco: place cards (create, move, resize,
    delete), write fiches (fiche fields, capabilities, milestones, links, new list entries), vote."""

    cards: bool
    fiches: bool
    votes: bool


# Stakeholders co-write the plan: anyone may change any card (no `not_yours` on this board).
CARD_OPS = frozenset({"action.create", "action.move", "action.resize", "action.delete"})
FICHE_OPS = frozenset(
    {
        "action.update",
        "capability.set",
        "milestone.add",
        "milestone.remove",
        "action.link",
        "action.unlink",
        "action.question",
        "list.add",
    }
)
ACTION_FREE = ActionTools(cards=True, fiches=True, votes=True)
ACTION_PHASE_TOOLS: Mapping[str, ActionTools] = {
    "welcome": ActionTools(cards=False, fiches=False, votes=False),
    "place": ActionTools(cards=True, fiches=True, votes=False),
    "fiches": ActionTools(cards=False, fiches=True, votes=False),
    "vote": ActionTools(cards=False, fiches=False, votes=True),
    "restitution": ActionTools(cards=False, fiches=False, votes=False),
}


def tools_json(kind: str = "exploration") -> dict[str, Any]:
    """The table for the board page's bootstrap (sorted, so that pages and tests read it the same way)."""
    if kind == "actions":
        return {
            phase: {"cards": t.cards, "fiches": t.fiches, "votes": t.votes}
            for phase, t in ACTION_PHASE_TOOLS.items()
        }
    return {
        phase: {"kinds": sorted(t.kinds), "threads": t.threads, "votes": t.votes}
        for phase, t in PHASE_TOOLS.items()
    }


def check(board: Board | ActionBoard, op: Any, *, role: str, actor: str, viewer: Viewer) -> None:
    """Raise RuleError when `actor` (acting with `role`) may not send `op` now; `viewer` is what they see."""
    name = op.op
    if facilitates(role):
        return
    if role != "participant" or name in FACILITATION_OPS:
        raise RuleError("forbidden", f"a {role} may not send {name}")
    if board.settings.locked:
        raise RuleError("board_locked", "the facilitator paused the board")
    if isinstance(board, ActionBoard):
        _check_action_tools(board.settings.phase, name)
        return
    allowed = tools(board.settings.phase)
    phase = board.settings.phase
    if name == "item.create":
        if op.kind not in allowed.kinds:
            raise RuleError("phase_closed", f"no {op.kind} can be added in the phase {phase!r}")
    elif name in ("item.update", "item.delete"):
        item = _seen_item(board, op.id, viewer)
        if item is None:
            return  # missing or deleted: the board's own rule names it
        if item.kind not in allowed.kinds:
            raise RuleError("phase_closed", f"a {item.kind} cannot be changed in the phase {phase!r}")
        if item.author != actor:
            raise RuleError("not_yours", "only the person who made an item may change or delete it")
    elif name in ("thread.create", "thread.delete"):
        if not allowed.threads:
            raise RuleError("phase_closed", f"threads cannot be changed in the phase {phase!r}")
        if name == "thread.create":
            _seen_item(board, op.source, viewer)
            _seen_item(board, op.target, viewer)
        else:
            thread = board.threads.get(op.id)
            if thread is not None and actor not in (
                thread.author,
                _author(board, thread.source),
                _author(board, thread.target),
            ):
                raise RuleError("not_yours", "only who made a thread, or one of its two items, may cut it")
    elif name in ("vote.add", "vote.remove"):
        if not allowed.votes:
            raise RuleError("phase_closed", f"votes are closed in the phase {phase!r}")
        _seen_item(board, op.item, viewer)


def _check_action_tools(phase: str | None, name: str) -> None:
    allowed = ACTION_FREE if phase is None else ACTION_PHASE_TOOLS[phase]
    if name in CARD_OPS and not allowed.cards:
        raise RuleError("phase_closed", f"cards cannot be placed or moved in the phase {phase!r}")
    if name in FICHE_OPS and not allowed.fiches:
        raise RuleError("phase_closed", f"fiches cannot be changed in the phase {phase!r}")
    if name in ("vote.add", "vote.remove") and not allowed.votes:
        raise RuleError("phase_closed", f"votes are closed in the phase {phase!r}")


def _seen_item(board: Board, item_id: str, viewer: Viewer) -> Any:
    """The item if the sender can see it; one they cannot see answers like a missing one (it is, to them)."""
    item = board.items.get(item_id)
    if item is not None and not item_visible(board, item, viewer):
        raise RuleError("item_missing", f"no item {item_id} on this board")
    return item


def _author(board: Board, item_id: str) -> str | None:
    item = board.items.get(item_id)
    return None if item is None else item.author
