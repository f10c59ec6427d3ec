"""Tokens, join codes and who is asking.

A token is 256 random bits, given once to its holder and stored only as its SHA-256. A join code is typed by
residents, so it uses an alphabet without look-alikes (no 0/O, 1/I/L) and is shown in groups of three.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

from starlette.requests import HTTPConnection

SESSION_COOKIE = "fresque_session"
CSRF_HEADER = "X-Fresque-CSRF"
SECRET_FILE = "secret_key"  # noqa: S105 (a file name, not a secret)
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


def load_secret(secret_key: str | None, data_dir: Path) -> bytes:
    """The CSRF key: `FRESQUE_SECRET_KEY`, else `{data_dir}/secret_key`, made once (0600) and kept."""
    if secret_key:
        return secret_key.encode("utf-8")
    path = Path(data_dir) / SECRET_FILE
    try:
        return path.read_bytes().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    made = secrets.token_hex(32).encode("ascii")
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return path.read_bytes().strip()
    with os.fdopen(fd, "wb") as f:
        f.write(made)
    return made


def csrf_token(secret: bytes, token_hash: str) -> str:
    """A session's CSRF token: derived, never stored; it dies with the session (a new token, a new hash)."""
    return hmac.new(secret, token_hash.encode("ascii"), hashlib.sha256).hexdigest()


def csrf_matches(secret: bytes, token_hash: str, sent: str | None) -> bool:
    return bool(sent) and hmac.compare_digest(csrf_token(secret, token_hash), str(sent))


def bearer_from(connection: HTTPConnection) -> str | None:
    header = connection.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return None


def token_from(connection: HTTPConnection, *, allow_cookie: bool) -> str | None:
    """The bearer token of a request or WebSocket upgrade.

    The cookie is honoured only where a forged cross-site request can do no harm: reads, and WebSocket
    upgrades (whose Origin is checked before anything else). HTTP writes take the cookie only together
    with a checked Origin and CSRF token (`fresque.api.deps.browser_writer`).
    """
    bearer = bearer_from(connection)
    if bearer is not None:
        return bearer
    if allow_cookie:
        return connection.cookies.get(SESSION_COOKIE) or None
    return None
