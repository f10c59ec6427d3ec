"""People: the optional profile given on joining, the console's participant API (who is here, renaming,
removing), hosted people (a table screen's members, people on paper), and profiles in the export.

Against a real `fresque serve` on SQLite and on PostgreSQL, with httpx and real `websockets` clients.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from fresque.auth import csrf_token, hash_token
from fresque.roles import FACILITATING, ROLES, facilitates
from support.server import ServerProcess
from support.workshop import Workshop, activity, new_item_id

SECRET = "test-secret-key-for-people"

PROFILE = {
    "language": "ar",
    "neighbourhood": "Jas-de-Bouffan",
    "age_band": "26_40",
    "fragility": "N2",
    "consent": True,
}


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {"FRESQUE_SECRET_KEY": SECRET, "FRESQUE_DATA_DIR": str(tmp_path / "data")}
    with ServerProcess(database_url, log_path=tmp_path / "server.log", env=env).running() as proc:
        yield proc


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def call(
    server: ServerProcess, method: str, path: str, token: str | None, body: Any = None
) -> httpx.Response:
    headers = bearer(token) if token else {}
    return httpx.request(method, f"{server.base_url}{path}", json=body, headers=headers, timeout=30)


def join(server: ServerProcess, code: str, alias: str, **extra: Any) -> httpx.Response:
    return server.post("/api/join", {"code": code, "alias": alias, **extra})


def people(server: ServerProcess, workshop: Workshop) -> dict[str, dict[str, Any]]:
    listed = server.get(f"/api/workshops/{workshop.id}/participants", workshop.facilitator_token)
    assert listed.status_code == 200, listed.text
    return {p["alias"]: p for p in listed.json()["participants"]}


def test_roles_are_defined_once() -> None:
    assert ROLES == ("facilitator", "co_facilitator", "participant", "observer")
    assert FACILITATING == {"facilitator", "co_facilitator"}
    assert [r for r in ROLES if facilitates(r)] == ["facilitator", "co_facilitator"]


# -- the profile on joining --------------------------------------------------------------------------------


def test_join_with_a_profile_and_see_it_in_the_console(served: ServerProcess) -> None:
    workshop = Workshop.create(served, residents=())
    code = workshop.data["join_code"]
    joined = join(served, code, "Amina", colour="green", **PROFILE)
    assert joined.status_code == 201, joined.text
    assert join(served, code, "Karim").status_code == 201  # everything optional
    listed = people(served, workshop)
    amina = listed["Amina"]
    assert {k: amina[k] for k in PROFILE} == PROFILE
    assert amina["role"] == "participant" and amina["colour"] == "green" and amina["host_id"] is None
    assert amina["removed"] is False and amina["present"] is False and amina["devices"] == []
    assert amina["last_seen"] is None
    assert {k: listed["Karim"][k] for k in PROFILE} == dict.fromkeys(PROFILE)
    assert listed["Animation"]["role"] == "facilitator" and listed["Animation"]["colour"] == "charcoal"
    # A blank neighbourhood is no neighbourhood; consent may be a clear no.
    again = join(served, code, "Nour", neighbourhood="  ", consent=False)
    assert again.status_code == 201, again.text
    nour = people(served, workshop)["Nour"]
    assert nour["neighbourhood"] is None and nour["consent"] is False


@pytest.mark.parametrize(
    "field, value, code",
    [
        ("language", "de", "invalid_language"),
        ("age_band", "30", "invalid_age_band"),
        ("age_band", "over_99", "invalid_age_band"),
        ("fragility", "N5", "invalid_fragility"),
        ("fragility", "n2", "invalid_fragility"),
        ("neighbourhood", "x" * 121, "invalid_neighbourhood"),
        ("neighbourhood", "bad\u0000", "invalid_neighbourhood"),
        ("neighbourhood", "x" * 201, "invalid_request"),
        ("consent", "yes", "invalid_request"),
        ("consent", 1, "invalid_request"),
        ("email", "a@b.c", "invalid_request"),  # nothing else is kept
    ],
)
def test_a_bad_profile_value_is_refused_naming_the_field(
    sqlite_server: ServerProcess, field: str, value: Any, code: str
) -> None:
    created = sqlite_server.create_workshop()
    refused = join(sqlite_server, created["join_code"], "Amina", **{field: value})
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"] == code
    assert field in refused.json()["message"]


# -- export and import -------------------------------------------------------------------------------------


async def test_the_export_carries_profiles_and_import_restores_them(served: ServerProcess) -> None:
    workshop = Workshop.create(served, residents=())
    code = workshop.data["join_code"]
    amina = join(served, code, "Amina", colour="green", **PROFILE).json()
    karim = join(served, code, "Karim", language="fr").json()
    paper = call(
        served,
        "POST",
        f"/api/workshops/{workshop.id}/hosted",
        workshop.facilitator_token,
        {"alias": "Fatima", "kind": "paper", "age_band": "over_75", "consent": False},
    )
    assert paper.status_code == 201, paper.text
    removed = call(
        served,
        "DELETE",
        f"/api/workshops/{workshop.id}/participants/{karim['participant']}",
        workshop.facilitator_token,
    )
    assert removed.status_code == 204, removed.text
    client = Workshop(served, workshop.data, {"Amina": amina}).client("Amina")
    await client.connect()
    assert (await client.commit([activity(new_item_id())]))["type"] == "ack"
    await client.close()

    first = workshop.export()
    entries = {p["alias"]: p for p in first["participants"]}
    assert entries["Amina"] == {
        "id": amina["participant"],
        "alias": "Amina",
        "role": "participant",
        "colour": "green",
        **PROFILE,
        "host": None,
        "removed": False,
    }
    assert entries["Karim"]["removed"] is True and entries["Karim"]["language"] == "fr"
    assert "age_band" not in entries["Karim"]  # only the profile fields given
    facilitator = workshop.data["facilitator"]["participant"]
    assert entries["Fatima"]["host"] == facilitator and entries["Fatima"]["consent"] is False
    assert entries["Animation"] == {
        "id": facilitator,
        "alias": "Animation",
        "role": "facilitator",
        "colour": "charcoal",
        "host": None,
        "removed": False,
    }

    # Erase the workshop, so that the ids are free again, and import the board into a new one: every
    # participant comes back as it was (profile, host, removal), and the export says so again; but the
    # facilitator, who is the importing one (tests/test_import_people.py), and so hosts Fatima now.
    erased = call(served, "DELETE", f"/api/workshops/{workshop.id}", workshop.facilitator_token)
    assert erased.status_code == 204, erased.text
    target = Workshop.create(served, residents=())
    imported = served.post("/api/boards/import", first, target.facilitator_token)
    assert imported.status_code == 201, imported.text
    second = target.export(imported.json()["id"])
    again = {p["id"]: p for p in second["participants"]}
    importer = target.data["facilitator"]["participant"]
    residents = [p for p in first["participants"] if p["role"] != "facilitator"]
    assert [again[p["id"]] for p in residents] == [
        {**p, "host": importer if p["host"] == facilitator else p["host"]} for p in residents
    ]
    # The restored removal holds: no way back in for that id, and it is listed as removed.
    listed = people(served, target)
    assert listed["Karim"]["removed"] is True and listed["Fatima"]["host_id"] == importer


async def test_an_import_with_a_bad_profile_or_host_is_refused(sqlite_server: ServerProcess) -> None:
    workshop = Workshop.create(sqlite_server)
    document = workshop.export()
    for damage, code in [
        ({"fragility": "N9"}, "invalid_document"),
        ({"host": "nobody-here"}, "unknown_participant"),
        ({"colour": "gold"}, "invalid_colour"),
        ({"neighbourhood": "bad\u0001"}, "invalid_neighbourhood"),
    ]:
        broken = {**document, "participants": [{**document["participants"][1], **damage}]}
        broken["participants"] += document["participants"][:1] + document["participants"][2:]
        refused = sqlite_server.post("/api/boards/import", broken, workshop.facilitator_token)
        assert refused.status_code == 422, (damage, refused.text)
        assert refused.json()["error"] == code, (damage, refused.text)


# -- the console: who is here, renaming, removing -----------------------------------------------------------


async def test_the_list_shows_who_is_here_and_a_rename_reaches_live_sockets(served: ServerProcess) -> None:
    workshop = Workshop.create(served)
    amina = workshop.client("Amina")
    await amina.connect()
    await amina.expect("presence_list")
    listed = people(served, workshop)
    assert listed["Amina"]["present"] is True and listed["Karim"]["present"] is False
    assert isinstance(listed["Amina"]["devices"], list)

    pid = listed["Amina"]["id"]
    renamed = call(
        served,
        "PATCH",
        f"/api/workshops/{workshop.id}/participants/{pid}",
        workshop.facilitator_token,
        {"alias": "Amina B.", "colour": "blue"},
    )
    assert renamed.status_code == 200, renamed.text
    assert renamed.json()["alias"] == "Amina B." and renamed.json()["colour"] == "blue"
    presence = await amina.expect("presence_list")
    while not any(p["alias"] == "Amina B." for p in presence["participants"]):
        presence = await amina.expect("presence_list")
    assert next(p for p in presence["participants"] if p["participant"] == pid)["alias"] == "Amina B."
    detail = served.get(f"/api/workshops/{workshop.id}", workshop.facilitator_token).json()
    assert {p["alias"] for p in detail["participants"]} >= {"Amina B."}

    # Same rules as joining; the facilitator's colour stays; unknown people are 404.
    base = f"/api/workshops/{workshop.id}/participants"
    token = workshop.facilitator_token
    for body, status, code in [
        ({"colour": "gold"}, 422, "invalid_colour"),
        ({"alias": "   "}, 422, "text_required"),
        ({"alias": "x" * 41}, 422, "invalid_request"),
        ({}, 422, "nothing_to_change"),
    ]:
        refused = call(served, "PATCH", f"{base}/{pid}", token, body)
        assert (refused.status_code, refused.json()["error"]) == (status, code), body
    facilitator = workshop.data["facilitator"]["participant"]
    refused = call(served, "PATCH", f"{base}/{facilitator}", token, {"colour": "red"})
    assert refused.status_code == 422 and refused.json()["error"] == "invalid_colour"
    assert call(served, "PATCH", f"{base}/nobody", token, {"alias": "X"}).status_code == 404

    await amina.close()
    await asyncio.sleep(0.3)
    listed = people(served, workshop)
    assert listed["Amina B."]["present"] is False and listed["Amina B."]["last_seen"] is not None


async def test_removing_closes_sockets_at_once_and_revokes_the_token(served: ServerProcess) -> None:
    workshop = Workshop.create(served)
    second = served.post(
        f"/api/workshops/{workshop.id}/boards",
        {"kind": "actions", "title": "Actions"},
        workshop.facilitator_token,
    ).json()["id"]
    on_first, on_second, karim = (
        workshop.client("Amina"),
        workshop.client("Amina", board_id=second),
        workshop.client("Karim"),
    )
    for client in (on_first, on_second, karim):
        await client.connect()
    pid = on_first.participant
    token = workshop.token("Amina")
    removed = call(
        served, "DELETE", f"/api/workshops/{workshop.id}/participants/{pid}", workshop.facilitator_token
    )
    assert removed.status_code == 204, removed.text
    for client in (on_first, on_second):
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await client.recv(timeout=5)
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4401, "removed")
    # Karim stays, and hears that Amina left.
    presence = await karim.expect("presence_list")
    while any(p["participant"] == pid for p in presence["participants"]):
        presence = await karim.expect("presence_list")
    await karim.close()

    assert served.get(f"/api/workshops/{workshop.id}", token).status_code == 401
    assert served.post("/api/session/logout", None, token).status_code == 401
    with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
        await websockets.connect(
            served.ws_url(workshop.board_id),
            origin=served.origin,
            additional_headers=bearer(token),
            compression=None,
            open_timeout=5,
        )
    assert refused.value.response.status_code == 401
    listed = people(served, workshop)
    assert listed["Amina"]["removed"] is True and listed["Amina"]["present"] is False
    # Twice is harmless; the owner cannot be removed.
    again = call(
        served, "DELETE", f"/api/workshops/{workshop.id}/participants/{pid}", workshop.facilitator_token
    )
    assert again.status_code == 204
    owner = workshop.data["facilitator"]["participant"]
    refused_owner = call(
        served, "DELETE", f"/api/workshops/{workshop.id}/participants/{owner}", workshop.facilitator_token
    )
    assert refused_owner.status_code == 409 and refused_owner.json()["error"] == "cannot_remove_facilitator"
    assert served.get(f"/api/workshops/{workshop.id}", workshop.facilitator_token).status_code == 200


def test_participants_cannot_use_the_console(served: ServerProcess) -> None:
    workshop = Workshop.create(served)
    other = Workshop.create(served, residents=())
    amina, karim = workshop.token("Amina"), workshop.residents["Karim"]["participant"]
    base = f"/api/workshops/{workshop.id}"
    for method, path, body in [
        ("GET", f"{base}/participants", None),
        ("PATCH", f"{base}/participants/{karim}", {"alias": "X"}),
        ("DELETE", f"{base}/participants/{karim}", None),
        ("POST", f"{base}/hosted", {"alias": "Fatima", "kind": "paper"}),
    ]:
        refused = call(served, method, path, amina, body)
        assert refused.status_code == 403 and refused.json()["error"] == "facilitator_only", (method, path)
        stranger = call(served, method, path, other.facilitator_token, body)
        assert stranger.status_code == 403 and stranger.json()["error"] == "not_your_workshop", (method, path)
        assert call(served, method, path, None, body).status_code == 401
    # Another workshop's participant is not found through this one.
    foreign = other.data["facilitator"]["participant"]
    assert (
        call(served, "DELETE", f"{base}/participants/{foreign}", workshop.facilitator_token).status_code
        == 404
    )


# -- hosted people -----------------------------------------------------------------------------------------


def test_a_table_adds_its_members_and_a_facilitator_adds_people_on_paper(served: ServerProcess) -> None:
    workshop = Workshop.create(served, residents=("Table 1",))
    table = workshop.token("Table 1")
    table_id = workshop.residents["Table 1"]["participant"]
    base = f"/api/workshops/{workshop.id}/hosted"
    added = call(served, "POST", base, table, {"alias": "Samir", "kind": "table", "language": "ar"})
    assert added.status_code == 201, added.text
    samir = added.json()
    assert samir["host_id"] == table_id and samir["role"] == "participant" and samir["language"] == "ar"
    assert "token" not in samir
    assert (
        call(served, "POST", base, table, {"alias": "Lina", "kind": "table", "host": "me"}).status_code == 201
    )
    mine = served.get(base, table).json()["people"]
    assert [p["alias"] for p in mine] == ["Samir", "Lina"]
    # A table hosts on its own device only, and adds no one on paper.
    refused = call(served, "POST", base, table, {"alias": "X", "kind": "table", "host": samir["id"]})
    assert refused.status_code == 403
    assert call(served, "POST", base, table, {"alias": "X", "kind": "paper"}).status_code == 403

    facilitator = workshop.facilitator_token
    paper = call(served, "POST", base, facilitator, {"alias": "Fatima", "kind": "paper", "fragility": "N0"})
    assert paper.status_code == 201, paper.text
    assert paper.json()["host_id"] == workshop.data["facilitator"]["participant"]
    assert paper.json()["fragility"] == "N0"
    # A facilitator may add a member to a table's device; not to a hosted person, nor to a stranger.
    for_table = call(served, "POST", base, facilitator, {"alias": "Omar", "kind": "table", "host": table_id})
    assert for_table.status_code == 201 and for_table.json()["host_id"] == table_id
    for host in (samir["id"], "nobody"):
        bad = call(served, "POST", base, facilitator, {"alias": "X", "kind": "table", "host": host})
        assert bad.status_code == 422 and bad.json()["error"] == "invalid_host"
    bad = call(served, "POST", base, facilitator, {"alias": "X", "kind": "paper", "age_band": "old"})
    assert bad.status_code == 422 and bad.json()["error"] == "invalid_age_band"
    assert [p["alias"] for p in served.get(base, facilitator).json()["people"]] == ["Fatima"]
    listed = people(served, workshop)
    assert listed["Omar"]["host_id"] == table_id and listed["Samir"]["present"] is False

    # Removing the table's device revokes it; its members stay, as authors.
    gone = call(served, "DELETE", f"/api/workshops/{workshop.id}/participants/{table_id}", facilitator)
    assert gone.status_code == 204
    assert served.get(base, table).status_code == 401
    listed = people(served, workshop)
    assert listed["Table 1"]["removed"] is True and listed["Samir"]["removed"] is False


# -- CSRF --------------------------------------------------------------------------------------------------


def test_cookie_writes_need_the_csrf_header(served: ServerProcess) -> None:
    workshop = Workshop.create(served)
    token = workshop.facilitator_token
    karim = workshop.residents["Karim"]["participant"]
    base = f"/api/workshops/{workshop.id}"
    writes = [
        ("PATCH", f"{base}/participants/{karim}", {"alias": "Karim B."}),
        ("POST", f"{base}/hosted", {"alias": "Fatima", "kind": "paper"}),
        ("DELETE", f"{base}/participants/{karim}", None),
    ]
    csrf = csrf_token(SECRET.encode(), hash_token(token))
    with httpx.Client(base_url=served.base_url, timeout=30) as browser:
        browser.cookies.set("fresque_session", token)
        assert browser.get(f"{base}/participants").status_code == 200  # reads take the cookie
        for method, path, body in writes:
            for headers in ({}, {"Origin": served.origin}, {"X-Fresque-CSRF": csrf}):
                refused = browser.request(method, path, json=body, headers=headers)
                assert refused.status_code == 403 and refused.json()["error"] == "csrf_failed", (
                    path,
                    headers,
                )
        for method, path, body in writes:
            done = browser.request(
                method, path, json=body, headers={"Origin": served.origin, "X-Fresque-CSRF": csrf}
            )
            assert done.status_code in (200, 201, 204), (path, done.text)
    listed = people(served, workshop)
    assert listed["Karim B."]["removed"] is True and "Fatima" in listed
    assert re.fullmatch(r"[0-9a-f]{64}", csrf)


@pytest.mark.parametrize("lang", ["fr", "en", "ar"])
def test_the_join_page_offers_the_optional_profile_collapsed(sqlite_server: ServerProcess, lang: str) -> None:
    created = sqlite_server.create_workshop()
    with httpx.Client(base_url=sqlite_server.base_url, timeout=30) as browser:
        page = browser.get(f"/j/{created['join_code']}?lang={lang}", headers={"Accept": "text/html"}).text
    assert re.search(r'<details class="card create-details" id="profile-details">', page)  # collapsed
    assert re.findall(r'name="age_band" value="([^"]+)"', page) == [
        "under_18",
        "18_25",
        "26_40",
        "41_60",
        "61_75",
        "over_75",
    ]
    assert re.findall(r'name="fragility" value="([^"]+)"', page) == ["N0", "N1", "N2", "N3", "N4"]
    assert re.findall(r'name="consent" value="([^"]+)"', page) == ["yes", "no"]
    assert 'name="neighbourhood"' in page and 'data-i18n="join.profile.fragility.n0"' in page
