"""The study team's pages in Chromium: from the landing page's « Espace équipe » to signing in, a new study
with its neighbourhoods, a neighbourhood's workshop, « Ouvrir la console » landing on the console with no
join code, an invite opened on a phone by a newcomer who makes an account and opens the console as a
co-facilitator; the account page; and axe-core (no critical or serious finding) on every page in French and
Arabic (right to left) at a phone's and a laptop's size, with nothing wider than the screen."""

from __future__ import annotations

import re
from typing import Any

import pytest
from helpers import LAPTOP, LAPTOP_HD, PHONE, Devices, check_axe, context_for
from playwright.sync_api import Browser, Page, expect
from support.accounts import PASSWORD, make_account, make_study, sign_in
from support.server import ServerProcess

# Signing in hashes the password (argon2id, ~0.2 s, two at once at most): on a machine busy with other
# tests that alone can take seconds, so what follows a sign-in waits longer than the usual 10 s.
SIGN_IN_MS = 30_000


def fill_sign_in(page: Page, username: str, password: str) -> None:
    page.locator("#sign-in-username").fill(username)
    page.locator("#sign-in-password").fill(password)
    page.locator("#sign-in-form button[type=submit]").click()


def no_sideways_scroll(page: Page, where: str) -> None:
    """Nothing sticks out of the screen's width (a phone would scroll sideways)."""
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (where, widths)


def test_from_sign_in_to_a_neighbourhood_s_console_and_a_newcomer_s_invite(
    devices: Devices, app: ServerProcess
) -> None:
    make_account(app, "amina")
    laptop = devices.open(LAPTOP_HD)
    laptop.goto(app.base_url + "/")
    laptop.get_by_role("link", name="Espace équipe : se connecter").click()
    expect(laptop).to_have_url(app.base_url + "/sign-in")

    fill_sign_in(laptop, "amina", "pas le bon mot de passe")
    expect(laptop.locator("#sign-in-error")).to_have_text(
        "Identifiant ou mot de passe incorrect.", timeout=SIGN_IN_MS
    )
    fill_sign_in(laptop, "Amina", PASSWORD)
    expect(laptop).to_have_url(app.base_url + "/studies", timeout=SIGN_IN_MS)
    expect(laptop.locator(".team-username")).to_have_text("amina")

    # a new study with two neighbourhoods (the form starts with two rows)
    laptop.locator("#study-title").fill("Inclusion numérique 2026")
    laptop.locator("#study-territory").fill("Aix-en-Provence")
    rows = laptop.locator("#neighbourhood-rows li")
    expect(rows).to_have_count(2)
    rows.nth(0).locator("input[name=name]").fill("Jas-de-Bouffan")
    rows.nth(0).locator("input[name=qpv_code]").fill("QN01301M")
    rows.nth(1).locator("input[name=name]").fill("Encagnane")
    laptop.locator("#study-form button[type=submit]").click()
    expect(laptop.locator("h1.page-title")).to_have_text("Inclusion numérique 2026")
    study_url = laptop.url
    places = laptop.locator("article.place")
    expect(places).to_have_count(2)
    expect(places.nth(0).locator(".place-name")).to_contain_text("Jas-de-Bouffan")
    expect(places.nth(0).locator(".qpv-code")).to_have_text("QN01301M")
    for link, tail in (
        ("#link-survey", "/survey"),
        ("#link-diagnostic", "/diagnostic"),
        ("#link-questions", "/questions"),
    ):
        expect(laptop.locator(link)).to_have_attribute("href", study_url.removeprefix(app.base_url) + tail)

    # the Jas-de-Bouffan workshop, from its neighbourhood's card
    jas = places.nth(0)
    jas.locator("summary", has_text="Nouvel atelier").click()
    expect(jas.locator("input[name=title]")).to_have_value("Atelier Jas-de-Bouffan")
    jas.locator("input[name=date]").fill("2026-03-05")
    jas.locator("form button[type=submit]").click()
    row = laptop.locator("article.place").nth(0).locator(".workshop-row")
    expect(row).to_have_count(1)
    expect(row.locator(".workshop-title")).to_have_text("Atelier Jas-de-Bouffan")
    expect(row.locator(".workshop-date")).to_have_text("2026-03-05")
    expect(laptop.locator("article.place").nth(1).locator(".workshop-row")).to_have_count(0)

    # « Ouvrir la console »: the console, no join code typed
    # read before the click: the row is gone with the page
    console_url = f"{app.base_url}/workshops/{row.get_attribute('data-workshop')}"
    laptop.context.clear_cookies(name="fresque_session")  # the creation's cookie gone: the button gives one
    row.get_by_role("button", name="Ouvrir la console").click()
    expect(laptop).to_have_url(console_url)
    expect(laptop.locator("h1")).to_contain_text("Atelier Jas-de-Bouffan")

    # an invite: its link and QR code
    laptop.goto(study_url)
    laptop.get_by_role("button", name="Inviter quelqu'un").click()
    link = laptop.locator("#invite-link")
    expect(link).to_have_value(re.compile("^" + re.escape(app.base_url + "/invite/") + "[A-Za-z0-9_-]{40,}$"))
    expect(laptop.locator("#invite-qr")).to_be_visible()
    # the test server listens on loopback only: the link opens on this computer only, and the page says so
    expect(laptop.locator("#invite-warning-text")).to_contain_text("ne s'ouvre que sur cet ordinateur")
    expect(laptop.locator("#invite-command")).to_contain_text("./scripts/serve --lan")
    invite = link.input_value()
    assert invite.startswith(app.base_url + "/invite/")

    # a newcomer, on a phone: an account and the team in one step, then the console as a co-facilitator
    phone = devices.open(PHONE)
    phone.goto(invite)
    expect(phone.locator("#invite-title")).to_have_text("Inclusion numérique 2026")
    phone.locator("#invite-username").fill("Bilal")
    phone.locator("#invite-password").fill("court")
    phone.locator("#newcomer-form button[type=submit]").click()
    expect(phone.locator("#invite-error")).to_contain_text("au moins 12 caractères")
    phone.locator("#invite-password").fill("une phrase de passe pour bilal")
    phone.locator("#newcomer-form button[type=submit]").click()
    expect(phone).to_have_url(study_url, timeout=SIGN_IN_MS)
    expect(phone.locator(".team-member")).to_have_count(2)
    no_sideways_scroll(phone, "dashboard, phone")
    phone.get_by_role("button", name="Ouvrir la console").click()
    expect(phone).to_have_url(console_url)
    # the invite is spent
    phone.goto(invite)
    expect(phone.locator("h1")).to_have_text("Ce lien d'invitation a déjà servi")


def test_the_account_page_changes_the_password_and_signs_out(devices: Devices, app: ServerProcess) -> None:
    make_account(app, "amina")
    laptop, phone = devices.open(LAPTOP), devices.open(PHONE)
    for page in (laptop, phone):
        page.goto(app.base_url + "/account")
        expect(page).to_have_url(app.base_url + "/sign-in?next=/account")
        fill_sign_in(page, "amina", PASSWORD)
        expect(page).to_have_url(app.base_url + "/account", timeout=SIGN_IN_MS)
    laptop.locator("#password-current").fill(PASSWORD)
    laptop.locator("#password-new").fill("une nouvelle phrase secrète")
    laptop.get_by_role("button", name="Changer le mot de passe").click()
    expect(laptop.locator("#password-status")).to_contain_text("Mot de passe changé", timeout=SIGN_IN_MS)
    # the phone's session has ended: its next page asks to sign in
    phone.goto(app.base_url + "/studies")
    expect(phone).to_have_url(app.base_url + "/sign-in?next=/studies")
    laptop.get_by_role("button", name="Se déconnecter").last.click()
    expect(laptop).to_have_url(app.base_url + "/sign-in")
    fill_sign_in(laptop, "amina", "une nouvelle phrase secrète")
    expect(laptop).to_have_url(app.base_url + "/studies", timeout=SIGN_IN_MS)


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_team_s_pages_pass_axe_and_fit_phones_and_laptops(
    browser: Browser, app: ServerProcess, axe: Any, lang: str
) -> None:
    make_account(app, "amina")
    owner = sign_in(app, "amina")
    made = make_study(owner)
    study_id = made["study"]["id"]
    jas = made["neighbourhoods"][0]["id"]
    owner.send(
        "POST", f"/api/studies/{study_id}/workshops", {"title": "Atelier du Jas", "neighbourhood_id": jas}
    )
    owner.send("POST", f"/api/studies/{study_id}/workshops", {"title": "Partenaires", "partners": True})
    invite = owner.send("POST", f"/api/studies/{study_id}/invites").json()["link"]
    errors: list[str] = []
    for device, name in ((PHONE, "phone"), (LAPTOP_HD, "laptop")):
        with context_for(browser, app, device, lang) as visitor:
            page = visitor.new_page()
            page.on("pageerror", lambda error: errors.append(str(error)))
            page.goto(f"{app.base_url}/sign-in")
            expect(page.locator("html")).to_have_attribute("dir", "rtl" if lang == "ar" else "ltr")
            check_axe(axe, page, f"sign-in {lang} {name}")
            no_sideways_scroll(page, f"sign-in {lang} {name}")
            page.goto(invite)
            check_axe(axe, page, f"invite, newcomer {lang} {name}")
            page.goto(f"{app.base_url}/sign-in?next=/studies")
            fill_sign_in(page, "amina", PASSWORD)
            expect(page).to_have_url(app.base_url + "/studies", timeout=SIGN_IN_MS)
            for path, where in (
                ("/studies", "studies"),
                (f"/studies/{study_id}", "dashboard"),
                ("/account", "account"),
                (invite.removeprefix(app.base_url), "invite, already on the team"),
            ):
                page.goto(app.base_url + path)
                check_axe(axe, page, f"{where} {lang} {name}")
                no_sideways_scroll(page, f"{where} {lang} {name}")
            page.goto(f"{app.base_url}/studies/{study_id}")
            page.locator(".place").first.locator("summary").click()
            page.locator(".neighbourhood-editor summary").click()
            page.locator("#make-invite").click()
            expect(page.locator("#invite-qr")).to_be_visible()
            check_axe(axe, page, f"dashboard, forms open {lang} {name}")
            no_sideways_scroll(page, f"dashboard, forms open {lang} {name}")
            assert not errors, errors
