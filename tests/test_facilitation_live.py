"""Facilitation over real sockets, against a real `fresque serve` (SQLite and PostgreSQL): phases and lock
refuse what they close, the timer is stamped by the server, hidden votes and private rounds are left out of
what other participants are sent (not just hidden by their page), reveals resend each view, moderation,
acting for a table's members, observers, and the facilitator's view relayed to followers."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from support.client import BoardClient
from support.server import ServerProcess
from support.workshop import Workshop, activity, difficulty, new_item_id, note, solution


@pytest.fixture
def workshop(server: ServerProcess) -> Workshop:
    return Workshop.create(server)


async def connected(*clients: BoardClient) -> None:
    for client in clients:
        await client.connect()


def item_ids(snapshot: dict[str, Any]) -> set[str]:
    return {item["id"] for item in snapshot["items"]}


async def test_phases_and_the_lock_refuse_what_they_close(workshop: Workshop) -> None:
    amina, fac = workshop.client("Amina"), workshop.client()
    await connected(amina, fac)
    assert (await fac.commit([{"op": "board.update", "phase": "week"}]))["type"] == "ack"
    await amina.expect("change", seq=1)
    refused = await amina.commit([difficulty(new_item_id("dif"))])
    assert (refused["type"], refused["code"]) == ("reject", "phase_closed")
    assert (await amina.commit([activity(new_item_id("act"))]))["type"] == "ack"

    await fac.commit([{"op": "board.update", "locked": True}])
    await amina.expect("change", seq=3)
    refused = await amina.commit([activity(new_item_id("act"))])
    assert refused["code"] == "board_locked"
    refused = await amina.commit([{"op": "board.update", "locked": False}])
    assert refused["code"] == "forbidden"
    await fac.commit([{"op": "board.update", "locked": False}])
    await amina.expect("change", seq=4)
    assert (await amina.commit([activity(new_item_id("act"))]))["type"] == "ack"
    for c in (amina, fac):
        await c.close()


async def test_the_timer_is_stamped_by_the_server_and_found_again_after_a_reload(workshop: Workshop) -> None:
    amina, fac = workshop.client("Amina"), workshop.client()
    await connected(amina, fac)
    before = fac.welcome["server_time"]  # type: ignore[index]
    ack = await fac.commit([{"op": "timer.set", "action": "start", "seconds": 600}])
    stamped = ack["ops"][0]["at"]
    assert ack["type"] == "ack" and stamped >= before
    change = await amina.expect("change", seq=1)
    assert change["ops"] == [{"op": "timer.set", "action": "start", "seconds": 600, "at": stamped}]
    refused = await fac.commit([{"op": "timer.set", "action": "pause", "at": 5}])
    assert refused["code"] == "server_field"

    await amina.close()
    again = workshop.client("Amina")
    welcome = await again.connect()
    timer = welcome["snapshot"]["settings"]["timer"]
    assert timer == {"duration": 600_000, "ends_at": stamped + 600_000, "remaining": None}
    assert again.replica is not None and fac.replica is not None
    assert again.replica.to_snapshot() == fac.replica.to_snapshot()
    for c in (again, fac):
        await c.close()


async def test_hidden_votes_are_not_sent_to_others_until_the_reveal(workshop: Workshop) -> None:
    amina, karim, fac = workshop.client("Amina"), workshop.client("Karim"), workshop.client()
    await connected(amina, karim, fac)
    sol = new_item_id("sol")
    await fac.commit([solution(sol), {"op": "board.update", "votes_hidden": True}])
    for c in (amina, karim):
        hidden = await c.expect("change", seq=1)
        assert hidden["ops"] == []  # a reveal-type change: its content comes as the resync
        resync = await c.expect("resync", seq=1)
        assert item_ids(resync["snapshot"]) == {sol}

    assert (await amina.commit([{"op": "vote.add", "item": sol}, {"op": "vote.add", "item": sol}]))[
        "type"
    ] == "ack"
    to_karim = await karim.expect("change", seq=2)
    assert to_karim == {"type": "change", "seq": 2, "ops": []}  # seq stays gapless; whose it was, unsaid
    to_fac = await fac.expect("change", seq=2)
    assert len(to_fac["ops"]) == 2
    assert karim.replica is not None and karim.replica.vote_totals() == {}

    # Karim reloads while votes are hidden: a snapshot without Amina's dots, even though he knows seq 2.
    await karim.close()
    karim = workshop.client("Karim")
    welcome = await karim.connect(last_seq=2)
    assert welcome["resync"] == "snapshot" and welcome["snapshot"]["votes"] == []

    await fac.commit([{"op": "board.update", "votes_hidden": False}])
    resync = await karim.expect("resync", seq=3)
    assert resync["snapshot"]["votes"] == [{"participant": amina.participant, "item": sol, "count": 2}]
    assert karim.replica is not None and karim.replica.to_snapshot() == fac.replica.to_snapshot()  # type: ignore[union-attr]
    for c in (amina, karim, fac):
        await c.close()


async def test_a_private_round_keeps_cards_to_their_authors_until_revealed(workshop: Workshop) -> None:
    amina, karim, fac = workshop.client("Amina"), workshop.client("Karim"), workshop.client()
    await connected(amina, karim, fac)
    await fac.commit([{"op": "board.update", "private": True}])
    for c in (amina, karim):
        await c.expect("resync", seq=1)
    secret = new_item_id("note")
    assert (await amina.commit([note(secret, "Je n'ose pas demander")]))["type"] == "ack"
    assert (await karim.expect("change", seq=2))["ops"] == []
    assert (await fac.expect("change", seq=2))["ops"][0]["id"] == secret
    # Karim cannot reach it either: to him it does not exist.
    refused = await karim.commit([{"op": "item.update", "id": secret, "set": {"x": 1}}])
    assert refused["code"] == "item_missing"

    await fac.commit([{"op": "board.update", "private": False}])
    resync = await karim.expect("resync", seq=3)
    assert secret in item_ids(resync["snapshot"])
    assert workshop.export()["items"][0]["round"] == 1
    for c in (amina, karim, fac):
        await c.close()


async def test_moderation_hides_an_item_from_everyone_but_facilitators(workshop: Workshop) -> None:
    amina, karim, fac = workshop.client("Amina"), workshop.client("Karim"), workshop.client()
    await connected(amina, karim, fac)
    rude, kept = new_item_id("note"), new_item_id("note")
    await amina.commit([note(rude, "insulte"), note(kept, "Le bus")])
    await karim.expect("change", seq=1)
    await fac.expect("change", seq=1)
    await fac.commit([{"op": "item.hide", "id": rude, "hidden": True}])
    for c in (amina, karim):
        assert (await c.expect("change", seq=2))["ops"] == []
        assert item_ids((await c.expect("resync", seq=2))["snapshot"]) == {kept}
    assert fac.replica is not None and fac.replica.items[rude].hidden
    exported = {i["id"]: i for i in workshop.export()["items"]}
    assert exported[rude]["hidden"] is True  # kept for the record, marked

    await fac.commit([{"op": "item.merge", "keep": kept, "drop": rude}])
    assert item_ids((await karim.expect("resync", seq=3))["snapshot"]) == {kept}
    for c in (amina, karim, fac):
        await c.close()


async def test_a_table_acts_for_its_members_each_with_their_own_budget(workshop: Workshop) -> None:
    server = workshop.server
    made = httpx.post(
        f"{server.base_url}/api/workshops/{workshop.id}/hosted",
        json={"alias": "Zoé", "kind": "table"},
        headers={"Authorization": f"Bearer {workshop.token('Amina')}"},
    )
    assert made.status_code == 201, made.text
    zoe = made.json()["id"]
    table, karim, fac = workshop.client("Amina"), workshop.client("Karim"), workshop.client()
    await connected(table, karim, fac)
    sol = new_item_id("sol")
    await fac.commit([solution(sol)])
    await table.expect("change", seq=1)
    await karim.expect("change", seq=1)

    vote = {"op": "vote.add", "item": sol}
    assert (await table.commit([vote, vote, vote]))["type"] == "ack"
    ack = await table.commit([vote, vote, vote], as_=zoe)
    assert ack["type"] == "ack"
    change = await karim.expect("change", seq=3)
    assert change["author"] == zoe
    refused = await table.commit([vote], as_=zoe)
    assert refused["code"] == "vote_budget_exceeded"  # Zoé's own three dots are spent
    refused = await karim.commit([vote], as_=zoe)
    assert refused["code"] == "not_your_member"
    refused = await karim.commit([vote], as_=new_item_id("nobody"))
    assert refused["code"] == "not_your_member"

    # A facilitator records a paper participant's dot.
    paper = httpx.post(
        f"{server.base_url}/api/workshops/{workshop.id}/hosted",
        json={"alias": "Mme Benali", "kind": "paper"},
        headers={"Authorization": f"Bearer {workshop.facilitator_token}"},
    ).json()["id"]
    assert (await fac.commit([vote], as_=paper))["type"] == "ack"
    votes = {v["participant"]: v["count"] for v in workshop.export()["votes"]["by_participant"]}
    assert votes == {table.participant: 3, zoe: 3, paper: 1}

    # Zoé is removed from the console: the table, still connected, can no longer act for her.
    removed = httpx.delete(
        f"{server.base_url}/api/workshops/{workshop.id}/participants/{zoe}",
        headers={"Authorization": f"Bearer {workshop.facilitator_token}"},
    )
    assert removed.status_code == 204, removed.text
    refused = await table.commit([{"op": "vote.remove", "item": sol}], as_=zoe)
    assert refused["code"] == "not_your_member"
    for c in (table, karim, fac):
        await c.close()


async def test_an_observer_sends_nothing_and_a_facilitators_view_reaches_followers(
    workshop: Workshop,
) -> None:
    server = workshop.server
    link = httpx.post(
        f"{server.base_url}/api/workshops/{workshop.id}/sign-in-links",
        json={"role": "observer"},
        headers={"Authorization": f"Bearer {workshop.facilitator_token}"},
    )
    assert link.status_code == 201, link.text
    redeemed = httpx.post(link.json()["link"], headers={"Origin": server.origin}, follow_redirects=False)
    assert redeemed.status_code == 303
    observer = BoardClient(
        server.ws_url(workshop.board_id), server.origin, redeemed.cookies["fresque_session"]
    )
    amina, fac = workshop.client("Amina"), workshop.client()
    await connected(observer, amina, fac)
    assert observer.welcome is not None and observer.welcome["you"]["role"] == "observer"
    refused = await observer.commit([note(new_item_id("note"))])
    assert refused["code"] == "forbidden"

    await observer.send({"type": "presence", "cursor": {"x": 1, "y": 1}})
    await amina.send(
        {"type": "presence", "cursor": {"x": 2, "y": 2}, "view": {"x": 0, "y": 0, "w": 10, "h": 10}}
    )
    await fac.send({"type": "presence", "view": {"x": 100, "y": 50, "w": 800, "h": 600}})
    updates: dict[str, dict[str, Any]] = {}
    while fac.participant not in updates or amina.participant not in updates:
        for update in (await observer.expect("ephemeral"))["updates"]:
            updates[update["participant"]] = update
    assert updates[fac.participant]["view"] == {"x": 100, "y": 50, "w": 800, "h": 600}
    assert "view" not in updates[amina.participant]  # only facilitators lead a view
    assert observer.participant not in updates  # a projector has no pointer
    for c in (observer, amina, fac):
        await c.close()
