"""Who may do what to a study: every study route × {owner, member, another study's member, a workshop session
(a resident's, the workshop facilitator's), nobody}, against a real server on SQLite and PostgreSQL.

A study's data is its team's only: another study's member gets the same 404 as for a study that does not
exist (ids cannot be probed), a workshop's session is not an account (401), and owner-only routes give a
member 403. Besides the routes of `fresque.api.studies`, every other route under `/api/studies/{study_id}`
(the survey's, the diagnostic's, …: found in the app's route table) is checked to give nothing to another
study's member or to nobody.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from fresque.app import create_app
from fresque.config import Settings
from starlette.routing import Route
from support.accounts import Member, make_study, new_member
from support.server import ServerProcess

ROLES = ("owner", "member", "other_study", "resident", "workshop_facilitator", "nobody")


@dataclass
class World:
    server: ServerProcess
    study_id: str
    workshop_id: str
    neighbourhoods: list[dict[str, Any]]
    owner: Member
    member: Member
    other: Member  # owner of another study
    victim: Member  # a member the owner's DELETE takes off the team
    resident: str  # a workshop session token: a resident of the study's workshop
    facilitator: str  # the study's workshop's facilitator session token (a workshop's, not an account's)

    def headers(self, role: str) -> dict[str, str]:
        token = {
            "owner": self.owner.token,
            "member": self.member.token,
            "other_study": self.other.token,
            "resident": self.resident,
            "workshop_facilitator": self.facilitator,
            "nobody": None,
        }[role]
        return {"Authorization": f"Bearer {token}"} if token else {}


def build(server: ServerProcess) -> World:
    owner, member, other, victim = (new_member(server, name) for name in ("amina", "bilal", "chloe", "dan"))
    made = make_study(owner)
    study_id = made["study"]["id"]
    for who in (member, victim):
        link = owner.send("POST", f"/api/studies/{study_id}/invites").json()["link"]
        assert who.send("POST", "/api/invites/" + link.rsplit("/", 1)[1], {}).status_code == 200
    make_study(other, title="Une autre étude")
    workshop = owner.send("POST", f"/api/studies/{study_id}/workshops", {"title": "Atelier"}).json()
    resident = server.join(workshop["join_code"], "Habitante")["token"]
    return World(
        server,
        study_id,
        workshop["workshop"]["id"],
        made["neighbourhoods"],
        owner,
        member,
        other,
        victim,
        resident,
        workshop["facilitator"]["token"],
    )


# Each route: (name, method, path, body, the owner's status, whether it is owner-only)
def routes(world: World) -> list[tuple[str, str, str, Any, int, bool]]:
    s, w = world.study_id, world.workshop_id
    return [
        ("study", "GET", f"/api/studies/{s}", None, 200, False),
        (
            "neighbourhoods",
            "PUT",
            f"/api/studies/{s}/neighbourhoods",
            {"neighbourhoods": [{"id": n["id"], "name": n["name"]} for n in world.neighbourhoods]},
            200,
            False,
        ),
        ("new workshop", "POST", f"/api/studies/{s}/workshops", {"title": "Encore un"}, 201, False),
        ("console", "POST", f"/api/studies/{s}/workshops/{w}/console", None, 200, False),
        ("invite", "POST", f"/api/studies/{s}/invites", None, 201, True),
        ("remove member", "DELETE", f"/api/studies/{s}/members/{world.victim.account_id}", None, 204, True),
    ]


def expected(role: str, owner_status: int, owner_only: bool) -> tuple[int, str | None]:
    if role == "owner":
        return owner_status, None
    if role == "member":
        return (403, "owner_only") if owner_only else (owner_status, None)
    if role == "other_study":
        return 404, "study_not_found"
    if role in ("resident", "workshop_facilitator"):
        return 401, "sign_in_invalid"
    return 401, "sign_in_required"


@pytest.fixture
def world(server: ServerProcess) -> World:
    return build(server)


def test_study_role_matrix(world: World) -> None:
    """Every route of the study API × every role (the owner last: its DELETE takes the member off)."""
    seen: list[tuple[str, str, int]] = []
    for name, method, path, body, owner_status, owner_only in routes(world):
        for role in ("nobody", "resident", "workshop_facilitator", "other_study", "member", "owner"):
            answer = httpx.request(
                method, world.server.base_url + path, json=body, headers=world.headers(role), timeout=30
            )
            status, code = expected(role, owner_status, owner_only)
            assert answer.status_code == status, (name, role, answer.text)
            if code is not None:
                assert answer.json()["error"] == code, (name, role, answer.text)
            seen.append((name, role, answer.status_code))
    assert len(seen) == 6 * len(ROLES)


def test_another_study_s_member_cannot_tell_a_study_from_no_study(world: World) -> None:
    """The 404 for a study that exists (not theirs) is byte for byte the 404 for one that does not."""
    for name, method, path, body, _, _ in routes(world):
        ghost = path.replace(world.study_id, "0" * 32)
        answers = [
            httpx.request(method, world.server.base_url + p, json=body, headers=world.headers("other_study"))
            for p in (path, ghost)
        ]
        assert [a.status_code for a in answers] == [404, 404], name
        assert answers[0].text == answers[1].text, name


def test_the_dashboard_page_is_the_team_s_only(world: World) -> None:
    """`/studies/{id}`: the team sees it; another study's member gets the « not found » page; a workshop's
    cookie, or none, is sent to sign in. The study's title never reaches anyone else."""
    title = "Inclusion numérique 2026"
    cookies: dict[str, tuple[str, str] | None] = {
        "owner": ("fresque_account", world.owner.token),
        "member": ("fresque_account", world.member.token),
        "other_study": ("fresque_account", world.other.token),
        "resident": ("fresque_session", world.resident),
        "workshop_facilitator": ("fresque_session", world.facilitator),
        "nobody": None,
    }
    for role, cookie in cookies.items():
        with httpx.Client(base_url=world.server.base_url, timeout=30) as browser:
            if cookie is not None:
                browser.cookies.set(*cookie)
            page = browser.get(f"/studies/{world.study_id}", headers={"Accept": "text/html"})
        if role in ("owner", "member"):
            assert page.status_code == 200 and title in page.text, role
        elif role == "other_study":
            assert page.status_code == 404 and title not in page.text, role
        else:
            assert page.status_code == 303, role
            assert page.headers["location"] == f"/sign-in?next=/studies/{world.study_id}"
    # and my studies list only mine
    assert [s["title"] for s in world.other.get("/api/studies").json()["studies"]] == ["Une autre étude"]


def _all_routes(routes: list[Any], prefix: str = "") -> list[Route]:
    """The app's routes, those of included routers too (FastAPI keeps an included router as one entry
    holding the original router)."""
    out: list[Route] = []
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            context = getattr(route, "include_context", None)
            out += _all_routes(inner.routes, prefix + str(getattr(context, "prefix", "") or ""))
        elif isinstance(route, Route):
            out.append(route)
    return out


def _study_routes() -> list[tuple[str, str]]:
    """Every (method, path) of the app under a study: the API's and the pages'."""
    app = create_app(Settings(database_url="sqlite+aiosqlite:///:memory:"))
    found: list[tuple[str, str]] = []
    for route in _all_routes(app.routes):
        if not route.path.startswith(("/api/studies/{study_id}", "/studies/{study_id}")):
            continue
        for method in sorted(route.methods or ()):
            if method != "HEAD":
                found.append((method, route.path))
    return sorted(set(found))


def _fill(path: str, world: World, extra: Callable[[str], str]) -> str:
    out = path.replace("{study_id}", world.study_id)
    while "{" in out:
        start, end = out.index("{"), out.index("}")
        out = out[:start] + extra(out[start + 1 : end]) + out[end + 1 :]
    return out


def test_no_route_under_a_study_gives_anything_to_another_study_s_member_or_to_nobody(world: World) -> None:
    """The other parts of the study level (survey, diagnostic, questions de travail, export, …) follow the
    same rule: for another study's member or nobody, no 2xx and no study data; a read is exactly 404
    (another study's member) or 401/303 (nobody). A write may be refused for its body (422) first: that says
    nothing about the study either. A script under a study's path (the survey's service worker) is the same
    code for everyone: it may be served, without the study's data."""
    listed = _study_routes()
    assert ("GET", "/api/studies/{study_id}") in listed and ("GET", "/studies/{study_id}") in listed
    title = "Inclusion numérique 2026"
    ids = {"workshop_id": world.workshop_id, "account_id": world.victim.account_id}
    for method, pattern in listed:
        path = _fill(pattern, world, lambda name: ids.get(name, "0" * 32))
        page = not pattern.startswith("/api/")
        for role in ("other_study", "nobody"):
            with httpx.Client(base_url=world.server.base_url, timeout=60) as client:
                if page and role == "other_study":
                    client.cookies.set("fresque_account", world.other.token)
                headers = {"Accept": "text/html"} if page else world.headers(role)
                body = None if method in ("GET", "DELETE") else {}
                answer = client.request(method, path, json=body, headers=headers)
            where = (method, pattern, role, answer.status_code, answer.text[:200])
            assert title not in answer.text, where
            if pattern.endswith(".js"):
                continue  # a script (the survey's service worker) is code, the same for everyone
            assert not 200 <= answer.status_code < 300, where
            if method == "GET" and role == "other_study":
                assert answer.status_code == 404, where
            elif method == "GET":
                assert answer.status_code in ((303, 401, 403) if page else (401,)), where
            else:
                assert answer.status_code in (401, 403, 404, 405, 422), where
