"""Several real `websockets` clients against a real `fresque serve` process, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
import json

import httpx
import pytest
import websockets
from support.server import ServerProcess
from support.workshop import Workshop, activity, difficulty, new_item_id, note, solution, thread


@pytest.fixture
def workshop(server: ServerProcess) -> Workshop:
    return Workshop.create(server)


async def test_a_change_reaches_every_other_participant_live(workshop: Workshop) -> None:
    amina, karim, facilitator = workshop.client("Amina"), workshop.client("Karim"), workshop.client()
    for c in (amina, karim, facilitator):
        await c.connect()
    act, dif = new_item_id("act"), new_item_id("dif")

    ack = await amina.commit([activity(act, day="tue"), difficulty(dif), thread(new_item_id("th"), act, dif)])
    assert ack == {"type": "ack", "op_id": ack["op_id"], "seq": 1}
    for other in (karim, facilitator):
        change = await other.expect("change")
        assert change["seq"] == 1 and change["author"] == amina.participant
        assert [op["op"] for op in change["ops"]] == ["item.create", "item.create", "thread.create"]

    ack = await amina.commit(
        [{"op": "item.update", "id": act, "set": {"x": 640, "cell": {"day": "weekend"}}}]
    )
    assert ack["seq"] == 2
    assert (await karim.expect("change"))["seq"] == 2
    # Karim may not move Amina's activity (only its author and the facilitators may).
    refusal = await karim.commit([{"op": "item.update", "id": act, "set": {"x": 1}}])
    assert refusal["type"] == "reject" and refusal["code"] == "not_yours"

    # Deleting an item deletes its threads in the same change.
    ack = await facilitator.commit([{"op": "item.delete", "id": act}])
    await amina.expect("change", seq=3)
    await karim.expect("change", seq=3)
    for c in (amina, karim, facilitator):
        assert c.replica is not None
        assert act not in c.replica.items and not c.replica.threads

    exported = workshop.export()
    assert [i["id"] for i in exported["items"]] == [dif]
    assert exported["threads"] == []
    assert exported["board"]["seq"] == 3
    for c in (amina, karim, facilitator):
        assert c.replica is not None and c.replica.to_snapshot()["items"] == exported["items"]
        await c.close()


async def test_a_batch_applies_all_or_none_and_others_see_nothing_of_a_refusal(workshop: Workshop) -> None:
    amina, karim = workshop.client("Amina"), workshop.client("Karim")
    await amina.connect()
    await karim.connect()
    first, second = new_item_id(), new_item_id()
    refused = await amina.commit([note(first), note(second), thread(new_item_id(), first, "missing-item")])
    assert refused["type"] == "reject" and refused["code"] == "item_missing"
    assert await karim.drain(0.3) == []
    ok = await amina.commit([note(first)])
    assert ok["type"] == "ack" and ok["seq"] == 1
    assert (await karim.expect("change"))["ops"][0]["id"] == first
    assert [i["id"] for i in workshop.export()["items"]] == [first]


async def test_emoji_arabic_and_html_round_trip_byte_exact(workshop: Workshop, server: ServerProcess) -> None:
    text = "👩‍👩‍👧‍👦 🇫🇷🇩🇿 مرحبا، أحتاج مساعدة <b>gras</b> &amp; <script>alert(1)</script>\nfin"
    amina, karim = workshop.client("Amina"), workshop.client("Karim")
    await amina.connect()
    await karim.connect()
    item = new_item_id()
    assert (await amina.commit([note(item, text)]))["type"] == "ack"
    raw = await asyncio.wait_for(karim.ws.recv(), 5)
    while '"type":"change"' not in raw:
        raw = await asyncio.wait_for(karim.ws.recv(), 5)
    # Sent as UTF-8 JSON: neither \u-escaped nor HTML-escaped (only the newline is escaped, as JSON wants).
    assert json.dumps(text, ensure_ascii=False).encode("utf-8") in raw.encode("utf-8")
    assert json.loads(raw)["ops"][0]["text"] == text
    assert workshop.export()["items"][0]["text"] == text
    await amina.close()
    await karim.close()
    server.stop()
    server.start()
    late = workshop.client("Karim")
    welcome = await late.connect()
    assert welcome["resync"] == "snapshot"
    assert welcome["snapshot"]["items"][0]["text"] == text
    await late.close()


async def test_resending_an_applied_op_is_acknowledged_again_and_applies_nothing_also_after_a_restart(
    workshop: Workshop, server: ServerProcess
) -> None:
    amina = workshop.client("Amina")
    await amina.connect()
    sol = new_item_id()
    await amina.commit([solution(sol)])
    vote = await amina.commit([{"op": "vote.add", "item": sol}], op_id="amina-phone:7")
    assert vote["seq"] == 2
    again = await amina.commit([{"op": "vote.add", "item": sol}], op_id="amina-phone:7")
    assert again == {"type": "ack", "op_id": "amina-phone:7", "seq": 2, "duplicate": True}
    await amina.close()

    server.stop()
    server.start()
    amina = workshop.client("Amina")
    await amina.connect(last_seq=2)
    again = await amina.commit([{"op": "vote.add", "item": sol}], op_id="amina-phone:7")
    assert again == {"type": "ack", "op_id": "amina-phone:7", "seq": 2, "duplicate": True}
    exported = workshop.export()
    assert exported["votes"]["totals"] == [{"item": sol, "count": 1}]
    assert exported["board"]["seq"] == 2
    await amina.close()


async def test_a_resent_create_is_a_duplicate_not_an_id_clash(workshop: Workshop) -> None:
    amina = workshop.client("Amina")
    await amina.connect()
    item = new_item_id()
    first = await amina.commit([note(item)], op_id="tablet:1")
    again = await amina.commit([note(item)], op_id="tablet:1")
    assert again == {"type": "ack", "op_id": "tablet:1", "seq": first["seq"], "duplicate": True}
    clash = await amina.commit([note(item)], op_id="tablet:2")
    assert clash["type"] == "reject" and clash["code"] == "id_exists"
    await amina.close()


async def test_reconnect_gets_the_missing_changes_in_order(workshop: Workshop) -> None:
    amina, karim = workshop.client("Amina"), workshop.client("Karim")
    await amina.connect()
    await karim.connect()
    await amina.commit([note(new_item_id())])
    await karim.expect("change", seq=1)
    await karim.close()
    for _ in range(4):
        await amina.commit([note(new_item_id())])
    back = workshop.client("Karim")
    back.replica = karim.replica
    welcome = await back.connect(last_seq=1)
    assert welcome["resync"] == "delta"
    assert [c["seq"] for c in welcome["changes"]] == [2, 3, 4, 5]
    assert welcome["seq"] == 5
    up_to_date = workshop.client("Karim")
    welcome = await up_to_date.connect(last_seq=5)
    assert welcome["resync"] == "delta" and welcome["changes"] == []
    for c in (amina, back, up_to_date):
        await c.close()


async def test_one_participant_voting_from_two_sockets_at_once_stays_within_budget(
    workshop: Workshop,
) -> None:
    phone, tablet = workshop.client("Amina"), workshop.client("Amina")
    await phone.connect()
    await tablet.connect()
    sol_a, sol_b = new_item_id(), new_item_id()
    await phone.commit([solution(sol_a), solution(sol_b)])
    on_phone, on_tablet = await asyncio.gather(
        asyncio.gather(*[phone.push([{"op": "vote.add", "item": sol_a}]) for _ in range(3)]),
        asyncio.gather(*[tablet.push([{"op": "vote.add", "item": sol_b}]) for _ in range(3)]),
    )
    from_phone, from_tablet = await asyncio.gather(phone.answers(on_phone), tablet.answers(on_tablet))
    answers = [*from_phone.values(), *from_tablet.values()]
    accepted = [a for a in answers if a["type"] == "ack"]
    refused = [a for a in answers if a["type"] == "reject"]
    assert len(accepted) == 3 and len(refused) == 3
    assert {r["code"] for r in refused} == {"vote_budget_exceeded"}
    totals = workshop.export()["votes"]["totals"]
    assert sum(t["count"] for t in totals) == 3
    await phone.close()
    await tablet.close()


async def test_presence_and_drag_previews_reach_others_and_are_never_stored(workshop: Workshop) -> None:
    amina, karim = workshop.client("Amina"), workshop.client("Karim")
    await amina.connect()
    await karim.connect()
    item = new_item_id()
    await amina.commit([note(item)])
    await karim.expect("change")
    await amina.send(
        {"type": "presence", "cursor": {"x": 5, "y": 6}, "drag": {"item": item, "x": 70, "y": 80}}
    )
    ephemeral = await karim.expect("ephemeral")
    (update,) = [u for u in ephemeral["updates"] if u["participant"] == amina.participant]
    assert update["drag"] == {"item": item, "x": 70, "y": 80} and update["cursor"] == {"x": 5, "y": 6}
    exported = workshop.export()
    assert exported["board"]["seq"] == 1 and exported["items"][0]["x"] == 10
    await amina.close()
    aliases: list[str] = []
    for _ in range(5):  # skip the lists sent while both were here
        presence = await karim.expect("presence_list")
        aliases = [p["alias"] for p in presence["participants"]]
        if aliases == ["Karim"]:
            break
    assert aliases == ["Karim"]
    await karim.close()


async def test_answers_come_in_the_order_of_the_messages(workshop: Workshop) -> None:
    # Changes are committed by a task while the socket goes on being read (so that previews never wait for
    # a commit); what the client gets back still follows the order of what it sent.
    amina = workshop.client("Amina")
    await amina.connect()
    await amina.push([note(new_item_id())])
    await amina.send_raw("{not json")
    await amina.push([note(new_item_id())])
    await amina.send({"type": "hello", "protocol": 1, "client": "again"})
    got = [await amina.drain_until_board_message() for _ in range(4)]
    assert [m["type"] for m in got] == ["ack", "error", "ack", "error"]
    assert [got[0]["seq"], got[2]["seq"]] == [1, 2]
    assert [got[1]["code"], got[3]["code"]] == ["malformed_json", "already_greeted"]
    await amina.close()


async def test_upgrade_refused_for_foreign_origin_missing_session_or_other_workshop(
    server: ServerProcess,
) -> None:
    mine, theirs = Workshop.create(server), Workshop.create(server)
    url = server.ws_url(mine.board_id)
    cases = [
        (
            {"Origin": "http://evil.example", "Authorization": f"Bearer {mine.token('Amina')}"},
            403,
            "origin_not_allowed",
        ),
        ({"Authorization": f"Bearer {mine.token('Amina')}"}, 403, "origin_not_allowed"),
        ({"Origin": server.origin}, 401, "session_required"),
        ({"Origin": server.origin, "Authorization": "Bearer not-a-token"}, 401, "session_required"),
        (
            {"Origin": server.origin, "Authorization": f"Bearer {theirs.token('Amina')}"},
            403,
            "not_your_board",
        ),
    ]
    for headers, status, code in cases:
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            await websockets.connect(url, additional_headers=headers, compression=None, open_timeout=5)
        assert refused.value.response.status_code == status
        assert f'"{code}"' in refused.value.response.body.decode()
    # The same board still works for its own participants.
    client = mine.client("Amina")
    await client.connect()
    assert (await client.commit([note(new_item_id())]))["type"] == "ack"
    await client.close()


def test_healthz_reports_database_and_version(server: ServerProcess) -> None:
    response = httpx.get(f"{server.base_url}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"]["reachable"] is True
    assert body["database"]["backend"] in {"sqlite", "postgresql"}
    assert body["version"]
