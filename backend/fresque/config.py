"""Every setting of a Fresque server, read from `FRESQUE_*` environment variables or given by the CLI."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import Field, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from .addresses import ALL_INTERFACES

DEFAULT_DATA_DIR = Path("data")


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FRESQUE_", extra="ignore")

    database_url: str = Field(
        default=f"sqlite+aiosqlite:///{DEFAULT_DATA_DIR / 'fresque.sqlite3'}",
        description="SQLAlchemy async URL: sqlite+aiosqlite:///path or postgresql+asyncpg://user:pw@host/db",
    )
    # Several-process mode (docs/scale-out.md): redis://host:port/db, what moves between processes (for
    # now the join, creation and sign-in rate limits, `fresque.shared`). Unset (the default): one process,
    # nothing shared, no Redis. Several processes share one truth, so this needs a PostgreSQL
    # `database_url`: a SQLite file belongs to one machine's one writer.
    redis_url: str | None = Field(default=None, repr=False, description="redis://host:6379/0")

    @field_validator("redis_url", mode="before")
    @classmethod
    def _empty_is_unset(cls, value: Any) -> Any:
        return (value.strip() or None) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _redis_needs_postgresql(self) -> Settings:
        if self.redis_url and not self.database_url.startswith("postgresql"):
            raise ValueError(
                "FRESQUE_REDIS_URL turns on several-process mode, which needs PostgreSQL: set "
                "FRESQUE_DATABASE_URL to postgresql+asyncpg://… (SQLite serves one process; unset "
                "FRESQUE_REDIS_URL to run it)"
            )
        return self

    # Several-process mode: cursors and drags go straight from process to process (`fresque.cluster.peers`)
    # instead of through Redis: each process listens on `peer_host` (the address the others reach it at; on
    # several machines, this machine's address on their network) and `peer_port` (0: any free port, published
    # in Redis). Off: every frame goes through Redis.
    peer_links: bool = True
    peer_host: str = "127.0.0.1"
    peer_port: int = Field(default=0, ge=0, le=65535)

    @field_validator("peer_host")
    @classmethod
    def _an_address_to_reach(cls, value: str) -> str:
        if value.strip() in ALL_INTERFACES:  # the others connect to it: it must name this machine
            raise ValueError(f"FRESQUE_PEER_HOST must be an address the other processes reach, not {value!r}")
        return value.strip()

    # Files that are not in the database: the pictures facilitators upload (`custom-pictograms/` inside)
    data_dir: Path = Field(default=DEFAULT_DATA_DIR, description="where uploaded pictures are kept")
    host: str = "127.0.0.1"
    port: int = 8000
    # The address residents' devices use, when it is not this machine's own (behind a proxy:
    # https://fresque.ville.fr). Join links, QR codes and sign-in links are made from it (`fresque.links`).
    public_url: str | None = Field(default=None, description="the origin other devices open")

    @field_validator("public_url", mode="before")
    @classmethod
    def _origin_only(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.strip().rstrip("/") or None
            if value is not None and not value.startswith(("http://", "https://")):
                raise ValueError("FRESQUE_PUBLIC_URL must start with http:// or https://")
        return value

    @property
    def public_origin(self) -> str | None:
        """The origin of `public_url` (scheme and host, no path): the pages residents open come from there, so
        their sockets and writes are allowed from it without repeating it in `allowed_origins`."""
        if not self.public_url:
            return None
        parts = urlsplit(self.public_url)
        return f"{parts.scheme}://{parts.netloc}"

    # Origins allowed to open a board's WebSocket besides the server's own (exact match, e.g. https://fresque.ville.fr)
    allowed_origins: Annotated[list[str], NoDecode] = Field(default_factory=list)

    @field_validator("allowed_origins", mode="before")
    @classmethod
    def _comma_separated(cls, value: Any) -> Any:
        if isinstance(value, str):  # FRESQUE_ALLOWED_ORIGINS=https://a.example,https://b.example
            return [origin.strip() for origin in value.split(",") if origin.strip()]
        return value

    cookie_secure: bool = Field(default=False, description="mark session cookies Secure (behind HTTPS)")
    # Key of the CSRF tokens (HMAC-SHA256 of a session's token hash). When unset, a random key is made once
    # and kept in `{data_dir}/secret_key` (`fresque.auth.load_secret`), so tokens survive restarts.
    secret_key: str | None = Field(default=None, repr=False, description="CSRF token key")

    # Limits of the live protocol (docs/protocol.md, "Limits")
    max_frame_bytes: int = 64 * 1024
    max_outbox_bytes: int = 1024 * 1024
    rate_per_second: float = 60.0
    rate_burst: int = 120
    max_items: int = 5000
    max_text: int = 500
    presence_hz: float = 30.0
    hello_timeout: float = 10.0
    # Board sockets (`fresque.rooms.caps`): each costs a file descriptor, so one token or one address must
    # not be able to take them all. Per session: a resident's phone and a second tab; per client address:
    # generous, a community centre's Wi-Fi puts a whole room behind one. In all: unset, the process's
    # open-file limit (raised to its hard limit at start) less a reserve for the database, logs, static files
    # and /healthz.
    max_sockets_per_session: int = Field(default=8, ge=1)
    max_sockets_per_address: int = Field(default=200, ge=1)
    max_sockets: int | None = Field(default=None, ge=1)
    # A connection whose first request has not arrived whole by then is closed (`fresque.first_request`):
    # otherwise connections that never ask for anything hold a file descriptor each, for good.
    first_request_seconds: float = Field(default=10.0, gt=0)

    # Joining (`fresque.api.joining`): the typed code expires this many hours after the workshop is created
    # (or joining is reopened); failed code attempts per client address and for the whole server, per
    # minute, with bursts (`fresque.ratelimit`)
    join_code_hours: float = Field(default=12.0, gt=0)
    join_rate_per_minute: float = Field(default=10.0, gt=0)
    join_rate_burst: int = Field(default=10, ge=1)
    join_global_per_minute: float = Field(default=100.0, gt=0)
    join_global_burst: int = Field(default=100, ge=1)
    # While the server-wide budget above is spent, an address that has typed fewer than this many wrong codes
    # in about `join_record_hours` is still heard (its right code admitted): others' guesses never lock an
    # honest resident out (`fresque.ratelimit.JoinLimiter`, docs/security.md)
    join_record_failures: int = Field(default=3, ge=1)
    join_record_hours: float = Field(default=1.0, gt=0)

    # Anonymous creation (`POST /api/workshops`), per client address and for the whole server, per hour with
    # bursts: a training day creates 30 workshops at once from one address; a flood cannot fill the disk
    create_per_hour: float = Field(default=20.0, gt=0)
    create_burst: int = Field(default=30, ge=1)
    create_global_per_hour: float = Field(default=200.0, gt=0)
    create_global_burst: int = Field(default=200, ge=1)
    # Signing in to a study team's account (`fresque.api.accounts`). Every attempt from an address spends one
    # of its tokens, right password or not, since each costs an argon2id hash (~0.2 s of CPU, 64 MiB): a team
    # behind one address signs in a few times a day. Failed attempts on a username spend that username's
    # tokens whoever sends them, so a guesser spread over many addresses still gets about
    # `sign_in_username_per_hour` guesses an hour at one account (a 12-character password holds for ages)
    sign_in_per_minute: float = Field(default=6.0, gt=0)
    sign_in_burst: int = Field(default=10, ge=1)
    sign_in_username_per_hour: float = Field(default=10.0, gt=0)
    sign_in_username_burst: int = Field(default=10, ge=1)
    # People one participant hosts (a table's members, or the facilitator's people on paper): a big room's
    # table fits; one device cannot add hundreds of people
    max_hosted_per_host: int = Field(default=50, ge=1)
    # Everyone a workshop has ever had (joined, hosted, removed ones too), and its boards: anyone may create a
    # workshop, then join it through its link again and again; a city's biggest forum stays far below
    max_people_per_workshop: int = Field(default=500, ge=2)
    max_boards_per_workshop: int = Field(default=50, ge=1)
    # The uploaded pictures of every workshop together, on disk (MiB): past it, uploads get 507 storage_full
    pictures_quota_mib: int = Field(default=2048, ge=1)

    # Uploaded pictures: seconds one picture may take to decode and re-encode (`fresque.uploads`)
    picture_timeout: float = Field(default=10.0, gt=0)

    # Request bodies, capped by route before they are read (`fresque.bodylimit`; 413 body_too_large): the
    # JSON commands are a few hundred bytes, so a cap of tens of KiB stops a 100 MB body costing memory.
    # An exported board (5,000 items of 500 characters, Arabic, as JSON) fits well under the import cap.
    # Uploads keep their own cap (`fresque.uploads.MAX_UPLOAD_BYTES` plus the form's overhead).
    max_body_bytes: int = Field(default=64 * 1024, ge=1024)
    max_import_bytes: int = Field(default=16 * 1024 * 1024, ge=1024)
    # A large import is read and handled one at a time (parsed JSON takes many times its size in memory), so
    # its body must arrive within this many seconds: 16 MiB at ~1.2 Mbit/s; a trickle cannot hold the turn
    import_body_seconds: float = Field(default=120.0, gt=0)

    # Op log: a snapshot every N changes; payloads older than the snapshot by more than `keep` are dropped
    snapshot_every: int = 500
    log_keep: int = 1000
    resync_window: int = 1000
