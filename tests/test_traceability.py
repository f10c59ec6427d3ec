"""Traceability over HTTP, against a real `fresque serve` (SQLite and PostgreSQL): the workshop's solutions
ranked by votes (hidden votes left out for participants), the chain behind each solution an action links to,
and the actions answering each solution, with what a participant may not see left out.

The boards are built through real ops on real sockets."""

from __future__ import annotations

from typing import Any

import pytest
from support.client import BoardClient
from support.server import ServerProcess
from support.workshop import Workshop, activity, difficulty, solution, thread

TITLE_A = "Atelier Jas-de-Bouffan"  # the workshop's first board (`ServerProcess.create_workshop`)
TITLE_B = "Atelier Bis"  # sorts before TITLE_A: ties in votes go by board title


class ActionsClient(BoardClient):
    """A socket on an actions board: no exploration replica to keep."""

    def _resync(self, welcome: dict[str, Any]) -> None:
        self.seq = welcome["seq"]

    def _apply(self, ops: list[dict[str, Any]], author: str) -> None:
        return None


def touchpoint(item_id: str, *, ref: str = "caf") -> dict[str, Any]:
    return {"op": "item.create", "id": item_id, "kind": "touchpoint", "x": 200, "y": 300, "ref": ref}


def vote(item_id: str) -> dict[str, Any]:
    return {"op": "vote.add", "item": item_id}


def get(server: ServerProcess, path: str, token: str) -> dict[str, Any]:
    response = server.get(path, token)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def add_board(workshop: Workshop, kind: str, title: str) -> str:
    response = workshop.server.post(
        f"/api/workshops/{workshop.id}/boards", {"kind": kind, "title": title}, workshop.facilitator_token
    )
    assert response.status_code == 201, response.text
    return str(response.json()["id"])


async def ack(client: BoardClient, ops: list[dict[str, Any]]) -> None:
    answer = await client.commit(ops)
    assert answer["type"] == "ack", answer


def ranking(doc: dict[str, Any]) -> list[tuple[str, int | None]]:
    return [(s["item"], s["votes"]) for s in doc["solutions"]]


@pytest.fixture
def workshop(server: ServerProcess) -> Workshop:
    return Workshop.create(server)


async def build(workshop: Workshop) -> tuple[str, BoardClient]:
    """Board A: act1 → tp1 → dif1 → sol1, tp1 → sol1, act3 → dif1; act2 → dif2 → sol2; sol3 alone; sol9
    (to be hidden). Votes: sol2 3, sol1 1, sol3 0. Board B: sol4 with 1 vote. Returns board B's id and the
    facilitator's client on board A."""
    fac, amina, karim = workshop.client(), workshop.client("Amina"), workshop.client("Karim")
    for c in (fac, amina, karim):
        await c.connect()
    await ack(
        fac,
        [
            activity("act-001"),
            activity("act-002", ref="go-to-work", day="tue"),
            activity("act-003", day="wed"),
            touchpoint("tpt-001"),
            difficulty("dif-001"),
            difficulty("dif-002", severity="bloque"),
            solution("sol-001", text="Aide aux démarches"),
            solution("sol-002", text="Un atelier le samedi"),
            solution("sol-003", text="Bus du soir"),
            solution("sol-009", text="Un mot blessant"),
            {
                "op": "item.create",
                "id": "sol-005",
                "kind": "solution",
                "x": 500,
                "y": 400,
                "ref": "public-wifi",
            },
            thread("thr-001", "act-001", "tpt-001"),
            thread("thr-002", "tpt-001", "dif-001"),
            thread("thr-003", "dif-001", "sol-001"),
            thread("thr-004", "tpt-001", "sol-001"),
            thread("thr-005", "act-003", "dif-001"),
            thread("thr-006", "act-002", "dif-002"),
            thread("thr-007", "dif-002", "sol-002"),
        ],
    )
    await ack(amina, [vote("sol-002"), vote("sol-002")])
    await ack(karim, [vote("sol-002"), vote("sol-001")])
    board_b = add_board(workshop, "exploration", TITLE_B)
    fac_b, amina_b = workshop.client(board_id=board_b), workshop.client("Amina", board_id=board_b)
    for c in (fac_b, amina_b):
        await c.connect()
    await ack(fac_b, [solution("sol-004", text="Permanence numérique")])
    await ack(amina_b, [vote("sol-004")])
    for c in (amina, karim, fac_b, amina_b):
        await c.close()
    return board_b, fac


async def test_solutions_are_ranked_by_votes_and_hidden_ones_are_left_out(workshop: Workshop) -> None:
    server = workshop.server
    board_b, fac = await build(workshop)
    path = f"/api/workshops/{workshop.id}/solutions"
    amina_token = workshop.token("Amina")

    listed = get(server, path, amina_token)
    assert ranking(listed) == [
        ("sol-002", 3),
        ("sol-004", 1),
        ("sol-001", 1),
        ("sol-003", 0),
        ("sol-005", 0),
        ("sol-009", 0),
    ]
    first = listed["solutions"][0]
    assert first == {
        "board": workshop.board_id,
        "board_title": TITLE_A,
        "item": "sol-002",
        "text": "Un atelier le samedi",
        "ref": None,
        "label": None,
        "picture_url": None,
        "votes": 3,
        "answered_by": [],
    }
    assert listed["solutions"][1]["board"] == board_b and listed["solutions"][1]["board_title"] == TITLE_B
    pictured = listed["solutions"][4]
    assert pictured["text"] is None and pictured["ref"] == "public-wifi"
    assert (
        pictured["label"]["fr"] == "Wi-Fi public, tiers-lieu"
        and pictured["label"]["en"]
        and pictured["label"]["ar"]
    )
    assert (
        pictured["picture_url"].startswith("/pictograms/")
        and server.get(pictured["picture_url"]).status_code == 200
    )

    # Moderation: a hidden card is not listed to a participant; the facilitator still sees it.
    await ack(fac, [{"op": "item.hide", "id": "sol-009", "hidden": True}])
    assert [s["item"] for s in get(server, path, amina_token)["solutions"]] == [
        "sol-002",
        "sol-004",
        "sol-001",
        "sol-003",
        "sol-005",
    ]
    assert "sol-009" in [s["item"] for s in get(server, path, workshop.facilitator_token)["solutions"]]

    # Hidden votes on board A: a participant gets null there, ranked after every count, by their words.
    await ack(fac, [{"op": "board.update", "votes_hidden": True}])
    hidden = get(server, path, amina_token)
    # by their words: the text, else the French label
    assert ranking(hidden) == [
        ("sol-004", 1),
        ("sol-001", None),
        ("sol-003", None),
        ("sol-002", None),
        ("sol-005", None),
    ]
    facilitating = get(server, path, workshop.facilitator_token)
    assert ranking(facilitating) == ranking(listed)

    # A private round: Karim's new idea is his (and the facilitator's) until the reveal.
    await ack(fac, [{"op": "board.update", "votes_hidden": False, "private": True}])
    karim = workshop.client("Karim")
    await karim.connect()
    await ack(karim, [solution("sol-006", text="Une idée à moi")])
    assert "sol-006" not in [s["item"] for s in get(server, path, amina_token)["solutions"]]
    assert "sol-006" in [s["item"] for s in get(server, path, workshop.token("Karim"))["solutions"]]
    assert "sol-006" in [s["item"] for s in get(server, path, workshop.facilitator_token)["solutions"]]
    for c in (karim, fac):
        await c.close()


async def test_routes_refuse_other_workshops_and_wrong_kinds(workshop: Workshop) -> None:
    server = workshop.server
    other = Workshop.create(server, residents=("Nadia",))
    nadia = other.token("Nadia")
    assert server.get(f"/api/workshops/{workshop.id}/solutions", nadia).status_code == 403
    assert server.get(f"/api/boards/{workshop.board_id}/answers", nadia).status_code == 403
    assert server.get(f"/api/workshops/{workshop.id}/solutions").status_code == 401
    assert server.get("/api/boards/nope/answers", nadia).status_code == 404
    actions = add_board(workshop, "actions", "Plan d'actions")
    assert server.get(f"/api/boards/{actions}/sources", nadia).status_code == 403
    amina = workshop.token("Amina")
    wrong = server.get(f"/api/boards/{workshop.board_id}/sources", amina)
    assert (wrong.status_code, wrong.json()["error"]) == (422, "wrong_board_kind")
    assert server.get(f"/api/boards/{actions}/answers", amina).status_code == 422
    assert get(server, f"/api/boards/{workshop.board_id}/answers", amina) == {"answers": {}}
    assert get(server, f"/api/boards/{actions}/sources", amina) == {"links": []}


async def test_sources_and_answers_follow_the_links_of_actions(workshop: Workshop) -> None:
    server = workshop.server
    board_b, fac = await build(workshop)
    actions = add_board(workshop, "actions", "Plan d'actions")
    planner = ActionsClient(server.ws_url(actions), server.origin, workshop.facilitator_token)
    welcome = await planner.connect()
    assert welcome["board"]["kind"] == "actions" and "actions" in welcome["snapshot"]
    links = [
        {"board": workshop.board_id, "item": "sol-001"},
        {"board": workshop.board_id, "item": "sol-009"},
        {"board": board_b, "item": "sol-004"},
    ]
    await ack(
        planner,
        [
            {
                "op": "action.create",
                "id": "act-000001",
                "lane": "create",
                "start": "2027-01",
                "end": "2027-12",
                "fiche": {"title": "Permanences d'aide aux démarches"},
                "links": links,
            },
            {
                "op": "action.create",
                "id": "act-000002",
                "lane": "continue",
                "start": "2026-04",
                "end": "2026-06",
                "fiche": {"title": "Ateliers du samedi"},
                "links": [{"board": workshop.board_id, "item": "sol-001"}],
            },
        ],
    )
    await ack(fac, [{"op": "item.hide", "id": "sol-009", "hidden": True}])
    amina = workshop.token("Amina")

    sources = get(server, f"/api/boards/{actions}/sources?action=act-000001", amina)["links"]
    assert [(link["item"], link["found"]) for link in sources] == [
        ("sol-001", True),
        ("sol-009", False),
        ("sol-004", True),
    ]
    sol1 = sources[0]
    assert sol1["board_title"] == TITLE_A and sol1["votes"] == 1
    assert sol1["solution"] == {"text": "Aide aux démarches", "ref": None, "label": None, "picture_url": None}
    behind = sol1["behind"]
    assert [a["item"] for a in behind["activities"]] == ["act-001", "act-003"]
    assert behind["activities"][0]["cell"] == {"day": "mon", "slot": None}
    assert behind["activities"][0]["label"]["fr"] and behind["activities"][0]["picture_url"].endswith(".png")
    assert [(d["item"], d["severity"]) for d in behind["difficulties"]] == [("dif-001", "difficile")]
    assert [t["item"] for t in behind["touchpoints"]] == ["tpt-001"]
    assert behind["threads"] == 5
    assert sources[1]["solution"] is None and sources[1]["behind"]["threads"] == 0
    assert sources[2]["board"] == board_b and sources[2]["behind"]["threads"] == 0
    seen_by_fac = get(server, f"/api/boards/{actions}/sources", workshop.facilitator_token)["links"]
    assert [(link["action"], link["item"], link["found"]) for link in seen_by_fac] == [
        ("act-000001", "sol-001", True),
        ("act-000001", "sol-009", True),
        ("act-000001", "sol-004", True),
        ("act-000002", "sol-001", True),
    ]
    missing = server.get(f"/api/boards/{actions}/sources?action=act-nope", amina)
    assert (missing.status_code, missing.json()["error"]) == (404, "action_not_found")

    answers = get(server, f"/api/boards/{workshop.board_id}/answers", amina)["answers"]
    assert answers == {
        "sol-001": [
            {
                "board": actions,
                "action": "act-000002",
                "title": "Ateliers du samedi",
                "lane": "continue",
                "start": "2026-04",
                "end": "2026-06",
            },
            {
                "board": actions,
                "action": "act-000001",
                "title": "Permanences d'aide aux démarches",
                "lane": "create",
                "start": "2027-01",
                "end": "2027-12",
            },
        ]
    }
    assert set(
        get(server, f"/api/boards/{workshop.board_id}/answers", workshop.facilitator_token)["answers"]
    ) == {
        "sol-001",
        "sol-009",
    }
    solutions = get(server, f"/api/workshops/{workshop.id}/solutions", amina)["solutions"]
    by_item = {s["item"]: s["answered_by"] for s in solutions}
    assert by_item["sol-001"] == [
        {"board": actions, "action": "act-000002", "title": "Ateliers du samedi"},
        {"board": actions, "action": "act-000001", "title": "Permanences d'aide aux démarches"},
    ]
    assert by_item["sol-004"] == [
        {"board": actions, "action": "act-000001", "title": "Permanences d'aide aux démarches"}
    ]
    assert by_item["sol-002"] == []
    for c in (planner, fac):
        await c.close()
