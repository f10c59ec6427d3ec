"""One SVG document of a poster scene, in millimetres: what the PDF wraps and the PNG rasterises.

Pictograms are inlined from the catalogue's OpenMoji files, each once as a <symbol> (its own `id`s dropped:
none of them is referenced) that every card showing it <use>s: they stay vectors in the PDF, and a board of
two hundred cards makes a document a third the size (WeasyPrint parses and styles every element: the PDF of
such a board took 7.4 s with a copy per card). A workshop's own picture (a PNG upload) is an <image> with a
data: URI. Nothing is fetched while drawing.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from .scene import Curve, Dot, Image, Rect, Scene, Text, Thing

# Noto Sans first in every language: resvg takes Arabic letters from the next family, whereas with Noto Sans
# Arabic first it drew the Latin words (names, places) in a stray italic fallback (seen on the Arabic PNG).
FONTS = "'Noto Sans', 'Noto Sans Arabic', 'DejaVu Sans', sans-serif"
_OPEN_TAG = re.compile(r"^.*?<svg\b[^>]*>", re.S)
_CLOSE_TAG = re.compile(r"</svg>\s*$")
_IDS = re.compile(r"\sid=\"[^\"]*\"")
_EMPTY_GROUP = re.compile(r"<g\s*/>")


def _n(v: float) -> str:
    """A coordinate, short: 0.01 mm is finer than any printer."""
    text = f"{v:.2f}".rstrip("0").rstrip(".")
    return "0" if text in ("", "-0") else text


@lru_cache(maxsize=512)
def picture_body(path: Path) -> tuple[str, str]:
    """(viewBox, inner markup) of an OpenMoji SVG file, read once per process."""
    raw = path.read_text(encoding="utf-8")
    opening = _OPEN_TAG.match(raw)
    view_box = "0 0 72 72"
    if opening:
        found = re.search(r"viewBox=\"([^\"]+)\"", opening.group(0))
        if found:
            view_box = found.group(1)
    inner = _IDS.sub("", _CLOSE_TAG.sub("", _OPEN_TAG.sub("", raw, count=1)))
    inner = _EMPTY_GROUP.sub("", re.sub(r">\s+<", "><", inner.strip()))
    return view_box, inner


def _thing(thing: Thing, symbols: dict[Path, str]) -> str:
    if isinstance(thing, Rect):
        stroke = f' stroke="{thing.stroke}" stroke-width="{_n(thing.stroke_width)}"' if thing.stroke else ""
        radius = f' rx="{_n(thing.radius)}"' if thing.radius else ""
        return (
            f'<rect x="{_n(thing.x)}" y="{_n(thing.y)}" width="{_n(thing.w)}" height="{_n(thing.h)}"'
            f' fill="{thing.fill}"{stroke}{radius}/>'
        )
    if isinstance(thing, Text):
        weight = ' font-weight="700"' if thing.bold else ""
        anchor = f' text-anchor="{thing.anchor}"' if thing.anchor != "start" else ""
        return (
            f'<text x="{_n(thing.x)}" y="{_n(thing.y)}" font-size="{_n(thing.size)}" fill="{thing.fill}"'
            f"{weight}{anchor}>{escape(thing.text)}</text>"
        )
    if isinstance(thing, Image):
        box = f'x="{_n(thing.x)}" y="{_n(thing.y)}" width="{_n(thing.size)}" height="{_n(thing.size)}"'
        if thing.picture.svg is not None:
            return f'<use href="#{symbols[thing.picture.svg]}" {box}/>'
        if thing.picture.data_uri:
            return (
                f'<image {box} preserveAspectRatio="xMidYMid meet" href={quoteattr(thing.picture.data_uri)}/>'
            )
        return ""
    if isinstance(thing, Curve):
        p0, c1, c2, p3 = thing.points
        d = "M{} {}C{} {} {} {} {} {}".format(*(_n(v) for point in (p0, c1, c2, p3) for v in point))
        opacity = f' stroke-opacity="{thing.opacity}"' if thing.opacity < 1 else ""
        return (
            f'<path d="{d}" fill="none" stroke="{thing.stroke}" stroke-width="{_n(thing.width)}"'
            f' stroke-linecap="round"{opacity}/>'
        )
    assert isinstance(thing, Dot)
    return (
        f'<circle cx="{_n(thing.cx)}" cy="{_n(thing.cy)}" r="{_n(thing.r)}" fill="{thing.fill}"'
        f' stroke="{thing.stroke}" stroke-width="{_n(thing.stroke_width)}"/>'
    )


def poster_svg(scene: Scene, *, words: bool = True) -> str:
    """The whole poster: `width`/`height` in mm, one user unit = 1 mm. `words=False` leaves the text out
    (the PDF sets it as HTML over the drawing: `output.poster_html`)."""
    things = scene.things if words else [t for t in scene.things if not isinstance(t, Text)]
    symbols: dict[Path, str] = {}
    for thing in things:
        if isinstance(thing, Image) and thing.picture.svg is not None:
            symbols.setdefault(thing.picture.svg, f"p{len(symbols)}")
    defs = "".join(
        '<symbol id="{}" viewBox="{}">{}</symbol>'.format(name, *picture_body(path))
        for path, name in symbols.items()
    )
    body = "\n".join(part for part in (_thing(t, symbols) for t in things) if part)
    w, h = _n(scene.width), _n(scene.height)
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}mm" height="{h}mm" viewBox="0 0 {w} {h}"'
        f' font-family="{FONTS}" lang="{scene.lang}" role="img" aria-label={quoteattr(scene.title)}>\n'
        f"<title>{escape(scene.title)}</title>\n<defs>{defs}</defs>\n{body}\n</svg>\n"
    )
