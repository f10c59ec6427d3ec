"""The study level (issue 13): accounts and their sessions, studies, their team, invites and neighbourhoods,
the study's workshops, the street survey's questionnaires and responses, and the questions de travail.

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-06

New tables only: nothing existing is copied or altered. A study points at its workshops from a link table
(`study_workshops`) and an account at its facilitating participants from another (`account_participants`),
so a workshop without a study is untouched. Downgrading drops the new tables and everything in them; the
workshops themselves stay.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _fk(table: str, ondelete: str = "CASCADE") -> sa.ForeignKey:
    return sa.ForeignKey(f"{table}.id", ondelete=ondelete)


def _when(name: str, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


# (table, column) pairs with a plain index, named as SQLAlchemy's `index=True` names them
INDEXES = (
    ("account_sessions", "account_id"),
    ("study_members", "account_id"),
    ("study_invites", "study_id"),
    ("neighbourhoods", "study_id"),
    ("study_workshops", "study_id"),
    ("study_workshops", "neighbourhood_id"),
    ("account_participants", "account_id"),
    ("survey_responses", "study_id"),
    ("work_questions", "study_id"),
)


def upgrade() -> None:
    op.create_table(
        "accounts",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("username", sa.String(60), nullable=False, unique=True),
        sa.Column("password_hash", sa.Text(), nullable=False),
        _when("created_at"),
        _when("disabled_at", nullable=True),
    )
    op.create_table(
        "account_sessions",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("account_id", sa.String(32), _fk("accounts"), nullable=False),
        _when("created_at"),
        _when("revoked_at", nullable=True),
    )
    op.create_table(
        "studies",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("territory", sa.String(200), nullable=False),
        sa.Column("period_start", sa.String(10), nullable=True),
        sa.Column("period_end", sa.String(10), nullable=True),
        _when("created_at"),
    )
    op.create_table(
        "study_members",
        sa.Column("study_id", sa.String(32), _fk("studies"), primary_key=True),
        sa.Column("account_id", sa.String(32), _fk("accounts"), primary_key=True),
        sa.Column("role", sa.String(20), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "study_invites",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("study_id", sa.String(32), _fk("studies"), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        _when("created_at"),
        _when("used_at", nullable=True),
    )
    op.create_table(
        "neighbourhoods",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("study_id", sa.String(32), _fk("studies"), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("qpv_code", sa.String(16), nullable=True),
        sa.Column("position", sa.Integer(), nullable=False),
    )
    op.create_table(
        "study_workshops",
        sa.Column("workshop_id", sa.String(32), _fk("workshops"), primary_key=True),
        sa.Column("study_id", sa.String(32), _fk("studies"), nullable=False),
        sa.Column("neighbourhood_id", sa.String(32), _fk("neighbourhoods", "SET NULL"), nullable=True),
    )
    op.create_table(
        "account_participants",
        sa.Column("participant_id", sa.String(32), _fk("participants"), primary_key=True),
        sa.Column("account_id", sa.String(32), _fk("accounts"), nullable=False),
    )
    op.create_table(
        "survey_questionnaires",
        sa.Column("study_id", sa.String(32), _fk("studies"), primary_key=True),
        sa.Column("version", sa.Integer(), primary_key=True, autoincrement=False),
        sa.Column("body", sa.Text(), nullable=False),
        _when("created_at"),
    )
    op.create_table(
        "survey_responses",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("study_id", sa.String(32), _fk("studies"), nullable=False),
        sa.Column("client_id", sa.String(64), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("neighbourhood_id", sa.String(32), _fk("neighbourhoods", "SET NULL"), nullable=True),
        sa.Column("answers", sa.Text(), nullable=False),
        sa.Column("fragility", sa.String(4), nullable=True),
        sa.Column("source", sa.String(10), nullable=False),
        _when("answered_at", nullable=True),
        _when("received_at"),
        sa.UniqueConstraint("study_id", "client_id", name="uq_survey_responses_client"),
    )
    op.create_table(
        "work_questions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("study_id", sa.String(32), _fk("studies"), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("finding", sa.Text(), nullable=False),
        sa.Column("question", sa.Text(), nullable=False),
        _when("created_at"),
    )
    for table, column in INDEXES:
        op.create_index(f"ix_{table}_{column}", table, [column])


def downgrade() -> None:
    for table, column in INDEXES:
        op.drop_index(f"ix_{table}_{column}", table_name=table)
    for table in (
        "work_questions",
        "survey_responses",
        "survey_questionnaires",
        "account_participants",
        "study_workshops",
        "neighbourhoods",
        "study_invites",
        "study_members",
        "studies",
        "account_sessions",
        "accounts",
    ):
        op.drop_table(table)
