"""Issue 12, item 4 in Chromium: the pages that create say, in their language, why the server refused —
the home page's « Créer un atelier » (429: the creation allowance), the console's pictures (507: the
server's room for pictures is full) and its people on paper (409: the most people one host may have).
Screenshots (phone 360×740, laptop 1366×768, touch screen 1920×1080; French and Arabic) are saved to
$FRESQUE_SCREENSHOTS_DIR (default `test-results/screenshots/`) to be looked at.
"""

from __future__ import annotations

import io
import json
import random
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from helpers import (
    LAPTOP,
    LAPTOP_HD,
    PHONE,
    SHOTS,
    WALL,
    Devices,
    choose_language,
    console_url,
    own_server,
    shoot,
)
from PIL import Image
from playwright.sync_api import expect
from support.server import ServerProcess

REPO = Path(__file__).resolve().parents[2]
I18N = REPO / "frontend" / "static" / "i18n"


def words(lang: str, key: str) -> str:
    return str(json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))[key])


@pytest.fixture
def app(request: pytest.FixtureRequest, sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server with small allowances: `@pytest.mark.parametrize("app", [{...}], indirect=True)`."""
    with own_server(
        sqlite_url, tmp_path, {"FRESQUE_DATA_DIR": str(tmp_path / "data"), **request.param}
    ) as proc:
        yield proc


@pytest.mark.parametrize(
    "app", [{"FRESQUE_CREATE_BURST": "1", "FRESQUE_CREATE_PER_HOUR": "1"}], indirect=True
)
def test_the_home_page_says_why_a_workshop_was_not_created(devices: Devices, app: ServerProcess) -> None:
    assert httpx.post(f"{app.base_url}/api/workshops", json={"title": "Le premier"}).status_code == 201
    for device, size in ((PHONE, "phone"), (LAPTOP_HD, "laptop"), (WALL, "touch")):
        for lang in ("fr", "ar"):
            page = devices.open(device)
            page.goto(f"{app.base_url}/?lang={lang}")
            page.locator("#create-title").click()
            page.locator("#create-title-input").fill("Atelier de trop")
            page.locator("#create-form button[type=submit]").click()
            error = page.locator("#create-error")
            expect(error).to_have_text(words(lang, "landing.error.too_many_workshops"))
            expect(error).to_be_visible()
            assert page.url.rstrip("/").endswith(f"?lang={lang}")  # still on the form
            assert page.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
            error.scroll_into_view_if_needed()
            box = error.bounding_box()
            width = page.viewport_size["width"] if page.viewport_size else 0
            assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
            shoot(page, f"creation-429-{size}-{lang}")
    assert devices.errors == []


def noise_png(seed: int) -> bytes:
    """512×512 random RGB pixels: its re-made PNG cannot compress (~790 KB with its thumbnail)."""
    image = Image.frombytes("RGB", (512, 512), random.Random(seed).randbytes(512 * 512 * 3))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.mark.parametrize(
    "app", [{"FRESQUE_PICTURES_QUOTA_MIB": "1", "FRESQUE_MAX_HOSTED_PER_HOST": "1"}], indirect=True
)
def test_the_console_says_the_pictures_room_is_full_and_a_host_has_its_most_people(
    devices: Devices, app: ServerProcess
) -> None:
    ws, console = devices.facilitator(LAPTOP)
    first = httpx.post(
        f"{app.base_url}/api/workshops/{ws.id}/pictograms",
        headers={"Authorization": f"Bearer {ws.token}"},
        files={"file": ("a.png", noise_png(1), "image/png")},
        data={"label_fr": "Bruit"},
        timeout=30,
    )
    assert first.status_code == 201, first.text
    console.goto(console_url(app, ws))
    section = console.locator("#pictures")
    section.locator("#picture-file").set_input_files(
        {"name": "b.png", "mimeType": "image/png", "buffer": noise_png(2)}
    )
    section.locator("#picture-label-fr").fill("Encore")
    section.get_by_role("button", name="Ajouter l’image").click()
    status = section.locator("#pictures-status")
    expect(status).to_have_text(words("fr", "facilitator.pictures.error.storage_full"))

    people = console.locator("#people-status")
    console.locator("#paper-alias").fill("Fatima")
    console.locator("#add-paper button[type=submit]").click()
    expect(people).to_contain_text("Fatima")
    console.locator("#paper-alias").fill("Omar")
    console.locator("#add-paper button[type=submit]").click()
    expect(people).to_have_text(words("fr", "facilitator.done.too_many_hosted"))
    # The words follow the language
    choose_language(console, "العربية")
    expect(status).to_have_text(words("ar", "facilitator.pictures.error.storage_full"))
    expect(people).to_have_text(words("ar", "facilitator.done.too_many_hosted"))
    SHOTS.mkdir(parents=True, exist_ok=True)
    section.screenshot(path=str(SHOTS / "creation-507-pictures-ar.png"))
    console.locator("#people-card").screenshot(path=str(SHOTS / "creation-409-paper-ar.png"))
    assert devices.errors == []


@pytest.mark.parametrize("app", [{"FRESQUE_MAX_PEOPLE_PER_WORKSHOP": "2"}], indirect=True)
def test_the_join_page_says_the_workshop_is_full(devices: Devices, app: ServerProcess) -> None:
    created = httpx.post(f"{app.base_url}/api/workshops", json={"title": "Petit atelier"}).json()
    assert (
        httpx.post(f"{app.base_url}/api/join", json={"code": created["join_code"], "alias": "A"}).status_code
        == 201
    )
    for lang in ("fr", "ar"):
        page = devices.open(PHONE)
        page.goto(f"{app.base_url}/j/{created['join_code']}?lang={lang}")
        page.locator("#alias-input").fill("Karim")
        page.locator("label.swatch.colour-green").click()
        page.locator("#join-form button[type=submit]").click()
        error = page.locator("#join-error")
        expect(error).to_have_text(words(lang, "join.error.workshop_full"))
        error.scroll_into_view_if_needed()
        shoot(page, f"creation-409-join-full-phone-{lang}")
    assert devices.errors == []
