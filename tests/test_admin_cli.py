"""`fresque admin create-user` and the password rules behind it (`fresque.accounts`)."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from fresque.accounts import AccountError, check_password, check_username, needs_rehash, verify_password
from fresque.db.store import Store
from fresque.db.studies import StudyStore

REPO = Path(__file__).resolve().parents[1]
PASSWORD = "correct horse battery staple"


def _admin(
    database_url: str, username: str, password: str, data_dir: Path
) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "fresque.cli",
            "admin",
            "create-user",
            username,
            "--password-stdin",
            "--database-url",
            database_url,
        ],
        input=password + "\n",
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "FRESQUE_DATA_DIR": str(data_dir)},
    )


async def _account(database_url: str, username: str) -> tuple[str, int] | None:
    store = Store.from_url(database_url)
    try:
        studies = StudyStore(store)
        found = await studies.account_by_username(username)
        return None if found is None else (found.password_hash, await studies.count_accounts())
    finally:
        await store.close()


def test_create_user_makes_one_account_with_an_argon2id_hash(database_url: str, tmp_path: Path) -> None:
    made = _admin(database_url, "  Amina ", PASSWORD, tmp_path)
    assert made.returncode == 0, made.stderr
    assert "account 'amina' created" in made.stderr
    # the migration log is not printed to the operator
    assert "alembic" not in made.stderr
    found = asyncio.run(_account(database_url, "amina"))
    assert found is not None
    stored, count = found
    assert count == 1
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert asyncio.run(verify_password(stored, PASSWORD))
    assert not asyncio.run(verify_password(stored, PASSWORD + "!"))
    assert not needs_rehash(stored)

    again = _admin(database_url, "AMINA", PASSWORD, tmp_path)
    assert again.returncode == 1
    assert "the username 'amina' is taken" in again.stderr
    short = _admin(database_url, "bob", "short", tmp_path)
    assert short.returncode == 1
    assert "at least 12 characters" in short.stderr
    assert asyncio.run(_account(database_url, "bob")) is None


def test_sqlite_file_never_holds_the_password(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'f.db'}"
    assert _admin(url, "karim", PASSWORD, tmp_path).returncode == 0
    on_disk = b"".join(p.read_bytes() for p in tmp_path.glob("f.db*"))
    assert b"karim" in on_disk  # the file read is the one written
    assert PASSWORD.encode() not in on_disk


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("ab", "invalid_username"),
        ("a b c", "invalid_username"),
        ("x" * 61, "invalid_username"),
        ("a\u200bbc", "invalid_username"),
    ],
)
def test_bad_usernames_are_refused(typed: str, code: str) -> None:
    with pytest.raises(AccountError) as raised:
        check_username(typed)
    assert raised.value.code == code


def test_usernames_are_folded_and_passwords_bounded() -> None:
    assert check_username(" Ｓａｍｉｒ ") == "samir"  # full-width letters and case fold to one name
    with pytest.raises(AccountError, match="at most 256"):
        check_password("x" * 257)
    assert check_password("x" * 12) == "x" * 12


def test_an_unknown_account_is_checked_against_a_dummy_hash() -> None:
    assert asyncio.run(verify_password(None, PASSWORD)) is False
