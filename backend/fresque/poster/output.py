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
from .scene import Scene
from .svg import poster_svg

MIN_WIDTH: Final = 600
MAX_WIDTH: Final = 7200  # an A2 at 300 dpi is 7016 px wide: ~140 MB of pixels while drawing, no more
DEFAULT_WIDTH: Final = 2480  # an A3 at 150 dpi

# A big PNG takes a second or two of CPU: one at a time, in a worker thread, so the rooms keep running.
_one_png_at_a_time = asyncio.Semaphore(1)


def poster_html(scene: Scene) -> str:
    """One page of the paper's size, margins none, the SVG filling it; the document's language and title."""
    w, h = f"{scene.width:g}mm", f"{scene.height:g}mm"
    direction = "rtl" if scene.rtl else "ltr"
    return (
        f'<!doctype html><html lang="{scene.lang}" dir="{direction}"><head><meta charset="utf-8">'
        f"<title>{escape(scene.title)}</title>"
        f"<style>@page {{ size: {w} {h}; margin: 0 }} html, body {{ margin: 0; padding: 0 }}"
        f" svg {{ display: block; width: {w}; height: {h} }}</style></head>"
        f"<body>{poster_svg(scene)}</body></html>"
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
