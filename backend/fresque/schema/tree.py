"""The schéma's content as a plain tree: what the document says, already in one language, and nothing of how
it looks. `content.build` makes it once; `html` (→ PDF) and `odt` draw the same tree, so the two documents
cannot say different things.

A document is a cover and sections (levels 1–3: the headings of the PDF's bookmarks and of LibreOffice's
navigator); a section holds blocks: paragraphs, lists, tables, figures (SVG with its text alternative and
its data as a table), residents' words.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Paragraph:
    text: str
    style: str = ""  # "" (body), "note" (smaller, a source or a caveat), "lead" (an introduction)


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]
    ordered: bool = False


@dataclass(frozen=True)
class Table:
    """A table, every cell already written out (« < 5 » where a figure is suppressed). The first column
    heads its row. `head` empty: a two-column table of labels and values (« Période : … »)."""

    caption: str
    head: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Figure:
    """A picture drawn as SVG (`svg`: the whole `<svg>` element, its width and height in px), with its text
    alternative, a caption, and the data it shows as a table when it has some."""

    id: str
    caption: str
    alt: str
    svg: str
    width: float  # px of the SVG
    height: float
    print_width_mm: float  # how wide it is printed (its height follows)
    table: Table | None = None


@dataclass(frozen=True)
class Quote:
    text: str
    source: str  # « Difficulté · Jas-de-Bouffan · Atelier 2 »


@dataclass(frozen=True)
class Quotes:
    quotes: tuple[Quote, ...]


Block = Paragraph | Items | Table | Figure | Quotes


@dataclass
class Section:
    level: int  # 1, 2 or 3
    heading: str
    anchor: str  # unique in the document: the HTML id and the ODT bookmark
    blocks: list[Block] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    page_break: bool = False  # starts on a new page (a fiche action, a chapter)
    landscape: bool = False  # on landscape pages in the PDF (the fresco: time wants width)

    def walk(self) -> list[Section]:
        """This section and every section under it, in reading order."""
        return [self, *(s for child in self.children for s in child.walk())]


@dataclass(frozen=True)
class Cover:
    kicker: str  # « Schéma d'inclusion numérique »
    title: str  # the study's title
    territory: str
    period: str
    date: str  # « Document établi le 7 décembre 2026 »


@dataclass
class Document:
    lang: str
    direction: str  # "ltr" or "rtl"
    title: str  # the document's title (metadata, <title>)
    cover: Cover
    contents: str  # the table of contents' heading
    sections: list[Section]
    footer: str  # under every page, beside its number

    def walk(self) -> list[Section]:
        return [s for top in self.sections for s in top.walk()]
