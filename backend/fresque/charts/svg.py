"""What every chart shares: an SVG canvas laid out on a logical axis (mirrored for right to left), line
wrapping without font metrics, the palettes, and the data table that goes beside a chart."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from typing import Final

from markupsafe import Markup

SVG_NS: Final = "http://www.w3.org/2000/svg"
#: How a value computed from fewer than 5 people is written, in the charts as in the tables and the API.
SUPPRESSED: Final = "< 5"
FSI: Final = "\u2068"  # first-strong isolate: the text's own direction, from its first letter
PDI: Final = "\u2069"  # pop directional isolate

#: A chart is drawn 340 px wide and shown at about 0.89× in a 360 px phone's card: 15 px is 13.4 px there.
FONT: Final = 15  # px: labels
SMALL: Final = 14  # px: values beside bars, legends (12.5 px on that phone: never less than 12)
LINE: Final = 19  # px between two lines of a label
#: An average glyph's width in ems, for wrapping without font metrics: generous, so that a line fits.
CHAR_EM: Final = 0.58
INK: Final = "#1a1a1a"
MUTED: Final = "#595959"  # 7:1 on white
#: Okabe & Ito's colours, distinguishable with every common colour-vision deficiency.
OKABE_ITO: Final = ("#0072B2", "#E69F00", "#009E73", "#D55E00", "#56B4E9", "#CC79A7", "#F0E442", "#000000")
#: A single-hue sequential scale (ColorBrewer « Blues »), light to dark, for magnitudes.
BLUES: Final = ("#eff3ff", "#c6dbef", "#9ecae1", "#6baed6", "#4292c6", "#2171b5", "#08519c", "#08306b")
SUPPRESSED_FILL: Final = "#e6e6e6"


@dataclass(frozen=True)
class DataTable:
    """A chart's data as the page shows it in an HTML table: every cell already written out (« < 5 »
    where the chart has « < 5 »). The first column heads its row (`<th scope="row">`)."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


def text_width(text: str, size: float = FONT) -> float:
    """An estimate of `text`'s width in px (no font metrics on the server): a little wide on purpose."""
    return len(text) * size * CHAR_EM


def wrap(text: str, width: float, size: float = FONT, max_lines: int = 2) -> list[str]:
    """`text` in lines of at most `width` px (estimated), broken between words; past `max_lines`, the last
    line ends with « … » (the full text is in the data table and the element's `<title>`)."""
    words = text.split()
    lines: list[str] = []
    current = ""
    for word in words:
        candidate = f"{current} {word}" if current else word
        if current and text_width(candidate, size) > width:
            lines.append(current)
            current = word
        else:
            current = candidate
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        kept = lines[: max_lines - 1]
        rest = " ".join(lines[max_lines - 1 :])
        while rest and text_width(rest + "…", size) > width:
            rest = rest[:-1].rstrip()
        lines = [*kept, rest + "…"]
    # one word longer than the line: cut it, the full text being elsewhere
    fitted = []
    for line in lines:
        while len(line) > 1 and text_width(line, size) > width:
            line = line[:-2] + "…"
        fitted.append(line)
    return fitted or [""]


def luminance(hex_colour: str) -> float:
    """WCAG relative luminance of `#rrggbb`."""
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ink_on(hex_colour: str) -> str:
    """Black or white, whichever reads better on `hex_colour` (the larger WCAG contrast)."""
    lum = luminance(hex_colour)
    return INK if (lum + 0.05) / (luminance(INK) + 0.05) >= 1.05 / (lum + 0.05) else "#ffffff"


def shade(fraction: float) -> str:
    """The sequential scale's colour for `fraction` of the largest value (0..1)."""
    fraction = min(max(fraction, 0.0), 1.0)
    return BLUES[min(int(fraction * (len(BLUES) - 1) + 0.5), len(BLUES) - 1)]


def number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:.1f}"


@dataclass
class Canvas:
    """An SVG being drawn. `x` arguments are logical (0 = the inline start, the left in French, the right
    in Arabic); `rtl` mirrors them, and `direction="rtl"` makes `text-anchor="start"` the text's right edge,
    so the same layout reads correctly both ways."""

    chart_id: str
    width: float
    title: str
    desc: str
    rtl: bool = False
    lang: str = "fr"
    height: float = 0.0
    _body: list[ET.Element] = field(default_factory=list)
    _defs: list[ET.Element] = field(default_factory=list)

    def x(self, logical: float, span: float = 0.0) -> float:
        """The physical x of a logical position (of the left edge of something `span` wide)."""
        return self.width - logical - span if self.rtl else logical

    def add(self, element: ET.Element) -> ET.Element:
        self._body.append(element)
        return element

    def define(self, element: ET.Element) -> None:
        self._defs.append(element)

    def rect(
        self, x: float, y: float, w: float, h: float, fill: str, *, tip: str | None = None, **attrs: str
    ) -> ET.Element:
        element = ET.Element(
            "rect",
            {
                "x": _n(self.x(x, w)),
                "y": _n(y),
                "width": _n(max(w, 0.0)),
                "height": _n(h),
                "fill": fill,
                **attrs,
            },
        )
        if tip:
            ET.SubElement(element, "title").text = tip
        return self.add(element)

    def text(
        self,
        x: float,
        y: float,
        content: str,
        *,
        anchor: str = "start",
        size: float = FONT,
        fill: str = INK,
        weight: str | None = None,
        halo: bool = False,
        css: str | None = None,
        isolate: bool = False,
    ) -> ET.Element:
        """Text whose `anchor` (`start`, `middle`, `end`) is logical, at the baseline `y`. `isolate` wraps
        words of unknown direction (a label, a neighbourhood's name, a French word in an Arabic chart) in
        Unicode's first-strong isolate, so « Médecin, » keeps its comma at its end inside a right-to-left
        chart, and the chart's direction still places it."""
        attrs = {
            "x": _n(self.x(x)),
            "y": _n(y),
            "font-size": _n(size),
            "fill": fill,
            "text-anchor": anchor,
        }
        if weight:
            attrs["font-weight"] = weight
        if halo:  # a white outline under the glyphs: readable over a pattern or a colour
            attrs.update({"stroke": "#ffffff", "stroke-width": "3", "paint-order": "stroke"})
        if css:
            attrs["class"] = css
        element = ET.Element("text", attrs)
        element.text = f"{FSI}{content}{PDI}" if isolate else content
        return self.add(element)

    def line(self, x1: float, y1: float, x2: float, y2: float, stroke: str, **attrs: str) -> ET.Element:
        return self.add(
            ET.Element(
                "line",
                {"x1": _n(self.x(x1)), "y1": _n(y1), "x2": _n(self.x(x2)), "y2": _n(y2), "stroke": stroke}
                | attrs,
            )
        )

    def render(self) -> Markup:
        """The finished `<svg>`, to be put in the page as it is (every text escaped by ElementTree)."""
        title_id, desc_id = f"{self.chart_id}-title", f"{self.chart_id}-desc"
        root = ET.Element(
            "svg",
            {
                "xmlns": SVG_NS,
                "id": self.chart_id,
                "class": "chart",
                "role": "img",
                "aria-labelledby": f"{title_id} {desc_id}",
                "viewBox": f"0 0 {_n(self.width)} {_n(self.height)}",
                "width": _n(self.width),
                "height": _n(self.height),
                "direction": "rtl" if self.rtl else "ltr",
                "lang": self.lang,
                "focusable": "false",
            },
        )
        ET.SubElement(root, "title", {"id": title_id}).text = self.title
        ET.SubElement(root, "desc", {"id": desc_id}).text = self.desc
        if self._defs:
            defs = ET.SubElement(root, "defs")
            defs.extend(self._defs)
        root.extend(self._body)
        # every text and attribute was escaped by ElementTree: the markup is safe to put in a page
        return Markup(ET.tostring(root, encoding="unicode"))  # noqa: S704


def _n(value: float) -> str:
    """A coordinate, short: 12 rather than 12.0, 12.5 rather than 12.500001."""
    rounded = round(float(value), 1)
    return str(int(rounded)) if rounded.is_integer() else str(rounded)
