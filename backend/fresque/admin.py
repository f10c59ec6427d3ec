"""`fresque admin …`: what the server's operator does from its terminal (the first account of a study team).

    fresque admin create-user amina              # asks the password twice (not echoed)
    printf '%s\n' "$PW" | fresque admin create-user amina --password-stdin

The password is hashed here (argon2id, `fresque.accounts`); only the hash reaches the database, which is
migrated first, so this works on a fresh installation before the server ever started.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from typing import TextIO

from .accounts import AccountError, check_password, check_username, hash_password_now
from .auth import new_id
from .config import Settings
from .db import migrate
from .db.store import Store
from .db.studies import StudyStore, UsernameTaken


class AdminError(Exception):
    pass


def read_password(*, from_stdin: bool, stdin: TextIO = sys.stdin) -> str:
    if from_stdin:
        return stdin.readline().rstrip("\r\n")
    first = getpass.getpass("Password (12 characters or more): ")
    if getpass.getpass("Same password again: ") != first:
        raise AdminError("the two passwords differ")
    return first


async def _create(settings: Settings, username: str, password_hash: str) -> str:
    store = Store.from_url(settings.database_url)
    try:
        account_id = new_id()
        await StudyStore(store).create_account(account_id, username, password_hash)
        return account_id
    finally:
        await store.close()


def create_user(settings: Settings, typed_username: str, password: str) -> str:
    """Make an account; returns its folded username. Raises AdminError with a sentence for the operator."""
    try:
        username = check_username(typed_username)
        check_password(password)
    except AccountError as exc:
        raise AdminError(exc.message) from None
    migrate.upgrade(settings.database_url)
    try:
        asyncio.run(_create(settings, username, hash_password_now(password)))
    except UsernameTaken:
        raise AdminError(f"the username {username!r} is taken") from None
    return username
