"""Horizontal bars, each under its label: long labels (« Faire une démarche en ligne (CAF, impôts…) »)
stay whole on a phone, and the value is written after the bar's end, with its n."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .svg import FONT, LINE, MUTED, OKABE_ITO, SMALL, SUPPRESSED_FILL, Canvas, text_width, wrap

BAR_HEIGHT = 18
GAP = 12
WIDTH = 340


@dataclass(frozen=True)
class Bar:
    label: str
    value: float | None  # the bar's length in the chart's unit; None: suppressed (fewer than 5 people)
    text: str  # written after the bar: « 42 % », « 12 », « < 5 »
    detail: str = ""  # written after it, muted: « 50 / 120 »
    colour: str | None = None  # else the chart's colour


def bar_chart(
    chart_id: str,
    title: str,
    desc: str,
    bars: Sequence[Bar],
    *,
    rtl: bool = False,
    lang: str = "fr",
    scale_max: float | None = None,  # 100 for percentages; else the largest value
    colour: str = OKABE_ITO[0],
    empty: str = "",
    width: float = WIDTH,
) -> Markup:
    canvas = Canvas(chart_id, width, title, desc, rtl=rtl, lang=lang)
    if not bars:
        canvas.text(0, FONT + 4, empty, fill=MUTED)
        canvas.height = FONT + 12
        return canvas.render()
    written = [f"{b.text} · {b.detail}" if b.detail else b.text for b in bars]
    room = max(text_width(w, SMALL) for w in written) + 8  # after the longest bar, its words
    span = max(width - room, width * 0.4)
    top = max((b.value for b in bars if b.value is not None), default=0.0)
    biggest = scale_max if scale_max is not None else top
    y = 0.0
    for bar, words in zip(bars, written, strict=True):
        for line in wrap(bar.label, width):
            y += LINE
            canvas.text(0, y - 4, line, isolate=True)
        y += 4
        if bar.value is None:
            # no length for a suppressed value: a grey stub, and « < 5 » written as the value
            canvas.rect(0, y, 6, BAR_HEIGHT, SUPPRESSED_FILL, tip=f"{bar.label}: {bar.text}")
            length = 6.0
        else:
            length = span * bar.value / biggest if biggest > 0 else 0.0
            canvas.rect(0, y, length, BAR_HEIGHT, bar.colour or colour, tip=f"{bar.label}: {words}")
        value = canvas.text(length + 6, y + BAR_HEIGHT - 4, bar.text, size=SMALL, weight="bold")
        if bar.detail:  # one text element: the detail follows the value in reading order, either way
            ET.SubElement(value, "tspan", {"fill": MUTED, "font-weight": "normal"}).text = f" · {bar.detail}"
        y += BAR_HEIGHT + GAP
    canvas.height = y
    return canvas.render()
