"""PDF from HTML and print CSS, through WeasyPrint: the one place every PDF of Fresque is drawn.

WeasyPrint draws text with the system's Pango. A desktop has it; a bare server may not, and Fresque must still
start and serve every workshop without it. So WeasyPrint is imported only when a PDF is asked for, and a
missing library becomes a clear 503 naming the Debian packages to install, never a crash at start-up.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fresque.api.errors import ApiError
from fresque.collector import gc_paused

MISSING_PANGO = (
    "PDF export needs Pango and a font with Arabic glyphs on the server: "
    "apt install libpango-1.0-0 libpangoft2-1.0-0 fonts-noto-core"
)

# Drawing a long document takes seconds of CPU and some hundreds of MB: one at a time per process keeps a
# burst of clicks from taking the machine from the live workshops.
_one_at_a_time = asyncio.Semaphore(1)


def _weasyprint() -> Any:
    try:
        import weasyprint  # type: ignore[import-untyped]  # imported on first use: see the docstring
    except (ImportError, OSError) as exc:  # OSError: the shared library Pango is missing
        raise ApiError(503, "pdf_unavailable", MISSING_PANGO) from exc
    return weasyprint


def html_to_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """The PDF of one HTML document (its print CSS applied). Blocking: call it through `render_pdf`.

    `base_url` resolves relative addresses (images, style sheets) against a folder or URL; images are best
    given inline (data: URIs or inline SVG) so that no request goes back to this server while it draws.
    The document's title, language and bookmarks come from the HTML (<title>, <html lang>, the headings).
    """
    weasyprint = _weasyprint()
    # WeasyPrint makes millions of short-lived objects (styles, boxes, layouts): with the collector on,
    # CPython runs full collections over the whole server during a long document, 1.5-2.5 s of a
    # 120-page schéma's ~12 s of CPU (docs/schema.md). What they hold is freed by reference counting or
    # with the document; the collector comes back as it was at the end (fresque/collector.py).
    with gc_paused():
        document = weasyprint.HTML(string=html, base_url=base_url)
        pdf: bytes = document.write_pdf()
    return pdf


async def render_pdf(html: str, *, base_url: str | None = None) -> bytes:
    """`html_to_pdf` in a worker thread, one document at a time: the event loop (the rooms) keeps running."""
    async with _one_at_a_time:
        return await asyncio.to_thread(html_to_pdf, html, base_url=base_url)
