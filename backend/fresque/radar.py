"""The capabilities web of a fiche action as a radar chart: its geometry as pure data, and a PNG drawn with
Pillow.

`radar_geometry` is the single definition of where everything goes (centre, radius, axis angles, rings, label
anchors, series polygons); it uses no Pillow, only arithmetic, so the browser's SVG radar can mirror it line
for line and draw the same picture. `render_radar_png` draws that geometry for exports and print.

Conventions (the browser must follow them too):

- The canvas is a `size` × `size` square, y pointing down. The web's centre is at (size/2, size·0.45), its
  radius size·0.29; the band under the web holds the bottom label and the legend.
- Axis i of n sits at `angle = 360·i/n` degrees, measured clockwise from straight up: the first axis points
  up, the point of level L on it is (cx + r·L/4·sin a, cy − r·L/4·cos a).
- Rings for levels 1–4 are polygons through the level's point on every axis (not circles).
- A series draws one vertex per axis, in axis order; an axis the series has no level for is drawn at 0 (the
  centre) and listed in `missing`.
- Coordinates are rounded to 2 decimals so both sides compute the same numbers.

Labels are plain strings given by the caller, already translated. Right-to-left scripts (Arabic) are shaped
and ordered only when Pillow is built with libraqm (it is on the reference machine) and the font has the
glyphs (DejaVu Sans has Arabic); with Pillow's bundled fallback font they may render unshaped, letters apart.
No dependency is added for it.
"""

from __future__ import annotations

import io
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

MIN_AXES = 3
MAX_AXES = 12  # as `fresque.core.choices.LIST_BOUNDS["axes"]`
MAX_LEVEL = 4
LEVEL_RINGS = (1, 2, 3, 4)
MIN_SIZE = 200
MAX_SIZE = 4000

# Layout fractions of `size` (the browser mirrors them through the geometry, not by copying these).
CENTRE_Y = 0.45
RADIUS = 0.29
LABEL_GAP = 0.035  # from the outer ring to a label's anchor

# One colour per series, in the order of the board's series (colour-blind-safe Okabe–Ito hues).
SERIES_COLOURS: tuple[tuple[int, int, int], ...] = (
    (0, 114, 178),  # blue
    (213, 94, 0),  # vermilion
    (0, 158, 115),  # bluish green
    (204, 121, 167),  # reddish purple
    (86, 180, 233),  # sky blue
    (230, 159, 0),  # orange
)
FILL_ALPHA = 70  # of 255
BACKGROUND = (255, 255, 255)
RING_COLOUR = (200, 200, 200)
OUTER_RING_COLOUR = (150, 150, 150)
SPOKE_COLOUR = (190, 190, 190)
TEXT_COLOUR = (34, 34, 34)
TICK_COLOUR = (120, 120, 120)

Point = tuple[float, float]


@dataclass(frozen=True)
class RadarAxis:
    id: str
    index: int
    angle: float  # degrees, clockwise from straight up
    end: Point  # the level-4 point (end of the spoke)
    label_anchor: Point  # where the label hangs, just outside the outer ring
    align: str  # horizontal: "start" (text runs right), "middle", "end" (text ends at the anchor)
    baseline: str  # vertical: "bottom" (text above the anchor), "middle", "top" (text below)


@dataclass(frozen=True)
class RadarSeries:
    id: str
    points: tuple[Point, ...]  # one per axis, in axis order
    levels: tuple[int, ...]  # the level drawn on each axis (0 where missing)
    missing: tuple[str, ...]  # axis ids the series has no level for, in axis order


@dataclass(frozen=True)
class RadarGeometry:
    size: int
    centre: Point
    radius: float
    axes: tuple[RadarAxis, ...]
    rings: Mapping[int, tuple[Point, ...]]  # level 1–4 → polygon, one point per axis
    series: tuple[RadarSeries, ...]  # in the order of `levels_by_series`

    def as_dict(self) -> dict[str, object]:
        """JSON-ready (for the browser fixture / API): lists instead of tuples, ring keys as strings."""
        return {
            "size": self.size,
            "centre": list(self.centre),
            "radius": self.radius,
            "axes": [
                {
                    "id": a.id,
                    "angle": a.angle,
                    "end": list(a.end),
                    "label_anchor": list(a.label_anchor),
                    "align": a.align,
                    "baseline": a.baseline,
                }
                for a in self.axes
            ],
            "rings": {str(level): [list(p) for p in pts] for level, pts in self.rings.items()},
            "series": [
                {
                    "id": s.id,
                    "points": [list(p) for p in s.points],
                    "levels": list(s.levels),
                    "missing": list(s.missing),
                }
                for s in self.series
            ],
        }


def _round(value: float) -> float:
    rounded = round(value, 2)
    return 0.0 if rounded == 0 else rounded  # no "-0.0"


def _point(centre: Point, radius: float, angle_deg: float) -> Point:
    a = math.radians(angle_deg)
    return (_round(centre[0] + radius * math.sin(a)), _round(centre[1] - radius * math.cos(a)))


def _check_axes(axes: Sequence[str]) -> None:
    if isinstance(axes, str):
        raise ValueError("axes must be a sequence of axis ids, not one string")
    if len(axes) < MIN_AXES:
        raise ValueError(f"a radar needs at least {MIN_AXES} axes, got {len(axes)}")
    if len(axes) > MAX_AXES:
        raise ValueError(f"a radar has at most {MAX_AXES} axes, got {len(axes)}")
    for axis in axes:
        if not isinstance(axis, str) or not axis:
            raise ValueError(f"an axis id is a non-empty string, got {axis!r}")
    if len(set(axes)) != len(axes):
        raise ValueError("axis ids must be distinct")


def _check_level(series: str, axis: str, level: object) -> int:
    if type(level) is not int or not 0 <= level <= MAX_LEVEL:
        raise ValueError(f"level of {series!r} on {axis!r} must be a whole number from 0 to 4, got {level!r}")
    return level


def radar_geometry(
    axes: Sequence[str], levels_by_series: Mapping[str, Mapping[str, int]], size: int
) -> RadarGeometry:
    """Where everything of the web goes on a `size` × `size` canvas (see the module's conventions).

    `levels_by_series` is `Action.capabilities`: series id → {axis id: level 0–4}. Raises ValueError on fewer
    than 3 (or more than 12) axes, duplicate axes, an axis not in `axes`, a level outside 0–4, a bad size.
    """
    _check_axes(axes)
    if type(size) is not int or not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"size must be a whole number of pixels from {MIN_SIZE} to {MAX_SIZE}, got {size!r}")
    known = set(axes)
    centre: Point = (_round(size / 2), _round(size * CENTRE_Y))
    radius = _round(size * RADIUS)
    n = len(axes)

    radar_axes = []
    for i, axis in enumerate(axes):
        angle = _round(360 * i / n)
        s, c = math.sin(math.radians(angle)), math.cos(math.radians(angle))
        align = "middle" if abs(s) < 0.2 else ("start" if s > 0 else "end")
        baseline = "bottom" if c > 0.5 else ("top" if c < -0.5 else "middle")
        radar_axes.append(
            RadarAxis(
                id=axis,
                index=i,
                angle=angle,
                end=_point(centre, radius, angle),
                label_anchor=_point(centre, radius + size * LABEL_GAP, angle),
                align=align,
                baseline=baseline,
            )
        )

    rings = {
        level: tuple(_point(centre, radius * level / MAX_LEVEL, a.angle) for a in radar_axes)
        for level in LEVEL_RINGS
    }

    radar_series = []
    for series_id, levels in levels_by_series.items():
        if not isinstance(series_id, str) or not series_id:
            raise ValueError(f"a series id is a non-empty string, got {series_id!r}")
        if not isinstance(levels, Mapping):
            raise ValueError(f"the levels of {series_id!r} must be a mapping axis id → level")
        for axis, level in levels.items():
            if axis not in known:
                raise ValueError(f"{axis!r} (series {series_id!r}) is not one of this radar's axes")
            _check_level(series_id, axis, level)
        drawn = tuple(levels.get(a.id, 0) for a in radar_axes)
        radar_series.append(
            RadarSeries(
                id=series_id,
                points=tuple(
                    _point(centre, radius * lv / MAX_LEVEL, a.angle)
                    for a, lv in zip(radar_axes, drawn, strict=True)
                ),
                levels=drawn,
                missing=tuple(a.id for a in radar_axes if a.id not in levels),
            )
        )

    return RadarGeometry(
        size=size,
        centre=centre,
        radius=radius,
        axes=tuple(radar_axes),
        rings=rings,
        series=tuple(radar_series),
    )


# --- drawing ---------------------------------------------------------------------------------------------

Font = ImageFont.FreeTypeFont | ImageFont.ImageFont


@lru_cache(maxsize=16)
def _font(px: int) -> Font:
    try:
        return ImageFont.truetype("DejaVuSans.ttf", px)
    except OSError:
        return ImageFont.load_default(size=px)


def _text_width(font: Font, text: str) -> float:
    return float(font.getlength(text))


def _wrap(text: str, font: Font, max_width: float, max_lines: int) -> list[str]:
    """Greedy word wrap to `max_width` pixels; a word too long for a line is cut; extra lines end in '…'."""
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if _text_width(font, candidate) <= max_width:
            current = candidate
            continue
        if current:
            lines.append(current)
        current = word
        while _text_width(font, current) > max_width and len(current) > 1:
            cut = len(current) - 1
            while cut > 1 and _text_width(font, current[:cut]) > max_width:
                cut -= 1
            lines.append(current[:cut])
            current = current[cut:]
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        last = lines[max_lines - 1]
        while last and _text_width(font, last + "…") > max_width:
            last = last[:-1]
        lines = [*lines[: max_lines - 1], last.rstrip() + "…"]
    return lines


def _draw_block(
    draw: ImageDraw.ImageDraw,
    lines: Sequence[str],
    font: Font,
    anchor: Point,
    align: str,
    baseline: str,
    size: int,
    line_height: float,
) -> None:
    widths = [_text_width(font, line) for line in lines]
    block_w = max(widths, default=0.0)
    block_h = line_height * len(lines)
    x, y = anchor
    left = x if align == "start" else (x - block_w if align == "end" else x - block_w / 2)
    top = y - block_h if baseline == "bottom" else (y if baseline == "top" else y - block_h / 2)
    margin = size * 0.01
    left = min(max(left, margin), size - margin - block_w)
    top = min(max(top, margin), size - margin - block_h)
    for i, (line, w) in enumerate(zip(lines, widths, strict=True)):
        if align == "start":
            lx = left
        elif align == "end":
            lx = left + block_w - w
        else:
            lx = left + (block_w - w) / 2
        draw.text((round(lx), round(top + i * line_height)), line, font=font, fill=TEXT_COLOUR)


def render_radar_png(
    axes: Sequence[str],
    labels: Sequence[str],
    series: Mapping[str, str],
    levels_by_series: Mapping[str, Mapping[str, int]],
    size: int = 800,
) -> bytes:
    """The capabilities web as a PNG: `labels[i]` names `axes[i]`; `series` is every series id → its label, in
    the board's order (which fixes its colour and legend place); `levels_by_series` as in `radar_geometry`,
    each of its series must be in `series`. Same input, same bytes."""
    _check_axes(axes)
    if isinstance(labels, str) or len(labels) != len(axes):
        raise ValueError("labels must give one string per axis")
    if any(not isinstance(label, str) for label in labels):
        raise ValueError("axis labels must be strings")
    if len(series) > len(SERIES_COLOURS):
        raise ValueError(f"at most {len(SERIES_COLOURS)} series can be told apart, got {len(series)}")
    if any(not isinstance(label, str) for label in series.values()):
        raise ValueError("series labels must be strings")
    for series_id in levels_by_series:
        if series_id not in series:
            raise ValueError(f"{series_id!r} has levels but is not one of the series given")
    # draw in the board's series order, whatever order the levels came in
    ordered = {s: levels_by_series[s] for s in series if s in levels_by_series}
    geometry = radar_geometry(axes, ordered, size)
    colour_of = {s: SERIES_COLOURS[i] for i, s in enumerate(series)}

    image = Image.new("RGB", (size, size), BACKGROUND)
    draw = ImageDraw.Draw(image, "RGBA")
    thin = max(1, round(size / 400))
    line = max(2, round(size / 260))
    dot = max(3, round(size / 140))

    cx, cy = geometry.centre
    for a in geometry.axes:
        draw.line([(cx, cy), a.end], fill=SPOKE_COLOUR, width=thin)
    for level, ring in geometry.rings.items():
        colour = OUTER_RING_COLOUR if level == MAX_LEVEL else RING_COLOUR
        draw.polygon(list(ring), outline=colour, width=thin)

    for s in geometry.series:
        r, g, b = colour_of[s.id]
        draw.polygon(list(s.points), fill=(r, g, b, FILL_ALPHA))
    for s in geometry.series:
        colour = colour_of[s.id]
        draw.line([*s.points, s.points[0]], fill=colour, width=line, joint="curve")
        for x, y in s.points:
            draw.ellipse((x - dot, y - dot, x + dot, y + dot), fill=colour)

    tick_font = _font(max(9, round(size / 55)))
    for level in LEVEL_RINGS:  # level numbers left of the first (upright) spoke, over the series, haloed
        x, y = geometry.rings[level][0]
        draw.text(
            (round(x - dot - size * 0.006), round(y + dot)),
            str(level),
            font=tick_font,
            fill=TICK_COLOUR,
            anchor="rt",
            stroke_width=max(1, round(size / 400)),
            stroke_fill=BACKGROUND,
        )

    label_px = max(10, round(size / 42))
    font = _font(label_px)
    line_height = label_px * 1.2
    for a, label in zip(geometry.axes, labels, strict=True):
        x = a.label_anchor[0]
        room = {"middle": size * 0.3, "start": size * 0.99 - x, "end": x - size * 0.01}[a.align]
        max_width = max(size * 0.08, min(size * 0.22, room))
        lines = _wrap(label, font, max_width, 3)
        _draw_block(draw, lines, font, a.label_anchor, a.align, a.baseline, size, line_height)

    _draw_legend(draw, series, colour_of, size, font, line_height)

    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def _draw_legend(
    draw: ImageDraw.ImageDraw,
    series: Mapping[str, str],
    colour_of: Mapping[str, tuple[int, int, int]],
    size: int,
    font: Font,
    line_height: float,
) -> None:
    """One swatch + label per series, centred rows along the bottom edge."""
    swatch = round(line_height * 0.8)
    gap = size * 0.03
    max_label = size * 0.4
    entries = []
    for series_id, label in series.items():
        text = _wrap(label, font, max_label, 1)[0] if label.strip() else series_id
        entries.append((series_id, text, swatch + size * 0.012 + _text_width(font, text)))
    rows: list[list[tuple[str, str, float]]] = [[]]
    width = 0.0
    for entry in entries:
        if rows[-1] and width + gap + entry[2] > size * 0.9:
            rows.append([])
            width = 0.0
        width += (gap if rows[-1] else 0) + entry[2]
        rows[-1].append(entry)
    top = size - size * 0.03 - len(rows) * line_height * 1.3
    for r, row in enumerate(rows):
        row_w = sum(e[2] for e in row) + gap * (len(row) - 1)
        x = (size - row_w) / 2
        y = top + r * line_height * 1.3
        for series_id, text, w in row:
            r_, g, b = colour_of[series_id]
            box = (round(x), round(y), round(x) + swatch, round(y) + swatch)
            draw.rectangle(box, fill=(r_, g, b, FILL_ALPHA * 2), outline=(r_, g, b), width=2)
            draw.text(
                (round(x + swatch + size * 0.012), round(y + swatch / 2)),
                text,
                font=font,
                fill=TEXT_COLOUR,
                anchor="lm",
            )
            x += w + gap
