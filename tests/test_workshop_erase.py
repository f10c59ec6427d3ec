"""Exporting a whole workshop, then erasing it: afterwards nothing of it is left in the database or on disk.

Every test runs a real `fresque serve` on SQLite and on PostgreSQL, with its own data directory; what is left
is checked by querying every table directly, not through the API.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import io
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from fresque.auth import hash_token
from fresque.db.engine import make_engine
from PIL import Image
from sqlalchemy import text
from support.server import ServerProcess
from support.workshop import Workshop, activity, difficulty, new_item_id, note, solution, thread


@dataclass
class Served:
    server: ServerProcess
    data_dir: Path
    database_url: str

    def folder(self, workshop_id: str) -> Path:
        return self.data_dir / "custom-pictograms" / workshop_id


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[Served]:
    data_dir = tmp_path / "data"
    server = ServerProcess(
        database_url, log_path=tmp_path / "server.log", env={"FRESQUE_DATA_DIR": str(data_dir)}
    )
    server.start()
    try:
        yield Served(server, data_dir, database_url)
    finally:
        server.stop()


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def delete(server: ServerProcess, path: str, headers: dict[str, str] | None = None) -> httpx.Response:
    return httpx.delete(f"{server.base_url}{path}", headers=headers or {}, timeout=30)


def picture_png() -> bytes:
    image = Image.new("RGB", (40, 30), "red")
    image.paste(Image.new("RGB", (20, 30), "blue"), (20, 0))
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def upload_pictogram(server: ServerProcess, workshop: Workshop, label: str) -> dict[str, Any]:
    response = httpx.post(
        f"{server.base_url}/api/workshops/{workshop.id}/pictograms",
        headers=bearer(workshop.facilitator_token),
        files={"file": ("photo.png", picture_png(), "image/png")},
        data={"label_fr": label, "label_en": "The market", "category": "work"},
        timeout=30,
    )
    assert response.status_code == 201, response.text
    found: dict[str, Any] = response.json()
    return found


def add_board(server: ServerProcess, workshop: Workshop, kind: str, title: str) -> str:
    response = server.post(
        f"/api/workshops/{workshop.id}/boards", {"kind": kind, "title": title}, workshop.facilitator_token
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def fill_board(workshop: Workshop, board_id: str) -> str:
    """Items, threads, a deleted item and votes, from two residents; returns the solution's id."""
    amina, karim = workshop.client("Amina", board_id), workshop.client("Karim", board_id)
    await amina.connect()
    await karim.connect()
    act, dif, sol = new_item_id(), new_item_id(), new_item_id()
    gone = new_item_id()
    batches = [
        (amina, [activity(act, ref="school-run", day="mon"),
                 difficulty(dif, ref="lost-login", severity="bloque"), thread(new_item_id(), act, dif)]),
        (karim, [solution(sol, text="Un atelier le samedi"), thread(new_item_id(), dif, sol)]),
        (karim, [note(gone, "à effacer")]),
        (karim, [{"op": "item.delete", "id": gone}]),
        (amina, [{"op": "vote.add", "item": sol}, {"op": "vote.add", "item": sol}]),
        (karim, [{"op": "vote.add", "item": sol}]),
    ]  # fmt: skip
    for client, ops in batches:
        assert (await client.commit(ops))["type"] == "ack"
    await amina.close()
    await karim.close()
    return sol


async def fill_actions_board(workshop: Workshop, board_id: str, exploration: str, sol: str) -> None:
    """An action answering the residents' solution, another deleted, three dots."""
    amina, karim = workshop.client("Amina", board_id), workshop.client("Karim", board_id)
    await amina.connect()
    await karim.connect()
    year = date.today().year
    act, gone = new_item_id("act"), new_item_id("act")
    card = {"op": "action.create", "lane": "create", "start": f"{year}-01", "end": f"{year}-06"}
    batches = [
        (amina, [{**card, "id": act, "fiche": {"title": "Atelier du samedi"},
                  "links": [{"board": exploration, "item": sol}]}]),
        (karim, [{**card, "id": gone, "fiche": {"title": "à effacer"}}]),
        (karim, [{"op": "action.delete", "id": gone}]),
        (amina, [{"op": "vote.add", "item": act}, {"op": "vote.add", "item": act}]),
        (karim, [{"op": "vote.add", "item": act}]),
    ]  # fmt: skip
    for client, ops in batches:
        assert (await client.commit(ops))["type"] == "ack"
    await amina.close()
    await karim.close()


def without_time(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    out.pop("exported_at")
    return out


async def rows_of(database_url: str, workshop_id: str, tokens: list[str]) -> dict[str, int]:
    """How many rows every table holds for this workshop, found by its ids, not through the API."""
    engine = make_engine(database_url)
    try:
        async with engine.connect() as conn:

            async def ids(query: str) -> list[str]:
                return [r[0] for r in (await conn.execute(text(query), {"w": workshop_id})).all()]

            # the ids come from the rows themselves, and also from what the API told us before the erase
            board_ids = await ids("SELECT id FROM boards WHERE workshop_id = :w")
            participant_ids = await ids("SELECT id FROM participants WHERE workshop_id = :w")

            async def count(query: str, **params: Any) -> int:
                return int((await conn.execute(text(query), {"w": workshop_id, **params})).scalar_one())

            counts = {
                "workshops": await count("SELECT count(*) FROM workshops WHERE id = :w"),
                "boards": len(board_ids),
                "participants": len(participant_ids),
                "custom_pictograms": await count(
                    "SELECT count(*) FROM custom_pictograms WHERE workshop_id = :w"
                ),
                "board_ops": 0,
                "board_snapshots": 0,
                "sessions": 0,
                "tokens": 0,  # sessions found by the hash of a token the test holds
            }
            for board in board_ids:
                counts["board_ops"] += await count(
                    "SELECT count(*) FROM board_ops WHERE board_id = :b", b=board
                )
                counts["board_snapshots"] += await count(
                    "SELECT count(*) FROM board_snapshots WHERE board_id = :b", b=board
                )
            for participant in participant_ids:
                counts["sessions"] += await count(
                    "SELECT count(*) FROM sessions WHERE participant_id = :p", p=participant
                )
            for token in tokens:
                counts["tokens"] += await count(
                    "SELECT count(*) FROM sessions WHERE token_hash = :h", h=hash_token(token)
                )
            return counts
    finally:
        await engine.dispose()


async def rows_by_ids(database_url: str, board_ids: list[str], participant_ids: list[str]) -> int:
    """Rows naming these boards or participants anywhere (ops keep an author id without a foreign key)."""
    engine = make_engine(database_url)
    total = 0
    try:
        async with engine.connect() as conn:
            for board in board_ids:
                for query in (
                    "SELECT count(*) FROM boards WHERE id = :x",
                    "SELECT count(*) FROM board_ops WHERE board_id = :x",
                    "SELECT count(*) FROM board_snapshots WHERE board_id = :x",
                ):
                    total += int((await conn.execute(text(query), {"x": board})).scalar_one())
            for participant in participant_ids:
                for query in (
                    "SELECT count(*) FROM participants WHERE id = :x",
                    "SELECT count(*) FROM sessions WHERE participant_id = :x",
                    "SELECT count(*) FROM board_ops WHERE author_id = :x",
                ):
                    total += int((await conn.execute(text(query), {"x": participant})).scalar_one())
    finally:
        await engine.dispose()
    return total


async def test_export_everything_then_erase_leaves_nothing(served: Served) -> None:
    server = served.server
    workshop = Workshop.create(server, residents=("Amina", "Karim"))
    second_board = add_board(server, workshop, "actions", "Les actions")
    sol = await fill_board(workshop, workshop.board_id)
    await fill_actions_board(workshop, second_board, workshop.board_id, sol)
    pictogram = upload_pictogram(server, workshop, "Le marché du Jas")

    # another workshop in the same database, with its own board, resident and picture
    other = Workshop.create(server, residents=("Zoé",))
    await fill_board_single(other)
    other_pictogram = upload_pictogram(server, other, "La poste")
    other_rows_before = await rows_of(
        served.database_url, other.id, [other.facilitator_token, other.token("Zoé")]
    )
    other_files_before = sorted(p.name for p in served.folder(other.id).iterdir())
    assert len(other_files_before) == 2

    # -- export everything -----------------------------------------------------------------------------
    response = server.get(f"/api/workshops/{workshop.id}/export", workshop.facilitator_token)
    assert response.status_code == 200, response.text
    disposition = response.headers["content-disposition"]
    assert disposition == 'attachment; filename="fresque-atelier-jas-de-bouffan.json"'
    document = response.json()
    assert document["format"] == "fresque-workshop" and document["format_version"] == 1
    assert document["workshop"] == {
        "id": workshop.id,
        "title": "Atelier Jas-de-Bouffan",
        "neighbourhood": "Jas-de-Bouffan",
        "date": None,
    }
    singles = [workshop.export(workshop.board_id), workshop.export(second_board)]
    assert [without_time(b) for b in document["boards"]] == [without_time(b) for b in singles]
    exploration, actions = document["boards"]
    assert len(exploration["items"]) == 3 and len(exploration["threads"]) == 2 and exploration["deleted"]
    assert exploration["votes"]["totals"][0]["count"] == 3
    assert actions["board"]["kind"] == "actions" and actions["deleted"]
    [action] = actions["actions"]
    assert [(link["board"], link["item"]) for link in action["links"]] == [(workshop.board_id, sol)]
    assert actions["votes"]["totals"][0]["count"] == 3
    participants = {p["alias"]: p for p in document["participants"]}
    assert sorted(participants) == ["Amina", "Animation", "Karim"]
    assert participants["Animation"] == {
        "id": workshop.data["facilitator"]["participant"],
        "alias": "Animation",
        "colour": "charcoal",
        "role": "facilitator",
        "host": None,
        "removed": False,
    }
    assert participants["Amina"]["id"] == workshop.residents["Amina"]["participant"]
    assert participants["Amina"]["colour"] == workshop.residents["Amina"]["colour"]
    [exported_pictogram] = document["custom_pictograms"]
    assert exported_pictogram["id"] == pictogram["id"]
    assert exported_pictogram["labels"] == {"fr": "Le marché du Jas", "en": "The market"}
    assert exported_pictogram["category"] == "work"
    served_picture = server.get(pictogram["picture_url"], workshop.facilitator_token)
    assert base64.b64decode(exported_pictogram["picture_png_base64"]) == served_picture.content
    assert Image.open(io.BytesIO(served_picture.content)).size == (40, 30)
    # the cookie alone is enough to read it (the facilitator's page downloads it)
    with_cookie = httpx.get(
        f"{server.base_url}/api/workshops/{workshop.id}/export",
        cookies={"fresque_session": workshop.facilitator_token},
        timeout=30,
    )
    assert with_cookie.status_code == 200

    ids_before = await rows_of(served.database_url, workshop.id, [])
    assert ids_before == {
        "workshops": 1,
        "boards": 2,
        "participants": 3,
        "custom_pictograms": 1,
        "board_ops": ids_before["board_ops"],
        "board_snapshots": ids_before["board_snapshots"],
        "sessions": 3,
        "tokens": 0,
    }
    assert ids_before["board_ops"] == 6 + 5 and ids_before["board_snapshots"] >= 2
    assert served.folder(workshop.id).is_dir()

    # -- erase, with a resident connected on each board ------------------------------------------------
    watchers = [workshop.client("Amina", workshop.board_id), workshop.client("Karim", second_board)]
    for watcher in watchers:
        await watcher.connect()
    other_watcher = other.client("Zoé")
    await other_watcher.connect()

    erased = delete(server, f"/api/workshops/{workshop.id}", bearer(workshop.facilitator_token))
    assert erased.status_code == 204, erased.text
    for watcher in watchers:
        with pytest.raises(websockets.ConnectionClosed) as closed:
            while True:
                await watcher.recv(timeout=10)
        assert closed.value.rcvd is not None
        assert (closed.value.rcvd.code, closed.value.rcvd.reason) == (4004, "workshop_erased")

    # -- nothing remains ---------------------------------------------------------------------------------
    tokens = [workshop.facilitator_token, workshop.token("Amina"), workshop.token("Karim")]
    assert await rows_of(served.database_url, workshop.id, tokens) == dict.fromkeys(ids_before, 0)
    participant_ids = [p["id"] for p in document["participants"]]
    assert await rows_by_ids(served.database_url, [workshop.board_id, second_board], participant_ids) == 0
    assert not served.folder(workshop.id).exists()

    for token in tokens:
        assert server.get(f"/api/workshops/{workshop.id}", token).status_code == 401
    join = server.post("/api/join", {"code": workshop.data["join_code"], "alias": "Nadia"})
    assert join.status_code == 404
    for board in (workshop.board_id, second_board):
        page = httpx.get(
            f"{server.base_url}/boards/{board}",
            cookies={"fresque_session": other.facilitator_token},
            timeout=30,
        )
        assert page.status_code == 404
        assert server.get(f"/api/boards/{board}/export", other.facilitator_token).status_code == 404
    assert server.get(pictogram["picture_url"], workshop.facilitator_token).status_code == 401
    again = delete(server, f"/api/workshops/{workshop.id}", bearer(workshop.facilitator_token))
    assert again.status_code == 401

    # -- the other workshop is untouched, and its live board still works ------------------------------
    other_tokens = [other.facilitator_token, other.token("Zoé")]
    assert await rows_of(served.database_url, other.id, other_tokens) == other_rows_before
    assert sorted(p.name for p in served.folder(other.id).iterdir()) == other_files_before
    assert server.get(other_pictogram["picture_url"], other.facilitator_token).status_code == 200
    ack = await other_watcher.commit([note(new_item_id(), "toujours là")])
    assert ack["type"] == "ack"
    await other_watcher.close()
    assert len(other.export()["items"]) == 2
    assert server.get(f"/api/workshops/{other.id}", other.token("Zoé")).status_code == 200


async def fill_board_single(workshop: Workshop) -> None:
    client = workshop.client("Zoé")
    await client.connect()
    await client.commit([note(new_item_id(), "Bonjour")])
    await client.close()


async def test_only_the_workshop_s_facilitator_may_export_all_or_erase(served: Served) -> None:
    server = served.server
    workshop = Workshop.create(server, residents=("Amina",))
    other = Workshop.create(server, residents=())
    upload_pictogram(server, workshop, "Le marché")
    path = f"/api/workshops/{workshop.id}"
    for token in (workshop.token("Amina"), other.facilitator_token):
        assert server.get(f"{path}/export", token).status_code == 403
        refused = delete(server, path, bearer(token))
        assert refused.status_code == 403
    assert server.get(f"{path}/export", workshop.token("Amina")).json()["error"] == "facilitator_only"
    assert delete(server, path, bearer(other.facilitator_token)).json()["error"] == "not_your_workshop"
    # the cookie alone cannot erase: a forged cross-site request would carry it
    cookie_only = httpx.delete(
        f"{server.base_url}{path}", cookies={"fresque_session": workshop.facilitator_token}, timeout=30
    )
    assert cookie_only.status_code == 401
    assert server.get(f"{path}/export").status_code == 401
    # nothing happened
    rows = await rows_of(
        served.database_url, workshop.id, [workshop.facilitator_token, workshop.token("Amina")]
    )
    assert rows["workshops"] == 1 and rows["participants"] == 2 and rows["sessions"] == 2
    assert rows["tokens"] == 2
    assert rows["custom_pictograms"] == 1 and served.folder(workshop.id).is_dir()
    assert server.get(path, workshop.token("Amina")).status_code == 200


async def test_the_export_file_name_is_ascii_and_dated() -> None:
    from fresque.api.workshop_data import export_file_name

    assert export_file_name({"id": "abc", "title": "Atelier d'Été / Énergie", "date": "2026-12-03"}) == (
        "fresque-atelier-d-ete-energie-2026-12-03.json"
    )
    assert (
        export_file_name({"id": "0123456789abcdef", "title": "ورشة", "date": None}) == "fresque-atelier.json"
    )


async def test_an_erase_while_residents_type_leaves_nothing_behind(served: Served) -> None:
    """Changes in flight while the workshop is erased: none of them outlives it."""
    server = served.server
    workshop = Workshop.create(server, residents=("Amina",))
    client = workshop.client("Amina")
    await client.connect()

    async def read_until_closed() -> Any:
        try:
            while True:
                await client.ws.recv()
        except websockets.ConnectionClosed as closed:
            return closed.rcvd

    async def type_away() -> None:
        try:
            while not reading.done():
                await client.push([note(new_item_id(), "vite")])
                await asyncio.sleep(0.005)
        except websockets.ConnectionClosed:
            return

    reading = asyncio.create_task(read_until_closed())
    typing = asyncio.create_task(type_away())
    await asyncio.sleep(0.3)
    assert (await rows_of(served.database_url, workshop.id, []))["board_ops"] > 0  # typing reached the log
    erased = await asyncio.to_thread(
        delete, server, f"/api/workshops/{workshop.id}", bearer(workshop.facilitator_token)
    )
    assert erased.status_code == 204
    close = await asyncio.wait_for(reading, 10)
    await asyncio.wait_for(typing, 10)
    assert (close.code, close.reason) == (4004, "workshop_erased")
    await asyncio.sleep(0.2)
    tokens = [workshop.facilitator_token, workshop.token("Amina")]
    assert set((await rows_of(served.database_url, workshop.id, tokens)).values()) == {0}
    assert await rows_by_ids(served.database_url, [workshop.board_id], [client.participant]) == 0
