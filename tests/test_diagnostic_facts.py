"""A board's facts read straight from its stored state (`diagnostic.snapshot_facts`, what the API does) are
exactly the facts of its export document (`diagnostic.board_facts`, what a facilitator downloads), and the
diagnostic is the same whichever way a board was read: from its stored snapshot, or from its open room while
changes are not in a snapshot yet."""

from __future__ import annotations

import asyncio
import json
import random
from typing import Any

from fresque.core.board import Board
from fresque.diagnostic import board_facts, snapshot_facts
from fresque.export import ExportDocument, build_export, snapshot_of
from fresque.protocol import dumps
from support.client import BoardClient
from support.diagnostic_reference import check_against, reference_groups
from support.server import ServerProcess
from support.study_seed import _catalogue, board_document, seed_study

WORKSHOP = {"id": "ws-1", "title": "Atelier", "neighbourhood": "Corsy", "date": "2026-03-01"}
HEALTH, PAPERS, BARE = (f"custom:{n:032x}" for n in (1, 2, 3))
PICTURES = {HEALTH: "health", PAPERS: "admin", BARE: None}  # the workshop's own: two with a category


def _with_own_pictures(document: dict[str, Any]) -> dict[str, Any]:
    """The seeded document, with activities on the workshop's own pictures (one of them hidden: its
    category still reaches the export's refs) and one picture no card names."""
    author = document["participants"][2]["id"]
    for number, (ref, hidden) in enumerate([(HEALTH, False), (PAPERS, True), (BARE, False)]):
        item: dict[str, Any] = {
            "id": f"act-own-{number}",
            "kind": "activity",
            "author": author,
            "x": 1,
            "y": 2,
        }
        item["ref"] = ref
        if hidden:
            item["hidden"] = True
        document["items"].append(item)
    document["items"].sort(key=lambda i: i["id"])
    return document


def test_facts_from_the_stored_state_equal_the_export_documents() -> None:
    catalogue = _catalogue()
    refs = {kind: catalogue.ids(kind) for kind in ("activity", "difficulty", "touchpoint", "solution")}
    refs["activity"] = refs["activity"] | set(PICTURES)
    custom = {
        ref: {"kind": "activity", "labels": {"fr": ref}, "picture_url": f"/{ref}.png", "category": category}
        for ref, category in PICTURES.items()
    }
    for seed in range(6):
        raw = _with_own_pictures(board_document(random.Random(seed), WORKSHOP, residents=14, cards_each=6))
        document = ExportDocument.model_validate(raw)
        board = Board.from_snapshot(snapshot_of(document, {}), refs)
        exported = build_export(
            board=board,
            board_info={"id": "brd-1", "kind": "exploration", "title": "Ma semaine", "seq": 42},
            workshop=WORKSHOP,
            participants=raw["participants"],
            catalogue=catalogue,
            custom=custom,
        )
        stored = json.loads(dumps(board.to_snapshot()))  # as `board_snapshots.state` holds it
        own = {ref: c for ref, c in PICTURES.items() if c is not None}
        direct = snapshot_facts(stored, board_id="brd-1", workshop_id="ws-1", seq=42, custom_categories=own)
        expected = board_facts(exported)
        assert direct == expected
        assert list(direct.cards) == list(expected.cards)  # the same order too (figures list words in it)
        assert direct.categories == {HEALTH: "health", PAPERS: "admin"}
        assert any(c.ref == HEALTH for c in direct.cards.values())
        assert direct.ties and direct.touches and direct.votes  # the seed makes every kind of fact


async def _hide(client: BoardClient, item: str) -> None:
    answer = await client.commit([{"op": "item.hide", "id": item, "hidden": True}])
    assert answer["type"] == "ack", answer


def test_a_board_read_from_its_room_or_its_snapshot_gives_the_same_figures(
    server: ServerProcess, database_url: str
) -> None:
    study = seed_study(server, database_url, random.Random(21), residents=[18, 12], responses=[20, 12])
    workshop = study.workshops[0]
    board = study.boards[workshop["workshop"]["id"]][1]
    document = next(e for e in study.exports() if e["board"]["id"] == board)
    cards = [
        i["id"] for i in document["items"] if i["kind"] in ("activity", "difficulty") and not i.get("hidden")
    ]

    async def while_open() -> dict[str, Any]:
        # A facilitator is on the board and hides cards: its stored snapshot is behind its head (the room
        # saves one when its last user leaves), so the diagnostic reads this board from its room.
        client = BoardClient(server.ws_url(board), server.origin, workshop["facilitator"]["token"])
        await client.connect()
        try:
            for card in cards[:6]:
                await _hide(client, card)
            answer = await asyncio.to_thread(study.diagnostic)
            assert answer.status_code == 200, answer.text
            figures: dict[str, Any] = answer.json()
            return figures
        finally:
            await client.close()

    from_room = asyncio.run(while_open())
    exports = study.exports()
    hidden = {i["id"] for e in exports for i in e["items"] if i.get("hidden")}
    assert set(cards[:6]) <= hidden
    check_against(from_room, reference_groups(study, exports))
    # A restart forgets every board's facts: the board is read from the snapshot saved when the room closed.
    server.stop()
    server.start(migrate=False)
    from_snapshot = study.diagnostic()
    assert from_snapshot.status_code == 200, from_snapshot.text
    assert from_snapshot.json() == from_room
