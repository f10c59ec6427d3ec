"""The facilitator console in Chromium: its writes go with the cookie and the page's CSRF token.

Close and reopen joining, a new link (and QR picture), adding a board, logging out; each says what happened
in the console's live region, and the server's state follows.
"""

from __future__ import annotations

import httpx
from helpers import LAPTOP, Devices, create_workshop
from playwright.sync_api import Browser, expect
from support.server import ServerProcess


def test_the_console_buttons_work_with_the_cookie_and_the_csrf_token(
    browser: Browser, app: ServerProcess
) -> None:
    devices = Devices(browser, app)
    try:
        page = devices.open(LAPTOP)
        ws = create_workshop(page, app)
        page.goto(f"{app.base_url}/workshops/{ws.id}")
        status = page.locator("#console-status")
        state = lambda: httpx.get(  # noqa: E731
            f"{app.base_url}/api/workshops/{ws.id}", headers={"Authorization": f"Bearer {ws.token}"}
        ).json()

        page.locator("#toggle-joining").click()
        expect(status).to_contain_text("Les inscriptions sont fermées")
        expect(page.locator("#joining-closed")).to_be_visible()
        expect(page.locator("#toggle-joining")).to_contain_text("Rouvrir les inscriptions")
        assert state()["joining"]["open"] is False
        page.locator("#toggle-joining").click()
        expect(status).to_contain_text("Les inscriptions sont rouvertes")
        expect(page.locator("#joining-closed")).to_have_count(0)
        assert state()["joining"]["open"] is True

        old_link = page.locator("#join-link").input_value()
        old_qr = page.locator("#join-qr").get_attribute("src")
        page.locator("#new-link").click()
        expect(status).to_contain_text("Nouveau lien prêt")
        expect(page.locator("#join-link")).not_to_have_value(old_link)
        assert page.locator("#join-link").input_value() == state()["joining"]["join_link"]
        assert page.locator("#join-qr").get_attribute("src") != old_qr
        page.wait_for_function("() => document.getElementById('join-qr').naturalWidth > 0")

        page.locator("#new-board-title").fill("Fresque du samedi")
        page.get_by_role("button", name="Ajouter un tableau").click()
        expect(status).to_contain_text("Le tableau est ajouté")
        expect(page.locator("#boards .board-title")).to_have_text(
            ["Atelier Jas-de-Bouffan", "Fresque du samedi"]
        )
        assert [b["title"] for b in state()["boards"]] == ["Atelier Jas-de-Bouffan", "Fresque du samedi"]

        assert devices.errors == []
    finally:
        devices.close()
