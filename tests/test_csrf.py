"""Cookie-authenticated HTTP writes need this server's Origin and the session's CSRF token; logout revokes.

Against a real `fresque serve` process with httpx (and `websockets` for the upgrade after logout). The rule
(`fresque.api.deps.browser_write_session`): `Authorization: Bearer` as before, or the HttpOnly cookie with
`Origin` equal to the server's own origin (or a configured one) and `X-Fresque-CSRF` equal to
HMAC-SHA256(secret, sha256(token)); otherwise 403 `csrf_failed`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import websockets
from fresque.auth import csrf_token, hash_token, load_secret
from support.server import ServerProcess

SECRET = "test-secret-key-for-csrf"


@pytest.fixture
def csrf_server(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    env = {"FRESQUE_SECRET_KEY": SECRET, "FRESQUE_DATA_DIR": str(tmp_path / "data")}
    with ServerProcess(sqlite_url, log_path=tmp_path / "server.log", env=env).running() as proc:
        yield proc


def browser(server: ServerProcess, token: str) -> httpx.Client:
    """A browser of this origin: the session cookie, nothing else."""
    client = httpx.Client(base_url=server.base_url, timeout=30)
    client.cookies.set("fresque_session", token)
    return client


def page_csrf(server: ServerProcess, workshop_id: str, token: str) -> str:
    with browser(server, token) as client:
        page = client.get(f"/workshops/{workshop_id}", headers={"Accept": "text/html"})
    assert page.status_code == 200, page.text
    match = re.search(r'<meta name="fresque-csrf" content="([0-9a-f]{64})">', page.text)
    assert match, "the facilitator page carries its CSRF token"
    return match.group(1)


def facilitator_writes(workshop_id: str) -> list[tuple[str, Any]]:
    return [
        (f"/api/workshops/{workshop_id}/boards", {"kind": "exploration", "title": "Deuxième fresque"}),
        (f"/api/workshops/{workshop_id}/joining", {"open": False}),
        (f"/api/workshops/{workshop_id}/join-link", None),
    ]


def test_the_page_gives_the_token_the_server_derives(csrf_server: ServerProcess) -> None:
    created = csrf_server.create_workshop()
    token = created["facilitator"]["token"]
    shown = page_csrf(csrf_server, created["workshop"]["id"], token)
    assert shown == csrf_token(SECRET.encode(), hash_token(token))


def test_cookie_writes_need_own_origin_and_the_csrf_token(csrf_server: ServerProcess) -> None:
    created = csrf_server.create_workshop()
    workshop_id, token = created["workshop"]["id"], created["facilitator"]["token"]
    csrf = page_csrf(csrf_server, workshop_id, token)
    own, foreign = csrf_server.origin, "http://evil.example"
    for path, body in facilitator_writes(workshop_id):
        refusals = [
            {},  # a forged cross-site form carries the cookie at most
            {"Origin": own},  # right origin, no token
            {"X-Fresque-CSRF": csrf},  # right token, no origin
            {"Origin": own, "X-Fresque-CSRF": "0" * 64},  # wrong token
            {"Origin": own, "X-Fresque-CSRF": csrf_token(SECRET.encode(), hash_token("another"))},
            {"Origin": foreign, "X-Fresque-CSRF": csrf},  # right token, foreign origin
            {"Origin": f"{own}.evil.example", "X-Fresque-CSRF": csrf},  # exact match only
        ]
        with browser(csrf_server, token) as client:
            for headers in refusals:
                refused = client.post(path, json=body, headers=headers)
                assert refused.status_code == 403, (path, headers, refused.text)
                assert refused.json()["error"] == "csrf_failed"
                assert "X-Fresque-CSRF" in refused.json()["message"]
            accepted = client.post(path, json=body, headers={"Origin": own, "X-Fresque-CSRF": csrf})
            assert accepted.status_code in (200, 201), (path, accepted.text)
    boards = csrf_server.get(f"/api/workshops/{workshop_id}", token).json()["boards"]
    assert [b["title"] for b in boards] == ["Atelier Jas-de-Bouffan", "Deuxième fresque"]
    assert csrf_server.get(f"/api/workshops/{workshop_id}", token).json()["joining"]["open"] is False


def test_bearer_needs_neither_origin_nor_token(csrf_server: ServerProcess) -> None:
    created = csrf_server.create_workshop()
    workshop_id, token = created["workshop"]["id"], created["facilitator"]["token"]
    for path, body in facilitator_writes(workshop_id):
        assert csrf_server.post(path, body, token).status_code in (200, 201)
    # a Bearer header wins over a cookie sent with it: the cookie's checks do not apply
    with browser(csrf_server, "not-a-session") as client:
        path, body = facilitator_writes(workshop_id)[0]
        sent = client.post(path, json=body, headers={"Authorization": f"Bearer {token}"})
        assert sent.status_code == 201


def test_a_resident_with_a_valid_csrf_token_is_still_not_the_facilitator(csrf_server: ServerProcess) -> None:
    created = csrf_server.create_workshop()
    workshop_id = created["workshop"]["id"]
    resident = csrf_server.join(created["join_code"], "Amina")["token"]
    csrf = csrf_token(SECRET.encode(), hash_token(resident))  # as if they had it: no page gives it to them
    with browser(csrf_server, resident) as client:
        for path, body in facilitator_writes(workshop_id):
            refused = client.post(
                path, json=body, headers={"Origin": csrf_server.origin, "X-Fresque-CSRF": csrf}
            )
            assert refused.status_code == 403 and refused.json()["error"] == "facilitator_only", path
        # the facilitator's page is not theirs, so no token reaches them that way
        page = client.get(f"/workshops/{workshop_id}", headers={"Accept": "text/html"})
        assert page.status_code == 403 and "fresque-csrf" not in page.text


def test_the_other_facilitator_writes_stay_bearer_only(csrf_server: ServerProcess) -> None:
    created = csrf_server.create_workshop()
    workshop_id, token = created["workshop"]["id"], created["facilitator"]["token"]
    csrf = page_csrf(csrf_server, workshop_id, token)
    headers = {"Origin": csrf_server.origin, "X-Fresque-CSRF": csrf}
    with browser(csrf_server, token) as client:
        erase = client.delete(f"/api/workshops/{workshop_id}", headers=headers)
        assert erase.status_code == 401 and erase.json()["error"] == "session_required"
        document = csrf_server.get(f"/api/boards/{created['board']['id']}/export", token).json()
        imported = client.post("/api/boards/import", json=document, headers=headers)
        assert imported.status_code == 401 and imported.json()["error"] == "session_required"
    assert csrf_server.get(f"/api/workshops/{workshop_id}", token).status_code == 200


async def test_logout_revokes_the_session_everywhere(csrf_server: ServerProcess) -> None:
    created = csrf_server.create_workshop()
    workshop_id, token = created["workshop"]["id"], created["facilitator"]["token"]
    board_id = created["board"]["id"]
    csrf = page_csrf(csrf_server, workshop_id, token)
    ws_headers = {"Origin": csrf_server.origin, "Cookie": f"fresque_session={token}"}
    socket = await websockets.connect(
        csrf_server.ws_url(board_id), additional_headers=ws_headers, compression=None, open_timeout=5
    )
    await socket.close()
    with browser(csrf_server, token) as client:
        forged = client.post("/api/session/logout")
        assert forged.status_code == 403 and forged.json()["error"] == "csrf_failed"
        assert client.get(f"/api/workshops/{workshop_id}").status_code == 200  # still logged in
        out = client.post(
            "/api/session/logout", headers={"Origin": csrf_server.origin, "X-Fresque-CSRF": csrf}
        )
        assert out.status_code == 204
        cleared = out.headers["set-cookie"].lower()
        assert cleared.startswith("fresque_session=") and "max-age=0" in cleared and "httponly" in cleared
    # the old token, by any road: 401
    assert csrf_server.get(f"/api/workshops/{workshop_id}", token).status_code == 401
    with browser(csrf_server, token) as client:
        again = client.post(
            f"/api/workshops/{workshop_id}/joining",
            json={"open": False},
            headers={"Origin": csrf_server.origin, "X-Fresque-CSRF": csrf},
        )
        assert again.status_code == 401 and again.json()["error"] == "session_invalid"
        page = client.get(f"/workshops/{workshop_id}", headers={"Accept": "text/html"})
        assert page.status_code == 403
    assert csrf_server.post(f"/api/workshops/{workshop_id}/join-link", None, token).status_code == 401
    assert csrf_server.post("/api/session/logout", None, token).status_code == 401
    for headers in (ws_headers, {"Origin": csrf_server.origin, "Authorization": f"Bearer {token}"}):
        with pytest.raises(websockets.exceptions.InvalidStatus) as refused:
            await websockets.connect(
                csrf_server.ws_url(board_id), additional_headers=headers, compression=None, open_timeout=5
            )
        assert refused.value.response.status_code == 401
        assert b'"session_required"' in refused.value.response.body


def test_logout_with_bearer_revokes_only_that_session(csrf_server: ServerProcess) -> None:
    created = csrf_server.create_workshop()
    workshop_id, facilitator = created["workshop"]["id"], created["facilitator"]["token"]
    amina = csrf_server.join(created["join_code"], "Amina")["token"]
    assert csrf_server.post("/api/session/logout", None, amina).status_code == 204
    assert csrf_server.get(f"/api/workshops/{workshop_id}", amina).status_code == 401
    assert csrf_server.get(f"/api/workshops/{workshop_id}", facilitator).status_code == 200


def test_without_a_configured_key_one_is_made_once_and_kept(sqlite_url: str, tmp_path: Path) -> None:
    data_dir = tmp_path / "data"
    proc = ServerProcess(
        sqlite_url, log_path=tmp_path / "server.log", env={"FRESQUE_DATA_DIR": str(data_dir)}
    )
    proc.start()
    try:
        created = proc.create_workshop()
        workshop_id, token = created["workshop"]["id"], created["facilitator"]["token"]
        before = page_csrf(proc, workshop_id, token)
        key_file = data_dir / "secret_key"
        assert key_file.stat().st_mode & 0o777 == 0o600
        assert before == csrf_token(load_secret(None, data_dir), hash_token(token))
        proc.stop()
        proc.start()
        assert page_csrf(proc, workshop_id, token) == before  # stable across restarts
    finally:
        proc.stop()
