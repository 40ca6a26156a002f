"""Keys, sealed rule sets, decision records and final decisions; the last three insert-only.

Revision ID: 0001
Revises:
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from service.migrations.insert_only import refuse_changes

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

INSERT_ONLY = ("sealed_rulesets", "decision_records", "final_decisions")


def _timestamp(name: str, *, nullable: bool = False) -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "api_keys",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("role", sa.String(20), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False, unique=True),
        sa.Column("prefix", sa.String(12), nullable=False),
        _timestamp("created_at"),
        _timestamp("revoked_at", nullable=True),
    )
    op.create_table(
        "sealed_rulesets",
        sa.Column("content_hash", sa.String(100), primary_key=True),
        sa.Column("ruleset_id", sa.String(200), nullable=False),
        sa.Column("ruleset_json", sa.Text, nullable=False),
        sa.Column("framework_json", sa.Text, nullable=False),
        _timestamp("stored_at"),
    )
    op.create_table(
        "decision_records",
        sa.Column("id", sa.String(40), primary_key=True),
        _timestamp("created_at"),
        sa.Column("created_by", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("supersedes", sa.String(40), sa.ForeignKey("decision_records.id")),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("framework", sa.String(100), nullable=False),
        sa.Column("ruleset_id", sa.String(200), nullable=False),
        sa.Column(
            "ruleset_hash",
            sa.String(100),
            sa.ForeignKey("sealed_rulesets.content_hash"),
            nullable=False,
        ),
        sa.Column("input_hash", sa.String(100), nullable=False),
        sa.Column("engine_version", sa.String(200), nullable=False),
        _timestamp("evaluated_at"),
        sa.Column("cycle_start", sa.Date, nullable=False),
        sa.Column("cycle_end", sa.Date, nullable=False),
        sa.Column("outcome", sa.String(40), nullable=False),
        sa.Column("rating", sa.String(100)),
        sa.Column("input_json", sa.Text, nullable=False),
        sa.Column("result_json", sa.Text, nullable=False),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("request_hash", sa.String(100), nullable=False),
        sa.UniqueConstraint("created_by", "idempotency_key"),
    )
    for column in ("created_by", "supersedes", "subject"):
        op.create_index(f"ix_decision_records_{column}", "decision_records", [column])
    op.create_table(
        "final_decisions",
        sa.Column("id", sa.String(40), primary_key=True),
        sa.Column("record_id", sa.String(40), sa.ForeignKey("decision_records.id"), nullable=False),
        sa.Column("rating", sa.String(100), nullable=False),
        sa.Column("rating_label", sa.String(200), nullable=False),
        sa.Column("draft_rating", sa.String(100)),
        sa.Column("differs", sa.Boolean, nullable=False),
        sa.Column("reason", sa.String(40)),
        sa.Column("note", sa.Text),
        _timestamp("decided_at"),
        sa.Column("created_by", sa.String(40), sa.ForeignKey("api_keys.id"), nullable=False),
        sa.Column("supersedes", sa.String(40), sa.ForeignKey("final_decisions.id")),
        sa.Column("idempotency_key", sa.String(200)),
        sa.Column("request_hash", sa.String(100), nullable=False),
        sa.UniqueConstraint("created_by", "idempotency_key"),
    )
    op.create_index("ix_final_decisions_record_id", "final_decisions", ["record_id"])
    refuse_changes(INSERT_ONLY, create_function=True)


def downgrade() -> None:
    for table in ("final_decisions", "decision_records", "sealed_rulesets", "api_keys"):
        op.drop_table(table)
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION appraise_insert_only()")
