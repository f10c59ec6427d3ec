"""Accounts and studies for the study-level tests: an account made straight in the database (as `fresque
admin create-user` does), signing in over HTTP, a browser-like client with the account cookie and the CSRF
token, and a study with its neighbourhoods."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx
from fresque.accounts import hash_password_now
from fresque.auth import new_id
from fresque.db.store import Store
from fresque.db.studies import StudyStore

from .server import ServerProcess

PASSWORD = "correct horse battery staple"


async def _make(database_url: str, username: str, password: str) -> str:
    store = Store.from_url(database_url)
    try:
        account_id = new_id()
        await StudyStore(store).create_account(account_id, username, hash_password_now(password))
        return account_id
    finally:
        await store.close()


def make_account(server: ServerProcess, username: str, password: str = PASSWORD) -> str:
    # in a thread of its own: a browser test's thread already runs Playwright's event loop
    with ThreadPoolExecutor(max_workers=1) as worker:
        return worker.submit(asyncio.run, _make(server.database_url, username, password)).result()


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
