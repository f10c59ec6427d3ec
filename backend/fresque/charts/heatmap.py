"""A heat map: rows × columns of counts (activities × severity), each cell shaded on a single-hue scale
AND its number written in it, so it reads without colour; a suppressed cell is hatched grey with « < 5 »."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .svg import (
    BLUES,
    FONT,
    LINE,
    MUTED,
    SMALL,
    SUPPRESSED_FILL,
    Canvas,
    ink_on,
    number,
    shade,
    text_width,
    wrap,
)

CELL_WIDTH = 66
MIN_ROW = 40
GUTTER = 2  # white between cells
MIN_LABELS = 130
WIDTH = 340


@dataclass(frozen=True)
class HeatCell:
    value: float | None  # None: suppressed (fewer than 5 people)
    text: str  # what the cell says: « 12 », « < 5 »


def heat_map(
    chart_id: str,
    title: str,
    desc: str,
    rows: Sequence[str],
    columns: Sequence[str],
    cells: Sequence[Sequence[HeatCell]],
    *,
    rtl: bool = False,
    lang: str = "fr",
    suppressed_label: str,  # the legend's words for a hatched cell: « moins de 5 personnes »
    scale_label: str,  # the legend's words for the scale: « nombre de difficultés »
    empty: str = "",
    width: float = WIDTH,
) -> Markup:
    labels = max(width - CELL_WIDTH * len(columns), MIN_LABELS)
    width = labels + CELL_WIDTH * len(columns)
    canvas = Canvas(chart_id, width, title, desc, rtl=rtl, lang=lang)
    hatch = f"{chart_id}-hatch"
    pattern = ET.Element(
        "pattern",
        {
            "id": hatch,
            "width": "6",
            "height": "6",
            "patternUnits": "userSpaceOnUse",
            "patternTransform": "rotate(45)",
        },
    )
    ET.SubElement(pattern, "rect", {"width": "6", "height": "6", "fill": SUPPRESSED_FILL})
    ET.SubElement(
        pattern,
        "line",
        {"x1": "0", "y1": "0", "x2": "0", "y2": "6", "stroke": "#b3b3b3", "stroke-width": "2"},
    )
    canvas.define(pattern)
    if not rows:
        canvas.text(0, FONT + 4, empty, fill=MUTED)
        canvas.height = FONT + 12
        return canvas.render()

    # the columns' heads, over their cells
    heads = [wrap(c, CELL_WIDTH + 4, SMALL) for c in columns]
    head_height = max(len(h) for h in heads) * LINE + 6
    for i, lines in enumerate(heads):
        centre = labels + CELL_WIDTH * i + CELL_WIDTH / 2
        for j, line in enumerate(lines):
            canvas.text(
                centre, (j + 1) * LINE, line, anchor="middle", size=SMALL, weight="bold", isolate=True
            )

    top = max((c.value for row in cells for c in row if c.value is not None), default=0.0)
    y = head_height
    for label, row in zip(rows, cells, strict=True):
        lines = wrap(label, labels - 10)
        height = max(MIN_ROW, len(lines) * LINE + 10)
        first = y + (height - len(lines) * LINE) / 2 + LINE - 4
        for j, line in enumerate(lines):
            canvas.text(0, first + j * LINE, line, isolate=True)
        for i, (column, cell) in enumerate(zip(columns, row, strict=True)):
            x = labels + CELL_WIDTH * i
            tip = f"{label} · {column}: {cell.text}"
            if cell.value is None:
                fill, ink = f"url(#{hatch})", "#1a1a1a"
            else:
                fill = shade(cell.value / top) if top > 0 else BLUES[0]
                ink = ink_on(fill)
            canvas.rect(
                x + GUTTER / 2,
                y + GUTTER / 2,
                CELL_WIDTH - GUTTER,
                height - GUTTER,
                fill,
                tip=tip,
                **{"class": "heat-cell"},
            )
            canvas.text(
                x + CELL_WIDTH / 2,
                y + height / 2 + 5,
                cell.text,
                anchor="middle",
                size=FONT,
                fill=ink,
                weight="bold",
                css="heat-value",
            )
        y += height

    # the legend: the scale from light to dark with its bounds, and the hatched « < 5 »
    y += 14
    canvas.text(0, y + 10, scale_label, size=SMALL, fill=MUTED)
    y += 16
    swatch = 22
    for i, colour in enumerate(BLUES):
        canvas.rect(swatch * i, y, swatch, 14, colour)
    canvas.text(0, y + 30, "0", size=SMALL, fill=MUTED)
    canvas.text(swatch * len(BLUES), y + 30, number(top), anchor="end", size=SMALL, fill=MUTED)
    start = swatch * len(BLUES) + 18.0
    if start + swatch + 6 + text_width(suppressed_label, SMALL) > width:  # no room beside: under the scale
        start, y = 0.0, y + 40
    canvas.rect(start, y, swatch, 14, f"url(#{hatch})")
    canvas.text(start + swatch + 6, y + 12, suppressed_label, size=SMALL, fill=MUTED)
    canvas.height = y + 38
    return canvas.render()
