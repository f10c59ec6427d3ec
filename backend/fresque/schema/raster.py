"""A figure's SVG as a PNG at print resolution, with resvg: the ODT's pictures, and the PDF's in Arabic.

Why the PDF needs it in Arabic: WeasyPrint draws an SVG's text without shaping nor reordering Arabic (its
letters come out apart and backwards); resvg shapes it (rustybuzz) with the system's fonts. resvg does not
apply `direction="rtl"` to `text-anchor` though (the charts place right-to-left text by its logical start,
`fresque.charts.svg.Canvas`), so for a right-to-left SVG the anchors are turned into their physical side
first: `start` becomes `end` and `end` becomes `start`, which is what `direction="rtl"` means for them.

Fonts: resvg shapes a text run with its first family and, for the letters that family lacks, shapes the
whole run again with a fallback font, keeping the fallback's glyphs only when both give as many glyphs.
Arabic's ligatures (« لا », the « لإ » of « الإنترنت ») give fewer glyphs than letters, so a run mixing
Latin and Arabic (« الإنترنت (CAF »), or Arabic with a parenthesis or « · » that Noto Sans Arabic lacks,
came out as empty boxes. A figure with Arabic letters is therefore drawn with DejaVu Sans first, which
has both scripts (and the punctuation): every run is shaped by one font, no fallback (`for_resvg`).
"""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET
from functools import lru_cache
from typing import Final

import resvg_py

from .tree import Figure

SVG_NS: Final = "http://www.w3.org/2000/svg"
MM_PER_INCH: Final = 25.4
DPI: Final = 150  # a figure printed 17 cm wide is ~1000 px: sharp on paper, light in the file
FAMILIES: Final = ("Noto Sans", "Noto Sans Arabic", "DejaVu Sans")
# A figure with Arabic letters: one family that has Latin, Arabic and the punctuation around them first.
BOTH_SCRIPTS: Final = "DejaVu Sans, Noto Sans Arabic, Noto Sans, sans-serif"
ARABIC: Final = re.compile("[\u0600-\u06ff\u0750-\u077f\u0870-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")
_SWAP: Final = {"start": "end", "end": "start", "middle": "middle"}
_TEXTS: Final = {f"{{{SVG_NS}}}text", f"{{{SVG_NS}}}tspan", "text", "tspan"}

ET.register_namespace("", SVG_NS)


def for_resvg(svg: str) -> str:
    """The picture as resvg should get it: texts anchored by their physical side (`physical_anchors`) and,
    when it has Arabic letters, DejaVu Sans first for every text (the module's note: no empty boxes)."""
    svg = physical_anchors(svg)
    if not ARABIC.search(svg):
        return svg
    root = ET.fromstring(svg)  # noqa: S314 - our own figures' markup, made by ElementTree
    for element in root.iter():
        element.attrib.pop("font-family", None)
    root.set("font-family", BOTH_SCRIPTS)
    return ET.tostring(root, encoding="unicode")


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


@lru_cache(maxsize=1)
def font_files() -> tuple[str, ...]:
    """The system's files of the families the figures name (`figures.FONT_FAMILY`, the charts' default),
    found by fontconfig; empty when fontconfig is not there (then resvg reads every system font)."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return ()
    files: list[str] = []
    for family in FAMILIES:
        try:  # a fixed program and arguments of ours, no input from anyone
            found = subprocess.run(  # noqa: S603
                [fc_list, "--format", "%{file}\\n", f":family={family}"],
                capture_output=True,
                text=True,
                timeout=10,
                check=False,
            ).stdout.split()
        except (OSError, subprocess.SubprocessError):
            return ()
        files += sorted(f for f in found if f.endswith((".ttf", ".otf", ".ttc")))
    return tuple(dict.fromkeys(files))


@lru_cache(maxsize=256)  # a figure unchanged since the last download (most of them) is not drawn again
def _png(svg: str, width: int, height: int) -> bytes:
    return render(for_resvg(svg), width, height, font_files())


def render(svg: str, width: int, height: int, files: tuple[str, ...]) -> bytes:
    """`svg` (already `for_resvg`) as a PNG by resvg, with the font `files` (all the system's if empty)."""
    return bytes(
        resvg_py.svg_to_bytes(
            svg_string=svg,
            width=width,
            height=height,
            background="#ffffff",
            # The system's fonts draw the charts' words. Only the families the figures use are read when
            # fontconfig finds them: reading all of a desktop's fonts took most of a figure's time.
            skip_system_fonts=bool(files),
            font_files=list(files) or None,
            font_family="Noto Sans",
            sans_serif_family="Noto Sans",
        )
    )


def png_of(figure: Figure, dpi: int = DPI) -> tuple[bytes, int, int]:
    """The figure as a PNG `print_width_mm` wide at `dpi`, and its size in px (~30–100 ms a figure)."""
    width = max(int(figure.print_width_mm / MM_PER_INCH * dpi), 100)
    height = max(int(width * figure.height / figure.width), 1)
    return _png(figure.svg, width, height), width, height
