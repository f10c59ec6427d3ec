"""The schéma as an OpenDocument text (ODT), made with odfdo from the same tree as the PDF.

What a city's staff gets in LibreOffice: the headings in the real « Heading 1–3 » styles at outline levels
1–3 (so the navigator lists them and the table of contents, inserted after the cover, is refreshed by
Tools › Update), tables as tables, each figure as an embedded PNG with its title and text alternative
(`svg:title`, `svg:desc`) and its data as a table under it, paragraphs right to left in Arabic.

The figures are rasterised from their SVG with resvg at print resolution (`DPI`), with the system's fonts so
that the charts' words are drawn (Noto, DejaVu).
"""

from __future__ import annotations

import io
from dataclasses import replace
from typing import Final
from xml.sax.saxutils import escape

import odfdo

from .bidi import direction
from .raster import DPI, png_of
from .tree import Document, Figure, Items, Paragraph, Quotes, Section, Table

PAGE_MM: Final = 170.0

BODY = "Text_20_body"
NOTE = "SchemaNote"
LEAD = "SchemaLead"
QUOTE = "SchemaQuote"
CENTRE = "SchemaCentre"
HEAD_CELL = "SchemaHeadCell"
CAPTION = "Caption"
TABLE = "SchemaTable"


PAGE_BREAK: Final = '<text:p text:style-name="odfdopagebreak"/>'  # `Document.add_page_break_style`'s


def _text(text: str) -> str:
    """Words as ODF text: XML-escaped, a line end as `text:line-break`, a tab as `text:tab`."""
    return escape(text).replace("\n", "<text:line-break/>").replace("\t", "<text:tab/>")


# The paragraph styles that may hold anyone's words: each has a twin for the other direction (`_own`).
OWN_STYLES: Final = (
    BODY, NOTE, LEAD, QUOTE, HEAD_CELL, CAPTION, "Standard", "SchemaKicker", "SchemaCoverTitle",
    "SchemaCoverLine", "Heading_20_1", "Heading_20_2", "Heading_20_3",
    "Contents_20_1", "Contents_20_2", "Contents_20_3",
)  # fmt: skip


def _own(text: str, style: str, base: str) -> str:
    """The style for `text` in a document written `base` (ltr, rtl): its twin of the other direction
    when the words' first strong letter says so (`bidi.direction`; ODF has no inline isolate, the
    paragraph's writing mode is how LibreOffice reads « Et le marché ? » left to right in Arabic)."""
    own = direction(text, base)
    return style if own == base or style not in OWN_STYLES else f"{style}_{own}"


def _p(text: str, style: str, base: str = "") -> str:
    style = _own(text, style, base) if base else style
    return f'<text:p text:style-name="{style}">{_text(text)}</text:p>'


def _row(values: list[str], width: int, style: str, base: str) -> str:
    cells = "".join(
        f'<table:table-cell table:style-name="SchemaCell" office:value-type="string">'
        f"{_p(values[i] if i < len(values) else '', style, base)}</table:table-cell>"
        for i in range(width)
    )
    return f"<table:table-row>{cells}</table:table-row>"


class OdtWriter:
    def __init__(self, document: Document) -> None:
        self.source = document
        self.rtl = document.direction == "rtl"
        self.base = "rtl" if self.rtl else "ltr"
        self.doc = odfdo.Document("text")
        self.body = self.doc.body
        self.body.clear()
        self.tables = 0
        self.images = 0
        self.parts: list[str] = []
        self._styles()

    # -- styles ------------------------------------------------------------------------------------------

    def _styles(self) -> None:
        doc = self.doc
        doc.add_page_break_style()
        lang, country = {"fr": ("fr", "FR"), "en": ("en", "GB"), "ar": ("ar", "MA")}[self.source.lang]
        # Every paragraph's direction and language come from the default paragraph style: the heading and
        # body styles keep their names (the navigator, the TOC), and Arabic reads right to left in all.
        for style in doc.get_styles("paragraph"):
            if isinstance(style, odfdo.Style) and style.tag == "style:default-style":
                style.set_properties(
                    {"style:writing-mode": "rl-tb" if self.rtl else "lr-tb"}, area="paragraph"
                )
                language = {"fo:language": lang, "fo:country": country}
                if self.rtl:
                    language.update({"style:language-complex": lang, "style:country-complex": country})
                style.set_properties(language, area="text")
        # The document's headings carry no numbers (the PDF's neither): odfdo's template numbers the outline
        # « 1. », « 2.1. », which LibreOffice would print before every heading and not in the contents.
        for level in doc.styles.get_elements("//text:outline-style/text:outline-level-style"):
            level.set_attribute("style:num-format", "")
            for name in ("style:num-suffix", "loext:num-list-format"):
                level.del_attribute(name)
        add = doc.insert_style
        add(
            odfdo.Style(
                "paragraph", name=NOTE, parent_style=BODY, area="text", size="8.5pt", color="#555555"
            ),
            automatic=False,
        )
        add(odfdo.Style("paragraph", name=LEAD, parent_style=BODY, area="text", size="11pt"), automatic=False)
        add(
            odfdo.Style("paragraph", name=QUOTE, parent_style=BODY, area="text", italic=not self.rtl),
            automatic=False,
        )
        add(odfdo.Style("paragraph", name=CENTRE, parent_style="Standard", align="center"), automatic=False)
        add(
            odfdo.Style("paragraph", name=HEAD_CELL, parent_style="Standard", area="text", bold=True),
            automatic=False,
        )
        for name, size, bold in (
            ("SchemaKicker", "14pt", True),
            ("SchemaCoverTitle", "28pt", True),
            ("SchemaCoverLine", "14pt", False),
        ):
            add(
                odfdo.Style(
                    "paragraph", name=name, parent_style="Standard", area="text", size=size, bold=bold
                ),
                automatic=False,
            )
        table = odfdo.Style("table", name=TABLE, width="17cm", align="margins")
        if self.rtl:
            table.set_properties({"style:writing-mode": "rl-tb"}, area="table")
        add(table, automatic=True)
        cell = odfdo.Style("table-cell", name="SchemaCell", border="0.5pt solid #999999", padding="0.1cm")
        add(cell, automatic=True)
        # the twins of the other direction: read that way, on the document's side of the page (« end »)
        other = "ltr" if self.rtl else "rtl"
        for name in OWN_STYLES:
            twin = odfdo.Style("paragraph", name=f"{name}_{other}", parent_style=name)
            twin.set_properties(
                {"style:writing-mode": "lr-tb" if self.rtl else "rl-tb", "fo:text-align": "end"},
                area="paragraph",
            )
            add(twin, automatic=True)

    # -- blocks, written as ODF XML text and parsed once at the end --------------------------------------
    # (odfdo makes each element by parsing a string of its own: ~0.2 ms an element, seconds for a schéma's
    # thousands of table cells; one parse of the whole body takes tens of milliseconds)

    def paragraph(self, text: str, style: str = BODY) -> None:
        self.parts.append(_p(text, style, self.base))

    def table(self, table: Table, heading: str = "") -> None:
        self.tables += 1
        rows = [list(table.head)] if table.head else []
        rows += [list(r) for r in table.rows]
        if not rows:
            return
        if table.caption != heading:  # a caption that only repeats its section's heading is left out
            self.paragraph(table.caption, CAPTION)
        width = max(len(r) for r in rows)
        out = [
            f'<table:table table:name="Tableau{self.tables}" table:style-name="{TABLE}">'
            f'<table:table-column table:number-columns-repeated="{width}"/>'
        ]
        if table.head:
            head = _row(rows[0], width, HEAD_CELL, self.base)
            out.append(f"<table:table-header-rows>{head}</table:table-header-rows>")
            rows = rows[1:]
        out += [_row(row, width, "Standard", self.base) for row in rows]
        out.append("</table:table>")
        self.parts.append("".join(out))

    def figure(self, figure: Figure, heading: str = "") -> None:
        if figure.print_width_mm > PAGE_MM:  # the PDF's landscape fresco: this document is portrait only
            figure = replace(figure, print_width_mm=PAGE_MM)
        png, width, height = png_of(figure, DPI)
        self.images += 1
        # named and typed by us (odfdo's add_file names a part by its hash, without extension nor type)
        url = f"Pictures/figure-{self.images:03d}.png"
        assert self.doc.container is not None  # a new document always has its container
        self.doc.container.set_part(url, png)
        self.doc.manifest.add_full_path(url, "image/png")
        w_mm = figure.print_width_mm
        h_mm = w_mm * height / width
        self.parts.append(
            f'<text:p text:style-name="{CENTRE}">'
            f'<draw:frame draw:name="Figure{self.images}" text:anchor-type="as-char" '
            f'svg:width="{w_mm:.1f}mm" svg:height="{h_mm:.1f}mm" draw:z-index="0">'
            f'<draw:image xlink:href="{url}" xlink:type="simple" xlink:show="embed" xlink:actuate="onLoad"/>'
            f"<svg:title>{escape(figure.caption)}</svg:title><svg:desc>{escape(figure.alt)}</svg:desc>"
            "</draw:frame></text:p>"
        )
        self.paragraph(figure.caption, CAPTION)
        if figure.table is not None:
            self.table(figure.table, heading)

    def blocks(self, section: Section) -> None:
        for block in section.blocks:
            if isinstance(block, Paragraph):
                self.paragraph(block.text, {"note": NOTE, "lead": LEAD}.get(block.style, BODY))
            elif isinstance(block, Items):
                if block.ordered:
                    for i, item in enumerate(block.items, start=1):
                        self.paragraph(f"{i}. {item}")
                else:
                    items = "".join(
                        f"<text:list-item>{_p(item, BODY, self.base)}</text:list-item>"
                        for item in block.items
                    )
                    self.parts.append(f"<text:list>{items}</text:list>")
            elif isinstance(block, Table):
                self.table(block, section.heading)
            elif isinstance(block, Figure):
                self.figure(block, section.heading)
            elif isinstance(block, Quotes):
                for quote in block.quotes:
                    self.paragraph(
                        f"« {quote.text} »" if self.source.lang == "fr" else f"“{quote.text}”", QUOTE
                    )
                    self.paragraph(quote.source, NOTE)

    def section(self, section: Section) -> None:
        if section.page_break:
            self.parts.append(PAGE_BREAK)
        self.parts.append(
            f'<text:h text:outline-level="{section.level}" '
            f'text:style-name="{_own(section.heading, f"Heading_20_{section.level}", self.base)}">'
            f"{_text(section.heading)}</text:h>"
        )
        self.blocks(section)
        for child in section.children:
            self.section(child)

    def contents_entries(self, toc: odfdo.TOC) -> None:
        """The table of contents' entries as the headings say them, in the Contents 1–3 styles. (odfdo's
        `fill` numbers them « 1.2. », which the headings are not; LibreOffice's update adds page numbers.)"""
        index = toc.get_element("text:index-body")
        if index is None:
            return
        for old in index.get_elements("text:p"):
            parent = old.parent
            if parent is not None and parent.tag == "text:index-body":  # the title keeps its own
                parent.delete(old)
        entries = "".join(
            _p(str(heading).strip(), f"Contents_20_{heading.level}", self.base)
            for heading in self.body.headers
        )
        parsed = odfdo.Element.from_tag(f"<office:text>{entries}</office:text>")
        for entry in parsed.children:
            index.append(entry)

    def flush(self) -> None:
        """Parse what was written since the last flush and put it at the end of the body."""
        if self.parts:
            parsed = odfdo.Element.from_tag("<office:text>" + "".join(self.parts) + "</office:text>")
            for child in parsed.children:
                self.body.append(child)
            self.parts = []

    # -- the document ----------------------------------------------------------------------------------------

    def write(self) -> bytes:
        source = self.source
        meta = self.doc.meta
        meta.title = source.title
        meta.language = source.lang
        cover = source.cover
        self.paragraph(cover.kicker, "SchemaKicker")
        self.paragraph(cover.title, "SchemaCoverTitle")
        self.paragraph(cover.territory, "SchemaCoverLine")
        if cover.period:
            self.paragraph(cover.period, BODY)
        self.paragraph(cover.date, BODY)
        self.parts.append(PAGE_BREAK)
        self.flush()
        toc = odfdo.TOC(source.contents, outline_level=3)
        self.body.append(toc)
        for section in source.sections:
            self.section(section)
        self.flush()
        toc.fill(self.doc)
        self.contents_entries(toc)
        out = io.BytesIO()
        self.doc.save(out)
        return out.getvalue()


def render_odt(document: Document) -> bytes:
    """The ODT file's bytes. Blocking (rasterising the figures takes most of it): run it in a thread."""
    return OdtWriter(document).write()
