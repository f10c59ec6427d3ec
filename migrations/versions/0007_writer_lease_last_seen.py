"""Several processes (issue 15): who writes each board (a lease with a fencing token), and when each
participant was last seen on a board (kept across restarts).

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-07

`boards.writer_epoch` is the fencing token: a process takes a board's lease by advancing it, and every commit
checks it inside its own transaction (`fresque.db.store`), so a process that lost the lease can never commit
for that board. `writer` names the holding process and `writer_until` is when its lease ends, on the
database's own clock. One process on SQLite never takes a lease: the columns stay at their defaults.

New nullable (or defaulted) columns only: SQLite adds and drops them in place.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("boards", sa.Column("writer", sa.String(64), nullable=True))
    op.add_column("boards", sa.Column("writer_epoch", sa.Integer(), nullable=False, server_default="0"))
    op.add_column("boards", sa.Column("writer_until", sa.DateTime(timezone=True), nullable=True))
    op.add_column("participants", sa.Column("last_seen", sa.DateTime(timezone=True), nullable=True))


def downgrade() -> None:
    op.drop_column("participants", "last_seen")
    op.drop_column("boards", "writer_until")
    op.drop_column("boards", "writer_epoch")
    op.drop_column("boards", "writer")
