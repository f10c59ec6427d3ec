"""The chronological action fresco's state and the rules of every change to it (issue 5, the pure core).

Stakeholders place **action cards** on a timeline, in lanes (*à poursuivre*, *à renforcer*, *nouvelle* by
default); each card carries its **fiche action** (every field of PRODUCT.md), its **capabilities web** (levels
0–4 on the workshop's axes, in several series) and links to the residents' solutions it answers.

Like `fresque.core.board.Board`, an `ActionBoard` is mutated only through its methods; each checks its rule
first and records how to undo itself, so that a batch applies all or none (`transaction`). Conflicts are
settled by the one writer's order: the last write of a fiche field wins, a delete wins over any later edit.

Dates are year-months. On the wire and in snapshots they are `"YYYY-MM"` strings; inside they are `Month`
numbers (`year * 12 + month - 1`) so that arithmetic is plain. A card's `start` is its first month and its
`end` its last month, both included. Every date a change brings is **snapped** to the timeline's scale: a
start down to the first month of its period, an end up to the last month of its period (a quarter starts in
January, April, July or October; a semester in January or July), so a card always covers whole periods.

Labels of the default lanes, axes, series, target groups, organisations and levels are not stored as text:
a `Choice` with `label=None` is shown with the translation key `actions.<list>.<id>` (see `label_key`); a
choice that people add carries its own text label.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, fields, replace
from typing import Any, Literal, cast

from .board import UNSET
from .errors import RuleError
from .text import check_text
from .timer import Timer, next_timer, timer_from_dict, timer_to_dict
from .votes import VoteLedger

# -- year-months and scales ---------------------------------------------------------------------------------

Month = int  # year * 12 + (month - 1)
Scale = Literal["month", "quarter", "semester"]
SCALES: tuple[Scale, ...] = ("month", "quarter", "semester")
SCALE_MONTHS: Mapping[Scale, int] = {"month": 1, "quarter": 3, "semester": 6}
MIN_YEAR = 2000
MAX_YEAR = 2099
MAX_TIMELINE_MONTHS = 15 * 12
_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value: Any, *, what: str = "date") -> Month:
    """`"2024-01"` → a `Month`; anything else is `invalid_month`."""
    match = _MONTH_RE.match(value) if isinstance(value, str) else None
    if match is None:
        raise RuleError("invalid_month", f"{what} {value!r} is not a year-month like 2024-01")
    year, month = int(match.group(1)), int(match.group(2))
    if not 1 <= month <= 12 or not MIN_YEAR <= year <= MAX_YEAR:
        raise RuleError("invalid_month", f"{what} {value!r} is not a month between {MIN_YEAR} and {MAX_YEAR}")
    return year * 12 + month - 1


def format_month(month: Month) -> str:
    return f"{month // 12:04d}-{month % 12 + 1:02d}"


def snap(month: Month, scale: Scale) -> Month:
    """The first month of the period of `scale` that holds `month` (2024-05 by quarter → 2024-04)."""
    return month - month % SCALE_MONTHS[scale]


def snap_end(month: Month, scale: Scale) -> Month:
    """The last month of the period of `scale` that holds `month` (2024-05 by quarter → 2024-06)."""
    return snap(month, scale) + SCALE_MONTHS[scale] - 1


def is_snapped(start: Month, end: Month, scale: Scale) -> bool:
    return snap(start, scale) == start and snap_end(end, scale) == end


def months_between(start: Month, end: Month) -> int:
    """How many months from `start` to `end` (0 for the same month; negative when `end` is earlier)."""
    return end - start


def span_months(start: Month, end: Month) -> int:
    """How many months a span covers, both ends included."""
    return end - start + 1


def periods(start: Month, end: Month, scale: Scale) -> list[Month]:
    """The first month of every period of `scale` between `start` and `end` (the timeline's ticks)."""
    step = SCALE_MONTHS[scale]
    return list(range(snap(start, scale), end + 1, step))


# -- configurable lists -------------------------------------------------------------------------------------

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
# Ids of what clients create (actions, milestones) and of exploration boards and items: the protocol's shape.
_CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{6,64}$")
MAX_CHOICE_LABEL = 80


@dataclass(frozen=True)
class Choice:
    """An entry of a configurable list. `label=None`: a default entry, shown as `label_key(list, id)`."""

    id: str
    label: str | None = None


def label_key(list_name: str, choice_id: str) -> str:
    """The translation key of a default entry: `actions.lane.continue`, `actions.axis.health`, …"""
    return f"actions.{list_name}.{choice_id}"


def _defaults(*ids: str) -> tuple[Choice, ...]:
    return tuple(Choice(i) for i in ids)


DEFAULT_LANES = _defaults("continue", "reinforce", "create")
# PRODUCT.md's ten axes, in its order.
DEFAULT_AXES = _defaults(
    "rights",
    "work_training",
    "health",
    "schooling_parenting",
    "social_ties",
    "getting_around",
    "budget_shopping",
    "information_leisure",
    "citizenship",
    "online_safety",
)
DEFAULT_SERIES = _defaults("today", "targeted")
DEFAULT_TARGET_GROUPS = _defaults(
    "seniors",
    "youth_16_25",
    "parents",
    "job_seekers",
    "benefit_recipients",
    "newcomers_fle",
    "disabled_people",
    "single_parent_families",
    "isolated_people",
    "professionals",
)
DEFAULT_ORGANISATIONS = _defaults(
    "city", "caf", "ccas", "france_travail", "mission_locale", "digital_mediators", "social_centres"
)

# The capabilities scale is fixed: 0 "I can't / not concerned" … 4 "I do it alone and help others".
LEVELS = (0, 1, 2, 3, 4)
LEVEL_KEYS = tuple(label_key("level", str(level)) for level in LEVELS)

# (list name in settings and snapshots, translation key prefix, fewest entries, most entries)
LIST_BOUNDS: Mapping[str, tuple[str, int, int]] = {
    "lanes": ("lane", 1, 6),
    "axes": ("axis", 3, 12),  # a radar needs at least three axes
    "series": ("series", 1, 4),
    "target_groups": ("target_group", 0, 40),
    "organisations": ("organisation", 0, 100),
}


def _check_choices(name: str, choices: Sequence[Choice]) -> tuple[Choice, ...]:
    _, least, most = LIST_BOUNDS[name]
    code = f"invalid_{name}"
    if not least <= len(choices) <= most:
        raise RuleError(code, f"{name}: {least} to {most} entries")
    seen: set[str] = set()
    for choice in choices:
        if not isinstance(choice, Choice) or not isinstance(choice.id, str) or not _ID_RE.match(choice.id):
            raise RuleError(code, f"{name}: an id is 1–40 lower-case letters, digits, - or _")
        if choice.id in seen:
            raise RuleError(code, f"{name}: {choice.id!r} appears twice")
        seen.add(choice.id)
        if choice.label is not None:
            if not isinstance(choice.label, str) or not choice.label.strip():
                raise RuleError(code, f"{name}: the label of {choice.id!r} is empty")
            try:
                check_text(choice.label, max_chars=MAX_CHOICE_LABEL, field=f"label of {choice.id}")
            except RuleError as error:
                raise RuleError(code, f"{name}: {error.message}") from None
    return tuple(choices)


# -- the fiche action ---------------------------------------------------------------------------------------

Status = Literal["draft", "validated", "running", "done", "dropped"]
STATUSES: tuple[Status, ...] = ("draft", "validated", "running", "done", "dropped")
Priority = Literal["high", "medium", "low"]
PRIORITIES: tuple[Priority, ...] = ("high", "medium", "low")
FundingState = Literal["planned", "requested", "secured"]
FUNDING_STATES: tuple[FundingState, ...] = ("planned", "requested", "secured")
IndicatorKind = Literal["output", "result", "impact"]
INDICATOR_KINDS: tuple[IndicatorKind, ...] = ("output", "result", "impact")
MAX_AMOUNT = 1_000_000_000  # whole euros


@dataclass(frozen=True)
class Partner:
    organisation: str
    role: str = ""


@dataclass(frozen=True)
class FundingLine:
    source: str
    amount: int
    state: FundingState = "planned"


@dataclass(frozen=True)
class Indicator:
    kind: IndicatorKind
    label: str
    target: str = ""
    source: str = ""


@dataclass(frozen=True)
class Fiche:
    """The fiche action. Its positioning is the card's lane and its calendar dates are the card's span and
    milestones: they are changed by moving and resizing the card, not here."""

    title: str
    number: str = ""
    axis: str = ""  # the schéma's axis (free text; the page proposes those already used)
    findings: str = ""
    general_objective: str = ""
    operational_objectives: tuple[str, ...] = ()
    target_groups: tuple[str, ...] = ()  # ids of settings.target_groups
    territory: tuple[str, ...] = ()  # neighbourhoods
    lead: str | None = None  # an id of settings.organisations
    partners: tuple[Partner, ...] = ()
    human_means: str = ""
    material_means: str = ""
    budget: int | None = None  # whole euros
    funding: tuple[FundingLine, ...] = ()
    calendar: str = ""  # the rhythm in words ("every Wednesday in term time"); dates are the card's
    priority: Priority | None = None
    indicators: tuple[Indicator, ...] = ()
    risks: str = ""
    status: Status = "draft"


FICHE_FIELDS = tuple(f.name for f in fields(Fiche))

# Text fields: their limit in characters.
TEXT_LIMITS: Mapping[str, int] = {
    "title": 200,
    "number": 20,
    "axis": 120,
    "findings": 2000,
    "general_objective": 2000,
    "human_means": 2000,
    "material_means": 2000,
    "calendar": 500,
    "risks": 2000,
}
# List fields: (most entries, limit of each entry's main text).
LIST_LIMITS: Mapping[str, tuple[int, int]] = {
    "operational_objectives": (20, 300),
    "target_groups": (40, 40),
    "territory": (30, 120),
    "partners": (30, 200),  # the role's length
    "funding": (20, 120),  # the source's length
    "indicators": (20, 300),  # the label's length; target 120, source 200
}


def _fiche_error(name: str, message: str) -> RuleError:
    return RuleError(f"fiche_invalid_{name}", message)


def _text(name: str, value: Any, max_chars: int) -> str:
    if not isinstance(value, str):
        raise _fiche_error(name, f"{name} is text")
    try:
        return check_text(value, max_chars=max_chars, field=name)
    except RuleError as error:
        raise _fiche_error(name, error.message) from None


def _entries(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise _fiche_error(name, f"{name} is a list")
    most = LIST_LIMITS[name][0]
    if len(value) > most:
        raise _fiche_error(name, f"{name} has {len(value)} entries; the limit is {most}")
    return list(value)


def _record_of(name: str, value: Any, keys: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise _fiche_error(name, f"each entry of {name} is an object")
    unknown = set(value) - keys
    if unknown:
        raise _fiche_error(name, f"an entry of {name} has no {', '.join(sorted(unknown))}")
    missing = required - set(value)
    if missing:
        raise _fiche_error(name, f"an entry of {name} needs {', '.join(sorted(missing))}")
    return value


def _amount(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise _fiche_error(name, f"an amount in {name} is a whole number of euros from 0 to {MAX_AMOUNT}")
    return value


def _one_of(name: str, value: Any, allowed: Sequence[str]) -> Any:
    if value not in allowed:
        raise _fiche_error(name, f"{name} is one of {', '.join(allowed)}")
    return value


def _known(name: str, value: Any, ids: frozenset[str], what: str) -> str:
    if not isinstance(value, str) or value not in ids:
        raise _fiche_error(name, f"{value!r} is not one of this workshop's {what}")
    return value


def parse_fiche_value(name: str, value: Any, settings: ActionSettings) -> Any:
    """A fiche field's wire value → its stored value, or `fiche_invalid_<name>`. `None` clears a field."""
    if name not in FICHE_FIELDS:
        raise RuleError("fiche_unknown_field", _unknown_message(name))
    if name in TEXT_LIMITS:
        if value is None and name != "title":
            return ""
        text = _text(name, value, TEXT_LIMITS[name])
        if name == "title" and not text.strip():
            raise _fiche_error(name, "a fiche action needs a title")
        return text
    if name == "status":
        return _one_of(name, value, STATUSES)
    if value is None:
        return None if name in ("lead", "budget", "priority") else ()
    if name == "priority":
        return _one_of(name, value, PRIORITIES)
    if name == "budget":
        return _amount(name, value)
    if name == "lead":
        return _known(name, value, settings.organisation_ids, "organisations")
    entries = _entries(name, value)
    limit = LIST_LIMITS[name][1]
    if name in ("operational_objectives", "territory"):
        texts = [_text(name, entry, limit) for entry in entries]
        if any(not t.strip() for t in texts):
            raise _fiche_error(name, f"an entry of {name} is empty")
        return tuple(texts)
    if name == "target_groups":
        groups = [_known(name, entry, settings.target_group_ids, "target groups") for entry in entries]
        if len(set(groups)) != len(groups):
            raise _fiche_error(name, "a target group appears twice")
        return tuple(groups)
    if name == "partners":
        partners = []
        for entry in entries:
            raw = _record_of(name, entry, {"organisation", "role"}, {"organisation"})
            org = _known(name, raw["organisation"], settings.organisation_ids, "organisations")
            partners.append(Partner(org, _text(name, raw.get("role", ""), limit)))
        if len({p.organisation for p in partners}) != len(partners):
            raise _fiche_error(name, "an organisation appears twice among the partners")
        return tuple(partners)
    if name == "funding":
        lines = []
        for entry in entries:
            raw = _record_of(name, entry, {"source", "amount", "state"}, {"source", "amount"})
            source = _text(name, raw["source"], limit)
            if not source.strip():
                raise _fiche_error(name, "a funding line needs a source")
            state = _one_of(name, raw.get("state", "planned"), FUNDING_STATES)
            lines.append(FundingLine(source, _amount(name, raw["amount"]), state))
        return tuple(lines)
    assert name == "indicators"
    indicators = []
    for entry in entries:
        raw = _record_of(name, entry, {"kind", "label", "target", "source"}, {"kind", "label"})
        label = _text(name, raw["label"], limit)
        if not label.strip():
            raise _fiche_error(name, "an indicator needs a label")
        indicators.append(
            Indicator(
                kind=_one_of(name, raw["kind"], INDICATOR_KINDS),
                label=label,
                target=_text(name, raw.get("target", ""), 120),
                source=_text(name, raw.get("source", ""), 200),
            )
        )
    return tuple(indicators)


def _unknown_message(name: str) -> str:
    if name == "positioning":
        return "a fiche's positioning is its card's lane: move the card to another lane"
    if name in ("start", "end", "milestones"):
        return f"a fiche's {name} belongs to its card: move or resize the card, or add a milestone"
    return f"a fiche action has no field {name!r}"


def secured_funding(fiche: Fiche) -> int:
    return sum(line.amount for line in fiche.funding if line.state == "secured")


def _check_fiche_whole(fiche: Fiche) -> None:
    """Rules across fields. Lines planned or requested may add up to more than the budget (a team asks
    several funders for the same need); what is secured may not."""
    if fiche.budget is not None and secured_funding(fiche) > fiche.budget:
        raise RuleError(
            "fiche_funding_over_budget",
            f"secured funding ({secured_funding(fiche)} €) is above the budget ({fiche.budget} €)",
        )


def fiche_to_dict(fiche: Fiche) -> dict[str, Any]:
    """Every field, always present, in the declared order (for exports and printing)."""
    out: dict[str, Any] = {}
    for name in FICHE_FIELDS:
        value = getattr(fiche, name)
        if name == "partners":
            value = [{"organisation": p.organisation, "role": p.role} for p in value]
        elif name == "funding":
            value = [{"source": f.source, "amount": f.amount, "state": f.state} for f in value]
        elif name == "indicators":
            value = [
                {"kind": i.kind, "label": i.label, "target": i.target, "source": i.source} for i in value
            ]
        elif isinstance(value, tuple):
            value = list(value)
        out[name] = value
    return out


# -- the board ----------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Milestone:
    id: str
    month: Month
    label: str


@dataclass(frozen=True)
class Link:
    """A solution of an exploration board of the same workshop (its existence is the server's check)."""

    board: str
    item: str


@dataclass(frozen=True)
class Action:
    id: str
    author: str
    lane: str
    start: Month
    end: Month
    fiche: Fiche
    milestones: tuple[Milestone, ...] = ()  # sorted by month, then id
    # capabilities[series][axis] = level; a series may leave axes out, an empty series is not kept
    capabilities: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    links: tuple[Link, ...] = ()  # in the order they were made
    # The question de travail of the study it answers (issue 13); which ids exist is the server's check,
    # as for links: the board only keeps the id (a question deleted since leaves it pointing nowhere).
    question: str | None = None


@dataclass(frozen=True)
class ActionLimits:
    max_actions: int = 500
    max_milestones: int = 20
    max_links: int = 50
    max_milestone_label: int = 120
    max_vote_budget: int = 50


# The stakeholders' workshop, step by step: what each step opens to participants is `fresque.access`'s.
ACTION_PHASES = ("welcome", "place", "fiches", "vote", "restitution")
MAX_ACTION_PHASES = 8


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


EDGES = ("start", "end")


@dataclass
class ActionBoard(VoteLedger):
    settings: ActionSettings
    limits: ActionLimits = field(default_factory=ActionLimits)
    actions: dict[str, Action] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    # votes[participant][action] = dots that participant put on that action (`VoteLedger`)
    votes: dict[str, dict[str, int]] = field(default_factory=dict)
    _undo: list[Callable[[], None]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        self._check_settings(self.settings)

    # -- transactions (`UndoLog`) ---------------------------------------------------------------------------

    def _put(self, action: Action) -> None:
        """Replace a live action, recording the undo."""
        old = self.actions[action.id]
        self.actions[action.id] = action
        self._record(lambda: self.actions.__setitem__(action.id, old))

    # -- queries ------------------------------------------------------------------------------------------

    def live(self, action_id: str) -> Action:
        action = self.actions.get(action_id)
        if action is not None:
            return action
        if action_id in self.deleted:
            raise RuleError("action_deleted", f"action {action_id} was deleted")
        raise RuleError("action_missing", f"no action {action_id} on this board")

    def actions_linked_to(self, board: str, item: str) -> list[str]:
        """The actions that answer one exploration solution (the way back from a resident's card)."""
        link = Link(board, item)
        return sorted(a.id for a in self.actions.values() if link in a.links)

    # -- checks -------------------------------------------------------------------------------------------

    def _check_span(self, start: Month, end: Month, milestones: Sequence[Milestone]) -> None:
        s = self.settings
        if end < start:
            raise RuleError("action_dates_order", "an action ends on or after the month it starts")
        if start < s.start or end > s.end:
            raise RuleError(
                "action_outside_timeline",
                f"{format_month(start)} → {format_month(end)} is outside the timeline "
                f"{format_month(s.start)} → {format_month(s.end)}",
            )
        for milestone in milestones:
            if not start <= milestone.month <= end:
                raise RuleError(
                    "milestone_outside",
                    f"milestone {milestone.id} ({format_month(milestone.month)}) is outside the action's "
                    f"span {format_month(start)} → {format_month(end)}",
                )

    def _check_lane(self, lane: Any) -> str:
        if lane not in self.settings.lane_ids:
            raise RuleError("unknown_lane", f"{lane!r} is not a lane of this board")
        return cast(str, lane)

    def _check_number_free(self, number: str, action_id: str) -> None:
        if number and any(a.fiche.number == number and a.id != action_id for a in self.actions.values()):
            raise RuleError("fiche_number_taken", f"another fiche action already has the number {number!r}")

    def _check_settings(self, s: ActionSettings) -> None:
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
            _check_choices(name, getattr(s, name))

    # -- actions ------------------------------------------------------------------------------------------

    def create_action(
        self,
        action_id: str,
        *,
        author: str,
        lane: str,
        start: str,
        end: str,
        fiche: Mapping[str, Any],
    ) -> Action:
        """A new card; `fiche` holds wire values of fiche fields (`title` required). Dates are snapped."""
        if not isinstance(action_id, str) or not _CLIENT_ID_RE.match(action_id):
            raise RuleError("invalid_id", "an action id is 6–64 letters, digits, - or _")
        if action_id in self.actions:
            raise RuleError("id_exists", f"id {action_id} is already used on this board")
        if action_id in self.deleted:
            raise RuleError("id_reused", f"id {action_id} belonged to a deleted action")
        if len(self.actions) >= self.limits.max_actions:
            raise RuleError("board_full", f"a board holds at most {self.limits.max_actions} actions")
        self._check_lane(lane)
        scale = self.settings.scale
        first = snap(parse_month(start, what="start"), scale)
        last = snap_end(parse_month(end, what="end"), scale)
        self._check_span(first, last, ())
        if not isinstance(fiche, Mapping):
            raise RuleError("fiche_unknown_field", "a fiche action is an object of fields")
        if "title" not in fiche:
            raise _fiche_error("title", "a fiche action needs a title")
        values = {name: parse_fiche_value(name, value, self.settings) for name, value in fiche.items()}
        new_fiche = Fiche(**values)
        _check_fiche_whole(new_fiche)
        self._check_number_free(new_fiche.number, action_id)
        action = Action(id=action_id, author=author, lane=lane, start=first, end=last, fiche=new_fiche)
        self.actions[action_id] = action
        self._record(lambda: self.actions.__delitem__(action_id))
        return action

    def update_fiche(self, action_id: str, changes: Mapping[str, Any]) -> Action:
        """Set some fiche fields (wire values; `None` clears, except the title and the status)."""
        old = self.live(action_id)
        if not isinstance(changes, Mapping) or not changes:
            raise RuleError("fiche_unknown_field", "an update sets at least one fiche field")
        values = {name: parse_fiche_value(name, value, self.settings) for name, value in changes.items()}
        fiche = replace(old.fiche, **values)
        _check_fiche_whole(fiche)
        self._check_number_free(fiche.number, action_id)
        new = replace(old, fiche=fiche)
        self._put(new)
        return new

    def delete_action(self, action_id: str) -> None:
        """A delete wins: the id stays retired, any later change to it is `action_deleted`."""
        action = self.live(action_id)
        self._drop_votes_on(action_id)
        if self.settings.spotlight == action_id:
            self.update_facilitation(spotlight=None)
        del self.actions[action_id]
        self.deleted.add(action_id)

        def undo() -> None:
            self.deleted.discard(action_id)
            self.actions[action_id] = action

        self._record(undo)

    def move_action(self, action_id: str, *, lane: str | None = None, start: str | None = None) -> Action:
        """Drag a card: to another lane, and/or to a new start (snapped down) keeping its duration. Its
        milestones travel with it."""
        old = self.live(action_id)
        if lane is None and start is None:
            raise RuleError("invalid_move", "a move changes the lane, the start or both")
        new_lane = old.lane if lane is None else self._check_lane(lane)
        first = old.start if start is None else snap(parse_month(start, what="start"), self.settings.scale)
        shift = first - old.start
        last = old.end + shift
        milestones = tuple(replace(m, month=m.month + shift) for m in old.milestones)
        self._check_span(first, last, milestones)
        new = replace(old, lane=new_lane, start=first, end=last, milestones=milestones)
        self._put(new)
        return new

    def resize_action(self, action_id: str, edge: str, month: str) -> Action:
        """Drag an edge: `start` snaps down, `end` snaps up; milestones must stay inside."""
        old = self.live(action_id)
        scale = self.settings.scale
        if edge == "start":
            new = replace(old, start=snap(parse_month(month, what="start"), scale))
        elif edge == "end":
            new = replace(old, end=snap_end(parse_month(month, what="end"), scale))
        else:
            raise RuleError("invalid_edge", f"{edge!r} is not an edge: start or end")
        self._check_span(new.start, new.end, new.milestones)
        self._put(new)
        return new

    # -- capabilities web ---------------------------------------------------------------------------------

    def set_capability(self, action_id: str, series: str, axis: str, level: int | None) -> Action:
        """Tap a level on one axis of one series; `None` takes the axis out of the series."""
        old = self.live(action_id)
        if series not in self.settings.series_ids:
            raise RuleError("unknown_series", f"{series!r} is not a series of this board's capabilities webs")
        if axis not in self.settings.axis_ids:
            raise RuleError("unknown_axis", f"{axis!r} is not an axis of this board's capabilities webs")
        if level is not None and (type(level) is not int or level not in LEVELS):
            raise RuleError("invalid_level", "a capability level is a whole number from 0 to 4")
        webs = {name: dict(levels) for name, levels in old.capabilities.items()}
        row = webs.setdefault(series, {})
        if level is None:
            row.pop(axis, None)
        else:
            row[axis] = level
        if not row:
            del webs[series]
        new = replace(old, capabilities=webs)
        self._put(new)
        return new

    # -- milestones ---------------------------------------------------------------------------------------

    def add_milestone(self, action_id: str, milestone_id: str, month: str, label: str) -> Action:
        old = self.live(action_id)
        if not isinstance(milestone_id, str) or not _CLIENT_ID_RE.match(milestone_id):
            raise RuleError("invalid_id", "a milestone id is 6–64 letters, digits, - or _")
        if any(m.id == milestone_id for m in old.milestones):
            raise RuleError("milestone_exists", f"action {action_id} already has a milestone {milestone_id}")
        if len(old.milestones) >= self.limits.max_milestones:
            raise RuleError("too_many_milestones", f"an action has at most {self.limits.max_milestones}")
        if not isinstance(label, str) or not label.strip():
            raise RuleError("invalid_milestone", "a milestone needs a short label")
        try:
            check_text(label, max_chars=self.limits.max_milestone_label, field="milestone label")
        except RuleError as error:
            raise RuleError("invalid_milestone", error.message) from None
        milestone = Milestone(milestone_id, parse_month(month, what="milestone"), label)
        milestones = tuple(sorted((*old.milestones, milestone), key=lambda m: (m.month, m.id)))
        self._check_span(old.start, old.end, milestones)
        new = replace(old, milestones=milestones)
        self._put(new)
        return new

    def remove_milestone(self, action_id: str, milestone_id: str) -> Action:
        old = self.live(action_id)
        milestones = tuple(m for m in old.milestones if m.id != milestone_id)
        if len(milestones) == len(old.milestones):
            raise RuleError("milestone_missing", f"action {action_id} has no milestone {milestone_id}")
        new = replace(old, milestones=milestones)
        self._put(new)
        return new

    # -- links to the residents' solutions ----------------------------------------------------------------

    def add_link(self, action_id: str, board: str, item: str) -> Action:
        old = self.live(action_id)
        if not all(isinstance(v, str) and _CLIENT_ID_RE.match(v) for v in (board, item)):
            raise RuleError("invalid_link", "a link names an exploration board and one of its solutions")
        link = Link(board, item)
        if link in old.links:
            raise RuleError("link_exists", f"action {action_id} already answers that solution")
        if len(old.links) >= self.limits.max_links:
            raise RuleError("too_many_links", f"an action links at most {self.limits.max_links} solutions")
        new = replace(old, links=(*old.links, link))
        self._put(new)
        return new

    def set_question(self, action_id: str, question: str | None) -> Action:
        """Say which question de travail the action answers (None: none)."""
        old = self.live(action_id)
        if question is not None and not (isinstance(question, str) and _CLIENT_ID_RE.match(question)):
            raise RuleError("invalid_question", "a question de travail is named by its id")
        new = replace(old, question=question)
        self._put(new)
        return new

    def remove_link(self, action_id: str, board: str, item: str) -> Action:
        old = self.live(action_id)
        links = tuple(link for link in old.links if link != Link(board, item))
        if len(links) == len(old.links):
            raise RuleError("link_missing", f"action {action_id} has no link to that solution")
        new = replace(old, links=links)
        self._put(new)
        return new

    # -- dot votes (`VoteLedger`) ---------------------------------------------------------------------------

    def add_vote(self, participant: str, action_id: str) -> None:
        self.live(action_id)
        self._add_vote(participant, action_id, self.settings.vote_budget)

    def remove_vote(self, participant: str, action_id: str) -> None:
        self.live(action_id)
        self._remove_vote(participant, action_id)

    # -- facilitation -------------------------------------------------------------------------------------

    def update_facilitation(
        self,
        *,
        vote_budget: int | None = None,
        phases: Sequence[str] | None = None,
        phase: str | None = UNSET,
        locked: bool | None = None,
        votes_hidden: bool | None = None,
        spotlight: str | None = UNSET,
        follow: str | None = UNSET,
    ) -> None:
        """The facilitator's settings (None or UNSET leaves one alone; where UNSET is the default, None
        clears), every value checked before any is set — the same rules as `Board.update_settings`."""
        old = self.settings
        changes: dict[str, Any] = {}
        if vote_budget is not None:
            if type(vote_budget) is not int or not 0 <= vote_budget <= self.limits.max_vote_budget:
                raise RuleError(
                    "invalid_budget", f"a vote budget is between 0 and {self.limits.max_vote_budget}"
                )
            changes["vote_budget"] = vote_budget
        if phases is not None:
            if not 1 <= len(phases) <= MAX_ACTION_PHASES or len(set(phases)) != len(phases):
                raise RuleError("invalid_phase", f"a board has 1 to {MAX_ACTION_PHASES} different phases")
            unknown = [p for p in phases if p not in ACTION_PHASES]
            if unknown:
                raise RuleError("invalid_phase", f"unknown phase {unknown[0]!r} for an action fresco")
            changes["phases"] = tuple(phases)
        if phase is not UNSET:
            changes["phase"] = phase
        new_phases = changes.get("phases", old.phases)
        new_phase = changes.get("phase", old.phase)
        if new_phase is not None and new_phase not in new_phases:
            raise RuleError("invalid_phase", f"{new_phase!r} is not one of this board's phases")
        if locked is not None:
            changes["locked"] = locked
        if votes_hidden is not None:
            changes["votes_hidden"] = votes_hidden
        if spotlight is not UNSET:
            if spotlight is not None:
                self.live(spotlight)
            changes["spotlight"] = spotlight
        if follow is not UNSET:
            changes["follow"] = follow
        self.settings = replace(old, **changes)
        self._record(lambda: setattr(self, "settings", old))

    def set_timer(self, action: str, seconds: int | None, at: int) -> None:
        """The shared countdown, on the server's clock (`at`: ms since 1970, stamped by the room)."""
        old = self.settings
        self.settings = replace(old, timer=next_timer(old.timer, action, seconds, at))
        self._record(lambda: setattr(self, "settings", old))

    # -- settings -----------------------------------------------------------------------------------------

    def update_settings(
        self,
        *,
        title: str | None = None,
        start: str | None = None,
        end: str | None = None,
        scale: str | None = None,
        lanes: Sequence[Choice] | None = None,
        axes: Sequence[Choice] | None = None,
        series: Sequence[Choice] | None = None,
        target_groups: Sequence[Choice] | None = None,
        organisations: Sequence[Choice] | None = None,
    ) -> None:
        """Change the settings given (None leaves one alone); every rule is checked before anything is set.

        The timeline's bounds are snapped outward to the (new) scale. A new scale also snaps every card
        outward (a card never shrinks). Nothing in use may go: a card outside the new timeline, a lane with
        cards, an axis or series with levels, a target group or organisation named by a fiche are refused
        (`timeline_cuts_actions`, `lane_in_use`, …) rather than silently changed.
        """
        old = self.settings
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
        for name, value in (
            ("lanes", lanes),
            ("axes", axes),
            ("series", series),
            ("target_groups", target_groups),
            ("organisations", organisations),
        ):
            if value is not None:
                changes[name] = _check_choices(name, value)
        new = replace(old, **changes)
        self._check_settings(new)
        self._check_in_use(new)
        resnapped = {
            a.id: replace(a, start=snap(a.start, new_scale), end=snap_end(a.end, new_scale))
            for a in self.actions.values()
            if not is_snapped(a.start, a.end, new_scale)
        }
        self.settings = new
        self._record(lambda: setattr(self, "settings", old))
        for action in resnapped.values():
            self._check_span(action.start, action.end, action.milestones)
            self._put(action)

    def add_choice(self, list_name: str, choice_id: str, label: str) -> None:
        """A stakeholder adds a public or an organisation that their fiche needs (adding only: removing and
        relabelling are the facilitator's, through `update_settings`)."""
        if list_name not in ("target_groups", "organisations"):
            raise RuleError("invalid_list", "only target groups and organisations take new entries")
        current: tuple[Choice, ...] = getattr(self.settings, list_name)
        if any(c.id == choice_id for c in current):
            raise RuleError("choice_exists", f"{list_name} already has an entry {choice_id!r}")
        if not isinstance(label, str) or not label.strip():
            raise RuleError(f"invalid_{list_name}", "a new entry needs a label")
        grown = (*current, Choice(choice_id, label))
        if list_name == "target_groups":
            self.update_settings(target_groups=grown)
        else:
            self.update_settings(organisations=grown)

    def _check_in_use(self, new: ActionSettings) -> None:
        for action in sorted(self.actions.values(), key=lambda a: a.id):
            start, end = snap(action.start, new.scale), snap_end(action.end, new.scale)
            if start < new.start or end > new.end:
                raise RuleError(
                    "timeline_cuts_actions", f"action {action.id} would be outside the new timeline"
                )
            if action.lane not in new.lane_ids:
                raise RuleError("lane_in_use", f"lane {action.lane!r} still holds action {action.id}")
            for series_id, levels in action.capabilities.items():
                if series_id not in new.series_ids:
                    raise RuleError("series_in_use", f"action {action.id} has levels in series {series_id!r}")
                gone = set(levels) - new.axis_ids
                if gone:
                    raise RuleError("axis_in_use", f"action {action.id} has a level on {sorted(gone)[0]!r}")
            fiche = action.fiche
            if set(fiche.target_groups) - new.target_group_ids:
                raise RuleError("target_group_in_use", f"fiche {action.id} names a target group removed")
            named = {p.organisation for p in fiche.partners} | ({fiche.lead} if fiche.lead else set())
            if named - new.organisation_ids:
                raise RuleError("organisation_in_use", f"fiche {action.id} names an organisation removed")

    # -- snapshots ----------------------------------------------------------------------------------------

    def to_snapshot(self) -> dict[str, Any]:
        """A plain-JSON picture of the whole state, in a stable order (actions by id)."""
        return {
            "settings": settings_to_dict(self.settings),
            "actions": [action_to_dict(self.actions[k]) for k in sorted(self.actions)],
            "votes": [
                {"participant": p, "item": i, "count": c}
                for p in sorted(self.votes)
                for i, c in sorted(self.votes[p].items())
            ],
            "deleted": sorted(self.deleted),
        }

    @classmethod
    def from_snapshot(cls, data: Mapping[str, Any], limits: ActionLimits | None = None) -> ActionBoard:
        """Rebuild a board from `to_snapshot` output through the same rules (it may be an import)."""
        raw = data["settings"]
        timeline = raw["timeline"]
        scale = timeline["scale"]
        if scale not in SCALES:
            raise RuleError("invalid_scale", f"{scale!r} is not a scale: month, quarter or semester")
        settings = ActionSettings(
            title=raw["title"],
            start=parse_month(timeline["start"], what="timeline start"),
            end=parse_month(timeline["end"], what="timeline end"),
            scale=scale,
            lanes=_choices_from(raw, "lanes"),
            axes=_choices_from(raw, "axes"),
            series=_choices_from(raw, "series"),
            target_groups=_choices_from(raw, "target_groups"),
            organisations=_choices_from(raw, "organisations"),
        )
        board = cls(settings=settings, limits=limits or ActionLimits())
        for raw_action in data["actions"]:
            unknown = set(raw_action) - _ACTION_KEYS
            if unknown:
                raise RuleError("field_not_allowed", f"unknown action fields: {', '.join(sorted(unknown))}")
            action_id = raw_action["id"]
            created = board.create_action(
                action_id,
                author=raw_action["author"],
                lane=raw_action["lane"],
                start=raw_action["start"],
                end=raw_action["end"],
                fiche=raw_action["fiche"],
            )
            if (format_month(created.start), format_month(created.end)) != (
                raw_action["start"],
                raw_action["end"],
            ):
                raise RuleError("action_not_snapped", f"action {action_id} does not cover whole periods")
            for m in raw_action.get("milestones", ()):
                board.add_milestone(action_id, m["id"], m["month"], m["label"])
            for series_id, levels in sorted(raw_action.get("capabilities", {}).items()):
                for axis, level in sorted(levels.items()):
                    board.set_capability(action_id, series_id, axis, level)
            for link in raw_action.get("links", ()):
                board.add_link(action_id, link["board"], link["item"])
            if raw_action.get("question") is not None:
                board.set_question(action_id, raw_action["question"])
        votes = data.get("votes", [])
        for vote in votes:
            board.live(vote["item"])
        board._restore_votes(votes, board.limits.max_vote_budget)
        board.deleted.update(d for d in data.get("deleted", ()) if d not in board.actions)
        # Facilitation (snapshots older than it have none: the defaults hold), checked like live.
        board.update_facilitation(
            vote_budget=raw.get("vote_budget", 3),
            phases=tuple(raw.get("phases", ACTION_PHASES)),
            phase=raw.get("phase"),
            locked=bool(raw.get("locked", False)),
            votes_hidden=bool(raw.get("votes_hidden", False)),
            spotlight=raw.get("spotlight"),
            follow=raw.get("follow"),
        )
        board.settings = replace(board.settings, timer=timer_from_dict(raw.get("timer")))
        return board


_ACTION_KEYS = frozenset(
    {"id", "author", "lane", "start", "end", "fiche", "milestones", "capabilities", "links", "question"}
)


def _choices_from(raw_settings: Mapping[str, Any], name: str) -> tuple[Choice, ...]:
    return tuple(_choice_from_dict(name, c) for c in raw_settings[name])


def _choice_from_dict(name: str, raw: Any) -> Choice:
    if not isinstance(raw, Mapping) or set(raw) - {"id", "label"} or "id" not in raw:
        raise RuleError(f"invalid_{name}", f"{name}: an entry is {{id, label?}}")
    return Choice(raw["id"], raw.get("label"))


def _choice_to_dict(choice: Choice) -> dict[str, Any]:
    return {"id": choice.id, "label": choice.label}


def settings_to_dict(settings: ActionSettings) -> dict[str, Any]:
    return {
        "title": settings.title,
        "timeline": {
            "start": format_month(settings.start),
            "end": format_month(settings.end),
            "scale": settings.scale,
        },
        **{name: [_choice_to_dict(c) for c in getattr(settings, name)] for name in LIST_BOUNDS},
        "vote_budget": settings.vote_budget,
        "phases": list(settings.phases),
        "phase": settings.phase,
        "locked": settings.locked,
        "votes_hidden": settings.votes_hidden,
        "timer": timer_to_dict(settings.timer),
        "spotlight": settings.spotlight,
        "follow": settings.follow,
    }


def action_to_dict(action: Action) -> dict[str, Any]:
    return {
        "id": action.id,
        "author": action.author,
        "lane": action.lane,
        "start": format_month(action.start),
        "end": format_month(action.end),
        "fiche": fiche_to_dict(action.fiche),
        "milestones": [
            {"id": m.id, "month": format_month(m.month), "label": m.label} for m in action.milestones
        ],
        "capabilities": {
            series: dict(sorted(levels.items())) for series, levels in sorted(action.capabilities.items())
        },
        "links": [{"board": link.board, "item": link.item} for link in action.links],
        # Only when it answers a question de travail: the snapshots of boards that name none are unchanged.
        **({"question": action.question} if action.question is not None else {}),
    }
