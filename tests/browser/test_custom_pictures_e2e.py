"""The workshop's own pictures in Chromium: the facilitator uploads one on the console (cookie + CSRF token),
a resident finds it in the palette (« Nos images », in French and in Arabic), places it by tap-tap and sees it
on the board; the export names it. Screenshots of the console's section and of the palette are saved to
$FRESQUE_SCREENSHOTS_DIR (default `test-results/screenshots/`) to be looked at.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import (
    LAPTOP,
    PHONE,
    Devices,
    Fingers,
    cell_centre,
    export,
    item_selector,
    own_server,
    shoot,
    the_item,
)
from PIL import Image, ImageDraw
from playwright.sync_api import expect
from support.server import ServerProcess


@pytest.fixture
def app(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """The server with its own data directory (the pictures' files)."""
    with own_server(sqlite_url, tmp_path, {"FRESQUE_DATA_DIR": str(tmp_path / "data")}) as proc:
        yield proc


def market_png() -> bytes:
    """A small, wide drawing: a stall with an awning (not square, to see that nothing is squashed)."""
    image = Image.new("RGBA", (240, 160), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    draw.rectangle((20, 70, 220, 150), fill=(240, 200, 80, 255), outline=(60, 40, 0, 255), width=4)
    for i in range(5):
        colour = (200, 40, 40, 255) if i % 2 == 0 else (255, 255, 255, 255)
        draw.rectangle((20 + i * 40, 20, 60 + i * 40, 70), fill=colour, outline=(60, 40, 0, 255), width=3)
    for x in (60, 120, 180):
        draw.ellipse((x - 14, 90, x + 14, 118), fill=(60, 160, 60, 255))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def test_an_uploaded_picture_is_placed_from_the_palette_and_exported(
    devices: Devices, app: ServerProcess
) -> None:
    ws, console = devices.facilitator_at_the_console(LAPTOP)
    section = console.locator("#pictures")
    status = section.locator("#pictures-status")
    expect(section.locator("#pictures-empty")).to_be_visible()
    expect(section.locator("#picture-category option")).not_to_have_count(1)  # the catalogue's categories

    # nothing chosen: said in words, nothing sent
    section.get_by_role("button", name="Ajouter l’image").click()
    expect(status).to_have_text("Choisissez d’abord une image.")
    # a GIF: the server refuses it, the console says why
    gif = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(gif, "GIF")
    section.locator("#picture-file").set_input_files(
        {"name": "anim.gif", "mimeType": "image/gif", "buffer": gif.getvalue()}
    )
    section.locator("#picture-label-fr").fill("Essai")
    section.get_by_role("button", name="Ajouter l’image").click()
    expect(status).to_contain_text("n’est pas une image acceptée")

    section.locator("#picture-file").set_input_files(
        {"name": "marche.png", "mimeType": "image/png", "buffer": market_png()}
    )
    expect(section.locator("#picture-preview")).to_be_visible()
    section.locator("#picture-label-fr").fill("Le marché")
    section.locator("#picture-label-ar").fill("السوق")
    category = section.locator("#picture-category option").nth(1)
    category_id, category_name = category.get_attribute("value"), category.inner_text()
    section.locator("#picture-category").select_option(category_id)
    section.get_by_role("button", name="Ajouter l’image").click()
    expect(status).to_have_text("« Le marché » est ajoutée : elle est dans la palette des tableaux.")
    row = section.locator(".picture-row")
    expect(row).to_have_count(1)
    expect(row).to_contain_text("Le marché")
    expect(row).to_contain_text("السوق")
    expect(row).to_contain_text(category_name)
    expect(section.locator("#pictures-count")).to_have_text("1")
    console.wait_for_function("() => document.querySelector('#picture-list .picture-thumb').naturalWidth > 0")
    expect(section.locator("#picture-file")).to_have_value("")  # the form is ready for the next one
    shoot(console, "console-pictures-fr", "#pictures")

    listed = console.request.get(f"{app.base_url}/api/workshops/{ws.id}/pictograms").json()["pictograms"]
    ref = listed[0]["ref"]

    # a resident on a phone: « Nos images » is the palette's first tab, open
    phone = devices.resident(ws, PHONE, "Amina", "green")
    ours = phone.locator(".palette-tab").first
    expect(ours).to_contain_text("Nos images")
    expect(ours).to_have_attribute("aria-selected", "true")
    picto = phone.locator(f'.pictogram[data-entry="{ref}"]')
    expect(picto).to_have_attribute("aria-label", "Le marché")
    phone.wait_for_function(
        '(ref) => document.querySelector(`.pictogram[data-entry="${ref}"] img`).naturalWidth > 0', arg=ref
    )
    shoot(phone, "palette-custom-fr")
    # also in its own category
    phone.locator(".palette-tab", has_text=category_name).click()
    expect(phone.locator(f'.pictogram[data-entry="{ref}"]')).to_be_visible()
    phone.locator(".palette-tab").first.click()

    # tap-tap: the picture, then a cell
    phone.locator(f'.pictogram[data-entry="{ref}"]').tap()
    expect(phone.locator(f'.pictogram[data-entry="{ref}"]')).to_have_attribute("aria-pressed", "true")
    Fingers(phone).tap(*cell_centre(phone, "tue", "morning"))
    placed = the_item(phone, f"it.ref === '{ref}'")
    assert placed["cell"]["day"] == "tue"
    card = phone.locator(f"{item_selector(placed['id'])} img").first
    expect(card).to_have_attribute("src", listed[0]["picture_url"])
    phone.wait_for_function(
        '(id) => document.querySelector(`.item[data-id="${id}"] img`).naturalWidth > 0', arg=placed["id"]
    )

    document = export(app, ws.board, ws.token)
    assert [i["ref"] for i in document["items"]] == [ref]
    assert document["catalogue"]["refs"][ref]["labels"] == {"fr": "Le marché", "ar": "السوق"}
    assert document["catalogue"]["refs"][ref]["picture_url"] == listed[0]["picture_url"]

    # in Arabic: the same picture, its Arabic name
    arabic = devices.open(PHONE)
    arabic.context.add_cookies(phone.context.cookies())
    arabic.goto(f"{app.base_url}/boards/{ws.board}?lang=ar")
    expect(arabic.locator(".palette-tab").first).to_contain_text("صورنا")
    expect(arabic.locator(f'.pictogram[data-entry="{ref}"]')).to_have_attribute("aria-label", "السوق")
    arabic.wait_for_function(
        '(ref) => document.querySelector(`.pictogram[data-entry="${ref}"] img`).naturalWidth > 0', arg=ref
    )
    shoot(arabic, "palette-custom-ar")

    # the console refuses to delete a picture that a card uses, and says why
    console.goto(f"{app.base_url}/workshops/{ws.id}")
    console.locator(".picture-row").get_by_role("button", name="Supprimer « Le marché »").click()
    expect(status).to_contain_text("Cette image est sur 1 carte des tableaux")
    expect(console.locator(".picture-row")).to_have_count(1)
    console.goto(f"{app.base_url}/workshops/{ws.id}?lang=ar")
    shoot(console, "console-pictures-ar", "#pictures")

    assert devices.errors == []
