"""The action fresco's calendar: year-months and the timeline's scales (month, quarter, semester).

On the wire and in snapshots a date is a `"YYYY-MM"` string; inside it is a `Month` number
(`year * 12 + month - 1`) so that arithmetic is plain. Every date a change brings is **snapped** to the
timeline's scale: a start down to the first month of its period, an end up to the last month of its period
(a quarter starts in January, April, July or October; a semester in January or July), so a card always covers
whole periods.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, Literal

from .errors import RuleError

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
