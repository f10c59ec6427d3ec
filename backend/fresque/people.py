"""A participant's optional profile: the few, pseudonymous facts a workshop may note about someone.

Nothing is required and nothing else is kept: the language they chose, their neighbourhood (free text, as they
say it), an age band, a digital fragility level from the street survey, and whether they consent to the use of
their contributions in the city's diagnostic. The sets below are the one definition (the API, the export
schema and the join page read them from here).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

from .core.errors import RuleError
from .core.text import check_text
from .i18n import LANGUAGES as I18N_LANGUAGES

# The name a person goes by in a workshop (typed on a phone, shown on cards and in the console): the join,
# the console's « add someone » and renaming allow this many characters, and so do the pages' fields.
ALIAS_MAX_CHARS: Final = 40

Language = Literal["fr", "en", "ar"]
AgeBand = Literal["under_18", "18_25", "26_40", "41_60", "61_75", "over_75"]
Fragility = Literal["N0", "N1", "N2", "N3", "N4"]

LANGUAGES: Final[tuple[str, ...]] = I18N_LANGUAGES  # a person chooses among the languages Fresque speaks
AGE_BANDS: Final[tuple[str, ...]] = ("under_18", "18_25", "26_40", "41_60", "61_75", "over_75")
# From the street survey: N0 offline, N1 dependent, N2 fragile, N3 autonomous with support, N4 autonomous.
FRAGILITY_LEVELS: Final[tuple[str, ...]] = ("N0", "N1", "N2", "N3", "N4")
NEIGHBOURHOOD_MAX: Final = 120

PROFILE_FIELDS: Final[tuple[str, ...]] = ("language", "neighbourhood", "age_band", "fragility", "consent")


class ProfileError(ValueError):
    """A profile value outside its set: `code` is `invalid_<field>`, the message names the field."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field
        self.code = f"invalid_{field}"
        self.message = message


@dataclass(frozen=True)
class Profile:
    language: str | None = None
    neighbourhood: str | None = None
    age_band: str | None = None
    fragility: str | None = None
    consent: bool | None = None

    def values(self) -> dict[str, str | bool | None]:
        return {name: getattr(self, name) for name in PROFILE_FIELDS}


def _one_of(field: str, value: str | None, allowed: tuple[str, ...]) -> str | None:
    if value is not None and value not in allowed:
        raise ProfileError(field, f"{field} must be one of {', '.join(allowed)}, not {value!r}")
    return value


def check_profile(
    *,
    language: str | None = None,
    neighbourhood: str | None = None,
    age_band: str | None = None,
    fragility: str | None = None,
    consent: bool | None = None,
) -> Profile:
    """The profile, checked; raises `ProfileError` naming the first field that is wrong. A blank
    neighbourhood counts as none."""
    if neighbourhood is not None:
        neighbourhood = neighbourhood.strip() or None
    if neighbourhood is not None:
        try:
            check_text(neighbourhood, max_chars=NEIGHBOURHOOD_MAX, field="neighbourhood")
        except RuleError as exc:
            raise ProfileError("neighbourhood", exc.message) from None
    return Profile(
        language=_one_of("language", language, LANGUAGES),
        neighbourhood=neighbourhood,
        age_band=_one_of("age_band", age_band, AGE_BANDS),
        fragility=_one_of("fragility", fragility, FRAGILITY_LEVELS),
        consent=consent,
    )
