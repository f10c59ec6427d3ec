"""Accounts of a study's team: usernames, and passwords kept only as argon2id hashes.

The hashing is argon2-cffi's `PasswordHasher` with its defaults (argon2id, RFC 9106's second recommended
parameters: 64 MiB, 3 passes, 4 lanes); a hash made with older parameters is re-made at the next sign-in
(`needs_rehash`). One hash takes ~0.2 s of CPU and 64 MiB, so it runs in a worker thread (the event loop keeps
serving the rooms) and at most `HASHING_AT_ONCE` run together: a burst of sign-ins waits in line rather than
taking the server's memory. Sign-in attempts are also rate-limited (`fresque.api.accounts`).
"""

from __future__ import annotations

import asyncio
import functools
import threading
import unicodedata
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

USERNAME_MIN: Final = 3
USERNAME_MAX: Final = 60
PASSWORD_MIN: Final = 12  # ANSSI's advice for a password alone; a passphrase of three words passes
PASSWORD_MAX: Final = 256  # argon2 takes any length; this only bounds the work a request can ask for
HASHING_AT_ONCE: Final = 2

_hasher = PasswordHasher()
# a thread semaphore, taken in the worker thread: it works across event loops (each test has its own)
_hashing = threading.BoundedSemaphore(HASHING_AT_ONCE)


class AccountError(ValueError):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


def fold_username(typed: str) -> str:
    """The stored form of a username: NFKC, trimmed, case-folded, so « Amina » and « amina » are one."""
    return unicodedata.normalize("NFKC", typed).strip().casefold()


def check_username(typed: str) -> str:
    folded = fold_username(typed)
    if not USERNAME_MIN <= len(folded) <= USERNAME_MAX:
        raise AccountError(
            "invalid_username", f"a username has {USERNAME_MIN} to {USERNAME_MAX} characters"
        )
    if any(ch.isspace() or unicodedata.category(ch)[0] in "CZ" for ch in folded):
        raise AccountError("invalid_username", "a username has no spaces and no control characters")
    return folded


def check_password(password: str) -> str:
    if len(password) < PASSWORD_MIN:
        raise AccountError("password_too_short", f"a password has at least {PASSWORD_MIN} characters")
    if len(password) > PASSWORD_MAX:
        raise AccountError("password_too_long", f"a password has at most {PASSWORD_MAX} characters")
    return password


def hash_password_now(password: str) -> str:
    """The argon2id hash (blocking: for the command line; the server uses `hash_password`)."""
    with _hashing:
        return _hasher.hash(password)


async def hash_password(password: str) -> str:
    return await asyncio.to_thread(hash_password_now, password)


def _verify(stored: str, password: str) -> bool:
    with _hashing:
        try:
            return _hasher.verify(stored, password)
        except (VerificationError, InvalidHashError):
            return False


async def verify_password(stored: str | None, password: str) -> bool:
    """Whether `password` matches; with no account (`stored` None) a dummy hash is checked anyway, so the
    answer takes as long for an unknown username as for a wrong password."""
    matched = await asyncio.to_thread(_verify, stored or _dummy(), password)
    return matched and stored is not None


def needs_rehash(stored: str) -> bool:
    return _hasher.check_needs_rehash(stored)


@functools.cache
def _dummy() -> str:
    return _hasher.hash("not a password of anyone's")
