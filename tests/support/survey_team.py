"""A study's team for the street-survey tests: accounts made and signed in through the stores (there is no
route that makes an account but an invite), the study itself through `POST /api/studies`."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from fresque.accounts import hash_password_now
from fresque.auth import hash_token, new_id, new_token
from fresque.db.store import Store
from fresque.db.studies import StudyStore

from .server import ServerProcess

PASSWORD = "un mot de passe assez long"
T = TypeVar("T")


@dataclass
class Member:
    id: str
    username: str
    token: str  # a live account session's token (Bearer, or the `fresque_account` cookie)

    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def _member(database_url: str, username: str) -> Member:
    store = Store.from_url(database_url)
    try:
        studies = StudyStore(store)
        account_id, token = new_id(), new_token()
        await studies.create_account(account_id, username, hash_password_now(PASSWORD))
        await studies.add_account_session(account_id, hash_token(token))
        return Member(account_id, username, token)
    finally:
        await store.close()


def _run(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine in its own thread: a browser test's thread already runs Playwright's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(lambda: asyncio.run(make())).result()


def make_member(server: ServerProcess, username: str) -> Member:
    return _run(lambda: _member(server.database_url, username))


def add_to_team(server: ServerProcess, study_id: str, member: Member) -> None:
    async def run() -> None:
        store = Store.from_url(server.database_url)
        try:
            await StudyStore(store).add_member(study_id, member.id, "member")
        finally:
            await store.close()

    _run(run)


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
