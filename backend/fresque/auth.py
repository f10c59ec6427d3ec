"""Tokens, join codes and who is asking.

A token is 256 random bits, given once to its holder and stored only as its SHA-256. A join code is typed by
residents, so it uses an alphabet without look-alikes (no 0/O, 1/I/L) and is shown in groups of three.
"""

from __future__ import annotations

import hashlib
import secrets

from starlette.requests import HTTPConnection

SESSION_COOKIE = "fresque_session"
JOIN_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"  # 31 symbols: 10 of them carry 49.5 bits
JOIN_CODE_LENGTH = 10


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def new_id() -> str:
    return secrets.token_hex(16)


def new_join_code() -> str:
    return "".join(secrets.choice(JOIN_ALPHABET) for _ in range(JOIN_CODE_LENGTH))


def normalise_join_code(typed: str) -> str:
    """What a resident typed, in the form stored: spaces and dashes dropped, upper case."""
    return "".join(ch for ch in typed.upper() if ch not in " -\t")


def display_join_code(code: str) -> str:
    return "-".join(code[i : i + 3] for i in range(0, len(code), 3))


def token_from(connection: HTTPConnection, *, allow_cookie: bool) -> str | None:
    """The bearer token of a request or WebSocket upgrade.

    The cookie is honoured only where a forged cross-site request can do no harm: reads, and WebSocket
    upgrades (whose Origin is checked before anything else). HTTP writes need `Authorization: Bearer`.
    """
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    if allow_cookie:
        return connection.cookies.get(SESSION_COOKIE) or None
    return None
