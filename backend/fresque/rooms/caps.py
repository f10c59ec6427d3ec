"""How many board sockets this process holds: per session, per client address, and in all.

Every socket costs the process a file descriptor. Left unbounded, one token opening sockets in a loop ran the
process out of them: `accept()` failed, `/healthz`, the database and static files with it, and asyncio logged
a traceback per failed accept. So each upgrade takes a slot here before anything else is done for it, and
gives it back when its socket ends; beyond a cap it is refused (docs/protocol.md, "Errors and limits"):

- per session (a resident's phone and a second tab): 429 `too_many_sockets_session`;
- per client address (a community centre's Wi-Fi puts a whole room behind one: generous): 429
  `too_many_sockets_address`;
- in all, `FRESQUE_MAX_SOCKETS`, by default the file limit less a reserve for the database, logs, static files
  and `/healthz`: 503 `server_full`, before the process runs out.

Refusals are logged once per interval with their counts, never once per attempt: a refused client retrying in
a loop must not fill the disk with the log. The same goes for asyncio's `accept()` errors, should the process
still run out (sockets that never upgrade are not counted here).

Also here: reaching a socket's transport under uvicorn, to abort a socket whose close cannot be written.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import resource
import socket
import struct
import time
from collections import Counter
from collections.abc import Callable, MutableMapping
from dataclasses import dataclass, field
from typing import Any

from ..ratelimit import address_key

log = logging.getLogger(__name__)

REFUSAL_LOG_INTERVAL = 60.0  # seconds between two log lines about refused sockets (or failed accepts)
# File descriptors kept for what is not a board socket: database connections (SQLite: a file, its -wal and
# -shm per connection; PostgreSQL: its pool), the log, static files being sent, plain HTTP requests such as
# /healthz and joins, the listening socket and the event loop's own.
MIN_FD_RESERVE = 128
TRANSPORT_KEY = "fresque.transport"  # where `socket_entry` puts a socket's transport in the ASGI scope


def file_limit() -> int:
    """This process's soft limit on open files."""
    return resource.getrlimit(resource.RLIMIT_NOFILE)[0]


def raise_file_limit() -> int:
    """Raise the soft limit on open files to the hard one (a distribution's default soft limit, often 1,024,
    is far below what a server may hold); returns the soft limit in force."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard == resource.RLIM_INFINITY or hard > soft:
        target = hard if hard != resource.RLIM_INFINITY else max(soft, 1 << 20)
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (target, hard))
        except (ValueError, OSError):  # some systems cap it lower (macOS: OPEN_MAX): keep what we have
            log.warning("could not raise the open files limit from %d to %d", soft, target)
    return file_limit()


def default_max_sockets(limit: int | None = None) -> int:
    """The sockets the process may hold with `limit` open files, keeping a reserve for everything else."""
    limit = file_limit() if limit is None else limit
    reserve = max(MIN_FD_RESERVE, limit // 8)
    return max(1, limit - reserve)


@dataclass(frozen=True)
class Refusal:
    """Why an upgrade is refused: the HTTP status, a stable code and a sentence (`api.ws.deny`)."""

    status: int
    code: str
    message: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Retry-After": "30"} if self.status == 503 else {}


class RefusalLog:
    """Counts refusals and logs them at most once per `interval`: the first at once, the others summed in one
    line when the interval ends."""

    def __init__(self, logger: logging.Logger, what: str, interval: float = REFUSAL_LOG_INTERVAL) -> None:
        self.logger = logger
        self.what = what
        self.interval = interval
        self._pending: Counter[str] = Counter()
        self._quiet_until = 0.0
        self._flush: asyncio.TimerHandle | None = None

    def record(self, reason: str) -> None:
        now = time.monotonic()
        if now >= self._quiet_until:
            self._quiet_until = now + self.interval
            self.logger.warning(
                "%s: %s (further ones are counted for %.0f s)", self.what, reason, self.interval
            )
            return
        self._pending[reason] += 1
        if self._flush is None:
            with contextlib.suppress(RuntimeError):  # no running loop (a unit test): the next call flushes
                loop = asyncio.get_running_loop()
                self._flush = loop.call_later(self._quiet_until - now, self.flush)

    def flush(self) -> None:
        self._flush = None
        if not self._pending:
            return
        counts = ", ".join(f"{reason} ×{n}" for reason, n in self._pending.most_common())
        self._pending.clear()
        self._quiet_until = time.monotonic() + self.interval
        self.logger.warning("%s in the last %.0f s: %s", self.what, self.interval, counts)


@dataclass
class SocketCaps:
    per_session: int
    per_address: int
    total: int
    refusals: RefusalLog = field(default_factory=lambda: RefusalLog(log, "board sockets refused"))
    _sessions: Counter[str] = field(default_factory=Counter)
    _addresses: Counter[str] = field(default_factory=Counter)
    _total: int = 0

    @property
    def held(self) -> int:
        return self._total

    def admit(self, address: str) -> Slot | Refusal:
        """A slot for a new socket from `address`, or why not. Checked and taken with no await between.
        Addresses count as the other per-address limits do (an IPv6 address by its /64)."""
        address = address_key(address)
        if self._total >= self.total:
            return self._refuse(
                Refusal(503, "server_full", "the server holds all the boards it can: retry later")
            )
        if self._addresses[address] >= self.per_address:
            return self._refuse(
                Refusal(429, "too_many_sockets_address", "too many boards are open from this address")
            )
        self._total += 1
        self._addresses[address] += 1
        return Slot(self, address)

    def _refuse(self, refusal: Refusal) -> Refusal:
        self.refusals.record(f"{refusal.status} {refusal.code}")
        return refusal


class Slot:
    """One socket's place in the counts, from its upgrade to its end; `release` is idempotent."""

    def __init__(self, caps: SocketCaps, address: str) -> None:
        self.caps = caps
        self.address = address
        self.session: str | None = None
        self.released = False

    def claim_session(self, session_key: str) -> Refusal | None:
        """Count this socket against its session too; a refusal leaves the slot to be released."""
        caps = self.caps
        if caps._sessions[session_key] >= caps.per_session:
            return caps._refuse(
                Refusal(429, "too_many_sockets_session", "this session has too many boards open: close one")
            )
        caps._sessions[session_key] += 1
        self.session = session_key
        return None

    def release(self) -> None:
        if self.released:
            return
        self.released = True
        caps = self.caps
        caps._total -= 1
        _decrement(caps._addresses, self.address)
        if self.session is not None:
            _decrement(caps._sessions, self.session)


def _decrement(counter: Counter[str], key: str) -> None:
    counter[key] -= 1
    if counter[key] <= 0:
        del counter[key]  # no entry left behind per address or session that came once


# -- the transport under a socket ------------------------------------------------------------------------


def aborter(scope: MutableMapping[str, Any]) -> Callable[[], None] | None:
    """What drops this socket at once, kernel buffers included; None when the transport is out of reach."""
    transport = scope.get(TRANSPORT_KEY)
    if not isinstance(transport, asyncio.Transport):
        return None

    def abort() -> None:  # a no-op on a transport already lost
        sock = transport.get_extra_info("socket")
        if sock is not None:
            # Linger 0: the kernel drops what is still queued for the client and resets the connection,
            # instead of keeping the socket (and megabytes of send queue) until a client that reads nothing
            # takes it.
            with contextlib.suppress(OSError):
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        transport.abort()

    return abort


class RateLimitedFilter(logging.Filter):
    """Let through one record a `interval` of those `matches` picks, with how many were held back since."""

    def __init__(self, matches: Callable[[logging.LogRecord], bool], interval: float = REFUSAL_LOG_INTERVAL):
        super().__init__()
        self.matches = matches
        self.interval = interval
        self._next = 0.0
        self._held = 0

    def filter(self, record: logging.LogRecord) -> bool:
        if not self.matches(record):
            return True
        now = time.monotonic()
        if now < self._next:
            self._held += 1
            return False
        self._next = now + self.interval
        if self._held:
            record.msg = f"{record.getMessage()} ({self._held} more in the last {self.interval:.0f} s)"
            record.args = None
            self._held = 0
        return True


def _failed_accept(record: logging.LogRecord) -> bool:
    return str(record.msg).startswith("socket.accept() out of system resource")


def _redundant_socket_line(record: logging.LogRecord) -> bool:
    # The lines per refused upgrade, uvicorn's ('%s - "WebSocket %s" %d') and websockets' ('connection
    # rejected (%d %s)'), both on uvicorn's logger: `SocketCaps` logs them summed instead. Also websockets'
    # "connection open", which says nothing uvicorn's "[accepted]" line beside it does not (with the address).
    args, msg = record.args, str(record.msg)
    if msg == "connection open":
        return True
    if not isinstance(args, tuple):
        return False
    if msg.startswith("connection rejected") and len(args) == 2:
        return args[0] in (429, 503)
    return len(args) == 3 and args[2] in (429, 503) and '"WebSocket %s"' in msg


def quiet_floods() -> None:
    """Keep the log's growth bounded under a flood of sockets: asyncio's accept() errors once per interval
    (each came with a traceback, a hundred per loop turn), the lines per refused upgrade not at all (they are
    counted), one line per accepted socket instead of two."""
    logging.getLogger("asyncio").addFilter(RateLimitedFilter(_failed_accept))
    logging.getLogger("uvicorn.error").addFilter(_DropFilter(_redundant_socket_line))


class _DropFilter(logging.Filter):
    def __init__(self, matches: Callable[[logging.LogRecord], bool]) -> None:
        super().__init__()
        self.matches = matches

    def filter(self, record: logging.LogRecord) -> bool:
        return not self.matches(record)
