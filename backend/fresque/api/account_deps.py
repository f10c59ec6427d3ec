"""Who a study-level request is: a signed-in account, and what it may see of a study.

An account signs in with its username and password (`fresque.api.accounts`) and gets a session token, as a
workshop's participant does, but in its own table (`account_sessions`) and its own cookie (`fresque_account`),
so a team member's browser can hold both: the account (the study's pages) and a workshop session (a console
or a board). The rules are the workshop's (`fresque.api.deps`): reads take the Bearer header or the cookie;
writes take Bearer, or the cookie with this server's Origin and the page's CSRF token (derived from the
account session's hash).

A study's data is its team's only: anyone else, signed in or not, gets the same 404 as for a study that does
not exist, so study ids cannot be probed.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Response

from ..auth import CSRF_HEADER, bearer_from, csrf_matches, hash_token
from ..db.studies import OWNER, AccountInfo
from .deps import Services, origin_allowed, services, set_token_cookie
from .errors import ApiError

ACCOUNT_COOKIE = "fresque_account"


@dataclass(frozen=True)
class SignedIn:
    account: AccountInfo
    token_hash: str  # of the session token: sign-out revokes it, the CSRF token derives from it


async def _signed_in(request: Request, *, write: bool) -> SignedIn:
    found = services(request)
    token = bearer_from(request)
    if token is None:
        token = request.cookies.get(ACCOUNT_COOKIE)
        if not token:
            raise ApiError(401, "sign_in_required", "sign in (or send Authorization: Bearer <account token>)")
        if write and not (
            origin_allowed(request, found.settings)
            and csrf_matches(found.secret, hash_token(token), request.headers.get(CSRF_HEADER))
        ):
            raise ApiError(
                403,
                "csrf_failed",
                f"a write with the account cookie needs this server's Origin and the page's {CSRF_HEADER} "
                "header (or send Authorization: Bearer <account token>)",
            )
    token_hash = hash_token(token)
    account = await found.studies.account_session(token_hash)
    if account is None:
        raise ApiError(401, "sign_in_invalid", "this account session is unknown, ended or revoked")
    return SignedIn(account, token_hash)


async def account_reader(request: Request) -> SignedIn:
    return await _signed_in(request, write=False)


async def account_writer(request: Request) -> SignedIn:
    return await _signed_in(request, write=True)


AccountReader = Annotated[SignedIn, Depends(account_reader)]
AccountWriter = Annotated[SignedIn, Depends(account_writer)]


async def study_role(services: Services, study_id: str, signed_in: SignedIn, *, owner: bool = False) -> str:
    """The account's role on the study's team; 404 `study_not_found` when it is not on it (or there is no
    such study), 403 `owner_only` when `owner` is asked and it is a member."""
    role = await services.studies.member_role(study_id, signed_in.account.account_id)
    if role is None:
        raise ApiError(404, "study_not_found", "no such study among yours")
    if owner and role != OWNER:
        raise ApiError(403, "owner_only", "only the study's owner may do this")
    return role


def set_account_cookie(response: Response, token: str, services: Services) -> None:
    set_token_cookie(response, ACCOUNT_COOKIE, token, services)
