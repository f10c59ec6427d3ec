"""`fresque serve` and `fresque migrate`."""

from __future__ import annotations

import argparse
import logging
import sys

from .config import Settings


def _settings(args: argparse.Namespace) -> Settings:
    overrides = {
        k: v for k, v in vars(args).items() if k in {"host", "port", "database_url"} and v is not None
    }
    return Settings(**overrides)


def serve(settings: Settings, *, migrate_first: bool = True) -> None:
    import uvicorn

    from .app import create_app
    from .db import migrate

    if migrate_first:
        migrate.upgrade(settings.database_url)
    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        ws="websockets-sansio",
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
    run.add_argument("--host", help="address to listen on (default 127.0.0.1; 0.0.0.0 for the local network)")
    run.add_argument("--port", type=int, help="port (default 8000)")
    run.add_argument(
        "--database-url", help="sqlite+aiosqlite:///path or postgresql+asyncpg://user:pw@host/db"
    )
    run.add_argument("--no-migrate", action="store_true", help="do not apply migrations before serving")
    mig = commands.add_parser("migrate", help="apply database migrations and exit")
    mig.add_argument("--database-url", help="as for serve")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    settings = _settings(args)
    if args.command == "migrate":
        from .db import migrate

        migrate.upgrade(settings.database_url)
        print(f"database at head: {settings.database_url.split('@')[-1]}", file=sys.stderr)
    else:
        serve(settings, migrate_first=not args.no_migrate)


if __name__ == "__main__":
    main()
