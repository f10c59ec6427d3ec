"""Pure parts of the schéma (no server): the anchors turned physical for resvg, the margin string's CSS
escaping, the Arabic figures drawn as PNG in the PDF's HTML while the others stay SVG, and the garbage
collector paused while WeasyPrint draws."""

from __future__ import annotations

import base64
import gc
import xml.etree.ElementTree as ET

import pytest
from fresque.pdf import html_to_pdf
from fresque.schema.bidi import direction, isolate
from fresque.schema.html import css_string, image_src, render_html
from fresque.schema.raster import physical_anchors
from fresque.schema.tree import Cover, Document, Figure, Paragraph, Section

NS = "{http://www.w3.org/2000/svg}"


def anchors(svg: str) -> list[str | None]:
    return [t.get("text-anchor") for t in ET.fromstring(svg).iter(f"{NS}text")]


def test_right_to_left_anchors_become_physical_and_left_to_right_ones_stay() -> None:
    rtl = (
        '<svg xmlns="http://www.w3.org/2000/svg" direction="rtl" width="10" height="10">'
        '<text x="9" y="5">a</text><text x="1" y="5" text-anchor="end">b</text>'
        '<g text-anchor="end"><text x="1" y="8">c</text></g><text text-anchor="middle">d</text></svg>'
    )
    turned = physical_anchors(rtl)
    # logical start in a right-to-left chart is its right edge: « end » for a renderer that ignores direction
    assert anchors(turned) == ["end", "start", "start", "middle"]
    assert ET.fromstring(turned).get("direction") == "ltr"
    ltr = rtl.replace('direction="rtl"', 'direction="ltr"')
    assert physical_anchors(ltr) == ltr


def test_the_margin_words_cannot_end_the_css_string() -> None:
    written = str(css_string('Étude "à" \\ </style><script>\nx'))
    assert written.startswith('"') and written.endswith('"')
    inside = written[1:-1]
    assert '"' not in inside and "<" not in inside and ">" not in inside and "\n" not in inside
    assert "\\22 " in inside and "\\5c " in inside and "Étude" in inside


def test_arabic_figures_are_png_in_the_pdf_and_others_svg() -> None:
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100" direction="rtl">'
        '<rect width="200" height="100" fill="#fff"/><text x="190" y="50" font-size="20">مرحبا</text></svg>'
    )
    figure = Figure("f", "Titre", "Texte alternatif", svg, 200, 100, 50)
    png = image_src(figure, True)
    assert png.startswith("data:image/png;base64,")
    assert base64.b64decode(png.split(",", 1)[1]).startswith(b"\x89PNG")
    vector = image_src(figure, False)
    assert vector.startswith("data:image/svg+xml;base64,")
    assert base64.b64decode(vector.split(",", 1)[1]).decode("utf-8") == svg


def test_a_text_s_direction_is_its_first_strong_letter() -> None:
    assert direction("Q2 · Et le marché ?", "rtl") == "ltr"
    assert direction("« مرحبا » Marché", "ltr") == "rtl"
    assert direction("12 < 5 · —", "rtl") == "rtl"  # no strong letter: the document's
    assert direction("\u2068Le marché\u2069 السوق", "ltr") == "rtl"  # an isolate's letters do not count
    assert direction(f"انطلاقاً من: {isolate('Et le marché ?')}", "ltr") == "rtl"
    assert isolate("") == ""


def test_words_in_the_other_script_are_isolated_in_their_direction() -> None:
    """WeasyPrint ignores dir="auto": the HTML says each text's direction itself."""
    section = Section(1, "أسئلة العمل", "questions")
    section.blocks += [Paragraph("Q2 · Et le marché ?"), Paragraph("سؤال ؟")]
    cover = Cover("مخطط", "Diagnostic Zq", "Aix", "", "")
    html = render_html(Document("ar", "rtl", "t", cover, "المحتويات", [section], "f"))
    assert '<p class=""><bdi dir="ltr">Q2 · Et le marché ?</bdi></p>' in html
    assert '<p class="">سؤال ؟</p>' in html  # the document's own direction: as it is
    assert '<bdi dir="ltr">Diagnostic Zq</bdi>' in html  # the cover's title too
    assert 'dir="auto"' not in html


def test_the_collector_is_paused_while_weasyprint_draws_and_back_after() -> None:
    """Full collections over WeasyPrint's millions of short-lived objects took 1.5-3 s of a 120-page
    schéma's CPU (docs/schema.md): `html_to_pdf` draws with the collector paused, and restores it."""
    import weasyprint  # type: ignore[import-untyped]  # fresque.pdf imports it on first use too

    seen: list[bool] = []
    real = weasyprint.HTML.write_pdf

    def write_pdf(self: object, *args: object, **kwargs: object) -> bytes:
        seen.append(gc.isenabled())
        return bytes(real(self, *args, **kwargs))

    assert gc.isenabled()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(weasyprint.HTML, "write_pdf", write_pdf)
        pdf = html_to_pdf("<html lang='fr'><title>t</title><p>Bonjour</p></html>")
    assert pdf.startswith(b"%PDF")
    assert seen == [False]
    assert gc.isenabled()


def test_overlapping_pauses_turn_the_collector_back_on_only_when_the_last_ends() -> None:
    """A PDF drawn in a thread while the event loop counts a diagnostic: neither pause turns the collector
    back on under the other, and it is on again once both have ended."""
    import gc

    from fresque.collector import gc_paused

    assert gc.isenabled()
    first = gc_paused()
    second = gc_paused()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)  # the first to enter ends first: the second still runs
    assert not gc.isenabled()
    second.__exit__(None, None, None)
    assert gc.isenabled()
