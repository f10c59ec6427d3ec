"""One process's connection to Redis, and what it does while Redis is unreachable.

Every call is bounded: a quarter of a second to connect or answer, no retries inside redis-py. A call that
fails marks Redis down for `retry_seconds`; meanwhile callers are told at once (`None`) and use their own
process's state (`fresque.shared.limits` falls back to the in-memory buckets), so a request never waits on a
dead Redis more than once a `retry_seconds` per process. The first call after that tries Redis again: when it
answers, shared state resumes with no restart. One log line when Redis is lost, one when it is back.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence

from redis.asyncio import Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.commands.core import AsyncScript
from redis.exceptions import RedisError

log = logging.getLogger("fresque.shared")

TIMEOUT_SECONDS = 0.25


class RedisLink:
    def __init__(self, url: str, *, retry_seconds: float = 1.0, timeout: float = TIMEOUT_SECONDS) -> None:
        self.client: Redis = Redis.from_url(
            url,
            socket_connect_timeout=timeout,
            socket_timeout=timeout,
            retry=Retry(NoBackoff(), 0),  # one attempt: the caller has a fallback, a request must not wait
            health_check_interval=0,
        )
        self.retry_seconds = retry_seconds
        self._down_until = 0.0  # monotonic time before which Redis is not asked again
        self._down = False
        self._scripts: dict[str, AsyncScript] = {}

    @property
    def up(self) -> bool:
        return not self._down

    async def script(
        self, source: str, keys: Sequence[str], args: Sequence[str | float | int]
    ) -> list[int] | None:
        """Run a Lua script (EVALSHA, loaded again when Redis restarted empty); None while Redis is down."""
        now = time.monotonic()
        if self._down and now < self._down_until:
            return None
        try:
            script = self._scripts.get(source)
            if script is None:
                script = self._scripts[source] = self.client.register_script(source)
            answer = await script(keys=list(keys), args=list(args))
        except (RedisError, OSError) as exc:
            self._down_until = time.monotonic() + self.retry_seconds
            if not self._down:
                self._down = True
                log.warning(
                    "Redis unreachable (%s): rate limits are this process's own until it is back",
                    type(exc).__name__,
                )
            return None
        if self._down:
            self._down = False
            log.warning("Redis reachable again: rate limits are shared again")
        return [int(x) for x in answer]

    async def close(self) -> None:
        await self.client.aclose()
