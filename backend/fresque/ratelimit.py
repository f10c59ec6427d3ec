"""Token buckets, the one place for them: the join code's guard, the anonymous creations' allowance and each
board socket's message rate.

Here each bucket lives in this process's memory: one process (the default) needs nothing more. Several
processes would each keep their own buckets, multiplying the allowance; with FRESQUE_REDIS_URL the join and
creation limiters are `fresque.shared.limits`' subclasses, whose buckets live in Redis (one budget for every
process), falling back to the in-memory buckets below while Redis is unreachable (docs/scale-out.md). The
routes ask through the `async` methods (`check`, `count_failure`, `claim`) so that either answers.

Client addresses are keyed by `address_key`: an IPv4 address as it is, an IPv6 address by its /64 network
(one subscriber line or one cloud machine usually holds a whole /64: 2^64 addresses would otherwise be 2^64
allowances). At most `max_addresses` addresses are remembered (the least recently used goes first), so a
flood of addresses cannot fill memory; a forgotten address starts afresh, which `docs/security.md` counts.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from typing import Generic, TypeVar

Clock = Callable[[], float]
T = TypeVar("T")


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBucket:
    """`rate_per_minute` tokens come back each minute, up to `burst`; one attempt costs one token."""

    def __init__(self, rate_per_minute: float, burst: int, *, clock: Clock = time.monotonic) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._bucket = _Bucket(self.burst, clock())

    @classmethod
    def per_second(cls, rate: float, burst: int) -> TokenBucket:
        """A socket's messages: `rate` a second on average, bursts up to `burst`."""
        return cls(rate * 60.0, burst)

    def take(self) -> bool:
        """Spend a token when one is there: what is over the rate is refused at once, never waited for."""
        b = self._refill()
        if b.tokens >= 1.0:
            b.tokens -= 1.0
            return True
        return False

    def _refill(self) -> _Bucket:
        now = self.clock()
        b = self._bucket
        b.tokens = min(self.burst, b.tokens + (now - b.at) * self.rate)
        b.at = now
        return b

    def retry_after(self) -> int:
        """0 when an attempt may be made now; else whole seconds until one token is back."""
        b = self._refill()
        if b.tokens >= 1.0:
            return 0
        return max(1, math.ceil((1.0 - b.tokens) / self.rate))

    def spend(self) -> None:
        b = self._refill()
        b.tokens = max(0.0, b.tokens - 1.0)

    @property
    def full(self) -> bool:
        return self._refill().tokens >= self.burst


def address_key(address: str) -> str:
    """The key an address is limited under: IPv4 as is, IPv6 by its /64 (an IPv4-mapped IPv6 as its IPv4)."""
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return address  # "unknown", a test client's name: one key each
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped is not None:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.IPv6Network((parsed, 64), strict=False))
    return str(parsed)


class AddressTable(Generic[T]):
    """Per-address state, made by `factory` on first sight; `max_addresses` at most (least recent out)."""

    def __init__(self, factory: Callable[[], T], max_addresses: int) -> None:
        self._factory = factory
        self._max = max_addresses
        self._entries: OrderedDict[str, T] = OrderedDict()

    def __len__(self) -> int:
        return len(self._entries)

    def get(self, address: str) -> T:
        key = address_key(address)
        entry = self._entries.get(key)
        if entry is None:
            entry = self._factory()
            self._entries[key] = entry
            while len(self._entries) > self._max:
                self._entries.popitem(last=False)
        else:
            self._entries.move_to_end(key)
        return entry


@dataclass
class _Guesser:
    own: TokenBucket  # wrong codes this address may send: its burst, then its rate
    record: TokenBucket  # its recent wrong codes, for when the server-wide budget is spent


class JoinLimiter:
    """The typed code's guard: a bucket per client address, one for the whole server, and each address's
    record.

    Only failed attempts (unknown or expired code) spend tokens, so a room of residents behind one address
    (the community centre's Wi-Fi) can all join with the right code.

    - An address whose own bucket is empty is refused everything, a right code included: otherwise a 429
      would only ever answer wrong guesses, and guessing would go on unbounded.
    - The server-wide bucket never refuses an address for others' failures alone. While it is empty, an
      address is still heard if its record holds a token: fewer than `record_failures` wrong codes within
      about `record_hours`. A resident who never typed a wrong code (or one typo) is answered as usual, right
      code admitted; the addresses that have been guessing are refused until the server-wide budget comes
      back. `docs/security.md` ("Guessing a join code") counts what a many-address attacker gets.
    """

    def __init__(
        self,
        *,
        per_address_per_minute: float,
        per_address_burst: int,
        global_per_minute: float,
        global_burst: int,
        record_failures: int = 3,
        record_hours: float = 1.0,
        max_addresses: int = 10_000,
        clock: Clock = time.monotonic,
    ) -> None:
        def guesser() -> _Guesser:
            return _Guesser(
                own=TokenBucket(per_address_per_minute, per_address_burst, clock=clock),
                record=TokenBucket(record_failures / (60.0 * record_hours), record_failures, clock=clock),
            )

        self._addresses: AddressTable[_Guesser] = AddressTable(guesser, max_addresses)
        self.global_bucket = TokenBucket(global_per_minute, global_burst, clock=clock)

    def retry_after(self, address: str) -> int:
        """0 when `address` may try a code now, else the seconds to wait."""
        g = self._addresses.get(address)
        return join_wait(g.own.retry_after(), self.global_bucket.retry_after(), g.record.retry_after())

    def failed(self, address: str) -> None:
        guesser = self._addresses.get(address)
        guesser.own.spend()
        guesser.record.spend()
        self.global_bucket.spend()

    # What the routes call: the shared limiter (`fresque.shared.limits`) answers these from Redis.
    async def check(self, address: str) -> int:
        return self.retry_after(address)

    async def count_failure(self, address: str) -> None:
        self.failed(address)


def join_wait(own: int, shared: int, record: int) -> int:
    """The join guard's answer from its three buckets' waits (0: a token is there), as `JoinLimiter` says."""
    if own:
        return own
    if not shared:
        return 0
    return 0 if not record else min(shared, record)


@dataclass
class _Creator:
    own: TokenBucket


class CreationLimiter:
    """Anonymous creations (a new workshop): per client address, and for the whole server, per hour.

    Unlike the join code, every creation costs a token, whether or not the next ones will: each one writes
    to the disk. `take` answers 0 and spends a token of both buckets, or the seconds to wait (nothing spent).
    """

    def __init__(
        self,
        *,
        per_address_per_hour: float,
        per_address_burst: int,
        global_per_hour: float,
        global_burst: int,
        max_addresses: int = 10_000,
        clock: Clock = time.monotonic,
    ) -> None:
        def creator() -> _Creator:
            return _Creator(TokenBucket(per_address_per_hour / 60.0, per_address_burst, clock=clock))

        self._addresses: AddressTable[_Creator] = AddressTable(creator, max_addresses)
        self.global_bucket = TokenBucket(global_per_hour / 60.0, global_burst, clock=clock)

    def take(self, address: str) -> tuple[int, str | None]:
        """(0, None) when `address` may create now (a token of each bucket spent); else (seconds to wait,
        "address" or "server": which allowance is spent)."""
        own = self._addresses.get(address).own
        wait = own.retry_after()
        if wait:
            return wait, "address"
        wait = self.global_bucket.retry_after()
        if wait:
            return wait, "server"
        own.spend()
        self.global_bucket.spend()
        return 0, None

    async def claim(self, address: str) -> tuple[int, str | None]:
        """`take`, as the routes call it (the shared limiter answers it from Redis)."""
        return self.take(address)
