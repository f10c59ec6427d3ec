"""The join, creation and sign-in rate limits shared by every process through Redis: one budget, whichever
process a request reaches (FRESQUE_REDIS_URL).

Same buckets, rates, bursts and answers as `fresque.ratelimit` (a 429 with Retry-After): each bucket is a
Redis hash (tokens, time) updated by one Lua script, atomic in Redis, timed by Redis's own clock (`TIME`), so
processes on several machines agree. A bucket expires once it would be full again: an address not seen for
a while costs Redis nothing (the in-memory table's `max_addresses` is not needed).

While Redis is unreachable (`fresque.shared.link`), each process answers from its own in-memory buckets: the
limits still hold, per process (the allowance times the number of processes, for that while), and requests
never wait on Redis. docs/scale-out.md says why this rather than refusing or letting everything through.
"""

from __future__ import annotations

import hashlib

from ..api.accounts import SignInLimiter
from ..config import Settings
from ..ratelimit import CreationLimiter, JoinLimiter, address_key, join_wait
from .link import RedisLink

PREFIX = "fresque:rate"

# KEYS: the buckets; ARGV[1]: "peek" (waits only), "spend" (a token of each, down to 0) or "take" (a token of
# each only when every bucket has one); then for each bucket its rate (tokens a second) and its burst.
# Answers each bucket's wait in whole seconds (0: a token is there), as `TokenBucket.retry_after`.
BUCKETS_LUA = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local mode = ARGV[1]
local tokens, waits, blocked = {}, {}, false
for i = 1, #KEYS do
  local rate, burst = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
  local b = redis.call('HMGET', KEYS[i], 't', 'at')
  local tk, at = tonumber(b[1]), tonumber(b[2])
  if tk == nil or at == nil then tk, at = burst, now end
  tk = math.min(burst, tk + math.max(0, now - at) * rate)
  tokens[i] = tk
  if tk >= 1 then
    waits[i] = 0
  else
    waits[i] = math.max(1, math.ceil((1 - tk) / rate))
    blocked = true
  end
end
if mode == 'spend' or (mode == 'take' and not blocked) then
  for i = 1, #KEYS do
    local rate, burst = tonumber(ARGV[2 * i]), tonumber(ARGV[2 * i + 1])
    local tk = math.max(0, tokens[i] - 1)
    redis.call('HSET', KEYS[i], 't', tostring(tk), 'at', tostring(now))
    redis.call('PEXPIRE', KEYS[i], math.ceil((burst - tk) / rate * 1000) + 1000)
  end
end
return waits
"""


class SharedJoinLimiter(JoinLimiter):
    """`JoinLimiter`'s three buckets (the address's, its record, the server's) in Redis."""

    def __init__(
        self,
        link: RedisLink,
        *,
        per_address_per_minute: float,
        per_address_burst: int,
        global_per_minute: float,
        global_burst: int,
        record_failures: int = 3,
        record_hours: float = 1.0,
    ) -> None:
        super().__init__(  # the fallback while Redis is unreachable
            per_address_per_minute=per_address_per_minute,
            per_address_burst=per_address_burst,
            global_per_minute=global_per_minute,
            global_burst=global_burst,
            record_failures=record_failures,
            record_hours=record_hours,
        )
        self.link = link
        self._own = (per_address_per_minute / 60.0, per_address_burst)
        self._server = (global_per_minute / 60.0, global_burst)
        self._record = (record_failures / (3600.0 * record_hours), record_failures)

    def _buckets(self, address: str) -> tuple[list[str], list[float]]:
        key = address_key(address)
        keys = [f"{PREFIX}:join:address:{key}", f"{PREFIX}:join:server", f"{PREFIX}:join:record:{key}"]
        return keys, [*self._own, *self._server, *self._record]

    async def check(self, address: str) -> int:
        keys, rates = self._buckets(address)
        waits = await self.link.script(BUCKETS_LUA, keys, ["peek", *rates])
        if waits is None:
            return self.retry_after(address)
        own, server, record = waits
        return join_wait(own, server, record)

    async def count_failure(self, address: str) -> None:
        keys, rates = self._buckets(address)
        if await self.link.script(BUCKETS_LUA, keys, ["spend", *rates]) is None:
            self.failed(address)


class SharedCreationLimiter(CreationLimiter):
    """`CreationLimiter`'s two buckets (the address's, the server's) in Redis."""

    def __init__(
        self,
        link: RedisLink,
        *,
        per_address_per_hour: float,
        per_address_burst: int,
        global_per_hour: float,
        global_burst: int,
    ) -> None:
        super().__init__(
            per_address_per_hour=per_address_per_hour,
            per_address_burst=per_address_burst,
            global_per_hour=global_per_hour,
            global_burst=global_burst,
        )
        self.link = link
        self._rates = [per_address_per_hour / 3600.0, per_address_burst]
        self._rates += [global_per_hour / 3600.0, global_burst]

    async def claim(self, address: str) -> tuple[int, str | None]:
        keys = [f"{PREFIX}:create:address:{address_key(address)}", f"{PREFIX}:create:server"]
        waits = await self.link.script(BUCKETS_LUA, keys, ["take", *self._rates])
        if waits is None:
            return self.take(address)
        own, server = waits
        if own:
            return own, "address"
        if server:
            return server, "server"
        return 0, None


class SharedSignInLimiter(SignInLimiter):
    """`SignInLimiter`'s buckets (per address, every attempt; per username, each failure) in Redis."""

    def __init__(self, settings: Settings, link: RedisLink) -> None:
        super().__init__(settings)
        self.link = link
        self._address_rate = [settings.sign_in_per_minute / 60.0, settings.sign_in_burst]
        self._username_rate = [settings.sign_in_username_per_hour / 3600.0, settings.sign_in_username_burst]

    @staticmethod
    def _address_key(address: str) -> str:
        return f"{PREFIX}:sign-in:address:{address_key(address)}"

    @staticmethod
    def _username_key(username: str) -> str:
        # hashed: any string may be typed as a username; the key stays short and says nothing readable
        return f"{PREFIX}:sign-in:username:{hashlib.sha256(username.encode()).hexdigest()[:32]}"

    async def check(self, address: str | None, username: str) -> int:
        keys, rates = [self._username_key(username)], [*self._username_rate]
        if address is not None:
            keys.append(self._address_key(address))
            rates += self._address_rate
        waits = await self.link.script(BUCKETS_LUA, keys, ["peek", *rates])
        if waits is None:
            return self.wait(address, username)
        return max(waits)

    async def count_attempt(self, address: str) -> None:
        keys = [self._address_key(address)]
        if await self.link.script(BUCKETS_LUA, keys, ["spend", *self._address_rate]) is None:
            self.attempted(address)

    async def count_failure(self, username: str) -> None:
        keys = [self._username_key(username)]
        if await self.link.script(BUCKETS_LUA, keys, ["spend", *self._username_rate]) is None:
            self.failed(username)


def shared_limiters(settings: Settings) -> tuple[RedisLink, SharedJoinLimiter, SharedCreationLimiter]:
    """The connection to FRESQUE_REDIS_URL, the join and creation limiters on it (`fresque.app`). Sign-in's
    `SharedSignInLimiter` is made by `fresque.api.accounts.sign_in_limiter` on the same connection."""
    assert settings.redis_url, "several-process mode only"
    link = RedisLink(settings.redis_url)
    join = SharedJoinLimiter(
        link,
        per_address_per_minute=settings.join_rate_per_minute,
        per_address_burst=settings.join_rate_burst,
        global_per_minute=settings.join_global_per_minute,
        global_burst=settings.join_global_burst,
        record_failures=settings.join_record_failures,
        record_hours=settings.join_record_hours,
    )
    create = SharedCreationLimiter(
        link,
        per_address_per_hour=settings.create_per_hour,
        per_address_burst=settings.create_burst,
        global_per_hour=settings.create_global_per_hour,
        global_burst=settings.create_global_burst,
    )
    return link, join, create
