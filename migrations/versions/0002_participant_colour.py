"""Participants get a colour (a palette id from `fresque.profiles`); existing rows keep NULL.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26

SQLite (>= 3.35) and PostgreSQL both add and drop a column in place. No batch mode (copy the table, drop
the old one) on purpose: with `PRAGMA foreign_keys=ON`, dropping `participants` would cascade to delete
every session.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("participants", sa.Column("colour", sa.String(16), nullable=True))


def downgrade() -> None:
    op.drop_column("participants", "colour")
