"""The tables. Migrations in `migrations/versions` are written by hand to match; `alembic check` guards drift.

A board's truth is its op log (`board_ops`): every acknowledged change, in `seq` order, with the client's
`op_id` (unique per author, so a resend is recognised even after a restart). `board_snapshots` holds the
state at some seq so that opening a board replays only the tail of the log; once a snapshot is old enough,
the payload of older ops is dropped (compaction) while their `op_id` receipts stay.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Workshop(Base):
    __tablename__ = "workshops"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    neighbourhood: Mapped[str | None] = mapped_column(String(200))
    date: Mapped[str | None] = mapped_column(String(10))  # ISO date, as the facilitator typed it
    join_code: Mapped[str] = mapped_column(String(16), unique=True)
    # Joining (`fresque.api.joining`): the typed code stops working at `join_code_expires_at`; the link
    # token (256 bits, in the QR code) is kept in clear because the facilitator's page and the QR code show
    # it for the whole workshop, like the code; it only lets someone join as a participant; it can be rotated.
    # The server defaults exist because SQLite adds a NOT NULL column only with one (migration 0004); they
    # fail closed: a row written without them has an expired code, no link, and joining closed.
    join_code_expires_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), server_default="1970-01-01 00:00:00+00:00"
    )
    join_token: Mapped[str] = mapped_column(String(64), index=True, unique=True, server_default="")
    joining_open: Mapped[bool] = mapped_column(Boolean, server_default=false())
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Participant(Base):
    __tablename__ = "participants"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    alias: Mapped[str] = mapped_column(String(80))
    role: Mapped[str] = mapped_column(String(20))
    # A palette id (`fresque.profiles`); NULL for participants created before colours existed.
    colour: Mapped[str | None] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # The optional profile given on joining (`fresque.people`): all pseudonymous, all may stay NULL.
    language: Mapped[str | None] = mapped_column(String(8))  # fr, en, ar
    neighbourhood: Mapped[str | None] = mapped_column(String(120))
    age_band: Mapped[str | None] = mapped_column(String(16))  # `fresque.people.AGE_BANDS`
    fragility: Mapped[str | None] = mapped_column(String(4))  # N0 (offline) .. N4 (autonomous)
    consent: Mapped[bool | None] = mapped_column(Boolean)  # to the use of their contributions
    # A hosted person has no device (no session): a table screen's members (host: the table's participant),
    # people taking part on paper (host: the facilitator). Their changes come from the host's device.
    host_id: Mapped[str | None] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    # Removed by a facilitator: sessions revoked, sockets closed; the row stays as an author of the boards.
    removed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Session(Base):
    """A bearer token's server-side record: only the token's SHA-256 is stored, so a leaked database
    does not leak live tokens; revoking is setting `revoked_at`."""

    __tablename__ = "sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    participant_id: Mapped[str] = mapped_column(ForeignKey("participants.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Board(Base):
    __tablename__ = "boards"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(20))
    # Mirrors the board state's title (kept in step by the same transaction) so lists need not load boards.
    title: Mapped[str] = mapped_column(String(200))
    # The seq of the last acknowledged change; advanced by compare-and-set so that only one writer owns it.
    head_seq: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BoardOp(Base):
    __tablename__ = "board_ops"
    __table_args__ = (UniqueConstraint("board_id", "author_id", "op_id", name="uq_board_ops_receipt"),)

    board_id: Mapped[str] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    op_id: Mapped[str] = mapped_column(String(80))
    author_id: Mapped[str] = mapped_column(String(32))
    # The ops as canonical JSON text, stored verbatim; NULL once compacted (the receipt stays).
    ops: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class BoardSnapshot(Base):
    __tablename__ = "board_snapshots"

    board_id: Mapped[str] = mapped_column(ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True)
    seq: Mapped[int] = mapped_column(Integer)
    state: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CustomPictogram(Base):
    """A picture a facilitator uploaded to a workshop's palette (`fresque.uploads`).

    The files live on disk (`FRESQUE_DATA_DIR/custom-pictograms/{workshop_id}/`) under the server-made names
    stored here; nothing from the client's file name or type is kept. Deleting the workshop row cascades to
    these rows, but not to the files: `fresque.uploads.CustomPictures.erase_workshop` removes both.
    """

    __tablename__ = "custom_pictograms"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), index=True)
    label_fr: Mapped[str] = mapped_column(String(60))
    label_en: Mapped[str | None] = mapped_column(String(60))
    label_ar: Mapped[str | None] = mapped_column(String(60))
    category: Mapped[str | None] = mapped_column(String(64))  # an activity category of the catalogue
    picture_file: Mapped[str] = mapped_column(String(80))
    thumbnail_file: Mapped[str] = mapped_column(String(80))
    width: Mapped[int] = mapped_column(Integer)  # of the re-encoded picture, in pixels
    height: Mapped[int] = mapped_column(Integer)
    picture_bytes: Mapped[int] = mapped_column(Integer)
    thumbnail_bytes: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


Index("ix_participants_workshop_alias", Participant.workshop_id, Participant.alias)
