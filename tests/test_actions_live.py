"""The action fresco over real sockets, against a real `fresque serve` (SQLite and PostgreSQL): stakeholders
place, move and resize cards and write fiches live; links to residents' solutions are checked against the
exploration boards as the sender sees them; phases, the lock and hidden dot votes work as on exploration
boards; each kind of board refuses the other's ops; and the op log replays to the same board after a crash."""

from __future__ import annotations

from typing import Any

import pytest
from support.client import BoardClient
from support.server import ServerProcess
from support.workshop import Workshop, activity, new_item_id, solution


def add_actions_board(workshop: Workshop, title: str = "Plan d'action 2025") -> str:
    response = workshop.server.post(
        f"/api/workshops/{workshop.id}/boards",
        {"kind": "actions", "title": title},
        workshop.facilitator_token,
    )
    assert response.status_code == 201, response.text
    assert response.json()["kind"] == "actions"
    return str(response.json()["id"])


@pytest.fixture
def workshop(server: ServerProcess) -> Workshop:
    return Workshop.create(server)


@pytest.fixture
def board(workshop: Workshop) -> str:
    return add_actions_board(workshop)


def create(action_id: str, **fields: Any) -> dict[str, Any]:
    op: dict[str, Any] = {
        "op": "action.create",
        "id": action_id,
        "lane": "create",
        "start": "2026-02",
        "end": "2026-05",
        "fiche": {"title": "Permanence numérique au centre social"},
    }
    op.update(fields)
    return op


async def connected(workshop: Workshop, board: str, *aliases: str | None) -> list[BoardClient]:
    clients = [workshop.client(alias, board_id=board) for alias in aliases]
    for client in clients:
        await client.connect()
    return clients


def action_of(snapshot: dict[str, Any], action_id: str) -> dict[str, Any]:
    return next(a for a in snapshot["actions"] if a["id"] == action_id)


async def fresh_snapshot(workshop: Workshop, board: str, alias: str | None = None) -> dict[str, Any]:
    client = workshop.client(alias, board_id=board)
    welcome = await client.connect()
    await client.close()
    assert welcome["resync"] == "snapshot"
    snapshot: dict[str, Any] = welcome["snapshot"]
    return snapshot


async def test_stakeholders_place_move_resize_and_write_a_fiche_live(workshop: Workshop, board: str) -> None:
    amina, karim = await connected(workshop, board, "Amina", "Karim")
    assert amina.welcome is not None and amina.welcome["board"]["kind"] == "actions"
    settings = amina.welcome["snapshot"]["settings"]
    assert [lane["id"] for lane in settings["lanes"]] == ["continue", "reinforce", "create"]
    assert settings["timeline"]["scale"] == "quarter" and settings["phase"] is None

    action = new_item_id("act")
    ack = await amina.commit([create(action)])
    assert ack["type"] == "ack"
    seen = await karim.expect("change", seq=1)
    assert seen["ops"][0]["op"] == "action.create"

    # Karim drags it to "À renforcer", a quarter later, then stretches its end; dates snap to quarters.
    ops: list[dict[str, Any]] = [
        {"op": "action.move", "id": action, "lane": "reinforce", "start": "2026-08"},
        {"op": "action.resize", "id": action, "edge": "end", "month": "2027-01"},
        {"op": "action.update", "id": action, "set": {"lead": "ccas", "budget": 12000, "priority": "high"}},
        {"op": "capability.set", "id": action, "series": "today", "axis": "rights", "level": 1},
        {"op": "capability.set", "id": action, "series": "targeted", "axis": "rights", "level": 3},
        {
            "op": "milestone.add",
            "id": action,
            "milestone": "mile-0001",
            "month": "2026-09",
            "label": "Lancement",
        },
    ]
    assert (await karim.commit(ops))["type"] == "ack"
    await amina.expect("change", seq=2)
    for client in (amina, karim):
        assert client.replica is not None
        card = client.replica.to_snapshot()["actions"][0]
        assert (card["lane"], card["start"], card["end"]) == ("reinforce", "2026-07", "2027-03")
        assert card["milestones"] == [{"id": "mile-0001", "month": "2026-09", "label": "Lancement"}]
        assert card["capabilities"] == {"targeted": {"rights": 3}, "today": {"rights": 1}}
        assert (card["fiche"]["lead"], card["fiche"]["budget"]) == ("ccas", 12000)

    # What a newcomer is sent is what both replicas built.
    assert amina.replica is not None
    assert await fresh_snapshot(workshop, board, "Karim") == amina.replica.to_snapshot()
    for client in (amina, karim):
        await client.close()


@pytest.mark.parametrize(
    "ops, code",
    [
        ([create("act-bad001", fiche={"title": "x", "budget": -5})], "fiche_invalid_budget"),
        ([create("act-bad002", fiche={"title": "  "})], "fiche_invalid_title"),
        ([create("act-bad003", start="2040-01", end="2040-03")], "action_outside_timeline"),
        ([create("act-bad004", lane="nowhere")], "unknown_lane"),
        ([create("act-bad005", fiche={"title": "x", "positioning": "create"})], "fiche_unknown_field"),
        (
            [
                create("act-bad006", fiche={"title": "x", "budget": 100}),
                {
                    "op": "action.update",
                    "id": "act-bad006",
                    "set": {"funding": [{"source": "Ville", "amount": 500, "state": "secured"}]},
                },
            ],
            "fiche_funding_over_budget",
        ),
        ([activity("itm-0000001")], "wrong_board"),
        ([{"op": "board.update", "private": True}], "field_not_allowed"),
        ([{"op": "board.update", "phases": ["week"]}], "invalid_phase"),
    ],
)
async def test_bad_changes_are_refused_whole_and_reach_nobody(
    workshop: Workshop, board: str, ops: list[dict[str, Any]], code: str
) -> None:
    fac, karim = await connected(workshop, board, None, "Karim")
    answer = await fac.commit(ops)
    assert (answer["type"], answer["code"]) == ("reject", code), answer
    came = karim.inbox + await karim.drain(0.3)
    assert [m for m in came if m["type"] in ("change", "resync")] == []
    assert await fresh_snapshot(workshop, board) == fac.welcome["snapshot"]  # type: ignore[index]
    for client in (fac, karim):
        await client.close()


async def test_an_exploration_board_refuses_action_ops_and_action_settings(workshop: Workshop) -> None:
    (fac,) = [workshop.client()]
    await fac.connect()
    assert (await fac.commit([create("act-000001")]))["code"] == "wrong_board"
    refused = await fac.commit([{"op": "board.update", "timeline": {"scale": "month"}}])
    assert refused["code"] == "field_not_allowed"
    await fac.close()


async def test_links_name_live_solutions_the_sender_sees_on_this_workshops_exploration_boards(
    workshop: Workshop, board: str, server: ServerProcess
) -> None:
    explorer = workshop.client()
    await explorer.connect()
    idea, hidden_idea, act = new_item_id("sol"), new_item_id("sol"), new_item_id("act")
    assert (await explorer.commit([solution(idea), solution(hidden_idea), activity(act)]))["type"] == "ack"
    assert (await explorer.commit([{"op": "item.hide", "id": hidden_idea, "hidden": True}]))["type"] == "ack"
    await explorer.close()
    other = Workshop.create(server, residents=())
    elsewhere = workshop.board_id

    fac, amina = await connected(workshop, board, None, "Amina")
    linked = create(new_item_id("act"), links=[{"board": elsewhere, "item": idea}])
    assert (await amina.commit([linked]))["type"] == "ack"
    snapshot = await fresh_snapshot(workshop, board)
    assert action_of(snapshot, linked["id"])["links"] == [{"board": elsewhere, "item": idea}]

    cases = [
        ({"board": elsewhere, "item": act}, "link_item_unknown"),  # an activity, not a solution
        ({"board": elsewhere, "item": "sol-missing"}, "link_item_unknown"),
        ({"board": elsewhere, "item": hidden_idea}, "link_item_unknown"),  # hidden by moderation, to her
        ({"board": board, "item": idea}, "link_board_unknown"),  # an action fresco
        ({"board": other.board_id, "item": idea}, "link_board_unknown"),  # another workshop's
    ]
    for target, code in cases:
        answer = await amina.commit([{"op": "action.link", "id": linked["id"], **target}])
        assert (answer["type"], answer.get("code")) == ("reject", code), (target, answer)
        answer = await amina.commit([create(new_item_id("act"), links=[target])])
        assert answer.get("code") == code, (target, answer)
    # The facilitator sees the hidden solution, so may link it.
    answer = await fac.commit(
        [{"op": "action.link", "id": linked["id"], "board": elsewhere, "item": hidden_idea}]
    )
    assert answer["type"] == "ack"
    answer = await amina.commit(
        [{"op": "action.unlink", "id": linked["id"], "board": elsewhere, "item": idea}]
    )
    assert answer["type"] == "ack"
    for client in (fac, amina):
        await client.close()


async def test_phases_lock_and_hidden_dot_votes_on_actions(workshop: Workshop, board: str) -> None:
    fac, amina, karim = await connected(workshop, board, None, "Amina", "Karim")
    first, second = new_item_id("act"), new_item_id("act")
    assert (await amina.commit([create(first), create(second, lane="continue")]))["type"] == "ack"

    assert (await fac.commit([{"op": "board.update", "phase": "fiches"}]))["type"] == "ack"
    refused = await amina.commit([{"op": "action.move", "id": first, "lane": "continue"}])
    assert refused["code"] == "phase_closed"
    assert (await amina.commit([{"op": "action.update", "id": first, "set": {"risks": "Peu de bénévoles"}}]))[
        "type"
    ] == "ack"
    assert (await amina.commit([{"op": "vote.add", "item": first}]))["code"] == "phase_closed"
    assert (await amina.commit([{"op": "board.update", "phase": "vote"}]))["code"] == "forbidden"

    update = {"op": "board.update", "phase": "vote", "votes_hidden": True, "vote_budget": 2}
    assert (await fac.commit([update]))["type"] == "ack"
    assert (await amina.commit([{"op": "action.update", "id": first, "set": {"risks": ""}}]))[
        "code"
    ] == "phase_closed"
    voted = await amina.commit([{"op": "vote.add", "item": first}, {"op": "vote.add", "item": first}])
    assert voted["type"] == "ack"
    assert (await amina.commit([{"op": "vote.add", "item": second}]))["code"] == "vote_budget_exceeded"
    assert (await karim.commit([{"op": "vote.add", "item": second}]))["type"] == "ack"

    # Hidden: Karim is sent Amina's change without its ops; a reconnect shows him only his own dot.
    came = karim.inbox + await karim.drain(0.3)
    karim.inbox.clear()
    hidden = [m for m in came if m["type"] == "change" and m["seq"] == voted["seq"]]
    assert [m["ops"] for m in hidden] == [[]]
    karim_view = await fresh_snapshot(workshop, board, "Karim")
    assert karim_view["votes"] == [{"participant": karim.participant, "item": second, "count": 1}]
    everything = await fresh_snapshot(workshop, board)
    assert {(v["participant"], v["count"]) for v in everything["votes"]} == {
        (amina.participant, 2),
        (karim.participant, 1),
    }

    # The reveal sends everyone their view again, now with every dot.
    assert (await fac.commit([{"op": "board.update", "votes_hidden": False}]))["type"] == "ack"
    resync = await karim.expect("resync")
    assert len(resync["snapshot"]["votes"]) == 2

    assert (await fac.commit([{"op": "board.update", "phase": None, "locked": True}]))["type"] == "ack"
    assert (await amina.commit([{"op": "action.delete", "id": first}]))["code"] == "board_locked"
    assert (await fac.commit([{"op": "action.delete", "id": first}]))["type"] == "ack"  # dots go back
    snapshot = await fresh_snapshot(workshop, board)
    assert snapshot["votes"] == [{"participant": karim.participant, "item": second, "count": 1}]
    for client in (fac, amina, karim):
        await client.close()


async def test_stakeholders_add_publics_and_organisations_but_only_facilitators_reshape_the_board(
    workshop: Workshop, board: str
) -> None:
    fac, amina = await connected(workshop, board, None, "Amina")
    added = {"op": "list.add", "list": "organisations", "id": "amis-du-jas", "label": "Les Amis du Jas"}
    assert (await amina.commit([added]))["type"] == "ack"
    assert (await amina.commit([added]))["code"] == "choice_exists"
    action = new_item_id("act")
    partners = [{"organisation": "amis-du-jas", "role": "Accueil"}]
    assert (await amina.commit([create(action, fiche={"title": "Café numérique", "partners": partners})]))[
        "type"
    ] == "ack"
    timeline = {"op": "board.update", "timeline": {"start": "2025-01", "end": "2030-12", "scale": "semester"}}
    assert (await amina.commit([timeline]))["code"] == "forbidden"
    assert (await fac.commit([timeline]))["type"] == "ack"
    snapshot = await fresh_snapshot(workshop, board)
    assert snapshot["settings"]["timeline"] == {"start": "2025-01", "end": "2030-12", "scale": "semester"}
    card = action_of(snapshot, action)
    assert (card["start"], card["end"]) == ("2026-01", "2026-06")  # re-snapped outward to the semester
    removing = {"op": "board.update", "organisations": [{"id": "caf", "label": None}]}
    assert (await fac.commit([removing]))["code"] == "organisation_in_use"
    for client in (fac, amina):
        await client.close()


async def test_the_op_log_replays_to_the_same_board_after_a_crash(
    workshop: Workshop, board: str, server: ServerProcess
) -> None:
    (fac,) = await connected(workshop, board, None)
    action = new_item_id("act")
    ops = [
        create(action, fiche={"title": "Aidants connect", "status": "validated"}),
        {"op": "action.move", "id": action, "start": "2026-10"},
        {"op": "capability.set", "id": action, "series": "targeted", "axis": "health", "level": 4},
        {"op": "vote.add", "item": action},
    ]
    assert (await fac.commit(ops))["type"] == "ack"
    assert (await fac.commit([{"op": "timer.set", "action": "start", "seconds": 600}]))["type"] == "ack"
    assert fac.replica is not None
    before = fac.replica.to_snapshot()
    server.kill()  # no snapshot saved: the next opening replays the log
    server.start(migrate=False)
    assert await fresh_snapshot(workshop, board) == before
