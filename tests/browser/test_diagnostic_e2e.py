"""The diagnostic page in Chromium, in French and Arabic, on a 1366×768 laptop and a 360×740 phone:
screenshots (/tmp/shots-d/), axe-core without a critical or serious problem, the heat map's numbers at least
12 px as drawn on the screen, every chart's words too, nothing off-screen sideways on the phone (tables scroll
in their own box), the charts mirrored in Arabic, and a language switch bringing the charts in the new
language.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from helpers import LAPTOP, PHONE, WAIT_MS, check_axe, choose_language
from playwright.sync_api import Browser, Page, expect
from support.diagnostic_page_seed import DiagnosticStudy, seed_diagnostic_study
from support.server import ServerProcess

SHOTS = Path("/tmp/shots-d")
SCREENS: dict[str, dict[str, Any]] = {
    "laptop": {**LAPTOP, "viewport": {"width": 1366, "height": 768}},
    "phone": PHONE,
}

# Each chart's text as drawn: the computed font size times the SVG's scale on the screen (its drawn width
# over its viewBox's width).
DRAWN_SIZES = """(selector) => [...document.querySelectorAll(selector)].map((text) => {
  const svg = text.ownerSVGElement;
  const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
  return {text: text.textContent, px: parseFloat(getComputedStyle(text).fontSize) * scale,
          chart: svg.id};
})"""

# Elements sticking out of the viewport sideways, but for those inside a box that scrolls on its own.
OFF_SCREEN = """() => {
  const width = document.documentElement.clientWidth;
  const out = [];
  for (const el of document.querySelectorAll('body *')) {
    if (el.closest('.dx-scroll')) continue;
    const box = el.getBoundingClientRect();
    if (box.width === 0 && box.height === 0) continue;
    if (box.left < -1 || box.right > width + 1) {
      out.push(`${el.tagName}.${el.className} ${box.left}..${box.right}`);
    }
  }
  return {out: out.slice(0, 10), scroll: document.documentElement.scrollWidth, width};
}"""


@pytest.fixture(scope="module")
def study() -> Iterator[tuple[ServerProcess, DiagnosticStudy]]:
    """One seeded study for every case of this file (seeding takes a while). Asked for before `browser` by
    every test: the seeding runs asyncio, which cannot start while sync Playwright's loop runs."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix="fresque-diag-e2e-"))
    server = ServerProcess(f"sqlite+aiosqlite:///{root / 'fresque.sqlite3'}", log_path=root / "server.log")
    server.start()
    try:
        yield server, seed_diagnostic_study(server, random.Random(21))
    finally:
        server.stop()


def open_page(
    browser: Browser, server: ServerProcess, seeded: DiagnosticStudy, screen: str, lang: str
) -> Page:
    context = browser.new_context(locale="fr-FR", **SCREENS[screen])
    context.set_default_timeout(WAIT_MS)
    context.add_cookies([{"name": "fresque_account", "value": seeded.member.token, "url": server.base_url}])
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(f"{server.base_url}/studies/{seeded.study_id}/diagnostic?lang={lang}")
    expect(page.locator("#chart-heat")).to_be_visible()
    page.evaluate("() => document.fonts.ready")
    assert not errors
    return page


@pytest.mark.parametrize("screen", ["laptop", "phone"])
@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_diagnostic_page_reads_on_a_laptop_and_a_phone(
    study: tuple[ServerProcess, DiagnosticStudy], browser: Browser, axe: Any, lang: str, screen: str
) -> None:
    server, seeded = study
    page = open_page(browser, server, seeded, screen, lang)
    try:
        assert page.evaluate("() => document.documentElement.dir") == ("rtl" if lang == "ar" else "ltr")
        SHOTS.mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / f"diagnostic-{lang}-{screen}.png"), full_page=True)

        # the heat map's numbers, and every chart's words, are at least 12 px on this screen
        cells = page.evaluate(DRAWN_SIZES, "#chart-heat text.heat-value")
        assert cells, "the seeded study has a heat map"
        assert min(c["px"] for c in cells) >= 12, cells
        small = [t for t in page.evaluate(DRAWN_SIZES, "svg.chart text") if t["px"] < 12]
        assert not small, small[:5]
        # « < 5 » cells are written as such, never a number
        assert "< 5" in [c["text"] for c in cells]

        # the start of a chart is the reading side: labels begin at the right in Arabic, the left in French
        label = page.locator("#chart-equipment text").first.bounding_box()
        chart = page.locator("#chart-equipment").bounding_box()
        assert label and chart
        if lang == "ar":
            assert label["x"] + label["width"] == pytest.approx(chart["x"] + chart["width"], abs=2)
        else:
            assert label["x"] == pytest.approx(chart["x"], abs=2)

        # every data table opened: nothing sticks out sideways (a wide table scrolls in its own box)
        for summary in page.locator("details.dx-data > summary").all():
            summary.click()
        found = page.evaluate(OFF_SCREEN)
        assert not found["out"] and found["scroll"] <= found["width"], found
        if screen == "phone":
            page.screenshot(path=str(SHOTS / f"diagnostic-{lang}-{screen}-tables.png"), full_page=True)

        check_axe(axe, page, f"diagnostic {lang} {screen}")
    finally:
        page.context.close()


def test_switching_language_redraws_the_charts(
    study: tuple[ServerProcess, DiagnosticStudy], browser: Browser
) -> None:
    server, seeded = study
    page = open_page(browser, server, seeded, "laptop", "fr")
    try:
        assert page.locator("#chart-heat").get_attribute("direction") == "ltr"
        choose_language(page, "العربية")
        # the charts are the server's: the page reloads, and they come back mirrored, in Arabic
        expect(page.locator("#chart-heat")).to_have_attribute("direction", "rtl")
        expect(page.locator("#chart-heat-heading")).to_have_text("الصعوبات حسب النشاط والشدة")
        expect(page.locator("html")).to_have_attribute("dir", "rtl")
    finally:
        page.context.close()
