"""From a board's public state to a plain list of positioned things on the paper (millimetres).

The board is drawn as the residents built it: the same week grid, card sizes, colours and thread curves as the
board page (frontend/static/js/core/geometry.js and board.css, whose numbers are copied here), scaled as a
whole to fit the paper between a header (the workshop's title, date and neighbourhood) and a legend. World
coordinates stay left to right in every language, as on the board (the week reads Monday → weekend); only
the header and the legend follow the language's direction.

Nothing here decides what may be shown: `PosterSource.items`, `threads` and `votes` are already what a
stranger to the workshop is sent (`core.visibility.snapshot_for`), so a hidden card or a hidden vote never
reaches this module.
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final, Literal

from PIL import ImageFont

# -- the paper -----------------------------------------------------------------------------------------------

Paper = Literal["a3", "a2"]
PAPERS: Final[Mapping[str, tuple[float, float]]] = {"a3": (420.0, 297.0), "a2": (594.0, 420.0)}  # landscape

# -- the board's own numbers (geometry.js GRID, ITEM_SIZES; board.css) ---------------------------------------

DAYS: Final = ("mon", "tue", "wed", "thu", "fri", "weekend")
SLOTS: Final = ("morning", "afternoon", "evening")
HEAD_H, LABEL_W, CELL_W, CELL_H = 56.0, 120.0, 300.0, 240.0
GRID_W: Final = LABEL_W + len(DAYS) * CELL_W
GRID_H: Final = HEAD_H + len(SLOTS) * CELL_H
ITEM_SIZES: Final[Mapping[str, tuple[float, float]]] = {
    "activity": (96.0, 112.0),
    "difficulty": (220.0, 168.0),
    "touchpoint": (220.0, 168.0),
    "solution": (220.0, 168.0),
    "note": (220.0, 140.0),
}
PAPER_FILL: Final = "#fffdf7"
BACKDROP: Final = "#efe9dc"
GRID_LINE: Final = "#b9ae98"
GRID_HEAD: Final = "#f1e7d0"
WEEKEND: Final = "#f6efff"
THREAD: Final = "#8a5a2b"
INK: Final = "#1f1a14"
INK_SOFT: Final = "#5c5347"
KIND_FILL: Final[Mapping[str, str]] = {
    "activity": "#ffffff",
    "difficulty": "#fff3f0",
    "touchpoint": "#eef5ff",
    "solution": "#fffbe0",
    "note": "#fff8c4",
}
SEVERITY_FILL: Final[Mapping[str, str]] = {"ok": "#effaf1", "difficile": "#fff6e6", "bloque": "#fdeceb"}
KINDS: Final = ("activity", "touchpoint", "difficulty", "solution", "note")
PAD: Final = 24.0  # world px around the drawn content
FONT_LABEL, FONT_TEXT, FONT_NOTE, FONT_TOTAL, DOT = 16.0, 16.0, 18.0, 20.0, 16.0


# -- what the poster is made of ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Picture:
    """A pictogram: an OpenMoji SVG file (drawn as vectors) or a workshop's own picture (a data: URI)."""

    labels: Mapping[str, str]
    svg: Path | None = None
    data_uri: str | None = None

    def label(self, lang: str) -> str:
        return self.labels.get(lang) or self.labels.get("fr") or ""


@dataclass(frozen=True)
class PosterSource:
    """What the poster shows, already filtered for the public (see the module's docstring)."""

    title: str  # the workshop's
    board_title: str
    date: str | None  # already written out in the language
    neighbourhood: str | None  # the study's neighbourhood, else the workshop's own words
    items: Sequence[Mapping[str, Any]]
    threads: Sequence[Mapping[str, Any]]
    votes: Sequence[Mapping[str, Any]]  # {participant, item, count}
    votes_hidden: bool  # before the reveal: the legend says why there are no dots
    colours: Mapping[str, str]  # participant → hex colour (card borders, dots)
    pictures: Mapping[str, Picture]  # a card's ref → its picture
    faces: Mapping[str, Picture]  # severity → its face
    words: Mapping[str, str]  # the language's dictionary
    attribution: str = ""


@dataclass(frozen=True)
class Rect:
    x: float
    y: float
    w: float
    h: float
    fill: str
    stroke: str | None = None
    stroke_width: float = 0.0
    radius: float = 0.0


@dataclass(frozen=True)
class Text:
    x: float
    y: float  # the baseline
    text: str
    size: float
    fill: str = INK
    bold: bool = False
    anchor: Literal["start", "middle", "end"] = "start"


@dataclass(frozen=True)
class Image:
    x: float
    y: float
    size: float
    picture: Picture


@dataclass(frozen=True)
class Curve:
    points: tuple[tuple[float, float], ...]  # M p0 C c1 c2 p3
    stroke: str
    width: float
    opacity: float = 1.0


@dataclass(frozen=True)
class Dot:
    cx: float
    cy: float
    r: float
    fill: str
    stroke: str = "#ffffff"
    stroke_width: float = 0.0


Thing = Rect | Text | Image | Curve | Dot


@dataclass
class Scene:
    width: float  # mm
    height: float
    lang: str
    rtl: bool
    title: str
    scale: float  # mm per world px
    origin: tuple[float, float]  # where world (0, 0) lands, mm
    things: list[Thing] = field(default_factory=list)
    cards: dict[str, tuple[float, float, float, float]] = field(default_factory=dict)  # id → mm rect

    def to_paper(self, x: float, y: float) -> tuple[float, float]:
        """A world point (board coordinates) on the paper, in mm."""
        return self.origin[0] + x * self.scale, self.origin[1] + y * self.scale


# -- text without a layout engine ----------------------------------------------------------------------------


_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f\ufb50-\ufdff\ufe70-\ufeff]")


@functools.cache
def _font(bold: bool, arabic: bool) -> Any:
    """The system font the renderers will pick (fontconfig), to measure lines with; None when not found."""
    family = ("Noto Sans Arabic" if arabic else "Noto Sans") + (":bold" if bold else "")
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return None
    try:  # a fixed program and arguments of ours, no input from anyone
        found = subprocess.run([fc_match, "-f", "%{file}", family], capture_output=True, text=True, timeout=5)  # noqa: S603
        return (
            ImageFont.truetype(found.stdout.strip(), 100) if found.returncode == 0 and found.stdout else None
        )
    except (OSError, subprocess.SubprocessError):
        return None


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A line's width: SVG has no wrapping, so lines are cut here. Measured with the system's Noto font (the
    one resvg and WeasyPrint draw with) when there is one, else estimated generously (a line a little short
    is better than one running past its card's edge)."""
    font = _font(bold, bool(_ARABIC.search(text)))
    if font is not None:
        return float(font.getlength(text)) * size / 100 * 1.03
    em = 0.0
    for ch in text:
        if ch == " ":
            em += 0.3
        elif unicodedata.category(ch) in ("Mn", "Me", "Cf"):
            continue  # Arabic vowel marks, joiners: no advance of their own
        elif unicodedata.east_asian_width(ch) in ("W", "F"):
            em += 1.0
        elif ch.isupper() or ch in "mwMW@%":
            em += 0.72
        else:
            em += 0.56
    return em * size * (1.07 if bold else 1.0)


def fit_lines(
    text: str, size: float, width: float, lines: int, bold: bool = False
) -> tuple[float, list[str]]:
    """The largest size (down to 0.7 × `size`) at which the text fits `lines` lines of `width` whole, words
    uncut (a break after a hyphen is fine), and its lines; at the smallest size, cut as `wrap` cuts."""
    whole = re.sub(r"\s+", " ", text).strip()
    smallest = size * 0.7
    step = size
    while step >= smallest:
        found = wrap(whole, step, width, lines, bold)
        if " ".join(found).replace("- ", "-") == whole:
            return step, found
        step -= size * 0.05
    return smallest, wrap(whole, smallest, width, lines, bold)


def wrap(text: str, size: float, width: float, lines: int, bold: bool = False) -> list[str]:
    """Greedy wrap into at most `lines` lines of `width`; the last line kept ends with "…" when cut."""
    words = re.sub(r"\s+", " ", text).strip().split(" ")
    out: list[str] = []
    line = ""
    for word in words:
        while text_width(word, size, bold) > width and len(word) > 1:  # a word longer than a line: cut it
            cut = len(word)
            while cut > 1 and text_width((line + " " if line else "") + word[:cut], size, bold) > width:
                cut -= 1
            if line and cut <= 1:
                out.append(line)
                line = ""
                continue
            hyphen = word.rfind("-", 0, cut) + 1  # « rendez-vous »: after its hyphen rather than mid-word
            cut = hyphen if hyphen > 1 else cut
            out.append((line + " " if line else "") + word[:cut])
            line, word = "", word[cut:]
        candidate = f"{line} {word}" if line else word
        if text_width(candidate, size, bold) <= width or not line:
            line = candidate
        else:
            out.append(line)
            line = word
    if line:
        out.append(line)
    if len(out) > lines:
        out = out[:lines]
        last = out[-1]
        while last and text_width(last + "…", size, bold) > width:
            last = last[:-1]
        out[-1] = last.rstrip() + "…"
    return out


# -- the board -----------------------------------------------------------------------------------------------


def item_rect(item: Mapping[str, Any]) -> tuple[float, float, float, float]:
    w, h = ITEM_SIZES.get(str(item["kind"]), ITEM_SIZES["note"])
    return float(item["x"]), float(item["y"]), float(item.get("w") or w), float(item.get("h") or h)


def thread_curve(a: Mapping[str, Any], b: Mapping[str, Any]) -> tuple[tuple[float, float], ...]:
    """geometry.js threadCurve: side by side, horizontal tangents from facing edges; stacked, vertical."""
    ax, ay, aw, ah = item_rect(a)
    bx, by, bw, bh = item_rect(b)
    ca, cb = (ax + aw / 2, ay + ah / 2), (bx + bw / 2, by + bh / 2)
    gap_x = max(bx - (ax + aw), ax - (bx + bw))
    if gap_x > 0 or abs(cb[1] - ca[1]) < 1:
        d = 1 if cb[0] >= ca[0] else -1
        p0 = (ax + aw if d > 0 else ax, ca[1])
        p3 = (bx if d > 0 else bx + bw, cb[1])
        pull = max(40.0, abs(p3[0] - p0[0]) / 2)
        return p0, (p0[0] + d * pull, p0[1]), (p3[0] - d * pull, p3[1]), p3
    d = 1 if cb[1] >= ca[1] else -1
    p0 = (ca[0], ay + ah if d > 0 else ay)
    p3 = (cb[0], by if d > 0 else by + bh)
    pull = max(40.0, abs(p3[1] - p0[1]) / 2)
    return p0, (p0[0], p0[1] + d * pull), (p3[0], p3[1] - d * pull), p3


def content_bounds(items: Sequence[Mapping[str, Any]]) -> tuple[float, float, float, float]:
    """The week grid and every card, with a margin: (x0, y0, x1, y1) in world px."""
    x0, y0, x1, y1 = 0.0, 0.0, GRID_W, GRID_H
    for item in items:
        x, y, w, h = item_rect(item)
        x0, y0, x1, y1 = min(x0, x), min(y0, y), max(x1, x + w), max(y1, y + h)
    return x0 - PAD, y0 - PAD, x1 + PAD, y1 + PAD


class _Board:
    """Draws world things onto the scene through its scale and origin."""

    def __init__(self, scene: Scene, source: PosterSource) -> None:
        self.scene, self.source, self.s = scene, source, scene.scale
        self.t = source.words
        self.lang = scene.lang

    def p(self, x: float, y: float) -> tuple[float, float]:
        return self.scene.to_paper(x, y)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, **kw: Any) -> Rect:
        px, py = self.p(x, y)
        sw = kw.pop("stroke_width", 0.0) * self.s
        radius = kw.pop("radius", 0.0) * self.s
        return Rect(px, py, w * self.s, h * self.s, fill, stroke_width=sw, radius=radius, **kw)

    def text(self, x: float, y: float, text: str, size: float, **kw: Any) -> Text:
        px, py = self.p(x, y)
        return Text(px, py, text, size * self.s, **kw)

    def grid(self) -> list[Thing]:
        out: list[Thing] = [
            self.rect(0, 0, GRID_W, GRID_H, PAPER_FILL, radius=18),
            self.rect(0, 0, GRID_W, HEAD_H, GRID_HEAD),
        ]
        head_size = 26.0 if self.lang == "ar" else 34.0
        for col, day in enumerate(DAYS):
            x = LABEL_W + col * CELL_W
            if day == "weekend":
                out.append(self.rect(x, HEAD_H, CELL_W, len(SLOTS) * CELL_H, WEEKEND))
            name = self.t.get(f"board.day.{day}", day)
            size = head_size
            while size > 12 and text_width(name, size, True) > CELL_W - 12:
                size -= 2
            out.append(
                self.text(x + CELL_W / 2, HEAD_H / 2 + size * 0.36, name, size, bold=True, anchor="middle")
            )
        for row, slot in enumerate(SLOTS):
            y = HEAD_H + row * CELL_H
            name = self.t.get(f"board.slot.{slot}", slot)
            size, lines = fit_lines(name, 24.0, LABEL_W - 12, 3, bold=True)
            top = y + CELL_H / 2 - (len(lines) - 1) * size * 0.6
            for n, line in enumerate(lines):
                out.append(
                    self.text(
                        LABEL_W / 2,
                        top + n * size * 1.2 + size * 0.35,
                        line,
                        size,
                        bold=True,
                        fill=INK_SOFT,
                        anchor="middle",
                    )
                )
        line_w = 2 * self.s
        for col in range(len(DAYS)):  # the lines between columns and rows, as the cells' borders draw them
            x, _ = self.p(LABEL_W + col * CELL_W, 0)
            out.append(
                Curve(((x, self.p(0, 0)[1]),) * 2 + ((x, self.p(0, GRID_H)[1]),) * 2, GRID_LINE, line_w)
            )
        for row in range(len(SLOTS)):
            _, y = self.p(0, HEAD_H + row * CELL_H)
            out.append(
                Curve(((self.p(0, 0)[0], y),) * 2 + ((self.p(GRID_W, 0)[0], y),) * 2, GRID_LINE, line_w)
            )
        out.append(self.rect(0, 0, GRID_W, GRID_H, "none", stroke=GRID_LINE, stroke_width=3, radius=18))
        return out

    def card(self, item: Mapping[str, Any], dots: Sequence[tuple[str, int]]) -> list[Thing]:
        kind = str(item["kind"])
        x, y, w, h = item_rect(item)
        severity = item.get("severity")
        fill = (
            SEVERITY_FILL.get(str(severity), KIND_FILL["difficulty"])
            if kind == "difficulty"
            else KIND_FILL.get(kind, "#ffffff")
        )
        border = self.source.colours.get(str(item.get("author")), INK_SOFT)
        activity = kind == "activity"
        pad = 4.0 if activity else 8.0
        out: list[Thing] = [
            self.rect(x, y, w, h, fill, stroke=border, stroke_width=4 if activity else 3, radius=14)
        ]
        self.scene.cards[str(item["id"])] = (*self.p(x, y), w * self.s, h * self.s)
        top = y + pad
        picture = self.source.pictures.get(str(item.get("ref") or ""))
        if picture is not None:
            px, py = self.p(x + w / 2 - 28, top)
            out.append(Image(px, py, 56 * self.s, picture))
            top += 56 + (2 if activity else 4)
        if kind == "difficulty" and severity in self.source.faces:
            px, py = self.p(x + w - 6 - 40, y + 6)
            out.append(Image(px, py, 40 * self.s, self.source.faces[str(severity)]))
        bottom = y + h - pad
        if kind == "solution":
            bottom -= self._dots(out, x, w, bottom, dots)
        inner = w - 2 * pad
        label = picture.label(self.lang) if picture is not None else ""
        if label:
            size, lines = fit_lines(label, FONT_LABEL, inner, 2, bold=True)
            for line in lines:
                if top + size * 1.15 > bottom + 2:
                    break
                out.append(self.text(x + w / 2, top + size * 0.95, line, size, bold=True, anchor="middle"))
                top += size * 1.15
        words = str(item.get("text") or "")
        if words:
            size = FONT_NOTE if kind == "note" else FONT_TEXT
            room = max(1, int((bottom - top) // (size * 1.2)))
            lines = wrap(words, size, inner, room)
            if kind == "note":  # a note's words sit in its middle
                top = max(top, y + (h - len(lines) * size * 1.2) / 2)
            for line in lines:
                out.append(self.text(x + w / 2, top + size * 0.95, line, size, anchor="middle"))
                top += size * 1.2
        return out

    def _dots(
        self, out: list[Thing], x: float, w: float, bottom: float, dots: Sequence[tuple[str, int]]
    ) -> float:
        """The solution's dots at its foot, the total first (board.css .dots); returns the height used."""
        total = sum(n for _, n in dots)
        if not total:
            return 0.0
        colours = [c for c, n in dots for _ in range(n)]
        total_w = text_width(str(total), FONT_TOTAL, True) + 4
        per_row = max(1, int((w - 16 - total_w) // (DOT + 4)))
        rows = [colours[i : i + per_row] for i in range(0, len(colours), per_row)][:3]
        height = len(rows) * (DOT + 4)
        top = bottom - height
        widest = min(len(colours), per_row)
        left = x + (w - (total_w + widest * (DOT + 4) - 4)) / 2
        out.append(self.text(left, top + DOT * 0.95 + 2, str(total), FONT_TOTAL, bold=True))
        for r, row in enumerate(rows):
            for c, colour in enumerate(row):
                cx, cy = self.p(left + total_w + c * (DOT + 4) + DOT / 2, top + r * (DOT + 4) + DOT / 2)
                out.append(Dot(cx, cy, DOT / 2 * self.s, colour, stroke_width=2 * self.s))
        return height + 4


def build_scene(source: PosterSource, paper: str = "a3", lang: str = "fr") -> Scene:
    width, height = PAPERS[paper]
    k = width / 420.0  # everything around the board grows with the paper
    margin, header_h, legend_h = 10 * k, 26 * k, 24 * k
    x0, y0, x1, y1 = content_bounds(source.items)
    area_w, area_h = width - 2 * margin, height - 2 * margin - header_h - legend_h
    scale = min(area_w / (x1 - x0), area_h / (y1 - y0))
    # Header, board and legend are one block, centred on the page: a wide board leaves room above and
    # below the block, not between the board and its legend.
    block_top = (height - (header_h + (y1 - y0) * scale + legend_h)) / 2
    left = margin + (area_w - (x1 - x0) * scale) / 2 - x0 * scale
    top = block_top + header_h - y0 * scale
    rtl = lang == "ar"
    scene = Scene(width, height, lang, rtl, source.title, scale, (left, top))
    scene.things.append(Rect(0, 0, width, height, "#ffffff"))
    bx, by = scene.to_paper(x0, y0)
    scene.things.append(Rect(bx, by, (x1 - x0) * scale, (y1 - y0) * scale, BACKDROP, radius=4 * k))
    board = _Board(scene, source)
    scene.things += board.grid()
    by_id = {str(i["id"]): i for i in source.items}
    for thread in source.threads:  # under the cards, as on the board
        a, b = by_id.get(str(thread["source"])), by_id.get(str(thread["target"]))
        if a is None or b is None:
            continue
        points = tuple(scene.to_paper(px, py) for px, py in thread_curve(a, b))
        scene.things.append(Curve(points, THREAD, 5 * scale, 0.85))
    dots: dict[str, list[tuple[str, int]]] = {}
    for vote in source.votes:
        colour = source.colours.get(str(vote["participant"]), INK_SOFT)
        dots.setdefault(str(vote["item"]), []).append((colour, int(vote["count"])))
    # Activities lie on the grid under the others, then the cards in the order of their ids (as the board).
    for item in sorted(source.items, key=lambda i: (i["kind"] != "activity", str(i["id"]))):
        scene.things += board.card(item, dots.get(str(item["id"]), []))
    _header(scene, source, margin, block_top, k)
    _legend(scene, source, margin, block_top + header_h + (y1 - y0) * scale + 3 * k, k)
    return scene


# -- around the board ----------------------------------------------------------------------------------------


def _header(scene: Scene, source: PosterSource, margin: float, y_top: float, k: float) -> None:
    start = scene.width - margin if scene.rtl else margin
    anchor: Literal["start", "end"] = "end" if scene.rtl else "start"
    title_size, sub_size = 11 * k, 5.2 * k
    width = scene.width - 2 * margin
    title = wrap(source.title, title_size, width, 1, bold=True)[0]
    scene.things.append(Text(start, y_top + title_size * 0.9, title, title_size, bold=True, anchor=anchor))
    parts = [p for p in (source.date, source.neighbourhood) if p]
    if source.board_title and source.board_title != source.title:
        parts.append(source.board_title)
    if parts:
        line = wrap("  ·  ".join(parts), sub_size, width, 1)[0]
        scene.things.append(
            Text(start, y_top + title_size + sub_size * 1.6, line, sub_size, fill=INK_SOFT, anchor=anchor)
        )


def _legend(scene: Scene, source: PosterSource, margin: float, y_start: float, k: float) -> None:
    """Swatches and words in the language's direction: the kinds of cards on one row; the faces, a dot and a
    thread on the next; then why there are no dots (before the reveal) and the pictures' attribution."""
    t = source.words
    size, swatch, row_h = 4.2 * k, 6 * k, 8 * k
    d = -1.0 if scene.rtl else 1.0
    edge = scene.width - margin if scene.rtl else margin
    anchor: Literal["start", "end"] = "end" if scene.rtl else "start"
    cursor, y_top = edge, y_start

    def word(text: str, bold: bool = False) -> None:
        nonlocal cursor
        mid = y_top + swatch / 2
        scene.things.append(Text(cursor, mid + size * 0.36, text, size, bold=bold, anchor=anchor))
        cursor += d * (text_width(text, size, bold) + 6 * k)

    def mark(w: float) -> float:
        """The left edge of a w-wide mark at the cursor (a mark comes before its word); moves the cursor."""
        nonlocal cursor
        left = cursor if d > 0 else cursor - w
        cursor += d * (w + 2 * k)
        return left

    word(t.get("poster.legend", "Légende"), bold=True)
    for kind in KINDS:
        left = mark(swatch * 1.4)
        scene.things.append(
            Rect(
                left,
                y_top,
                swatch * 1.4,
                swatch,
                KIND_FILL[kind],
                stroke=INK_SOFT,
                stroke_width=0.4 * k,
                radius=1.2 * k,
            )
        )
        word(t.get(f"board.kind.{kind}", kind))
    cursor, y_top = edge, y_top + row_h
    for severity in ("ok", "difficile", "bloque"):
        face = source.faces.get(severity)
        if face is not None:
            scene.things.append(Image(mark(swatch), y_top, swatch, face))
        word(t.get(f"board.severity.{severity}", severity))
    left = mark(swatch)
    scene.things.append(
        Dot(left + swatch / 2, y_top + swatch / 2, swatch * 0.3, "#1565C0", stroke_width=0.5 * k)
    )
    word(t.get("poster.legend.vote", "un point = une voix"))
    left, mid = mark(swatch * 2), y_top + swatch / 2
    bend = (
        (left, mid + 2 * k),
        (left + swatch, mid + 2 * k),
        (left + swatch, mid - 2 * k),
        (left + 2 * swatch, mid - 2 * k),
    )
    scene.things.append(Curve(bend, THREAD, 0.9 * k, 0.85))
    word(t.get("poster.legend.thread", "un fil relie deux cartes"))
    notes = []
    if source.votes_hidden:
        notes.append(t.get("poster.votes_hidden", "Les votes restent cachés jusqu'à leur révélation."))
    if source.attribution:
        notes.append(source.attribution)
    if notes:
        small = size * 0.8
        line = wrap("  ·  ".join(notes), small, scene.width - 2 * margin, 1)[0]
        scene.things.append(
            Text(edge, y_top + row_h + small * 0.9, line, small, fill=INK_SOFT, anchor=anchor)
        )
