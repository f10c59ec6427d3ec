"""Bars split in parts that add up to 100 % (how autonomous people are at each task): each part has its
colour AND its pattern (plain, stripes, dots…), named in the legend; its percentage is written in it when
it fits, and every number is in the data table beside the chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup

from .svg import FONT, INK, LINE, MUTED, OKABE_ITO, SMALL, SUPPRESSED_FILL, Canvas, text_width, wrap

BAR_HEIGHT = 24
GAP = 14
WIDTH = 340
PATTERNS = ("plain", "stripes", "dots", "cross")


@dataclass(frozen=True)
class Series:
    label: str
    colour: str


@dataclass(frozen=True)
class Segment:
    value: float | None  # percent of the row; None: suppressed (fewer than 5 people)
    text: str  # « 42 % », « < 5 »


@dataclass(frozen=True)
class StackRow:
    label: str
    detail: str  # « n = 40 »
    segments: tuple[Segment, ...]  # one per series, in the series' order
    suppressed: str | None = None  # the whole row is « < 5 »: its text, and no bar


def _pattern(chart_id: str, index: int, colour: str) -> ET.Element:
    kind = PATTERNS[index % len(PATTERNS)]
    pattern = ET.Element(
        "pattern",
        {"id": f"{chart_id}-p{index}", "width": "8", "height": "8", "patternUnits": "userSpaceOnUse"},
    )
    ET.SubElement(pattern, "rect", {"width": "8", "height": "8", "fill": colour})
    mark = {"stroke": "#ffffff", "stroke-opacity": "0.75", "stroke-width": "2"}
    if kind == "stripes":
        ET.SubElement(pattern, "path", {"d": "M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4", **mark})
    elif kind == "dots":
        ET.SubElement(
            pattern, "circle", {"cx": "4", "cy": "4", "r": "1.8", "fill": "#ffffff", "fill-opacity": "0.8"}
        )
    elif kind == "cross":
        ET.SubElement(pattern, "path", {"d": "M0,4 h8 M4,0 v8", **mark})
    return pattern


def default_colours(count: int) -> list[str]:
    return [OKABE_ITO[(2, 1, 3, 0, 5)[i % 5]] for i in range(count)]


def stacked_bars(
    chart_id: str,
    title: str,
    desc: str,
    series: Sequence[Series],
    rows: Sequence[StackRow],
    *,
    rtl: bool = False,
    lang: str = "fr",
    empty: str = "",
    width: float = WIDTH,
) -> Markup:
    canvas = Canvas(chart_id, width, title, desc, rtl=rtl, lang=lang)
    for i, s in enumerate(series):
        canvas.define(_pattern(chart_id, i, s.colour))
    # the legend first, so that the parts are named before they are seen
    y, x = 0.0, 0.0
    for i, s in enumerate(series):
        need = 22 + text_width(s.label, SMALL) + 14
        if x > 0 and x + need > width:
            x, y = 0.0, y + LINE + 4
        canvas.rect(x, y + 2, 16, 16, f"url(#{chart_id}-p{i})", stroke=INK, **{"stroke-width": "0.5"})
        canvas.text(x + 22, y + 15, s.label, size=SMALL, isolate=True)
        x += need
    y += LINE + 14
    if not rows:
        canvas.text(0, y + FONT, empty, fill=MUTED)
        canvas.height = y + FONT + 8
        return canvas.render()
    for row in rows:
        lines = wrap(row.label, width)
        for j, line in enumerate(lines):
            y += LINE
            label = canvas.text(0, y - 4, line, isolate=True)
            if j == len(lines) - 1 and row.detail:
                ET.SubElement(
                    label, "tspan", {"fill": MUTED, "font-size": str(SMALL)}
                ).text = f" · {row.detail}"
        y += 4
        if row.suppressed is not None:
            canvas.rect(0, y, 6, BAR_HEIGHT, SUPPRESSED_FILL)
            canvas.text(12, y + BAR_HEIGHT - 7, row.suppressed, size=SMALL, weight="bold")
        else:
            start = 0.0
            unknown = []
            for i, (s, seg) in enumerate(zip(series, row.segments, strict=True)):
                if seg.value is None:
                    colon = "\u00a0: " if lang == "fr" else ": "  # French: a no-break space before « : »
                    unknown.append(f"{s.label}{colon}{seg.text}")
                    continue
                span = width * seg.value / 100
                if span <= 0:
                    continue
                canvas.rect(
                    start,
                    y,
                    span,
                    BAR_HEIGHT,
                    f"url(#{chart_id}-p{i})",
                    tip=f"{row.label} · {s.label}: {seg.text}",
                )
                if text_width(seg.text, SMALL) + 6 <= span:
                    canvas.text(
                        start + span / 2,
                        y + BAR_HEIGHT - 7,
                        seg.text,
                        anchor="middle",
                        size=SMALL,
                        weight="bold",
                        halo=True,
                    )
                start += span
            if unknown:  # parts too small to show: said under the bar, never drawn as a length
                y += BAR_HEIGHT + LINE
                canvas.text(0, y - 2, " · ".join(unknown), size=SMALL, fill=MUTED)
                y -= BAR_HEIGHT
        y += BAR_HEIGHT + GAP
    canvas.height = y
    return canvas.render()
