"""A study's export and its import into a new study (issue 13): everything of the study in one document, and
export → import → export gives the same document but for the ids and times docs/study-export.md names.

A real `fresque serve` on SQLite and on PostgreSQL, with its data directory (the workshops' own pictures).
"""

from __future__ import annotations

import base64
import copy
import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from fresque.study_export import StudyDocument
from support.server import ServerProcess
from support.study_export_seed import PASSWORD_HASH_MARK, Account, make_account, seed_study
from support.study_roundtrip import comparable, differences, renamed


@pytest.fixture
def server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    proc = ServerProcess(
        database_url, log_path=tmp_path / "server.log", env={"FRESQUE_DATA_DIR": str(tmp_path / "data")}
    )
    proc.start()
    try:
        yield proc
    finally:
        proc.stop()


def mark() -> str:
    return f"Zq{uuid.uuid4().hex[:10]}"


def export(server: ServerProcess, account: Account, study_id: str) -> httpx.Response:
    return httpx.get(f"{server.base_url}/api/studies/{study_id}/export", headers=account.bearer(), timeout=60)


def import_(server: ServerProcess, account: Account, document: Any) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/api/studies/import", json=document, headers=account.bearer(), timeout=60
    )


def test_the_export_holds_the_whole_study(server: ServerProcess) -> None:
    owner, member = make_account(server, "owner-export"), make_account(server, "member-export")
    seeded = seed_study(server, owner, mark(), member)

    response = export(server, member, seeded.id)  # any member of the team may export
    assert response.status_code == 200, response.text
    assert response.headers["content-disposition"].startswith(
        'attachment; filename="fresque-study-diagnostic-'
    )
    document = response.json()
    StudyDocument.model_validate(document)  # the document's own model reads it
    assert (document["format"], document["format_version"]) == ("fresque-study", 1)
    assert document["study"]["id"] == seeded.id
    assert document["study"]["title"] == f"Diagnostic {seeded.mark}"
    assert document["study"]["territory"] == "Aix-en-Provence"
    assert (document["study"]["period_start"], document["study"]["period_end"]) == (
        "2026-09-01",
        "2027-03-31",
    )
    # the team as usernames and roles, nothing else
    assert document["team"] == [
        {"username": "owner-export", "role": "owner"},
        {"username": "member-export", "role": "member"},
    ]
    assert PASSWORD_HASH_MARK not in response.text
    assert owner.token not in response.text and member.token not in response.text
    assert [n["id"] for n in document["neighbourhoods"]] == seeded.neighbourhoods
    assert document["neighbourhoods"][0] == {
        "id": seeded.neighbourhoods[0],
        "name": f"Jas-de-Bouffan {seeded.mark}",
        "qpv_code": "QN01301M",
    }
    assert [q["version"] for q in document["questionnaires"]] == [1, 2]
    first, second = (q["body"]["questions"] for q in document["questionnaires"])
    assert len(first) == len(second) + 1

    # every response once (the resend was not stored twice), raw answers as JSON, with its version etc.
    responses = document["responses"]
    assert len(responses) == seeded.responses == 12
    assert len({r["client_id"] for r in responses}) == 12
    assert responses[0]["answers"]["other"] == f"réponse libre {seeded.mark}"
    assert responses[0]["answers"]["equipment"] == ["none"]
    assert [r["questionnaire_version"] for r in responses] == [1] * 8 + [2] * 4
    assert [r["fragility"] for r in responses[:6]] == ["N0", "N1", "N2", "N3", "N4", None]
    assert [r["source"] for r in responses[:4]] == ["phone", "phone", "phone", "paper"]
    assert responses[5]["neighbourhood"] is None and responses[4]["neighbourhood"] == seeded.neighbourhoods[1]
    assert responses[7]["answered_at"] is None
    assert responses[1]["answered_at"] == "2026-10-03T09:37:00+00:00"
    assert all(r["received_at"].endswith("+00:00") for r in responses)

    # each workshop: its neighbourhood and exactly its own export
    assert [w["neighbourhood"] for w in document["workshops"]] == [*seeded.neighbourhoods[:2], None]
    for entry, workshop in zip(document["workshops"], seeded.workshops, strict=True):
        alone = server.get(f"/api/workshops/{workshop.id}/export", workshop.facilitator_token).json()
        assert without_times(entry["export"]) == without_times(alone)
    jas = document["workshops"][0]["export"]
    [picture] = jas["custom_pictograms"]
    assert picture["id"] == seeded.pictogram["id"] and picture["picture_png_base64"]
    people = {p["alias"]: p for p in jas["participants"]}
    assert people["Amina"]["age_band"] == "26_40" and people[f"Parti {seeded.mark}"]["removed"] is True
    partners = document["workshops"][2]["export"]
    actions = next(b for b in partners["boards"] if b["board"]["kind"] == "actions")
    [action] = actions["actions"]
    links = [(link["board"], link["item"]) for link in action["links"]]
    assert links == list(zip(seeded.exploration, seeded.solutions, strict=True))
    assert action["question"] == seeded.questions[0]

    # the questions de travail, their findings as JSON
    assert [q["id"] for q in document["work_questions"]] == seeded.questions
    assert document["work_questions"][0]["finding"]["board"] == seeded.exploration[0]
    assert document["work_questions"][0]["question"].endswith(seeded.mark)


def without_times(document: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(document)
    out.pop("exported_at")
    for board in out["boards"]:
        board.pop("exported_at")
    return out


def test_export_import_export_is_lossless(server: ServerProcess) -> None:
    owner, importer = make_account(server, "owner-trip"), make_account(server, "importer-trip")
    member = make_account(server, "member-trip")
    seeded = seed_study(server, owner, mark(), member)
    first = export(server, owner, seeded.id).json()

    made = import_(server, importer, first)
    assert made.status_code == 201, made.text
    answer = made.json()
    new_id = answer["study"]["id"]
    assert new_id != seeded.id
    assert answer["counts"] == {
        "neighbourhoods": 3,
        "questionnaires": 2,
        "responses": 12,
        "workshops": 3,
        "boards": 4,
        "participants": 3 + 3 + 1 + 1,
        "custom_pictograms": 1,
        "work_questions": 2,
    }
    ids = answer["ids"]
    # new ids for every row that has its own; the original study is still here, so its participants' ids
    # are taken and the imported people get derived ones
    for table in (
        "neighbourhoods",
        "workshops",
        "boards",
        "custom_pictograms",
        "responses",
        "work_questions",
    ):
        assert ids[table] and all(old != new for old, new in ids[table].items()), table
    assert all(old != new for old, new in ids["participants"].items())

    second = export(server, importer, new_id)
    assert second.status_code == 200, second.text
    again = second.json()
    assert again["team"] == [{"username": "importer-trip", "role": "owner"}]  # accounts are not imported
    diffs = differences(comparable(again), comparable(renamed(first, ids)))
    assert not diffs, "\n".join(diffs)

    # the original is untouched and still exports the same; the importer is not on its team, nor the
    # original's team on the new study
    assert comparable(export(server, owner, seeded.id).json()) == comparable(first)
    assert export(server, importer, seeded.id).status_code == 404
    assert export(server, owner, new_id).status_code == 404
    assert export(server, member, new_id).status_code == 404

    # the imported workshops are live: the imported partners' board links the imported residents' solutions
    # (labels read across the new study's workshops), its picture is served
    partners = again["workshops"][2]["export"]
    actions = next(b for b in partners["boards"] if b["board"]["kind"] == "actions")
    [action] = actions["actions"]
    assert [link["label"] for link in action["links"]] == [f"Un atelier le samedi {seeded.mark}"] * 2
    assert [link["board"] for link in action["links"]] == [ids["boards"][b] for b in seeded.exploration]
    assert action["question"] == ids["work_questions"][seeded.questions[0]]
    assert again["work_questions"][0]["finding"]["board"] == ids["boards"][seeded.exploration[0]]
    new_picture = ids["custom_pictograms"][seeded.pictogram["id"]]
    assert again["work_questions"][1]["finding"]["activity"] == f"custom:{new_picture}"

    # the importer facilitates each imported workshop: the dashboard's console opens as its facilitator
    imported_workshop = ids["workshops"][seeded.workshops[0].id]
    console = httpx.post(
        f"{server.base_url}/api/studies/{new_id}/workshops/{imported_workshop}/console",
        headers=importer.bearer(),
        timeout=30,
    )
    assert console.status_code == 200, console.text
    assert console.json()["role"] == "facilitator"
    assert (
        console.json()["participant"]
        == ids["participants"][seeded.workshops[0].data["facilitator"]["participant"]]
    )
    board = server.get(f"/api/boards/{ids['boards'][seeded.exploration[0]]}/export", console.json()["token"])
    assert board.status_code == 200 and len(board.json()["items"]) == 4

    # an import of the re-export is a third study, equal again
    third = import_(server, importer, again)
    assert third.status_code == 201, third.text
    third_doc = export(server, importer, third.json()["study"]["id"]).json()
    diffs = differences(comparable(third_doc), comparable(renamed(again, third.json()["ids"])))
    assert not diffs, "\n".join(diffs)


def test_who_may_export_import_and_what_a_wrong_document_gets(server: ServerProcess) -> None:
    owner, stranger = make_account(server, "owner-rights"), make_account(server, "stranger-rights")
    seeded = seed_study(server, owner, mark())
    document = export(server, owner, seeded.id).json()
    # not on the team, or no such study: the same 404; not signed in: 401
    assert export(server, stranger, seeded.id).json()["error"] == "study_not_found"
    assert export(server, stranger, "0" * 32).status_code == 404
    assert httpx.get(f"{server.base_url}/api/studies/{seeded.id}/export", timeout=30).status_code == 401
    anonymous = httpx.post(f"{server.base_url}/api/studies/import", json=document, timeout=60)
    assert anonymous.status_code == 401
    # a workshop facilitator's session is not an account
    workshop_token = seeded.workshops[0].facilitator_token
    assert server.post("/api/studies/import", document, workshop_token).status_code == 401
    # the account cookie without this origin's CSRF token cannot import (a forged cross-site request)
    forged = httpx.post(
        f"{server.base_url}/api/studies/import",
        json=document,
        cookies={"fresque_account": stranger.token},
        timeout=60,
    )
    assert forged.status_code == 403 and forged.json()["error"] == "csrf_failed"

    before = count_studies(server)
    wrong = copy.deepcopy(document)
    wrong["format"] = "fresque-workshop"
    refused = import_(server, stranger, wrong)
    assert refused.status_code == 422 and refused.json()["error"] == "invalid_document"
    wrong = copy.deepcopy(document)
    wrong["responses"][3]["neighbourhood"] = "nowhere"
    refused = import_(server, stranger, wrong)
    assert refused.status_code == 422, refused.text
    assert "nowhere" in refused.json()["message"]
    wrong = copy.deepcopy(document)
    wrong["workshops"][0]["export"]["boards"][0]["items"][0]["author"] = "someone-else"
    refused = import_(server, stranger, wrong)
    assert refused.status_code == 422 and refused.json()["error"] == "unknown_participant"
    wrong = copy.deepcopy(document)
    wrong["workshops"][0]["export"]["custom_pictograms"] = []  # a card names a picture the document lacks
    refused = import_(server, stranger, wrong)
    assert refused.status_code == 422 and refused.json()["error"] == "unknown_custom_pictogram"
    assert count_studies(server) == before  # nothing was written

    # a picture that is not one is found only when it is stored, after the study's rows: they are erased
    rows_before = count_rows(server)
    wrong = copy.deepcopy(document)
    wrong["workshops"][0]["export"]["custom_pictograms"][0]["picture_png_base64"] = base64.b64encode(
        b"GIF89a not a picture"
    ).decode()
    refused = import_(server, stranger, wrong)
    assert refused.status_code == 415 and refused.json()["error"] == "unsupported_image", refused.text
    assert count_rows(server) == rows_before


def count_rows(server: ServerProcess) -> dict[str, int]:
    """Rows of every table (what an import would add to)."""
    import asyncio

    from fresque.db.engine import make_engine
    from fresque.db.models import Base
    from sqlalchemy import text

    async def count() -> dict[str, int]:
        engine = make_engine(server.database_url)
        try:
            async with engine.connect() as conn:
                return {
                    t.name: int((await conn.execute(text(f"SELECT count(*) FROM {t.name}"))).scalar_one())
                    for t in Base.metadata.sorted_tables
                }
        finally:
            await engine.dispose()

    return asyncio.run(count())


def count_studies(server: ServerProcess) -> int:
    import asyncio

    from fresque.db.engine import make_engine
    from sqlalchemy import text

    async def count() -> int:
        engine = make_engine(server.database_url)
        try:
            async with engine.connect() as conn:
                return int((await conn.execute(text("SELECT count(*) FROM studies"))).scalar_one())
        finally:
            await engine.dispose()

    return asyncio.run(count())


def test_a_large_study_import_is_read_for_a_signed_in_account_only(tmp_path: Path, sqlite_url: str) -> None:
    """Over the JSON cap (FRESQUE_MAX_BODY_BYTES) the body limit lets the import in only with an account's
    session, and within FRESQUE_MAX_IMPORT_BYTES; an import spends the workshop creation allowance."""
    server = ServerProcess(
        sqlite_url,
        log_path=tmp_path / "server.log",
        # 4 workshops at once from this address: the seed makes 3, an import spends 1
        env={
            "FRESQUE_MAX_BODY_BYTES": "4096",
            "FRESQUE_MAX_IMPORT_BYTES": "200000",
            "FRESQUE_CREATE_BURST": "4",
        },
    )
    server.start()
    try:
        owner = make_account(server, "owner-large")
        seeded = seed_study(server, owner, mark())
        document = export(server, owner, seeded.id).json()
        size = len(json.dumps(document).encode())
        assert 4096 < size < 200_000, size
        made = import_(server, owner, document)
        assert made.status_code == 201, made.text
        refused = httpx.post(f"{server.base_url}/api/studies/import", json=document, timeout=60)
        assert refused.status_code == 401 and refused.json()["error"] == "sign_in_required"
        padded = {**document, "padding": "x" * 200_000}
        too_large = import_(server, owner, padded)
        assert too_large.status_code == 413 and too_large.json()["error"] == "body_too_large"
        # the creation allowance is spent: a second import waits, as a new workshop would
        again = import_(server, owner, document)
        assert again.status_code == 429 and again.json()["error"] == "too_many_workshops", again.text
        assert int(again.headers["retry-after"]) > 0
    finally:
        server.stop()


def test_a_study_erased_then_imported_from_its_export_comes_back_whole(server: ServerProcess) -> None:
    """The city keeps the export, erases the study, and later brings it back: its participants' ids are free
    again, so they keep them; everything else is equal but for the new row ids."""
    owner = make_account(server, "owner-restore")
    seeded = seed_study(server, owner, mark())
    kept = export(server, owner, seeded.id).json()
    erased = httpx.delete(f"{server.base_url}/api/studies/{seeded.id}", headers=owner.bearer(), timeout=60)
    assert erased.status_code == 200, erased.text

    made = import_(server, owner, kept)
    assert made.status_code == 201, made.text
    ids = made.json()["ids"]
    assert ids["participants"] and all(old == new for old, new in ids["participants"].items())
    back = export(server, owner, made.json()["study"]["id"]).json()
    diffs = differences(comparable(back), comparable(renamed(kept, ids)))
    assert not diffs, "\n".join(diffs)
    assert back["team"] == [{"username": "owner-restore", "role": "owner"}]
