"""The chronological action fresco's board: its cards and every change to them (issue 5, the pure core).

Stakeholders place **action cards** on a timeline (`fresque.core.timeline`), in lanes (*à poursuivre*,
*à renforcer*, *nouvelle* by default; the lists are `fresque.core.choices`); each card carries its **fiche
action** (`fresque.core.fiche`), its **capabilities web** (levels 0–4 on the workshop's axes, in several
series), milestones, and links to the residents' solutions it answers. The facilitator's controls are the
same as on exploration boards (`fresque.core.facilitation`), and so are dot votes (`fresque.core.votes`).

Like `fresque.core.board.Board`, an `ActionBoard` is mutated only through its methods; each checks its rule
first and records how to undo itself, so that a batch applies all or none (`transaction`). Conflicts are
settled by the one writer's order: the last write of a fiche field wins, a delete wins over any later edit.
A card's `start` is its first month and its `end` its last month, both included, snapped to the scale.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Unpack, cast

from .action_settings import (
    ACTION_PHASES,
    PHASE_RULES,
    ActionSettings,
    SettingsValues,
    changed_settings,
    check_settings,
    settings_from_dict,
    settings_to_dict,
)
from .choices import (
    LEVELS,
    Choice,
)
from .errors import RuleError
from .facilitation import (
    FacilitationValues,
    Timed,
    facilitation_changes,
    facilitation_from_dict,
)
from .fiche import Fiche, check_fiche_whole, fiche_error, fiche_to_dict, parse_fiche_value
from .text import check_text
from .timeline import (
    Month,
    format_month,
    is_snapped,
    parse_month,
    snap,
    snap_end,
)
from .timer import timer_from_dict
from .votes import VoteLedger

# Ids of what clients create (actions, milestones) and of exploration boards and items: the protocol's shape.
_CLIENT_ID_RE = re.compile(r"^[A-Za-z0-9_-]{6,64}$")


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


EDGES = ("start", "end")


@dataclass
class ActionBoard(VoteLedger, Timed):
    settings: ActionSettings
    limits: ActionLimits = field(default_factory=ActionLimits)
    actions: dict[str, Action] = field(default_factory=dict)
    deleted: set[str] = field(default_factory=set)
    # votes[participant][action] = dots that participant put on that action (`VoteLedger`)
    votes: dict[str, dict[str, int]] = field(default_factory=dict)
    _undo: list[Callable[[], None]] | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        check_settings(self.settings)

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
            raise fiche_error("title", "a fiche action needs a title")
        values = {name: parse_fiche_value(name, value, self.settings) for name, value in fiche.items()}
        new_fiche = Fiche(**values)
        check_fiche_whole(new_fiche)
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
        check_fiche_whole(fiche)
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

    def update_facilitation(self, **values: Unpack[FacilitationValues]) -> None:
        """The facilitator's settings, every value checked before any is set: `facilitation_changes`, as
        `Board.update_settings`."""
        old = self.settings
        changes = facilitation_changes(
            old, PHASE_RULES, max_vote_budget=self.limits.max_vote_budget, check_spotlight=self.live, **values
        )
        self.settings = replace(old, **changes)
        self._record(lambda: setattr(self, "settings", old))

    # -- settings -----------------------------------------------------------------------------------------

    def update_settings(self, **values: Unpack[SettingsValues]) -> None:
        """Change the settings given (None leaves one alone); every rule is checked before anything is set.

        The timeline's bounds are snapped outward to the (new) scale. A new scale also snaps every card
        outward (a card never shrinks). Nothing in use may go: a card outside the new timeline, a lane with
        cards, an axis or series with levels, a target group or organisation named by a fiche are refused
        (`timeline_cuts_actions`, `lane_in_use`, …) rather than silently changed.
        """
        old = self.settings
        new = changed_settings(old, **values)
        new_scale = new.scale
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
        settings = settings_from_dict(raw)
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
            vote_budget=raw.get("vote_budget", 3), **facilitation_from_dict(raw, ACTION_PHASES)
        )
        board.settings = replace(board.settings, timer=timer_from_dict(raw.get("timer")))
        return board


_ACTION_KEYS = frozenset(
    {"id", "author", "lane", "start", "end", "fiche", "milestones", "capabilities", "links", "question"}
)


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
