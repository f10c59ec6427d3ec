"""Who an import brings into a workshop (issue 12, item 10).

- An imported document's facilitator is the importing facilitator: an import never adds a second
  « facilitator » (one the owner could not remove: 409 `cannot_remove_facilitator`). Their cards, threads
  and dots become the importing facilitator's.
- The same participant imported twice into one workshop is one person: the second import of an export maps
  its participants onto the people the first one made (`docs/protocol.md`, "Importing a board").
"""

from __future__ import annotations

import copy
from typing import Any

import httpx
from support.server import ServerProcess
from support.workshop import Workshop, new_item_id, note, solution


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def participants(server: ServerProcess, workshop: Workshop) -> list[dict[str, Any]]:
    listed = server.get(f"/api/workshops/{workshop.id}/participants", workshop.facilitator_token)
    assert listed.status_code == 200, listed.text
    people: list[dict[str, Any]] = listed.json()["participants"]
    return people


def import_board(server: ServerProcess, document: dict[str, Any], into: Workshop) -> dict[str, Any]:
    imported = server.post("/api/boards/import", document, into.facilitator_token)
    assert imported.status_code == 201, imported.text
    return into.export(imported.json()["id"])


async def filled(server: ServerProcess) -> tuple[Workshop, dict[str, Any]]:
    """A workshop whose facilitator and residents each made something and voted; and its board's export."""
    source = Workshop.create(server)
    fac, amina = source.client(), source.client("Amina")
    await fac.connect()
    await amina.connect()
    sol = new_item_id("sol")
    assert (await fac.commit([solution(sol), {"op": "vote.add", "item": sol}]))["type"] == "ack"
    assert (await amina.commit([note(new_item_id("note")), {"op": "vote.add", "item": sol}]))["type"] == "ack"
    await fac.close()
    await amina.close()
    return source, source.export()


def facilitator_id(workshop: Workshop) -> str:
    return str(workshop.data["facilitator"]["participant"])


async def test_an_imported_facilitator_is_the_importing_facilitator(sqlite_server: ServerProcess) -> None:
    source, document = await filled(sqlite_server)
    target = Workshop.create(sqlite_server)
    board = import_board(sqlite_server, document, target)

    people = participants(sqlite_server, target)
    assert [p["id"] for p in people if p["role"] == "facilitator"] == [facilitator_id(target)]
    # What the source's facilitator made and voted is the importing facilitator's.
    solutions = [i for i in board["items"] if i["kind"] == "solution"]
    assert [i["author"] for i in solutions] == [facilitator_id(target)]
    votes = {v["participant"]: v["count"] for v in board["votes"]["by_participant"]}
    assert votes[facilitator_id(target)] == 1 and facilitator_id(source) not in votes
    # Every imported person can be removed by the owner: none is a second, unremovable facilitator.
    for person in people:
        if person["id"] != facilitator_id(target):
            removed = httpx.delete(
                f"{sqlite_server.base_url}/api/workshops/{target.id}/participants/{person['id']}",
                headers=bearer(target.facilitator_token),
            )
            assert removed.status_code == 204, removed.text


async def test_importing_the_same_export_twice_adds_its_people_once(sqlite_server: ServerProcess) -> None:
    _, document = await filled(sqlite_server)
    target = Workshop.create(sqlite_server)
    before = len(participants(sqlite_server, target))
    first = import_board(sqlite_server, document, target)
    after_first = participants(sqlite_server, target)
    second = import_board(sqlite_server, document, target)
    assert sorted(p["id"] for p in participants(sqlite_server, target)) == sorted(
        p["id"] for p in after_first
    )
    # The source's Amina and Karim join the target's own two and its facilitator.
    assert len(after_first) == before + 2
    # And both boards name the same people.
    assert sorted(i["author"] for i in second["items"]) == sorted(i["author"] for i in first["items"])
    assert second["votes"]["by_participant"] == first["votes"]["by_participant"]


async def test_an_export_of_an_erased_workshop_brings_no_second_facilitator(
    sqlite_server: ServerProcess,
) -> None:
    source, document = await filled(sqlite_server)
    erased = httpx.delete(
        f"{sqlite_server.base_url}/api/workshops/{source.id}", headers=bearer(source.facilitator_token)
    )
    assert erased.status_code == 204, erased.text
    target = Workshop.create(sqlite_server)
    for _ in range(2):  # the ids are free again: kept where they can be, and once
        import_board(sqlite_server, document, target)
    people = participants(sqlite_server, target)
    assert [p["id"] for p in people if p["role"] == "facilitator"] == [facilitator_id(target)]
    assert facilitator_id(source) not in {p["id"] for p in people}
    assert len(people) == 3 + 2


async def test_every_facilitator_of_a_document_is_the_importing_one(sqlite_server: ServerProcess) -> None:
    """A document naming two facilitators (made by hand) brings none: both are the importing facilitator,
    their dots added up within the budget."""
    _, document = await filled(sqlite_server)
    forged = copy.deepcopy(document)
    amina = next(p for p in forged["participants"] if p["alias"] == "Amina")
    amina["role"] = "facilitator"
    target = Workshop.create(sqlite_server)
    board = import_board(sqlite_server, forged, target)
    people = participants(sqlite_server, target)
    assert [p["id"] for p in people if p["role"] == "facilitator"] == [facilitator_id(target)]
    votes = board["votes"]["by_participant"]
    assert [(v["participant"], v["count"]) for v in votes] == [(facilitator_id(target), 2)]
