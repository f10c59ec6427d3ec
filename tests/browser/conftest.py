"""Browser tests: Debian's Chromium driven by Playwright (no browser download: `executable_path`).

Without Chromium they skip, saying so; CI sets FRESQUE_REQUIRE_BROWSER=1 so they cannot skip there.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from support.server import ServerProcess

CHROMIUM = Path("/usr/bin/chromium")
# The flags a sandboxed root session needs; background networking off because this machine has no internet.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # quiet: without these, every Playwright error message drowns in D-Bus and audio noise
    "--log-level=3",
    "--mute-audio",
]

try:
    from helpers import LAPTOP, Devices, Workshop, devices_on
    from playwright.sync_api import Browser, Page, Playwright, sync_playwright
except ImportError:  # pragma: no cover - the test extra installs it
    sync_playwright = None  # type: ignore[assignment]


def _missing() -> str | None:
    if sync_playwright is None:
        return "playwright is not installed (pip install -e '.[test]')"
    if not CHROMIUM.exists():
        return "Debian's chromium is not installed (apt-get install chromium)"
    return None


# Module scope: sync Playwright runs an event loop in this thread while it lives; kept for the session it
# would make every later asyncio test fail ("asyncio.run() cannot be called from a running event loop").
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    reason = _missing()
    if reason:
        if os.environ.get("FRESQUE_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here: {reason}")
        pytest.skip(reason)
    with sync_playwright() as p:
        yield p


@pytest.fixture
def axe() -> Any:
    """axe-core, from the test extra (`pip install -e '.[test]'`): without it the accessibility tests skip,
    saying so, except where browser tests are required (CI), where its absence fails them."""
    try:
        from axe_playwright_python.sync_playwright import Axe
    except ImportError:  # pragma: no cover - the test extra installs it
        reason = "axe-playwright-python is not installed (pip install -e '.[test]')"
        if os.environ.get("FRESQUE_REQUIRE_BROWSER"):
            pytest.fail(f"browser tests are required here: {reason}")
        pytest.skip(reason)
    return Axe()


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    yield browser
    browser.close()


@pytest.fixture
def app(sqlite_server: ServerProcess) -> ServerProcess:
    """A real Fresque process on SQLite for the browsers to talk to."""
    return sqlite_server


# -- the world of one test: its browsers and its workshop ----------------------------------------------------


@pytest.fixture
def devices(browser: Browser, app: ServerProcess) -> Iterator[Devices]:
    """The test's browsers (`helpers.Devices`), closed after it; and the test fails if any page threw."""
    with devices_on(browser, app) as found:
        yield found


@pytest.fixture
def workshop(devices: Devices) -> tuple[Workshop, Page]:
    """A new workshop whose facilitator's laptop shows its board: (the workshop, the facilitator's page)."""
    return devices.facilitator_at_the_board(LAPTOP)
