"""Token buckets for the join code: per client address and for the whole server.

In-process only: each bucket lives in this process's memory. Several server processes (or hosts) would each
keep their own buckets, multiplying the allowance; they would need a shared store (Redis, a database table)
instead. Fresque runs one process per deployment, so this is enough.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class _Bucket:
    tokens: float
    at: float


class TokenBucket:
    """`rate_per_minute` tokens come back each minute, up to `burst`; one attempt costs one token."""

    def __init__(
        self, rate_per_minute: float, burst: int, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.rate = rate_per_minute / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._bucket = _Bucket(self.burst, clock())

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


class JoinLimiter:
    """The typed code's guard: a bucket per client address and one global bucket.

    Only failed attempts (unknown or expired code) spend a token, but every attempt is refused while either
    bucket is empty, a right code included: so a room of residents behind one address (the community
    centre's Wi-Fi) can all join, while guessing stays bounded. At most `max_addresses` buckets are kept
    (the least recently used goes first), so a flood of addresses cannot fill memory.
    """

    def __init__(
        self,
        *,
        per_address_per_minute: float,
        per_address_burst: int,
        global_per_minute: float,
        global_burst: int,
        max_addresses: int = 10_000,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._per_minute = per_address_per_minute
        self._burst = per_address_burst
        self._clock = clock
        self._max = max_addresses
        self._addresses: OrderedDict[str, TokenBucket] = OrderedDict()
        self.global_bucket = TokenBucket(global_per_minute, global_burst, clock=clock)

    def _bucket(self, address: str) -> TokenBucket:
        bucket = self._addresses.get(address)
        if bucket is None:
            bucket = TokenBucket(self._per_minute, self._burst, clock=self._clock)
            self._addresses[address] = bucket
            while len(self._addresses) > self._max:
                self._addresses.popitem(last=False)
        else:
            self._addresses.move_to_end(address)
        return bucket

    def retry_after(self, address: str) -> int:
        """0 when `address` may try a code now, else the seconds to wait."""
        return max(self._bucket(address).retry_after(), self.global_bucket.retry_after())

    def failed(self, address: str) -> None:
        self._bucket(address).spend()
        self.global_bucket.spend()
