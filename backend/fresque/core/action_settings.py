"""The action fresco's settings: its timeline (bounds and scale), its lists, its steps, and their rules.

What a change of settings may not take away from the cards already placed (a lane in use, a card outside
the new timeline…) is the board's to check (`ActionBoard.update_settings`); the rest is decided here. The
facilitation part (phases, lock, votes, timer, spotlight) follows `fresque.core.facilitation`, as on
exploration boards.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any, Literal, TypedDict, Unpack, cast, get_args

from .choices import (
    DEFAULT_AXES,
    DEFAULT_LANES,
    DEFAULT_ORGANISATIONS,
    DEFAULT_SERIES,
    DEFAULT_TARGET_GROUPS,
    LIST_BOUNDS,
    Choice,
    check_choices,
    choice_to_dict,
    choices_from,
)
from .errors import RuleError
from .facilitation import PhaseRules, facilitation_to_dict
from .text import check_text
from .timeline import (
    MAX_TIMELINE_MONTHS,
    MAX_YEAR,
    MIN_YEAR,
    SCALES,
    Month,
    Scale,
    format_month,
    is_snapped,
    parse_month,
    snap,
    snap_end,
    span_months,
)
from .timer import Timer

# The stakeholders' workshop, step by step: what each step opens to participants is `fresque.access`'s.
ActionPhaseId = Literal["welcome", "place", "fiches", "vote", "restitution"]
ACTION_PHASES: tuple[ActionPhaseId, ...] = get_args(ActionPhaseId)
MAX_ACTION_PHASES = 8
PHASE_RULES = PhaseRules(ACTION_PHASES, MAX_ACTION_PHASES, " for an action fresco")


@dataclass(frozen=True)
class ActionSettings:
    title: str
    start: Month
    end: Month
    scale: Scale = "quarter"
    lanes: tuple[Choice, ...] = DEFAULT_LANES
    axes: tuple[Choice, ...] = DEFAULT_AXES
    series: tuple[Choice, ...] = DEFAULT_SERIES
    target_groups: tuple[Choice, ...] = DEFAULT_TARGET_GROUPS
    organisations: tuple[Choice, ...] = DEFAULT_ORGANISATIONS
    # Facilitation, as on exploration boards (no private round: nothing on this board is anyone's secret).
    vote_budget: int = 3
    phases: tuple[str, ...] = ACTION_PHASES
    phase: str | None = None  # None: a free board
    locked: bool = False
    votes_hidden: bool = False
    timer: Timer | None = None
    spotlight: str | None = None  # an action
    follow: str | None = None  # the participant whose view followers show

    @property
    def lane_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.lanes)

    @property
    def axis_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.axes)

    @property
    def series_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.series)

    @property
    def target_group_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.target_groups)

    @property
    def organisation_ids(self) -> frozenset[str]:
        return frozenset(c.id for c in self.organisations)


def default_settings(title: str, start: str = "2024-01", end: str = "2027-12") -> ActionSettings:
    return ActionSettings(title=title, start=parse_month(start), end=parse_month(end))


def check_settings(s: ActionSettings) -> None:
    """The rules of a whole settings value (the board checks apart what its cards use)."""
    if s.scale not in SCALES:
        raise RuleError("invalid_scale", f"{s.scale!r} is not a scale: month, quarter or semester")
    for bound in (s.start, s.end):
        if not isinstance(bound, int) or not MIN_YEAR * 12 <= bound < (MAX_YEAR + 1) * 12:
            raise RuleError("invalid_month", "a timeline bound is a month between 2000 and 2099")
    if not is_snapped(s.start, s.end, s.scale):
        raise RuleError("invalid_timeline", "the timeline covers whole periods of its scale")
    if s.end <= s.start:
        raise RuleError("invalid_timeline", "a timeline ends after it starts")
    if span_months(s.start, s.end) > MAX_TIMELINE_MONTHS:
        raise RuleError("invalid_timeline", f"a timeline spans at most {MAX_TIMELINE_MONTHS // 12} years")
    if not isinstance(s.title, str) or not s.title.strip():
        raise RuleError("text_required", "a board needs a title")
    check_text(s.title, max_chars=200, field="title")
    for name in LIST_BOUNDS:
        check_choices(name, getattr(s, name))


class SettingsValues(TypedDict, total=False):
    """What a change of settings may set (left out or None: left alone); dates are wire year-months."""

    title: str | None
    start: str | None
    end: str | None
    scale: str | None
    lanes: Sequence[Choice] | None
    axes: Sequence[Choice] | None
    series: Sequence[Choice] | None
    target_groups: Sequence[Choice] | None
    organisations: Sequence[Choice] | None


def changed_settings(old: ActionSettings, **values: Unpack[SettingsValues]) -> ActionSettings:
    """`old` with the values given, checked; the timeline's bounds are snapped outward to the (new) scale."""
    title, scale = values.get("title"), values.get("scale")
    start, end = values.get("start"), values.get("end")
    new_scale = old.scale if scale is None else scale
    if new_scale not in SCALES:
        raise RuleError("invalid_scale", f"{new_scale!r} is not a scale: month, quarter or semester")
    first = old.start if start is None else parse_month(start, what="timeline start")
    last = old.end if end is None else parse_month(end, what="timeline end")
    changes: dict[str, Any] = {
        "scale": new_scale,
        "start": snap(first, new_scale),
        "end": snap_end(last, new_scale),
    }
    if title is not None:
        changes["title"] = title
    for name in LIST_BOUNDS:
        value = cast("Sequence[Choice] | None", values.get(name))  # the lists' keys of SettingsValues
        if value is not None:
            changes[name] = check_choices(name, value)
    new = replace(old, **changes)
    check_settings(new)
    return new


def settings_from_dict(raw: Mapping[str, Any]) -> ActionSettings:
    """The timeline and the lists of a snapshot's settings (its facilitation is restored by the board,
    through the same rules as live changes)."""
    timeline = raw["timeline"]
    scale = timeline["scale"]
    if scale not in SCALES:
        raise RuleError("invalid_scale", f"{scale!r} is not a scale: month, quarter or semester")
    return ActionSettings(
        title=raw["title"],
        start=parse_month(timeline["start"], what="timeline start"),
        end=parse_month(timeline["end"], what="timeline end"),
        scale=scale,
        lanes=choices_from(raw, "lanes"),
        axes=choices_from(raw, "axes"),
        series=choices_from(raw, "series"),
        target_groups=choices_from(raw, "target_groups"),
        organisations=choices_from(raw, "organisations"),
    )


def settings_to_dict(settings: ActionSettings) -> dict[str, Any]:
    return {
        "title": settings.title,
        "timeline": {
            "start": format_month(settings.start),
            "end": format_month(settings.end),
            "scale": settings.scale,
        },
        **{name: [choice_to_dict(c) for c in getattr(settings, name)] for name in LIST_BOUNDS},
        **facilitation_to_dict(settings),
    }
