"""Custom pictograms: pictures a facilitator uploads to a workshop's palette (files on disk, rows here).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-27

A new table only: nothing existing is copied or altered, so upgrading and downgrading touch no other row.
Rows go with their workshop (ON DELETE CASCADE); the files on disk are removed by
`fresque.uploads.CustomPictures.erase_workshop`, never by the database. Downgrading drops the rows but
leaves any files under `FRESQUE_DATA_DIR/custom-pictograms/`, which nothing then serves.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "custom_pictograms",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column(
            "workshop_id", sa.String(32), sa.ForeignKey("workshops.id", ondelete="CASCADE"), nullable=False
        ),
        sa.Column("label_fr", sa.String(60), nullable=False),
        sa.Column("label_en", sa.String(60), nullable=True),
        sa.Column("label_ar", sa.String(60), nullable=True),
        sa.Column("category", sa.String(64), nullable=True),
        sa.Column("picture_file", sa.String(80), nullable=False),
        sa.Column("thumbnail_file", sa.String(80), nullable=False),
        sa.Column("width", sa.Integer(), nullable=False),
        sa.Column("height", sa.Integer(), nullable=False),
        sa.Column("picture_bytes", sa.Integer(), nullable=False),
        sa.Column("thumbnail_bytes", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_custom_pictograms_workshop_id", "custom_pictograms", ["workshop_id"])


def downgrade() -> None:
    op.drop_index("ix_custom_pictograms_workshop_id", table_name="custom_pictograms")
    op.drop_table("custom_pictograms")
