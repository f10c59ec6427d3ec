"""The HTTP API against a real server: workshops, joining, boards, export and import, the catalogue."""

from __future__ import annotations

import copy
import io
import json
from pathlib import Path
from typing import Any

import httpx
import pytest
from fresque.raster import PICTURE_PX
from jsonschema import Draft202012Validator
from PIL import Image
from support.server import ServerProcess
from support.workshop import Workshop, activity, difficulty, new_item_id, note, solution, thread

REPO = Path(__file__).resolve().parents[1]


def test_create_workshop_gives_a_board_a_secret_token_and_a_join_code(sqlite_server: ServerProcess) -> None:
    response = sqlite_server.post(
        "/api/workshops", {"title": "Atelier Encagnane", "neighbourhood": "Encagnane", "date": "2026-12-03"}
    )
    assert response.status_code == 201
    body = response.json()
    assert body["workshop"]["title"] == "Atelier Encagnane" and body["workshop"]["date"] == "2026-12-03"
    assert (
        body["board"]["kind"] == "exploration"
        and body["board"]["websocket"] == f"/ws/boards/{body['board']['id']}"
    )
    assert len(body["facilitator"]["token"]) >= 43  # 32 random bytes, URL-safe base64: 256 bits
    code = body["join_code"]
    assert len(code) == 10 and not set(code) & set("01OIL")
    assert body["join_code_display"].replace("-", "") == code
    assert "httponly" in response.headers["set-cookie"].lower()


@pytest.mark.parametrize(
    "payload, field",
    [
        ({}, "title"),
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok", "date": "03/12/2026"}, "date"),
        ({"title": "ok", "role": "admin"}, "role"),
    ],
)
def test_bad_workshop_requests_get_a_clear_error(
    sqlite_server: ServerProcess, payload: Any, field: str
) -> None:
    response = sqlite_server.post("/api/workshops", payload)
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "invalid_request" and field in body["message"]


def test_blank_or_control_character_titles_are_refused(sqlite_server: ServerProcess) -> None:
    assert sqlite_server.post("/api/workshops", {"title": "   "}).json()["error"] == "text_required"
    assert sqlite_server.post("/api/workshops", {"title": "a\u0000b"}).json()["error"] == "text_invalid"


def test_join_with_the_code_typed_loosely(sqlite_server: ServerProcess) -> None:
    workshop = sqlite_server.create_workshop()
    typed = workshop["join_code_display"].lower().replace("-", " ")
    joined = sqlite_server.join(typed, "Fatima")
    assert joined["workshop"] == workshop["workshop"]["id"] and joined["alias"] == "Fatima"
    assert [b["id"] for b in joined["boards"]] == [workshop["board"]["id"]]
    assert joined["token"] != workshop["facilitator"]["token"]
    wrong = sqlite_server.post("/api/join", {"code": "ZZZZZZZZZZ", "alias": "Fatima"})
    assert wrong.status_code == 404 and wrong.json()["error"] == "unknown_code"


def test_residents_pick_a_colour_and_everyone_sees_everyone_s_colour(sqlite_server: ServerProcess) -> None:
    workshop = sqlite_server.create_workshop()
    code = workshop["join_code"]
    chosen = sqlite_server.post("/api/join", {"code": code, "alias": "Amina", "colour": "green"})
    assert chosen.status_code == 201 and chosen.json()["colour"] == "green"
    karim = sqlite_server.join(code, "Karim")  # no colour: the least used one, palette order first
    assert karim["colour"] == "red"
    for bad in ("charcoal", "GREEN", "#2E7D32", ""):  # the facilitator's colour is not for residents
        refused = sqlite_server.post("/api/join", {"code": code, "alias": "Zoé", "colour": bad})
        assert refused.status_code == 422 and refused.json()["error"] == "invalid_colour", bad
    listed = sqlite_server.get(f"/api/workshops/{workshop['workshop']['id']}", karim["token"]).json()
    assert listed["participants"] == [
        {
            "id": workshop["facilitator"]["participant"],
            "alias": "Animation",
            "colour": "charcoal",
            "role": "facilitator",
        },
        {"id": chosen.json()["participant"], "alias": "Amina", "colour": "green", "role": "participant"},
        {"id": karim["participant"], "alias": "Karim", "colour": "red", "role": "participant"},
    ]
    assert listed["you"] == {
        "participant": karim["participant"],
        "alias": "Karim",
        "role": "participant",
        "colour": "red",
    }


def test_only_the_facilitator_adds_boards_and_exports(sqlite_server: ServerProcess) -> None:
    workshop = Workshop.create(sqlite_server)
    path = f"/api/workshops/{workshop.id}/boards"
    resident = sqlite_server.post(path, {"kind": "actions", "title": "Plan"}, workshop.token("Amina"))
    assert resident.status_code == 403 and resident.json()["error"] == "facilitator_only"
    anonymous = sqlite_server.post(path, {"kind": "actions", "title": "Plan"})
    assert anonymous.status_code == 401 and anonymous.json()["error"] == "session_required"
    added = sqlite_server.post(
        path, {"kind": "actions", "title": "Plan d'actions"}, workshop.facilitator_token
    )
    assert added.status_code == 201 and added.json()["kind"] == "actions"
    bad_kind = sqlite_server.post(path, {"kind": "chaos", "title": "x"}, workshop.facilitator_token)
    assert bad_kind.status_code == 422
    listed = sqlite_server.get(f"/api/workshops/{workshop.id}", workshop.token("Amina")).json()
    assert [b["title"] for b in listed["boards"]] == ["Atelier Jas-de-Bouffan", "Plan d'actions"]
    assert "join_code" not in listed  # residents do not get to hand out the code
    export = sqlite_server.get(f"/api/boards/{workshop.board_id}/export", workshop.token("Amina"))
    assert export.status_code == 403
    other = Workshop.create(sqlite_server)
    foreign = sqlite_server.get(f"/api/boards/{workshop.board_id}/export", other.facilitator_token)
    assert foreign.status_code == 403 and foreign.json()["error"] == "not_your_workshop"


def test_cookie_session_is_accepted_for_reads_but_not_alone_for_writes(sqlite_server: ServerProcess) -> None:
    with httpx.Client(base_url=sqlite_server.base_url) as browser:
        created = browser.post("/api/workshops", json={"title": "Cookie"}).json()
        assert browser.get(f"/api/workshops/{created['workshop']['id']}").status_code == 200
        write = browser.post(
            f"/api/workshops/{created['workshop']['id']}/boards", json={"kind": "actions", "title": "x"}
        )
        # a forged cross-site form could carry the cookie: a cookie write also needs this server's Origin
        # and the page's CSRF token (tests/test_csrf.py), else 403 csrf_failed
        assert write.status_code == 403 and write.json()["error"] == "csrf_failed"


async def _fill_board(workshop: Workshop) -> None:
    amina, karim = workshop.client("Amina"), workshop.client("Karim")
    await amina.connect()
    await karim.connect()
    act, dif, sol, tp = new_item_id(), new_item_id(), new_item_id(), new_item_id()
    await amina.commit(
        [
            activity(act, ref="school-run", day="mon"),
            {
                **activity(new_item_id(), ref="shopping", day="weekend"),
                "cell": {"day": "weekend", "slot": "morning"},
            },
            difficulty(dif, ref="lost-login", severity="bloque"),
            {"op": "item.create", "id": tp, "kind": "touchpoint", "x": 200, "y": 50, "ref": "pronote-ent"},
            thread(new_item_id(), act, tp),
            thread(new_item_id(), tp, dif),
        ]
    )
    await karim.commit(
        [
            {**solution(sol, text="مساعدة في المدرسة 👩‍🏫"), "ref": "one-to-one-support"},
            thread(new_item_id(), dif, sol),
            note(new_item_id(), "<i>Le bus 12</i> passe trop tôt"),
        ]
    )
    gone = new_item_id()
    await karim.commit([note(gone, "à effacer")])
    await karim.commit([{"op": "item.delete", "id": gone}])
    await amina.commit([{"op": "vote.add", "item": sol}, {"op": "vote.add", "item": sol}])
    await karim.commit([{"op": "vote.add", "item": sol}])
    await amina.close()
    await karim.close()


def _comparable(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    for volatile in ("exported_at",):
        out.pop(volatile)
    out["board"].pop("id")
    out["board"].pop("seq")
    return out


async def test_export_import_export_is_lossless(server: ServerProcess) -> None:
    workshop = Workshop.create(server)
    await _fill_board(workshop)
    first = workshop.export()
    schema = json.loads((REPO / "docs" / "export.schema.json").read_text())
    Draft202012Validator(schema).validate(first)
    assert first["format_version"] == 1
    assert len(first["items"]) == 6 and len(first["threads"]) == 3 and len(first["deleted"]) == 1
    assert first["votes"]["totals"] == [{"item": first["votes"]["by_participant"][0]["item"], "count": 3}]
    assert {p["alias"] for p in first["participants"]} == {"Animation", "Amina", "Karim"}
    labels = first["catalogue"]["refs"]["school-run"]["labels"]
    assert set(labels) >= {"fr", "en", "ar"}
    assert "OpenMoji" in first["catalogue"]["attribution"]["name"]

    imported = server.post("/api/boards/import", first, workshop.facilitator_token)
    assert imported.status_code == 201, imported.text
    second = workshop.export(imported.json()["id"])
    assert imported.json()["id"] != first["board"]["id"]
    assert _comparable(second) == _comparable(first)

    # The imported board is live: residents can keep working on it, and deleted ids stay retired.
    client = workshop.client("Amina", board_id=imported.json()["id"])
    welcome = await client.connect()
    assert welcome["resync"] == "snapshot" and len(welcome["snapshot"]["items"]) == 6
    reuse = await client.commit([note(first["deleted"][0], "revenant")])
    assert reuse["type"] == "reject" and reuse["code"] == "id_reused"
    assert (await client.commit([note(new_item_id(), "suite")]))["type"] == "ack"
    await client.close()


async def test_import_into_another_workshop_keeps_aliases_with_fresh_ids(
    sqlite_server: ServerProcess,
) -> None:
    source, target = Workshop.create(sqlite_server), Workshop.create(sqlite_server)
    await _fill_board(source)
    document = source.export()
    imported = sqlite_server.post("/api/boards/import", document, target.facilitator_token)
    assert imported.status_code == 201, imported.text
    again = target.export(imported.json()["id"])
    assert sorted(i["text"] for i in again["items"] if "text" in i) == sorted(
        i["text"] for i in document["items"] if "text" in i
    )
    source_ids = {p["id"] for p in document["participants"]}
    assert not source_ids & {p["id"] for p in again["participants"]}
    # The source's facilitator is the target's own: an import never adds a second (test_import_people).
    assert sorted(p["alias"] for p in again["participants"]) == sorted(
        ["Animation", "Amina", "Karim", "Amina", "Karim"]
    )


@pytest.mark.parametrize(
    "damage, code",
    [
        (lambda d: d.update(format_version=99), "invalid_document"),
        (
            lambda d: d["threads"].append({**d["threads"][0], "id": "dangling-1", "target": "nowhere-1"}),
            "item_missing",
        ),
        (lambda d: d["votes"]["by_participant"][0].update(count=60), "invalid_document"),
        (lambda d: d["items"][0].update(x=float("nan")), "invalid_document"),
        (lambda d: d["items"][0].update(author="stranger"), "unknown_participant"),
        (lambda d: d["items"][0].update(ref="go-to-mars"), "unknown_ref"),
        (lambda d: d.update(extra=1), "invalid_document"),
    ],
    ids=["version", "dangling thread", "votes over budget", "NaN", "unknown author", "unknown ref", "extra"],
)
async def test_a_damaged_document_is_refused_whole(
    sqlite_server: ServerProcess, damage: Any, code: str
) -> None:
    workshop = Workshop.create(sqlite_server)
    await _fill_board(workshop)
    document = workshop.export()
    damage(document)
    body = json.dumps(document, allow_nan=True)
    response = httpx.post(
        f"{sqlite_server.base_url}/api/boards/import",
        content=body,
        headers={"Authorization": f"Bearer {workshop.facilitator_token}", "Content-Type": "application/json"},
    )
    assert response.status_code in (400, 422), response.text
    assert response.json()["error"] in (code, "invalid_request"), response.text
    if response.json()["error"] != "invalid_request":
        assert response.json()["error"] == code
    boards = sqlite_server.get(f"/api/workshops/{workshop.id}", workshop.facilitator_token).json()["boards"]
    assert len(boards) == 1  # nothing was created


def test_catalogue_api_and_pictures(sqlite_server: ServerProcess) -> None:
    catalogue = sqlite_server.get("/api/pictograms").json()
    assert len(catalogue["activities"]) >= 30 and len(catalogue["difficulties"]) == 13
    assert len(catalogue["solutions"]) >= 14 and len(catalogue["touchpoints"]) >= 15
    assert catalogue["attribution"]["licence"] == "CC BY-SA 4.0"
    first = catalogue["activities"][0]
    assert set(first["labels"]) >= {"fr", "en", "ar"} and first["when"] in {"semaine", "week-end", "both"}
    # The pages get a PNG (`fresque.raster`: a phone decodes it off its main thread), drawn from the SVG.
    assert first["picture_url"].endswith(".png")
    picture = httpx.get(sqlite_server.base_url + first["picture_url"])
    assert picture.status_code == 200 and picture.headers["content-type"] == "image/png"
    with Image.open(io.BytesIO(picture.content)) as image:
        assert image.format == "PNG" and image.size == (PICTURE_PX, PICTURE_PX)
        alpha = image.convert("RGBA").getchannel("A")
        assert alpha.getpixel((0, 0)) == 0  # a transparent corner, on any card colour
        assert alpha.getbbox() is not None  # and a drawing
    svg = httpx.get(sqlite_server.base_url + first["picture_url"].removesuffix(".png") + ".svg")
    assert svg.status_code == 200 and svg.content.lstrip().startswith(b"<svg")
    assert svg.headers["content-type"].startswith("image/svg+xml")
    for served in (picture, svg):
        assert (
            "max-age" in served.headers["cache-control"]
            and served.headers["x-content-type-options"] == "nosniff"
        )
    for probe in ("/pictograms/..%2F..%2Fetc%2Fpasswd", "/pictograms/1F4A9-NOT-USED"):
        for suffix in (".svg", ".png"):
            assert httpx.get(sqlite_server.base_url + probe + suffix).status_code == 404
