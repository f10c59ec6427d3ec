"""Issue 12, item 9: erased text does not stay on disk. After `DELETE /api/workshops/{id}` on SQLite, the
title, aliases, notes and fiches were still readable in the `-wal` file until a checkpoint. Now deleted
content is overwritten (`secure_delete`) and the WAL is checkpointed and truncated after an erase: no byte
of a unique marker remains in any file of the data directory. On PostgreSQL the erased tables are vacuumed
at once (what stays until then, and after, is in docs/protocol.md, "Storage behind it").

A real `fresque serve`, its database inside its data directory, the files read while it runs."""

from __future__ import annotations

import asyncio
import io
import time
import uuid
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest
from fresque.db.engine import make_engine
from PIL import Image
from sqlalchemy import text
from support.server import ServerProcess
from support.workshop import Workshop, new_item_id, note

ERASED_TABLES = ("board_ops", "board_snapshots", "boards", "sessions", "participants", "workshops")


def marker() -> str:
    """Unique in the whole disk, with a non-ASCII part (stored as UTF-8 by both databases)."""
    return f"Zq{uuid.uuid4().hex[:12]}Marché"


def forms(text_: str) -> list[bytes]:
    """The bytes to look for: the UTF-8 text, its ASCII core alone (in case the rest is escaped, as in
    `\\u00e9` JSON), and the UTF-16 forms (SQLite stores UTF-8, but a file could hold either)."""
    core = text_[:14]
    return [text_.encode(), core.encode(), core.encode("utf-16-le"), core.encode("utf-16-be")]


def files_holding(folder: Path, needles: list[bytes]) -> list[str]:
    found = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            data = path.read_bytes()
            found += [f"{path.name}: {needle!r}" for needle in needles if needle in data]
    return found


def fill(server: ServerProcess, mark: str) -> Workshop:
    """A workshop whose title, a resident's alias, a note, an action's fiche and a pictogram's label hold
    `mark`; its boards have been opened and written, so the op log and snapshots hold it too."""
    workshop = Workshop(server, server.create_workshop(title=f"Atelier {mark}"))
    workshop.residents[f"Amina {mark}"] = server.join(workshop.data["join_code_display"], f"Amina {mark}")
    actions = server.post(
        f"/api/workshops/{workshop.id}/boards",
        {"kind": "actions", "title": f"Plan {mark}"},
        workshop.facilitator_token,
    )
    assert actions.status_code == 201, actions.text
    picture = io.BytesIO()
    Image.new("RGB", (40, 30), "red").save(picture, "PNG")
    uploaded = httpx.post(
        f"{server.base_url}/api/workshops/{workshop.id}/pictograms",
        headers={"Authorization": f"Bearer {workshop.facilitator_token}"},
        files={"file": ("photo.png", picture.getvalue(), "image/png")},
        data={"label_fr": f"Marché {mark}"[:60]},
        timeout=30,
    )
    assert uploaded.status_code == 201, uploaded.text

    async def write() -> None:
        resident = workshop.client(f"Amina {mark}")
        await resident.connect()
        assert (await resident.commit([note(new_item_id(), f"Une note {mark}")]))["type"] == "ack"
        await resident.close()
        year = date.today().year
        fiche = {"title": f"Permanence {mark}", "findings": f"Le samedi {mark}"}
        card = {"op": "action.create", "id": new_item_id("act"), "lane": "create", "fiche": fiche}
        facilitator = workshop.client(None, str(actions.json()["id"]))
        await facilitator.connect()
        answer = await facilitator.commit([{**card, "start": f"{year}-01", "end": f"{year}-06"}])
        assert answer["type"] == "ack", answer
        await facilitator.close()

    asyncio.run(write())
    return workshop


def erase(server: ServerProcess, workshop: Workshop) -> None:
    response = httpx.delete(
        f"{server.base_url}/api/workshops/{workshop.id}",
        headers={"Authorization": f"Bearer {workshop.facilitator_token}"},
        timeout=30,
    )
    assert response.status_code == 204, response.text


@pytest.fixture
def sqlite_served(tmp_path: Path) -> Iterator[tuple[ServerProcess, Path]]:
    data_dir = tmp_path / "data"
    server = ServerProcess(
        f"sqlite+aiosqlite:///{data_dir / 'fresque.sqlite3'}",
        log_path=tmp_path / "server.log",  # outside the data directory: the log is not the database
        env={"FRESQUE_DATA_DIR": str(data_dir)},
    )
    server.start()
    yield server, data_dir
    server.stop()


def test_after_an_erase_no_byte_of_its_text_is_left_in_the_data_directory(
    sqlite_served: tuple[ServerProcess, Path],
) -> None:
    server, data_dir = sqlite_served
    kept_mark, erased_mark = marker(), marker()
    kept = fill(server, kept_mark)  # another workshop, which stays
    erased = fill(server, erased_mark)
    # The scan finds what is there: both workshops' text, before the erase.
    assert files_holding(data_dir, forms(erased_mark)), "the marker should be on disk before the erase"
    assert files_holding(data_dir, forms(kept_mark))

    erase(server, erased)

    names = sorted(p.name for p in data_dir.iterdir())
    assert "fresque.sqlite3" in names
    assert files_holding(data_dir, forms(erased_mark)) == []
    # The other workshop is whole, and the server keeps working on the same files.
    assert server.get(f"/api/workshops/{kept.id}", kept.facilitator_token).status_code == 200
    assert server.create_workshop(title="Après l'effacement").get("workshop")


@pytest.mark.postgres
def test_on_postgresql_the_erased_tables_are_vacuumed_at_once(postgres_url: str, tmp_path: Path) -> None:
    server = ServerProcess(
        postgres_url, log_path=tmp_path / "server.log", env={"FRESQUE_DATA_DIR": str(tmp_path)}
    )
    server.start()
    try:
        mark = marker()
        workshop = fill(server, mark)
        before = asyncio.run(vacuum_counts(postgres_url))
        erase(server, workshop)
        # Statistics reach the view within a moment; the VACUUM itself ran before the 204.
        deadline = time.monotonic() + 10
        while (after := asyncio.run(vacuum_counts(postgres_url))) and time.monotonic() < deadline:
            if all(after[table] > before[table] for table in ERASED_TABLES):
                break
            time.sleep(0.2)
        assert all(after[table] > before[table] for table in ERASED_TABLES), (before, after)
        assert asyncio.run(rows_holding(postgres_url, mark)) == 0
    finally:
        server.stop()


async def vacuum_counts(url: str) -> dict[str, int]:
    engine = make_engine(url)
    try:
        async with engine.connect() as conn:
            rows = await conn.execute(text("SELECT relname, vacuum_count FROM pg_stat_user_tables"))
            return {str(name): int(count) for name, count in rows}
    finally:
        await engine.dispose()


async def rows_holding(url: str, mark: str) -> int:
    """Rows of the erased tables whose text holds the marker (none: the erase is whole)."""
    engine = make_engine(url)
    total = 0
    try:
        async with engine.connect() as conn:
            for table in ERASED_TABLES:
                query = text(f"SELECT count(*) FROM {table} t WHERE t::text LIKE :pattern")
                total += int(await conn.scalar(query, {"pattern": f"%{mark}%"}) or 0)
    finally:
        await engine.dispose()
    return total
