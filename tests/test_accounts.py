"""A study team's accounts over HTTP (`fresque.api.accounts`), against a real `fresque serve` process on
SQLite and PostgreSQL: signing in (cookie, token, CSRF token), the same answer and about the same time for
an unknown username and a wrong password, the sign-in rate limits per address and per username (429 +
Retry-After), sign-out and password changes revoking sessions, and passwords never written in clear to the
database file."""

from __future__ import annotations

import statistics
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fresque.auth import csrf_token, hash_token
from support.accounts import PASSWORD, Member, make_account, make_study, new_member, sign_in
from support.server import ServerProcess

SECRET = "test-secret-for-accounts"


def start(database_url: str, tmp_path: Path, **env: str) -> ServerProcess:
    proc = ServerProcess(
        database_url,
        log_path=tmp_path / "server.log",
        env={"FRESQUE_SECRET_KEY": SECRET, "FRESQUE_DATA_DIR": str(tmp_path / "data"), **env},
    )
    proc.start()
    return proc


@pytest.fixture
def accounts_server(database_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    proc = start(database_url, tmp_path)
    try:
        yield proc
    finally:
        proc.stop()


def client_from(server: ServerProcess, source: str) -> httpx.Client:
    """A client connecting from `source` (any 127.x address is this machine's loopback)."""
    return httpx.Client(
        base_url=server.base_url, transport=httpx.HTTPTransport(local_address=source), timeout=30
    )


def attempt(client: httpx.Client, username: str, password: str) -> httpx.Response:
    return client.post("/api/account/sign-in", json={"username": username, "password": password})


# -- signing in ---------------------------------------------------------------------------------------------


def test_sign_in_gives_a_cookie_a_token_and_the_page_s_csrf_token(accounts_server: ServerProcess) -> None:
    make_account(accounts_server, "amina")
    with httpx.Client(base_url=accounts_server.base_url, timeout=30) as browser:
        answer = attempt(browser, "  Amina ", PASSWORD)  # the username is folded as it was stored
        assert answer.status_code == 200, answer.text
        body = answer.json()
        assert body["account"]["username"] == "amina"
        assert body["csrf"] == csrf_token(SECRET.encode(), hash_token(body["token"]))
        cookie = answer.headers["set-cookie"]
        assert cookie.startswith(f"fresque_account={body['token']};")
        assert "HttpOnly" in cookie and "samesite=lax" in cookie.lower() and "Path=/" in cookie
        # the cookie reads; a cookie write needs this origin and the CSRF token
        assert browser.get("/api/account").json()["account"]["username"] == "amina"
        refused = browser.post("/api/studies", json={"title": "É", "territory": "Aix"})
        assert refused.status_code == 403 and refused.json()["error"] == "csrf_failed"
        made = browser.post(
            "/api/studies",
            json={"title": "É", "territory": "Aix"},
            headers={"Origin": accounts_server.origin, "X-Fresque-CSRF": body["csrf"]},
        )
        assert made.status_code == 201, made.text
    # Bearer works without a cookie; a workshop's session token is not an account's
    bearer = {"Authorization": f"Bearer {body['token']}"}
    assert httpx.get(accounts_server.base_url + "/api/account", headers=bearer).status_code == 200
    workshop = accounts_server.create_workshop()["facilitator"]["token"]
    other = httpx.get(
        accounts_server.base_url + "/api/account", headers={"Authorization": f"Bearer {workshop}"}
    )
    assert other.status_code == 401 and other.json()["error"] == "sign_in_invalid"
    nobody = httpx.get(accounts_server.base_url + "/api/account")
    assert nobody.status_code == 401 and nobody.json()["error"] == "sign_in_required"


def test_my_account_lists_my_studies_only(accounts_server: ServerProcess) -> None:
    amina, bilal = new_member(accounts_server, "amina"), new_member(accounts_server, "bilal")
    mine = make_study(amina, title="Étude d'Aix")
    make_study(bilal, title="Étude de Marseille")
    me = amina.get("/api/account").json()
    assert me["account"] == {"id": amina.account_id, "username": "amina"}
    assert [(s["id"], s["title"], s["role"]) for s in me["studies"]] == [
        (mine["study"]["id"], "Étude d'Aix", "owner")
    ]
    assert amina.get("/api/studies").json()["studies"] == me["studies"]


def test_unknown_username_and_wrong_password_get_the_same_answer_in_about_the_same_time(
    database_url: str, tmp_path: Path
) -> None:
    """Nothing tells an unknown username from a wrong password: the status, the body, and the time (an
    unknown username is checked against a dummy argon2id hash, made before the first answer)."""
    proc = start(database_url, tmp_path, FRESQUE_SIGN_IN_BURST="100", FRESQUE_SIGN_IN_USERNAME_BURST="100")
    try:
        make_account(proc, "amina")
        timings: dict[str, list[float]] = {"unknown": [], "wrong": []}
        bodies: dict[str, set[str]] = {"unknown": set(), "wrong": set()}
        with httpx.Client(base_url=proc.base_url, timeout=30) as client:
            for round_ in range(12):
                for kind, username in (("unknown", f"nobody{round_}"), ("wrong", "amina")):
                    began = time.perf_counter()
                    answer = attempt(client, username, "not the password at all")
                    if round_:  # the first round warms the server up (its first hashes, connections)
                        timings[kind].append(time.perf_counter() - began)
                    assert answer.status_code == 401
                    assert "set-cookie" not in answer.headers
                    bodies[kind].add(answer.text)
        assert (
            bodies["unknown"]
            == bodies["wrong"]
            == {'{"error":"sign_in_failed","message":"wrong username or password"}'}
        )
        # each round asks both one after the other, so both meet the same load of a busy machine: the median
        # of the rounds' ratios. Without the dummy hash an unknown username would answer in ~1 ms against
        # ~200 ms for a wrong password (a ratio near 0.005): these bounds are a hundred times wider than that
        ratios = sorted(u / w for u, w in zip(timings["unknown"], timings["wrong"], strict=True))
        ratio = statistics.median(ratios)
        medians = [statistics.median(timings[kind]) * 1e3 for kind in ("unknown", "wrong")]
        print(f"median refusal: unknown username {medians[0]:.0f} ms, wrong password {medians[1]:.0f} ms")
        print(f"median ratio {ratio:.2f} (rounds: {', '.join(f'{r:.2f}' for r in ratios)})")
        assert 0.5 < ratio < 2.0
    finally:
        proc.stop()


def test_sign_in_is_rate_limited_per_address(database_url: str, tmp_path: Path) -> None:
    """Every attempt from an address spends one of its 10 tokens (each costs an argon2id hash); the 11th is
    refused with Retry-After, the right password included; another address is still heard. (The refill is
    slowed to one token in 10 minutes, so that a loaded machine's slow hashes cannot refill it mid-test.)"""
    proc = start(database_url, tmp_path, FRESQUE_SIGN_IN_PER_MINUTE="0.1")
    try:
        make_account(proc, "amina")
        with client_from(proc, "127.0.3.1") as guesser:
            for n in range(10):
                assert attempt(guesser, f"user{n}", "wrong password here").status_code == 401
            refused = attempt(guesser, "amina", PASSWORD)
            assert refused.status_code == 429, refused.text
            assert refused.json()["error"] == "too_many_sign_ins"
            wait = int(refused.headers["Retry-After"])
            assert 500 <= wait <= 600  # a token in 10 minutes, less the time the attempts took
            assert refused.json()["retry_after"] == wait
        with client_from(proc, "127.0.3.2") as teammate:
            assert attempt(teammate, "amina", PASSWORD).status_code == 200
    finally:
        proc.stop()


def test_failed_sign_ins_on_a_username_are_limited_from_every_address(accounts_server: ServerProcess) -> None:
    """A guesser spread over many addresses still gets 10 wrong passwords on one username, then 429 (for the
    right one too, until a token comes back); the username's bucket exists for unknown usernames as well, so
    a 429 says nothing about which usernames exist; other usernames are not affected."""
    make_account(accounts_server, "amina")
    make_account(accounts_server, "bilal")
    for n in range(10):
        with client_from(accounts_server, f"127.0.4.{n + 1}") as guesser:
            assert attempt(guesser, "amina", f"guess number {n:04d}").status_code == 401
            assert attempt(guesser, "ghost", f"guess number {n:04d}").status_code == 401
    with client_from(accounts_server, "127.0.4.50") as fresh_address:
        for username in ("amina", "ghost"):
            refused = attempt(fresh_address, username, PASSWORD)
            assert refused.status_code == 429 and refused.json()["error"] == "too_many_sign_ins"
            assert int(refused.headers["Retry-After"]) > 60  # 10 an hour: minutes, not seconds
        assert attempt(fresh_address, "bilal", PASSWORD).status_code == 200


# -- sessions -----------------------------------------------------------------------------------------------


def test_sign_out_revokes_that_session_only(accounts_server: ServerProcess) -> None:
    make_account(accounts_server, "amina")
    laptop, phone = sign_in(accounts_server, "amina"), sign_in(accounts_server, "amina")
    with laptop.browser() as browser:
        assert browser.post("/api/account/sign-out").status_code == 403  # a cookie write needs the CSRF token
        out = browser.post("/api/account/sign-out", headers=laptop.page_headers())
        assert out.status_code == 204
        assert 'fresque_account=""' in out.headers["set-cookie"] or "Max-Age=0" in out.headers["set-cookie"]
    gone = laptop.get("/api/account")
    assert gone.status_code == 401 and gone.json()["error"] == "sign_in_invalid"
    assert phone.get("/api/account").status_code == 200
    assert phone.send("POST", "/api/account/sign-out").status_code == 204  # Bearer needs no CSRF token
    assert phone.get("/api/account").status_code == 401


def test_changing_the_password_ends_the_other_sessions(accounts_server: ServerProcess) -> None:
    make_account(accounts_server, "amina")
    laptop, phone = sign_in(accounts_server, "amina"), sign_in(accounts_server, "amina")
    new_password = "une autre phrase de passe"
    wrong = laptop.send("POST", "/api/account/password", {"current": "not it at all", "new": new_password})
    assert wrong.status_code == 403 and wrong.json()["error"] == "wrong_password"
    short = laptop.send("POST", "/api/account/password", {"current": PASSWORD, "new": "court"})
    assert short.status_code == 422 and short.json()["error"] == "password_too_short"
    assert phone.get("/api/account").status_code == 200  # refusals change nothing
    with laptop.browser() as browser:
        changed = browser.post(
            "/api/account/password",
            json={"current": PASSWORD, "new": new_password},
            headers=laptop.page_headers(),
        )
    assert changed.status_code == 204, changed.text
    assert laptop.get("/api/account").status_code == 200  # the session that changed it stays
    assert phone.get("/api/account").status_code == 401  # the others end
    with httpx.Client(base_url=accounts_server.base_url, timeout=30) as client:
        assert attempt(client, "amina", PASSWORD).status_code == 401
        assert attempt(client, "amina", new_password).status_code == 200


# -- passwords at rest --------------------------------------------------------------------------------------


def test_no_password_is_written_in_clear_to_the_database_file(sqlite_url: str, tmp_path: Path) -> None:
    """Every way a password reaches the server (the admin's account, signing in, changing it, a newcomer's
    invite) leaves only argon2id hashes: the SQLite file and its write-ahead log hold none of them."""
    proc = start(sqlite_url, tmp_path)
    first, second, third = "première phrase secrète", "deuxième phrase secrète", "troisième phrase secrète"
    try:
        make_account(proc, "amina", first)
        owner = sign_in(proc, "amina", first)
        changed = owner.send("POST", "/api/account/password", {"current": first, "new": second})
        assert changed.status_code == 204
        sign_in(proc, "amina", second)
        study = make_study(owner)
        link = owner.send("POST", f"/api/studies/{study['study']['id']}/invites").json()["link"]
        joined = httpx.post(
            proc.base_url + "/api/invites/" + link.rsplit("/", 1)[1],
            json={"username": "bilal", "password": third},
        )
        assert joined.status_code == 200, joined.text
        files = sorted(tmp_path.glob("fresque.sqlite3*"))
        assert files and files[0].name == "fresque.sqlite3"
        stored = b"".join(path.read_bytes() for path in files)
        assert b"$argon2id$" in stored  # the hashes are there
        for password in (first, second, third, PASSWORD):
            for encoded in (password.encode("utf-8"), password.encode("utf-16-le")):
                assert encoded not in stored, password
    finally:
        proc.stop()


def test_member_helpers_sign_in(accounts_server: ServerProcess) -> None:
    """The test helper's member is what a page would have: its CSRF token is the server's."""
    member: Member = new_member(accounts_server, "amina")
    assert member.csrf == csrf_token(SECRET.encode(), hash_token(member.token))


def test_the_sign_in_page_and_where_it_leads(accounts_server: ServerProcess) -> None:
    """`/sign-in` for anyone; the team's pages send a browser without an account there, with the way back;
    a signed-in browser skips it; `next` only ever names a path of this site."""
    html = {"Accept": "text/html"}
    with httpx.Client(base_url=accounts_server.base_url, timeout=30) as anonymous:
        page = anonymous.get("/sign-in", headers=html)
        assert (
            page.status_code == 200
            and 'id="sign-in-form"' in page.text
            and 'data-next="/studies"' in page.text
        )
        for path in ("/account", "/studies"):
            sent = anonymous.get(path, headers=html)
            assert sent.status_code == 303 and sent.headers["location"] == f"/sign-in?next={path}"
        for hostile in ("//evil.example/", "https://evil.example/", "/\\evil.example"):
            page = anonymous.get("/sign-in", params={"next": hostile}, headers=html)
            assert 'data-next="/studies"' in page.text, hostile
    member = new_member(accounts_server, "amina")
    with member.browser() as browser:
        skipped = browser.get("/sign-in?next=/account", headers=html)
        assert skipped.status_code == 303 and skipped.headers["location"] == "/account"
        assert "amina" in browser.get("/account", headers=html).text
