"""Working copies: the review an appraiser is composing, saved as it goes, one row per copy.

Unlike the records these rows are updated and deleted (no insert-only triggers): a working copy
is not a decision; submitting it seals a decision record.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "working_copies",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("owner", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False, index=True),
        sa.Column("review_json", sa.Text, nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("working_copies")
