"""Issue 12, item 8: the language switcher never leaves the site. `GET //evil.example/` once rendered a form
whose action was `//evil.example/` (another host: with scripts off, a click on « English » went there).
No page echoes a path that a browser would read as another host, and the CSP forbids forms posting off the
site and `<base>` moving links, whatever a page gets wrong. Against a real server process (uvicorn decodes
the path as a browser's request reaches it)."""

from __future__ import annotations

import http.client
from collections.abc import Iterator
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urljoin, urlsplit

import pytest
from support.server import ServerProcess


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServerProcess]:
    """One server for the module (every test only reads pages)."""
    folder: Path = tmp_path_factory.mktemp("leaks")
    server = ServerProcess(
        f"sqlite+aiosqlite:///{folder / 'fresque.sqlite3'}",
        log_path=folder / "server.log",
        env={"FRESQUE_DATA_DIR": str(folder)},
    )
    server.start()
    yield server
    server.stop()


HOSTILE_PATHS = [
    "//evil.example/",
    "//evil.example/?lang=en",
    "///evil.example/board",
    "/%2F/evil.example/",  # decoded by the server: //evil.example/
    "/%5Cevil.example/",  # a backslash, which browsers read as a slash in a URL
    "/%5C%5Cevil.example/",
    "/%09/evil.example/",  # a tab, which browsers drop from a URL
    "/%0A/evil.example/",
    "//evil.example/w/abc/board?x=1&lang=ar",
]


class Links(HTMLParser):
    """Every URL a page gives a browser: form actions, links, sources, and any <base>."""

    def __init__(self) -> None:
        super().__init__()
        self.urls: list[tuple[str, str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name in ("action", "href", "src", "formaction") and value is not None:
                self.urls.append((tag, name, value))
        if tag == "base":
            self.urls.append((tag, "base", dict(attrs).get("href") or ""))


def raw_get(server: ServerProcess, path: str) -> tuple[int, dict[str, str], str]:
    """GET with the request line exactly as given (no client normalises `//` or `%5C`)."""
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    try:
        conn.request("GET", path, headers={"Accept": "text/html"})
        response = conn.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read().decode()
    finally:
        conn.close()


def browser_reads_as(base: str, url: str) -> str:
    """The host a browser resolves `url` to: it drops tabs and newlines and reads `\\` as `/` (WHATWG URL)."""
    cleaned = url.replace("\t", "").replace("\n", "").replace("\r", "").replace("\\", "/").strip()
    if cleaned.startswith("//"):  # any number of slashes, then a host (the special-authority state)
        return urlsplit("//" + cleaned.lstrip("/")).netloc
    return urlsplit(urljoin(base, cleaned)).netloc


@pytest.mark.parametrize("path", HOSTILE_PATHS)
def test_no_page_points_a_browser_at_another_host(site: ServerProcess, path: str) -> None:
    status, headers, body = raw_get(site, path)
    assert "location" not in headers or browser_reads_as(site.base_url, headers["location"]) == (
        f"127.0.0.1:{site.port}"
    )
    parser = Links()
    parser.feed(body)
    assert any(tag == "form" for tag, _, _ in parser.urls), f"{path}: {status}, no language switcher?"
    page_url = f"{site.base_url}{path}"
    for tag, attribute, url in parser.urls:
        assert tag != "base", f"{path}: a <base href={url!r}>"
        assert "evil.example" not in browser_reads_as(page_url, url), f"{path}: <{tag} {attribute}={url!r}>"
        assert browser_reads_as(page_url, url) in ("", f"127.0.0.1:{site.port}"), (tag, url)


def test_the_switcher_still_keeps_the_page_and_its_parameters(site: ServerProcess) -> None:
    _, _, body = raw_get(site, "/join?code=ABC&lang=en")
    assert 'action="/join"' in body
    assert '<input type="hidden" name="code" value="ABC">' in body


@pytest.mark.parametrize(
    "path", ["/", "/join", "/api/healthz-not-here", "/healthz", "/static/js/pages/lang.js"]
)
def test_the_csp_keeps_forms_and_links_on_the_site(site: ServerProcess, path: str) -> None:
    _, headers, _ = raw_get(site, path)
    directives = {
        part.strip().split()[0]: part.strip().split()[1:]
        for part in headers["content-security-policy"].split(";")
        if part.strip()
    }
    assert directives["form-action"] == ["'self'"]
    assert directives["base-uri"] == ["'none'"]
    assert directives["default-src"] == ["'self'"] and directives["frame-ancestors"] == ["'none'"]


@pytest.mark.parametrize(
    ("path", "echoed"),
    [
        ("//evil.example/", "/evil.example/"),
        ("/\\evil.example/", "/%5Cevil.example/"),
        ("/\\/evil.example/", "/%5C/evil.example/"),
        ("/\t/evil.example/", "/%09/evil.example/"),
        ("/w/abc/board", "/w/abc/board"),
        ("/join", "/join"),
        ("/w/é", "/w/%C3%A9"),
        ("/a%b", "/a%25b"),
    ],
)
def test_an_echoed_path_names_this_site_only(path: str, echoed: str) -> None:
    from fresque.pages import same_site_path

    assert same_site_path(path) == echoed
    assert browser_reads_as("http://127.0.0.1:8000/", echoed) == "127.0.0.1:8000"
