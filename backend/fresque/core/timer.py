"""The shared countdown of a board, on the server's clock; the same on both kinds of board."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .errors import RuleError

MAX_TIMER_MS = 36_000 * 1000


@dataclass(frozen=True)
class Timer:
    """Milliseconds. Running: `ends_at` is set (a time on the server's clock); paused: `remaining` is."""

    duration: int
    ends_at: int | None = None
    remaining: int | None = None


def next_timer(timer: Timer | None, action: str, seconds: int | None, at: int) -> Timer | None:
    """The timer after `action` at `at` (ms since 1970, stamped by the room), or a RuleError."""
    delta = (seconds or 0) * 1000
    if action == "start":
        if not 0 < delta <= MAX_TIMER_MS:
            raise RuleError("invalid_timer", "a timer lasts from 1 second to 10 hours")
        return Timer(duration=delta, ends_at=at + delta)
    if action == "clear":
        return None
    if timer is None:
        raise RuleError("no_timer", "there is no timer on this board")
    if action == "pause":
        if timer.ends_at is None:
            raise RuleError("timer_not_running", "the timer is not running")
        return Timer(duration=timer.duration, remaining=max(0, timer.ends_at - at))
    if action == "resume":
        if timer.remaining is None:
            raise RuleError("timer_not_paused", "the timer is not paused")
        return Timer(duration=timer.duration, ends_at=at + timer.remaining)
    if action == "add":
        if delta == 0:
            raise RuleError("invalid_timer", "add a number of seconds other than 0")
        duration = min(MAX_TIMER_MS, max(0, timer.duration + delta))
        if timer.ends_at is not None:
            return Timer(duration=duration, ends_at=max(at, timer.ends_at + delta))
        return Timer(duration=duration, remaining=max(0, (timer.remaining or 0) + delta))
    raise RuleError("invalid_timer", f"unknown timer action {action!r}")


def timer_to_dict(timer: Timer | None) -> dict[str, Any] | None:
    if timer is None:
        return None
    return {"duration": timer.duration, "ends_at": timer.ends_at, "remaining": timer.remaining}


def timer_from_dict(raw: Any) -> Timer | None:
    if raw is None:
        return None
    return Timer(duration=int(raw["duration"]), ends_at=raw.get("ends_at"), remaining=raw.get("remaining"))
