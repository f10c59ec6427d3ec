"""This machine's addresses on the room's network, found without sending anything anywhere.

A workshop runs on a laptop; residents' phones reach it through the Wi-Fi, at the laptop's LAN address. That
address is read from the network interfaces (psutil when it is installed; else, on Linux, the interfaces'
primary IPv4 address through `SIOCGIFADDR`; and the host name's own addresses): no packet is sent, no
outside service is asked.

`lan_addresses()` ranks them, the one a phone most likely reaches first: a private address (192.168/16,
then 10/8, then 172.16/12) of an ordinary interface before a container bridge, a VPN or a virtual machine's
network (Docker's `docker0`, `br-…`, `virbr…`, `tun…`, `wg…`, `tailscale…`), which phones in the room cannot
reach. Loopback (127.0.0.0/8), link-local (169.254/16) and unspecified addresses are never offered.
"""

from __future__ import annotations

import ipaddress
import socket
import sys
from collections.abc import Iterable
from typing import Final

#: Interface name prefixes of networks the room's phones are not on: containers, VMs, VPNs.
VIRTUAL_PREFIXES: Final = (
    "docker",
    "br-",
    "virbr",
    "veth",
    "lxc",
    "lxd",
    "cni",
    "flannel",
    "podman",
    "vmnet",
    "vboxnet",
    "tun",
    "tap",
    "wg",
    "tailscale",
    "zt",
    "utun",
)
#: Host names and addresses that mean "this computer only".
LOOPBACK_NAMES: Final = frozenset({"localhost", "localhost.localdomain", "ip6-localhost"})
#: Hosts that mean "every interface" to a listening server.
ALL_INTERFACES: Final = frozenset({"0.0.0.0", "::", ""})  # noqa: S104 - recognised, not bound
_SIOCGIFADDR: Final = 0x8915


def is_loopback_host(host: str | None) -> bool:
    """Whether `host` (a name or an address, IPv6 with or without brackets) names this computer only."""
    if not host:
        return False
    name = host.strip("[]").lower()
    if name in LOOPBACK_NAMES or name.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def listens_beyond_loopback(host: str) -> bool:
    """Whether a server listening on `host` can be reached from other devices (0.0.0.0, ::, a LAN IP)."""
    return host in ALL_INTERFACES or not is_loopback_host(host)


def _psutil_addresses() -> list[tuple[str, str]] | None:
    try:
        import psutil  # type: ignore[import-untyped]
    except ImportError:  # not a runtime dependency: the other ways below
        return None
    return [
        (name, entry.address)
        for name, entries in psutil.net_if_addrs().items()
        for entry in entries
        if entry.family == socket.AF_INET
    ]


def _linux_addresses() -> list[tuple[str, str]]:
    """Each interface's primary IPv4 address, by ioctl (Linux; reads the kernel's table, sends nothing)."""
    if not sys.platform.startswith("linux"):
        return []
    import fcntl
    import struct

    found = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            try:
                packed = fcntl.ioctl(probe.fileno(), _SIOCGIFADDR, struct.pack("256s", name.encode()[:15]))
            except OSError:  # no IPv4 address on this interface
                continue
            found.append((name, socket.inet_ntoa(packed[20:24])))
    return found


def _host_name_addresses() -> list[tuple[str, str]]:
    """The host name's addresses as the resolver knows them (/etc/hosts first; no query leaves the machine
    when the name is the machine's own, which it is)."""
    try:
        infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET, socket.SOCK_STREAM)
    except OSError:
        return []
    return [("", str(info[4][0])) for info in infos]


def interface_addresses() -> list[tuple[str, str]]:
    """(interface name, IPv4 address) of this machine, loopback included; the name is "" when unknown."""
    found = _psutil_addresses()
    if found is None:
        found = _linux_addresses()
    return [*found, *_host_name_addresses()]


def _rank(name: str, address: str) -> tuple[int, int]:
    virtual = name.lower().startswith(VIRTUAL_PREFIXES)
    ip = ipaddress.IPv4Address(address)
    if ip in ipaddress.IPv4Network("192.168.0.0/16"):
        private = 0
    elif ip in ipaddress.IPv4Network("10.0.0.0/8"):
        private = 1
    elif ip in ipaddress.IPv4Network("172.16.0.0/12"):
        private = 2  # also Docker's default bridges (172.17…): after the others when the name is unknown
    else:
        private = 3
    return (1 if virtual else 0, private)


def rank_addresses(found: Iterable[tuple[str, str]]) -> list[str]:
    """The addresses other devices may use, most likely first; each once, loopback and link-local out."""
    seen: dict[str, tuple[int, int]] = {}
    for name, address in found:
        try:
            ip = ipaddress.ip_address(address)
        except ValueError:
            continue
        if ip.version != 4 or ip.is_loopback or ip.is_link_local or ip.is_unspecified or ip.is_multicast:
            continue
        rank = _rank(name, address)
        seen[address] = min(rank, seen.get(address, rank))
    order = list(seen)
    return sorted(order, key=lambda a: (seen[a], order.index(a)))


def lan_addresses() -> list[str]:
    """This machine's IPv4 addresses on its networks, the most likely to reach from a phone first."""
    return rank_addresses(interface_addresses())
