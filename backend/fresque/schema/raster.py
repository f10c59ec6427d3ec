"""A figure's SVG as a PNG at print resolution, with resvg: the ODT's pictures, and the PDF's in Arabic.

Why the PDF needs it in Arabic: WeasyPrint draws an SVG's text without shaping nor reordering Arabic (its
letters come out apart and backwards); resvg shapes it (rustybuzz) with the system's fonts. resvg does not
apply `direction="rtl"` to `text-anchor` though (the charts place right-to-left text by its logical start,
`fresque.charts.svg.Canvas`), so for a right-to-left SVG the anchors are turned into their physical side
first: `start` becomes `end` and `end` becomes `start`, which is what `direction="rtl"` means for them.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Final

import resvg_py

from .tree import Figure

SVG_NS: Final = "http://www.w3.org/2000/svg"
MM_PER_INCH: Final = 25.4
_SWAP: Final = {"start": "end", "end": "start", "middle": "middle"}
_TEXTS: Final = {f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}tspan", "text", "tspan"}

ET.register_namespace("", SVG_NS)


def physical_anchors(svg: str) -> str:
    """The same picture with every text anchored by its physical side, for a renderer that ignores
    `direction` (left as it is when the SVG is not right to left)."""
    root = ET.fromstring(svg)  # noqa: S314 - our own charts' markup, made by ElementTree, never a user's file
    if root.get("direction") != "rtl":
        return svg

    def walk(element: ET.Element, inherited: str) -> None:
        anchor = element.get("text-anchor", inherited)
        if element.tag in _TEXTS:
            element.set("text-anchor", _SWAP.get(anchor, anchor))
        elif "text-anchor" in element.attrib:
            del element.attrib["text-anchor"]  # its texts carry their own now
        for child in element:
            walk(child, anchor)

    walk(root, "start")
    root.set("direction", "ltr")
    return ET.tostring(root, encoding="unicode")


def png_of(figure: Figure, dpi: int) -> tuple[bytes, int, int]:
    """The figure as a PNG `print_width_mm` wide at `dpi`, and its size in px. ~50–100 ms a figure, most of
    it resvg reading the system's fonts (which draw the charts' words: Noto, DejaVu)."""
    width = max(int(figure.print_width_mm / MM_PER_INCH * dpi), 100)
    height = max(int(width * figure.height / figure.width), 1)
    png = resvg_py.svg_to_bytes(
        svg_string=physical_anchors(figure.svg),
        width=width,
        height=height,
        background="#ffffff",
        skip_system_fonts=False,
        font_family="Noto Sans",
        sans_serif_family="Noto Sans",
    )
    return bytes(png), width, height
