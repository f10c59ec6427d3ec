"""The study team's pages: signing in, one's account, one's studies, a study's dashboard, an invite.

- `GET /sign-in?next=/path`: username and password (`js/study/signin.js`), then `next` (a path of this
  site) or `/studies`;
- `GET /account`: change one's password, sign out;
- `GET /studies`: my studies, and a new one with its neighbourhoods;
- `GET /studies/{id}`: the team's dashboard (neighbourhoods, workshops: create, open the console; team and
  invites; links to the survey, the diagnostic, the questions de travail);
- `GET /invite/{token}`: an invite onto a study's team: join (signed in), or make an account and join.

Pages read the `fresque_account` cookie only (they are reads); a page of a signed-in account carries that
session's CSRF token (`<meta name="fresque-csrf">`), which its scripts send with the cookie
(`js/pages/console-api.js`'s `call`). Not signed in: `/sign-in?next=…`. Not on the study's team: the same
404 page as for no such study.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from .accounts import PASSWORD_MIN, USERNAME_MAX, USERNAME_MIN
from .api.account_deps import ACCOUNT_COOKIE, SignedIn
from .api.accounts import me_json
from .api.deps import services
from .api.studies import INVITE_DAYS, invite_state, study_json
from .auth import csrf_token, hash_token
from .db.studies import StudyRow
from .links import LAN_COMMAND
from .pages import problem, render, same_site_path

router = APIRouter(include_in_schema=False)


@dataclass(frozen=True)
class PageAccount:
    signed_in: SignedIn
    csrf: str


async def page_account(request: Request) -> PageAccount | None:
    """The account of the browser's cookie, if its session is live."""
    token = request.cookies.get(ACCOUNT_COOKIE)
    if not token:
        return None
    found = services(request)
    token_hash = hash_token(token)
    account = await found.studies.account_session(token_hash)
    if account is None:
        return None
    return PageAccount(SignedIn(account, token_hash), csrf_token(found.secret, token_hash))


def safe_next(value: str | None, default: str = "/studies") -> str:
    """Where to go after signing in: a path of this site only (never `//host`, `/\\host`, a scheme)."""
    if not value or not value.startswith("/") or value.startswith(("//", "/\\")):
        return default
    path, _, query = value.partition("?")
    return same_site_path(path) + (f"?{query}" if query and "\n" not in query else "")


def to_sign_in(request: Request) -> Response:
    here = same_site_path(request.scope["path"])
    response = RedirectResponse(f"/sign-in?next={here}", status_code=303)
    response.headers["Cache-Control"] = "no-store"
    return response


@dataclass(frozen=True)
class TeamPage:
    """A study page's reader: a signed-in account on the study's team."""

    account: PageAccount
    study: StudyRow
    role: str


async def team_page(request: Request, study_id: str) -> TeamPage | Response:
    """The one rule of every study page: not signed in → `/sign-in?next=…`; not on the team (or no such
    study) → the same 404 page, so study ids cannot be probed. Else who reads, the study and their role."""
    account = await page_account(request)
    if account is None:
        return to_sign_in(request)
    found = services(request)
    role = await found.studies.member_role(study_id, account.signed_in.account.account_id)
    study = await found.studies.study(study_id)
    if role is None or study is None:
        return problem(request, "not_found", 404)
    return TeamPage(account, study, role)


def _account_context(account: PageAccount) -> dict[str, Any]:
    info = account.signed_in.account
    return {"account": {"id": info.account_id, "username": info.username}, "csrf": account.csrf}


@router.get("/sign-in")
async def sign_in_page(request: Request, next: str | None = None) -> Response:
    target = safe_next(next)
    if await page_account(request) is not None:
        return RedirectResponse(target, status_code=303)
    return render(
        request,
        "study/signin.html",
        {"page": "study-signin", "next": target, "username_max": USERNAME_MAX, "account": None, "csrf": ""},
    )


@router.get("/account")
async def account_page(request: Request) -> Response:
    account = await page_account(request)
    if account is None:
        return to_sign_in(request)
    return render(
        request,
        "study/account.html",
        {"page": "study-account", "password_min": PASSWORD_MIN, **_account_context(account)},
    )


@router.get("/studies")
async def studies_page(request: Request) -> Response:
    account = await page_account(request)
    if account is None:
        return to_sign_in(request)
    mine = await me_json(services(request), account.signed_in)
    return render(
        request,
        "study/studies.html",
        {"page": "study-list", "studies": mine["studies"], **_account_context(account)},
    )


@router.get("/studies/{study_id}")
async def dashboard_page(request: Request, study_id: str) -> Response:
    reader = await team_page(request, study_id)
    if isinstance(reader, Response):
        return reader
    account, role, found = reader.account, reader.role, services(request)
    data = await study_json(found, study_id, role)
    by_place: dict[str | None, list[dict[str, Any]]] = {}
    for workshop in data["workshops"]:
        key = None if workshop["partners"] else workshop["neighbourhood_id"]
        by_place.setdefault(key, []).append(workshop)
    return render(
        request,
        "study/dashboard.html",
        {
            "page": "study-dashboard",
            "data": data,
            "owner": role == "owner",
            "by_place": by_place,
            "partners": [w for w in data["workshops"] if w["partners"]],
            "elsewhere": [
                w for w in data["workshops"] if not w["partners"] and w["neighbourhood_id"] is None
            ],
            "invite_days": INVITE_DAYS,
            "lan_command": LAN_COMMAND,
            **_account_context(account),
        },
    )


@router.get("/invite/{token}")
async def invite_page(request: Request, token: str) -> Response:
    """An invite link: which study, and how to join (nothing spent until the page's POST)."""
    found = services(request)
    study_id, state = await invite_state(found, token[:64])
    account = await page_account(request)
    context: dict[str, Any] = {
        "page": "study-invite",
        "state": state,
        "study": None,
        "token": token[:64],
        "username_min": USERNAME_MIN,
        "username_max": USERNAME_MAX,
        "password_min": PASSWORD_MIN,
        "already": False,
        "account": None,
        "csrf": "",
        "sign_in_url": "/sign-in?next=" + same_site_path(request.scope["path"]),
    }
    if account is not None:
        context.update(_account_context(account))
    if study_id is None:
        return render(request, "study/invite.html", context, status=410)
    study = await found.studies.study(study_id)
    if study is None:
        return render(request, "study/invite.html", {**context, "state": "used"}, status=410)
    context["study"] = {"id": study.id, "title": study.title, "territory": study.territory}
    if account is not None:
        role = await found.studies.member_role(study_id, account.signed_in.account.account_id)
        context["already"] = role is not None
    return render(request, "study/invite.html", context)
