"""Joining from the room's network (issue 11): the links other devices open name an address they reach.

- `fresque.addresses`: this machine's LAN addresses, ranked (the Wi-Fi's before a Docker bridge);
- `fresque.links.choose_reach`: FRESQUE_PUBLIC_URL, else the page's own non-loopback address, else (a page
  opened through loopback) the LAN addresses when the server listens on them, else loopback with a warning;
- the console, the join API, the join QR code, sign-in links and the projector's QR code all use it (in
  process, with the machine's addresses pinned by monkeypatch, so every case runs on any machine);
- `fresque serve --lan` prints the residents' address and a QR code first; plain `fresque serve` names the
  flag on its first line (real processes; only ever connected to through 127.0.0.1).
"""

from __future__ import annotations

import asyncio
import html
import io
import os
import re
import selectors
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
import segno
from fresque import addresses
from fresque.addresses import is_loopback_host, listens_beyond_loopback, rank_addresses
from fresque.api.deps import origin_allowed
from fresque.config import Settings
from fresque.db import migrate
from fresque.links import LAN_COMMAND, Reach, choose_reach
from pydantic import ValidationError
from starlette.requests import HTTPConnection
from support.server import free_port

REPO = Path(__file__).resolve().parents[1]
ROOM = ["192.168.1.20", "10.8.0.3"]  # a laptop on the room's Wi-Fi, and on a second network


# -- this machine's addresses ----------------------------------------------------------------------------


def test_loopback_hosts_are_recognised() -> None:
    for host in ("127.0.0.1", "127.0.1.1", "localhost", "LOCALHOST", "::1", "[::1]", "app.localhost"):
        assert is_loopback_host(host), host
    for host in ("192.168.1.20", "10.0.0.1", "fresque.ville.fr", "0.0.0.0", "::", "", None):
        assert not is_loopback_host(host), host


def test_a_server_on_every_interface_or_a_lan_address_is_reachable_and_loopback_is_not() -> None:
    assert listens_beyond_loopback("0.0.0.0") and listens_beyond_loopback("::")
    assert listens_beyond_loopback("192.168.1.20")
    assert not listens_beyond_loopback("127.0.0.1") and not listens_beyond_loopback("localhost")


def test_the_wifi_address_comes_before_bridges_vpns_and_never_loopback_or_link_local() -> None:
    found = [
        ("lo", "127.0.0.1"),
        ("docker0", "172.17.0.1"),
        ("br-5f1c", "172.18.0.1"),
        ("tailscale0", "100.101.102.103"),
        ("eth0", "10.8.0.3"),
        ("wlan0", "192.168.1.20"),
        ("wlan0", "169.254.3.4"),
        ("", "127.0.1.1"),  # Debian's /etc/hosts name for the machine
        ("", "192.168.1.20"),  # the host name's address, again
        ("eth1", "fe80::1"),
    ]
    assert rank_addresses(found) == [
        "192.168.1.20",
        "10.8.0.3",
        "172.17.0.1",
        "172.18.0.1",
        "100.101.102.103",
    ]
    # without interface names, a 172.16/12 address (Docker's range) still comes after 192.168 and 10
    assert rank_addresses([("", "172.20.0.4"), ("", "10.1.2.3"), ("", "192.168.0.9")]) == [
        "192.168.0.9",
        "10.1.2.3",
        "172.20.0.4",
    ]


def test_the_machine_s_addresses_are_read_from_its_interfaces() -> None:
    """On this machine: the kernel's table (what `ip -4 addr` lists), loopback left out."""
    found = addresses.lan_addresses()
    assert all(not is_loopback_host(a) for a in found)
    listed = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True, check=False)
    if listed.returncode == 0:
        kernel = set(re.findall(r"inet (\d+\.\d+\.\d+\.\d+)/", listed.stdout)) - {"127.0.0.1"}
        assert {a for a in kernel if not a.startswith(("127.", "169.254."))} <= set(found)


# -- which address a link names ----------------------------------------------------------------------------


def reach(**overrides: Any) -> Reach:
    given: dict[str, Any] = {
        "public_url": None,
        "request_origin": "http://127.0.0.1:8000",
        "request_host": "127.0.0.1",
        "listen_host": "0.0.0.0",
        "port": 8000,
        "lan": lambda: list(ROOM),
    }
    return choose_reach(**{**given, **overrides})


def test_the_public_url_comes_first() -> None:
    assert reach(public_url="https://fresque.ville.fr") == Reach(("https://fresque.ville.fr",))
    assert reach(public_url="https://fresque.ville.fr", listen_host="127.0.0.1").warning is None


def test_pages_of_the_public_url_may_open_sockets_and_write_behind_a_proxy_that_rewrites_host() -> None:
    # A proxy serving https://fresque.ville.fr may reach the server as http://127.0.0.1:8000 (Host rewritten):
    # the residents' pages then send `Origin: https://fresque.ville.fr`, which is not the Host they came with.
    def allowed(origin: str, **settings: Any) -> bool:
        scope = {
            "type": "http",
            "scheme": "http",
            "path": "/",
            "query_string": b"",
            "server": ("127.0.0.1", 8000),
            "headers": [(b"host", b"127.0.0.1:8000"), (b"origin", origin.encode())],
        }
        return origin_allowed(HTTPConnection(scope), Settings(**settings))

    assert not allowed("https://fresque.ville.fr")  # before: FRESQUE_ALLOWED_ORIGINS had to repeat it
    assert allowed("https://fresque.ville.fr", public_url="https://fresque.ville.fr")
    assert allowed("https://fresque.ville.fr", public_url="https://fresque.ville.fr/ateliers/")  # its origin
    assert not allowed("https://fresque.ville.fr.evil.example", public_url="https://fresque.ville.fr")
    assert not allowed("http://fresque.ville.fr", public_url="https://fresque.ville.fr")  # exact scheme
    assert allowed("http://127.0.0.1:8000", public_url="https://fresque.ville.fr")  # its own, as before


def test_a_page_opened_through_loopback_gets_the_lan_addresses_most_likely_first() -> None:
    assert reach() == Reach(("http://192.168.1.20:8000", "http://10.8.0.3:8000"))
    for host, origin in (("localhost", "http://localhost:8000"), ("::1", "http://[::1]:8000")):
        assert reach(request_host=host, request_origin=origin).origins[0] == "http://192.168.1.20:8000"
    # a server bound to one LAN address: that one
    assert reach(listen_host="192.168.1.20", port=9000) == Reach(("http://192.168.1.20:9000",))


def test_a_page_opened_through_a_network_address_keeps_it() -> None:
    assert reach(request_origin="http://192.168.1.20:8000", request_host="192.168.1.20") == Reach(
        ("http://192.168.1.20:8000",)
    )


def test_a_loopback_only_server_keeps_the_loopback_link_with_a_warning() -> None:
    assert reach(listen_host="127.0.0.1") == Reach(("http://127.0.0.1:8000",), "loopback_only")


def test_no_network_address_keeps_the_loopback_link_with_a_warning() -> None:
    assert reach(lan=lambda: []) == Reach(("http://127.0.0.1:8000",), "no_network")


def test_the_public_url_setting_is_an_origin() -> None:
    assert Settings(public_url="https://fresque.ville.fr/").public_url == "https://fresque.ville.fr"
    assert Settings(public_url="").public_url is None
    with pytest.raises(ValidationError):
        Settings(public_url="fresque.ville.fr")


# -- every link the server makes, in process -----------------------------------------------------------------


@asynccontextmanager
async def app_client(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    origin: str,
    room: list[str] | None = None,
    **settings: Any,
) -> AsyncIterator[httpx.AsyncClient]:
    """The app in process, its requests arriving as if through `origin`; this machine's addresses pinned."""
    from fresque.app import create_app

    monkeypatch.setattr(addresses, "lan_addresses", lambda: list(ROOM if room is None else room))
    url = f"sqlite+aiosqlite:///{tmp_path / 'lan.sqlite3'}"
    await asyncio.to_thread(migrate.upgrade, url)
    app = create_app(Settings(database_url=url, data_dir=tmp_path, **settings))
    transport = httpx.ASGITransport(app=app)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=transport, base_url=origin, headers={"Accept": "text/html"}) as client,
    ):
        yield client


def join_input(page: str) -> str:
    found = re.search(r'id="join-link" type="text" value="([^"]+)"', page)
    assert found, "the console shows no join link"
    return html.unescape(found.group(1))


def qr_of(link: str) -> bytes:
    out = io.BytesIO()
    segno.make(link, error="m", micro=False).save(
        out, kind="svg", scale=10, border=4, xmldecl=False, svgns=True, title="QR", dark="#000", light="#fff"
    )
    return out.getvalue()


async def console(client: httpx.AsyncClient) -> tuple[dict[str, Any], str]:
    created = (await client.post("/api/workshops", json={"title": "Atelier Encagnane"})).json()
    page = await client.get(f"/workshops/{created['workshop']['id']}")
    assert page.status_code == 200
    return created, page.text


async def test_the_console_under_loopback_on_a_lan_server_shows_the_lan_links_and_their_qr_codes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_client(
        tmp_path, monkeypatch, "http://127.0.0.1:8000", host="0.0.0.0", port=8000
    ) as client:
        created, page = await console(client)
        token = created["join_link"].rsplit("/", 1)[1]
        assert created["join_link"] == f"http://192.168.1.20:8000/j/t/{token}"
        assert join_input(page) == created["join_link"]
        assert 'id="join-warning"' not in page
        # both addresses offered, the most likely first and pressed; each with its own QR code
        choices = re.findall(r'data-link="([^"]+)"\s+data-qr="([^"]+)"', page)
        workshop = created["workshop"]["id"]
        assert [c[0] for c in choices] == [f"http://{ip}:8000/j/t/{token}" for ip in ROOM]
        assert "join-addresses" in page and 'id="join-addresses" hidden' not in page
        for n, (link, qr) in enumerate(choices):
            svg = await client.get(html.unescape(qr))
            assert svg.status_code == 200 and svg.content == qr_of(link), n
        assert qr_of(choices[0][0]) == (await client.get(f"/api/workshops/{workshop}/join-qr.svg")).content
        # a new link: the API answers every address, and no warning
        bearer = {"Authorization": f"Bearer {created['facilitator']['token']}"}
        rotated = (await client.post(f"/api/workshops/{workshop}/join-link", headers=bearer)).json()
        new_token = rotated["join_link"].rsplit("/", 1)[1]
        assert rotated["join_links"] == [f"http://{ip}:8000/j/t/{new_token}" for ip in ROOM]
        assert rotated["join_warning"] is None


async def test_the_console_on_a_loopback_only_server_warns_and_names_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_client(tmp_path, monkeypatch, "http://127.0.0.1:8000", host="127.0.0.1") as client:
        created, page = await console(client)
        assert created["join_link"].startswith("http://127.0.0.1:8000/j/t/")
        assert join_input(page) == created["join_link"]
        assert 'data-warning="loopback_only"' in page
        assert 'data-i18n="facilitator.reach.loopback_only"' in page and LAN_COMMAND in page
        assert 'id="join-addresses" hidden' in page  # one address: nothing to choose
        bearer = {"Authorization": f"Bearer {created['facilitator']['token']}"}
        workshop = created["workshop"]["id"]
        answer = (
            await client.post(f"/api/workshops/{workshop}/joining", json={"open": True}, headers=bearer)
        ).json()
        assert answer["join_warning"] == "loopback_only"


async def test_the_console_of_a_machine_without_network_says_so(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async with app_client(tmp_path, monkeypatch, "http://localhost:8000", room=[], host="0.0.0.0") as client:
        _, page = await console(client)
        assert join_input(page).startswith("http://localhost:8000/j/t/")
        assert 'data-warning="no_network"' in page and 'id="lan-command"' not in page


async def test_the_public_url_names_every_link_qr_code_and_sign_in_link(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    public = "https://fresque.ville.fr"
    async with app_client(tmp_path, monkeypatch, "http://127.0.0.1:8000", public_url=public) as client:
        created, page = await console(client)
        workshop, board = created["workshop"]["id"], created["board"]["id"]
        token = created["join_link"].rsplit("/", 1)[1]
        assert created["join_link"] == f"{public}/j/t/{token}" == join_input(page)
        assert 'id="join-warning"' not in page
        qr = await client.get(f"/api/workshops/{workshop}/join-qr.svg")
        assert qr.content == qr_of(f"{public}/j/t/{token}")
        # the one-time sign-in links (`/s/{token}`) and the projector view's QR code go the same way
        bearer = {"Authorization": f"Bearer {created['facilitator']['token']}"}
        made = await client.post(
            f"/api/workshops/{workshop}/sign-in-links", json={"role": "me"}, headers=bearer
        )
        assert made.status_code == 201 and made.json()["link"].startswith(f"{public}/s/")
        assert made.json()["warning"] is None
        projector = await client.get(f"/boards/{board}", params={"view": "projector"})
        assert f"{public}/j/t/{token}" in projector.text


async def test_a_sign_in_link_made_through_loopback_names_the_lan_address_or_warns(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for host, start, warning in (
        ("0.0.0.0", "http://192.168.1.20:8000/s/", None),
        ("127.0.0.1", "http://127.0.0.1:8000/s/", "loopback_only"),
    ):
        async with app_client(tmp_path / host, monkeypatch, "http://127.0.0.1:8000", host=host) as client:
            created = (await client.post("/api/workshops", json={"title": "Atelier"})).json()
            bearer = {"Authorization": f"Bearer {created['facilitator']['token']}"}
            made = await client.post(
                f"/api/workshops/{created['workshop']['id']}/sign-in-links",
                json={"role": "observer"},
                headers=bearer,
            )
            assert made.json()["link"].startswith(start) and made.json()["warning"] == warning, host


# -- the command line ---------------------------------------------------------------------------------------


def read_lines(
    proc: subprocess.Popen[bytes], until: Callable[[list[str]], bool], timeout: float = 30
) -> list[str]:
    """The process's first output lines (stdout and stderr together), until `until(lines)` holds."""
    assert proc.stdout is not None
    lines: list[str] = []
    buffer = b""
    selector = selectors.DefaultSelector()
    selector.register(proc.stdout, selectors.EVENT_READ)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not until(lines):
        if not selector.select(timeout=0.5):
            if proc.poll() is not None:
                break
            continue
        chunk = os.read(proc.stdout.fileno(), 65536)
        if not chunk:
            break
        buffer += chunk
        *done, buffer = buffer.split(b"\n")
        lines.extend(line.decode("utf-8", "replace") for line in done)
    return lines


def start_cli(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[bytes], int]:
    port = free_port()
    env = {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONIOENCODING": "utf-8"}
    env.pop("FRESQUE_PUBLIC_URL", None)
    env.pop("FRESQUE_HOST", None)
    command = [sys.executable, "-m", "fresque.cli", "serve", *args, "--port", str(port)]
    command += ["--database-url", f"sqlite+aiosqlite:///{tmp_path / 'cli.sqlite3'}"]
    proc = subprocess.Popen(command, cwd=REPO, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    return proc, port


def stop(proc: subprocess.Popen[bytes]) -> None:
    if proc.poll() is None:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def healthy(port: int, timeout: float = 30) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return True
        except httpx.HTTPError:
            time.sleep(0.1)
    return False


QR_ROW = re.compile(r"^[█▀▄ ]{21,}$")


def test_serve_lan_prints_the_residents_address_and_a_qr_code_first(tmp_path: Path) -> None:
    proc, port = start_cli(tmp_path, "--lan")
    try:
        lines = read_lines(proc, lambda ls: any("On this computer" in x for x in ls) or len(ls) > 80)
        room = addresses.lan_addresses()
        if not room:  # a machine on no network: it says so on its first line, and gives the local address
            assert lines[0].startswith("No network address found"), lines[:3]
            return
        first = re.fullmatch(r"Residents join at: (http://([\d.]+):(\d+)/) .*", lines[0])
        assert first, lines[:3]
        assert first.group(2) == room[0] and not is_loopback_host(first.group(2))
        assert int(first.group(3)) == port
        # right after it, the QR code of that address, as segno draws it in a terminal (half blocks)
        expected = io.StringIO()
        segno.make(first.group(1), error="m", micro=False).terminal(out=expected, compact=True)
        drawn = expected.getvalue().splitlines()
        assert len(drawn) >= 15 and all(QR_ROW.match(x) for x in drawn)
        assert lines[1 : 1 + len(drawn)] == drawn
        assert healthy(port)  # it serves (asked through 127.0.0.1 only)
    finally:
        stop(proc)


def test_plain_serve_names_the_lan_flag_on_its_first_line(tmp_path: Path) -> None:
    proc, port = start_cli(tmp_path)
    try:
        lines = read_lines(proc, lambda ls: len(ls) >= 1)
        assert lines[0].startswith(f"Serving this computer only: http://127.0.0.1:{port}/"), lines[:2]
        assert LAN_COMMAND in lines[0] and "fresque serve --lan" in lines[0]
    finally:
        stop(proc)


def test_lan_and_host_cannot_both_be_given(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "fresque.cli", "serve", "--lan", "--host", "127.0.0.1"],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert done.returncode == 2 and "not allowed with argument" in done.stderr
