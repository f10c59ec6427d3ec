"""The poster's SVG as a PDF (vectors, through `fresque.pdf`) or a PNG (resvg).

The PDF is an HTML page of exactly the paper's size holding the SVG inline: WeasyPrint draws inline SVG as
vector paths, so the OpenMoji pictograms stay sharp at any size on the neighbourhood centre's wall, and the
text stays text (`pdftotext` finds it). The PNG is resvg drawing the same SVG, with the system's fonts (the
catalogue's pictures skip them; a poster has words).
"""

from __future__ import annotations

import asyncio
from typing import Final
from xml.sax.saxutils import escape

import resvg_py

from ..pdf import render_pdf
from .scene import Scene, Text
from .svg import FONTS, poster_svg

# Where a baseline sits below the top of its box (line-height 1) in Noto Sans: (1 + ascent - descent) / 2.
BASELINE: Final = 0.888

MIN_WIDTH: Final = 600
MAX_WIDTH: Final = 7200  # an A2 at 300 dpi is 7016 px wide: ~140 MB of pixels while drawing, no more
DEFAULT_WIDTH: Final = 2480  # an A3 at 150 dpi

# A big PNG takes a second or two of CPU: one at a time, in a worker thread, so the rooms keep running.
_one_png_at_a_time = asyncio.Semaphore(1)


def _span(text: Text, width: float) -> str:
    """One line of the poster's words as an HTML box whose baseline sits where the SVG's would."""
    top = text.y - BASELINE * text.size
    if text.anchor == "start":
        where = f"left:{text.x:.2f}mm"
    elif text.anchor == "end":
        where = f"right:{width - text.x:.2f}mm"
    else:  # centred on x: a box wide enough for any line, centred there
        where = f"left:{text.x - 150:.2f}mm;width:300mm;text-align:center"
    weight = "font-weight:700;" if text.bold else ""
    return (
        f'<span dir="auto" style="{where};top:{top:.2f}mm;font-size:{text.size:.2f}mm;{weight}'
        f'color:{text.fill}">{escape(text.text)}</span>'
    )


def poster_html(scene: Scene) -> str:
    """One page of the paper's size, margins none: the drawing (SVG, vectors) and over it the words as HTML.

    Why the words are HTML: WeasyPrint's SVG text draws Arabic words in the wrong order and some letters
    backwards (looked at: the Arabic legend came out « طاشن » for « نشاط »); its HTML text is laid out by
    Pango whole, right to left. Positions and sizes are the scene's, in mm, as in the PNG.
    """
    w, h = f"{scene.width:g}mm", f"{scene.height:g}mm"
    spans = "".join(_span(t, scene.width) for t in scene.things if isinstance(t, Text))
    return (
        f'<!doctype html><html lang="{scene.lang}"><head><meta charset="utf-8">'
        f"<title>{escape(scene.title)}</title>"
        f"<style>@page {{ size: {w} {h}; margin: 0 }} html, body {{ margin: 0; padding: 0 }}"
        f" .poster {{ position: relative; width: {w}; height: {h}; overflow: hidden; font-family: {FONTS} }}"
        f" .poster svg {{ position: absolute; left: 0; top: 0; width: {w}; height: {h} }}"
        f" .poster span {{ position: absolute; white-space: nowrap; line-height: 1 }}</style></head>"
        f'<body><div class="poster">{poster_svg(scene, words=False)}{spans}</div></body></html>'
    )


async def poster_pdf(scene: Scene) -> bytes:
    return await render_pdf(poster_html(scene))


def svg_to_png(svg: str, width: int) -> bytes:
    """Blocking: the PNG `width` px wide (the height follows the paper)."""
    return bytes(resvg_py.svg_to_bytes(svg_string=svg, width=width, dpi=96.0, skip_system_fonts=False))


async def poster_png(scene: Scene, width: int) -> bytes:
    svg = poster_svg(scene)
    async with _one_png_at_a_time:
        return await asyncio.to_thread(svg_to_png, svg, width)
