"""The street survey in a real Chromium: a surveyor's phone (360×740, touch) answers three residents with no
network, reloads (the page opens from its service worker), and when the network comes back the three
responses reach the server, once each; on plain http (not a secure context) the page says it needs the network
to open and still keeps answers; paper entry by keyboard only; the editor; axe-core on every survey page, in
French and Arabic."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from conftest import CHROMIUM, CHROMIUM_ARGS
from helpers import LAPTOP_HD, PHONE, WAIT_MS, Devices, check_axe
from playwright.sync_api import Playwright, expect
from support.server import ServerProcess
from support.survey_team import Member, create_study, make_member
from survey_steps import answer_one, responses, waiting

TASKS = ("online_procedure", "email", "documents", "appointment", "video_call")


@pytest.fixture
def team(app: ServerProcess) -> tuple[Member, dict[str, Any]]:
    owner = make_member(app, "enqueteur")
    return owner, create_study(app, owner)


def test_three_residents_answered_offline_reach_the_server_once_after_a_reload(
    devices: Devices, app: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    n = [x["id"] for x in study["neighbourhoods"]]
    page = devices.with_account(owner.token, PHONE)
    page.goto(f"{app.base_url}/studies/{study['study']['id']}/survey")
    # the service worker has kept the page and what it needs
    expect(page.locator("body")).to_have_attribute("data-offline-ready", "true")
    # only what the service worker kept may serve the offline reload, not the browser's HTTP cache
    page.context.new_cdp_session(page).send("Network.clearBrowserCache")
    page.context.set_offline(True)
    answer_one(page, "Français", {"neighbourhood": n[0], "age_band": "over_75", "equipment": ["none"]})
    answer_one(
        page,
        "العربية",
        {
            "neighbourhood": n[1],
            "language": "ar",
            "equipment": ["smartphone", "mobile_data"],
            **{f"autonomy_{t}": "alone" for t in TASKS},
            "help_from": ["family", "association"],
        },
    )
    answer_one(
        page,
        "English",
        {
            "neighbourhood": n[2],
            "equipment": ["smartphone", "mobile_data"],
            **dict(zip([f"autonomy_{t}" for t in TASKS], ["cannot"] * 3 + ["with_help"] * 2, strict=True)),
            "barriers": ["skills", "language"],
        },
    )
    assert waiting(page) == "3"
    expect(page.locator("#survey-status")).to_contain_text("3 en attente")
    assert responses(app, owner, study) == []  # nothing reached the server yet
    # a reload with no network: the page comes from the service worker, the three are still waiting
    reloaded = page.reload()
    assert reloaded is not None and reloaded.from_service_worker and reloaded.status == 200
    expect(page.locator("#survey-card")).to_have_attribute("data-screen", "start")
    assert waiting(page) == "3"
    page.screenshot(path=str(app.log_path.parent / "survey-offline-reloaded.png"))
    # the network comes back: they are sent, acknowledged, and leave the phone
    page.context.set_offline(False)
    page.wait_for_function(
        "() => document.getElementById('survey-status').dataset.waiting === '0'", timeout=WAIT_MS * 2
    )
    expect(page.locator("#survey-status")).to_contain_text("Toutes les réponses sont envoyées")
    stored = responses(app, owner, study)
    assert len(stored) == 3
    by_place = {r["neighbourhood_id"]: r for r in stored}
    assert [by_place[x]["fragility"] for x in n] == ["N0", "N4", "N1"]
    assert by_place[n[0]]["answers"] == {"neighbourhood": n[0], "age_band": "over_75", "equipment": ["none"]}
    assert by_place[n[1]]["answers"]["help_from"] == ["family", "association"]
    assert by_place[n[2]]["answers"]["barriers"] == ["skills", "language"]
    assert {r["source"] for r in stored} == {"phone"} and {r["questionnaire_version"] for r in stored} == {1}
    assert len({r["client_id"] for r in stored}) == 3
    # a later reload sends nothing twice
    page.reload()
    expect(page.locator("#survey-card")).to_have_attribute("data-screen", "start")
    page.wait_for_timeout(500)
    assert waiting(page) == "0" and len(responses(app, owner, study)) == 3


def test_the_respondent_s_language_turns_the_card_right_to_left_and_is_said_in_its_words(
    devices: Devices, app: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    page = devices.with_account(owner.token, PHONE)
    page.goto(f"{app.base_url}/studies/{study['study']['id']}/survey")
    page.locator("#survey-card .survey-lang", has_text="العربية").tap()
    page.locator(".survey-start").tap()
    card = page.locator("#survey-card")
    expect(card).to_have_attribute("dir", "rtl")
    expect(card).to_have_attribute("lang", "ar")
    expect(page.locator("#survey-heading")).to_have_text("قبل أن نبدأ")
    page.locator(".survey-consent-yes").tap()
    expect(page.locator("#survey-heading")).to_have_text("في أي حي تسكن؟")
    # the page around it stays in the surveyor's language
    assert page.evaluate("document.documentElement.lang") == "fr"
    # the answers' start is the card's right-hand side
    box = card.bounding_box()
    first = page.locator("#survey-card .survey-answer").first.bounding_box()
    assert box and first and abs((box["x"] + box["width"]) - (first["x"] + first["width"])) < 40
    # « Non merci » keeps nothing
    page.locator(".survey-back").tap()
    page.locator(".survey-consent-no").tap()
    assert waiting(page) == "0"


def test_on_plain_http_the_page_says_it_needs_the_network_to_open_and_still_keeps_answers(
    playwright: Playwright, app: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    # a name for this server that is not this machine's: no secure context, so no service worker
    browser = playwright.chromium.launch(
        executable_path=str(CHROMIUM),
        args=[*CHROMIUM_ARGS, "--host-resolver-rules=MAP survey.test 127.0.0.1"],
    )
    try:
        context = browser.new_context(locale="fr-FR", **PHONE)
        base = f"http://survey.test:{app.port}"
        context.add_cookies([{"name": "fresque_account", "value": owner.token, "url": base}])
        page = context.new_page()
        page.goto(f"{base}/studies/{study['study']['id']}/survey")
        assert page.evaluate("window.isSecureContext") is False
        note = page.locator("#survey-offline-note")
        expect(note).to_be_visible()
        expect(note).to_contain_text("besoin du réseau pour s'ouvrir")
        context.set_offline(True)
        answer_one(page, "Français", {"age_band": "26_40"})
        assert waiting(page) == "1"
        context.set_offline(False)
        page.wait_for_function(
            "() => document.getElementById('survey-status').dataset.waiting === '0'", timeout=WAIT_MS * 2
        )
        assert [r["answers"] for r in responses(app, owner, study)] == [{"age_band": "26_40"}]
    finally:
        browser.close()


def test_paper_forms_are_typed_with_the_keyboard_only(
    devices: Devices, app: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    page = devices.with_account(owner.token, LAPTOP_HD)
    page.goto(f"{app.base_url}/studies/{study['study']['id']}/survey/entry")
    expect(page.locator("#entry-consent")).to_be_focused()
    keys = page.keyboard
    # consent, then: 2nd neighbourhood · age 5 (61-75) · language skipped · equipment 1 and 5 · …
    keys.press("Space")
    keys.press("Enter")
    for typed in ["2", "5", "", "1 5", "1,3", "2", "1", "3", "3", "2", "1 5", "9"]:
        keys.type(typed)
        keys.press("Enter")
    # the last field's 9 is no answer of `barriers` (6 answers): said, and nothing is saved
    expect(page.locator("#entry-error-barriers")).to_contain_text("1 à 6")
    expect(page.locator("#entry-barriers")).to_be_focused()
    keys.press("Backspace")
    keys.type("1 2")
    keys.press("Enter")
    expect(page.locator("#survey-status")).to_contain_text("Fiche enregistrée")
    expect(page.locator("#entry-consent")).to_be_focused()
    # a second form without the consent ticked is not taken
    keys.press("Enter")
    keys.type("1")
    keys.press("Enter")
    page.locator("#entry-form button[type=submit]").focus()
    keys.press("Enter")
    expect(page.locator("#entry-consent-error")).to_be_visible()
    stored = responses(app, owner, study)
    assert len(stored) == 1
    row = stored[0]
    n = [x["id"] for x in study["neighbourhoods"]]
    assert row["source"] == "paper"
    assert row["answers"] == {
        "neighbourhood": n[1],
        "age_band": "61_75",
        "equipment": ["smartphone", "mobile_data"],
        "services_used": ["caf", "impots"],
        "autonomy_online_procedure": "with_help",
        "autonomy_email": "alone",
        "autonomy_documents": "cannot",
        "autonomy_appointment": "cannot",
        "autonomy_video_call": "with_help",
        "help_from": ["family", "association"],
        "barriers": ["cost", "skills"],
    }


def test_the_editor_saves_a_new_version_then_locks_after_a_response(
    devices: Devices, app: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    sid = study["study"]["id"]
    page = devices.with_account(owner.token, LAPTOP_HD)
    page.goto(f"{app.base_url}/studies/{sid}/survey/edit")
    first = page.locator(".edit-question").first
    first.locator("[data-action=down]").last.click()  # the question's own « Descendre » (after its answers')
    expect(page.locator(".edit-question").nth(1)).to_have_attribute("data-question", "neighbourhood")
    page.locator("#edit-add-question").click()
    fresh = page.locator(".edit-question").last
    expect(fresh.locator("input[lang=fr]").first).to_be_focused()
    page.keyboard.type("Avez-vous une imprimante ?")
    fresh.locator(".edit-answer input[lang=fr]").fill("Oui")
    fresh.locator("[data-action=add-answer]").click()
    page.keyboard.type("Non")
    page.locator("#edit-form button[type=submit]").click()
    expect(page.locator("#edit-status")).to_contain_text("Version 2 enregistrée")
    got = httpx.get(f"{app.base_url}/api/studies/{sid}/surveys/questionnaire", headers=owner.headers()).json()
    questions = got["questionnaire"]["questions"]
    assert got["version"] == 2 and [q["id"] for q in questions[:2]] == ["age_band", "neighbourhood"]
    assert questions[-1]["labels"] == {"fr": "Avez-vous une imprimante ?"}
    assert [a["labels"]["fr"] for a in questions[-1]["answers"]] == ["Oui", "Non"]
    body = {"client_id": "paper-edit-0001", "questionnaire_version": 2, "answers": {}, "consent": True}
    sent = httpx.post(
        f"{app.base_url}/api/studies/{sid}/surveys/responses", json=body, headers=owner.headers()
    )
    assert sent.status_code == 201, sent.text
    page.reload()
    expect(page.locator("#edit-locked")).to_contain_text("1 réponse")
    expect(page.locator("#edit-form button[type=submit]")).to_be_disabled()
    expect(page.locator("#edit-add-question")).to_be_disabled()


@pytest.mark.parametrize("lang", ["fr", "ar"])
def test_the_survey_pages_pass_axe(
    devices: Devices, app: ServerProcess, team: tuple[Member, dict[str, Any]], axe: Any, lang: str
) -> None:
    owner, study = team
    sid = study["study"]["id"]
    page = devices.with_account(owner.token, PHONE)
    page.goto(f"{app.base_url}/studies/{sid}/survey?lang={lang}")
    check_axe(axe, page, f"survey start {lang}")
    page.locator(".survey-start").tap()
    check_axe(axe, page, f"survey consent {lang}")
    page.locator(".survey-consent-yes").tap()
    for _ in range(3):
        page.locator(".survey-next").tap()
    page.locator('#survey-card [data-answer="smartphone"]').tap()
    check_axe(axe, page, f"survey question with pictures {lang}")
    page.screenshot(path=str(app.log_path.parent / f"survey-question-{lang}.png"))
    for path in ("paper", "entry", "edit"):
        page.goto(f"{app.base_url}/studies/{sid}/survey/{path}")
        check_axe(axe, page, f"survey {path} {lang}")


FAKE_VOICES = """
(() => {
  const spoken = [];
  window.__spoken = spoken;
  const voices = [{ lang: 'fr-FR', name: 'fr' }, { lang: 'ar-SA', name: 'ar' }];
  const synth = {
    getVoices: () => voices,
    speak: (u) => spoken.push({ text: u.text, lang: u.lang }),
    cancel: () => {},
    addEventListener: () => {},
  };
  Object.defineProperty(window, 'speechSynthesis', { value: synth, configurable: true });
  window.SpeechSynthesisUtterance = class { constructor(text) { this.text = text; } };
})();
"""


def test_a_question_is_read_aloud_in_the_respondent_s_language(
    devices: Devices, app: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    """The device's voices are stood in for (headless Chromium has none): what is said, in which language."""
    owner, study = team
    page = devices.with_account(owner.token, PHONE)
    page.add_init_script(FAKE_VOICES)
    page.goto(f"{app.base_url}/studies/{study['study']['id']}/survey")
    page.locator("#survey-card .survey-lang", has_text="العربية").tap()
    page.locator(".survey-start").tap()
    page.locator(".survey-consent-yes").tap()
    for _ in range(5):  # to the first autonomy question
        page.locator(".survey-next").tap()
    expect(page.locator("#survey-card")).to_have_attribute("data-question", "autonomy_online_procedure")
    page.locator(".survey-listen").tap()
    spoken = page.evaluate("window.__spoken")
    assert spoken == [
        {
            "text": "القيام بإجراء إداري عبر الإنترنت (CAF، الضرائب…). "
            "هل تستطيع القيام بذلك وحدك، أم بمساعدة، أم لا؟. وحدي. بمساعدة. لا أستطيع",
            "lang": "ar-SA",
        }
    ]
    # a language the device has no voice for gets no speaker button
    page.locator("#survey-card .survey-lang", has_text="English").tap()
    expect(page.locator(".survey-listen")).to_have_count(0)


def test_a_reload_mid_interview_comes_back_to_the_same_question(
    devices: Devices, app: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    n = [x["id"] for x in study["neighbourhoods"]]
    page = devices.with_account(owner.token, PHONE)
    page.goto(f"{app.base_url}/studies/{study['study']['id']}/survey")
    page.locator("#survey-card .survey-lang", has_text="العربية").tap()
    page.locator(".survey-start").tap()
    page.locator(".survey-consent-yes").tap()
    card = page.locator("#survey-card")
    page.locator(f'#survey-card [data-answer="{n[2]}"]').tap()
    expect(card).to_have_attribute("data-question", "age_band")
    page.locator('#survey-card [data-answer="41_60"]').tap()
    expect(card).to_have_attribute("data-question", "language")
    page.reload()
    expect(card).to_have_attribute("data-question", "language")
    expect(card).to_have_attribute("dir", "rtl")
    expect(page.locator(".survey-progress")).to_have_text("السؤال 3 من 12")
    page.locator(".survey-back").tap()
    expect(page.locator('#survey-card [data-answer="41_60"]')).to_have_attribute("aria-pressed", "true")
    page.locator(".survey-next").tap()
    for _ in range(10):
        page.locator(".survey-next").tap()
    expect(card).to_have_attribute("data-screen", "done")
    page.wait_for_function("() => document.getElementById('survey-status').dataset.waiting === '0'")
    assert [r["answers"] for r in responses(app, owner, study)] == [
        {"neighbourhood": n[2], "age_band": "41_60"}
    ]
    page.reload()  # a finished interview is not resumed
    expect(card).to_have_attribute("data-screen", "start")
