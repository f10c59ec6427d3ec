"""A first visit follows the browser's language (issue 11): an Arabic phone opens in Arabic.

`?lang=` first (and the cookie is set), then the `fresque_lang` cookie, then `Accept-Language` by its
weights, then French. The facilitator's default name is said in the language of the page that created the
workshop. In process (the app through httpx's ASGI transport, a fresh SQLite file).
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import httpx
import pytest
from fresque.config import Settings
from fresque.db import migrate
from fresque.i18n import accepted_language, dictionaries


@pytest.mark.parametrize(
    ("header", "chosen"),
    [
        ("ar", "ar"),
        ("ar-MA,ar;q=0.9,fr;q=0.8,en;q=0.7", "ar"),
        ("en;q=0.8", "en"),
        ("EN-gb", "en"),
        ("de-DE,de;q=0.9,en;q=0.5,fr;q=0.7", "fr"),  # German first: not ours; then French by weight
        ("de-DE,de;q=0.9,en;q=0.5,ar;q=0.4", "en"),
        ("fr;q=0,ar", "ar"),  # q=0: "not French"
        ("en;q=0.5,ar;q=0.5", "en"),  # equal weights: the header's order
        ("en;q=oops,ar;q=0.1", "ar"),  # a broken weight counts as none
        ("de", None),
        ("*", None),
        ("", None),
        (None, None),
    ],
)
def test_accept_language_by_weight(header: str | None, chosen: str | None) -> None:
    assert accepted_language(header) == chosen


@asynccontextmanager
async def client_of(tmp_path: Path) -> AsyncIterator[httpx.AsyncClient]:
    from fresque.app import create_app

    url = f"sqlite+aiosqlite:///{tmp_path / 'lang.sqlite3'}"
    await asyncio.to_thread(migrate.upgrade, url)
    app = create_app(Settings(database_url=url, data_dir=tmp_path))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1:8000") as client,
    ):
        yield client


def html_lang(page: httpx.Response) -> tuple[str, str]:
    found = re.search(r'<html lang="(\w+)" dir="(\w+)">', page.text)
    assert found, page.text[:200]
    return found.group(1), found.group(2)


async def test_a_first_visit_follows_the_browser_then_the_cookie_then_the_query(tmp_path: Path) -> None:
    async with client_of(tmp_path) as client:
        arabic_phone = {"Accept-Language": "ar-MA,ar;q=0.9,fr;q=0.6", "Accept": "text/html"}
        first = await client.get("/", headers=arabic_phone)
        assert html_lang(first) == ("ar", "rtl") and "set-cookie" not in first.headers
        assert "Accept-Language" in first.headers["vary"]
        assert html_lang(await client.get("/join", headers={"Accept-Language": "en;q=0.8"})) == ("en", "ltr")
        assert html_lang(await client.get("/", headers={"Accept-Language": "de-DE,de"})) == ("fr", "ltr")
        assert html_lang(await client.get("/")) == ("fr", "ltr")
        # a choice made on the page (the cookie) wins over the browser's
        client.cookies.set("fresque_lang", "en")
        assert html_lang(await client.get("/", headers=arabic_phone)) == ("en", "ltr")
        # and ?lang= wins over both, and becomes the cookie
        asked = await client.get("/", params={"lang": "fr"}, headers=arabic_phone)
        assert html_lang(asked) == ("fr", "ltr") and "fresque_lang=fr" in asked.headers["set-cookie"]


async def test_the_join_link_opens_in_the_phone_s_language(tmp_path: Path) -> None:
    async with client_of(tmp_path) as client:
        created = (await client.post("/api/workshops", json={"title": "Atelier"})).json()
        client.cookies.clear()
        path = "/j/t/" + created["join_link"].rsplit("/", 1)[1]
        page = await client.get(path, headers={"Accept-Language": "ar"})
        assert page.status_code == 200 and html_lang(page) == ("ar", "rtl")


@pytest.mark.parametrize(
    ("headers", "cookie", "lang"),
    [
        ({}, None, "fr"),
        ({"Accept-Language": "ar"}, None, "ar"),
        ({"Accept-Language": "ar"}, "en", "en"),  # the page's language, chosen on the landing page
    ],
)
async def test_the_facilitator_s_default_name_is_in_the_creating_page_s_language(
    tmp_path: Path, headers: dict[str, str], cookie: str | None, lang: str
) -> None:
    async with client_of(tmp_path) as client:
        if cookie:
            client.cookies.set("fresque_lang", cookie)
        created = (await client.post("/api/workshops", json={"title": "Atelier"}, headers=headers)).json()
        bearer = {"Authorization": f"Bearer {created['facilitator']['token']}"}
        seen = (await client.get(f"/api/workshops/{created['workshop']['id']}", headers=bearer)).json()
        (me,) = [p for p in seen["participants"] if p["role"] == "facilitator"]
        assert me["alias"] == dictionaries()[lang]["role.facilitator"]
    assert {dictionaries()[x]["role.facilitator"] for x in ("fr", "en", "ar")} == {
        "Animation",
        "Facilitator",
        "المنشّط",
    }
