"""The screenshots a person looks at before a change lands: every page, three screens, French and Arabic.

Saved (not committed) to $FRESQUE_SCREENSHOTS_DIR, by default `test-results/screenshots/` in the repository
(git-ignored). The same code as `scripts/screenshots.py`, run against the test's server and browser.
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from PIL import Image
from playwright.sync_api import Browser
from support.server import REPO, ServerProcess


def _screenshots_module():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("screenshots", REPO / "scripts" / "screenshots.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_every_page_is_photographed_at_three_sizes_in_french_and_arabic(
    browser: Browser, app: ServerProcess
) -> None:
    shots = _screenshots_module()
    out = Path(os.environ.get("FRESQUE_SCREENSHOTS_DIR", REPO / "test-results" / "screenshots"))
    out.mkdir(parents=True, exist_ok=True)
    shop = shots.build_workshop(app.base_url)
    files = shots.shoot(browser, app.base_url, shop, out)
    print(f"\n{len(files)} screenshots in {out}")
    names = {f.stem for f in files}
    for size, width in (("phone", 360), ("laptop", 1366), ("wall", 1920)):
        for lang in ("fr", "ar"):
            for page in (
                "landing",
                "join",
                "facilitator",
                "facilitator-tools",
                "facilitator-dialog",
                "board",
                "board-selected",
                "board-sheet",
                "board-facilitator",
                "projector",
                "board-removed",
            ):
                assert f"{page}-{size}-{lang}" in names
            if size != "phone":  # « Mode table » is for big touch screens
                assert f"board-table-{size}-{lang}" in names
            with Image.open(out / f"board-{size}-{lang}.png") as board:
                assert board.width == width
                # a drawn board, not a blank or an error page: many colours (pictograms, cards, the grid)
                assert len(board.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 200
