"""Final decisions cite evidence: the review's evidence ids, as a JSON list.

Decisions stored before keep NULL (they cited none in a field; the audit reads ids from their
note). Adding a nullable column rewrites no row, so the insert-only triggers are untouched.

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("final_decisions", sa.Column("evidence_json", sa.Text, nullable=True))


def downgrade() -> None:
    op.drop_column("final_decisions", "evidence_json")
