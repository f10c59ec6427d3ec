"""A text's own direction, from its first strong letter (Unicode's rule P2, which `dir="auto"` asks for).

Why server-side: WeasyPrint does not honour `dir="auto"`, so a resident's or partner's words in the other
script took the document's direction (« Q2 · Et le marché ? » printed as « ? Q2 · Et le marché » in an
Arabic PDF). The schéma's HTML and ODT set each user-written text's direction explicitly from this.
"""

from __future__ import annotations

import unicodedata
from typing import Final

_ISOLATES: Final = {"\u2066", "\u2067", "\u2068"}  # LRI, RLI, FSI: skipped up to their PDI (rule P2)
_PDI: Final = "\u2069"


def direction(text: str, default: str) -> str:
    """`ltr` or `rtl` after the first strong letter of `text` (letters inside isolates skipped), or
    `default` (the document's) when it has none: « < 5 », « 12 », « — »."""
    depth = 0
    for char in text:
        if char in _ISOLATES:
            depth += 1
        elif char == _PDI:
            depth = max(depth - 1, 0)
        elif depth == 0:
            kind = unicodedata.bidirectional(char)
            if kind == "L":
                return "ltr"
            if kind in ("R", "AL"):
                return "rtl"
    return default


def isolate(words: str) -> str:
    """Someone's `words` set inside a translated sentence, in Unicode's first-strong isolate: they keep their
    own direction there (« انطلاقاً من فكرة: ⁨Et le marché ?⁩ », its « ? » after « marché ») and do not
    reorder the sentence around them. Pango (the PDF) and LibreOffice (the ODT) honour isolates."""
    return f"\u2068{words}\u2069" if words else words
