"""Workshops, participants, sessions, boards, the op log and snapshots.

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "workshops",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("neighbourhood", sa.String(200), nullable=True),
        sa.Column("date", sa.String(10), nullable=True),
        sa.Column("join_code", sa.String(16), nullable=False, unique=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "participants",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "workshop_id", sa.String(32), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("alias", sa.String(80), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_participants_workshop_id", "participants", ["workshop_id"])
    op.create_index("ix_participants_workshop_alias", "participants", ["workshop_id", "alias"])
    op.create_table(
        "sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column(
            "participant_id",
            sa.String(32),
            sa.ForeignKey("participants.id", ondelete="CASCADE"),
            nullable=False,
        ),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_sessions_participant_id", "sessions", ["participant_id"])
    op.create_table(
        "boards",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "workshop_id", sa.String(32), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("head_seq", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_boards_workshop_id", "boards", ["workshop_id"])
    op.create_table(
        "board_ops",
        sa.Column(
            "board_id", sa.String(32), sa.ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("seq", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("op_id", sa.String(80), nullable=False),
        sa.Column("author_id", sa.String(32), nullable=False),
        sa.Column("ops", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("board_id", "author_id", "op_id", name="uq_board_ops_receipt"),
    )
    op.create_table(
        "board_snapshots",
        sa.Column(
            "board_id", sa.String(32), sa.ForeignKey("boards.id", ondelete="CASCADE"), primary_key=True
        ),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("board_snapshots")
    op.drop_table("board_ops")
    op.drop_index("ix_boards_workshop_id", table_name="boards")
    op.drop_table("boards")
    op.drop_index("ix_sessions_participant_id", table_name="sessions")
    op.drop_table("sessions")
    op.drop_index("ix_participants_workshop_alias", table_name="participants")
    op.drop_index("ix_participants_workshop_id", table_name="participants")
    op.drop_table("participants")
    op.drop_table("workshops")
