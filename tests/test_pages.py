"""The browser pages against a real server: every page in French, English and Arabic, the translations
complete, nothing from another host, the CSP honoured, and the create → facilitator → join → board flow
through HTTP with cookies. Also the participant colours (palette, contrast, migration 0002)."""

from __future__ import annotations

import asyncio
import json
import re
import sqlite3
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import httpx
import pytest
from fresque.catalogue import load_catalogue
from fresque.config import Settings
from fresque.db import migrate
from fresque.db.engine import make_engine
from fresque.i18n import LANGUAGES
from fresque.pages import ALIAS_SUGGESTIONS, TEMPLATES_DIR
from fresque.profiles import FACILITATOR_COLOUR, INK, PALETTE, WHITE, all_colours, palette_css
from sqlalchemy import text
from support.server import ServerProcess

REPO = Path(__file__).resolve().parents[1]
FRONTEND = REPO / "frontend"
I18N = FRONTEND / "static" / "i18n"
MY_TEMPLATES = [
    "base.html",
    "_code_form.html",
    "landing.html",
    "join.html",
    "facilitator.html",
    "error.html",
    "signin.html",
]
BOARD_TEMPLATE = TEMPLATES_DIR / "board.html"


def dictionary(lang: str) -> dict[str, str]:
    data: dict[str, str] = json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))
    return data


# -- reading rendered pages ----------------------------------------------------------------------------


class Page(HTMLParser):
    """What the tests look at in a page: the html element, translated elements, scripts, attributes."""

    VOID = frozenset(
        {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
    )

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.html_attrs: dict[str, str | None] = {}
        self.keys: set[str] = set()
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.scripts: list[tuple[dict[str, str | None], str]] = []
        self.i18n_with_children: list[str] = []
        self._stack: list[tuple[str, dict[str, str | None]]] = []
        self._script: dict[str, str | None] | None = None
        self._script_text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = dict(attrs)
        self.elements.append((tag, found))
        if tag == "html":
            self.html_attrs = found
        for name, value in found.items():
            if name.startswith("data-i18n") and name != "data-i18n-vars" and value:
                self.keys.add(value)
        if any("data-i18n" in attrs_ for _, attrs_ in self._stack[-1:]):
            self.i18n_with_children.append(f"<{tag}> inside {self._stack[-1]}")
        if tag == "script":
            self._script, self._script_text = found, []
        if tag not in self.VOID:
            self._stack.append((tag, found))

    def handle_endtag(self, tag: str) -> None:
        if tag == "script" and self._script is not None:
            self.scripts.append((self._script, "".join(self._script_text)))
            self._script = None
        while self._stack:
            if self._stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if self._script is not None:
            self._script_text.append(data)

    def json_script(self, element_id: str) -> Any:
        for attrs, body in self.scripts:
            if attrs.get("id") == element_id:
                assert attrs.get("type") == "application/json"
                return json.loads(body)
        raise AssertionError(f"no <script id={element_id}>")


def check_page(response: httpx.Response, lang: str) -> Page:
    """Every page: the language and direction asked for, the CSP, no inline script or style."""
    assert response.headers["content-type"].startswith("text/html")
    assert "default-src 'self'" in response.headers["content-security-policy"]
    page = Page(response.text)
    assert page.html_attrs.get("lang") == lang
    assert page.html_attrs.get("dir") == ("rtl" if lang == "ar" else "ltr")
    for attrs, body in page.scripts:
        if attrs.get("type") == "application/json":
            json.loads(body)
        else:
            assert attrs.get("type") == "module" and attrs.get("src", "").startswith("/static/"), attrs
            assert not body.strip(), "inline script"
    for tag, attrs in page.elements:
        assert "style" not in attrs, f"inline style on <{tag}>"
        assert not [a for a in attrs if a.startswith("on")], f"inline handler on <{tag}>"
        for name in ("src", "href", "action"):
            value = attrs.get(name) or ""
            assert not re.match(r"^([a-z]+:)?//", value), f"<{tag} {name}={value}> leaves the server"
    known = dictionary(lang)
    assert sorted(k for k in page.keys if k not in known) == []
    assert page.i18n_with_children == []  # lang.js replaces their text: they must hold text only
    return page


@pytest.fixture
def browser(sqlite_server: ServerProcess) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=sqlite_server.base_url, headers={"Accept": "text/html"}) as client:
        yield client


def new_browser(server: ServerProcess) -> httpx.Client:
    # 30 s as ServerProcess's own requests: httpx's default 5 s fails pages on a machine busy with the suite
    return httpx.Client(base_url=server.base_url, headers={"Accept": "text/html"}, timeout=30)


# -- every page, in every language ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_page_renders_in_each_language(sqlite_server: ServerProcess, lang: str) -> None:
    with new_browser(sqlite_server) as facilitator, new_browser(sqlite_server) as resident:
        created = facilitator.post("/api/workshops", json={"title": "Atelier Encagnane"}).json()
        code = created["join_code"]
        pages = {
            "landing": (facilitator, "/"),
            "join": (resident, "/join"),
            "join with code": (resident, f"/join?code={code}"),
            "short link": (resident, f"/j/{code.lower()}"),
            "unknown code": (resident, "/join?code=ZZZZZZZZZZ"),
            "facilitator": (facilitator, f"/workshops/{created['workshop']['id']}"),
            "forbidden": (resident, f"/workshops/{created['workshop']['id']}"),
            "not found": (resident, "/no/such/page"),
        }
        expected = {"forbidden": 403, "not found": 404}
        for name, (client, path) in pages.items():
            response = client.get(path, params={"lang": lang})
            assert response.status_code == expected.get(name, 200), (name, response.text[:300])
            check_page(response, lang)
            cookie = response.headers.get("set-cookie", "")
            assert f"fresque_lang={lang}" in cookie and "samesite=lax" in cookie.lower(), name
            assert "max-age=31536000" in cookie.lower() and "path=/" in cookie.lower()
            assert response.headers["cache-control"] == "private, no-cache"


def test_the_language_cookie_chooses_the_language_and_french_comes_first(
    sqlite_server: ServerProcess,
) -> None:
    with new_browser(sqlite_server) as client:
        assert Page(client.get("/").text).html_attrs == {"lang": "fr", "dir": "ltr"}
        client.cookies.set("fresque_lang", "ar")
        page = client.get("/")
        assert Page(page.text).html_attrs == {"lang": "ar", "dir": "rtl"} and "set-cookie" not in page.headers
        assert '<span data-i18n="landing.join_title">الانضمام إلى ورشة</span>' in page.text
        client.cookies.set("fresque_lang", "xx")  # nonsense: French
        assert Page(client.get("/").text).html_attrs["lang"] == "fr"
        switched = client.get("/join", params={"code": "abc", "lang": "en"})
        assert Page(switched.text).html_attrs["lang"] == "en"
        # The switcher is a GET form that keeps the page's other parameters (works without scripts).
        assert '<input type="hidden" name="code" value="abc">' in switched.text


def test_the_language_switcher_names_each_language_in_itself(browser: httpx.Client) -> None:
    page = Page(browser.get("/", params={"lang": "en"}).text)
    buttons = [a for tag, a in page.elements if tag == "button" and a.get("name") == "lang"]
    assert [(b["value"], b["lang"], b["dir"], b["aria-pressed"]) for b in buttons] == [
        ("fr", "fr", "ltr", "false"),
        ("en", "en", "ltr", "true"),
        ("ar", "ar", "rtl", "false"),
    ]
    html = browser.get("/").text
    assert ">Français</button>" in html and ">English</button>" in html and ">العربية</button>" in html


def test_api_paths_keep_json_errors(browser: httpx.Client) -> None:
    missing = browser.get("/api/nothing-here")
    assert missing.status_code == 404 and missing.headers["content-type"] == "application/json"
    assert browser.get("/static/js/nothing.js").status_code == 404
    assert browser.get("/static/css/base.css").headers["content-type"].startswith("text/css")


# -- translations --------------------------------------------------------------------------------------


def test_the_three_dictionaries_have_the_same_keys_and_no_empty_value() -> None:
    dictionaries = {lang: dictionary(lang) for lang in LANGUAGES}
    keys = set(dictionaries["fr"])
    for lang, found in dictionaries.items():
        assert set(found) == keys, (lang, sorted(set(found) ^ keys))
        assert [k for k, v in found.items() if not v.strip()] == [], lang
        assert all(re.fullmatch(r"[a-z0-9_]+(\.[a-z0-9_]+)+", k) for k in found), lang
        for key, value in found.items():  # the same {placeholders} in every language
            assert set(re.findall(r"\{(\w+)\}", value)) == set(
                re.findall(r"\{(\w+)\}", dictionaries["fr"][key])
            )
    assert re.search(r"[\u0600-\u06FF]", dictionaries["ar"]["join.enter"])


def test_every_key_the_templates_and_scripts_use_exists() -> None:
    known = set(dictionary("fr"))
    used: set[str] = set()
    for path in TEMPLATES_DIR.glob("*.html"):
        source = re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S)
        # t('key') — but not t('alias.' ~ name), a prefix completed from data (checked below)
        used |= set(re.findall(r"""\bt\(\s*['"]([^'"]+[^'".])['"]""", source))
        used |= {k for k in re.findall(r'data-i18n(?:-[a-z-]+)?="([^"{]+)"', source) if "{" not in k}
    for path in (FRONTEND / "static" / "js" / "pages").glob("*.js"):
        used |= set(
            re.findall(
                r"""['"`]((?:app|lang|landing|code|join|alias|colour|role|kind|facilitator|error|common|footer)"""
                r"""\.[a-z_]+(?:\.[a-z_]+)*)['"`]""",
                path.read_text(encoding="utf-8"),
            )
        )
    # keys built from data: colours, suggested aliases, roles, board kinds, error kinds
    used |= {c.name_key for c in all_colours()} | {f"alias.{a}" for a in ALIAS_SUGGESTIONS}
    used |= {"role.facilitator", "role.participant", "kind.exploration", "kind.actions"}
    used |= {
        f"error.{kind}.{part}"
        for kind in ("not_found", "forbidden")
        for part in ("page_title", "title", "text")
    }
    assert len(used) > 60
    assert sorted(used - known) == []


def test_templates_show_no_text_that_bypasses_translation() -> None:
    """Every visible string goes through t(): once Jinja and tags are removed, only punctuation is left;
    and translatable attributes are never written as plain text."""
    allowed = {"Français", "English", "العربية"}  # each language's own name, never translated
    for name in MY_TEMPLATES:
        source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        bare = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
        bare = re.sub(r"<script\b[^>]*>.*?</script>", " ", bare, flags=re.S)
        for attribute in ("placeholder", "aria-label", "title", "alt"):
            for value in re.findall(rf'\s{attribute}="([^"]*)"', bare):
                assert value == "" or value.startswith("{{"), (name, attribute, value)
        bare = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", bare, flags=re.S)
        bare = re.sub(r"<[^>]*>", " ", bare, flags=re.S)
        words = [w for w in re.findall(r"[^\s()\[\]:.,;!?·–-]+", bare) if w not in allowed and w != "doctype"]
        assert words == [], (name, words[:10])


def test_translated_elements_hold_text_only_in_the_templates() -> None:
    for name in MY_TEMPLATES:
        source = (TEMPLATES_DIR / name).read_text(encoding="utf-8")
        for match in re.finditer(r"<(\w+)[^>]*\sdata-i18n=\"[^\"]*\"[^>]*>(.*?)</\1>", source, flags=re.S):
            assert "<" not in match.group(2), (name, match.group(0)[:200])


def test_frontend_references_no_other_host_and_no_inline_code() -> None:
    offenders = []
    for path in FRONTEND.rglob("*"):
        if not path.is_file() or path.suffix not in {".html", ".js", ".mjs", ".css", ".json", ".svg"}:
            continue
        content = path.read_text(encoding="utf-8")
        for url in re.findall(r"https?://[^\s\"'`)<>]+", content):
            if not url.startswith(("http://www.w3.org/", "https://www.w3.org/")):  # XML namespaces only
                offenders.append(f"{path.relative_to(REPO)}: {url}")
        if path.suffix == ".css":
            offenders += [f"{path.relative_to(REPO)}: @import" for _ in re.findall(r"@import", content)]
            offenders += [f"{path.relative_to(REPO)}: {u}" for u in re.findall(r"url\(\s*['\"]?//", content)]
        if path.suffix == ".html":
            for attrs in re.findall(r"<script\b([^>]*)>", content):
                assert "src=" in attrs or 'type="application/json"' in attrs, (
                    f"{path}: inline <script{attrs}>"
                )
            assert not re.search(r"\sstyle=", content), f"{path}: inline style attribute"
            assert not re.search(r"\son[a-z]+=", content), f"{path}: inline event handler"
            # The schéma is drawn by WeasyPrint on the server, never served to a browser (no CSP applies to
            # it): its print styles may sit in its <style>. Every page a browser gets has none.
            if not path.is_relative_to(FRONTEND / "templates" / "schema"):
                assert "<style" not in content, f"{path}: <style> element"
    assert offenders == []


# -- the flow through HTTP ----------------------------------------------------------------------------


def test_create_facilitate_join_with_a_colour_and_reach_the_board(sqlite_server: ServerProcess) -> None:
    with new_browser(sqlite_server) as facilitator, new_browser(sqlite_server) as amina:
        created = facilitator.post(
            "/api/workshops", json={"title": "Atelier <Jas> & Bouffan", "date": "2026-12-03"}
        ).json()
        workshop_id, board_id, code = created["workshop"]["id"], created["board"]["id"], created["join_code"]

        # The facilitator's page, from the cookie the creation set.
        page = facilitator.get(f"/workshops/{workshop_id}")
        assert page.status_code == 200
        html = page.text
        assert "Atelier &lt;Jas&gt; &amp; Bouffan" in html and "<Jas>" not in html  # autoescaped
        groups = created["join_code_display"].split("-")
        assert "".join(f'<span class="code-group">{g}</span>' for g in groups) in html
        assert f'value="{created["join_link"]}"' in html  # the absolute join link (the QR code's)
        assert created["join_link"].startswith(f"{sqlite_server.base_url}/j/t/")
        assert f'src="/api/workshops/{workshop_id}/join-qr.svg"' in html
        assert f'href="/boards/{board_id}"' in html
        export = re.search(r'<a [^>]*href="(/api/boards/[^"]+/export)"[^>]*download="([^"]+)"', html)
        assert export and export.group(2) == "fresque-atelier-jas-bouffan-exploration-2026-12-03.json"
        downloaded = facilitator.get(export.group(1), headers={"Accept": "application/json"})
        assert downloaded.status_code == 200 and downloaded.json()["board"]["id"] == board_id

        # A resident without a session is sent to join; the code in the link opens step two.
        assert amina.get(f"/boards/{board_id}").status_code == 303
        assert amina.get(f"/boards/{board_id}").headers["location"] == "/join"
        step_two = amina.get(f"/j/{created['join_code_display']}")
        assert step_two.status_code == 200 and "Atelier &lt;Jas&gt; &amp; Bouffan" in step_two.text
        form = Page(step_two.text)
        swatches = [a["value"] for tag, a in form.elements if tag == "input" and a.get("name") == "colour"]
        assert swatches == [c.id for c in PALETTE]
        suggested = [a["data-alias-key"] for tag, a in form.elements if a.get("data-alias-key")]
        assert len(suggested) == 6 and len(set(suggested)) == 6
        assert next(a for _, a in form.elements if a.get("id") == "join-form")["data-code"] == code

        joined = amina.post("/api/join", json={"code": code, "alias": "Amina", "colour": "green"})
        assert joined.status_code == 201 and joined.json()["colour"] == "green"

        # Now the board page is hers (or board.html is not written yet: then only the access rules).
        if BOARD_TEMPLATE.exists():
            board = amina.get(f"/boards/{board_id}")
            assert board.status_code == 200, board.text[:500]
            bootstrap = check_page(board, "fr").json_script("bootstrap")
            assert bootstrap["me"]["alias"] == "Amina" and bootstrap["me"]["colour"] == "green"
            assert bootstrap["board"] == {
                "id": board_id,
                "kind": "exploration",
                "title": created["board"]["title"],
            }
            # its scripts are asked for at once, not discovered one import at a time (fresque.modules)
            assert '<link rel="modulepreload" href="/static/js/core/geometry.js">' in board.text
        assert amina.get(f"/workshops/{workshop_id}").status_code == 403  # not the facilitator
        assert ">Accès réservé</h1>" in amina.get(f"/workshops/{workshop_id}").text

        # The facilitator opening the join link is offered the way back, not "continue as Animation".
        own = facilitator.get(f"/j/{code}").text
        assert f'href="/workshops/{workshop_id}"' in own and 'data-i18n="join.continue_as"' not in own

        # Coming back to the join link with a session offers to continue.
        again = amina.get(f"/j/{code}").text
        assert f'href="/boards/{board_id}"' in again and "Continuer comme Amina" in again

        # Everyone's colour, for the board.
        listed = amina.get(f"/api/workshops/{workshop_id}", headers={"Accept": "application/json"}).json()
        assert [(p["alias"], p["colour"], p["role"]) for p in listed["participants"]] == [
            ("Animation", FACILITATOR_COLOUR.id, "facilitator"),
            ("Amina", "green", "participant"),
        ]
        roster = facilitator.get(f"/workshops/{workshop_id}").text
        assert '<li class="person colour-green"' in roster and "Amina" in roster

    with new_browser(sqlite_server) as stranger:
        other = stranger.post("/api/workshops", json={"title": "Ailleurs"}).json()
        assert stranger.get(f"/boards/{board_id}").status_code == 403  # a board of another workshop
        assert stranger.get(f"/workshops/{workshop_id}").status_code == 403
        assert stranger.get("/boards/no-such-board").status_code == 404
        assert stranger.get(f"/workshops/{other['workshop']['id']}").status_code == 200


def test_an_unknown_code_is_said_plainly(browser: httpx.Client) -> None:
    page = browser.get("/join", params={"code": "zzz zzz zzz z"})
    assert page.status_code == 200
    assert '<span data-i18n="join.error.unknown_code">Ce code ne marche pas' in page.text
    assert 'aria-invalid="true"' in page.text
    assert 'value="zzz zzz zzz z"' in page.text  # what was typed stays, to be corrected
    assert "{" not in re.sub(r"<script.*?</script>", "", page.text, flags=re.S)  # no raw JSON, no template


# -- the board route, with a stand-in board.html --------------------------------------------------------

STAND_IN = """{% extends "base.html" %}
{% block main %}<script type="application/json" id="bootstrap">{{ bootstrap|tojson }}</script>
<p id="context">{{ board.kind }}|{{ workshop.title }}|{{ me.alias }}|{{ me.role }}|{{ me.colour }}</p>
{% endblock %}
"""


async def test_the_board_route_gives_board_html_its_context(sqlite_url: str, tmp_path: Path) -> None:
    """In process (the app with a stand-in board.html searched first), so that the context board.html
    receives is pinned down whether or not the real board.html exists yet."""
    from fresque import access
    from fresque.app import create_app

    (tmp_path / "board.html").write_text(STAND_IN)
    await asyncio.to_thread(migrate.upgrade, sqlite_url)
    app = create_app(Settings(database_url=sqlite_url), template_dirs=[tmp_path])
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url="http://testserver") as client,
    ):
        created = (await client.post("/api/workshops", json={"title": "Atelier"})).json()
        board_id = created["board"]["id"]
        client.cookies.clear()
        evil = '</script><script>alert("x")</script>'
        joined = await client.post(
            "/api/join", json={"code": created["join_code"], "alias": evil, "colour": "blue"}
        )
        assert joined.status_code == 201
        for lang in LANGUAGES:
            response = await client.get(f"/boards/{board_id}", params={"lang": lang})
            assert response.status_code == 200
            page = check_page(response, lang)
            assert page.json_script("bootstrap") == {
                "board": {"id": board_id, "kind": "exploration", "title": "Atelier"},
                "workshop": {"id": created["workshop"]["id"], "title": "Atelier"},
                "me": {
                    "participant": joined.json()["participant"],
                    "alias": evil,
                    "role": "participant",
                    "colour": "blue",
                },
                "palette": [c.to_json() for c in all_colours()],
                "access": {"phases": access.tools_json(), "facilitating": False},
                "joining": None,  # the join QR code is for facilitators' and observers' screens only
                "aliases": page.json_script("bootstrap")["aliases"],
                "custom_pictograms": [],  # the workshop's own pictures (none here)
            }
            assert set(page.json_script("bootstrap")["aliases"]) <= set(ALIAS_SUGGESTIONS)
            assert page.json_script("i18n-dict") == dictionary(lang)
        assert response.text.count("<script>") == 0  # the alias cannot close the JSON script
        assert (
            "exploration|Atelier|&lt;/script&gt;" in response.text
            and "|participant|blue</p>" in response.text
        )


# -- colours ------------------------------------------------------------------------------------------


def _luminance(hex_colour: str) -> float:
    channels = [int(hex_colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_the_palette_is_eight_named_colours_readable_with_their_text_colour() -> None:
    assert (
        len(PALETTE) == 8 and len({c.id for c in PALETTE}) == 8 and len({c.hex for c in all_colours()}) == 9
    )
    assert FACILITATOR_COLOUR.id not in {c.id for c in PALETTE}
    for colour in all_colours():
        assert re.fullmatch(r"#[0-9A-F]{6}", colour.hex) and len(colour.id) <= 16
        assert colour.text in (WHITE, INK)
        assert _contrast(colour.hex, colour.text) >= 4.5, colour
        # the rule: white whenever white is readable
        assert (colour.text == WHITE) == (_contrast(colour.hex, WHITE) >= 4.5), colour
        assert _contrast(INK, "#FBF8F3") >= 3  # the swatch outline against the page
    readme = (REPO / "README.md").read_text()
    assert all(f"`{c.id}`" in readme for c in all_colours()) and "invalid_colour" in readme
    css = palette_css()
    for colour in all_colours():
        assert f"--colour-{colour.id}: {colour.hex};" in css and f".colour-{colour.id} {{" in css


def test_page_assets_palette_css_and_icons(browser: httpx.Client) -> None:
    css = browser.get("/palette.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert css.text == palette_css()
    names = set(load_catalogue().interface)
    assert {f"alias-{a}" for a in ALIAS_SUGGESTIONS} <= names
    for name in sorted(names):
        icon = browser.get(f"/icons/{name}.svg")
        assert icon.status_code == 200 and icon.content.lstrip().startswith(b"<svg"), name
        assert icon.headers["content-type"].startswith("image/svg+xml")
    for probe in ("/icons/nothing.svg", "/icons/alias-.svg", "/icons/..%2F..%2Fetc%2Fpasswd.svg"):
        assert browser.get(probe).status_code == 404
    # the same icons as PNG (the board's header: no SVG document per icon on a slow phone's main thread)
    for name in ("vote", "note", "undo", "pictures", "language", "facilitator"):
        icon = browser.get(f"/icons/{name}.png")
        assert icon.status_code == 200 and icon.content.startswith(b"\x89PNG\r\n\x1a\n"), name
        assert icon.headers["content-type"] == "image/png"
    for probe in ("/icons/nothing.png", "/icons/..%2F..%2Fetc%2Fpasswd.png"):
        assert browser.get(probe).status_code == 404
    board = (REPO / "frontend" / "templates" / "board.html").read_text()
    assert "/icons/vote.png" in board and not re.search(r"/icons/[a-z-]+\.svg", board)


async def _participant_columns(url: str) -> list[tuple[Any, ...]]:
    engine = make_engine(url)
    async with engine.connect() as conn:
        rows = (await conn.execute(text("SELECT id, alias FROM participants ORDER BY id"))).all()
        sessions = (await conn.execute(text("SELECT token_hash FROM sessions"))).all()
    await engine.dispose()
    return [tuple(r) for r in rows] + [("session", s[0]) for s in sessions]


def test_migration_0002_adds_a_nullable_colour_and_keeps_everyone(database_url: str) -> None:
    """Existing participants get NULL (shown with a colour derived from their id); downgrading drops the
    column without touching participants or their sessions (no table copy, no cascade)."""
    migrate.upgrade(database_url, "0001")

    async def seed() -> None:
        engine = make_engine(database_url)
        async with engine.begin() as conn:
            await conn.execute(
                text(
                    "INSERT INTO workshops (id, title, join_code, created_at) "
                    "VALUES ('w1', 'Atelier', 'ABCDEFGHJK', CURRENT_TIMESTAMP)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO participants (id, workshop_id, alias, role, created_at) "
                    "VALUES ('p1', 'w1', 'Amina', 'participant', CURRENT_TIMESTAMP)"
                )
            )
            await conn.execute(
                text(
                    "INSERT INTO sessions (token_hash, participant_id, created_at) "
                    "VALUES ('h1', 'p1', CURRENT_TIMESTAMP)"
                )
            )
        await engine.dispose()

    async def colours() -> list[Any]:
        engine = make_engine(database_url)
        async with engine.connect() as conn:
            found = [r[0] for r in (await conn.execute(text("SELECT colour FROM participants"))).all()]
        await engine.dispose()
        return found

    asyncio.run(seed())
    before = asyncio.run(_participant_columns(database_url))
    migrate.upgrade(database_url)
    assert asyncio.run(colours()) == [None]
    migrate.check(database_url)
    migrate.downgrade(database_url, "0001")
    assert asyncio.run(_participant_columns(database_url)) == before
    migrate.upgrade(database_url)
    assert asyncio.run(_participant_columns(database_url)) == before


def test_sqlite_used_by_the_migration_can_drop_a_column() -> None:
    assert sqlite3.sqlite_version_info >= (3, 35, 0)  # ALTER TABLE … DROP COLUMN, used by 0002's downgrade


# -- the console's boards: both kinds, their print pages and exports ----------------------------------------


def _rows(html: str) -> dict[str, str]:
    """The console's board rows (the list, not the <template>s), by board id."""
    listing = re.search(
        r'<ul class="board-list" id="boards"[^>]*>(.*?)</ul>\s*(?:<template|<form|</section)', html, re.S
    )
    assert listing, "no board list"
    rows = re.findall(
        r'<li class="board-row" data-board="([^"]+)"[^>]*>(.*?)\n      </li>', listing.group(1), re.S
    )
    return dict(rows)


def _links(row: str) -> dict[str, str | None]:
    """Each link's href → its download attribute (None without)."""
    return {
        href: (download.group(1) if (download := re.search(r'download="([^"]*)"', attrs)) else None)
        for attrs in re.findall(r"<a ([^>]*)>", row)
        for href in re.findall(r'href="([^"]*)"', attrs)
    }


@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_console_rows_give_each_kind_its_links_and_the_exports_to_the_owner_only(
    sqlite_server: ServerProcess, lang: str
) -> None:
    from fresque.csv_export import EXPLORATION_COLUMNS

    with new_browser(sqlite_server) as owner, new_browser(sqlite_server) as co:
        created = owner.post(
            "/api/workshops", json={"title": "Atelier Encagnane", "date": "2027-01-09"}
        ).json()
        workshop, residents = created["workshop"]["id"], created["board"]["id"]
        bearer = {"Authorization": f"Bearer {created['facilitator']['token']}", "Accept": "application/json"}
        added = httpx.post(
            f"{sqlite_server.base_url}/api/workshops/{workshop}/boards",
            json={"kind": "actions", "title": "Plan d’actions"},
            headers=bearer,
        )
        assert added.status_code == 201, added.text
        plan = added.json()["id"]

        page = owner.get(f"/workshops/{workshop}", params={"lang": lang})
        assert page.status_code == 200
        check_page(page, lang)  # every data-i18n key of the rows (the tables' names too) is in the dictionary
        words = dictionary(lang)
        rows = _rows(page.text)
        assert list(rows) == [residents, plan]
        stem = "fresque-atelier-encagnane"
        # French spreadsheets split on semicolons: a French console's CSV links ask for them (issue 11)
        sep, delimiter = ("semicolon", ";") if lang == "fr" else ("comma", ",")
        assert re.search(rf'<input type="radio" name="csv-sep" value="{sep}" checked>', page.text)
        assert len(re.findall(r'name="csv-sep"[^>]* checked', page.text)) == 1
        assert _links(rows[plan]) == {
            f"/boards/{plan}": None,
            f"/boards/{plan}/print": None,
            f"/boards/{plan}/print?fiches=1": None,
            f"/api/boards/{plan}/export": f"{stem}-actions-2027-01-09.json",
            f"/api/boards/{plan}/export.csv?sep={sep}": f"{stem}-actions-2027-01-09.csv",
        }
        assert "?view=projector" not in rows[plan]  # the actions page has no projector view
        assert _links(rows[residents]) == {
            f"/boards/{residents}": None,
            f"/boards/{residents}?view=projector": None,
            f"/api/boards/{residents}/export": f"{stem}-exploration-2027-01-09.json",
            **{
                f"/api/boards/{residents}/export.csv?table={t}&amp;sep={sep}": (
                    f"{stem}-exploration-{t}-2027-01-09.csv"
                )
                for t in EXPLORATION_COLUMNS
            },
            # the residents' fresco as a poster (issue 14): A3 and A2 PDF, a PNG
            f"/api/boards/{residents}/poster.pdf?paper=a3": None,
            f"/api/boards/{residents}/poster.pdf?paper=a2": None,
            f"/api/boards/{residents}/poster.png?paper=a3": None,
        }
        for table in EXPLORATION_COLUMNS:
            assert f">{words[f'facilitator.csv_table.{table}']}</span>" in rows[residents]
        # a board added by the page: one <template> per kind, the same rows with `__board__` for the id
        for kind in ("exploration", "actions"):
            template = re.search(rf'<template id="board-row-{kind}">(.*?)</template>', page.text, re.S)
            assert template and f'data-kind="{kind}"' in template.group(1)
            assert "/boards/__board__" in template.group(1)
        # the radio cards: real radios with their labels, exploration chosen first
        radios = re.findall(
            r'<input class="kind-input" type="radio" name="kind" id="new-board-(\w+)"[^>]*>', page.text
        )
        assert radios == ["exploration", "actions"]
        assert re.search(r'id="new-board-exploration"[^>]*\schecked', page.text)
        assert not re.search(r'id="new-board-actions"[^>]*\schecked', page.text)
        for kind in radios:
            assert f'<label class="kind-name" for="new-board-{kind}"' in page.text

        # every link of the owner's rows answers: the print pages, the JSON, each CSV table
        for board_id in (residents, plan):
            for href, download in _links(rows[board_id]).items():
                if href == f"/boards/{board_id}" or "view=projector" in href:
                    continue
                answer = owner.get(href.replace("&amp;", "&"))
                assert answer.status_code == 200, (href, answer.text[:200])
                if download and download.endswith(".csv"):
                    assert answer.headers["content-type"].startswith("text/csv")
                    header = answer.content.decode("utf-8").removeprefix("\ufeff").splitlines()[0]
                    table = re.search(r"table=(\w+)", href)
                    columns = EXPLORATION_COLUMNS[table.group(1)] if table else ("id", "number", "title")
                    assert header.startswith(delimiter.join(columns)), (href, header)

        # a co-facilitator prints but does not download, and adds no board
        link = httpx.post(
            f"{sqlite_server.base_url}/api/workshops/{workshop}/sign-in-links",
            json={"role": "co_facilitator", "alias": "Leïla"},
            headers=bearer,
        ).json()["link"]
        entered = co.post(link.removeprefix(sqlite_server.base_url), headers={"Origin": sqlite_server.origin})
        assert entered.status_code in (200, 303), entered.text[:300]
        theirs = co.get(f"/workshops/{workshop}", params={"lang": lang})
        assert theirs.status_code == 200
        rows = _rows(theirs.text)
        assert _links(rows[plan]) == {
            f"/boards/{plan}": None,
            f"/boards/{plan}/print": None,
            f"/boards/{plan}/print?fiches=1": None,
        }
        assert _links(rows[residents]) == {
            f"/boards/{residents}": None,
            f"/boards/{residents}?view=projector": None,
        }
        assert "csv-menu" not in theirs.text and "<template" not in theirs.text
        assert 'id="add-board"' not in theirs.text
        assert co.get(f"/boards/{plan}/print").status_code == 200


def test_the_console_names_every_exploration_table_and_board_kind_in_each_language() -> None:
    from fresque.csv_export import EXPLORATION_COLUMNS

    for lang in LANGUAGES:
        words = dictionary(lang)
        for table in EXPLORATION_COLUMNS:
            assert words.get(f"facilitator.csv_table.{table}"), (lang, table)
        for kind in ("exploration", "actions"):
            assert words.get(f"facilitator.kind.{kind}") and words.get(f"facilitator.kind.{kind}_help"), lang
    french = dictionary("fr")
    assert french["facilitator.kind.exploration"] == "Fresque d’exploration (habitants)"
    assert french["facilitator.kind.actions"] == "Fresque des actions (partenaires)"
    assert french["facilitator.kind_legend"].endswith("\u202f?")
    assert french["facilitator.csv_help"].endswith("\u00a0:")
