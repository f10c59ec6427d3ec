"""Rate limits shared through a real Redis (FRESQUE_REDIS_URL): whichever process a request reaches, one
budget. Same answers as one process's limiter (404 until the burst is spent, then 429 with Retry-After);
while Redis is down each process limits on its own, and when Redis is back the budget is shared again, with
no restart."""

from __future__ import annotations

import asyncio
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fresque.ratelimit import JoinLimiter
from fresque.shared.limits import SharedJoinLimiter
from fresque.shared.link import RedisLink
from support.redis_server import RedisServer
from support.server import ServerProcess

BURST = 4
LIMITS = {
    # wrong join codes from one address: a burst of 4, then one a minute (none comes back during a test)
    "FRESQUE_JOIN_RATE_BURST": str(BURST),
    "FRESQUE_JOIN_RATE_PER_MINUTE": "0.01",
    # new workshops from one address: 3, then one an hour
    "FRESQUE_CREATE_BURST": "3",
    "FRESQUE_CREATE_PER_HOUR": "0.01",
    # sign-in attempts from one address: 3, then one a minute
    "FRESQUE_SIGN_IN_BURST": "3",
    "FRESQUE_SIGN_IN_PER_MINUTE": "0.01",
}
WORKSHOP = {"title": "Atelier Frais-Vallon", "neighbourhood": "Frais-Vallon"}


def join_limiter(link: RedisLink | None) -> JoinLimiter:
    """One process's join limiter, as `fresque.app` makes it: in memory, or on Redis when `link` is given."""
    if link is None:
        return JoinLimiter(
            per_address_per_minute=0.01, per_address_burst=BURST, global_per_minute=100.0, global_burst=100
        )
    return SharedJoinLimiter(
        link, per_address_per_minute=0.01, per_address_burst=BURST, global_per_minute=100.0, global_burst=100
    )


async def test_two_limiters_on_one_redis_share_one_budget(redis_url: str) -> None:
    links = [RedisLink(redis_url), RedisLink(redis_url)]
    shared = [join_limiter(link) for link in links]
    local = [join_limiter(None), join_limiter(None)]
    try:
        shared_waits, local_waits = [], []
        for attempt in range(2 * BURST):
            for limiters, waits in ((shared, shared_waits), (local, local_waits)):
                limiter = limiters[attempt % 2]  # one address, its attempts over two processes
                wait = await limiter.check("203.0.113.7")
                waits.append(wait)
                if not wait:
                    await limiter.count_failure("203.0.113.7")
        # Shared: the burst is spent by both together, then both refuse, each saying how long to wait.
        assert shared_waits[:BURST] == [0] * BURST
        assert all(w > 0 for w in shared_waits[BURST:]), shared_waits
        # Each process alone lets the address try twice as many codes.
        assert local_waits == [0] * (2 * BURST)
        # The answers are one process's: the same attempts on one in-memory limiter wait as long.
        one = join_limiter(None)
        for _ in range(BURST):
            one.failed("203.0.113.7")
        assert abs(shared_waits[-1] - one.retry_after("203.0.113.7")) <= 1, (shared_waits, one)
        # Another address (an IPv6 in another /64) has its own budget; one in the same /64 shares it.
        assert await shared[0].check("2001:db8:1::1") == 0
        for _ in range(BURST):
            await shared[1].count_failure("2001:db8:1::2")
        assert await shared[0].check("2001:db8:1::ffff") > 0
        assert all(link.up for link in links)
    finally:
        for link in links:
            await link.close()


@pytest.fixture
def two_processes(postgres_url: str, redis_url: str, tmp_path: Path) -> Iterator[list[ServerProcess]]:
    env = {**LIMITS, "FRESQUE_REDIS_URL": redis_url}
    first = ServerProcess(postgres_url, log_path=tmp_path / "a.log", env=env)
    second = ServerProcess(postgres_url, log_path=tmp_path / "b.log", env=env)
    first.start()
    try:
        second.start()
        try:
            yield [first, second]
        finally:
            second.stop()
    finally:
        first.stop()


def wrong_code(process: ServerProcess) -> httpx.Response:
    return process.post("/api/join", {"code": "ZZZZ-ZZZZ", "alias": "Nadia"})


def spend_budget_over(processes: list[ServerProcess]) -> list[int]:
    """Wrong codes from one address, in turn to each process: the statuses, until and past the limit."""
    return [wrong_code(processes[i % len(processes)]).status_code for i in range(BURST + 2)]


@pytest.mark.postgres
def test_joins_over_two_processes_hit_one_limit(two_processes: list[ServerProcess]) -> None:
    assert spend_budget_over(two_processes) == [404] * BURST + [429, 429]
    for process in two_processes:
        refused = wrong_code(process)
        assert refused.status_code == 429
        assert refused.json()["error"] == "too_many_attempts"
        assert int(refused.headers["Retry-After"]) > 0

    # New workshops from one address: 3 over both processes, then 429 on each.
    made = [p.post("/api/workshops", WORKSHOP).status_code for p in (*two_processes, two_processes[0])]
    assert made == [201, 201, 201]
    for process in two_processes:
        refused = process.post("/api/workshops", WORKSHOP)
        assert refused.status_code == 429 and refused.json()["error"] == "too_many_workshops"
        assert int(refused.headers["Retry-After"]) > 0


@pytest.mark.postgres
def test_sign_ins_over_two_processes_hit_one_limit(two_processes: list[ServerProcess]) -> None:
    def sign_in(process: ServerProcess) -> httpx.Response:
        return process.post("/api/account/sign-in", {"username": "equipe-nord", "password": "x" * 12})

    statuses = [sign_in(two_processes[i % 2]).status_code for i in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    refused = sign_in(two_processes[1])
    assert refused.json()["error"] == "too_many_sign_ins" and int(refused.headers["Retry-After"]) > 0


@pytest.mark.postgres
def test_redis_stopped_then_started_limits_come_back_without_restart(
    two_processes: list[ServerProcess], redis_server: RedisServer
) -> None:
    first, second = two_processes
    assert [wrong_code(p).status_code for p in two_processes] == [404, 404]  # 2 of the shared 4 spent

    redis_server.stop()
    try:
        # Redis down: every request is answered at once, each process limiting on its own (its full burst).
        started = time.monotonic()
        alone = [wrong_code(first).status_code for _ in range(BURST + 1)]
        assert time.monotonic() - started < 3.0
        assert alone == [404] * BURST + [429]
        assert wrong_code(second).status_code == 404  # the other process's own budget
        assert "Redis unreachable" in first.log()
    finally:
        redis_server.start()  # empty: no persistence

    time.sleep(1.2)  # a process asks Redis again at most a second after it failed
    assert spend_budget_over(two_processes) == [404] * BURST + [429, 429]
    assert "Redis reachable again" in first.log() and "Redis reachable again" in second.log()


async def test_a_redis_that_stops_answering_costs_one_bounded_wait(
    redis_url: str, redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    """A hung Redis (SIGSTOP: connections accepted, nothing answered) holds a request at most the link's
    timeout once, then the process answers from its own buckets at once until Redis answers again."""
    link = RedisLink(redis_url)
    limiter = join_limiter(link)
    assert await limiter.check("198.51.100.1") == 0
    assert redis_server.proc is not None
    redis_server.proc.send_signal(signal.SIGSTOP)
    try:
        started = time.monotonic()
        assert await limiter.check("198.51.100.1") == 0  # answered by this process's buckets
        first = time.monotonic() - started
        started = time.monotonic()
        for _ in range(BURST):
            await limiter.count_failure("198.51.100.1")
        assert await limiter.check("198.51.100.1") > 0  # the local limit holds meanwhile
        after = time.monotonic() - started
        assert not link.up
    finally:
        redis_server.proc.send_signal(signal.SIGCONT)
    assert first < 0.5, first  # the 0.25 s timeout, once
    assert after < 0.2, after  # not asked again within the retry delay (microseconds; slack for a busy CI)
    assert "Redis unreachable (TimeoutError)" in caplog.text
    await asyncio.sleep(1.1)
    assert await limiter.check("198.51.100.1") == 0  # Redis again: its bucket was never spent
    assert link.up and "Redis reachable again" in caplog.text
    await link.close()
