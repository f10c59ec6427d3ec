"""Custom pictograms on the boards: an activity names one as `custom:<id>`.

Against a real `fresque serve` process on SQLite and on PostgreSQL, with real sockets: only the workshop's own
pictures are accepted, at once after an upload (also on a board already open), never after their deletion;
a picture that cards use is not deleted (409 `pictogram_in_use`); the export names the pictures used, an
import keeps them in the same workshop and refuses them elsewhere, naming the picture.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fresque.protocol import PROTOCOL_VERSION, op_list_adapter
from pydantic import ValidationError
from support.server import ServerProcess
from support.workshop import Workshop, activity, new_item_id
from test_custom_pictograms import Served, bearer, encode, served, two_halves, upload

__all__ = ["served"]  # the module's server fixture, shared with the upload tests

LABELS = {"label_fr": "Le marché du mardi", "label_en": "Tuesday market", "label_ar": "سوق الثلاثاء"}


def add_picture(server: ServerProcess, workshop: Workshop, **extra: str) -> dict[str, Any]:
    response = upload(
        server,
        workshop.id,
        workshop.facilitator_token,
        encode(two_halves((60, 40)), "PNG"),
        labels={**LABELS, **extra},
    )
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    assert made["ref"] == f"custom:{made['id']}"
    return made


def delete_picture(server: ServerProcess, workshop: Workshop, pictogram_id: str) -> httpx.Response:
    return httpx.delete(
        f"{server.base_url}/api/workshops/{workshop.id}/pictograms/{pictogram_id}",
        headers=bearer(workshop.facilitator_token),
        timeout=30,
    )


async def connected(workshop: Workshop, alias: str | None = None) -> Any:
    """A socket past its hello, without the test client's replica (which knows the catalogue's refs only)."""
    client = workshop.client(alias)
    await client.open()
    await client.send({"type": "hello", "protocol": PROTOCOL_VERSION, "client": client.client_id})
    client.welcome = await client.expect("welcome")
    client.seq = client.welcome["seq"]
    return client


async def place(client: Any, ref: str, item_id: str | None = None) -> dict[str, Any]:
    answer: dict[str, Any] = await client.commit(
        [activity(item_id or new_item_id("pic"), ref=ref, day="tue")]
    )
    return answer


async def test_only_the_workshop_s_own_pictures_are_placed(served: Served) -> None:
    server = served.server
    workshop, other = Workshop.create(server, residents=("Amina",)), Workshop.create(server, residents=())
    mine, theirs = add_picture(server, workshop), add_picture(server, other)
    amina = await connected(workshop, "Amina")
    try:
        assert (await place(amina, mine["ref"]))["type"] == "ack"
        for ref in (theirs["ref"], f"custom:{secrets.token_hex(16)}"):
            refusal = await place(amina, ref)
            assert (refusal["type"], refusal["code"]) == ("reject", "unknown_ref"), ref
    finally:
        await amina.close()


def test_a_custom_ref_is_exactly_custom_and_32_hex_digits() -> None:
    good = f"custom:{secrets.token_hex(16)}"
    assert op_list_adapter.validate_python([activity("pic-000001", ref=good)])[0].ref == good
    for bad in ("custom:../x", f"custom:{'A' * 32}", "custom:", f"Custom:{'a' * 32}", f"custom:{'a' * 33}"):
        with pytest.raises(ValidationError):
            op_list_adapter.validate_python([activity("pic-000001", ref=bad)])


async def test_an_upload_is_placeable_at_once_on_an_open_board(served: Served) -> None:
    server = served.server
    workshop = Workshop.create(server, residents=("Amina",))
    amina, facilitator = await connected(workshop, "Amina"), await connected(workshop)
    try:
        before = await place(amina, "go-to-work")
        assert before["type"] == "ack"
        made = add_picture(server, workshop)  # the room is open: its refs change under it
        ack = await place(amina, made["ref"])
        assert ack["type"] == "ack"
        change = await facilitator.expect("change", seq=ack["seq"])
        assert change["ops"][0]["ref"] == made["ref"]
    finally:
        await amina.close()
        await facilitator.close()


async def test_a_picture_in_use_is_not_deleted_and_a_deleted_one_is_refused(served: Served) -> None:
    server = served.server
    workshop = Workshop.create(server, residents=("Amina",))
    made, spare = add_picture(server, workshop), add_picture(server, workshop)
    amina = await connected(workshop, "Amina")
    try:
        first, second = new_item_id("pic"), new_item_id("pic")
        assert (await place(amina, made["ref"], first))["type"] == "ack"
        assert (await place(amina, made["ref"], second))["type"] == "ack"
        refused = delete_picture(server, workshop, made["id"])
        assert refused.status_code == 409, refused.text
        body = refused.json()
        assert (body["error"], body["count"]) == ("pictogram_in_use", 2)
        assert "2 cards" in body["message"]
        # nothing changed: still listed, still served, still placeable
        listed = server.get(f"/api/workshops/{workshop.id}/pictograms", workshop.facilitator_token).json()
        assert made["id"] in [p["id"] for p in listed["pictograms"]]
        assert server.get(made["picture_url"], workshop.facilitator_token).status_code == 200
        assert (await place(amina, made["ref"]))["type"] == "ack"

        # the resident removes her cards (three now), then the facilitator may delete the picture
        for item in [i["id"] for i in workshop.export()["items"]]:
            assert (await amina.commit([{"op": "item.delete", "id": item}]))["type"] == "ack"
        assert delete_picture(server, workshop, made["id"]).status_code == 204
        refusal = await place(amina, made["ref"])
        assert (refusal["type"], refusal["code"]) == ("reject", "unknown_ref")
        assert (await place(amina, spare["ref"]))["type"] == "ack"  # the other picture is untouched
    finally:
        await amina.close()
    # the board opens again although its log placed the deleted picture (its state was saved first)
    again = await connected(workshop, "Amina")
    try:
        assert (await place(again, "go-to-work"))["type"] == "ack"
    finally:
        await again.close()


@pytest.fixture
def own_server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(
        database_url, log_path=tmp_path / "server.log", env={"FRESQUE_DATA_DIR": str(tmp_path / "data")}
    )
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


async def test_a_board_opens_after_a_crash_that_follows_a_deletion(own_server: ServerProcess) -> None:
    """The picture was placed and removed in the log's tail; the process dies without saving (SIGKILL)."""
    workshop = Workshop.create(own_server, residents=("Amina",))
    made = add_picture(own_server, workshop)
    amina = await connected(workshop, "Amina")
    item = new_item_id("pic")
    assert (await place(amina, made["ref"], item))["type"] == "ack"
    assert (await amina.commit([{"op": "item.delete", "id": item}]))["type"] == "ack"
    assert delete_picture(own_server, workshop, made["id"]).status_code == 204
    own_server.kill()  # no snapshot on close: only what the deletion saved
    await amina.close()
    own_server.start(migrate=False)
    again = await connected(workshop, "Amina")
    try:
        assert (await place(again, "go-to-work"))["type"] == "ack"
        assert [i["ref"] for i in workshop.export()["items"]] == ["go-to-work"]
    finally:
        await again.close()


async def test_the_export_names_the_pictures_and_the_import_keeps_them_in_their_workshop_only(
    served: Served,
) -> None:
    server = served.server
    workshop, other = Workshop.create(server, residents=("Amina",)), Workshop.create(server, residents=())
    made = add_picture(server, workshop, category=_a_category(server, workshop))
    unused = add_picture(server, workshop)
    amina = await connected(workshop, "Amina")
    try:
        assert (await place(amina, made["ref"]))["type"] == "ack"
        assert (await place(amina, "go-to-work"))["type"] == "ack"
    finally:
        await amina.close()
    document = workshop.export()
    refs = document["catalogue"]["refs"]
    assert unused["ref"] not in refs
    assert refs[made["ref"]] == {
        "kind": "activity",
        "labels": {"fr": LABELS["label_fr"], "en": LABELS["label_en"], "ar": LABELS["label_ar"]},
        "picture_url": made["picture_url"],
        "category": made["category"],
    }
    assert refs["go-to-work"]["picture"]  # the catalogue's own stay as they were
    assert server.get(refs[made["ref"]]["picture_url"], workshop.facilitator_token).status_code == 200

    same = server.post("/api/boards/import", document, workshop.facilitator_token)
    assert same.status_code == 201, same.text
    copy = workshop.export(same.json()["id"])
    assert made["ref"] in [i["ref"] for i in copy["items"]] and made["ref"] in copy["catalogue"]["refs"]

    elsewhere = server.post("/api/boards/import", document, other.facilitator_token)
    assert elsewhere.status_code == 422, elsewhere.text
    body = elsewhere.json()
    assert (body["error"], body["ref"], body["label"]) == (
        "unknown_custom_pictogram",
        made["ref"],
        LABELS["label_fr"],
    )
    assert f"« {LABELS['label_fr']} »" in body["message"]
    boards = server.get(f"/api/workshops/{other.id}", other.facilitator_token).json()["boards"]
    assert len(boards) == 1  # nothing was created in the other workshop


def _a_category(server: ServerProcess, workshop: Workshop) -> str:
    catalogue = server.get("/api/pictograms", workshop.facilitator_token).json()
    category: str = catalogue["activity_categories"][0]["id"]
    return category


def test_the_console_uploads_and_deletes_with_its_cookie_and_csrf_token(served: Served) -> None:
    server = served.server
    workshop = Workshop.create(server, residents=("Amina",))
    with httpx.Client(base_url=server.base_url, timeout=30) as page:
        page.cookies.set("fresque_session", workshop.facilitator_token)
        html = page.get(f"/workshops/{workshop.id}", headers={"Accept": "text/html"}).text
        match = re.search(r'<meta name="fresque-csrf" content="([0-9a-f]{64})">', html)
        assert match
        headers = {"Origin": server.origin, "X-Fresque-CSRF": match.group(1)}
        path = f"/api/workshops/{workshop.id}/pictograms"
        picture = encode(two_halves((40, 40)), "PNG")
        without = page.post(path, files={"file": ("a.png", picture, "image/png")}, data=LABELS)
        assert (without.status_code, without.json()["error"]) == (403, "csrf_failed")
        made = page.post(path, files={"file": ("a.png", picture, "image/png")}, data=LABELS, headers=headers)
        assert made.status_code == 201, made.text
        target = f"{path}/{made.json()['id']}"
        assert page.delete(target).status_code == 403
        assert page.delete(target, headers=headers).status_code == 204


def test_the_board_page_gives_the_workshop_s_pictures(served: Served) -> None:
    server = served.server
    workshop, other = Workshop.create(server, residents=("Amina",)), Workshop.create(server, residents=())
    made = add_picture(server, workshop)
    add_picture(server, other)
    with httpx.Client(base_url=server.base_url, timeout=30) as page:
        page.cookies.set("fresque_session", workshop.token("Amina"))
        html = page.get(f"/boards/{workshop.board_id}", headers={"Accept": "text/html"}).text
    assert made["id"] in html and made["thumbnail_url"] in html
    assert html.count("custom-pictograms/") == 2  # its picture and thumbnail; not the other workshop's
