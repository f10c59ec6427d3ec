"""Erasing a study (issue 13): `DELETE /api/studies/{id}` erases each of its workshops by the workshop's own
path (live boards closed `4004 workshop_erased`, picture folders removed), then every row naming the study;
afterwards nothing of it is left in the database, nor (SQLite) a byte of its text in any file of the data
directory. Another study on the same server is untouched.

A real `fresque serve` on SQLite and PostgreSQL; what is left is read from the tables, not through the API.
"""

from __future__ import annotations

import asyncio
import copy
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from fresque.auth import hash_token, new_token
from fresque.db.engine import make_engine
from fresque.db.store import Store
from fresque.db.studies import StudyStore
from fresque.protocol import PROTOCOL_VERSION
from sqlalchemy import text
from support.server import ServerProcess
from support.study_erase_checks import left_of, needles, rows_holding
from support.study_export_seed import Account, SeededStudy, files_holding, make_account, seed_study


@dataclass
class Served:
    server: ServerProcess
    data_dir: Path

    def folder(self, workshop_id: str) -> Path:
        return self.data_dir / "custom-pictograms" / workshop_id


def serve(database_url: str, tmp_path: Path) -> Served:
    data_dir = tmp_path / "data"
    server = ServerProcess(
        database_url, log_path=tmp_path / "server.log", env={"FRESQUE_DATA_DIR": str(data_dir)}
    )
    server.start()
    return Served(server, data_dir)


@pytest.fixture
def served(database_url: str, tmp_path: Path) -> Iterator[Served]:
    found = serve(database_url, tmp_path)
    try:
        yield found
    finally:
        found.server.stop()


def mark() -> str:
    """Unique on the whole disk, with a non-ASCII part (as tests/test_abuse_erase_disk.py)."""
    return f"Zq{uuid.uuid4().hex[:12]}Marché"


def erase(server: ServerProcess, account: Account, study_id: str) -> httpx.Response:
    return httpx.delete(f"{server.base_url}/api/studies/{study_id}", headers=account.bearer(), timeout=60)


def study_export(server: ServerProcess, account: Account, study_id: str) -> httpx.Response:
    return httpx.get(f"{server.base_url}/api/studies/{study_id}/export", headers=account.bearer(), timeout=60)


def without_times(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    out.pop("exported_at")
    for entry in out["workshops"]:
        entry["export"].pop("exported_at")
        for board in entry["export"]["boards"]:
            board.pop("exported_at")
    return out


async def _extras(database_url: str, seeded: SeededStudy, owner: Account) -> str:
    """An unused invite, and the owner facilitating the first workshop from the dashboard (as
    `POST /api/studies/{id}/workshops` links them): rows of other tables naming the study or its people."""
    store = Store.from_url(database_url)
    try:
        studies = StudyStore(store)
        invite = new_token()
        await studies.add_invite(seeded.id, hash_token(invite), "member")
        facilitator = seeded.workshops[0].data["facilitator"]["participant"]
        await studies.link_account_participant(facilitator, owner.id)
        return invite
    finally:
        await store.close()


async def bare(client: Any) -> None:
    """A socket past its hello, without the test client's replica (which knows the catalogue's refs only,
    not a workshop's own pictures)."""
    await client.open()
    await client.send({"type": "hello", "protocol": PROTOCOL_VERSION, "client": client.client_id})
    client.welcome = await client.expect("welcome")
    client.seq = client.welcome["seq"]


def test_erasing_a_study_leaves_nothing_of_it(served: Served) -> None:
    server = served.server
    owner, member, stranger = (
        make_account(server, name) for name in ("owner-erase", "member-erase", "stranger")
    )
    seeded = seed_study(server, owner, mark(), member)
    other_owner = make_account(server, "owner-kept")
    kept = seed_study(server, other_owner, mark())
    asyncio.run(_extras(server.database_url, seeded, owner))
    document = study_export(server, owner, seeded.id).json()
    kept_before = study_export(server, other_owner, kept.id).json()
    workshop_ids = [w.id for w in seeded.workshops]
    participant_ids = [p["id"] for e in document["workshops"] for p in e["export"]["participants"]]
    before = asyncio.run(left_of(server.database_url, seeded.id, workshop_ids, participant_ids))
    assert (
        before["survey_responses"] == 12 and before["work_questions"] == 2 and before["neighbourhoods"] == 3
    )
    assert (
        before["study_invites"] == 1 and before["study_members"] == 2 and before["account_participants"] == 1
    )
    assert before["workshops"] == 3 and before["boards"] == 4 and before["custom_pictograms"] == 1
    assert served.folder(seeded.workshops[0].id).is_dir()

    # only the owner erases; a member is told so, anyone else finds no such study
    refused = erase(server, member, seeded.id)
    assert refused.status_code == 403 and refused.json()["error"] == "owner_only"
    assert erase(server, stranger, seeded.id).status_code == 404
    assert httpx.delete(f"{server.base_url}/api/studies/{seeded.id}", timeout=30).status_code == 401
    forged = httpx.delete(
        f"{server.base_url}/api/studies/{seeded.id}", cookies={"fresque_account": owner.token}, timeout=30
    )
    assert forged.status_code == 403 and forged.json()["error"] == "csrf_failed"
    assert asyncio.run(left_of(server.database_url, seeded.id, workshop_ids, participant_ids)) == before

    # residents and partners on the boards while it is erased
    async def erase_while_watched() -> tuple[httpx.Response, list[tuple[int, str]]]:
        watchers = [
            seeded.workshops[0].client("Amina", seeded.exploration[0]),
            seeded.workshops[1].client("Karim", seeded.exploration[1]),
            seeded.workshops[2].client(None, seeded.actions_board),
        ]
        for watcher in watchers:
            await bare(watcher)
        erased = await asyncio.to_thread(erase, server, owner, seeded.id)
        closes = []
        for watcher in watchers:
            with pytest.raises(websockets.ConnectionClosed) as closed:
                while True:
                    await watcher.recv(timeout=10)
            assert closed.value.rcvd is not None
            closes.append((closed.value.rcvd.code, closed.value.rcvd.reason))
        return erased, closes

    erased, closes = asyncio.run(erase_while_watched())
    assert closes == [(4004, "workshop_erased")] * 3
    assert erased.status_code == 200, erased.text
    counts = erased.json()["erased"]
    assert counts["studies"] == 1 and counts["workshops"] == 3 and counts["boards"] == 4
    assert counts["survey_responses"] == 12 and counts["survey_questionnaires"] == 2
    assert counts["work_questions"] == 2 and counts["neighbourhoods"] == 3
    assert counts["study_members"] == 2 and counts["study_invites"] == 1 and counts["custom_pictograms"] == 1
    assert counts["participants"] == len(participant_ids) == 4 + 3 + 1

    left = asyncio.run(left_of(server.database_url, seeded.id, workshop_ids, participant_ids))
    assert left == dict.fromkeys(before, 0)
    for workshop in seeded.workshops:
        assert not served.folder(workshop.id).exists()
        assert server.get(f"/api/workshops/{workshop.id}", workshop.facilitator_token).status_code == 401
    assert (
        server.post("/api/join", {"code": seeded.workshops[0].data["join_code"], "alias": "N"}).status_code
        == 404
    )
    assert study_export(server, owner, seeded.id).status_code == 404
    assert erase(server, owner, seeded.id).status_code == 404
    # the team's accounts are people, not the study's: they stay, signed in
    assert study_export(server, other_owner, kept.id).status_code == 200
    assert httpx.get(f"{server.base_url}/api/studies", headers=owner.bearer(), timeout=30).status_code == 200

    # the other study is whole, and its live board still takes cards
    assert without_times(study_export(server, other_owner, kept.id).json()) == without_times(kept_before)
    assert served.folder(kept.workshops[0].id).is_dir()

    async def write_kept() -> dict[str, Any]:
        client = kept.workshops[0].client("Amina", kept.exploration[0])
        await bare(client)
        note = {"op": "item.create", "id": "item-kept", "kind": "note", "x": 1, "y": 1, "text": "toujours là"}
        answer = await client.commit([note])
        await client.close()
        return answer

    assert asyncio.run(write_kept())["type"] == "ack"


def test_after_erasing_a_study_no_byte_of_its_text_is_in_the_data_directory(tmp_path: Path) -> None:
    """SQLite, the database inside the data directory: the study's title, a neighbourhood's name, a free
    answer of the survey, a question de travail, a workshop's title, a resident's words, an action's fiche and
    a picture's label all hold the marker; after the erase no file holds it (the other study's stays)."""
    data_dir = tmp_path / "data"
    served = serve(f"sqlite+aiosqlite:///{data_dir / 'fresque.sqlite3'}", tmp_path)
    try:
        server = served.server
        owner = make_account(server, "owner-disk")
        erased_mark, kept_mark = mark(), mark()
        kept = seed_study(server, owner, kept_mark)
        seeded = seed_study(server, owner, erased_mark)
        document = study_export(server, owner, seeded.id)
        assert document.text.count(erased_mark) >= 8  # the marker is in every kind of text
        forms = needles(erased_mark)
        assert files_holding(data_dir, forms), "the marker should be on disk before the erase"

        assert erase(server, owner, seeded.id).status_code == 200

        assert files_holding(data_dir, forms) == []
        assert files_holding(data_dir, needles(kept_mark))
        assert study_export(server, owner, kept.id).status_code == 200
    finally:
        served.server.stop()


STUDY_TABLES = (
    "studies",
    "study_members",
    "neighbourhoods",
    "survey_questionnaires",
    "survey_responses",
    "work_questions",
)


@pytest.mark.postgres
def test_on_postgresql_the_study_s_tables_are_vacuumed_and_hold_none_of_its_text(
    postgres_url: str, tmp_path: Path
) -> None:
    """PostgreSQL keeps a deleted row as a dead tuple until VACUUM: the erase runs it on the study's tables at
    once (docs/protocol.md, "Storage behind it", says what stays even then)."""
    served = serve(postgres_url, tmp_path)
    try:
        server = served.server
        owner = make_account(server, "owner-pg")
        erased_mark = mark()
        seeded = seed_study(server, owner, erased_mark)
        before = asyncio.run(vacuum_counts(postgres_url))
        assert erase(server, owner, seeded.id).status_code == 200
        deadline = time.monotonic() + 10  # statistics reach the view within a moment; the VACUUM ran before
        while (after := asyncio.run(vacuum_counts(postgres_url))) and time.monotonic() < deadline:
            if all(after.get(t, 0) > before.get(t, 0) for t in STUDY_TABLES):
                break
            time.sleep(0.2)
        assert all(after.get(t, 0) > before.get(t, 0) for t in STUDY_TABLES), (before, after)
        assert asyncio.run(rows_holding(postgres_url, erased_mark)) == 0
    finally:
        served.server.stop()


async def vacuum_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT relname, vacuum_count FROM pg_stat_user_tables"))
            return {str(name): int(count) for name, count in rows}
    finally:
        await engine.dispose()
