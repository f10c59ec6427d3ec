"""The facilitator console in Chromium: its writes go with the cookie and the page's CSRF token.

Close and reopen joining, a new link (and QR picture), adding a board, logging out; each says what happened
in the console's live region, and the server's state follows.
"""

from __future__ import annotations

import httpx
from helpers import LAPTOP, PHONE, TABLET, Devices, create_workshop
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


# -- the participants and the sign-in links ---------------------------------------------------------------


def test_the_participants_list_follows_who_is_here_and_the_facilitator_renames_and_removes(
    browser: Browser, app: ServerProcess
) -> None:
    devices = Devices(browser, app)
    try:
        page = devices.open(LAPTOP)
        ws = create_workshop(page, app)
        resident = devices.resident(ws, PHONE, "Amina", "green")
        page.goto(f"{app.base_url}/workshops/{ws.id}")
        people = page.locator("#people")
        status = page.locator("#people-status")
        amina = people.locator("li.person-row", has_text="Amina")
        # present, on a phone, in words and a sign (the list is fetched at once, then every 5 s)
        expect(amina.locator(".presence-here")).to_have_text("ici")
        expect(amina.locator(".device")).to_have_text("téléphone")
        expect(page.locator("#people-count")).to_have_text("1")
        mine = people.locator("li.person-row", has_text="(vous)")
        expect(mine.locator(".person-role")).to_have_text("Animation")
        expect(mine.get_by_role("button", name="Retirer")).to_have_count(0)  # nobody removes the owner

        # rename in place: a big field, Enter saves; the list and the server follow
        amina.get_by_role("button", name="Renommer Amina").click()
        field = people.get_by_role("textbox", name="Nouveau nom")
        expect(field).to_be_focused()
        field.fill("Amina B.")
        field.press("Enter")
        expect(status).to_contain_text("« Amina » s’appelle maintenant « Amina B. »")
        renamed = people.locator("li.person-row", has_text="Amina B.")
        expect(renamed.locator(".person-alias")).to_have_text("Amina B.")
        expect(renamed.get_by_role("button", name="Renommer Amina B.")).to_be_focused()

        # someone on paper, hosted by the facilitator: listed under them
        page.locator("#paper-alias").fill("Fatima")
        page.get_by_role("button", name="Ajouter", exact=True).click()
        expect(status).to_contain_text("Fatima est ajouté·e, sur papier.")
        hosted = mine.locator(".people-hosted li.person-row", has_text="Fatima")
        expect(hosted.locator(".presence-hosted")).to_have_text("sur papier")

        # remove: the dialog says what it does; the resident's board is cut off at once
        renamed.get_by_role("button", name="Retirer Amina B.").click()
        dialog = page.locator("#remove-dialog")
        expect(dialog).to_be_visible()
        expect(dialog).to_contain_text("Retirer « Amina B. » ?")
        expect(dialog).to_contain_text("Cette personne sera déconnectée tout de suite")
        dialog.get_by_role("button", name="Retirer").click()
        expect(dialog).to_be_hidden()
        expect(status).to_contain_text("Amina B. est retiré·e de l’atelier.")
        expect(people.locator("li.person-row", has_text="Amina B.")).to_have_count(0)
        resident.wait_for_function("() => !window.fresque.connection.ready")
        expect(resident.locator("#status")).not_to_have_attribute("data-status", "connected")
        resident.reload()
        expect(resident).not_to_have_url(f"{app.base_url}/boards/{ws.board}")  # the cookie is revoked too
        assert devices.errors == []
    finally:
        devices.close()


def test_a_sign_in_link_opened_in_another_browser_lands_on_the_console(
    browser: Browser, app: ServerProcess
) -> None:
    devices = Devices(browser, app)
    try:
        page = devices.open(LAPTOP)
        ws = create_workshop(page, app)
        page.goto(f"{app.base_url}/workshops/{ws.id}")
        status = page.locator("#sign-in-status")

        # a co-facilitator, named
        page.locator("#co-alias").fill("Leïla")
        page.locator("#invite-co").get_by_role("button", name="Créer le lien").click()
        expect(status).to_contain_text("Lien prêt pour Leïla")
        expect(page.locator("#sign-in-result")).to_be_visible()
        expect(page.locator("#sign-in-expiry")).to_contain_text("Ce lien marche une seule fois, jusqu’à")
        page.wait_for_function("() => document.getElementById('sign-in-qr').naturalWidth > 0")
        link = page.locator("#sign-in-link").input_value()
        assert link.startswith(f"{app.base_url}/s/")

        other = devices.open(PHONE)
        other.goto(link)
        expect(other.locator("h1")).to_have_text("Atelier Jas-de-Bouffan")
        expect(other.locator(".signin-alias")).to_have_text("Leïla")
        other.get_by_role("button", name="Entrer").click()
        other.wait_for_url(f"{app.base_url}/workshops/{ws.id}")
        expect(other.locator(".role-tag")).to_have_text("Co-animation")
        expect(other.locator("#people li.person-row", has_text="Leïla")).to_contain_text("(vous)")
        expect(other.locator("#console")).to_have_count(0)
        expect(other.locator("#invite-co")).to_have_count(0)
        # the owner sees the co-facilitator arrive
        expect(page.locator("#people li.person-row", has_text="Leïla")).to_contain_text("Co-animation")

        # once: the link opened again says it no longer works
        third = devices.open(LAPTOP)
        third.goto(link)
        expect(third.locator("h1")).to_have_text("Ce lien ne marche plus")

        # the facilitator's own other device
        page.locator("#sign-in-me").get_by_role("button", name="Créer le lien").click()
        expect(status).to_contain_text("scannez le code QR avec votre autre appareil")
        tablet = devices.open(TABLET)
        tablet.goto(page.locator("#sign-in-link").input_value())
        tablet.get_by_role("button", name="Entrer").click()
        tablet.wait_for_url(f"{app.base_url}/workshops/{ws.id}")
        expect(tablet.locator("#console")).to_be_visible()

        # a projector: an observer, on the board's projector view
        page.locator("#sign-in-projector").get_by_role("button", name="Créer le lien").click()
        expect(status).to_contain_text("Lien prêt pour l’écran « Projecteur »")
        screen = devices.open(LAPTOP)
        screen.goto(page.locator("#sign-in-link").input_value())
        screen.get_by_role("button", name="Entrer").click()
        screen.wait_for_url(f"{app.base_url}/boards/{ws.board}?view=projector")
        expect(page.locator(".projector-link").first).to_have_attribute(
            "href", f"/boards/{ws.board}?view=projector"
        )
        assert devices.errors == []
    finally:
        devices.close()
