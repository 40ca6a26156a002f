"""Audits keep their headline counts (overrides and flags) in columns, so listing audits reads
no report: a report of a large cohort runs to megabytes, and the list of twenty parsed twenty.

Audits stored before keep NULL there and are counted from their report when listed; the
insert-only trigger stays as it is (no row is changed).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("audits", sa.Column("overrides", sa.Integer, nullable=True))
    op.add_column("audits", sa.Column("flags", sa.Integer, nullable=True))


def downgrade() -> None:
    op.drop_column("audits", "flags")
    op.drop_column("audits", "overrides")
