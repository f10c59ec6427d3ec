"""The facilitator console in Chromium: its writes go with the cookie and the page's CSRF token.

Close and reopen joining, a new link (and QR picture), adding a board, logging out; each says what happened
in the console's live region, and the server's state follows.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from helpers import LAPTOP, PHONE, TABLET, WALL, Devices, add_actions_board, check_axe, console_url
from playwright.sync_api import Locator, Page, expect
from support.server import ServerProcess


def test_the_console_buttons_work_with_the_cookie_and_the_csrf_token(
    devices: Devices, app: ServerProcess
) -> None:
    ws, page = devices.facilitator_at_the_console(LAPTOP)
    status = page.locator("#console-status")
    state = lambda: app.get(f"/api/workshops/{ws.id}", ws.token).json()  # noqa: E731

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
    page.get_by_role("button", name="Ajouter la fresque").click()
    expect(page.locator("#boards-status")).to_contain_text("La fresque est ajoutée")
    expect(page.locator("#boards .board-title")).to_have_text(["Atelier Jas-de-Bouffan", "Fresque du samedi"])
    assert [b["title"] for b in state()["boards"]] == ["Atelier Jas-de-Bouffan", "Fresque du samedi"]

    assert devices.errors == []


# -- the participants and the sign-in links ---------------------------------------------------------------


def test_the_participants_list_follows_who_is_here_and_the_facilitator_renames_and_removes(
    devices: Devices, app: ServerProcess
) -> None:
    ws, page = devices.facilitator(LAPTOP)
    resident = devices.resident(ws, PHONE, "Amina", "green")
    page.goto(console_url(app, ws))
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


def test_a_sign_in_link_opened_in_another_browser_lands_on_the_console(
    devices: Devices, app: ServerProcess
) -> None:
    ws, page = devices.facilitator_at_the_console(LAPTOP)
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


# -- the boards: adding an action fresco, printing it, its exports -----------------------------------------

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def downloaded_text(page: Page, link: Locator) -> tuple[str, str]:
    """Click a download link: the file's suggested name and its text (UTF-8, the byte order mark dropped)."""
    with page.expect_download() as info:
        link.click()
    download = info.value
    path = download.path()
    assert path is not None
    return download.suggested_filename, Path(path).read_bytes().decode("utf-8").removeprefix("\ufeff")


def test_the_facilitator_adds_an_action_fresco_prints_it_and_downloads_its_tables(
    devices: Devices, app: ServerProcess
) -> None:
    ws, page = devices.facilitator_at_the_console(LAPTOP)
    form = page.locator("#add-board")
    expect(form.get_by_role("heading", name="Ajouter une fresque")).to_be_visible()
    exploration = form.get_by_role("radio", name="Fresque d’exploration (habitants)")
    actions = form.get_by_role("radio", name="Fresque des actions (partenaires)")
    expect(exploration).to_be_checked()
    expect(actions).not_to_be_checked()
    expect(actions).to_have_accessible_description(re.compile("Les partenaires placent leurs actions"))
    # the whole card chooses: a tap in its middle, not only on the small round button
    form.locator(".kind-choice", has=page.locator("#new-board-actions")).click()
    expect(actions).to_be_checked()
    expect(exploration).not_to_be_checked()

    form.get_by_role("textbox", name="Titre de la nouvelle fresque").fill("Plan d’actions 2027")
    form.get_by_role("button", name="Ajouter la fresque").click()
    expect(page.locator("#boards-status")).to_contain_text("La fresque est ajoutée à la liste.")
    boards = app.get(f"/api/workshops/{ws.id}", ws.token).json()["boards"]
    assert [(b["kind"], b["title"]) for b in boards] == [
        ("exploration", "Atelier Jas-de-Bouffan"),
        ("actions", "Plan d’actions 2027"),
    ]
    board = boards[1]["id"]
    expect(form.get_by_role("textbox", name="Titre de la nouvelle fresque")).to_have_value("")

    # the new row: its kind, open, print twice, the JSON export and the CSV table; no projector view
    row = page.locator("#boards .board-row", has_text="Plan d’actions 2027")
    expect(row.locator(".board-names .hint")).to_have_text("Fresque des actions")
    expect(row.locator("img.icon-big")).to_have_attribute("src", "/icons/board-actions.svg")
    expect(row.get_by_role("link", name="Ouvrir")).to_have_attribute("href", f"/boards/{board}")
    expect(row.get_by_role("link", name="Projeter ici")).to_have_count(0)
    calendar = row.get_by_role("link", name="Imprimer le calendrier")
    expect(calendar).to_have_attribute("href", f"/boards/{board}/print")
    expect(row.get_by_role("link", name="Imprimer les fiches")).to_have_attribute(
        "href", f"/boards/{board}/print?fiches=1"
    )
    expect(row.get_by_role("link", name="Télécharger l'export JSON")).to_have_attribute(
        "download", "fresque-atelier-jas-de-bouffan-actions.json"
    )
    csv = row.get_by_role("link", name="Tableur (CSV)")
    # a French console: semicolons, for a French Excel (issue 11)
    expect(csv).to_have_attribute("href", f"/api/boards/{board}/export.csv?sep=semicolon")
    expect(csv).to_have_attribute("download", "fresque-atelier-jas-de-bouffan-actions.csv")
    name, text = downloaded_text(page, csv)
    assert name.endswith(".csv")
    header = text.splitlines()[0].split(";")
    assert header[:4] == ["id", "number", "title", "lane"] and header[-1] == "votes"
    assert len(text.splitlines()) == 1  # no action yet: the header row only

    # the row is the server's own after a reload (one macro for both)
    added = page.locator("#boards .board-row").nth(1).inner_html()
    page.reload()
    assert page.locator("#boards .board-row").nth(1).inner_html() == added

    # the exploration board: its projector view, and a small menu of its tables
    residents = page.locator("#boards .board-row", has_text="Atelier Jas-de-Bouffan")
    expect(residents.get_by_role("link", name="Projeter ici")).to_have_attribute(
        "href", f"/boards/{ws.board}?view=projector"
    )
    expect(residents.get_by_role("link", name="Imprimer le calendrier")).to_have_count(0)
    tables = residents.locator(".csv-menu:not(.poster-menu) .csv-tables")  # not the poster menu
    expect(tables).to_be_hidden()
    residents.locator("summary", has_text="Tableur (CSV)").click()
    expect(tables.get_by_role("link")).to_have_text(
        [
            "Activités",
            "Difficultés",
            "Services en ligne",
            "Idées",
            "Notes",
            "Fils",
            "Votes",
            "Participants",
        ]
    )
    links = tables.get_by_role("link")
    csv_url = f"/api/boards/{ws.board}/export.csv"
    expect(links.first).to_have_attribute("href", f"{csv_url}?table=activities&sep=semicolon")
    expect(links.last).to_have_attribute("href", f"{csv_url}?table=participants&sep=semicolon")
    name, text = downloaded_text(page, tables.get_by_role("link", name="Participants"))
    assert name.endswith(".csv")
    lines = text.splitlines()
    assert lines[0].startswith("id;alias;role;colour;") and len(lines) == 2  # the facilitator
    # the other separator, one tap away: every CSV link follows
    page.get_by_role("radio", name="Virgule « , » (autres tableurs)").check()
    expect(links.first).to_have_attribute("href", f"{csv_url}?table=activities&sep=comma")
    expect(csv).to_have_attribute("href", f"/api/boards/{board}/export.csv?sep=comma")
    name, text = downloaded_text(page, tables.get_by_role("link", name="Activités"))
    assert text.splitlines()[0].startswith("id,author,author_id,ref,")

    # printing: the timeline, then every fiche (none yet)
    page.locator("#boards .board-row", has_text="Plan d’actions 2027").get_by_role(
        "link", name="Imprimer le calendrier"
    ).click()
    page.wait_for_url(f"{app.base_url}/boards/{board}/print")
    expect(page.locator("#plan-title")).to_contain_text("Plan d’actions 2027")
    page.go_back()
    page.locator("#boards .board-row", has_text="Plan d’actions 2027").get_by_role(
        "link", name="Imprimer les fiches"
    ).click()
    page.wait_for_url(f"{app.base_url}/boards/{board}/print?fiches=1")
    expect(page.locator("main")).to_contain_text("Aucune action sur ce tableau pour l’instant.")
    assert devices.errors == []


def test_a_co_facilitator_prints_but_does_not_download(devices: Devices, app: ServerProcess) -> None:
    ws, page = devices.facilitator(LAPTOP)
    add_actions_board(app, ws, "Plan")
    link = page.request.post(
        f"{app.base_url}/api/workshops/{ws.id}/sign-in-links",
        data={"role": "co_facilitator", "alias": "Leïla"},
        headers={"Authorization": f"Bearer {ws.token}"},
    )
    assert link.status == 201, link.text()
    other = devices.open(TABLET)
    other.goto(link.json()["link"])
    other.get_by_role("button", name="Entrer").click()
    other.wait_for_url(f"{app.base_url}/workshops/{ws.id}")
    plan = other.locator("#boards .board-row", has_text="Plan")
    expect(plan.get_by_role("link", name="Imprimer le calendrier")).to_be_visible()
    expect(plan.get_by_role("link", name="Imprimer les fiches")).to_be_visible()
    expect(other.locator("#boards .export-link, #boards .csv-link, #boards .csv-menu")).to_have_count(0)
    expect(other.locator("#add-board, template")).to_have_count(0)
    assert devices.errors == []


@pytest.mark.parametrize(
    ("name", "device", "lang"),
    [("tablet", TABLET, "fr"), ("phone", PHONE, "fr"), ("1920", WALL, "fr"), ("phone-ar", PHONE, "ar")],
)
def test_console_screenshots(
    devices: Devices, app: ServerProcess, name: str, device: dict[str, Any], lang: str
) -> None:
    """The boards' card with both kinds (an exploration board's tables open) and the add form, to look at."""
    ws, page = devices.facilitator(device)
    add_actions_board(app, ws, "Plan d’actions du quartier 2027")
    page.goto(console_url(app, ws, lang))
    page.locator("#boards .csv-menu summary").first.click()
    page.locator("#add-board .kind-choice").nth(1).click()
    SHOTS.mkdir(parents=True, exist_ok=True)
    card = page.locator("section", has=page.locator("#boards"))
    card.screenshot(path=str(SHOTS / f"console-boards-{name}.png"))
    page.screenshot(path=str(SHOTS / f"console-{name}.png"), full_page=True)
    # nothing sticks out of the screen sideways
    assert page.evaluate("() => document.documentElement.scrollWidth") <= device["viewport"]["width"]
    assert devices.errors == []


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_boards_card_with_both_kinds_passes_axe(
    devices: Devices, app: ServerProcess, lang: str, axe: Any
) -> None:
    """axe-core on the boards' card at work: an actions row, an exploration board's tables open, the actions
    card chosen, a row just added by the page (in the page's language)."""
    _, page = devices.facilitator_at_the_console(PHONE, lang)
    page.locator("#add-board .kind-choice").nth(1).click()
    page.locator("#new-board-title").fill("Plan")
    page.locator("#add-board button[type=submit]").click()
    expect(page.locator("#boards .board-row")).to_have_count(2)
    expect(page.locator("#boards .board-row").nth(1).locator(".print-link")).to_have_count(2)
    page.locator("#boards .csv-menu summary").first.click()
    expect(page.locator("#boards .csv-tables").first).to_be_visible()
    page.locator("#new-board-actions").focus()
    check_axe(axe, page, f"console-{lang}")
    assert devices.errors == []


def test_a_board_added_after_a_language_switch_has_its_row_in_the_new_language(
    devices: Devices, app: ServerProcess
) -> None:
    """The rows' <template>s are rendered in the page's first language: a row added later is re-translated."""
    _, page = devices.facilitator_at_the_console(TABLET)
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    form = page.locator("#add-board")
    expect(form.get_by_role("radio", name="Exploration fresco (residents)")).to_be_checked()
    form.get_by_role("textbox", name="Title of the new fresco").fill("Saturday")
    form.get_by_role("button", name="Add the fresco").click()
    expect(page.locator("#boards-status")).to_have_text("The fresco is added to the list.")
    row = page.locator("#boards .board-row", has_text="Saturday")
    expect(row.locator(".board-names .hint")).to_have_text("Exploration fresco")
    expect(row.get_by_role("link", name="Project here")).to_be_visible()
    row.locator("summary", has_text="Spreadsheet (CSV)").click()
    expect(row.locator(".csv-tables").get_by_role("link").first).to_have_text("Activities")
    # in English, commas: the links already there and the new row's (a French page started with `;`)
    expect(page.get_by_role("radio", name="Comma “,” (other spreadsheets)")).to_be_checked()
    for link in page.locator("#boards a.csv-link").all():
        assert (link.get_attribute("href") or "").endswith("sep=comma")
    expect(row.locator("a.csv-link").first).to_have_attribute(
        "href", re.compile(r"/export\.csv\?table=activities&sep=comma$")
    )
    assert devices.errors == []
