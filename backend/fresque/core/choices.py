"""The action fresco's configurable lists: lanes, capability axes and series, target groups, organisations.

Labels of the default entries are not stored as text: a `Choice` with `label=None` is shown with the
translation key `actions.<list>.<id>` (see `label_key`); a choice that people add carries its own text label.
The capabilities' levels (0–4) are fixed and named the same way.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from .errors import RuleError
from .text import check_text

_ID_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,39}$")
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


def check_choices(name: str, choices: Sequence[Choice]) -> tuple[Choice, ...]:
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


def choices_from(raw_settings: Mapping[str, Any], name: str) -> tuple[Choice, ...]:
    return tuple(_choice_from_dict(name, c) for c in raw_settings[name])


def _choice_from_dict(name: str, raw: Any) -> Choice:
    if not isinstance(raw, Mapping) or set(raw) - {"id", "label"} or "id" not in raw:
        raise RuleError(f"invalid_{name}", f"{name}: an entry is {{id, label?}}")
    return Choice(raw["id"], raw.get("label"))


def choice_to_dict(choice: Choice) -> dict[str, Any]:
    return {"id": choice.id, "label": choice.label}
