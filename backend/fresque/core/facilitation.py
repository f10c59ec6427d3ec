"""The facilitator's controls, the same on both kinds of board: the workshop's phases, the lock, the shared
timer, votes shown or hidden, the vote budget, the spotlight and the view others follow.

`Board` (exploration) and `ActionBoard` (action fresco) differ only in which phases they know (`PhaseRules`)
and in what a spotlight may name (each board checks its own cards); everything else is decided here, once.
The exploration board's private round is its own (nothing on an action fresco is anyone's secret).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Protocol, TypedDict, Unpack

from .errors import RuleError
from .timer import Timer, next_timer, timer_to_dict
from .undo_log import UndoLog

UNSET: Any = object()  # "leave this setting alone", where None means "clear it"


@dataclass(frozen=True)
class PhaseRules:
    """The steps a kind of board knows, in the workshop's order; a board may use fewer, in another order."""

    known: tuple[str, ...]
    most: int
    which: str = ""  # said after "unknown phase 'x'" ("for an action fresco")


class FacilitationSettings(Protocol):
    """What a board's settings hold for facilitation (`Settings`, `ActionSettings`)."""

    @property
    def vote_budget(self) -> int: ...
    @property
    def phases(self) -> tuple[str, ...]: ...
    @property
    def phase(self) -> str | None: ...
    @property
    def locked(self) -> bool: ...
    @property
    def votes_hidden(self) -> bool: ...
    @property
    def timer(self) -> Timer | None: ...
    @property
    def spotlight(self) -> str | None: ...
    @property
    def follow(self) -> str | None: ...


class FacilitationValues(TypedDict, total=False):
    """What a facilitator may set. Left out (or UNSET): left alone; None leaves alone the first three and
    clears the others (`phase`: a free board, `spotlight`, `follow`)."""

    vote_budget: int | None
    phases: Sequence[str] | None
    locked: bool | None
    votes_hidden: bool | None
    phase: str | None
    spotlight: str | None
    follow: str | None


def facilitation_changes(
    current: FacilitationSettings,
    rules: PhaseRules,
    *,
    max_vote_budget: int,
    check_spotlight: Callable[[str], object],
    **values: Unpack[FacilitationValues],
) -> dict[str, Any]:
    """The settings' fields to replace, every value checked before any is set; `check_spotlight` raises when
    no live card has that id."""
    vote_budget, phases = values.get("vote_budget"), values.get("phases")
    locked, votes_hidden = values.get("locked"), values.get("votes_hidden")
    phase, spotlight = values.get("phase", UNSET), values.get("spotlight", UNSET)
    follow = values.get("follow", UNSET)
    changes: dict[str, Any] = {}
    if vote_budget is not None:
        if type(vote_budget) is not int or not 0 <= vote_budget <= max_vote_budget:
            raise RuleError("invalid_budget", f"a vote budget is between 0 and {max_vote_budget}")
        changes["vote_budget"] = vote_budget
    if phases is not None:
        if not 1 <= len(phases) <= rules.most or len(set(phases)) != len(phases):
            raise RuleError("invalid_phase", f"a board has 1 to {rules.most} different phases")
        unknown = [p for p in phases if p not in rules.known]
        if unknown:
            raise RuleError("invalid_phase", f"unknown phase {unknown[0]!r}{rules.which}")
        changes["phases"] = tuple(phases)
    if phase is not UNSET:
        changes["phase"] = phase
    new_phases = changes.get("phases", current.phases)
    new_phase = changes.get("phase", current.phase)
    if new_phase is not None and new_phase not in new_phases:
        raise RuleError("invalid_phase", f"{new_phase!r} is not one of this board's phases")
    if locked is not None:
        changes["locked"] = locked
    if votes_hidden is not None:
        changes["votes_hidden"] = votes_hidden
    if spotlight is not UNSET:
        if spotlight is not None:
            check_spotlight(spotlight)
        changes["spotlight"] = spotlight
    if follow is not UNSET:
        changes["follow"] = follow
    return changes


class Timed(UndoLog):
    """A mixin: the shared countdown; the class provides `settings` (a dataclass with a `timer`)."""

    settings: Any

    def set_timer(self, action: str, seconds: int | None, at: int) -> None:
        """The shared countdown, on the server's clock (`at`: ms since 1970, stamped by the room)."""
        old = self.settings
        self.settings = replace(old, timer=next_timer(old.timer, action, seconds, at))
        self._record(lambda: setattr(self, "settings", old))


def facilitation_to_dict(
    settings: FacilitationSettings, between: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """The facilitation part of a settings snapshot, in its stable key order; `between` (the exploration
    board's private round) stands after `votes_hidden`, where the snapshots have always had it."""
    return {
        "vote_budget": settings.vote_budget,
        "phases": list(settings.phases),
        "phase": settings.phase,
        "locked": settings.locked,
        "votes_hidden": settings.votes_hidden,
        **(between or {}),
        "timer": timer_to_dict(settings.timer),
        "spotlight": settings.spotlight,
        "follow": settings.follow,
    }


def facilitation_from_dict(
    raw_settings: Mapping[str, Any], default_phases: tuple[str, ...]
) -> dict[str, Any]:
    """The `facilitation_changes` arguments a snapshot's settings hold (snapshots older than facilitation have
    none: the defaults hold), to be checked like live changes. The vote budget and the timer are apart: the
    exploration board's budget is a required field of its snapshots, and a timer is restored as it was."""
    return {
        "phases": tuple(raw_settings.get("phases", default_phases)),
        "phase": raw_settings.get("phase"),
        "locked": bool(raw_settings.get("locked", False)),
        "votes_hidden": bool(raw_settings.get("votes_hidden", False)),
        "spotlight": raw_settings.get("spotlight"),
        "follow": raw_settings.get("follow"),
    }
