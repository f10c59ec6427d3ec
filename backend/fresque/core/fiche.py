"""The fiche action: every field PRODUCT.md lists, its limits, and how a wire value becomes a stored one.

Each action card carries one. Its positioning is the card's lane and its calendar dates are the card's span
and milestones (`fresque.core.actions`); a fiche names target groups and organisations of the workshop's
lists (`fresque.core.choices`). Every refusal is `fiche_invalid_<field>`, so the page can point at the field.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import Any, Literal, Protocol

from .errors import RuleError
from .text import check_text


class FicheLists(Protocol):
    """The ids a fiche may name (`ActionSettings`)."""

    @property
    def organisation_ids(self) -> frozenset[str]: ...
    @property
    def target_group_ids(self) -> frozenset[str]: ...


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
# An indicator's other texts (its label's limit is LIST_LIMITS["indicators"]).
INDICATOR_TEXT_LIMITS: Mapping[str, int] = {"target": 120, "source": 200}
# List fields: (most entries, limit of each entry's main text).
LIST_LIMITS: Mapping[str, tuple[int, int]] = {
    "operational_objectives": (20, 300),
    "target_groups": (40, 40),
    "territory": (30, 120),
    "partners": (30, 200),  # the role's length
    "funding": (20, 120),  # the source's length
    "indicators": (20, 300),  # the label's length; target 120, source 200
}


def fiche_error(name: str, message: str) -> RuleError:
    return RuleError(f"fiche_invalid_{name}", message)


def _text(name: str, value: Any, max_chars: int) -> str:
    if not isinstance(value, str):
        raise fiche_error(name, f"{name} is text")
    try:
        return check_text(value, max_chars=max_chars, field=name)
    except RuleError as error:
        raise fiche_error(name, error.message) from None


def _entries(name: str, value: Any) -> list[Any]:
    if not isinstance(value, list | tuple):
        raise fiche_error(name, f"{name} is a list")
    most = LIST_LIMITS[name][0]
    if len(value) > most:
        raise fiche_error(name, f"{name} has {len(value)} entries; the limit is {most}")
    return list(value)


def _record_of(name: str, value: Any, keys: set[str], required: set[str]) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise fiche_error(name, f"each entry of {name} is an object")
    unknown = set(value) - keys
    if unknown:
        raise fiche_error(name, f"an entry of {name} has no {', '.join(sorted(unknown))}")
    missing = required - set(value)
    if missing:
        raise fiche_error(name, f"an entry of {name} needs {', '.join(sorted(missing))}")
    return value


def _amount(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AMOUNT:
        raise fiche_error(name, f"an amount in {name} is a whole number of euros from 0 to {MAX_AMOUNT}")
    return value


def _one_of(name: str, value: Any, allowed: Sequence[str]) -> Any:
    if value not in allowed:
        raise fiche_error(name, f"{name} is one of {', '.join(allowed)}")
    return value


def _known(name: str, value: Any, ids: frozenset[str], what: str) -> str:
    if not isinstance(value, str) or value not in ids:
        raise fiche_error(name, f"{value!r} is not one of this workshop's {what}")
    return value


def parse_fiche_value(name: str, value: Any, settings: FicheLists) -> Any:
    """A fiche field's wire value → its stored value, or `fiche_invalid_<name>`. `None` clears a field."""
    if name not in FICHE_FIELDS:
        raise RuleError("fiche_unknown_field", _unknown_message(name))
    if name in TEXT_LIMITS:
        if value is None and name != "title":
            return ""
        text = _text(name, value, TEXT_LIMITS[name])
        if name == "title" and not text.strip():
            raise fiche_error(name, "a fiche action needs a title")
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
            raise fiche_error(name, f"an entry of {name} is empty")
        return tuple(texts)
    if name == "target_groups":
        groups = [_known(name, entry, settings.target_group_ids, "target groups") for entry in entries]
        if len(set(groups)) != len(groups):
            raise fiche_error(name, "a target group appears twice")
        return tuple(groups)
    if name == "partners":
        partners = []
        for entry in entries:
            raw = _record_of(name, entry, {"organisation", "role"}, {"organisation"})
            org = _known(name, raw["organisation"], settings.organisation_ids, "organisations")
            partners.append(Partner(org, _text(name, raw.get("role", ""), limit)))
        if len({p.organisation for p in partners}) != len(partners):
            raise fiche_error(name, "an organisation appears twice among the partners")
        return tuple(partners)
    if name == "funding":
        lines = []
        for entry in entries:
            raw = _record_of(name, entry, {"source", "amount", "state"}, {"source", "amount"})
            source = _text(name, raw["source"], limit)
            if not source.strip():
                raise fiche_error(name, "a funding line needs a source")
            state = _one_of(name, raw.get("state", "planned"), FUNDING_STATES)
            lines.append(FundingLine(source, _amount(name, raw["amount"]), state))
        return tuple(lines)
    assert name == "indicators"
    indicators = []
    for entry in entries:
        raw = _record_of(name, entry, {"kind", "label", "target", "source"}, {"kind", "label"})
        label = _text(name, raw["label"], limit)
        if not label.strip():
            raise fiche_error(name, "an indicator needs a label")
        indicators.append(
            Indicator(
                kind=_one_of(name, raw["kind"], INDICATOR_KINDS),
                label=label,
                target=_text(name, raw.get("target", ""), INDICATOR_TEXT_LIMITS["target"]),
                source=_text(name, raw.get("source", ""), INDICATOR_TEXT_LIMITS["source"]),
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


def check_fiche_whole(fiche: Fiche) -> None:
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
