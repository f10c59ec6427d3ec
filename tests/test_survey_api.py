"""The street survey's API against a real server, on SQLite and PostgreSQL: the questionnaire (read, edited
into new versions, locked after the first response), responses (checked against their version, stored once per
client id however often and however concurrently they are resent), and who may do what."""

from __future__ import annotations

import asyncio
import copy
import json
from typing import Any

import httpx
import pytest
from support.server import ServerProcess
from support.survey_team import PASSWORD, Member, add_to_team, create_study, make_member

ALL_ALONE = {f"autonomy_{t}": "alone" for t in ("online_procedure", "email", "documents", "appointment")}


@pytest.fixture
def team(server: ServerProcess) -> tuple[Member, dict[str, Any]]:
    owner = make_member(server, "enqueteur")
    return owner, create_study(server, owner)


def url(study: dict[str, Any], tail: str) -> str:
    return f"/api/studies/{study['study']['id']}/surveys/{tail}"


def get(server: ServerProcess, path: str, who: Member | None) -> httpx.Response:
    return httpx.get(server.base_url + path, headers=who.headers() if who else {}, timeout=30)


def post(server: ServerProcess, path: str, body: Any, who: Member | None) -> httpx.Response:
    return httpx.post(server.base_url + path, json=body, headers=who.headers() if who else {}, timeout=30)


def put(server: ServerProcess, path: str, body: Any, who: Member | None) -> httpx.Response:
    return httpx.put(server.base_url + path, json=body, headers=who.headers() if who else {}, timeout=30)


def response_body(study: dict[str, Any], client_id: str, **answers: Any) -> dict[str, Any]:
    return {
        "client_id": client_id,
        "questionnaire_version": 1,
        "answers": {"neighbourhood": study["neighbourhoods"][0]["id"], **answers},
        "consent": True,
        "answered_at": "2026-12-06T10:15:00+01:00",
    }


def test_the_team_reads_the_default_questionnaire_with_its_neighbourhoods(
    server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    got = get(server, url(study, "questionnaire"), owner)
    assert got.status_code == 200, got.text
    body = got.json()
    assert body["version"] == 1 and body["editable"] is True and body["responses"] == 0
    assert [n["name"] for n in body["neighbourhoods"]] == ["Jas-de-Bouffan", "Encagnane", "Corsy"]
    ids = [q["id"] for q in body["questionnaire"]["questions"]]
    assert ids[:4] == ["neighbourhood", "age_band", "language", "equipment"]
    assert "autonomy_online_procedure" in ids and "barriers" in ids and "help_from" in ids
    # anonymous by construction: no question asks for a name, a phone or an address
    assert not {"name", "phone", "email", "address", "contact"} & set(ids)


def test_a_response_is_stored_once_and_a_resend_gets_the_stored_one(
    server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    sent = response_body(study, "phone-1-0001", equipment=["smartphone", "mobile_data"], **ALL_ALONE)
    first = post(server, url(study, "responses"), sent, owner)
    assert first.status_code == 201, first.text
    stored = first.json()["response"]
    assert first.json()["created"] is True and stored["fragility"] == "N4" and stored["source"] == "phone"
    assert stored["answered_at"].startswith("2026-12-06T09:15:00")  # kept, in UTC
    again = post(server, url(study, "responses"), sent, owner)
    assert again.status_code == 200 and again.json() == {"response": stored, "created": False}
    # a resend under the same client id with other answers: the stored response stands, and comes back
    changed = {**sent, "answers": {**sent["answers"], "equipment": ["none"]}}
    third = post(server, url(study, "responses"), changed, owner)
    assert third.status_code == 200 and third.json()["response"] == stored
    listed = get(server, url(study, "responses"), owner).json()
    assert listed["count"] == 1
    row = listed["responses"][0]
    assert row["answers"]["equipment"] == ["smartphone", "mobile_data"]
    assert (
        row["questionnaire_version"] == 1 and row["fragility"] == "N4" and row["client_id"] == "phone-1-0001"
    )


def test_concurrent_resends_of_one_response_store_it_once(
    server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    sent = response_body(study, "phone-2-concurrent", equipment=["computer", "internet_home"])

    async def burst() -> list[httpx.Response]:
        async with httpx.AsyncClient(base_url=server.base_url, headers=owner.headers(), timeout=30) as client:
            return list(
                await asyncio.gather(*(client.post(url(study, "responses"), json=sent) for _ in range(12)))
            )

    answers = asyncio.run(burst())
    assert sorted(r.status_code for r in answers) == [200] * 11 + [201]
    assert len({r.json()["response"]["id"] for r in answers}) == 1
    assert get(server, url(study, "responses"), owner).json()["count"] == 1


@pytest.mark.parametrize(
    "answers, code",
    [
        ({"favourite_colour": "blue"}, "unknown_question"),
        ({"age_band": "200_plus"}, "unknown_answer"),
        ({"equipment": ["smartphone", "fax"]}, "unknown_answer"),
        ({"equipment": "smartphone"}, "invalid_answer"),
        ({"equipment": []}, "invalid_answer"),
        ({"equipment": ["smartphone", "smartphone"]}, "invalid_answer"),
        ({"equipment": ["smartphone", "none"]}, "exclusive_answer"),
        ({"age_band": ["18_25"]}, "invalid_answer"),
        ({"neighbourhood": "somewhere-else"}, "unknown_neighbourhood"),
    ],
)
def test_answers_are_checked_against_their_questionnaire_version(
    server: ServerProcess, team: tuple[Member, dict[str, Any]], answers: dict[str, Any], code: str
) -> None:
    owner, study = team
    body = {**response_body(study, "phone-3-bad"), "answers": answers}
    refused = post(server, url(study, "responses"), body, owner)
    assert refused.status_code == 422 and refused.json()["error"] == code, refused.text
    assert get(server, url(study, "responses"), owner).json()["count"] == 0


def test_a_response_needs_consent_a_known_version_and_no_personal_field(
    server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    good = response_body(study, "phone-4-good")
    cases: list[tuple[dict[str, Any], str]] = [
        ({**good, "consent": False}, "consent_required"),
        ({k: v for k, v in good.items() if k != "consent"}, "invalid_request"),
        ({**good, "questionnaire_version": 7}, "unknown_questionnaire_version"),
        ({**good, "name": "Fatima B."}, "invalid_request"),  # no field for a name, nor a contact
        ({**good, "phone": "0600000000"}, "invalid_request"),
        ({**good, "client_id": "x"}, "invalid_request"),
        ({**good, "source": "web"}, "invalid_request"),
        ({**good, "answered_at": "2026-12-06T10:15:00"}, "invalid_request"),  # a time needs its zone
    ]
    for body, code in cases:
        refused = post(server, url(study, "responses"), body, owner)
        assert refused.status_code == 422 and refused.json()["error"] == code, (body, refused.text)
    assert get(server, url(study, "responses"), owner).json()["count"] == 0
    paper = post(server, url(study, "responses"), {**good, "source": "paper"}, owner)
    assert paper.status_code == 201 and paper.json()["response"]["source"] == "paper"


def edited(questionnaire: dict[str, Any]) -> dict[str, Any]:
    """The default questionnaire with a question added at the start and `barriers` moved before `equipment`,
    its answers reversed, and an English label dropped."""
    body = copy.deepcopy(questionnaire)
    questions = body["questions"]
    barriers = next(q for q in questions if q["id"] == "barriers")
    questions.remove(barriers)
    barriers["answers"].reverse()
    questions.insert(3, barriers)
    del questions[1]["labels"]["en"]
    questions.insert(
        0,
        {
            "id": "heard_of_france_services",
            "kind": "single",
            "labels": {"fr": "Connaissez-vous France services ?", "ar": "هل تعرف France services؟"},
            "answers": [
                {"id": "yes", "labels": {"fr": "Oui"}, "picture": "E092"},
                {"id": "no", "labels": {"fr": "Non"}},
            ],
        },
    )
    return body


def test_the_team_edits_the_questionnaire_into_versions_until_the_first_response(
    server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    v1 = get(server, url(study, "questionnaire"), owner).json()["questionnaire"]
    v2 = edited(v1)
    saved = put(server, url(study, "questionnaire"), v2, owner)
    assert saved.status_code == 200, saved.text
    assert saved.json()["version"] == 2 and saved.json()["questionnaire"] == v2
    latest = get(server, url(study, "questionnaire"), owner).json()
    assert (
        latest["version"] == 2 and latest["questionnaire"]["questions"][0]["id"] == "heard_of_france_services"
    )
    # answers keep their version: a phone still on version 1 is checked against version 1
    on_v1 = response_body(study, "phone-5-v1", equipment=["smartphone", "mobile_data"])
    assert post(server, url(study, "responses"), on_v1, owner).status_code == 201
    new_question = {**response_body(study, "phone-5-v1b"), "answers": {"heard_of_france_services": "yes"}}
    refused = post(server, url(study, "responses"), new_question, owner)
    assert refused.status_code == 422 and refused.json()["error"] == "unknown_question"
    on_v2 = {**new_question, "questionnaire_version": 2}
    assert post(server, url(study, "responses"), on_v2, owner).status_code == 201
    # once a response exists, the questionnaire no longer changes
    locked = put(server, url(study, "questionnaire"), v1, owner)
    assert locked.status_code == 409 and locked.json()["error"] == "questionnaire_answered"
    after = get(server, url(study, "questionnaire"), owner).json()
    assert after["version"] == 2 and after["editable"] is False and after["responses"] == 2
    versions = sorted(
        r["questionnaire_version"] for r in get(server, url(study, "responses"), owner).json()["responses"]
    )
    assert versions == [1, 2]


def test_a_questionnaire_is_checked_before_it_is_stored(
    server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    base = get(server, url(study, "questionnaire"), owner).json()["questionnaire"]

    def variant(change: Any) -> dict[str, Any]:
        body = copy.deepcopy(base)
        change(body["questions"])
        return body

    def set_(path: list[Any], value: Any) -> Any:
        def change(questions: list[Any]) -> None:
            target: Any = questions
            for step in path[:-1]:
                target = target[step]
            target[path[-1]] = value

        return change

    cases: list[tuple[Any, str]] = [
        ({"questions": []}, "no_questions"),
        ({"questions": base["questions"], "title": "x"}, "invalid_questionnaire"),
        (variant(lambda qs: qs.append(copy.deepcopy(qs[1]))), "duplicate_id"),
        (variant(set_([3, "answers", 1, "id"], "smartphone")), "duplicate_id"),
        (variant(set_([1, "kind"], "free_text")), "invalid_kind"),
        (variant(set_([1, "labels"], {"en": "Age", "ar": "العمر"})), "label_required"),
        (variant(set_([1, "labels", "fr"], "   ")), "label_required"),
        (variant(set_([1, "labels", "fr"], "x" * 201)), "label_too_long"),
        (variant(set_([1, "labels", "de"], "Alter")), "invalid_label"),
        (variant(set_([1, "labels", "fr"], "âge\u0007")), "invalid_label"),
        (variant(set_([3, "answers", 0, "picture"], "../../etc/passwd")), "unknown_picture"),
        (variant(set_([1, "id"], "Age Band")), "invalid_id"),
        (variant(set_([1, "answers"], [])), "no_answers"),
        (variant(set_([1, "answers", 0, "exclusive"], True)), "invalid_questionnaire"),
        (variant(set_([1, "answers", 0, "contact"], "x")), "invalid_questionnaire"),
        (variant(lambda qs: qs.append({**qs[0], "id": "neighbourhood_again"})), "invalid_questionnaire"),
    ]
    for body, code in cases:
        refused = put(server, url(study, "questionnaire"), body, owner)
        assert refused.status_code == 422 and refused.json()["error"] == code, (code, refused.text)
    assert get(server, url(study, "questionnaire"), owner).json()["version"] == 1


def test_only_the_study_s_team_reads_and_writes_its_survey(
    server: ServerProcess, team: tuple[Member, dict[str, Any]]
) -> None:
    owner, study = team
    member = make_member(server, "membre")
    add_to_team(server, study["study"]["id"], member)
    outsider = make_member(server, "autre-etude")
    create_study(server, outsider)  # a team member elsewhere: no key to this study
    questionnaire = get(server, url(study, "questionnaire"), owner).json()["questionnaire"]
    body = response_body(study, "phone-6-member")
    for who in (None, outsider):
        expected = (401, "sign_in_required") if who is None else (404, "study_not_found")
        for answer in (
            get(server, url(study, "questionnaire"), who),
            put(server, url(study, "questionnaire"), questionnaire, who),
            post(server, url(study, "responses"), body, who),
            get(server, url(study, "responses"), who),
        ):
            assert (answer.status_code, answer.json()["error"]) == expected, answer.text
    # a member (not the owner) surveys and edits as the owner does
    assert put(server, url(study, "questionnaire"), questionnaire, member).status_code == 200
    assert post(server, url(study, "responses"), body, member).status_code == 201
    assert get(server, url(study, "responses"), member).json()["count"] == 1
    # with the account's cookie (signed in through the page's route), a write needs this server's Origin and
    # the page's CSRF token
    signed = httpx.post(
        server.base_url + "/api/account/sign-in",
        json={"username": "membre", "password": PASSWORD},
        timeout=30,
    )
    assert signed.status_code == 200, signed.text
    cookies = {"fresque_account": signed.json()["token"]}
    again = {**body, "client_id": "phone-6-cookie"}
    bare = httpx.post(server.base_url + url(study, "responses"), json=again, cookies=cookies, timeout=30)
    assert bare.status_code == 403 and bare.json()["error"] == "csrf_failed"
    good = httpx.post(
        server.base_url + url(study, "responses"),
        json=again,
        cookies=cookies,
        headers={"Origin": server.origin, "X-Fresque-CSRF": signed.json()["csrf"]},
        timeout=30,
    )
    assert good.status_code == 201, good.text


def test_the_stored_answers_are_canonical(server: ServerProcess, team: tuple[Member, dict[str, Any]]) -> None:
    owner, study = team
    body = response_body(study, "phone-7-order", equipment=["mobile_data", "smartphone"], age_band="61_75")
    stored = post(server, url(study, "responses"), body, owner).json()["response"]
    # the questionnaire's order, whatever the phone's
    assert list(stored["answers"]) == ["neighbourhood", "age_band", "equipment"]
    assert stored["answers"]["equipment"] == ["smartphone", "mobile_data"]
    assert stored["fragility"] is None  # no autonomy answered: no level, but the response is kept
    assert json.dumps(stored["answers"])
