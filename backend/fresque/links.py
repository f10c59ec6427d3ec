"""The one place that makes links for other devices: the join link and its QR codes, sign-in links.

A link shown on the facilitator's laptop is opened on residents' phones, so it must name an address they
can reach. In this order (`choose_reach`):

1. `FRESQUE_PUBLIC_URL` when set (a server behind a proxy: `https://fresque.ville.fr`);
2. the address the page was opened through, when it is not loopback (the facilitator typed the laptop's
   LAN address, or a host name): other devices on that network use the same;
3. the page was opened through loopback (`127.0.0.1`, `localhost`, `::1`) and the server listens beyond it
   (`--lan`, `0.0.0.0`, or a LAN address): this machine's LAN addresses (`fresque.addresses`) with the
   server's port, the most likely first;
4. otherwise the loopback link, with a warning (`Reach.warning`) the console shows: `loopback_only` (the
   server listens on this computer only: `./scripts/serve --lan` fixes it) or `no_network` (it listens on
   the network, but this machine has no network address: join the room's Wi-Fi).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from starlette.requests import Request

from . import addresses
from .addresses import ALL_INTERFACES, is_loopback_host, listens_beyond_loopback
from .config import Settings

Warning_ = Literal["loopback_only", "no_network"]
#: What a facilitator types to serve the room's network (the README's first command, with its flag).
LAN_COMMAND = "./scripts/serve --lan"


@dataclass(frozen=True)
class Reach:
    """The origins (scheme://host:port, plus any root path) other devices may use, the most likely first,
    and what is wrong when only this computer can open them."""

    origins: tuple[str, ...]
    warning: Warning_ | None = None


def choose_reach(
    *,
    public_url: str | None,
    request_origin: str,
    request_host: str,
    listen_host: str,
    port: int,
    root_path: str = "",
    lan: Callable[[], list[str]] | None = None,
) -> Reach:
    """The origins for links, as the module's docstring orders them (pure but for `lan()`, by default
    `addresses.lan_addresses`: read only when needed)."""
    if public_url:
        return Reach((public_url.rstrip("/"),))
    if not is_loopback_host(request_host):
        return Reach((request_origin,))
    if not listens_beyond_loopback(listen_host):
        return Reach((request_origin,), "loopback_only")
    hosts = (lan or addresses.lan_addresses)() if listen_host in ALL_INTERFACES else [listen_host]
    if not hosts:
        return Reach((request_origin,), "no_network")
    return Reach(tuple(f"http://{_bracketed(host)}:{port}{root_path}" for host in hosts))


def _bracketed(host: str) -> str:
    return f"[{host}]" if ":" in host else host


def _settings(request: Request) -> Settings:
    settings: Settings = request.app.state.services.settings
    return settings


def reach(request: Request) -> Reach:
    """Where other devices reach this server, seen from `request` (the page or API call making a link)."""
    settings = _settings(request)
    root_path = str(request.scope.get("root_path", "")).rstrip("/")
    return choose_reach(
        public_url=settings.public_url,
        request_origin=f"{request.url.scheme}://{request.url.netloc}{root_path}",
        request_host=request.url.hostname or "",
        listen_host=settings.host,
        port=settings.port,
        root_path=root_path,
    )


def shared_links(request: Request, route: str, **params: Any) -> tuple[list[str], Reach]:
    """Every absolute link to the route `route` (a name, as `url_path_for`) other devices may open, the
    most likely first, and the reach they were made with (its warning)."""
    found = reach(request)
    path = str(request.app.url_path_for(route, **params))
    return [origin + path for origin in found.origins], found


def shared_link(request: Request, route: str, **params: Any) -> str:
    """The most likely of `shared_links`."""
    return shared_links(request, route, **params)[0][0]
