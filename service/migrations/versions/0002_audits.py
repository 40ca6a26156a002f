"""Audits run over the stored decisions: who asked, what for, and the report; insert-only.

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.migrations.insert_only import refuse_changes

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audits",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("created_by", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("request_json", sa.Text, nullable=False),
        sa.Column("report_json", sa.Text, nullable=False),
        sa.Column("cases", sa.Integer, nullable=False),
        sa.Column("undecided", sa.Integer, nullable=False),
    )
    refuse_changes(["audits"], create_function=False)


def downgrade() -> None:
    op.drop_table("audits")
