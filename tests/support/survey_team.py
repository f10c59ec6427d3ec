"""A study's team for the street-survey tests: accounts made and signed in through the stores (there is no
route that makes an account but an invite), the study itself through `POST /api/studies`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from fresque.db.store import Store
from fresque.db.studies import StudyStore

from .accounts import account_with_session, in_own_thread
from .server import ServerProcess

PASSWORD = "un mot de passe assez long"


@dataclass
class Member:
    id: str
    username: str
    token: str  # a live account session's token (Bearer, or the `fresque_account` cookie)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def make_member(server: ServerProcess, username: str) -> Member:
    account_id, token = account_with_session(server, username, PASSWORD)
    return Member(account_id, username, token)


def add_to_team(server: ServerProcess, study_id: str, member: Member) -> None:
    async def run() -> None:
        store = Store.from_url(server.database_url)
        try:
            await StudyStore(store).add_member(study_id, member.id, "member")
        finally:
            await store.close()

    in_own_thread(run())


def create_study(
    server: ServerProcess,
    owner: Member,
    neighbourhoods: tuple[str, ...] = ("Jas-de-Bouffan", "Encagnane", "Corsy"),
) -> dict[str, Any]:
    """POST /api/studies: the study's answer (its `study.id`, its `neighbourhoods` with their ids)."""
    response = httpx.post(
        f"{server.base_url}/api/studies",
        json={
            "title": "Fragilité numérique à Aix",
            "territory": "Aix-en-Provence",
            "neighbourhoods": [{"name": name} for name in neighbourhoods],
        },
        headers=owner.headers(),
        timeout=30,
    )
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data
