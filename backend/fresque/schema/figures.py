"""The schéma's own pictures as SVG: the chronological fresco (the action plan's lanes on its timeline) and
each fiche's capabilities web. The diagnostic's charts come drawn from `fresque.charts`.

The fresco is laid out by `print_pages.timeline_view` (the action board's printed timeline: the same
columns, lanes, packed bars and milestones) and drawn here as one SVG, so that it is one figure of the
document. Time runs left to right in every language, as on the board.

The web is `radar.radar_geometry` (the single definition of where a web's parts go, the PNG's and the
browser's) drawn as SVG, so that it stays a vector in the PDF and is rasterised for the ODT like the other
figures. Texts are escaped by ElementTree.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping, Sequence
from typing import Any, Final

from ..charts.svg import FSI, PDI, wrap
from ..radar import LEVEL_RINGS, MAX_LEVEL, SERIES_COLOURS, radar_geometry

SVG_NS: Final = "http://www.w3.org/2000/svg"
PX_PER_MM: Final = 4.0
FONT_FAMILY: Final = "Noto Sans, DejaVu Sans, sans-serif"
INK: Final = "#1a1a1a"
GRID: Final = "#b8b8b8"


def _n(value: float) -> str:
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded.is_integer() else str(rounded)


def _root(width: float, height: float, title: str, lang: str, rtl: bool) -> ET.Element:
    root = ET.Element(
        "svg",
        {
            "xmlns": SVG_NS,
            "viewBox": f"0 0 {_n(width)} {_n(height)}",
            "width": _n(width),
            "height": _n(height),
            "font-family": FONT_FAMILY,
            "lang": lang,
            "direction": "rtl" if rtl else "ltr",
        },
    )
    ET.SubElement(root, "title").text = title
    ET.SubElement(
        root, "rect", {"x": "0", "y": "0", "width": _n(width), "height": _n(height), "fill": "#fff"}
    )
    return root


def _text(parent: ET.Element, x: float, y: float, content: str, size: float, **attrs: str) -> ET.Element:
    element = ET.SubElement(
        parent, "text", {"x": _n(x), "y": _n(y), "font-size": _n(size), "fill": INK, **attrs}
    )
    element.text = content
    return element


# -- the chronological fresco --------------------------------------------------------------------------------


def fresco_svg(
    timeline: Mapping[str, Any], title: str, lang: str, legend: Sequence[str]
) -> tuple[str, float, float]:
    """The timeline (`print_pages.timeline_view`) as one SVG: years and periods on top, one band per lane
    with its bars (number and title) and milestones, then the legend (`legend`: the words for « draft »
    and « milestone »). Returns the SVG and its size in px."""
    k = PX_PER_MM
    width = float(timeline["width"]) * k
    header = float(timeline["header_h"]) * k
    lanes_h = sum(float(lane["height"]) for lane in timeline["lanes"]) * k
    legend_h = 10 * k
    height = header + lanes_h + legend_h
    root = _root(width, height, title, lang, rtl=False)
    for year in timeline["years"]:
        x, w = float(year["x"]) * k, float(year["w"]) * k
        ET.SubElement(
            root,
            "rect",
            {"x": _n(x), "y": "0", "width": _n(w), "height": _n(6 * k), "fill": "#eef1f5", "stroke": "#fff"},
        )
        _text(
            root,
            x + w / 2,
            4.3 * k,
            year["label"],
            3.0 * k,
            **{"text-anchor": "middle", "font-weight": "bold"},
        )
    for column in timeline["columns"]:
        x = float(column.x) * k
        ET.SubElement(
            root,
            "line",
            {
                "x1": _n(x),
                "y1": _n(6 * k),
                "x2": _n(x),
                "y2": _n(height - legend_h),
                "stroke": "#777" if column.strong else GRID,
                "stroke-width": "1",
            },
        )
        if column.label:
            _text(
                root,
                x + float(column.w) * k / 2,
                10.3 * k,
                column.label,
                2.6 * k,
                **{"text-anchor": "middle"},
            )
    label_w = float(timeline["label_w"]) * k
    top = header
    bar_h = float(timeline["bar_h"]) * k
    for lane in timeline["lanes"]:
        lane_h = float(lane["height"]) * k
        group = ET.SubElement(root, "g")
        ET.SubElement(group, "title").text = lane["summary"]
        ET.SubElement(
            group,
            "rect",
            {"x": "0", "y": _n(top), "width": _n(label_w), "height": _n(lane_h), "fill": lane["fill"]},
        )
        ET.SubElement(
            group,
            "rect",
            {"x": "0", "y": _n(top), "width": _n(1.6 * k), "height": _n(lane_h), "fill": lane["stroke"]},
        )
        ET.SubElement(
            group,
            "rect",
            {
                "x": "0",
                "y": _n(top),
                "width": _n(width),
                "height": _n(lane_h),
                "fill": "none",
                "stroke": "#888",
            },
        )
        lines = lane["label_lines"]
        first = top + lane_h / 2 - (len(lines) - 1) * 1.9 * k + 1.1 * k
        for i, line in enumerate(lines):
            _text(
                group, 3.2 * k, first + i * 3.8 * k, f"{FSI}{line}{PDI}", 3.0 * k, **{"font-weight": "bold"}
            )
        for bar in lane["bars"]:
            x, y, w = float(bar["x"]) * k, top + float(bar["y"]) * k, float(bar["w"]) * k
            draft = bar["status"] == "draft"
            ET.SubElement(
                group,
                "rect",
                {
                    "x": _n(x + 0.4 * k),
                    "y": _n(y),
                    "width": _n(max(w - 0.8 * k, 1)),
                    "height": _n(bar_h),
                    "rx": _n(1.2 * k),
                    "fill": "#fff" if draft else lane["fill"],
                    "stroke": lane["stroke"],
                    "stroke-width": "2",
                    **({"stroke-dasharray": "6 4"} if draft else {}),
                },
            )
            _text(
                group,
                x + 1.4 * k,
                top + float(bar["text_y"]) * k,
                f"{FSI}{bar['text']}{PDI}",
                float(timeline["font"]) * k,
            )
            for m in bar["milestones"]:
                mx, my = float(m["x"]) * k, top + float(bar["mid_y"]) * k
                ET.SubElement(
                    group,
                    "path",
                    {"d": f"M {_n(mx)} {_n(my - 6)} l 6 6 l -6 6 l -6 -6 z", "fill": lane["stroke"]},
                )
        top += lane_h
    if timeline["today_x"] is not None:
        x = float(timeline["today_x"]) * k
        ET.SubElement(
            root,
            "line",
            {
                "x1": _n(x),
                "y1": _n(6 * k),
                "x2": _n(x),
                "y2": _n(top),
                "stroke": "#c00",
                "stroke-width": "2",
                "stroke-dasharray": "5 3",
            },
        )
    # legend: one swatch per lane, then draft and milestone, each followed by its words
    x, y = 0.0, top + 3 * k

    def swatch(fill: str, stroke: str, words: str, **more: str) -> None:
        nonlocal x
        box = {"x": _n(x), "y": _n(y), "width": _n(8 * k), "height": _n(4 * k), "rx": "4"}
        ET.SubElement(root, "rect", {**box, "fill": fill, "stroke": stroke, "stroke-width": "2", **more})
        _words(words)

    def _words(words: str) -> None:
        nonlocal x
        _text(root, x + 10 * k, y + 3.3 * k, f"{FSI}{words}{PDI}", 3.2 * k)
        x += (14 + len(words) * 2.0) * k

    for item in timeline["legend"]:
        swatch(item["fill"], item["stroke"], item["label"])
    swatch("#fff", "#555", legend[0], **{"stroke-dasharray": "6 4"})
    ET.SubElement(
        root,
        "path",
        {
            "d": f"M {_n(x + 4 * k)} {_n(y)} l {_n(2 * k)} {_n(2 * k)} "
            f"l {_n(-2 * k)} {_n(2 * k)} l {_n(-2 * k)} {_n(-2 * k)} z",
            "fill": "#444",
        },
    )
    _words(legend[1])
    return ET.tostring(root, encoding="unicode"), width, height


# -- the capabilities web ------------------------------------------------------------------------------------

RADAR_PX: Final = 520


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def radar_svg(
    axes: Sequence[str],
    labels: Sequence[str],
    series: Mapping[str, str],
    levels: Mapping[str, Mapping[str, int]],
    title: str,
    lang: str,
) -> str:
    """The web (today and aimed, or whatever series the board has) with its axis labels and legend. The
    geometry is `radar_geometry`'s; the levels are written out in the fiche's table beside it."""
    size = RADAR_PX
    ordered = {s: levels[s] for s in series if s in levels}
    geometry = radar_geometry(axes, ordered, size)
    # laid out physically (the geometry's anchors are the page's left and right, as on the PNG and the
    # browser's web) in every language: each label's own direction comes from its words (isolates)
    root = _root(size, size, title, lang, rtl=False)
    cx, cy = geometry.centre
    for a in geometry.axes:
        ET.SubElement(
            root,
            "line",
            {"x1": _n(cx), "y1": _n(cy), "x2": _n(a.end[0]), "y2": _n(a.end[1]), "stroke": "#bebebe"},
        )
    for level in LEVEL_RINGS:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in geometry.rings[level])
        ET.SubElement(
            root,
            "polygon",
            {"points": points, "fill": "none", "stroke": "#969696" if level == MAX_LEVEL else "#c8c8c8"},
        )
        x, y = geometry.rings[level][0]
        _text(root, x - 6, y + 12, str(level), 11, fill="#787878", **{"text-anchor": "end"})
    colours = {s: _hex(SERIES_COLOURS[i % len(SERIES_COLOURS)]) for i, s in enumerate(series)}
    for s in geometry.series:
        points = " ".join(f"{_n(x)},{_n(y)}" for x, y in s.points)
        ET.SubElement(
            root,
            "polygon",
            {
                "points": points,
                "fill": colours[s.id],
                "fill-opacity": "0.27",
                "stroke": colours[s.id],
                "stroke-width": "3",
            },
        )
        for x, y in s.points:
            ET.SubElement(root, "circle", {"cx": _n(x), "cy": _n(y), "r": "4", "fill": colours[s.id]})
    for a, label in zip(geometry.axes, labels, strict=True):
        # whole words on up to two lines (a label cut with « … » lost its Arabic glyphs in resvg)
        lines = wrap(label, 150, 13, max_lines=2)
        first = {"bottom": -4 - 15 * (len(lines) - 1), "middle": 5 - 7.5 * (len(lines) - 1), "top": 14}[
            a.baseline
        ]
        text = _text(root, a.label_anchor[0], a.label_anchor[1] + first, "", 13, **{"text-anchor": a.align})
        for i, line in enumerate(lines):
            span = ET.SubElement(text, "tspan", {"x": _n(a.label_anchor[0]), "dy": "0" if i == 0 else "15"})
            span.text = f"{FSI}{line}{PDI}"
    x = size * 0.1
    y = size - 26.0
    for series_id, label in series.items():
        ET.SubElement(
            root,
            "rect",
            {
                "x": _n(x),
                "y": _n(y - 12),
                "width": "16",
                "height": "16",
                "fill": colours[series_id],
                "fill-opacity": "0.5",
                "stroke": colours[series_id],
                "stroke-width": "2",
            },
        )
        _text(root, x + 22, y + 1, f"{FSI}{label}{PDI}", 14)
        x += 50 + len(label) * 8
    return ET.tostring(root, encoding="unicode")
