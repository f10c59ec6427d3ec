"""A study team's accounts over HTTP: sign in, sign out, change one's password, who am I.

- `POST /api/account/sign-in` `{username, password}` (anyone): a session, as the `fresque_account` cookie
  and `{token, account, csrf}`;
- `POST /api/account/sign-out` (the account: Bearer, or cookie + CSRF): that session is revoked, the cookie
  cleared;
- `POST /api/account/password` `{current, new}` (the account): a new password; every other session ends;
- `GET /api/account` (the account): `{account, studies}`, me and the studies I am on the team of.

Guessing passwords: a wrong username and a wrong password get the same answer (401 `sign_in_failed`) after
the same work (an unknown username is checked against a dummy argon2id hash, `fresque.accounts`), and
`SignInLimiter` bounds the attempts per client address (every attempt: each costs a hash) and per username
(failed ones, from anywhere): 429 `too_many_sign_ins` with `Retry-After`.
"""

from __future__ import annotations

import time
from typing import Annotated, Any

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from ..accounts import (
    PASSWORD_MAX,
    AccountError,
    check_password,
    fold_username,
    hash_password,
    needs_rehash,
    verify_password,
)
from ..auth import csrf_token, hash_token, new_token
from ..config import Settings
from ..ratelimit import AddressTable, Clock, TokenBucket
from .account_deps import ACCOUNT_COOKIE, AccountReader, AccountWriter, SignedIn, set_account_cookie
from .deps import Services, ServicesDep
from .errors import ApiError
from .joining import client_address

router = APIRouter(prefix="/api")

#: How many addresses and usernames the limiter remembers (the least recent is forgotten first).
REMEMBERED: int = 10_000


class SignInLimiter:
    """Sign-in attempts: a token bucket per client address (`fresque.ratelimit.address_key`: an IPv6 /64 is
    one address) spent by every attempt, and one per (folded) username spent by each failure.

    The username's bucket exists for any string, an account's or not, so a 429 says nothing about which
    usernames exist. Its cost: someone who fails on purpose can keep an account's owner waiting (Retry-After,
    minutes at the defaults), never locked out for good; the README's table says why these numbers."""

    def __init__(self, settings: Settings, *, clock: Clock = time.monotonic) -> None:
        def per_address() -> TokenBucket:
            return TokenBucket(settings.sign_in_per_minute, settings.sign_in_burst, clock=clock)

        def per_username() -> TokenBucket:
            return TokenBucket(
                settings.sign_in_username_per_hour / 60.0, settings.sign_in_username_burst, clock=clock
            )

        self._addresses: AddressTable[TokenBucket] = AddressTable(per_address, REMEMBERED)
        self._usernames: AddressTable[TokenBucket] = AddressTable(per_username, REMEMBERED)

    def _username(self, username: str) -> TokenBucket:
        # prefixed: a username that reads as an IP address must not share an address's bucket
        return self._usernames.get(f"username:{username}")

    def wait(self, address: str | None, username: str) -> int:
        """0 when an attempt may be made now, else the seconds to wait."""
        own = self._addresses.get(address).retry_after() if address is not None else 0
        return max(own, self._username(username).retry_after())

    def attempted(self, address: str) -> None:
        self._addresses.get(address).spend()

    def failed(self, username: str) -> None:
        self._username(username).spend()

    # What the routes call: with several processes, `fresque.shared.limits.SharedSignInLimiter` answers
    # these from Redis (one budget for every process).
    async def check(self, address: str | None, username: str) -> int:
        return self.wait(address, username)

    async def count_attempt(self, address: str) -> None:
        self.attempted(address)

    async def count_failure(self, username: str) -> None:
        self.failed(username)


def sign_in_limiter(request: Request) -> SignInLimiter:
    """This app's limiter, made on first use (it lives as long as the app, like the join code's); in Redis
    when the app has a connection to it (FRESQUE_REDIS_URL, `fresque.app`)."""
    state = request.app.state
    found: SignInLimiter | None = getattr(state, "sign_in_limiter", None)
    if found is None:
        settings = request.app.state.services.settings
        link = getattr(state, "redis_link", None)
        if link is None:
            found = SignInLimiter(settings)
        else:
            from ..shared.limits import SharedSignInLimiter

            found = SharedSignInLimiter(settings, link)
        state.sign_in_limiter = found
    return found


def too_many(wait: int) -> ApiError:
    return ApiError(
        429,
        "too_many_sign_ins",
        f"too many sign-in attempts: try again in {wait} s",
        headers={"Retry-After": str(wait)},
        extra={"retry_after": wait},
    )


class Closed(BaseModel):
    model_config = ConfigDict(extra="forbid")


Password = Annotated[str, Field(max_length=PASSWORD_MAX)]


class SignInIn(Closed):
    username: Annotated[str, Field(min_length=1, max_length=200)]
    password: Password


class PasswordIn(Closed):
    current: Password
    new: Password


def account_json(account_id: str, username: str) -> dict[str, str]:
    return {"id": account_id, "username": username}


async def start_session(
    services: Services, response: Response, account_id: str, username: str
) -> dict[str, Any]:
    """A new session for the account: the cookie on `response`, and `{token, account, csrf}` (the page's
    CSRF token for cookie writes, as `<meta name="fresque-csrf">` carries it)."""
    token = new_token()
    await services.studies.add_account_session(account_id, hash_token(token))
    set_account_cookie(response, token, services)
    return {
        "token": token,
        "account": account_json(account_id, username),
        "csrf": csrf_token(services.secret, hash_token(token)),
    }


_warmed = False


@router.post("/account/sign-in")
async def sign_in(
    body: SignInIn, request: Request, response: Response, services: ServicesDep
) -> dict[str, Any]:
    global _warmed
    address = client_address(request)
    username = fold_username(body.username)
    limiter = sign_in_limiter(request)
    wait = await limiter.check(address, username)
    if wait:
        raise too_many(wait)
    await limiter.count_attempt(address)
    if not _warmed:
        # the dummy hash an unknown username is checked against is made once: make it before the first
        # answer, so that no answer (the first included) takes longer for an unknown username
        await verify_password(None, "")
        _warmed = True
    account = await services.studies.account_by_username(username)
    stored = account.password_hash if account is not None and not account.disabled else None
    if not await verify_password(stored, body.password) or account is None or stored is None:
        await limiter.count_failure(username)
        raise ApiError(401, "sign_in_failed", "wrong username or password")
    if needs_rehash(stored):
        await services.studies.rehash_password(account.id, await hash_password(body.password))
    return await start_session(services, response, account.id, account.username)


def _clear_cookie(response: Response, services: Services) -> None:
    response.delete_cookie(
        ACCOUNT_COOKIE, path="/", httponly=True, samesite="lax", secure=services.settings.cookie_secure
    )


@router.post("/account/sign-out", status_code=204)
async def sign_out(signed_in: AccountWriter, services: ServicesDep) -> Response:
    """This session ends at once (its token gets 401 everywhere); the account's other sessions stay."""
    await services.studies.revoke_account_session(signed_in.token_hash)
    response = Response(status_code=204)
    _clear_cookie(response, services)
    return response


@router.post("/account/password", status_code=204)
async def change_password(
    body: PasswordIn, request: Request, signed_in: AccountWriter, services: ServicesDep
) -> Response:
    """The current password, then the new one (`fresque.accounts.check_password`): every other session of
    the account is revoked (a lost phone signed in stops working); this one stays."""
    try:
        check_password(body.new)
    except AccountError as exc:
        raise ApiError(422, exc.code, exc.message) from None
    username = signed_in.account.username
    limiter = sign_in_limiter(request)
    # a stolen session must not guess the password faster than sign-in
    wait = await limiter.check(None, username)
    if wait:
        raise too_many(wait)
    account = await services.studies.account(signed_in.account.account_id)
    if account is None or not await verify_password(account.password_hash, body.current):
        await limiter.count_failure(username)
        raise ApiError(403, "wrong_password", "the current password is not this one")
    await services.studies.set_password_hash(
        account.id, await hash_password(body.new), keep_session=signed_in.token_hash
    )
    return Response(status_code=204)


async def me_json(services: Services, signed_in: SignedIn) -> dict[str, Any]:
    account = signed_in.account
    studies = await services.studies.studies_of(account.account_id)
    return {
        "account": account_json(account.account_id, account.username),
        "studies": [
            {
                "id": study.id,
                "title": study.title,
                "territory": study.territory,
                "period_start": study.period_start,
                "period_end": study.period_end,
                "role": role,
                "url": f"/studies/{study.id}",
            }
            for study, role in studies
        ],
    }


@router.get("/account")
async def me(signed_in: AccountReader, services: ServicesDep) -> dict[str, Any]:
    return await me_json(services, signed_in)
