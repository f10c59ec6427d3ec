"""Issue 12, item 5: the server-wide limit on wrong join codes never refuses a resident's right code because
others guessed wrong, and still bounds what many addresses can guess (`fresque.ratelimit.JoinLimiter`,
docs/security.md "Guessing a join code")."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fresque.auth import JOIN_ALPHABET
from fresque.ratelimit import JoinLimiter, address_key
from support.server import ServerProcess


def client(server: ServerProcess, source: str) -> httpx.Client:
    """A client connecting from `source` (any 127.x address is this machine's loopback)."""
    transport = httpx.HTTPTransport(local_address=source)
    return httpx.Client(base_url=server.base_url, transport=transport, timeout=30)


@pytest.fixture
def guarded(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server with the join limits' defaults: 10 wrong codes a minute per address (burst 10), a server-wide
    burst of 100; the server-wide budget comes back at 1 a minute instead of 100, so that a slow test machine
    does not refill it while the 110 wrong codes are sent."""
    env = {"FRESQUE_JOIN_GLOBAL_PER_MINUTE": "1"}
    with ServerProcess(sqlite_url, log_path=tmp_path / "server.log", env=env).running() as proc:
        yield proc


def wrong(n: int) -> str:
    return "".join(JOIN_ALPHABET[(n // 31**k) % 31] for k in range(10))


def test_others_wrong_codes_never_refuse_a_resident_s_right_code(guarded: ServerProcess) -> None:
    code = guarded.create_workshop()["join_code"]
    answers: list[int] = []
    for address in range(11):  # 110 wrong codes from 11 addresses: the server-wide budget (100) is spent
        with client(guarded, f"127.0.2.{address + 1}") as guesser:
            for attempt in range(10):
                answer = guesser.post("/api/join", json={"code": wrong(address * 10 + attempt), "alias": "X"})
                answers.append(answer.status_code)
    # A resident at a 12th address types the right code: admitted, by the API and by the page.
    with client(guarded, "127.0.2.12") as resident:
        joined = resident.post("/api/join", json={"code": code, "alias": "Amina"})
        assert joined.status_code == 201, joined.text
        page = resident.get(f"/j/{code}", headers={"Accept": "text/html"})
        assert page.status_code == 200 and 'id="join-form"' in page.text  # step two: alias and colour
        assert 'data-i18n="join.error.too_many_attempts"' not in page.text
    # One typo of their own does not lock them out either.
    with client(guarded, "127.0.2.13") as typist:
        assert typist.post("/api/join", json={"code": wrong(5000), "alias": "K"}).status_code == 404
        assert typist.post("/api/join", json={"code": code, "alias": "Karim"}).status_code == 201
    # An address that has been guessing stays refused while the budget is spent, the right code included
    # (otherwise a 429 would only ever answer wrong guesses, and guessing would go on).
    with client(guarded, "127.0.2.11") as guesser:
        refused = guesser.post("/api/join", json={"code": code, "alias": "X"})
        assert refused.status_code == 429 and refused.json()["error"] == "too_many_attempts"
        assert int(refused.headers["retry-after"]) >= 1
    assert set(answers) <= {404, 429}
    # The 11th address was heard for its record's 3 wrong codes, then refused: the server-wide budget holds.
    assert answers[:103] == [404] * 103 and answers[103:] == [429] * 7, answers[100:]


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_what_many_addresses_can_guess_in_an_hour_is_bounded() -> None:
    """The figures of docs/security.md: with the guarded, an hour of guessing from A addresses that each try
    as fast as they are let is at most 100 + 100 × 60 (the server's burst and rate) + A × (3 + 3) (each
    address's record: its burst and its hour's refill) wrong codes, however the guesses are spread; without
    the server-wide budget it would be A × (10 + 10 × 60)."""
    clock = Clock()
    limiter = JoinLimiter(
        per_address_per_minute=10,
        per_address_burst=10,
        global_per_minute=100,
        global_burst=100,
        record_failures=3,
        record_hours=1.0,
        clock=clock,
    )
    addresses = [f"10.0.{n // 256}.{n % 256}" for n in range(1000)]
    guesses = 0
    for _second in range(3600):
        for address in addresses[: 1000 if _second < 60 else 100]:  # all at first, then a few keep going
            if limiter.retry_after(address) == 0:
                limiter.failed(address)
                guesses += 1
        clock.now += 1.0
    bound = 100 + 100 * 60 + (3 + 3) * len(addresses)
    assert 6100 <= guesses <= bound < len(addresses) * (10 + 10 * 60) / 50
    # And an address that never guessed is heard at every moment (its right code would be checked).
    assert limiter.retry_after("10.9.9.9") == 0


def test_an_ipv6_network_is_one_address() -> None:
    """A /64 is one subscriber line: its 2^64 addresses share one allowance."""
    assert address_key("2001:db8:1:2:aaaa::1") == address_key("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert address_key("2001:db8:1:3::1") != address_key("2001:db8:1:2::1")
    assert address_key("::ffff:192.0.2.7") == "192.0.2.7" == address_key("192.0.2.7")
    clock = Clock()
    limiter = JoinLimiter(
        per_address_per_minute=10, per_address_burst=2, global_per_minute=100, global_burst=100, clock=clock
    )
    limiter.failed("2001:db8:1:2::1")
    limiter.failed("2001:db8:1:2::2")
    assert limiter.retry_after("2001:db8:1:2::3") > 0
    assert limiter.retry_after("2001:db8:1:9::3") == 0
