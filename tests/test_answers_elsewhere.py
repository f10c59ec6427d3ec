"""« → n actions » on a resident's idea counts the partners' actions too (issue 13's leftover).

In a study, the partners' workshop is another workshop of the study: its action fresco answers the residents'
ideas of every neighbourhood's workshop. A resident's board (`GET /api/boards/{exploration}/answers`) and the
solutions list (`GET /api/workshops/{id}/solutions`) count those actions, but tell nothing else of them
(titles, ids, periods are the partners' workshop's own); their own workshop's actions are described as before.
A workshop on its own answers exactly as before. Against a real `fresque serve` on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from support.server import ServerProcess
from support.study_partners import PartnersStudy, ack, make_partners_study, seed_ideas
from test_study_partners import actions_client, create, outsider_plan

PARTNERS_TITLE = "Permanence dans les deux quartiers"  # test_study_partners.create's fiche title


@pytest.fixture
async def study(server: ServerProcess) -> PartnersStudy:
    made = await make_partners_study(server)
    await seed_ideas(made)
    return made


async def test_a_residents_idea_counts_the_partners_actions_and_learns_nothing_else(
    study: PartnersStudy,
) -> None:
    server = study.server
    north, south = study.north.board_id, study.south.board_id
    partners_board = study.add_board(study.partners, "actions", "Plan des partenaires")
    client = actions_client(study, partners_board, "Léa")
    await client.connect()
    try:
        await ack(client, [create("act-both01", [(north, "sol-north1"), (south, "sol-south1")])])
        await ack(client, [create("act-north2", [(north, "sol-north1")])])
    finally:
        await client.close()
    # The north workshop's own action fresco answers the same idea.
    own_board = study.add_board(study.north, "actions", "Notre plan")
    own = study.north.client(board_id=own_board)
    await own.connect()
    try:
        await ack(
            own, [{**create("act-own001", [(north, "sol-north1")]), "fiche": {"title": "Notre atelier"}}]
        )
    finally:
        await own.close()

    amina = study.north.token("Amina")
    answered = server.get(f"/api/boards/{north}/answers", amina)
    assert answered.status_code == 200, answered.text
    data = answered.json()
    assert [a["action"] for a in data["answers"]["sol-north1"]] == ["act-own001"]
    assert data["answers"]["sol-north1"][0]["title"] == "Notre atelier"
    assert data["elsewhere"] == {"sol-north1": 2}  # both partners' actions, counted
    for secret in (PARTNERS_TITLE, "act-both01", "act-north2", partners_board):
        assert secret not in answered.text, secret

    nadia = server.get(f"/api/boards/{south}/answers", study.south.token("Nadia"))
    assert nadia.json() == {"answers": {}, "elsewhere": {"sol-south1": 1}}

    # The solutions list of a residents' workshop: its own actions named, the partners' only counted.
    listed = server.get(f"/api/workshops/{study.north.id}/solutions", amina)
    by_item = {s["item"]: s for s in listed.json()["solutions"]}
    assert [a["action"] for a in by_item["sol-north1"]["answered_by"]] == ["act-own001"]
    assert by_item["sol-north1"]["answered_elsewhere"] == 2
    assert by_item["sol-south1"]["answered_by"] == [] and by_item["sol-south1"]["answered_elsewhere"] == 1
    assert PARTNERS_TITLE not in listed.text and "act-both01" not in listed.text

    # The partners' own view is unchanged: their actions, named; the north's own one only counted.
    lea = server.get(f"/api/workshops/{study.partners.id}/solutions", study.partners.token("Léa")).json()
    north_idea = next(s for s in lea["solutions"] if s["item"] == "sol-north1")
    assert sorted(a["action"] for a in north_idea["answered_by"]) == ["act-both01", "act-north2"]
    assert north_idea["answered_elsewhere"] == 1 and "Notre atelier" not in str(lea)

    # A hidden idea is not counted either (no badge for what the board does not show).
    fac_n = study.north.client()
    await fac_n.connect()
    await ack(fac_n, [{"op": "item.hide", "id": "sol-north1", "hidden": True}])
    await fac_n.close()
    assert server.get(f"/api/boards/{north}/answers", amina).json() == {"answers": {}, "elsewhere": {}}


async def test_a_workshop_on_its_own_answers_as_before(study: PartnersStudy) -> None:
    outsider = study.outsider
    await outsider_plan(study)
    answered = study.server.get(f"/api/boards/{outsider.board_id}/answers", outsider.token("Omar")).json()
    assert set(answered) == {"answers"}
    assert [a["action"] for a in answered["answers"]["sol-out1"]] == ["act-out001"]
    listed = study.server.get(f"/api/workshops/{outsider.id}/solutions", outsider.token("Omar")).json()
    assert "answered_elsewhere" not in listed["solutions"][0]
