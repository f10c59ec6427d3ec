"""The partners' workshop across a study, and the questions de travail (issue 13), against a real `fresque
serve` on SQLite and PostgreSQL.

A study with two residents' workshops in two neighbourhoods and a partners' workshop (tests/support/
study_partners.py): the partners' actions board lists and links the solutions of both residents' workshops,
never a workshop outside the study nor a hidden card; the fiche's sources say which neighbourhoods and how
many residents are behind an action; export → import keeps those links (and drops them outside the study);
the team writes questions de travail (CRUD, order, 404 for anyone else), the partners read them and say which
one an action answers (unknown ids refused live and on import)."""

from __future__ import annotations

from typing import Any

import pytest
from support.server import ServerProcess
from support.study_partners import ActionsClient, PartnersStudy, ack, make_partners_study, seed_ideas


def get(server: ServerProcess, path: str, token: str) -> dict[str, Any]:
    response = server.get(path, token)
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


@pytest.fixture
async def study(server: ServerProcess) -> PartnersStudy:
    made = await make_partners_study(server)
    await seed_ideas(made)
    return made


def actions_client(study: PartnersStudy, board: str, alias: str | None = None) -> ActionsClient:
    workshop = study.partners
    token = workshop.facilitator_token if alias is None else workshop.token(alias)
    return ActionsClient(study.server.ws_url(board), study.server.origin, token)


def create(action_id: str, links: list[tuple[str, str]], **extra: Any) -> dict[str, Any]:
    return {
        "op": "action.create",
        "id": action_id,
        "lane": "create",
        "start": "2026-01",
        "end": "2026-06",
        "fiche": {"title": "Permanence dans les deux quartiers"},
        "links": [{"board": b, "item": i} for b, i in links],
        **extra,
    }


async def outsider_plan(study: PartnersStudy) -> str:
    """The workshop outside the study gets its own action fresco, whose action `act-out001` links its own
    residents' idea `sol-out1`: the case that must work as before studies existed. Returns the board's id."""
    outsider = study.outsider
    board = study.add_board(outsider, "actions", "Plan")
    client = outsider.client(board_id=board)
    await client.connect()
    try:
        await ack(client, [create("act-out001", [(outsider.board_id, "sol-out1")])])
    finally:
        await client.close()
    return board


async def test_the_partners_link_solutions_of_the_whole_study_and_no_further(study: PartnersStudy) -> None:
    server = study.server
    north, south, outsider = study.north.board_id, study.south.board_id, study.outsider.board_id
    lea = study.partners.token("Léa")

    # « À partir des idées des habitants »: both residents' workshops, with their neighbourhood and votes.
    listed = get(server, f"/api/workshops/{study.partners.id}/solutions", lea)["solutions"]
    assert [(s["item"], s["votes"], s["neighbourhood"]["name"]) for s in listed] == [
        ("sol-north1", 2, "Jas-de-Bouffan"),
        ("sol-south1", 1, "Encagnane"),
    ]
    assert listed[0]["workshop"] == {"id": study.north.id, "title": study.north.data["workshop"]["title"]}
    assert listed[0]["board"] == north and listed[1]["board"] == south

    board = study.add_board(study.partners, "actions", "Plan d'actions")
    client = actions_client(study, board, "Léa")
    await client.connect()
    try:
        await ack(client, [create("act-both01", [(north, "sol-north1"), (south, "sol-south1")])])
        # Out of the study, or hidden by its workshop's facilitator: refused, as another workshop's board is.
        refused = await client.commit(
            [{"op": "action.link", "id": "act-both01", "board": outsider, "item": "sol-out1"}]
        )
        assert (refused["type"], refused["code"]) == ("reject", "link_board_unknown")
        hidden = await client.commit(
            [{"op": "action.link", "id": "act-both01", "board": north, "item": "sol-hidden"}]
        )
        assert (hidden["type"], hidden["code"]) == ("reject", "link_item_unknown")
    finally:
        await client.close()

    # The fiche: which neighbourhoods, how many residents (authors and voters, distinct) are behind it.
    sources = get(server, f"/api/boards/{board}/sources?action=act-both01", lea)
    assert [(link["item"], link["found"], link["neighbourhood"]["name"]) for link in sources["links"]] == [
        ("sol-north1", True, "Jas-de-Bouffan"),
        ("sol-south1", True, "Encagnane"),
    ]
    assert sources["links"][0]["solution"]["text"] == "Aide aux démarches"
    behind = sources["behind_actions"]["act-both01"]
    assert [n["name"] for n in behind["neighbourhoods"]] == ["Jas-de-Bouffan", "Encagnane"]
    assert (behind["residents"], behind["workshops"], behind["votes_hidden"]) == (4, 2, False)
    # The solution now says which action answers it.
    again = get(server, f"/api/workshops/{study.partners.id}/solutions", lea)["solutions"]
    assert again[0]["answered_by"] == [
        {"board": board, "action": "act-both01", "title": "Permanence dans les deux quartiers"}
    ]

    # Votes hidden on the south board: hidden from the partners too, and its voters are not counted.
    fac_s = study.south.client()
    await fac_s.connect()
    await ack(fac_s, [{"op": "board.update", "votes_hidden": True}])
    await fac_s.close()
    hidden_votes = get(server, f"/api/workshops/{study.partners.id}/solutions", lea)["solutions"]
    assert {s["item"]: s["votes"] for s in hidden_votes} == {"sol-north1": 2, "sol-south1": None}
    partner_fac = get(
        server, f"/api/workshops/{study.partners.id}/solutions", study.partners.facilitator_token
    )
    assert {s["item"]: s["votes"] for s in partner_fac["solutions"]}["sol-south1"] is None  # not their board
    behind = get(server, f"/api/boards/{board}/sources", lea)["behind_actions"]["act-both01"]
    assert (behind["residents"], behind["votes_hidden"]) == (3, True)  # Amina, Karim; Nadia (author)

    # Export → import keeps the links, in the study; outside it they are dropped.
    document = study.partners.export(board)
    assert [(lk["board"], lk["item"], lk["label"]) for lk in document["actions"][0]["links"]] == [
        (north, "sol-north1", "Aide aux démarches"),
        (south, "sol-south1", "Permanence numérique"),
    ]
    imported = server.post("/api/boards/import", document, study.partners.facilitator_token)
    assert imported.status_code == 201, imported.text
    back = study.partners.export(imported.json()["id"])
    assert back["actions"][0]["links"] == document["actions"][0]["links"]
    elsewhere = server.post("/api/boards/import", document, study.outsider.facilitator_token)
    assert elsewhere.status_code == 201, elsewhere.text
    assert study.outsider.export(elsewhere.json()["id"])["actions"][0]["links"] == []

    # A residents' workshop of the study reaches the others too; the outsider reaches only itself.
    amina = get(server, f"/api/workshops/{study.north.id}/solutions", study.north.token("Amina"))["solutions"]
    assert {s["item"] for s in amina} == {"sol-north1", "sol-south1"}
    omar = get(server, f"/api/workshops/{study.outsider.id}/solutions", study.outsider.token("Omar"))
    assert [s["item"] for s in omar["solutions"]] == ["sol-out1"]
    assert "neighbourhood" not in omar["solutions"][0]  # a workshop on its own answers as before


def heatmap(study: PartnersStudy, **extra: Any) -> dict[str, Any]:
    return {
        "kind": "heatmap",
        "activity": "shopping",
        "severity": "bloque",
        "neighbourhood": study.neighbourhoods["Encagnane"],
        **extra,
    }


async def test_questions_de_travail_are_the_teams_and_the_partners_answer_them(study: PartnersStudy) -> None:
    server = study.server
    base = f"/api/studies/{study.study_id}/questions"
    team, stranger = study.team, study.stranger

    first = study.account(
        "POST",
        base,
        team,
        {
            "finding": heatmap(study, note="9 habitants"),
            "question": "Comment accompagner les courses en ligne ?",
        },
    )
    assert first.status_code == 201, first.text
    q1 = first.json()
    assert q1["finding"] == heatmap(study, note="9 habitants") and q1["position"] == 0
    assert q1["about"]["label"]["fr"] and q1["about"]["neighbourhood"]["name"] == "Encagnane"
    service = study.account(
        "POST",
        base,
        team,
        {
            "finding": {"kind": "service", "service": "caf", "neighbourhood": None},
            "question": "Qui aide pour la CAF ?",
        },
    )
    assert service.status_code == 201, service.text
    idea = study.account(
        "POST",
        base,
        team,
        {
            "finding": {"kind": "idea", "board": study.south.board_id, "item": "sol-south1"},
            "question": "Où tenir une permanence ?",
        },
    )
    assert idea.status_code == 201, idea.text
    assert idea.json()["about"]["text"] == "Permanence numérique"
    assert idea.json()["about"]["neighbourhood"]["name"] == "Encagnane"
    q2, q3 = service.json(), idea.json()

    # What may not be pinned.
    for finding, code in [
        ({"kind": "idea", "board": study.outsider.board_id, "item": "sol-out1"}, "unknown_idea"),
        ({"kind": "idea", "board": study.north.board_id, "item": "sol-hidden"}, "unknown_idea"),
        ({"kind": "heatmap", "activity": "no-such-thing"}, "unknown_activity"),
        (heatmap(study, severity="terrible"), "unknown_severity"),
        (heatmap(study, neighbourhood="elsewhere"), "unknown_neighbourhood"),
        ({"kind": "service", "service": "shopping"}, "unknown_service"),
        ({"kind": "chart"}, "invalid_finding"),
        (heatmap(study, colour="red"), "invalid_finding"),
    ]:
        refused = study.account("POST", base, team, {"finding": finding, "question": "?"})
        assert (refused.status_code, refused.json()["error"]) == (422, code), finding
    empty = study.account("POST", base, team, {"finding": heatmap(study), "question": "   "})
    assert (empty.status_code, empty.json()["error"]) == (422, "text_required")

    # Edit, reorder, list.
    edited = study.account("PATCH", f"{base}/{q2['id']}", team, {"question": "Qui aide pour la CAF, et où ?"})
    assert edited.status_code == 200 and edited.json()["question"] == "Qui aide pour la CAF, et où ?"
    order = [q3["id"], q1["id"], q2["id"]]
    assert study.account("PUT", f"{base}/order", team, {"ids": order}).status_code == 200
    assert [q["id"] for q in study.account("GET", base, team).json()["questions"]] == order
    bad = study.account("PUT", f"{base}/order", team, {"ids": order[:2]})
    assert (bad.status_code, bad.json()["error"]) == (422, "invalid_order")

    # Anyone but the team: 404, as for no such study; no account: 401.
    for method, path, body in [
        ("GET", base, None),
        ("POST", base, {"finding": heatmap(study), "question": "?"}),
        ("PATCH", f"{base}/{q1['id']}", {"question": "?"}),
        ("PUT", f"{base}/order", {"ids": order}),
        ("DELETE", f"{base}/{q1['id']}", None),
        ("GET", f"/api/studies/{study.study_id}/ideas", None),
    ]:
        answer = study.account(method, path, stranger, body)
        assert (answer.status_code, answer.json()["error"]) == (404, "study_not_found"), (method, path)
    assert server.get(base).status_code == 401
    assert study.account("GET", f"/api/studies/{study.other_study_id}/questions", team).status_code == 404
    ideas = study.account("GET", f"/api/studies/{study.study_id}/ideas", team).json()["ideas"]
    assert [i["item"] for i in ideas] == ["sol-north1", "sol-south1"]

    # The partners read them (any session of a study workshop), read-only; others do not.
    lea = study.partners.token("Léa")
    seen = get(server, f"/api/workshops/{study.partners.id}/questions", lea)
    assert seen["study"]["id"] == study.study_id and [q["id"] for q in seen["questions"]] == order
    assert (
        server.get(f"/api/workshops/{study.partners.id}/questions", study.outsider.token("Omar")).status_code
        == 403
    )
    assert get(server, f"/api/workshops/{study.outsider.id}/questions", study.outsider.token("Omar")) == {
        "study": None,
        "questions": [],
    }
    partner_write = server.post(base, {"finding": heatmap(study), "question": "?"}, lea)
    assert partner_write.status_code == 401  # a workshop session is no account

    # An action says which question it answers; an unknown one is refused.
    board = study.add_board(study.partners, "actions", "Plan d'actions")
    client = actions_client(study, board, "Léa")
    await client.connect()
    try:
        await ack(client, [create("act-q00001", [(study.north.board_id, "sol-north1")], question=q1["id"])])
        await ack(client, [create("act-q00002", [])])
        await ack(client, [{"op": "action.question", "id": "act-q00002", "question": q3["id"]}])
        unknown = await client.commit(
            [{"op": "action.question", "id": "act-q00002", "question": "no-such-question"}]
        )
        assert (unknown["type"], unknown["code"]) == ("reject", "unknown_question")
        await ack(client, [{"op": "action.question", "id": "act-q00002", "question": None}])
        await ack(client, [{"op": "action.question", "id": "act-q00002", "question": q3["id"]}])
    finally:
        await client.close()
    answered = get(server, f"/api/workshops/{study.partners.id}/questions", lea)["questions"]
    assert {q["id"]: [a["action"] for a in q["answered_by"]] for q in answered} == {
        q3["id"]: ["act-q00002"],
        q1["id"]: ["act-q00001"],
        q2["id"]: [],
    }

    # Exported and imported with the actions; into a workshop outside the study: refused whole.
    document = study.partners.export(board)
    assert {a["id"]: a.get("question") for a in document["actions"]} == {
        "act-q00001": q1["id"],
        "act-q00002": q3["id"],
    }
    imported = server.post("/api/boards/import", document, study.partners.facilitator_token)
    assert imported.status_code == 201, imported.text
    back = study.partners.export(imported.json()["id"])
    assert {a["id"]: a.get("question") for a in back["actions"]} == {
        "act-q00001": q1["id"],
        "act-q00002": q3["id"],
    }
    elsewhere = server.post("/api/boards/import", document, study.outsider.facilitator_token)
    assert (elsewhere.status_code, elsewhere.json()["error"]) == (422, "unknown_question")

    # Deleting a question: the team only; the action keeps its id, the list no longer names it.
    assert study.account("DELETE", f"{base}/{q3['id']}", team).status_code == 204
    assert study.account("DELETE", f"{base}/{q3['id']}", team).status_code == 404
    left = get(server, f"/api/workshops/{study.partners.id}/questions", lea)["questions"]
    assert [q["id"] for q in left] == [q1["id"], q2["id"]]
