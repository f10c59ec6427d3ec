"""The partners' action plan across a study, for the browser tests (issue 13): a study of two
neighbourhoods' workshops with the residents' ideas (support.study_partners), the partners' action board
with ACTION linking an idea of each, and the team's two questions de travail (ACTION answers one of them
when asked to)."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from .server import ServerProcess
from .study_partners import ActionsClient, PartnersStudy, ack, make_partners_study, seed_ideas

ACTION = "act-both01"


def partners_plan(
    app: ServerProcess, answering: int | None = None
) -> tuple[PartnersStudy, str, list[dict[str, Any]]]:
    """(the study, the partners' action board, the questions as the server made them); ACTION answers the
    question `answering` (an index) when given. Built in a thread of its own: Playwright's sync API holds this
    thread's event loop, and the scene's clients are async."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _plan(app, answering)).result()


async def _plan(app: ServerProcess, answering: int | None) -> tuple[PartnersStudy, str, list[dict[str, Any]]]:
    study = await make_partners_study(app)
    await seed_ideas(study)
    board = study.add_board(study.partners, "actions", "Plan d'actions")
    client = ActionsClient(app.ws_url(board), app.origin, study.partners.facilitator_token)
    await client.connect()
    try:
        await ack(
            client,
            [
                {
                    "op": "action.create",
                    "id": ACTION,
                    "lane": "create",
                    "start": "2026-01",
                    "end": "2026-06",
                    "fiche": {"title": "Permanence numérique dans les deux quartiers"},
                    "links": [
                        {"board": study.north.board_id, "item": "sol-north1"},
                        {"board": study.south.board_id, "item": "sol-south1"},
                    ],
                }
            ],
        )
    finally:
        await client.close()
    base = f"/api/studies/{study.study_id}/questions"
    made = []
    for finding, text in [
        (
            {
                "kind": "heatmap",
                "activity": "shopping",
                "severity": "bloque",
                "neighbourhood": study.neighbourhoods["Encagnane"],
            },
            "Comment accompagner les courses en ligne des personnes bloquées ?",
        ),
        (
            {"kind": "idea", "board": study.south.board_id, "item": "sol-south1"},
            "Où et quand tenir une permanence numérique ?",
        ),
    ]:
        answer = study.account("POST", base, study.team, {"finding": finding, "question": text})
        assert answer.status_code == 201, answer.text
        made.append(answer.json())
    if answering is not None:  # the action answers that question
        client = ActionsClient(app.ws_url(board), app.origin, study.partners.facilitator_token)
        await client.connect()
        try:
            await ack(client, [{"op": "action.question", "id": ACTION, "question": made[answering]["id"]}])
        finally:
            await client.close()
    return study, board, made
