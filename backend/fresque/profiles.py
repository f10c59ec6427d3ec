"""Participant colours: the one definition of the palette (the pages, `/palette.css`, the API and the board
all read it from here).

A resident picks one of the eight `PALETTE` colours when joining; the facilitator always has
`FACILITATOR_COLOUR`, which residents cannot pick. A colour is stored by its id (`participants.colour`).

Contrast rule (WCAG 2.2 AA):
- `text` is the colour to write on the colour: white where white reaches 4.5:1 on it, otherwise the
  dark ink `INK`, which then does; `tests/test_pages.py` checks every pair is at least 4.5:1.
- a swatch is never identified by colour alone: it is always shown with its translated name
  (`colour.<id>` in `frontend/static/i18n/*.json`) and, when chosen, a check mark;
- every swatch is drawn with a 2 px `INK` outline, so that light colours (yellow, pink, orange) keep a
  3:1 boundary against the page's light background.

Rows created before colours existed have no stored colour: `display_colour` derives a stable one from the
participant's id, so that every author on a board still has a colour.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Final

INK: Final = "#1B1B1F"
WHITE: Final = "#FFFFFF"


@dataclass(frozen=True, slots=True)
class Colour:
    id: str
    hex: str
    text: str  # WHITE or INK: the colour of text and marks drawn on this colour

    @property
    def name_key(self) -> str:
        """The translation key of the colour's name (`colour.red` → "Rouge", "Red", "أحمر")."""
        return f"colour.{self.id}"

    def to_json(self) -> dict[str, str]:
        return {"id": self.id, "hex": self.hex, "text": self.text, "name_key": self.name_key}


PALETTE: Final[tuple[Colour, ...]] = (
    Colour("red", "#C62828", WHITE),
    Colour("orange", "#E8710A", INK),
    Colour("yellow", "#F6C500", INK),
    Colour("green", "#2E7D32", WHITE),
    Colour("turquoise", "#007C89", WHITE),
    Colour("blue", "#1565C0", WHITE),
    Colour("purple", "#7B3FA0", WHITE),
    Colour("pink", "#F4A6C0", INK),
)
FACILITATOR_COLOUR: Final = Colour("charcoal", "#37474F", WHITE)

PALETTE_IDS: Final = frozenset(c.id for c in PALETTE)
_BY_ID: Final = {c.id: c for c in (*PALETTE, FACILITATOR_COLOUR)}


def colour(colour_id: str) -> Colour | None:
    return _BY_ID.get(colour_id)


def all_colours() -> tuple[Colour, ...]:
    """The residents' palette, then the facilitator's colour."""
    return (*PALETTE, FACILITATOR_COLOUR)


def least_used(taken: list[str | None]) -> str:
    """The palette colour fewest participants already have (palette order breaks ties)."""
    counts = {c.id: 0 for c in PALETTE}
    for used in taken:
        if used in counts:
            counts[used] += 1
    return min(PALETTE, key=lambda c: counts[c.id]).id


def display_colour(participant_id: str, role: str, stored: str | None) -> str:
    """The colour to show for a participant: the stored one, else the facilitator's, else a stable pick."""
    if stored is not None and stored in _BY_ID:
        return stored
    if role == "facilitator":
        return FACILITATOR_COLOUR.id
    digest = hashlib.sha256(participant_id.encode()).digest()
    return PALETTE[digest[0] % len(PALETTE)].id


def palette_css() -> str:
    """`/palette.css`: a custom property pair per colour and a `.colour-<id>` class setting them.

    `--colour-<id>` / `--colour-<id>-text` for direct use; the class sets `--swatch` and `--swatch-text`.
    """
    lines = [":root {"]
    for c in all_colours():
        lines.append(f"  --colour-{c.id}: {c.hex};")
        lines.append(f"  --colour-{c.id}-text: {c.text};")
    lines.append("}")
    for c in all_colours():
        lines.append(
            f".colour-{c.id} {{ --swatch: var(--colour-{c.id}); --swatch-text: var(--colour-{c.id}-text); }}"
        )
    return "\n".join(lines) + "\n"
