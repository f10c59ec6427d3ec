"""Joining: the typed code expires, a link token (the QR code's), and joining can be closed.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28

Three columns on `workshops`, added in place (no batch copy: with `PRAGMA foreign_keys=ON`, dropping the old
`workshops` table would cascade to every participant, board and session). SQLite adds a NOT NULL column only
with a constant default, so each has one, and the defaults fail closed (expired, no token, joining closed).
Existing workshops are then filled in: joining open, a fresh 256-bit link token each, and a code expiring 12 h
after the workshop's creation (so old codes are expired; the facilitator reopens joining to renew the code).
Downgrading drops the columns: the tokens are lost, and codes never expire again.
"""

import secrets
from collections.abc import Sequence
from datetime import timedelta

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

workshops = sa.table(
    "workshops",
    sa.column("id", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("join_code_expires_at", sa.DateTime(timezone=True)),
    sa.column("join_token", sa.String),
    sa.column("joining_open", sa.Boolean),
)


def upgrade() -> None:
    op.add_column(
        "workshops",
        sa.Column(
            "join_code_expires_at",
            sa.DateTime(timezone=True),
            nullable=False,
            server_default="1970-01-01 00:00:00+00:00",
        ),
    )
    op.add_column("workshops", sa.Column("join_token", sa.String(64), nullable=False, server_default=""))
    op.add_column(
        "workshops", sa.Column("joining_open", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    conn = op.get_bind()
    for row in conn.execute(sa.select(workshops.c.id, workshops.c.created_at)).all():
        conn.execute(
            sa.update(workshops)
            .where(workshops.c.id == row.id)
            .values(
                join_code_expires_at=row.created_at + timedelta(hours=12),
                join_token=secrets.token_urlsafe(32),
                joining_open=True,
            )
        )
    op.create_index("ix_workshops_join_token", "workshops", ["join_token"], unique=True)


def downgrade() -> None:
    op.drop_index("ix_workshops_join_token", table_name="workshops")
    op.drop_column("workshops", "joining_open")
    op.drop_column("workshops", "join_token")
    op.drop_column("workshops", "join_code_expires_at")
