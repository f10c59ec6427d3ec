"""The browser pages: Jinja2 templates (`frontend/templates/`) around ES modules (`frontend/static/js/`).

| route | page |
|---|---|
| `GET /` | landing: join with a code, or create a workshop |
| `GET /join`, `/join?code=…`, `/j/{code}` | joining: the code, then an alias and a colour |
| `GET /j/t/{token}` | joining by the link (the QR code's): the workshop known, an alias and a colour |
| `GET /workshops/{id}` | the facilitator's page (that workshop's facilitator session only) |
| `GET /boards/{id}` | a board (`board.html`); a session of the board's workshop, else `/join` |
| `GET /icons/{name}.svg` | the OpenMoji pictures of the interface, named in the catalogue (CC BY-SA 4.0) |
| `GET /palette.css` | the participant colours as CSS custom properties, from `fresque.profiles` |

Every page gets `t`, `lang`, `dir` and what `base.html` needs (`base_context`). Pages read the session from
the HttpOnly cookie only: they are reads. The facilitator's page also carries its session's CSRF token
(`<meta name="fresque-csrf">`), which its scripts send with the cookie to the JSON API's browser writes
(`fresque.api.deps.BrowserWriterSession`).
"""

from __future__ import annotations

import random
import re
import unicodedata
from pathlib import Path
from typing import Any, Final
from urllib.parse import quote, urlsplit

import jinja2
from fastapi import APIRouter, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from starlette.concurrency import run_in_threadpool

from . import access
from .api import joining, signin
from .api.custom_pictograms import pictogram_json
from .api.deps import services, set_session_cookie
from .api.errors import ApiError
from .auth import csrf_token, display_join_code, hash_token, normalise_join_code, token_from
from .csv_export import EXPLORATION_COLUMNS
from .db.store import SessionInfo, now
from .i18n import LANGUAGES, dictionaries, direction_of, remember_language, requested_language, translator
from .links import LAN_COMMAND
from .modules import module_urls
from .people import AGE_BANDS, ALIAS_MAX_CHARS, FRAGILITY_LEVELS
from .profiles import PALETTE, all_colours, display_colour, palette_css
from .raster import png_of
from .roles import FACILITATOR, facilitates

REPO_ROOT: Final = Path(__file__).resolve().parents[2]
TEMPLATES_DIR: Final = REPO_ROOT / "frontend" / "templates"
STATIC_DIR: Final = REPO_ROOT / "frontend" / "static"

#: The CSV separator the console offers first in each language: French spreadsheets expect semicolons.
CSV_SEPARATOR: Final = {"fr": "semicolon", "en": "comma", "ar": "comma"}
#: Each language's name, written in that language (the switcher shows these).
LANGUAGE_NAMES: Final = {"fr": "Français", "en": "English", "ar": "العربية"}

#: Friendly aliases a resident can take with one tap (`alias.<id>` in the translations), with a picture.
ALIAS_SUGGESTIONS: Final = (
    "sunflower",
    "butterfly",
    "cherry",
    "dolphin",
    "olive",
    "dove",
    "tulip",
    "lemon",
    "bee",
    "turtle",
    "fox",
    "hedgehog",
)
#: Their pictures are the catalogue's interface pictures `alias-<id>` (pictograms/catalogue.json).
ALIASES_SHOWN: Final = 6
ICON_CACHE: Final = "public, max-age=604800"
PAGE_CACHE: Final = "private, no-cache"

router = APIRouter(include_in_schema=False)


def make_templates(extra_dirs: list[Path] | None = None) -> Jinja2Templates:
    """The pages' Jinja2 environment: autoescaped, undefined names fail loudly.

    `extra_dirs` are searched before `frontend/templates` (tests put stand-ins there).
    """
    search = [str(d) for d in (extra_dirs or [])] + [str(TEMPLATES_DIR)]
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(search),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    # `<link rel="modulepreload">` for a page's whole module graph (fresque.modules)
    env.globals["module_urls"] = lambda entry: module_urls(STATIC_DIR, entry)
    env.globals["alias_max_chars"] = ALIAS_MAX_CHARS  # the join's and the console's name fields
    return Jinja2Templates(env=env)


# -- what every page needs ----------------------------------------------------------------------------


def same_site_path(path: str) -> str:
    """`path` as a URL that can only name this site, for echoing it back in a page (the switcher's action).

    `GET //evil.example/` has the path `//evil.example/`, which a browser reads as another host; so would
    `/\\evil.example/` (a backslash is a slash to a browser) and `/<tab>/evil.example/` (tabs and newlines
    are dropped). Every character but the slash and the unreserved ones is percent-encoded, and the leading
    slashes become one: the page's own path, on this host."""
    return "/" + quote(path, safe="/").lstrip("/")


def base_context(request: Request, lang: str) -> dict[str, Any]:
    """`t`, `lang`, `dir`, and the language switcher's form (a GET form that keeps the other parameters,
    so that switching works without scripts too; `js/pages/lang.js` switches in place)."""
    return {
        "t": translator(lang),
        "lang": lang,
        "dir": direction_of(lang),
        "languages": [
            {"code": code, "name": LANGUAGE_NAMES[code], "dir": direction_of(code)} for code in LANGUAGES
        ],
        "lang_form": {
            "action": same_site_path(request.scope["path"]),  # decoded: re-encoded once, here
            "keep": [(k, v) for k, v in request.query_params.multi_items() if k != "lang"],
        },
        "i18n_dict": dict(dictionaries()[lang]),
    }


def render(
    request: Request, template: str, context: dict[str, Any] | None = None, *, status: int = 200
) -> Response:
    lang, from_query = requested_language(request)
    templates: Jinja2Templates = request.app.state.templates
    response = templates.TemplateResponse(
        request, template, {**base_context(request, lang), **(context or {})}, status_code=status
    )
    response.headers["Cache-Control"] = PAGE_CACHE
    response.headers["Vary"] = "Accept-Language, Cookie"  # the language comes from either (fresque.i18n)
    if from_query:
        remember_language(response, lang)
    return response


def problem(request: Request, kind: str, status: int) -> Response:
    """The friendly error page: `kind` is `not_found` or `forbidden` (its texts are `error.<kind>.*`)."""
    icon = "lost" if kind == "not_found" else "locked"
    return render(request, "error.html", {"kind": kind, "icon": icon}, status=status)


async def page_session(request: Request) -> SessionInfo | None:
    """The session of the browser's cookie, if any (pages only read)."""
    token = token_from(request, allow_cookie=True)
    if token is None:
        return None
    return await services(request).store.session(hash_token(token))


def code_groups(code: str) -> list[str]:
    return display_join_code(code).split("-")


def slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:60] or "atelier"


# -- pages --------------------------------------------------------------------------------------------


@router.get("/")
async def landing(request: Request) -> Response:
    return render(request, "landing.html", {"page": "landing"})


@router.get("/join")
async def join_page(request: Request, code: str | None = None) -> Response:
    return await _join(request, code)


@router.get("/j/t/{token}")
async def join_by_link(request: Request, token: str) -> Response:
    """The QR code's link: no code to type; the token goes with the form (`data-token`)."""
    context: dict[str, Any] = {"page": "join", "code": "", "code_groups": [], "token": "", "error": None}
    try:
        found = await joining.by_token(services(request), token[:64])
    except ApiError as exc:
        error = f"join.error.{exc.code}"
        return render(request, "join.html", {**context, "step": "code", "error": error}, status=exc.status)
    return await _profile_step(request, found.workshop_id, {**context, "token": token})


@router.get("/j/{code}")
async def join_short(request: Request, code: str) -> Response:
    return await _join(request, code)


async def _join(request: Request, typed: str | None) -> Response:
    """The code form, or step two; the page tells a right code from a wrong one, so it goes through the
    same guard as `POST /api/join` (rate limit, expiry, closed)."""
    context: dict[str, Any] = {"page": "join", "code": "", "code_groups": [], "token": "", "error": None}
    code = normalise_join_code(typed or "")[:40]
    if not code:
        return render(request, "join.html", {**context, "step": "code"})
    try:
        found = await joining.by_code(services(request), code, joining.client_address(request))
    except ApiError as exc:
        # A wrong code keeps the historical 200 (the page is the answer); the others say what they are.
        status = 200 if exc.code == "unknown_code" else exc.status
        response = render(
            request,
            "join.html",
            {**context, "step": "code", "code": typed or "", "error": f"join.error.{exc.code}"},
            status=status,
        )
        response.headers.update(exc.headers or {})
        return response
    return await _profile_step(
        request, found.workshop_id, {**context, "code": code, "code_groups": code_groups(code)}
    )


async def _profile_step(request: Request, workshop_id: str, context: dict[str, Any]) -> Response:
    store = services(request).store
    workshop = await store.workshop(workshop_id)
    assert workshop is not None
    session = await page_session(request)
    returning, facilitating = None, None
    if session is not None and session.workshop_id == workshop_id and session.role == "facilitator":
        # Joining here would replace the facilitator's session in this browser: say so, offer the way back.
        facilitating = f"/workshops/{workshop_id}"
    elif session is not None and session.workshop_id == workshop_id:
        boards = await store.boards_of(workshop_id)
        first = next((b for b in boards if b.kind == "exploration"), boards[0] if boards else None)
        if first is not None:
            returning = {"alias": session.alias, "board_url": f"/boards/{first.id}"}
    shown = random.sample(sorted(ALIAS_SUGGESTIONS), ALIASES_SHOWN)
    return render(
        request,
        "join.html",
        {
            **context,
            "step": "profile",
            "workshop": {"title": workshop["title"]},
            "aliases": shown,
            "palette": [c.to_json() for c in PALETTE],
            "age_bands": AGE_BANDS,
            "fragility_levels": FRAGILITY_LEVELS,
            "returning": returning,
            "facilitating": facilitating,
        },
    )


@router.get("/workshops/{workshop_id}")
async def facilitator_page(request: Request, workshop_id: str) -> Response:
    """The console: the owner (`facilitator`) and co-facilitators; the owner-only parts (the joining
    buttons, a new link, adding a board, exports, inviting a co-facilitator) only for the owner."""
    session = await page_session(request)
    if session is None or session.workshop_id != workshop_id or not facilitates(session.role):
        return problem(request, "forbidden", 403)
    owner = session.role == FACILITATOR
    token = token_from(request, allow_cookie=True)
    assert token is not None
    store = services(request).store
    workshop = await store.workshop(workshop_id)
    if workshop is None:
        return problem(request, "not_found", 404)
    code = str(workshop["join_code"])
    found = await store.joining_of(workshop_id)
    assert found is not None
    day = workshop["date"] or ""
    join_urls, reach = joining.join_links(request, found.join_token)
    join_url = join_urls[0]
    # French spreadsheets (Excel) split on semicolons: the console's CSV links follow the page's language
    lang = requested_language(request)[0]
    sep = CSV_SEPARATOR.get(lang, "comma")
    stem = "-".join(part for part in ("fresque", slug(str(workshop["title"]))) if part)
    qr_svg_url = f"/api/workshops/{workshop_id}/join-qr.svg"
    join_choices = [
        {
            "url": url,
            "host": urlsplit(url).netloc,
            "qr": (f"{qr_svg_url}?via={n}" if n else qr_svg_url) if owner else signin.qr_data_url(url),
        }
        for n, url in enumerate(join_urls)
    ]

    def links(board_id: str, kind: str) -> dict[str, Any]:
        """A board row's links (also the placeholders of js/pages/facilitator.js's new rows: `__board__`).
        The actions page has no projector view (it ignores `?view=projector`); the print pages are for
        actions boards; CSV tables: an actions board's one, an exploration board's `EXPLORATION_COLUMNS`."""

        def file_name(*parts: str, ext: str) -> str:
            return "-".join(part for part in (stem, kind, *parts, day) if part) + f".{ext}"

        csv_url = f"/api/boards/{board_id}/export.csv"
        tables = [
            {
                "table": table,
                "url": f"{csv_url}?table={table}&sep={sep}",
                "filename": file_name(table, ext="csv"),
            }
            for table in EXPLORATION_COLUMNS
        ]
        actions = kind == "actions"
        return {
            "url": f"/boards/{board_id}",
            "projector_url": None if actions else f"/boards/{board_id}?view=projector",
            "print_url": f"/boards/{board_id}/print" if actions else None,
            "print_fiches_url": f"/boards/{board_id}/print?fiches=1" if actions else None,
            "export_url": f"/api/boards/{board_id}/export",
            "export_filename": file_name(ext="json"),
            "csv": [{"table": "actions", "url": f"{csv_url}?sep={sep}", "filename": file_name(ext="csv")}]
            if actions
            else tables,
        }

    boards = [
        {"id": b.id, "kind": b.kind, "title": b.title, **links(b.id, b.kind)}
        for b in await store.boards_of(workshop_id)
    ]
    # the rows js/pages/facilitator.js adds: one <template> per kind, `__board__` in place of the id
    new_rows = [
        {"id": "__board__", "kind": kind, "title": "", **links("__board__", kind)}
        for kind in ("exploration", "actions")
    ]
    # The first view, before js/pages/people.js fetches the full list (presence, devices, hosted people).
    participants = [
        {
            "id": p["id"],
            "alias": p["alias"],
            "role": p["role"],
            "colour": display_colour(str(p["id"]), str(p["role"]), p["colour"]),
        }
        for p in await store.roster(workshop_id)
    ]
    return render(
        request,
        "facilitator.html",
        {
            "page": "facilitator",
            "workshop": {
                "id": workshop["id"],
                "title": workshop["title"],
                "neighbourhood": workshop["neighbourhood"],
                "date": workshop["date"],
            },
            "owner": owner,
            "me": session.participant_id,
            "code_groups": code_groups(code),
            "join_url": join_url,
            # every address of this machine other devices may use (the first is join_url), and what is wrong
            # when none: `loopback_only` (serve with --lan), `no_network` (no Wi-Fi), or None (fresque.links)
            "join_urls": join_urls,
            "join_warning": reach.warning,
            "lan_command": LAN_COMMAND,
            "csv_sep": sep,
            # the owner's <img> follows a new link (join-qr.svg is the owner's); a co-facilitator's is inline
            "join_qr": join_choices[0]["qr"],
            "join_choices": join_choices,
            "joining_open": found.open,
            "code_expired": found.code_expires_at <= now(),
            "boards": boards,
            "new_rows": new_rows if owner else [],
            "participants": participants,
            "csrf": csrf_token(services(request).secret, hash_token(token)),
        },
    )


# -- sign-in links (`fresque.api.signin`) --------------------------------------------------------------


@router.get("/s/{token}")
async def sign_in_page(request: Request, token: str) -> Response:
    """A sign-in link: says which workshop and as whom, and asks (the link is spent by the POST below)."""
    found, state = await signin.look_up(services(request), token[:64])
    if found is None:
        return problem(request, f"sign_in_{state}", 410)
    workshop = await services(request).store.workshop(found.workshop_id)
    if workshop is None:
        return problem(request, "sign_in_used", 410)
    current = await page_session(request)
    # This browser already runs a workshop as someone else: going on would put it out of this browser.
    replaces = (
        current is not None and facilitates(current.role) and current.participant_id != found.participant_id
    )
    return render(
        request,
        "signin.html",
        {
            "page": "signin",
            "workshop": {"title": workshop["title"]},
            "alias": found.alias,
            "role": found.role,
            "replaces": replaces,
            "action": f"/s/{token[:64]}",
        },
    )


@router.post("/s/{token}")
async def sign_in_redeem(request: Request, token: str) -> Response:
    """Spend the link: a fresh session for its participant (the cookie), then the console for facilitating
    roles, the first board's projector view for observers. Only from this origin's own page."""
    found = services(request)
    if not signin.from_this_site(request, found.settings):
        return problem(request, "forbidden", 403)
    spent = await signin.redeem(found, token[:64])
    if spent is None:
        _, state = await signin.look_up(found, token[:64])
        return problem(request, f"sign_in_{'expired' if state == 'expired' else 'used'}", 410)
    who, fresh = spent
    if facilitates(who.role):
        target = f"/workshops/{who.workshop_id}"
    else:
        boards = await found.store.boards_of(who.workshop_id)
        first = next((b for b in boards if b.kind == "exploration"), boards[0] if boards else None)
        target = f"/boards/{first.id}?view=projector" if first is not None else "/"
    response = RedirectResponse(target, status_code=303)
    response.headers["Cache-Control"] = "no-store"
    set_session_cookie(response, fresh, found)
    return response


@router.get("/boards/{board_id}")
async def board_page(request: Request, board_id: str) -> Response:
    session = await page_session(request)
    if session is None:
        return RedirectResponse("/join", status_code=303)
    store = services(request).store
    row = await store.board(board_id)
    if row is None:
        return problem(request, "not_found", 404)
    if row.workshop_id != session.workshop_id:
        return problem(request, "forbidden", 403)
    workshop = await store.workshop(row.workshop_id)
    assert workshop is not None
    stored = next(
        (p["colour"] for p in await store.roster(row.workshop_id) if p["id"] == session.participant_id), None
    )
    board = {"id": row.id, "kind": row.kind, "title": row.title}
    me = {
        "participant": session.participant_id,
        "alias": session.alias,
        "role": session.role,
        "colour": display_colour(session.participant_id, session.role, stored),
    }
    workshop_info = {"id": workshop["id"], "title": workshop["title"]}
    if row.kind == "actions":
        return _actions_page(request, session, board, workshop_info, me)
    bootstrap = {
        "board": board,
        "workshop": workshop_info,
        "me": me,
        "palette": [c.to_json() for c in all_colours()],
        # What each phase opens to participants: the server's table (`fresque.access`), never a copy.
        "access": {"phases": access.tools_json(), "facilitating": facilitates(session.role)},
        "joining": await _joining_for_screen(request, session),
        # table mode offers the join page's picture aliases to the people it adds
        "aliases": random.sample(sorted(ALIAS_SUGGESTIONS), ALIASES_SHOWN),
        # the workshop's own pictures, in the palette beside the catalogue's (refs `custom:<id>`)
        "custom_pictograms": [pictogram_json(p) for p in await store.custom_pictograms(row.workshop_id)],
    }
    token = token_from(request, allow_cookie=True) or ""
    return render(
        request,
        "board.html",
        {
            "page": "board",
            "board": board,
            "workshop": workshop_info,
            "me": me,
            "bootstrap": bootstrap,
            # table mode adds people with POST /api/workshops/{id}/hosted, a cookie write (api/deps.py)
            "csrf": csrf_token(services(request).secret, hash_token(token)),
        },
    )


def _actions_page(
    request: Request,
    session: SessionInfo,
    board: dict[str, Any],
    workshop_info: dict[str, Any],
    me: dict[str, Any],
) -> Response:
    """The action fresco (board kind `actions`, `actions.html`, js/actions/main.js): its bootstrap is the
    exploration board's minus the pictograms and table mode, with this kind's phase table."""
    bootstrap = {
        "board": board,
        "workshop": workshop_info,
        "me": me,
        "palette": [c.to_json() for c in all_colours()],
        # What each phase opens to participants (cards, fiches, votes): the server's table, never a copy.
        "access": {"phases": access.tools_json("actions"), "facilitating": facilitates(session.role)},
    }
    return render(
        request,
        "actions.html",
        {"page": "actions", "board": board, "workshop": workshop_info, "me": me, "bootstrap": bootstrap},
    )


async def _joining_for_screen(request: Request, session: SessionInfo) -> dict[str, Any] | None:
    """The join code and QR code for the projector view: only for those who run or show the workshop."""
    if not (facilitates(session.role) or session.role == "observer"):
        return None
    found = await services(request).store.joining_of(session.workshop_id)
    if found is None or not found.open or found.code_expires_at <= now():
        return None
    link = joining.join_link(request, found.join_token)
    return {"code_groups": code_groups(found.join_code), "link": link, "qr": signin.qr_data_url(link)}


# -- the pages' assets that are not plain files -------------------------------------------------------


@router.get("/icons/{name}.svg")
async def icon(request: Request, name: str) -> Response:
    catalogue = services(request).catalogue
    code = catalogue.interface.get(name)  # only the catalogue's named pictures; never a path from the URL
    path = catalogue.picture_file(code) if code else None
    if path is None:
        return Response("no such icon", status_code=404, media_type="text/plain")
    return FileResponse(
        path,
        media_type="image/svg+xml",
        headers={"Cache-Control": ICON_CACHE},
    )


@router.get("/icons/{name}.png")
async def icon_png(request: Request, name: str) -> Response:
    """The same icon as PNG (`fresque.raster`): the board's header shows six; as SVGs each was a small
    document of its own, built on the page's main thread (~20 ms each on a slow phone, before its scripts)."""
    catalogue = services(request).catalogue
    code = catalogue.interface.get(name)  # only the catalogue's named pictures; never a path from the URL
    path = catalogue.picture_file(code) if code else None
    if path is None:
        return Response("no such icon", status_code=404, media_type="text/plain")
    png = await run_in_threadpool(png_of, path)
    return Response(png, media_type="image/png", headers={"Cache-Control": ICON_CACHE})


@router.get("/palette.css")
async def palette_stylesheet() -> Response:
    return Response(palette_css(), media_type="text/css", headers={"Cache-Control": "public, max-age=3600"})


def wants_html(request: Request) -> bool:
    """A browser asking for a page (not the API, a script, or a picture): it gets the friendly page."""
    if request.method != "GET" or "text/html" not in request.headers.get("accept", ""):
        return False
    return not request.url.path.startswith(("/api/", "/ws/", "/static/", "/pictograms/", "/icons/"))
