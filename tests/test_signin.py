"""Sign-in links against a real server, on SQLite and PostgreSQL: a co-facilitator, an observer (projector),
the facilitator's own other device; each link works once and for 15 minutes; who may make which.

`POST /api/workshops/{id}/sign-in-links` answers `{link, expires_at, qr, role, participant, alias}`;
`GET /s/{token}` asks (and spends nothing), `POST /s/{token}` (this origin only) spends the link: a fresh
session cookie and a 303 to the console (facilitating roles) or the first board's projector view.
"""

from __future__ import annotations

import asyncio
import base64
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from fresque.api.signin import SIGN_IN_MINUTES, sign_in_hash
from fresque.auth import SESSION_COOKIE
from fresque.db.engine import make_engine
from fresque.db.store_base import sessions
from sqlalchemy import update
from support.server import ServerProcess


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def create(server: ServerProcess, title: str = "Atelier Encagnane") -> dict[str, Any]:
    answer = httpx.post(f"{server.base_url}/api/workshops", json={"title": title}, timeout=30)
    assert answer.status_code == 201, answer.text
    return answer.json()


def make_link(server: ServerProcess, workshop_id: str, token: str, role: str, **extra: str) -> httpx.Response:
    return httpx.post(
        f"{server.base_url}/api/workshops/{workshop_id}/sign-in-links",
        json={"role": role, **extra},
        headers=bearer(token),
        timeout=30,
    )


def token_in(server: ServerProcess, link: str) -> str:
    match = re.fullmatch(re.escape(server.base_url) + r"/s/([A-Za-z0-9_-]{43})", link)
    assert match, link
    return match.group(1)


def browser(server: ServerProcess, cookie: str | None = None) -> httpx.Client:
    client = httpx.Client(base_url=server.base_url, timeout=30, headers={"Accept": "text/html"})
    if cookie:
        client.cookies.set(SESSION_COOKIE, cookie)
    return client


def redeem(server: ServerProcess, token: str) -> httpx.Response:
    """A browser of this origin taps « Entrer » on the sign-in page."""
    with browser(server) as client:
        return client.post(f"/s/{token}", headers={"Origin": server.origin})


def cookie_of(response: httpx.Response) -> str:
    header = response.headers.get("set-cookie", "")
    match = re.match(rf"{SESSION_COOKIE}=([A-Za-z0-9_-]+);", header)
    assert match, header
    assert "HttpOnly" in header and "samesite=lax" in header.lower() and "Path=/" in header
    return match.group(1)


def me_with(server: ServerProcess, workshop_id: str, cookie: str) -> httpx.Response:
    with browser(server, cookie) as client:
        return client.get(f"/api/workshops/{workshop_id}", headers={"Accept": "application/json"})


def backdate(database_url: str, token: str, minutes: float) -> None:
    async def run() -> None:
        engine = make_engine(database_url)
        async with engine.begin() as conn:
            result = await conn.execute(
                update(sessions)
                .where(sessions.c.token_hash == sign_in_hash(token))
                .values(created_at=datetime.now(UTC) - timedelta(minutes=minutes))
            )
            assert result.rowcount == 1
        await engine.dispose()

    asyncio.run(run())


# -- each kind of link ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "alias", "lands"),
    [
        ("co_facilitator", "Co-animation", "console"),
        ("observer", "Projecteur", "projector"),
        ("me", None, "console"),
    ],
)
def test_a_link_signs_a_device_in_once(
    server: ServerProcess, role: str, alias: str | None, lands: str
) -> None:
    made = create(server)
    workshop_id, owner = made["workshop"]["id"], made["facilitator"]["token"]
    before = datetime.now(UTC)
    answer = make_link(server, workshop_id, owner, role)
    assert answer.status_code == 201, answer.text
    body = answer.json()
    token = token_in(server, body["link"])
    expires = datetime.fromisoformat(body["expires_at"])
    assert (
        before + timedelta(minutes=SIGN_IN_MINUTES - 1) < expires <= datetime.now(UTC) + timedelta(minutes=15)
    )
    assert body["role"] == ("facilitator" if role == "me" else role)
    assert body["alias"] == alias if alias else body["alias"]
    if role == "me":
        assert body["participant"] == made["facilitator"]["participant"]
    svg = base64.b64decode(body["qr"].removeprefix("data:image/svg+xml;base64,"))
    assert body["qr"].startswith("data:image/svg+xml;base64,") and b"<svg" in svg

    # the link is no session by itself
    assert (
        httpx.get(f"{server.base_url}/api/workshops/{workshop_id}", headers=bearer(token)).status_code == 401
    )
    # the page asks first, spends nothing, sets nothing
    with browser(server) as client:
        page = client.get(f"/s/{token}")
    assert page.status_code == 200 and "Atelier Encagnane" in page.text and "set-cookie" not in page.headers
    assert f'action="/s/{token}"' in page.text and 'method="post"' in page.text

    spent = redeem(server, token)
    assert spent.status_code == 303, spent.text
    if lands == "console":
        assert spent.headers["location"] == f"/workshops/{workshop_id}"
    else:
        assert spent.headers["location"] == f"/boards/{made['board']['id']}?view=projector"
    cookie = cookie_of(spent)
    you = me_with(server, workshop_id, cookie).json()["you"]
    assert you["role"] == body["role"] and you["participant"] == body["participant"]

    # once: the second tap and the page say so; the first cookie still works
    again = redeem(server, token)
    assert again.status_code == 410 and "Ce lien ne marche plus" in again.text
    assert "set-cookie" not in again.headers
    with browser(server) as client:
        assert client.get(f"/s/{token}").status_code == 410
    assert me_with(server, workshop_id, cookie).status_code == 200
    # the owner's own session is untouched by a "me" link
    assert (
        httpx.get(f"{server.base_url}/api/workshops/{workshop_id}", headers=bearer(owner)).status_code == 200
    )


def test_a_link_can_name_the_person_and_makes_a_new_participant_each_time(server: ServerProcess) -> None:
    made = create(server)
    workshop_id, owner = made["workshop"]["id"], made["facilitator"]["token"]
    first = make_link(server, workshop_id, owner, "co_facilitator", alias="  Leïla ").json()
    second = make_link(server, workshop_id, owner, "co_facilitator").json()
    assert first["alias"] == "Leïla" and second["alias"] == "Co-animation"
    assert first["participant"] != second["participant"]
    roster = httpx.get(f"{server.base_url}/api/workshops/{workshop_id}", headers=bearer(owner)).json()
    assert [(p["alias"], p["role"]) for p in roster["participants"] if p["role"] == "co_facilitator"] == [
        ("Leïla", "co_facilitator"),
        ("Co-animation", "co_facilitator"),
    ]
    assert make_link(server, workshop_id, owner, "observer", alias=" ").status_code == 422
    assert make_link(server, workshop_id, owner, "participant").status_code == 422
    # the default alias follows the caller's language
    english = httpx.post(
        f"{server.base_url}/api/workshops/{workshop_id}/sign-in-links",
        json={"role": "observer"},
        headers=bearer(owner),
        cookies={"fresque_lang": "en"},
    ).json()
    assert english["alias"] == "Projector"


def test_an_expired_link_says_so_and_signs_nobody_in(server: ServerProcess) -> None:
    made = create(server)
    workshop_id, owner = made["workshop"]["id"], made["facilitator"]["token"]
    token = token_in(server, make_link(server, workshop_id, owner, "observer").json()["link"])
    backdate(server.database_url, token, SIGN_IN_MINUTES - 1)
    fresh_enough = token_in(server, make_link(server, workshop_id, owner, "me").json()["link"])
    backdate(server.database_url, fresh_enough, SIGN_IN_MINUTES - 1)
    assert redeem(server, fresh_enough).status_code == 303  # 14 minutes old: still good

    backdate(server.database_url, token, SIGN_IN_MINUTES + 1)
    with browser(server) as client:
        page = client.get(f"/s/{token}")
    assert page.status_code == 410 and "Ce lien a expiré" in page.text
    spent = redeem(server, token)
    assert spent.status_code == 410 and "Ce lien a expiré" in spent.text and "set-cookie" not in spent.headers


def test_only_this_origin_spends_a_link(server: ServerProcess) -> None:
    made = create(server)
    token = token_in(
        server,
        make_link(server, made["workshop"]["id"], made["facilitator"]["token"], "observer").json()["link"],
    )
    with browser(server) as client:
        for refused in (
            {"Sec-Fetch-Site": "cross-site", "Origin": "null"},  # another site's form, a modern browser
            {"Sec-Fetch-Site": "same-site", "Origin": "null"},  # another port or subdomain
            {"Origin": "http://evil.example"},  # an older browser says where the form came from
        ):
            assert client.post(f"/s/{token}", headers=refused).status_code == 403, refused
    # this site's page, with Referrer-Policy: no-referrer: Origin null, Sec-Fetch-Site same-origin
    with browser(server) as client:
        spent = client.post(f"/s/{token}", headers={"Sec-Fetch-Site": "same-origin", "Origin": "null"})
    assert spent.status_code == 303  # not spent by the refused ones


def test_unknown_links_and_the_page_warns_a_facilitating_browser(server: ServerProcess) -> None:
    made = create(server)
    workshop_id, owner = made["workshop"]["id"], made["facilitator"]["token"]
    with browser(server) as client:
        assert client.get("/s/not-a-token").status_code == 410
        assert client.post("/s/not-a-token", headers={"Origin": server.origin}).status_code == 410
    token = token_in(server, make_link(server, workshop_id, owner, "observer").json()["link"])
    with browser(server, owner) as client:  # the facilitator opens the projector's link in their own browser
        page = client.get(f"/s/{token}")
    assert page.status_code == 200 and 'data-i18n="signin.replaces"' in page.text
    mine = token_in(server, make_link(server, workshop_id, owner, "me").json()["link"])
    with browser(server, owner) as client:
        assert 'data-i18n="signin.replaces"' not in client.get(f"/s/{mine}").text


# -- who may make which link ------------------------------------------------------------------------------


def test_who_may_make_which_link(server: ServerProcess) -> None:
    made = create(server)
    workshop_id, owner = made["workshop"]["id"], made["facilitator"]["token"]
    co_link = make_link(server, workshop_id, owner, "co_facilitator").json()["link"]
    co = cookie_of(redeem(server, token_in(server, co_link)))

    # a co-facilitator: their own other device, a projector; not another co-facilitator
    refused = make_link(server, workshop_id, co, "co_facilitator")
    assert refused.status_code == 403 and refused.json()["error"] == "owner_only"
    assert make_link(server, workshop_id, co, "observer").status_code == 201
    me = make_link(server, workshop_id, co, "me").json()
    assert me["role"] == "co_facilitator" and me["alias"] == "Co-animation"

    # a participant: nothing
    joined = httpx.post(
        f"{server.base_url}/api/join", json={"code": made["join_code"], "alias": "Amina"}, timeout=30
    ).json()
    for role in ("co_facilitator", "observer", "me"):
        answer = make_link(server, workshop_id, joined["token"], role)
        assert answer.status_code == 403 and answer.json()["error"] == "facilitator_only", role
    # an observer: nothing
    observer = cookie_of(
        redeem(server, token_in(server, make_link(server, workshop_id, owner, "observer").json()["link"]))
    )
    assert make_link(server, workshop_id, observer, "me").status_code == 403
    # another workshop's facilitator: nothing
    other = create(server, "Autre atelier")
    answer = make_link(server, workshop_id, other["facilitator"]["token"], "observer")
    assert answer.status_code == 403 and answer.json()["error"] == "not_your_workshop"
    # no session
    assert (
        httpx.post(
            f"{server.base_url}/api/workshops/{workshop_id}/sign-in-links", json={"role": "me"}
        ).status_code
        == 401
    )


def test_cookie_writes_need_the_pages_csrf_token(server: ServerProcess) -> None:
    made = create(server)
    workshop_id, owner = made["workshop"]["id"], made["facilitator"]["token"]
    with browser(server, owner) as client:
        page = client.get(f"/workshops/{workshop_id}")
        csrf = re.search(r'<meta name="fresque-csrf" content="([0-9a-f]{64})">', page.text)
        assert csrf
        path = f"/api/workshops/{workshop_id}/sign-in-links"
        bare = client.post(path, json={"role": "observer"}, headers={"Origin": server.origin})
        assert bare.status_code == 403 and bare.json()["error"] == "csrf_failed"
        wrong = client.post(
            path, json={"role": "observer"}, headers={"Origin": server.origin, "X-Fresque-CSRF": "0" * 64}
        )
        assert wrong.status_code == 403 and wrong.json()["error"] == "csrf_failed"
        good = client.post(
            path,
            json={"role": "observer"},
            headers={"Origin": server.origin, "X-Fresque-CSRF": csrf.group(1)},
        )
        assert good.status_code == 201, good.text


def test_a_co_facilitator_opens_the_console_but_cannot_erase_the_workshop(server: ServerProcess) -> None:
    made = create(server)
    workshop_id, owner = made["workshop"]["id"], made["facilitator"]["token"]
    co = cookie_of(
        redeem(
            server, token_in(server, make_link(server, workshop_id, owner, "co_facilitator").json()["link"])
        )
    )
    with browser(server, co) as client:
        page = client.get(f"/workshops/{workshop_id}")
    assert page.status_code == 200
    assert (
        'id="people"' in page.text
        and 'id="sign-in-me"' in page.text
        and 'id="sign-in-projector"' in page.text
    )
    # the owner's parts are not there: joining buttons, new board, exports, inviting co-facilitators
    for owner_only in ('id="console"', 'id="invite-co"', "/export"):
        assert owner_only not in page.text, owner_only
    assert 'src="data:image/svg+xml;base64,' in page.text  # the join QR code, inline
    erase = httpx.delete(f"{server.base_url}/api/workshops/{workshop_id}", headers=bearer(co))
    assert erase.status_code == 403
    assert (
        httpx.get(f"{server.base_url}/api/workshops/{workshop_id}", headers=bearer(owner)).status_code == 200
    )
    # the owner's page keeps everything
    with browser(server, owner) as client:
        page = client.get(f"/workshops/{workshop_id}")
    assert 'id="console"' in page.text and 'id="invite-co"' in page.text
    # an observer's cookie does not open the console
    observer = cookie_of(
        redeem(server, token_in(server, make_link(server, workshop_id, owner, "observer").json()["link"]))
    )
    with browser(server, observer) as client:
        assert client.get(f"/workshops/{workshop_id}").status_code == 403


def test_the_people_of_links_that_expired_unused_leave_the_list(server: ServerProcess) -> None:
    made = create(server)
    workshop_id, owner = made["workshop"]["id"], made["facilitator"]["token"]
    unused = make_link(server, workshop_id, owner, "observer").json()
    used = make_link(server, workshop_id, owner, "co_facilitator", alias="Leïla").json()
    assert redeem(server, token_in(server, used["link"])).status_code == 303
    waiting = make_link(server, workshop_id, owner, "co_facilitator", alias="Sam").json()
    for link in (unused, used, waiting):
        backdate(server.database_url, token_in(server, link["link"]), SIGN_IN_MINUTES + 1)
    fresh = make_link(server, workshop_id, owner, "observer").json()  # a new link tidies up
    roster = httpx.get(f"{server.base_url}/api/workshops/{workshop_id}", headers=bearer(owner)).json()
    ids = {p["id"] for p in roster["participants"]}
    assert used["participant"] in ids and fresh["participant"] in ids
    assert unused["participant"] not in ids and waiting["participant"] not in ids
