"""`fresque serve` and `fresque migrate`."""

from __future__ import annotations

import argparse
import gc
import logging
import sys
from typing import TextIO

from pydantic import ValidationError

from .config import Settings
from .links import LAN_COMMAND

ALL_INTERFACES = "0.0.0.0"  # noqa: S104 - what --lan asks for: every interface


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        k: v for k, v in vars(args).items() if k in {"host", "port", "database_url"} and v is not None
    }
    if getattr(args, "lan", False):
        overrides["host"] = ALL_INTERFACES
    return Settings(**overrides)


def resident_urls(settings: Settings) -> list[str]:
    """The addresses residents' devices open (`fresque.links`' order, seen from no request): the public
    URL, else this machine's LAN addresses when the server listens beyond loopback; [] when it does not."""
    from .addresses import ALL_INTERFACES as ANY
    from .addresses import lan_addresses, listens_beyond_loopback

    if settings.public_url:
        return [settings.public_url + "/"]
    if not listens_beyond_loopback(settings.host):
        return []
    hosts = lan_addresses() if settings.host in ANY else [settings.host]
    return [f"http://{host}:{settings.port}/" for host in hosts]


def _print_qr(url: str, out: TextIO) -> None:
    import segno

    qr = segno.make(url, error="m", micro=False)
    try:  # half blocks (▀▄█) are half the height; a terminal that cannot print them gets ANSI colours
        "▀▄█".encode(out.encoding or "ascii")
        compact = True
    except (UnicodeEncodeError, LookupError):
        compact = False
    qr.terminal(out=out, compact=compact)


def announce(settings: Settings, out: TextIO = sys.stdout) -> None:
    """The first lines `fresque serve` prints: where residents join (and a QR code to scan), or, on
    loopback, that phones cannot and the flag that fixes it. Printed before anything else, flushed."""
    from .addresses import ALL_INTERFACES as ANY
    from .addresses import listens_beyond_loopback

    urls = resident_urls(settings)
    local = f"http://127.0.0.1:{settings.port}/"
    if urls:
        print(f"Residents join at: {urls[0]}  (on the room's network; or scan this QR code)", file=out)
        _print_qr(urls[0], out)
        if len(urls) > 1:
            print(
                f"Other addresses of this computer, if phones cannot open it: {', '.join(urls[1:])}", file=out
            )
        if settings.host in ANY:
            print(f"On this computer: {local}", file=out)
    elif listens_beyond_loopback(settings.host):
        print(
            f"No network address found: connect this computer to the room's Wi-Fi. For now: {local}", file=out
        )
    else:
        print(
            f"Serving this computer only: {local} (phones cannot open it). "
            f"For a workshop on the room's network: {LAN_COMMAND} (or: fresque serve --lan)",
            file=out,
        )
    out.flush()


def serve(settings: Settings, *, migrate_first: bool = True) -> None:
    announce(settings)  # first, before the imports and migrations log anything
    import uvicorn

    from .app import create_app
    from .db import migrate
    from .first_request import first_request_protocol
    from .lean_socket import LeanWebSocketProtocol
    from .rooms.caps import quiet_floods, raise_file_limit
    from .socket_entry import socket_entry

    if migrate_first:
        migrate.upgrade(settings.database_url)
    # Before the app is made: the sockets' global cap is derived from the limit in force (`rooms.caps`).
    limit = raise_file_limit()
    logging.getLogger(__name__).info("open files limit: %d", limit)
    quiet_floods()
    # Board sockets straight to their route, without the HTTP layers' frames held per socket; each socket's
    # transport reachable from its scope, so that a socket that cannot be closed is aborted.
    app = socket_entry(create_app(settings))
    # What is made so far (modules, the catalogue, the app) lives as long as the process: out of every garbage
    # collection from now on, so that a full one walks only what requests made (the diagnostic's first answer
    # on a 10-workshop study: ~100 ms of CPU less, docs/diagnostic.md).
    gc.collect()
    gc.freeze()
    uvicorn.run(
        app,
        interface="asgi3",  # `SocketEntry.__call__` is a plain method returning the awaitable: no guessing
        host=settings.host,
        port=settings.port,
        # Connections that never send their first request are let go (each holds a file descriptor).
        http=first_request_protocol(settings.first_request_seconds),
        ws=LeanWebSocketProtocol,  # websockets' sans-I/O protocol, holding less per idle socket
        ws_max_size=settings.max_frame_bytes,
        # Compression costs CPU and ~40 KiB per socket, for frames of a hundred bytes: off.
        ws_per_message_deflate=False,
        proxy_headers=True,
        timeout_graceful_shutdown=5,
        log_level="info",
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="fresque", description="Fresque workshop whiteboard server")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("serve", help="migrate the database, then serve")
    where = run.add_mutually_exclusive_group()
    where.add_argument(
        "--lan",
        action="store_true",
        help="serve the room's network (listen on 0.0.0.0) and print the address and QR code residents use",
    )
    where.add_argument("--host", help="address to listen on (default 127.0.0.1, this computer only)")
    run.add_argument("--port", type=int, help="port (default 8000)")
    run.add_argument(
        "--database-url", help="sqlite+aiosqlite:///path or postgresql+asyncpg://user:pw@host/db"
    )
    run.add_argument("--no-migrate", action="store_true", help="do not apply migrations before serving")
    mig = commands.add_parser("migrate", help="apply database migrations and exit")
    mig.add_argument("--database-url", help="as for serve")
    admin = commands.add_parser("admin", help="the operator's tasks (accounts of study teams)")
    tasks = admin.add_subparsers(dest="task", required=True)
    user = tasks.add_parser("create-user", help="make a study-team account (asks its password)")
    user.add_argument("username")
    user.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user.add_argument("--database-url", help="as for serve")
    args = parser.parse_args(argv)
    quiet = args.command == "admin"  # the operator reads one line, not the migration log
    logging.basicConfig(
        level=logging.WARNING if quiet else logging.INFO, format="%(levelname)s %(name)s: %(message)s"
    )
    try:
        settings = _settings(args)
    except ValidationError as exc:  # a setting refused (FRESQUE_REDIS_URL on SQLite…): its reason alone,
        # not the settings' values (a URL may hold a password)
        for error in exc.errors():
            print(f"fresque: {error['msg'].removeprefix('Value error, ')}", file=sys.stderr)
        raise SystemExit(2) from None
    if args.command == "migrate":
        from .db import migrate

        migrate.upgrade(settings.database_url)
        print(f"database at head: {settings.database_url.split('@')[-1]}", file=sys.stderr)
    elif args.command == "admin":
        from .admin import AdminError, create_user, read_password

        try:
            made = create_user(settings, args.username, read_password(from_stdin=args.password_stdin))
        except AdminError as exc:
            print(f"fresque admin: {exc}", file=sys.stderr)
            raise SystemExit(1) from None
        print(f"account {made!r} created: sign in at /sign-in", file=sys.stderr)
    else:
        serve(settings, migrate_first=not args.no_migrate)


if __name__ == "__main__":
    main()
