"""The two kinds of board and where each one's state comes from: a new board, or a stored snapshot.

An `exploration` board is the residents' fresco (`core.board.Board`); an `actions` board is the stakeholders'
chronological fresco (`core.actions.ActionBoard`). Everything that makes or loads a board's state goes through
here, so that a kind is never mistaken for the other.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, Literal

from .config import Settings
from .core.action_settings import default_settings
from .core.actions import ActionBoard, ActionLimits
from .core.board import Board, Limits
from .core.board import Settings as BoardSettings

BoardKind = Literal["exploration", "actions"]
KINDS: tuple[BoardKind, ...] = ("exploration", "actions")
AnyBoard = Board | ActionBoard
Refs = Mapping[str, frozenset[str]]


def limits_from(settings: Settings) -> Limits:
    return Limits(max_items=settings.max_items, max_text=settings.max_text)


def new_state(
    kind: str, title: str, refs: Refs, settings: Settings, *, today: datetime | None = None
) -> AnyBoard:
    """A new, empty board. An action fresco's timeline starts with this year and spans four (the usual
    length of a schéma d'inclusion numérique); the facilitator changes it from the board."""
    if kind == "actions":
        year = (today or datetime.now(UTC)).year
        board = ActionBoard(
            settings=default_settings(title, f"{year}-01", f"{year + 3}-12"), limits=ActionLimits()
        )
        board.update_settings(title=title)  # the same title rules as live
        return board
    state = Board(settings=BoardSettings(title=title), refs=refs, limits=limits_from(settings))
    state.update_settings(title=title)
    return state


def state_from_snapshot(kind: str, data: Mapping[str, Any], refs: Refs, settings: Settings) -> AnyBoard:
    """Rebuild a board of `kind` from its snapshot, replaying every rule (it may be an import)."""
    if kind == "actions":
        return ActionBoard.from_snapshot(data, ActionLimits())
    return Board.from_snapshot(data, refs, limits_from(settings))
