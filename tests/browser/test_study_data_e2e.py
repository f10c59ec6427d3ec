"""A study's data in Chromium (docs/study-export.md): « Importer une étude » on « Mes études » makes a new
study from a downloaded file and opens it; the dashboard's « Télécharger toute l'étude » gives the study's
JSON; its owner erases it after typing its title again (a wrong title is refused, nothing erased), landing on
« Mes études » without it. In French on a laptop and in Arabic on a phone, axe-core finds nothing critical or
serious on either page, the erase form open, and nothing is wider than the phone's screen."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
from helpers import LAPTOP_HD, PHONE, Devices, check_axe
from playwright.sync_api import Page, expect
from support.server import ServerProcess
from support.study_export_seed import make_account, seed_study


def no_sideways_scroll(page: Page, where: str) -> None:
    widths = page.evaluate("() => [document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], (where, widths)


def test_import_download_and_erase_a_study_through_the_pages(
    devices: Devices, app: ServerProcess, tmp_path: Path, axe: Any
) -> None:
    owner = make_account(app, "claire")
    seeded = seed_study(app, owner, "Jas")
    document = httpx.get(f"{app.base_url}/api/studies/{seeded.id}/export", headers=owner.bearer(), timeout=60)
    file = tmp_path / "fresque-study-diagnostic-jas.json"
    file.write_text(document.text)

    laptop = devices.with_account(owner.token, LAPTOP_HD)
    laptop.goto(f"{app.base_url}/studies?lang=fr")
    form = laptop.locator("#study-import-form")
    form.locator("button[type=submit]").click()  # no file yet
    expect(laptop.locator("#study-import-error")).to_have_text("Choisissez un fichier.")
    wrong = tmp_path / "autre.json"
    wrong.write_text(json.dumps({"format": "fresque-workshop"}))
    laptop.locator("#study-import-file").set_input_files(str(wrong))
    expect(laptop.locator("#study-import-name")).to_have_text("autre.json")
    form.locator("button[type=submit]").click()
    expect(laptop.locator("#study-import-error")).to_contain_text("n'est pas une étude téléchargée")

    laptop.locator("#study-import-file").set_input_files(str(file))
    form.locator("button[type=submit]").click()
    expect(laptop.locator("h1.page-title")).to_have_text("Diagnostic Jas")
    new_id = laptop.url.rstrip("/").rsplit("/", 1)[-1]
    assert new_id != seeded.id
    # the imported study's three workshops are on its dashboard, each under its neighbourhood
    expect(laptop.locator(".workshop-row")).to_have_count(3)
    expect(laptop.locator("article.place").nth(0).locator(".workshop-title")).to_have_text("Atelier Jas Jas")

    with laptop.expect_download() as info:
        laptop.locator("#study-export").click()
    assert info.value.suggested_filename == "fresque-study-diagnostic-jas.json"
    downloaded = json.loads(Path(info.value.path()).read_text())
    assert downloaded["format"] == "fresque-study" and downloaded["study"]["id"] == new_id
    assert len(downloaded["responses"]) == 12 and len(downloaded["workshops"]) == 3

    laptop.locator("#study-data summary").click()
    check_axe(axe, laptop, "dashboard, fr, erase form open")
    laptop.locator("#study-erase-title").fill("Diagnostic")
    laptop.locator("#study-erase-form button[type=submit]").click()
    expect(laptop.locator("#study-erase-error")).to_have_text("Ce n'est pas le titre de l'étude.")
    assert (
        httpx.get(f"{app.base_url}/api/studies/{new_id}", headers=owner.bearer(), timeout=30).status_code
        == 200
    )
    laptop.locator("#study-erase-title").fill("Diagnostic Jas")
    laptop.locator("#study-erase-form button[type=submit]").click()
    expect(laptop).to_have_url(f"{app.base_url}/studies")
    expect(laptop.locator(".study-title")).to_have_count(1)  # the original, not the erased copy
    gone = httpx.get(f"{app.base_url}/api/studies/{new_id}/export", headers=owner.bearer(), timeout=30)
    assert gone.status_code == 404
    check_axe(axe, laptop, "studies, fr")

    # Arabic, on a phone: right to left, nothing sticking out, axe-core clean
    phone = devices.with_account(owner.token, PHONE)
    phone.goto(f"{app.base_url}/studies/{seeded.id}?lang=ar")
    expect(phone.locator("html")).to_have_attribute("dir", "rtl")
    expect(phone.locator("#study-export")).to_have_text("تنزيل الدراسة كاملة (JSON)")
    phone.locator("#study-data summary").click()
    expect(phone.locator("#study-erase-title")).to_be_visible()
    no_sideways_scroll(phone, "dashboard, ar, phone")
    check_axe(axe, phone, "dashboard, ar, phone, erase form open")
    phone.goto(f"{app.base_url}/studies?lang=ar")
    expect(phone.locator("#study-import-name")).to_have_text("لم يُختر أي ملف")
    no_sideways_scroll(phone, "studies, ar, phone")
    check_axe(axe, phone, "studies, ar, phone")
