"""People: a participant's optional profile (language, neighbourhood, age band, fragility level, consent),
hosted people (`host_id`: a table screen's members, people taking part on paper) and removal (`removed_at`).

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26

Every column is nullable: existing rows get NULLs (no profile, hosted by nobody, not removed). PostgreSQL
adds them in place. SQLite cannot add a table-level foreign key in place (a column's inline `REFERENCES`
loses its `ON DELETE CASCADE` when SQLAlchemy reads the schema back, so `alembic check` would see drift), so
there the table is copied (batch mode); since dropping the old `participants` table with
`PRAGMA foreign_keys=ON` cascades to every session, the sessions are set aside and put back in the same
transaction (`_keeping_sessions`).
"""

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FK_NAME = "participants_host_id_fkey"  # PostgreSQL's own name for it (what `create_all` would make)
PROFILE = (
    ("language", sa.String(8)),
    ("neighbourhood", sa.String(120)),
    ("age_band", sa.String(16)),
    ("fragility", sa.String(4)),
)


def _columns() -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = [sa.Column(name, type_, nullable=True) for name, type_ in PROFILE]
    columns.append(sa.Column("consent", sa.Boolean(), nullable=True))
    columns.append(sa.Column("host_id", sa.String(32), nullable=True))
    columns.append(sa.Column("removed_at", sa.DateTime(timezone=True), nullable=True))
    return columns


def _keeping_sessions(step: Callable[[], None]) -> None:
    """SQLite: run `step`, which copies `participants` into a new table and drops the old one, without
    losing the sessions that dropping it cascades to (`PRAGMA foreign_keys` cannot be turned off inside
    the migration's transaction): they are set aside in a temporary table and put back."""
    op.execute("CREATE TEMPORARY TABLE _fresque_sessions_kept AS SELECT * FROM sessions")
    step()
    op.execute("INSERT INTO sessions SELECT * FROM _fresque_sessions_kept")
    op.execute("DROP TABLE _fresque_sessions_kept")


def upgrade() -> None:
    if op.get_bind().dialect.name != "sqlite":
        for column in _columns():
            op.add_column("participants", column)
        op.create_foreign_key(
            FK_NAME, "participants", "participants", ["host_id"], ["id"], ondelete="CASCADE"
        )
        op.create_index("ix_participants_host_id", "participants", ["host_id"])
        return

    def rebuild() -> None:
        with op.batch_alter_table("participants", recreate="always") as batch:
            for column in _columns():
                batch.add_column(column)
            batch.create_foreign_key(FK_NAME, "participants", ["host_id"], ["id"], ondelete="CASCADE")
            batch.create_index("ix_participants_host_id", ["host_id"])

    _keeping_sessions(rebuild)


def downgrade() -> None:
    names = [column.name for column in _columns()]
    if op.get_bind().dialect.name != "sqlite":
        op.drop_index("ix_participants_host_id", table_name="participants")
        op.drop_constraint(FK_NAME, "participants", type_="foreignkey")
        for name in reversed(names):
            op.drop_column("participants", name)
        return

    def rebuild() -> None:
        with op.batch_alter_table("participants", recreate="always") as batch:
            batch.drop_index("ix_participants_host_id")
            batch.drop_constraint(FK_NAME, type_="foreignkey")
            for name in reversed(names):
                batch.drop_column(name)

    _keeping_sessions(rebuild)
