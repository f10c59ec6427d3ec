"""Several processes, one truth (issue 15), over real sockets: three `fresque serve` processes on one
PostgreSQL and one Redis (tests/support/cluster.py), each client's socket on a process chosen by the test
(direct ports, so that they are surely on different processes).

- Residents of one board on different processes converge on one `seq` order; an `ack` comes after the commit
  (the change is in PostgreSQL when the ack arrives); a client reconnecting with `last_seq` on yet another
  process gets a delta; per-viewer visibility (a private round) holds for a viewer on another process.
- Removing a participant through one process closes their socket on another (4401); erasing the workshop
  closes the boards everywhere (4004); a picture uploaded through one process is placed at once from
  another, and a deleted one is refused there.
- Presence: a resident on one process is listed to a resident on another.

The faults (kill -9 of the writer, a paused writer, Redis stopped) are in tests/test_cluster_faults.py.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import httpx
import pytest
import websockets
from support.client import BoardClient
from support.cluster import Cluster, cluster, listed
from support.recording import ChangeLog, RecordingClient, export_state
from support.workshop import Workshop, activity, new_item_id, note
from test_custom_pictograms import bearer, encode, two_halves, upload

__all__ = ["cluster"]  # the fixture, from tests/support/cluster.py

pytestmark = pytest.mark.postgres  # and Redis (skips without it here, fails in CI: FRESQUE_REQUIRE_REDIS)


async def connect_all(*clients: BoardClient) -> None:
    for client in clients:
        await client.connect()


async def close_all(*clients: BoardClient) -> None:
    for client in clients:
        await client.close()


async def closed_with(client: BoardClient, timeout: float = 10.0) -> tuple[int, str]:
    """Read until the server closes the socket; its close code and reason."""
    with pytest.raises(websockets.ConnectionClosed) as closed:
        deadline = time.monotonic() + timeout
        while True:
            await client.recv(timeout=max(0.01, deadline - time.monotonic()))
    assert closed.value.rcvd is not None, "closed without a close frame"
    return closed.value.rcvd.code, closed.value.rcvd.reason


async def acked(client: RecordingClient, ops: list[dict[str, Any]], timeout: float = 10.0) -> int:
    """Push through a client whose reader runs in the background; the seq of its ack."""
    op_id = await client.push(ops)
    deadline = time.monotonic() + timeout
    while op_id in client.pending:
        client.check_reader()
        assert time.monotonic() < deadline, f"no answer to {op_id}"
        await asyncio.sleep(0.001)
    return client.log.acks[(client.participant, op_id)]


async def test_residents_on_different_processes_converge_in_one_order(cluster: Cluster) -> None:
    workshop = Workshop.create(cluster.processes[0], residents=("Amina", "Karim", "Zoé"))
    board = workshop.board_id
    fac = cluster.client(workshop, 0)
    await fac.connect()
    assert (await fac.commit([note(new_item_id("note"), "ouverture")]))["type"] == "ack"
    w, _ = await cluster.writer(board)
    others = [i for i in range(3) if i != w]

    # Amina and Karim on the two processes that do not write the board: every op of theirs is carried.
    log = ChangeLog()
    amina = RecordingClient(cluster.client(workshop, others[0], "Amina"), log)
    karim = RecordingClient(cluster.client(workshop, others[1], "Karim"), log)
    for c in (amina, karim):
        await c.resume()

    # The ack comes after the commit: when it arrives, PostgreSQL has the change at that seq.
    seq = await acked(amina, [note(new_item_id("note"), "Le bus 12 ne passe plus")])
    assert (seq, amina.participant, log.by_seq[seq][1]) in await cluster.receipts(board)
    assert await cluster.head(board) >= seq

    # Both write at once, each from their own process: one seq order, heard the same by everyone.
    for n in range(15):
        await amina.push([note(new_item_id("note"), f"Amina {n}")])
        await karim.push([note(new_item_id("note"), f"Karim {n}")])
    deadline = time.monotonic() + 15
    while amina.pending or karim.pending:
        for c in (amina, karim):
            c.check_reader()
        assert time.monotonic() < deadline, (list(amina.pending), list(karim.pending), cluster.logs())
        await asyncio.sleep(0.01)
    head = await cluster.head(board)
    assert head == 1 + 1 + 30
    while amina.seq < head or karim.seq < head:
        for c in (amina, karim):
            c.check_reader()
        assert time.monotonic() < deadline, (amina.seq, karim.seq, head)
        await asyncio.sleep(0.01)
    # The ChangeLog asserted as it went that no seq named two ops (what Amina and Karim heard agrees).
    assert sorted(log.by_seq) == list(range(2, head + 1))
    assert [(s, a, o) for s, a, o in await cluster.receipts(board) if s >= 2] == [
        (s, log.by_seq[s][0], log.by_seq[s][1]) for s in range(2, head + 1)
    ]
    export = workshop.export()
    state = export_state(export)
    assert amina.replica is not None and amina.replica.to_snapshot() == state
    assert karim.replica is not None and karim.replica.to_snapshot() == state
    await fac.drain()
    assert fac.seq == head and fac.replica is not None and fac.replica.to_snapshot() == state

    # Karim leaves; two changes later he comes back, on the third process, with his last_seq: a delta.
    await karim.drop(abrupt=False)
    for text in ("pendant son absence", "et encore"):
        await acked(amina, [note(new_item_id("note"), text)])
    back = cluster.client(workshop, w, "Karim")
    back.replica, back.seq = karim.replica, karim.seq
    welcome = await back.connect(karim.seq)
    assert welcome["resync"] == "delta", welcome["resync"]
    assert [c["seq"] for c in welcome["changes"]] == [head + 1, head + 2]
    assert back.seq == head + 2 and back.replica.to_snapshot() == export_state(workshop.export())
    await close_all(back, fac)
    await amina.drop(abrupt=False)


async def test_a_private_round_is_filtered_for_a_viewer_on_another_process(cluster: Cluster) -> None:
    workshop = Workshop.create(cluster.processes[0])
    fac = cluster.client(workshop, 0)
    amina, karim = cluster.client(workshop, 1, "Amina"), cluster.client(workshop, 2, "Karim")
    await connect_all(fac, amina, karim)
    shown = new_item_id("note")
    assert (await amina.commit([note(shown, "avant la manche")]))["type"] == "ack"
    assert (await karim.expect("change", seq=1))["ops"][0]["id"] == shown

    assert (await fac.commit([{"op": "board.update", "private": True}]))["type"] == "ack"
    for c in (amina, karim):
        await c.expect("resync", seq=2)
    secret = new_item_id("note")
    assert (await amina.commit([note(secret, "Je n'ose pas demander")]))["type"] == "ack"
    to_karim = await karim.expect("change", seq=3)
    assert to_karim["ops"] == [] and secret not in str(to_karim)  # on process 2, nothing of it
    assert (await fac.expect("change", seq=3))["ops"][0]["id"] == secret  # the facilitator, on 0, sees it
    refused = await karim.commit([{"op": "item.update", "id": secret, "set": {"x": 1}}])
    assert refused["code"] == "item_missing"
    # A newcomer on process 2 is not given it either, in its snapshot.
    late = cluster.client(workshop, 2, "Karim")
    welcome = await late.connect()
    assert secret not in str(welcome) and shown in str(welcome)

    assert (await fac.commit([{"op": "board.update", "private": False}]))["type"] == "ack"
    resync = await karim.expect("resync", seq=4)
    assert secret in {item["id"] for item in resync["snapshot"]["items"]}
    await close_all(fac, amina, karim, late)


async def test_a_removal_and_an_erasure_through_one_process_close_sockets_on_the_others(
    cluster: Cluster,
) -> None:
    workshop = Workshop.create(cluster.processes[0])
    first = cluster.processes[0]
    fac = cluster.client(workshop, 0)
    amina, karim = cluster.client(workshop, 1, "Amina"), cluster.client(workshop, 2, "Karim")
    await connect_all(fac, amina, karim)
    pid = amina.participant

    removed = httpx.delete(
        f"{first.base_url}/api/workshops/{workshop.id}/participants/{pid}",
        headers=bearer(workshop.facilitator_token),
        timeout=30,
    )
    assert removed.status_code == 204, removed.text
    assert await closed_with(amina) == (4401, "removed")
    # Karim, on a third process, stays, and hears that Amina left.
    presence = await karim.expect("presence_list")
    while any(p["participant"] == pid for p in presence["participants"]):
        presence = await karim.expect("presence_list")
    # Her token is refused at the door of every process.
    for process in cluster.processes:
        with pytest.raises(websockets.exceptions.InvalidStatus):
            await cluster.client(workshop, cluster.processes.index(process), "Amina").connect()

    erased = httpx.delete(
        f"{first.base_url}/api/workshops/{workshop.id}",
        headers=bearer(workshop.facilitator_token),
        timeout=30,
    )
    assert erased.status_code == 204, erased.text
    for client in (karim, fac):
        assert await closed_with(client) == (4004, "workshop_erased")


def add_picture(cluster: Cluster, workshop: Workshop, index: int) -> dict[str, Any]:
    response = upload(
        cluster.processes[index],
        workshop.id,
        workshop.facilitator_token,
        encode(two_halves((60, 40)), "PNG"),
        labels={"label_fr": "Le marché du mardi", "label_en": "Tuesday market", "label_ar": "سوق الثلاثاء"},
    )
    assert response.status_code == 201, response.text
    made: dict[str, Any] = response.json()
    return made


async def test_a_picture_uploaded_through_one_process_is_placed_from_another(cluster: Cluster) -> None:
    workshop = Workshop.create(cluster.processes[0], residents=("Amina",))
    # The board is open on processes 1 and 2 before the upload (their rooms loaded, one of them writing).
    on_one = cluster.client(workshop, 1, "Amina")
    on_two = cluster.client(workshop, 2)
    for client in (on_one, on_two):
        await client.connect()
        client.replica = None  # the test client's replica knows the catalogue's pictures only
    assert (await on_one.commit([activity(new_item_id("pic"), day="mon")]))["type"] == "ack"

    kept, dropped = add_picture(cluster, workshop, 0), add_picture(cluster, workshop, 0)
    for client in (on_one, on_two):  # right after: no restart, no reconnection
        placed = await client.commit([activity(new_item_id("pic"), ref=kept["ref"], day="tue")])
        assert placed["type"] == "ack", placed

    gone = httpx.delete(
        f"{cluster.processes[0].base_url}/api/workshops/{workshop.id}/pictograms/{dropped['id']}",
        headers=bearer(workshop.facilitator_token),
        timeout=30,
    )
    assert gone.status_code == 204, gone.text
    for client in (on_one, on_two):
        refusal = await client.commit([activity(new_item_id("pic"), ref=dropped["ref"], day="wed")])
        assert (refusal["type"], refusal.get("code")) == ("reject", "unknown_ref"), refusal
    await close_all(on_one, on_two)


async def test_presence_lists_residents_on_every_process(cluster: Cluster) -> None:
    workshop = Workshop.create(cluster.processes[0])
    amina, karim = cluster.client(workshop, 0, "Amina"), cluster.client(workshop, 1, "Karim")
    await amina.connect()
    await karim.connect()

    await listed(amina, karim.participant, True)  # Karim, on process 1, is listed to Amina on 0
    await listed(karim, amina.participant, True)

    def present_in_console(process: int) -> set[str]:
        """Who the console, asked through `process`, says is here now."""
        answer = cluster.processes[process].get(
            f"/api/workshops/{workshop.id}/participants", workshop.facilitator_token
        )
        assert answer.status_code == 200, answer.text
        return {p["id"] for p in answer.json()["participants"] if p["present"]}

    async def console_shows(process: int, participant: str, present: bool) -> None:
        deadline = time.monotonic() + 10  # each process says who is here within a tick of a change
        while (participant in await asyncio.to_thread(present_in_console, process)) != present:
            assert time.monotonic() < deadline, f"console on {process}: {participant} present={not present}"
            await asyncio.sleep(0.1)

    await console_shows(2, karim.participant, True)  # asked through a third process, which holds no socket
    await console_shows(2, amina.participant, True)
    await karim.close()
    await listed(amina, karim.participant, False)  # and his leaving too
    await console_shows(2, karim.participant, False)
    await amina.close()
