"""Studies over HTTP (`fresque.api.studies`), against a real `fresque serve` on SQLite and PostgreSQL: a study
and its neighbourhoods and questionnaire, its workshops (the answer of `POST /api/workshops`, attached to the
study and a neighbourhood), « Ouvrir la console » without a join code, invites (signed in, or a new account),
and taking a member off the team."""

from __future__ import annotations

import asyncio
import json
from datetime import timedelta
from typing import Any

import httpx
from fresque.db.store import Store, now
from fresque.db.studies import study_invites
from fresque.db.surveys import SurveyStore
from fresque.survey.questionnaire import default_questionnaire
from sqlalchemy import update
from support.accounts import PASSWORD, STUDY, Member, make_study, new_member, sign_in
from support.server import ServerProcess


def keys(value: Any) -> Any:
    """The shape of a JSON value: its keys, nested (values dropped)."""
    if isinstance(value, dict):
        return {k: keys(v) for k, v in value.items()}
    return type(value).__name__


def token_of(link: str) -> str:
    return link.rsplit("/invite/", 1)[1]


async def _questionnaires(database_url: str, study_id: str) -> list[tuple[int, str]]:
    store = Store.from_url(database_url)
    try:
        return await SurveyStore(store).questionnaires(study_id)
    finally:
        await store.close()


async def _age_invites(database_url: str, days: int) -> None:
    store = Store.from_url(database_url)
    try:
        async with store.write() as conn:
            await conn.execute(update(study_invites).values(created_at=now() - timedelta(days=days)))
    finally:
        await store.close()


# -- a study ------------------------------------------------------------------------------------------------


def test_a_new_study_has_its_owner_neighbourhoods_and_the_default_questionnaire(
    server: ServerProcess,
) -> None:
    amina = new_member(server, "amina")
    made = make_study(amina)
    study_id = made["study"]["id"]
    assert made["role"] == "owner"
    assert {k: made["study"][k] for k in ("title", "territory", "period_start", "period_end")} == {
        k: STUDY[k] for k in ("title", "territory", "period_start", "period_end")
    }
    assert [(n["name"], n["qpv_code"]) for n in made["neighbourhoods"]] == [
        ("Jas-de-Bouffan", "QN01301M"),
        ("Encagnane", "QN01302M"),
        ("Corsy", None),
    ]
    assert made["team"] == [{"account": amina.account_id, "username": "amina", "role": "owner"}]
    assert made["workshops"] == [] and made["surveys"] == {"responses": 0}
    assert made["links"] == {
        "dashboard": f"/studies/{study_id}",
        "survey": f"/studies/{study_id}/survey",
        "diagnostic": f"/studies/{study_id}/diagnostic",
        "questions": f"/studies/{study_id}/questions",
    }
    assert amina.get(f"/api/studies/{study_id}").json() == made
    stored = asyncio.run(_questionnaires(server.database_url, study_id))
    assert [version for version, _ in stored] == [1]
    body = stored[0][1]
    assert json.loads(body) == default_questionnaire()
    # canonical JSON: sorted keys, no spaces, UTF-8 as is
    assert body == json.dumps(
        default_questionnaire(), ensure_ascii=False, sort_keys=True, separators=(",", ":")
    )


def test_a_study_is_checked_before_it_is_made(server: ServerProcess) -> None:
    amina = new_member(server, "amina")
    refusals = [
        ({"title": " ", "territory": "Aix"}, "text_required"),
        (
            {"title": "É", "territory": "Aix", "period_start": "2026-06-01", "period_end": "2026-01-01"},
            "invalid_period",
        ),
        ({"title": "É", "territory": "Aix", "period_start": "2026-02-30"}, "invalid_date"),
        (
            {"title": "É", "territory": "Aix", "neighbourhoods": [{"name": "Corsy"}, {"name": " corsy "}]},
            "duplicate_neighbourhood",
        ),
        (
            {"title": "É", "territory": "Aix", "neighbourhoods": [{"name": "A", "qpv_code": "QN 13"}]},
            "invalid_qpv_code",
        ),
        ({"title": "É", "territory": "Aix", "owner": "someone"}, "invalid_request"),
    ]
    for body, code in refusals:
        answer = amina.send("POST", "/api/studies", body)
        assert answer.status_code == 422 and answer.json()["error"] == code, (body, answer.text)
    assert amina.get("/api/studies").json()["studies"] == []


def test_the_team_edits_the_neighbourhoods_but_one_with_workshops_stays(server: ServerProcess) -> None:
    amina = new_member(server, "amina")
    made = make_study(amina)
    study_id = made["study"]["id"]
    jas, encagnane, corsy = (n["id"] for n in made["neighbourhoods"])
    assert (
        amina.send(
            "POST", f"/api/studies/{study_id}/workshops", {"title": "A", "neighbourhood_id": jas}
        ).status_code
        == 201
    )
    # rename and move one, add one, drop one without workshops
    changed = amina.send(
        "PUT",
        f"/api/studies/{study_id}/neighbourhoods",
        {
            "neighbourhoods": [
                {"id": encagnane, "name": "Encagnane-Nord", "qpv_code": "qn01302m"},
                {"id": jas, "name": "Jas-de-Bouffan"},
                {"name": "Beisson"},
            ]
        },
    )
    assert changed.status_code == 200, changed.text
    places = changed.json()["neighbourhoods"]
    assert [(n["name"], n["qpv_code"]) for n in places] == [
        ("Encagnane-Nord", "QN01302M"),
        ("Jas-de-Bouffan", None),
        ("Beisson", None),
    ]
    assert places[0]["id"] == encagnane and places[1]["id"] == jas and places[2]["id"] not in (corsy, jas)
    # the workshop's neighbourhood cannot go
    kept = amina.send(
        "PUT", f"/api/studies/{study_id}/neighbourhoods", {"neighbourhoods": [{"name": "Autre"}]}
    )
    assert kept.status_code == 409 and kept.json()["error"] == "neighbourhood_in_use"
    assert kept.json()["neighbourhood"] == jas
    # another study's neighbourhood id is not one of this study's
    other = make_study(amina, title="Autre étude")
    foreign = other["neighbourhoods"][0]["id"]
    refused = amina.send(
        "PUT",
        f"/api/studies/{study_id}/neighbourhoods",
        {"neighbourhoods": [{"id": foreign, "name": "Volé"}]},
    )
    assert refused.status_code == 422 and refused.json()["error"] == "unknown_neighbourhood"
    assert (
        amina.get(f"/api/studies/{study_id}").json()["neighbourhoods"] == places
    )  # refusals changed nothing
    assert (
        amina.get(f"/api/studies/{other['study']['id']}").json()["neighbourhoods"][0]["name"]
        == "Jas-de-Bouffan"
    )


# -- a study's workshops ------------------------------------------------------------------------------------


def test_a_study_s_workshop_answers_as_post_api_workshops_and_is_attached(server: ServerProcess) -> None:
    amina = new_member(server, "amina")
    made = make_study(amina)
    study_id = made["study"]["id"]
    jas = made["neighbourhoods"][0]["id"]
    alone = server.post("/api/workshops", {"title": "Seul", "neighbourhood": "Ici", "date": "2026-03-05"})
    with amina.browser() as browser:
        created = browser.post(
            f"/api/studies/{study_id}/workshops",
            json={"title": "Atelier du Jas", "neighbourhood_id": jas, "date": "2026-03-05"},
            headers=amina.page_headers(),
        )
    assert created.status_code == 201, created.text
    answer = created.json()
    # the same answer as POST /api/workshops, plus where it belongs
    assert keys({k: v for k, v in answer.items() if k != "study"}) == keys(alone.json())
    assert answer["study"] == {"id": study_id, "neighbourhood_id": jas}
    assert answer["workshop"]["neighbourhood"] == "Jas-de-Bouffan"
    assert answer["board"]["kind"] == "exploration"
    # and the facilitator's cookie, as POST /api/workshops sets it: the console opens from this browser
    token = answer["facilitator"]["token"]
    assert created.headers["set-cookie"].startswith(f"fresque_session={token};")
    workshop_id = answer["workshop"]["id"]
    assert server.get(f"/api/workshops/{workshop_id}", token).json()["you"]["role"] == "facilitator"
    listed = amina.get(f"/api/studies/{study_id}").json()["workshops"]
    assert listed == [
        {
            "id": workshop_id,
            "title": "Atelier du Jas",
            "date": "2026-03-05",
            "neighbourhood_id": jas,
            "neighbourhood": "Jas-de-Bouffan",
            "partners": False,
            "status": "open",
            "joining_open": True,
            "boards": {"exploration": 1, "actions": 0},
            "people": 1,
            "url": f"/workshops/{workshop_id}",
            "console": f"/api/studies/{study_id}/workshops/{workshop_id}/console",
        }
    ]
    # a resident joins it as any workshop: the study changes nothing for them
    server.join(answer["join_code"], "Amina")
    assert amina.get(f"/api/studies/{study_id}").json()["workshops"][0]["people"] == 2
    # an upcoming one, and the partners' one (an action fresco, the whole territory)
    later = amina.send(
        "POST", f"/api/studies/{study_id}/workshops", {"title": "Plus tard", "date": "2999-01-01"}
    )
    partners = amina.send(
        "POST", f"/api/studies/{study_id}/workshops", {"title": "Partenaires", "partners": True}
    )
    assert partners.json()["board"]["kind"] == "actions"
    rows = {w["title"]: w for w in amina.get(f"/api/studies/{study_id}").json()["workshops"]}
    assert rows["Plus tard"]["status"] == "upcoming" and rows["Plus tard"]["neighbourhood_id"] is None
    assert rows["Partenaires"]["partners"] is True and rows["Partenaires"]["boards"] == {
        "exploration": 0,
        "actions": 1,
    }
    assert later.status_code == 201
    # another study's neighbourhood is refused; nothing is made
    other = make_study(amina, title="Autre")
    refused = amina.send(
        "POST",
        f"/api/studies/{study_id}/workshops",
        {"title": "X", "neighbourhood_id": other["neighbourhoods"][0]["id"]},
    )
    assert refused.status_code == 422 and refused.json()["error"] == "unknown_neighbourhood"
    assert len(amina.get(f"/api/studies/{study_id}").json()["workshops"]) == 3


def test_the_dashboard_opens_a_console_without_a_join_code(server: ServerProcess) -> None:
    """The creator gets their own facilitator participant back; a teammate a co-facilitator of their own,
    the same one each time; the cookie set by the answer opens the console page."""
    amina, bilal = new_member(server, "amina"), new_member(server, "bilal")
    made = make_study(amina)
    study_id = made["study"]["id"]
    invite = amina.send("POST", f"/api/studies/{study_id}/invites").json()
    assert bilal.send("POST", f"/api/invites/{token_of(invite['link'])}", {}).status_code == 200
    created = amina.send("POST", f"/api/studies/{study_id}/workshops", {"title": "Atelier"}).json()
    workshop_id = created["workshop"]["id"]
    path = f"/api/studies/{study_id}/workshops/{workshop_id}/console"

    mine = amina.send("POST", path)
    assert mine.status_code == 200, mine.text
    assert mine.json()["participant"] == created["facilitator"]["participant"]
    assert mine.json()["role"] == "facilitator" and mine.json()["url"] == f"/workshops/{workshop_id}"

    with bilal.browser() as browser:
        assert browser.post(path).status_code == 403  # a cookie write: the page's CSRF token
        theirs = browser.post(path, headers=bilal.page_headers())
        assert theirs.status_code == 200, theirs.text
        assert theirs.json()["role"] == "co_facilitator" and theirs.json()["alias"] == "bilal"
        assert theirs.headers["set-cookie"].startswith(f"fresque_session={theirs.json()['token']};")
        page = browser.get(f"/workshops/{workshop_id}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and 'name="fresque-csrf"' in page.text
    again = bilal.send("POST", path).json()
    assert again["participant"] == theirs.json()["participant"]  # one co-facilitator per account
    people = server.get(f"/api/workshops/{workshop_id}", again["token"]).json()["participants"]
    assert sorted(p["role"] for p in people) == ["co_facilitator", "facilitator"]
    # a workshop of no study, or of another study, is not this study's
    lone = server.create_workshop()["workshop"]["id"]
    other = make_study(amina, title="Autre")
    elsewhere = amina.send("POST", f"/api/studies/{other['study']['id']}/workshops", {"title": "B"}).json()
    for wid in (lone, elsewhere["workshop"]["id"]):
        refused = amina.send("POST", f"/api/studies/{study_id}/workshops/{wid}/console")
        assert refused.status_code == 404 and refused.json()["error"] == "workshop_not_found"


# -- the team ---------------------------------------------------------------------------------------------


def test_an_invite_makes_a_newcomer_s_account_and_is_spent_once(server: ServerProcess) -> None:
    amina = new_member(server, "amina")
    made = make_study(amina)
    study_id = made["study"]["id"]
    invite = amina.send("POST", f"/api/studies/{study_id}/invites")
    assert invite.status_code == 201, invite.text
    body = invite.json()
    assert body["link"].startswith(server.base_url + "/invite/")
    assert body["qr"].startswith("data:image/svg+xml;base64,")
    assert body["role"] == "member"
    token = token_of(body["link"])
    url = f"{server.base_url}/api/invites/{token}"
    # the page says which study, before anything is spent
    page = httpx.get(f"{server.base_url}/invite/{token}", headers={"Accept": "text/html"})
    assert page.status_code == 200 and made["study"]["title"] in page.text
    # a taken username, a short password: refused, the invite not spent
    taken = httpx.post(url, json={"username": "Amina", "password": "une phrase assez longue"})
    assert taken.status_code == 409 and taken.json()["error"] == "username_taken"
    short = httpx.post(url, json={"username": "chloe", "password": "court"})
    assert short.status_code == 422 and short.json()["error"] == "password_too_short"
    forged = httpx.post(
        url, json={"username": "chloe", "password": PASSWORD}, headers={"Origin": "http://evil.example"}
    )
    assert forged.status_code == 403
    joined = httpx.post(url, json={"username": "Chloé", "password": PASSWORD})
    assert joined.status_code == 200, joined.text
    answer = joined.json()
    assert answer["study"] == {"id": study_id, "url": f"/studies/{study_id}", "role": "member"}
    assert answer["account"]["username"] == "chloé"
    assert joined.headers["set-cookie"].startswith(f"fresque_account={answer['token']};")
    chloe = Member(server, answer["account"]["id"], "chloé", answer["token"], answer["csrf"])
    assert chloe.get(f"/api/studies/{study_id}").json()["role"] == "member"
    assert sign_in(server, "chloé").account_id == chloe.account_id  # the account signs in like any other
    # spent
    again = httpx.post(url, json={"username": "dan", "password": PASSWORD})
    assert again.status_code == 410 and again.json()["error"] == "invite_used"
    assert httpx.get(f"{server.base_url}/invite/{token}", headers={"Accept": "text/html"}).status_code == 410
    team = amina.get(f"/api/studies/{study_id}").json()["team"]
    assert [(m["username"], m["role"]) for m in team] == [("amina", "owner"), ("chloé", "member")]


def test_a_signed_in_account_joins_with_an_invite_and_invites_expire(server: ServerProcess) -> None:
    amina, bilal = new_member(server, "amina"), new_member(server, "bilal")
    study_id = make_study(amina)["study"]["id"]
    link = amina.send("POST", f"/api/studies/{study_id}/invites").json()["link"]
    assert bilal.get(f"/api/studies/{study_id}").status_code == 404
    nobody = httpx.post(f"{server.base_url}/api/invites/{token_of(link)}", json={})
    assert nobody.status_code == 401  # neither signed in nor a new account
    with bilal.browser() as browser:
        accepted = browser.post(f"/api/invites/{token_of(link)}", json={}, headers=bilal.page_headers())
    assert accepted.status_code == 200, accepted.text
    assert bilal.get(f"/api/studies/{study_id}").json()["role"] == "member"
    # a member cannot invite; an invite older than 7 days is refused
    refused = bilal.send("POST", f"/api/studies/{study_id}/invites")
    assert refused.status_code == 403 and refused.json()["error"] == "owner_only"
    stale = amina.send("POST", f"/api/studies/{study_id}/invites").json()["link"]
    asyncio.run(_age_invites(server.database_url, 8))
    late = httpx.post(
        f"{server.base_url}/api/invites/{token_of(stale)}", json={"username": "eve", "password": PASSWORD}
    )
    assert late.status_code == 410 and late.json()["error"] == "invite_expired"
    assert (
        httpx.get(f"{server.base_url}/invite/{token_of(stale)}", headers={"Accept": "text/html"}).status_code
        == 410
    )


def test_the_owner_takes_a_member_off_the_team_and_their_console_closes(server: ServerProcess) -> None:
    amina, bilal = new_member(server, "amina"), new_member(server, "bilal")
    study_id = make_study(amina)["study"]["id"]
    link = amina.send("POST", f"/api/studies/{study_id}/invites").json()["link"]
    bilal.send("POST", f"/api/invites/{token_of(link)}", {})
    workshop = amina.send("POST", f"/api/studies/{study_id}/workshops", {"title": "Atelier"}).json()
    workshop_id = workshop["workshop"]["id"]
    console = bilal.send("POST", f"/api/studies/{study_id}/workshops/{workshop_id}/console").json()
    assert server.get(f"/api/workshops/{workshop_id}", console["token"]).status_code == 200
    # a member cannot remove; the owner cannot remove themselves
    assert bilal.send("DELETE", f"/api/studies/{study_id}/members/{amina.account_id}").status_code == 403
    stays = amina.send("DELETE", f"/api/studies/{study_id}/members/{amina.account_id}")
    assert stays.status_code == 409 and stays.json()["error"] == "owner_stays"
    removed = amina.send("DELETE", f"/api/studies/{study_id}/members/{bilal.account_id}")
    assert removed.status_code == 204
    assert bilal.get(f"/api/studies/{study_id}").status_code == 404
    assert server.get(f"/api/workshops/{workshop_id}", console["token"]).status_code == 401
    # the workshop's owner keeps theirs; the member's co-facilitator row stays (their cards stay theirs)
    assert server.get(f"/api/workshops/{workshop_id}", workshop["facilitator"]["token"]).status_code == 200
    again = amina.send("DELETE", f"/api/studies/{study_id}/members/{bilal.account_id}")
    assert again.status_code == 404 and again.json()["error"] == "member_not_found"
