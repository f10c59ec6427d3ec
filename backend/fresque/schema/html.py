"""The schéma as HTML with print CSS, for WeasyPrint (`fresque.pdf.render_pdf`): one template
(`frontend/templates/schema/document.html`) draws the tree (`tree.Document`).

What the PDF gets from the HTML: real text, `<html lang dir>` (Arabic right to left), the title (metadata),
bookmarks from the h1–h3 headings (WeasyPrint makes them from the heading levels), a table of contents
whose page numbers WeasyPrint fills in (`target-counter`), page numbers in the margin, and each figure as
an `<img>` of its SVG (a vector in the PDF) with its text alternative. No address leaves the document:
images are data: URIs and fonts are the system's.
"""

from __future__ import annotations

import base64
from functools import cache
from pathlib import Path
from typing import Final

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup, escape

from .bidi import direction
from .raster import png_of
from .tree import Document, Figure, Items, Paragraph, Quotes, Section, Table

TEMPLATES: Final = Path(__file__).resolve().parents[3] / "frontend" / "templates" / "schema"


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["image_src"] = image_src
    env.filters["css_string"] = css_string
    env.filters["own"] = own
    env.tests["paragraph"] = lambda b: isinstance(b, Paragraph)
    env.tests["items"] = lambda b: isinstance(b, Items)
    env.tests["table"] = lambda b: isinstance(b, Table)
    env.tests["figure"] = lambda b: isinstance(b, Figure)
    env.tests["quotes"] = lambda b: isinstance(b, Quotes)
    return env


def image_src(figure: Figure, rtl: bool) -> str:
    """The figure as a data: URI: its SVG (a vector in the PDF), or in a right-to-left document a PNG drawn
    by resvg, since WeasyPrint does not shape Arabic inside an SVG (`raster`)."""
    if rtl:
        png, _, _ = png_of(figure)
        return "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    return "data:image/svg+xml;base64," + base64.b64encode(figure.svg.encode("utf-8")).decode("ascii")


def own(text: str, document: Document) -> Markup:
    """Words in their own direction (their first strong letter, `bidi.direction`): as they are when it is
    the document's, else in a `<bdi dir>` isolate, so « Q2 · Et le marché ? » keeps its « ? » at its end
    in an Arabic PDF. The block keeps the document's side: a French line is not pushed to the left
    margin of an Arabic page. (WeasyPrint does not honour `dir="auto"`, which would say the same.)"""
    own_direction = direction(text, document.direction)
    if own_direction == document.direction:
        return escape(text)
    return Markup('<bdi dir="{}">{}</bdi>').format(own_direction, text)


def css_string(text: str) -> Markup:
    """`text` as a CSS string literal, safe inside `<style>`: quotes, backslashes, line ends and `<>&` as
    CSS escapes. (A page-margin's words as a string: WeasyPrint lays a running element out on every page,
    which costs seconds over a long document.)"""
    escaped = "".join(f"\\{ord(c):x} " if c in '"\\\n\r<>&' else c for c in text)
    return Markup(f'"{escaped}"')  # noqa: S704 - every character that could end the string or the style is escaped


def contents_of(document: Document) -> list[Section]:
    """The headings the table of contents lists: chapters and their sections (not the fiches' parts)."""
    return [s for s in document.walk() if s.level <= 2]


def render_html(document: Document) -> str:
    template = _environment().get_template("document.html")
    figures = [b for s in document.walk() for b in s.blocks if isinstance(b, Figure)]
    return template.render(doc=document, contents=contents_of(document), figures=figures)
