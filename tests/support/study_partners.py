"""A study for the partners' workshop tests (issue 13, helper e): two residents' workshops in two
neighbourhoods and a partners' workshop, made through the API, attached to a study through `StudyStore`
(the study's own routes are another part's), with an account of its team and one of another study's team.

Used by tests/test_study_partners.py and tests/browser/test_study_partners_e2e.py.
"""

from __future__ import annotations

import json
import secrets
from dataclasses import dataclass, field
from typing import Any

import httpx
from fresque.auth import hash_token, new_id
from fresque.db.store import Store
from fresque.db.studies import StudyStore
from fresque.survey.questionnaire import default_questionnaire

from .client import BoardClient
from .server import ServerProcess
from .workshop import Workshop, solution


class ActionsClient(BoardClient):
    """A socket on an actions board: no exploration replica to keep."""

    def _resync(self, welcome: dict[str, Any]) -> None:
        self.seq = welcome["seq"]

    def _apply(self, ops: list[dict[str, Any]], author: str) -> None:
        return None


@dataclass
class Team:
    """An account on a study's team, with a live account session (Bearer)."""

    account_id: str
    username: str
    token: str


@dataclass
class PartnersStudy:
    server: ServerProcess
    study_id: str
    neighbourhoods: dict[str, str]  # name → id
    north: Workshop  # residents' workshop in « Jas-de-Bouffan »
    south: Workshop  # residents' workshop in « Encagnane »
    partners: Workshop  # the partners' workshop (no neighbourhood: the territory)
    outsider: Workshop  # a workshop on its own
    team: Team
    stranger: Team  # on another study's team
    other_study_id: str
    extra: dict[str, Any] = field(default_factory=dict)

    def account(self, method: str, path: str, who: Team, json: Any = None) -> httpx.Response:
        return httpx.request(
            method,
            f"{self.server.base_url}{path}",
            json=json,
            headers={"Authorization": f"Bearer {who.token}"},
            timeout=30,
        )

    def add_board(self, workshop: Workshop, kind: str, title: str) -> str:
        response = self.server.post(
            f"/api/workshops/{workshop.id}/boards", {"kind": kind, "title": title}, workshop.facilitator_token
        )
        assert response.status_code == 201, response.text
        return str(response.json()["id"])


async def _team(studies: StudyStore, username: str) -> Team:
    account_id, token = new_id(), secrets.token_urlsafe(32)
    await studies.create_account(account_id, username, "not-a-real-hash")
    await studies.add_account_session(account_id, hash_token(token))
    return Team(account_id, username, token)


async def make_partners_study(server: ServerProcess) -> PartnersStudy:
    north = Workshop.create(server, residents=("Amina", "Karim"))
    south = Workshop.create(server, residents=("Nadia", "Sami"))
    partners = Workshop.create(server, residents=("Léa",))
    outsider = Workshop.create(server, residents=("Omar",))
    store = Store.from_url(server.database_url)
    studies = StudyStore(store)
    try:
        suffix = secrets.token_hex(3)
        team = await _team(studies, f"cheffe-{suffix}")
        stranger = await _team(studies, f"ailleurs-{suffix}")
        study_id, other_id = new_id(), new_id()
        places = {"Jas-de-Bouffan": new_id(), "Encagnane": new_id()}
        body = json.dumps(default_questionnaire())
        await studies.create_study(
            study_id=study_id,
            title="Inclusion numérique Aix 2026",
            territory="Aix-en-Provence",
            period_start="2026-01",
            period_end="2026-12",
            owner_account_id=team.account_id,
            neighbourhoods_=[(nid, name, None) for name, nid in places.items()],
            questionnaire=body,
        )
        await studies.create_study(
            study_id=other_id,
            title="Une autre étude",
            territory="Ailleurs",
            period_start=None,
            period_end=None,
            owner_account_id=stranger.account_id,
            neighbourhoods_=[],
            questionnaire=body,
        )
        await studies.attach_workshop(north.id, study_id, places["Jas-de-Bouffan"])
        await studies.attach_workshop(south.id, study_id, places["Encagnane"])
        await studies.attach_workshop(partners.id, study_id, None)
    finally:
        await store.close()
    return PartnersStudy(server, study_id, places, north, south, partners, outsider, team, stranger, other_id)


async def ack(client: BoardClient, ops: list[dict[str, Any]]) -> dict[str, Any]:
    answer = await client.commit(ops)
    assert answer["type"] == "ack", answer
    return answer


async def seed_ideas(study: PartnersStudy) -> None:
    """North: « Aide aux démarches » (Amina; Amina and Karim vote) and a hidden one; south: « Permanence
    numérique » (Nadia; Sami votes); the outsider: « Bus du soir »."""
    clients: list[BoardClient] = []
    try:
        fac_n, amina, karim = study.north.client(), study.north.client("Amina"), study.north.client("Karim")
        fac_s, nadia, sami = study.south.client(), study.south.client("Nadia"), study.south.client("Sami")
        omar = study.outsider.client("Omar")
        clients = [fac_n, amina, karim, fac_s, nadia, sami, omar]
        for c in clients:
            await c.connect()
        await ack(amina, [solution("sol-north1", text="Aide aux démarches")])
        await ack(fac_n, [solution("sol-hidden", text="Un mot à cacher")])
        await ack(fac_n, [{"op": "item.hide", "id": "sol-hidden", "hidden": True}])
        await ack(amina, [{"op": "vote.add", "item": "sol-north1"}])
        await ack(karim, [{"op": "vote.add", "item": "sol-north1"}])
        await ack(nadia, [solution("sol-south1", text="Permanence numérique")])
        await ack(sami, [{"op": "vote.add", "item": "sol-south1"}])
        await ack(omar, [solution("sol-out1", text="Bus du soir")])
    finally:
        for c in clients:
            await c.close()
