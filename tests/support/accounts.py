"""Accounts and studies for the study-level tests: an account made straight in the database (as `fresque
admin create-user` does), signing in over HTTP, a browser-like client with the account cookie and the CSRF
token, and a study with its neighbourhoods."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, TypeVar

import httpx
from fresque.accounts import hash_password_now
from fresque.auth import hash_token, new_id, new_token
from fresque.db.store import Store
from fresque.db.studies import StudyStore

from .server import ServerProcess

PASSWORD = "correct horse battery staple"
T = TypeVar("T")


def in_own_thread(coroutine: Coroutine[Any, Any, T]) -> T:
    """Run a coroutine to its end in a thread of its own: a browser test's thread already runs Playwright's
    event loop, and a plain test's may run pytest-asyncio's."""
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, coroutine).result()


async def _make(
    database_url: str, username: str, password: str, *, signed_in: bool
) -> tuple[str, str | None]:
    store = Store.from_url(database_url)
    try:
        studies = StudyStore(store)
        account_id = new_id()
        await studies.create_account(account_id, username, hash_password_now(password))
        if not signed_in:
            return account_id, None
        token = new_token()
        await studies.add_account_session(account_id, hash_token(token))
        return account_id, token
    finally:
        await store.close()


def make_account(server: ServerProcess, username: str, password: str = PASSWORD) -> str:
    """An account made as `fresque admin create-user` makes it (its id)."""
    return in_own_thread(_make(server.database_url, username, password, signed_in=False))[0]


def account_with_session(server: ServerProcess, username: str, password: str = PASSWORD) -> tuple[str, str]:
    """An account and a live session's token, stored as signing in stores them (no argon2 check, no HTTP):
    (account id, token)."""
    account_id, token = in_own_thread(_make(server.database_url, username, password, signed_in=True))
    assert token is not None
    return account_id, token


@dataclass
class Member:
    """A signed-in account: its Bearer token, and the cookie + CSRF token a page of it would have."""

    server: ServerProcess
    account_id: str
    username: str
    token: str
    csrf: str

    def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}

    def get(self, path: str) -> httpx.Response:
        return httpx.get(self.server.base_url + path, headers=self.bearer(), timeout=30)

    def send(self, method: str, path: str, json: Any = None) -> httpx.Response:
        return httpx.request(
            method, self.server.base_url + path, json=json, headers=self.bearer(), timeout=30
        )

    def browser(self) -> httpx.Client:
        """A page of this origin: the account cookie; writes must add Origin and the CSRF token."""
        client = httpx.Client(base_url=self.server.base_url, timeout=30)
        client.cookies.set("fresque_account", self.token)
        return client

    def page_headers(self) -> dict[str, str]:
        return {"Origin": self.server.origin, "X-Fresque-CSRF": self.csrf}


def sign_in(server: ServerProcess, username: str, password: str = PASSWORD) -> Member:
    answer = httpx.post(
        server.base_url + "/api/account/sign-in",
        json={"username": username, "password": password},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    return Member(server, body["account"]["id"], body["account"]["username"], body["token"], body["csrf"])


def new_member(server: ServerProcess, username: str) -> Member:
    make_account(server, username)
    return sign_in(server, username)


STUDY = {
    "title": "Inclusion numérique 2026",
    "territory": "Aix-en-Provence",
    "period_start": "2026-01-15",
    "period_end": "2026-06-30",
    "neighbourhoods": [
        {"name": "Jas-de-Bouffan", "qpv_code": "QN01301M"},
        {"name": "Encagnane", "qpv_code": "QN01302M"},
        {"name": "Corsy"},
    ],
}


def make_study(member: Member, **changes: Any) -> dict[str, Any]:
    made = member.send("POST", "/api/studies", {**STUDY, **changes})
    assert made.status_code == 201, made.text
    data: dict[str, Any] = made.json()
    return data
