"""What a viewer may not see is not sent, over real sockets (issue 12, items 6 and 7).

- Drag previews (`ephemeral` frames) never name or place a card the receiver may not see: a card of someone
  else's private round, a hidden (moderated) card. The facilitator, who sees everything, still gets them.
- While votes are hidden, the `change` frame other participants get for someone's vote carries nothing that
  identifies the voter (no `author`, no `op_id`: an op_id is made from the sender's client id), and `seq`
  stays gapless (the test client asserts it on every frame).
"""

from __future__ import annotations

import json
from typing import Any

import httpx
import pytest
from support.client import BoardClient
from support.server import ServerProcess
from support.workshop import Workshop, new_item_id, note, solution


@pytest.fixture
def workshop(sqlite_server: ServerProcess) -> Workshop:
    return Workshop.create(sqlite_server)


async def connected(*clients: BoardClient) -> None:
    for client in clients:
        await client.connect()


def drag(item: str, x: float, y: float) -> dict[str, Any]:
    return {"type": "presence", "cursor": {"x": x, "y": y}, "drag": {"item": item, "x": x, "y": y}}


async def dragged_by(client: BoardClient, dragger: BoardClient, item: str) -> dict[str, Any]:
    """Read `client`'s frames until an ephemeral update of `dragger` drags `item`; returns that update."""
    while True:
        frame = await client.expect("ephemeral", timeout=5)
        for update in frame["updates"]:
            if (
                update["participant"] == dragger.participant
                and (update.get("drag") or {}).get("item") == item
            ):
                return update


async def frames_after(client: BoardClient) -> list[dict[str, Any]]:
    """Everything `client` is sent until it is quiet, who is here and cursors included."""
    return await client.drain(quiet=0.4, ignore=())


def names(frames: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    return [f for f in frames if text in json.dumps(f)]


async def test_a_private_card_being_dragged_is_not_previewed_to_others(workshop: Workshop) -> None:
    amina, karim, fac = workshop.client("Amina"), workshop.client("Karim"), workshop.client()
    await connected(amina, karim, fac)
    kept = new_item_id("note")
    assert (await amina.commit([note(kept, "avant la manche")]))["type"] == "ack"
    assert (await fac.commit([{"op": "board.update", "private": True}]))["type"] == "ack"
    secret = new_item_id("note")
    assert (await amina.commit([note(secret, "Je n'ose pas demander")]))["type"] == "ack"
    await karim.drain()

    await amina.send(drag(secret, 333, 444))
    update = await dragged_by(fac, amina, secret)  # the facilitator sees every card, previews included
    assert update["drag"] == {"item": secret, "x": 333, "y": 444}
    to_karim = await frames_after(karim)
    assert names(to_karim, secret) == []
    # Nor is the card placed by the pointer that carries it.
    placed = [
        u for f in to_karim if f["type"] == "ephemeral" for u in f["updates"] if "cursor" in u or "drag" in u
    ]
    assert [u for u in placed if u["participant"] == amina.participant] == []

    # A card Karim sees is still previewed to him, in the same round.
    await amina.send(drag(kept, 50, 60))
    assert (await dragged_by(karim, amina, kept))["drag"] == {"item": kept, "x": 50, "y": 60}
    for c in (amina, karim, fac):
        await c.close()


async def test_a_hidden_card_being_dragged_is_not_previewed_to_participants(workshop: Workshop) -> None:
    amina, karim, fac = workshop.client("Amina"), workshop.client("Karim"), workshop.client()
    await connected(amina, karim, fac)
    rude, kept = new_item_id("note"), new_item_id("note")
    assert (await amina.commit([note(rude, "insulte"), note(kept, "Le bus")]))["type"] == "ack"
    assert (await fac.commit([{"op": "item.hide", "id": rude, "hidden": True}]))["type"] == "ack"
    await amina.drain()
    await karim.drain()

    second = workshop.client()  # the facilitator's other tab: sees the hidden card and its preview
    await second.connect()
    await fac.send(drag(rude, 700, 800))
    assert (await dragged_by(second, fac, rude))["drag"]["item"] == rude
    for resident in (amina, karim):  # its author no more than anyone: hidden is hidden from every participant
        assert names(await frames_after(resident), rude) == []

    await fac.send(drag(kept, 10, 20))
    assert (await dragged_by(karim, fac, kept))["drag"] == {"item": kept, "x": 10, "y": 20}
    for c in (amina, karim, fac, second):
        await c.close()


async def test_a_hidden_vote_tells_others_nothing_of_its_voter(workshop: Workshop) -> None:
    server = workshop.server
    zoe = httpx.post(
        f"{server.base_url}/api/workshops/{workshop.id}/hosted",
        json={"alias": "Zoé", "kind": "table"},
        headers={"Authorization": f"Bearer {workshop.token('Amina')}"},
    ).json()["id"]
    amina, karim, fac = workshop.client("Amina"), workshop.client("Karim"), workshop.client()
    amina_again = workshop.client("Amina")  # Amina's other tab sees her own dots
    await connected(amina, amina_again, karim, fac)
    sol = new_item_id("sol")
    assert (await fac.commit([solution(sol), {"op": "board.update", "votes_hidden": True}]))["type"] == "ack"
    for c in (amina, amina_again, karim):
        await c.expect("resync", seq=1)

    vote = {"op": "vote.add", "item": sol}
    ack = await amina.commit([vote, vote])
    assert ack["type"] == "ack" and ack["seq"] == 2
    assert (await amina.commit([vote], as_=zoe))["type"] == "ack"  # a table's member: as hidden
    for seq in (2, 3):
        to_karim = await karim.expect("change", seq=seq)
        assert to_karim == {"type": "change", "seq": seq, "ops": []}
        to_fac = await fac.expect("change", seq=seq)
        assert to_fac["author"] == (amina.participant if seq == 2 else zoe) and to_fac["ops"]
    own = await amina_again.expect("change", seq=2)
    assert own["author"] == amina.participant and len(own["ops"]) == 2
    # Nothing else Karim was sent meanwhile names them either.
    rest = await frames_after(karim)
    assert names(rest, amina.client_id + ":") == [] and names(rest, zoe) == []
    assert karim.seq == 3  # gapless: the client checks each frame's seq follows the last

    # A visible change still names its author.
    assert (await amina.commit([note(new_item_id("note"))]))["type"] == "ack"
    assert (await karim.expect("change", seq=4))["author"] == amina.participant
    for c in (amina, amina_again, karim, fac):
        await c.close()


async def test_a_hidden_dot_on_the_action_fresco_tells_others_nothing_of_its_voter(
    workshop: Workshop,
) -> None:
    made = workshop.server.post(
        f"/api/workshops/{workshop.id}/boards",
        {"kind": "actions", "title": "Plan"},
        workshop.facilitator_token,
    )
    assert made.status_code == 201, made.text
    board = made.json()["id"]
    fac, amina, karim = (workshop.client(a, board_id=board) for a in (None, "Amina", "Karim"))
    await connected(fac, amina, karim)
    act = new_item_id("act")
    create = {
        "op": "action.create",
        "id": act,
        "lane": "create",
        "start": "2026-02",
        "end": "2026-05",
        "fiche": {"title": "Permanence numérique"},
    }
    assert (await fac.commit([create, {"op": "board.update", "votes_hidden": True}]))["type"] == "ack"
    await karim.expect("resync", seq=1)
    assert (await amina.commit([{"op": "vote.add", "item": act}]))["type"] == "ack"
    assert await karim.expect("change", seq=2) == {"type": "change", "seq": 2, "ops": []}
    assert (await fac.expect("change", seq=2))["author"] == amina.participant
    for c in (fac, amina, karim):
        await c.close()
