"""A response the server refuses, on the surveyor's phone (360×740, touch), in a real Chromium.

The phone answers two residents with no network; meanwhile the team removes the neighbourhood one of them
named (nothing in the study named it yet), so when the network comes back the server takes the first and
refuses the second for good (422 `unknown_neighbourhood`). The surveyor sees it — a line saying when it was
answered and why it was refused, in their language (French, then Arabic right to left) — it is never sent
again (not after a reload, not when the network comes back again), and they may delete it, which asks first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import httpx
import pytest
from helpers import PHONE, WAIT_MS, Devices, check_axe
from playwright.sync_api import Page, Request, expect
from support.server import ServerProcess
from support.survey_team import Member, create_study, make_member
from survey_steps import answer_one, responses, waiting

SHOTS = Path("/tmp/shots-fiche-survey")


@pytest.fixture
def team(app: ServerProcess) -> tuple[Member, dict[str, Any]]:
    owner = make_member(app, "enqueteuse")
    return owner, create_study(app, owner)


def refused_count(page: Page) -> str:
    return page.locator("#survey-status").get_attribute("data-refused") or ""


def stored_refused(page: Page, study_id: str) -> list[dict[str, Any]]:
    found: list[dict[str, Any]] = page.evaluate(
        "(key) => JSON.parse(localStorage.getItem(key) || '[]')", f"fresque.survey.{study_id}.refused"
    )
    return found


def test_a_refused_response_is_shown_kept_out_of_the_sending_and_may_be_deleted(
    devices: Devices, app: ServerProcess, team: tuple[Member, dict[str, Any]], axe: Any
) -> None:
    owner, study = team
    study_id = study["study"]["id"]
    places = study["neighbourhoods"]
    n = [x["id"] for x in places]
    page = devices.with_account(owner.token, PHONE)
    sent: list[str] = []  # the client id of every response the phone posts

    def on_request(request: Request) -> None:
        if request.method == "POST" and request.url.endswith("/surveys/responses"):
            sent.append(str((request.post_data_json or {}).get("client_id")))

    page.on("request", on_request)
    page.goto(f"{app.base_url}/studies/{study_id}/survey")
    expect(page.locator("#survey-card")).to_have_attribute("data-screen", "start")
    page.context.set_offline(True)
    answer_one(page, "Français", {"neighbourhood": n[0], "age_band": "over_75"})
    answer_one(page, "Français", {"neighbourhood": n[2], "age_band": "26_40"})
    assert waiting(page) == "2"

    # Meanwhile the team drops « Corsy » from the study: no workshop and no stored response names it yet.
    kept = [{"id": x["id"], "name": x["name"]} for x in places[:2]]
    changed = httpx.put(
        f"{app.base_url}/api/studies/{study_id}/neighbourhoods",
        json={"neighbourhoods": kept},
        headers=owner.headers(),
        timeout=30,
    )
    assert changed.status_code == 200, changed.text

    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('survey-status').dataset.waiting === '0'", timeout=WAIT_MS * 2
    )
    assert refused_count(page) == "1"
    stored = responses(app, owner, study)
    assert [r["neighbourhood_id"] for r in stored] == [n[0]]
    refused = stored_refused(page, study_id)
    assert len(refused) == 1 and refused[0]["refused"]["error"] == "unknown_neighbourhood"
    refused_id = refused[0]["client_id"]
    assert sent.count(refused_id) == 1

    # The surveyor is told, in words: when it was answered, why it is refused, what to do.
    status = page.locator("#survey-status")
    expect(status).to_contain_text("Toutes les réponses sont envoyées")
    expect(status.locator("a.survey-refused")).to_have_text(
        "1 refusée(s) par le serveur, gardée(s) sur ce téléphone"
    )
    section = page.locator("#survey-refused")
    expect(section).to_be_visible()
    expect(section.locator("h2")).to_have_text("Réponses refusées par le serveur")
    line = section.locator(".survey-refused-item p")
    expect(line).to_have_count(1)
    expect(line).to_contain_text("Réponse du ")
    expect(line).to_contain_text("son quartier ne fait plus partie de l'étude.")
    discard = section.locator(".survey-refused-discard")
    expect(discard).to_have_text("Supprimer")
    box = discard.bounding_box()
    assert (
        box is not None and box["height"] >= 44 and box["x"] + box["width"] <= 360
    )  # a thumb's target, on screen
    SHOTS.mkdir(parents=True, exist_ok=True)
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "survey-refused-fr-360.png"), full_page=True)
    check_axe(axe, page, "survey page with a refused response (fr)")

    # Out of the sending: not after a reload, not when the network comes back again.
    page.reload()
    expect(page.locator("#survey-card")).to_have_attribute("data-screen", "start")
    expect(page.locator("#survey-refused .survey-refused-item")).to_have_count(1)
    page.context.set_offline(True)
    page.context.set_offline(False)
    page.wait_for_timeout(1500)
    assert sent.count(refused_id) == 1
    assert len(responses(app, owner, study)) == 1

    # In Arabic, right to left.
    page.goto(f"{app.base_url}/studies/{study_id}/survey?lang=ar")
    section = page.locator("#survey-refused")
    expect(section.locator("h2")).to_have_text("إجابات رفضها الخادم")
    expect(section.locator(".survey-refused-item p")).to_contain_text("لم يعد حيّها جزءاً من الدراسة.")
    assert section.evaluate("(el) => getComputedStyle(el).direction") == "rtl"
    section.scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "survey-refused-ar-360.png"), full_page=True)
    check_axe(axe, page, "survey page with a refused response (ar)")
    for name, size in (("1366", {"width": 1366, "height": 768}), ("1920", {"width": 1920, "height": 1080})):
        page.set_viewport_size(size)
        page.screenshot(path=str(SHOTS / f"survey-refused-ar-{name}.png"), full_page=True)

    # Deleting asks first: « no » keeps it, « yes » lets it go for good.
    page.goto(f"{app.base_url}/studies/{study_id}/survey?lang=fr")
    asked: list[str] = []
    page.once("dialog", lambda d: (asked.append(d.message), d.dismiss()))
    page.locator(".survey-refused-discard").tap()
    expect(page.locator("#survey-refused .survey-refused-item")).to_have_count(1)
    assert asked and "Supprimer définitivement la réponse du" in asked[0]
    page.once("dialog", lambda d: d.accept())
    page.locator(".survey-refused-discard").tap()
    expect(page.locator("#survey-refused")).to_be_hidden()
    assert refused_count(page) == "0" and stored_refused(page, study_id) == []
    expect(page.locator("#survey-status")).not_to_contain_text("refusée")
    page.reload()
    expect(page.locator("#survey-card")).to_have_attribute("data-screen", "start")
    expect(page.locator("#survey-refused")).to_be_hidden()
    assert len(responses(app, owner, study)) == 1
