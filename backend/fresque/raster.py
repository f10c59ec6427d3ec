"""The catalogue's pictures as PNG for the pages, drawn once from their OpenMoji SVGs (resvg).

Why not the SVGs themselves: a browser parses and lays out each SVG picture as a small document of its own, on
the page's main thread. On a resident's low-end phone that cost ~10 ms a picture at first sight, the largest
part of a full board's first paint after the scripts (benchmarks/browser.py, phone case); a PNG is decoded off
the main thread. The SVG route stays for anyone who wants the vectors.

`PICTURE_PX` covers a card's picture (56 CSS px) up to about twice its size on a 2× screen, and the palette's
72 px pictures on it; beyond that zoom a picture softens a little, which a board of pictograms can afford.
OpenMoji draws no text, so system fonts are not loaded (that alone took 60 % of a picture's time).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import resvg_py

PICTURE_PX = 256


@lru_cache(maxsize=512)  # every picture the catalogue uses (~120 today, ~6 KiB each): all stay in memory
def png_of(svg: Path) -> bytes:
    """The PNG (PICTURE_PX square, transparent background) of one SVG file; ~3 ms each on this machine."""
    return bytes(
        resvg_py.svg_to_bytes(svg_path=str(svg), width=PICTURE_PX, height=PICTURE_PX, skip_system_fonts=True)
    )
