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
    # When their last socket left a board (the console's "last seen"), kept across restarts and processes.
    last_seen: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


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
    # Several processes (`fresque.cluster`): the lease of the process that writes this board. `writer_epoch`
    # is its fencing token, checked by every commit in its own transaction; `writer_until` is on the
    # database's clock. Unused by one process on SQLite.
    writer: Mapped[str | None] = mapped_column(String(64))
    writer_epoch: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    writer_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


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


# -- the study level (issue 13): accounts, studies and their team, neighbourhoods, street surveys -----------
#
# The study's tables only point at the workshop's tables from new link tables (`study_workshops`,
# `account_participants`), never by new columns on `workshops` or `participants`: a workshop without a study
# is unchanged, and SQLite would have to copy those tables (and everything their deletion cascades to) to add
# a foreign key.


class Account(Base):
    """A member of a study's team. The password is kept only as its argon2id hash (`fresque.accounts`)."""

    __tablename__ = "accounts"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    username: Mapped[str] = mapped_column(String(60), unique=True)  # stored folded (`accounts.fold_username`)
    password_hash: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AccountSession(Base):
    """An account's signed-in device: only the token's SHA-256 is stored, as for `sessions`."""

    __tablename__ = "account_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Study(Base):
    __tablename__ = "studies"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    territory: Mapped[str] = mapped_column(String(200))  # the city, or the intercommunality
    period_start: Mapped[str | None] = mapped_column(String(10))  # ISO dates, as the team typed them
    period_end: Mapped[str | None] = mapped_column(String(10))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StudyMember(Base):
    """Who is on a study's team: `owner` (invites, erases) or `member`."""

    __tablename__ = "study_members"

    study_id: Mapped[str] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True)
    account_id: Mapped[str] = mapped_column(
        ForeignKey("accounts.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class StudyInvite(Base):
    """A one-time link that puts whoever opens it on a study's team (kept as a hash, like sign-in links)."""

    __tablename__ = "study_invites"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    study_id: Mapped[str] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class Neighbourhood(Base):
    __tablename__ = "neighbourhoods"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    study_id: Mapped[str] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    qpv_code: Mapped[str | None] = mapped_column(String(16))  # e.g. QN01301M: a quartier prioritaire's code
    position: Mapped[int] = mapped_column(Integer)


class StudyWorkshop(Base):
    """A workshop that belongs to a study, and the neighbourhood it was held for (none: the whole territory,
    as the partners' workshop)."""

    __tablename__ = "study_workshops"

    workshop_id: Mapped[str] = mapped_column(ForeignKey("workshops.id", ondelete="CASCADE"), primary_key=True)
    study_id: Mapped[str] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    neighbourhood_id: Mapped[str | None] = mapped_column(
        ForeignKey("neighbourhoods.id", ondelete="SET NULL"), index=True
    )


class AccountParticipant(Base):
    """The facilitating participant an account has in a study's workshop (so the console opens from the
    study's dashboard without a join code)."""

    __tablename__ = "account_participants"

    participant_id: Mapped[str] = mapped_column(
        ForeignKey("participants.id", ondelete="CASCADE"), primary_key=True
    )
    account_id: Mapped[str] = mapped_column(ForeignKey("accounts.id", ondelete="CASCADE"), index=True)


class SurveyQuestionnaire(Base):
    """A version of a study's street-survey questionnaire (JSON, `fresque.survey`); responses name theirs."""

    __tablename__ = "survey_questionnaires"

    study_id: Mapped[str] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class SurveyResponse(Base):
    """One anonymous street-survey response. `client_id` is made by the surveyor's phone: a resend of the
    same response is recognised (unique per study) and acknowledged, never stored twice."""

    __tablename__ = "survey_responses"
    __table_args__ = (UniqueConstraint("study_id", "client_id", name="uq_survey_responses_client"),)

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    study_id: Mapped[str] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    client_id: Mapped[str] = mapped_column(String(64))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    neighbourhood_id: Mapped[str | None] = mapped_column(ForeignKey("neighbourhoods.id", ondelete="SET NULL"))
    answers: Mapped[str] = mapped_column(Text)  # {question id: answer id | [answer ids]}, canonical JSON
    fragility: Mapped[str | None] = mapped_column(String(4))  # N0..N4, by the rule of docs/diagnostic.md
    source: Mapped[str] = mapped_column(String(10))  # "phone" (the street) or "paper" (typed afterwards)
    answered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # the phone's clock
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class WorkQuestion(Base):
    """A « question de travail »: a finding of the diagnostic the team pinned, and the question it asks."""

    __tablename__ = "work_questions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    study_id: Mapped[str] = mapped_column(ForeignKey("studies.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    finding: Mapped[str] = mapped_column(Text)  # JSON: what was pinned (`fresque.api.work_questions`)
    question: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
