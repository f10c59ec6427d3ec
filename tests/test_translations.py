"""French typography in the interface's words: a no-break space before `:` and inside « », a narrow no-break
space before `;`, `?` and `!`, so that a line never starts with a lone sign on a resident's phone."""

from __future__ import annotations

import json
import re
from pathlib import Path

FR = Path(__file__).resolve().parents[1] / "frontend" / "static" / "i18n" / "fr.json"


def test_french_punctuation_is_never_left_alone_at_a_line_start() -> None:
    words = json.loads(FR.read_text())
    plain_space = [key for key, text in words.items() if re.search(r" [:;?!»]|« ", text)]
    assert plain_space == []
