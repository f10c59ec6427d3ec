"""Joining from the room's network, in Chromium (issue 11).

The facilitator opens the console on the laptop through 127.0.0.1, as the README says. On a server started
for the room (`--lan`: every interface), the join link and QR code name the laptop's LAN address, and a second
device (an Arabic phone) opens that very link, in Arabic, and joins the board through it: traffic to this
machine's own interface address, nothing else. On a server that listens on loopback only, the console keeps
the loopback link but says, visibly and in the page's language, that phones cannot use it, and how to fix it.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from fresque.addresses import is_loopback_host, lan_addresses
from fresque.links import LAN_COMMAND
from helpers import LAPTOP_HD, PHONE, Devices, devices_on, own_server, wait_connected
from playwright.sync_api import Browser, expect
from support.server import ServerProcess

#: Two addresses for a laptop on two networks, pinned in the server process (`sitecustomize`): the page only
#: shows them; nothing connects to them.
TWO_NETWORKS = ["192.168.1.20", "10.8.0.3"]


@pytest.fixture
def lan_server(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """`fresque serve` listening on every interface (what `--lan` does), reached here through 127.0.0.1."""
    with own_server(sqlite_url, tmp_path, {"FRESQUE_HOST": "0.0.0.0"}) as proc:
        yield proc


def test_a_phone_joins_through_the_lan_link_the_console_shows(
    browser: Browser, lan_server: ServerProcess
) -> None:
    app = lan_server
    with devices_on(browser, app) as devices:
        ws, laptop = devices.facilitator_at_the_console(LAPTOP_HD)
        assert urlsplit(laptop.url).hostname == "127.0.0.1"
        link = laptop.locator("#join-link").input_value()
        room = lan_addresses()
        if not room:
            expect(laptop.locator("#join-warning")).to_be_visible()
            expect(laptop.locator("#join-warning")).to_have_attribute("data-warning", "no_network")
            pytest.skip(
                "this machine has no non-loopback IPv4 interface: no second device can join through it"
            )
        host = urlsplit(link).hostname or ""
        assert not is_loopback_host(host) and host == room[0], link
        assert urlsplit(link).port == app.port and urlsplit(link).path.startswith("/j/t/")
        expect(laptop.locator("#join-warning")).to_have_count(0)
        laptop.wait_for_function("() => document.getElementById('join-qr').naturalWidth > 0")
        qr_box = laptop.locator("#join-qr").bounding_box()
        assert qr_box and qr_box["width"] >= 200  # big enough to scan from a chair

        # a second device, with an Arabic phone's language, opens the link itself (this machine's address)
        context = browser.new_context(locale="ar-MA", **PHONE)  # Chromium sends "Accept-Language: ar-MA"
        phone = context.new_page()
        phone.on("pageerror", lambda error: devices.errors.append(f"{phone.url}: {error}"))
        devices.pages.append(phone)  # closed with the others
        phone.goto(link)
        expect(phone.locator("html")).to_have_attribute("lang", "ar")
        expect(phone.locator("html")).to_have_attribute("dir", "rtl")
        phone.locator("#alias-input").fill("أمينة")
        phone.locator("label.swatch.colour-green").click()
        phone.locator("#join-submit").click()
        phone.wait_for_url(f"http://{host}:{app.port}/boards/*")
        wait_connected(phone)
        people = app.get(f"/api/workshops/{ws.id}/participants", ws.token).json()["participants"]
        assert {p["alias"]: p["present"] for p in people}["أمينة"] is True
        assert devices.errors == []


@pytest.mark.parametrize(
    ("lang", "words"), [("fr", "ne marchent que sur cet ordinateur"), ("ar", "على هذا الحاسوب فقط")]
)
def test_a_loopback_only_server_warns_on_the_console_with_the_command(
    devices: Devices, app: ServerProcess, lang: str, words: str
) -> None:
    _, laptop = devices.facilitator_at_the_console(LAPTOP_HD, lang)
    link = laptop.locator("#join-link").input_value()
    assert urlsplit(link).hostname == "127.0.0.1"  # kept: it works on this computer
    warning = laptop.locator("#join-warning")
    expect(warning).to_be_visible()
    expect(warning).to_contain_text(words)
    expect(laptop.locator("#lan-command")).to_have_text(LAN_COMMAND)
    # seen with the QR code, not scrolled away: above it, within the first screen
    box, qr = warning.bounding_box(), laptop.locator("#join-qr").bounding_box()
    assert box and qr and box["y"] + box["height"] <= qr["y"]
    assert box["y"] < 768, box
    assert devices.errors == []


@pytest.fixture
def two_network_server(sqlite_url: str, tmp_path: Path) -> Iterator[ServerProcess]:
    """A server on every interface of a machine whose interfaces read `TWO_NETWORKS`."""
    hook = tmp_path / "hook"
    hook.mkdir()
    (hook / "sitecustomize.py").write_text(
        f"import fresque.addresses as a\na.lan_addresses = lambda: {TWO_NETWORKS!r}\n", encoding="utf-8"
    )
    env = {
        "FRESQUE_HOST": "0.0.0.0",
        "PYTHONPATH": f"{hook}:{Path(__file__).resolve().parents[2] / 'backend'}",
    }
    with own_server(sqlite_url, tmp_path, env) as proc:
        yield proc


def test_a_laptop_on_two_networks_offers_both_addresses_the_likeliest_first(
    browser: Browser, two_network_server: ServerProcess
) -> None:
    app = two_network_server
    with devices_on(browser, app) as devices:
        _, laptop = devices.facilitator_at_the_console(LAPTOP_HD)
        field, qr = laptop.locator("#join-link"), laptop.locator("#join-qr")
        choices = laptop.locator("#address-list .address-choice")
        expect(choices).to_have_text([f"{ip}:{app.port}" for ip in TWO_NETWORKS])
        expect(choices.first).to_have_attribute("aria-pressed", "true")
        first = field.input_value()
        assert first.startswith(f"http://{TWO_NETWORKS[0]}:{app.port}/j/t/")
        # the other network: its link, and the QR code of that link (drawn by the server, through 127.0.0.1)
        choices.nth(1).click()
        expect(field).to_have_value(first.replace(TWO_NETWORKS[0], TWO_NETWORKS[1]))
        expect(choices.nth(1)).to_have_attribute("aria-pressed", "true")
        expect(choices.first).to_have_attribute("aria-pressed", "false")
        expect(qr).to_have_attribute("src", re.compile(r"join-qr\.svg\?via=1$"))
        laptop.wait_for_function("() => document.getElementById('join-qr').naturalWidth > 0")
        # a new link: every address follows the new token, the picked one stays picked
        laptop.locator("#new-link").click()
        expect(laptop.locator("#console-status")).to_contain_text("Nouveau lien prêt")
        token = field.input_value().rsplit("/", 1)[1]
        assert token != first.rsplit("/", 1)[1]
        assert field.input_value() == f"http://{TWO_NETWORKS[1]}:{app.port}/j/t/{token}"
        expect(choices.first).to_have_attribute(
            "data-link", f"http://{TWO_NETWORKS[0]}:{app.port}/j/t/{token}"
        )
        expect(qr).to_have_attribute("src", re.compile(r"join-qr\.svg\?via=1&v=\d+$"))
        laptop.wait_for_function("() => document.getElementById('join-qr').naturalWidth > 0")
        assert devices.errors == []
