"""The pages' translations: `frontend/static/i18n/{fr,en,ar}.json`, flat dotted keys, read once.

The language of a request: `?lang=` (which the page then stores in the cookie), else the `fresque_lang`
cookie, else the browser's `Accept-Language` (a first visit from an Arabic phone opens in Arabic), else
French. Templates get `t(key, **vars)`, `lang` and `dir`. A missing key shows as the key
itself (visible, never a crash); `{name}` in a string is replaced by the variable `name`.
The same files and rules serve the browser (`frontend/static/js/core/i18n.js`).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Final

from starlette.requests import Request
from starlette.responses import Response

LANGUAGES: Final = ("fr", "en", "ar")
DEFAULT_LANGUAGE: Final = "fr"
RTL_LANGUAGES: Final = frozenset({"ar"})
LANG_COOKIE: Final = "fresque_lang"
LANG_COOKIE_MAX_AGE: Final = 60 * 60 * 24 * 365
I18N_DIR: Final = Path(__file__).resolve().parents[2] / "frontend" / "static" / "i18n"

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")

Translate = Callable[..., str]


@functools.cache
def dictionaries(directory: Path = I18N_DIR) -> Mapping[str, Mapping[str, str]]:
    """Every language's dictionary, read once per process."""
    out: dict[str, dict[str, str]] = {}
    for lang in LANGUAGES:
        raw = json.loads((directory / f"{lang}.json").read_text(encoding="utf-8"))
        if not isinstance(raw, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in raw.items()
        ):
            raise ValueError(f"{directory / lang}.json must be one flat object of strings")
        out[lang] = raw
    return out


def direction_of(lang: str) -> str:
    return "rtl" if lang in RTL_LANGUAGES else "ltr"


def fill(template: str, variables: Mapping[str, object]) -> str:
    """Replace each `{name}` by its variable; a placeholder with no variable stays as written."""
    return _PLACEHOLDER.sub(
        lambda m: str(variables[m.group(1)]) if m.group(1) in variables else m.group(0), template
    )


def translator(lang: str) -> Translate:
    table = dictionaries()[lang]

    def t(key: str, **variables: object) -> str:
        return fill(table.get(key, key), variables)

    return t


def accepted_language(header: str | None) -> str | None:
    """The language of ours the browser prefers most (`Accept-Language`, RFC 9110 §12.5.4), or None.

    `ar-MA,ar;q=0.9,fr;q=0.8`: each range's primary subtag against ours, by weight (q, 1 when absent;
    0 means "not this one"), the header's order breaking ties. `*` and unknown languages choose nothing."""
    best: tuple[float, int, str] | None = None
    for position, part in enumerate((header or "").split(",")[:40]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    weight = float(value)
                except ValueError:
                    weight = 0.0
        lang = tag.strip().lower().split("-")[0]
        if lang not in LANGUAGES or not 0 < weight <= 1:
            continue
        if best is None or (-weight, position) < (-best[0], best[1]):
            best = (weight, position, lang)
    return best[2] if best else None


def requested_language(request: Request) -> tuple[str, bool]:
    """The language for this request, and whether it came from `?lang=` (so the cookie must be set)."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked, True
    cookie = request.cookies.get(LANG_COOKIE)
    if cookie in LANGUAGES:
        return cookie, False
    return accepted_language(request.headers.get("accept-language")) or DEFAULT_LANGUAGE, False


def remember_language(response: Response, lang: str) -> None:
    response.set_cookie(LANG_COOKIE, lang, max_age=LANG_COOKIE_MAX_AGE, path="/", samesite="lax")
