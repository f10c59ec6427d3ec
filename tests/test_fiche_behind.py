"""« Derrière cette action » on the printed fiche (issue 13's leftover): one rule, `fresque.behind`, for the
fiche on screen (`GET /api/boards/{id}/sources`) and the printed one (`/boards/{id}/actions/{a}/print`).

Against a real `fresque serve` on SQLite and PostgreSQL: a study with two residents' workshops in two
neighbourhoods and a partners' workshop (tests/support/study_partners.py). The printed fiche of an action
linking an idea of each names both neighbourhoods, as many residents as the route counts, each idea with its
neighbourhood, and the question de travail the action answers (its « Q » number in the team's order), in
fr, en and ar; hidden votes print fewer residents and say so; a deleted question is said deleted; a workshop
on its own prints its linked ideas as before, with nothing of a study."""

from __future__ import annotations

from typing import Any

import pytest
from fresque.api.board_exports import Labeller
from fresque.core.action_settings import default_settings
from fresque.print_pages import behind_view, question_view
from support.server import ServerProcess
from support.study_partners import PartnersStudy, ack, make_partners_study, seed_ideas
from test_print_pages import text_of
from test_study_partners import actions_client, create, outsider_plan


@pytest.fixture
async def study(server: ServerProcess) -> PartnersStudy:
    made = await make_partners_study(server)
    await seed_ideas(made)
    return made


def add_question(study: PartnersStudy, question: str) -> str:
    answer = study.account(
        "POST",
        f"/api/studies/{study.study_id}/questions",
        study.team,
        {"finding": {"kind": "service", "service": "caf", "neighbourhood": None}, "question": question},
    )
    assert answer.status_code == 201, answer.text
    return str(answer.json()["id"])


def printed(study: PartnersStudy, board: str, action: str, token: str, lang: str = "fr") -> str:
    page = study.server.get(f"/boards/{board}/actions/{action}/print?lang={lang}", token)
    assert page.status_code == 200, page.text
    return text_of(page.text)


async def test_the_printed_fiche_says_who_is_behind_the_action_and_its_question(study: PartnersStudy) -> None:
    server = study.server
    north, south = study.north.board_id, study.south.board_id
    lea = study.partners.token("Léa")
    add_question(study, "Qui aide pour la CAF ?")
    q2 = add_question(study, "Où tenir une permanence de quartier ?")

    board = study.add_board(study.partners, "actions", "Plan d'actions")
    client = actions_client(study, board, "Léa")
    await client.connect()
    try:
        await ack(client, [create("act-both01", [(north, "sol-north1"), (south, "sol-south1")], question=q2)])
        await ack(client, [create("act-none01", [])])
    finally:
        await client.close()

    # The route's figures: the printed fiche must say the same (one function computes both).
    behind = server.get(f"/api/boards/{board}/sources", lea).json()["behind_actions"]["act-both01"]
    assert (behind["residents"], [n["name"] for n in behind["neighbourhoods"]]) == (
        4,
        ["Jas-de-Bouffan", "Encagnane"],
    )

    fr = printed(study, board, "act-both01", lea)
    for expected in (
        "Derrière cette action",
        "Jas-de-Bouffan, Encagnane · 4 habitants",
        "Les idées des habitants dont elle vient",
        "«\u00a0Aide aux démarches\u00a0» — Jas-de-Bouffan",
        "«\u00a0Permanence numérique\u00a0» — Encagnane",
        "Question de travail",
        "Q2 Où tenir une permanence de quartier ?",
    ):
        assert expected in fr, expected
    assert "Solutions proposées par les habitants" not in fr  # the study's block replaces the plain list
    assert "votes encore cachés" not in fr

    en = printed(study, board, "act-both01", lea, "en")
    for expected in (
        "Behind this action",
        "Jas-de-Bouffan, Encagnane · 4 residents",
        "“Aide aux démarches” — Jas-de-Bouffan",
        "Q2 Où tenir une permanence de quartier ?",
    ):
        assert expected in en, expected
    ar = printed(study, board, "act-both01", lea, "ar")
    for expected in (
        "وراء هذا الإجراء",
        "Jas-de-Bouffan, Encagnane · 4 من السكان",
        "«Permanence numérique» — Encagnane",
    ):
        assert expected in ar, expected

    # An action linking nothing: the block still says nobody is behind it yet; no question, no question block.
    empty = printed(study, board, "act-none01", lea)
    assert "Derrière cette action" in empty and "0 habitant" in empty
    assert "Question de travail" not in empty

    # Every fiche at once says the same.
    every = text_of(server.get(f"/boards/{board}/print?fiches=1", lea).text)
    assert every.count("Derrière cette action") == 2 and "Jas-de-Bouffan, Encagnane · 4 habitants" in every

    # Votes hidden on the south board: its voter is not counted, and the fiche says why.
    fac_s = study.south.client()
    await fac_s.connect()
    await ack(fac_s, [{"op": "board.update", "votes_hidden": True}])
    await fac_s.close()
    hidden = printed(study, board, "act-both01", lea)
    assert "Jas-de-Bouffan, Encagnane · 3 habitants (votes encore cachés)" in hidden
    assert (
        server.get(f"/api/boards/{board}/sources", lea).json()["behind_actions"]["act-both01"]["residents"]
        == 3
    )

    # The question deleted by the team: the fiche says so, without its words.
    assert (
        study.account("DELETE", f"/api/studies/{study.study_id}/questions/{q2}", study.team).status_code
        == 204
    )
    gone = printed(study, board, "act-both01", lea)
    assert "Question supprimée" in gone and "Où tenir une permanence" not in gone


async def test_a_hidden_idea_of_another_workshop_is_never_printed(study: PartnersStudy) -> None:
    """Moderated after it was linked: the partners' fiche neither names it nor counts its author."""
    north = study.north.board_id
    board = study.add_board(study.partners, "actions", "Plan d'actions")
    client = actions_client(study, board, "Léa")
    await client.connect()
    try:
        await ack(client, [create("act-north1", [(north, "sol-north1")])])
    finally:
        await client.close()
    lea = study.partners.token("Léa")
    assert "Jas-de-Bouffan · 2 habitants" in printed(study, board, "act-north1", lea)
    fac_n = study.north.client()
    await fac_n.connect()
    await ack(fac_n, [{"op": "item.hide", "id": "sol-north1", "hidden": True}])
    await fac_n.close()
    for token in (lea, study.partners.facilitator_token):  # the partners' facilitator is a stranger there too
        words = printed(study, board, "act-north1", token)
        assert "Aide aux démarches" not in words
        assert "Solution retirée du tableau des habitants" in words
        assert "0 habitant" in words


async def test_a_workshop_on_its_own_prints_its_ideas_as_before(study: PartnersStudy) -> None:
    outsider = study.outsider
    board = await outsider_plan(study)
    words = printed(study, board, "act-out001", outsider.token("Omar"))
    assert "Solutions proposées par les habitants «\u00a0Bus du soir\u00a0»" in words
    assert "Derrière cette action" not in words
    assert not any(f"{n} habitant" in words for n in range(3))  # no count of residents outside a study
    assert "Question de travail" not in words


def test_the_words_of_the_block() -> None:
    words = Labeller(default_settings("Plan", "2026-01", "2026-12"), "fr")
    one: dict[str, Any] = {"neighbourhoods": [{"id": "n", "name": "Encagnane"}], "residents": 1}
    assert behind_view(words, {**one, "votes_hidden": False})["summary"] == "Encagnane · 1 habitant"
    territory = behind_view(words, {"neighbourhoods": [], "residents": 3, "votes_hidden": True})
    assert (territory["summary"], territory["votes_hidden"]) == ("Tout le territoire · 3 habitants", True)
    assert behind_view(words, None)["summary"] == "Tout le territoire · 0 habitant"
    questions = [("q-a", "Première ?"), ("q-b", "Seconde ?")]
    assert question_view("q-b", questions) == {"tag": "Q2", "text": "Seconde ?", "gone": False}
    assert question_view("q-z", questions) == {"tag": "", "text": "", "gone": True}
    assert question_view(None, questions) is None
