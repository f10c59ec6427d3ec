"""What a client written from the docs alone relies on, over real sockets against a real `fresque serve`:
action dates come back snapped to the timeline's scale (in the sender's ack and in everyone else's change),
so no client re-implements the snapping; a socket whose first frame is not `hello` is told so and closed at
once (`4001`), not left open until the hello deadline; an exploration board's snapshots, as a facilitator and
as a resident get them, fit the published schema (`snapshot.exploration`); and `GET /api/workshops/{id}`
answers what the README says (the join code at the top level, not in `you`)."""

from __future__ import annotations

import asyncio
import json
import time
from pathlib import Path
from typing import Any

import pytest
import websockets
from jsonschema import Draft202012Validator
from support.server import ServerProcess
from support.workshop import Workshop, activity, difficulty, new_item_id, note, solution, thread

SNAPSHOTS = json.loads((Path(__file__).parents[1] / "docs" / "protocol.schema.json").read_text())["snapshot"]
SNAPSHOT_SCHEMA = SNAPSHOTS["exploration"]


@pytest.fixture
def workshop(server: ServerProcess) -> Workshop:
    return Workshop.create(server)


def actions_board(workshop: Workshop) -> str:
    response = workshop.server.post(
        f"/api/workshops/{workshop.id}/boards",
        {"kind": "actions", "title": "Plan d'action"},
        workshop.facilitator_token,
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def test_action_dates_travel_snapped_in_acks_and_changes(workshop: Workshop) -> None:
    board = actions_board(workshop)
    amina, karim = workshop.client("Amina", board_id=board), workshop.client("Karim", board_id=board)
    welcome = await amina.connect()
    await karim.connect()
    assert welcome["snapshot"]["settings"]["timeline"]["scale"] == "quarter"  # the default scale

    card = new_item_id("act")
    sent: list[dict[str, Any]] = [
        {
            "op": "action.create",
            "id": card,
            "lane": "create",
            "start": "2026-02",
            "end": "2026-05",
            "fiche": {"title": "Permanence numérique"},
        },
        {"op": "action.move", "id": card, "start": "2026-05"},
        {"op": "action.resize", "id": card, "edge": "end", "month": "2026-08"},
        {"op": "action.resize", "id": card, "edge": "start", "month": "2026-03"},
    ]
    ack = await amina.commit(sent)
    assert ack["type"] == "ack", ack
    change = await karim.expect("change", seq=ack["seq"])
    # Quarters: a start snaps down to its quarter's first month, an end up to its quarter's last month.
    # Created Jan–Jun; moved to start in Apr (Apr–Sep); end to Sep (unchanged); start back to Jan.
    snapped = [
        {**sent[0], "start": "2026-01", "end": "2026-06"},
        {**sent[1], "start": "2026-04"},
        {**sent[2], "month": "2026-09"},
        {**sent[3], "month": "2026-01"},
    ]
    assert ack["ops"] == snapped  # the sender learns the dates as kept
    assert change["ops"] == snapped  # and so does everyone else

    # Already snapped dates and dateless ops come back as sent: the ack carries no `ops` then.
    plain = await amina.commit([{"op": "action.move", "id": card, "start": "2026-07"}])
    assert plain["type"] == "ack" and "ops" not in plain
    assert (await karim.expect("change", seq=plain["seq"]))["ops"] == [
        {"op": "action.move", "id": card, "start": "2026-07"}
    ]

    # A latecomer's replay of the log (a delta) holds the same snapped dates.
    late = workshop.client("Karim", board_id=board)
    delta = await late.connect(last_seq=ack["seq"] - 1)
    assert delta["resync"] == "delta" and delta["changes"][0]["ops"] == snapped

    # The action fresco's snapshot fits the published schema (`snapshot.actions`), a full card included.
    filled = [
        {"op": "action.update", "id": card, "set": {"budget": 8000, "priority": "high", "lead": "ccas"}},
        {"op": "capability.set", "id": card, "series": "targeted", "axis": "rights", "level": 3},
        {
            "op": "milestone.add",
            "id": card,
            "milestone": new_item_id("mil"),
            "month": "2026-08",
            "label": "Lancement",
        },
        {"op": "vote.add", "item": card},
    ]
    assert (await amina.commit(filled))["type"] == "ack"
    snapshot = (await workshop.client(board_id=board).connect())["snapshot"]
    assert sorted(Draft202012Validator(SNAPSHOTS["actions"]).iter_errors(snapshot), key=str) == []
    assert snapshot["actions"][0]["capabilities"] == {"targeted": {"rights": 3}}
    for client in (amina, karim, late):
        await client.close()


async def test_a_first_frame_that_is_not_hello_is_answered_then_closed_at_once(workshop: Workshop) -> None:
    rude = workshop.client("Amina")
    await rude.open()
    started = time.monotonic()
    await rude.send({"type": "presence", "cursor": {"x": 1, "y": 2}})
    assert (await rude.expect("error"))["code"] == "hello_required"
    with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
        await asyncio.wait_for(rude.ws.recv(), 3)
    assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
    assert time.monotonic() - started < 2  # not the 10 s hello deadline
    # The resident's next try, done right, gets in.
    polite = workshop.client("Amina")
    assert (await polite.connect())["type"] == "welcome"
    await polite.close()


async def test_exploration_snapshots_fit_the_published_schema(workshop: Workshop) -> None:
    facilitator, amina = workshop.client(), workshop.client("Amina")
    await facilitator.connect()
    await amina.connect()
    act, dif, sol, hid = (new_item_id(k) for k in ("act", "dif", "sol", "not"))
    slotted = {**activity(act), "cell": {"day": "weekend", "slot": "evening"}}
    sized = {**note(hid, "Penser au bus 😀"), "w": 220, "h": 120}
    for ops in (
        [slotted, difficulty(dif), solution(sol), sized, thread(new_item_id("thr"), act, dif)],
        [{"op": "board.update", "private": True}],
        [difficulty(new_item_id("dif"))],  # made during private round 1
        [{"op": "board.update", "private": False}],
        [{"op": "item.hide", "id": hid, "hidden": True}],
        [{"op": "timer.set", "action": "start", "seconds": 300}],
        [{"op": "item.delete", "id": dif}],
    ):
        assert (await facilitator.commit(ops))["type"] == "ack"
    two_dots = [{"op": "vote.add", "item": sol}, {"op": "vote.add", "item": sol}]
    assert (await amina.commit(two_dots))["type"] == "ack"
    validator = Draft202012Validator(SNAPSHOT_SCHEMA)
    for alias in (None, "Amina"):  # the facilitator sees the hidden card; a resident does not
        welcome = await workshop.client(alias).connect()
        snapshot = welcome["snapshot"]
        assert sorted(validator.iter_errors(snapshot), key=str) == []
        items = {i["id"]: i for i in snapshot["items"]}
        assert (hid in items) == (alias is None)
        assert items[act]["cell"] == {"day": "weekend", "slot": "evening"}
        assert any(i.get("round") == 1 for i in items.values()) and dif in snapshot["deleted"]
        assert snapshot["settings"]["timer"]["ends_at"] is not None
        assert snapshot["votes"] == [{"participant": amina.participant, "item": sol, "count": 2}]
        assert items[act].keys() == {"id", "kind", "author", "x", "y", "ref", "cell"}  # unset ones left out


def test_the_workshop_answer_is_as_the_readme_says(workshop: Workshop) -> None:
    owner = workshop.server.get(f"/api/workshops/{workshop.id}", workshop.facilitator_token).json()
    resident = workshop.server.get(f"/api/workshops/{workshop.id}", workshop.token("Amina")).json()
    assert set(owner) == {
        "id",
        "title",
        "neighbourhood",
        "date",
        "boards",
        "participants",
        "you",
        "join_code",
        "join_code_display",
        "joining",
    }
    assert set(resident) == {"id", "title", "neighbourhood", "date", "boards", "participants", "you"}
    for answer in (owner, resident):
        assert set(answer["you"]) == {"participant", "alias", "role", "colour"}
        assert {frozenset(p) for p in answer["participants"]} == {
            frozenset({"id", "alias", "colour", "role"})
        }
        assert set(answer["boards"][0]) == {"id", "kind", "title", "websocket"}


async def test_malformed_frames_do_not_push_the_hello_deadline_back(sqlite_url: str, tmp_path: Path) -> None:
    """The hello deadline is one deadline from the upgrade: a frame every so often (answered with its error)
    does not keep an ungreeted socket open."""
    server = ServerProcess(sqlite_url, log_path=tmp_path / "server.log", env={"FRESQUE_HELLO_TIMEOUT": "2"})
    server.start()
    try:
        rude = Workshop.create(server).client("Amina")
        await rude.open()
        started = time.monotonic()
        with pytest.raises(websockets.exceptions.ConnectionClosed) as closed:
            while time.monotonic() - started < 6:
                await rude.send_raw("{not json")
                assert (await rude.expect("error", timeout=3))["code"] == "malformed_json"
                await asyncio.sleep(0.5)
            await rude.expect("welcome", timeout=1)  # never: the socket must have been closed by now
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 4001
        assert time.monotonic() - started < 3.5
    finally:
        server.stop()


async def test_an_import_answers_a_new_board_that_starts_at_seq_0(workshop: Workshop) -> None:
    """What the README says of `POST /api/boards/import`: 201 with the new board (a new id), its history
    starting again at `seq` 0 (the export's `board.seq` is not kept), the document's ids kept."""
    facilitator = workshop.client()
    await facilitator.connect()
    act, sol = new_item_id("act"), new_item_id("sol")
    for ops in ([activity(act)], [solution(sol)], [{"op": "item.update", "id": act, "set": {"x": 42}}]):
        assert (await facilitator.commit(ops))["type"] == "ack"
    await facilitator.close()
    document = workshop.export()
    assert document["board"]["seq"] == 3
    response = workshop.server.post("/api/boards/import", document, workshop.facilitator_token)
    assert response.status_code == 201, response.text
    board = response.json()
    assert set(board) == {"id", "kind", "title", "websocket"} and board["id"] != workshop.board_id
    assert (board["kind"], board["websocket"]) == ("exploration", f"/ws/boards/{board['id']}")
    welcome = await workshop.client(board_id=board["id"]).connect()
    assert (welcome["seq"], welcome["resync"]) == (0, "snapshot")
    assert {i["id"] for i in welcome["snapshot"]["items"]} == {act, sol}
