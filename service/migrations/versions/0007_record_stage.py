"""Decision records keep the review's career stage in a column, so HR can filter by it; and
an index on (created_at, id), the order every list of records pages in (without it, each page
sorted every record, its input and result with it: 1.5 s a page over 2,000 records on SQLite);
and one on final_decisions.supersedes, which finds the standing decision of each record.

The stage is already in each record's sealed input (``input_json``); the column copies it out
for an indexed filter. Records stored before are filled in from their input here, the one
time the insert-only trigger on UPDATE is lifted, inside this migration's transaction.

Revision ID: 0007
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

REFUSE_UPDATE = (
    "CREATE TRIGGER decision_records_no_update BEFORE UPDATE ON decision_records "
    "BEGIN SELECT RAISE(ABORT, 'appraise: decision_records rows are never changed "
    "or deleted'); END"
)
"""SQLite's trigger as ``service.migrations.insert_only`` made it."""


def upgrade() -> None:
    op.add_column("decision_records", sa.Column("stage", sa.String(100), nullable=True))
    op.create_index("ix_decision_records_stage", "decision_records", ["stage"])
    op.create_index("ix_decision_records_newest", "decision_records", ["created_at", "id"])
    op.create_index("ix_final_decisions_supersedes", "final_decisions", ["supersedes"])
    if op.get_bind().dialect.name == "postgresql":
        op.execute("ALTER TABLE decision_records DISABLE TRIGGER decision_records_insert_only")
        op.execute("UPDATE decision_records SET stage = input_json::json ->> 'stage'")
        op.execute("ALTER TABLE decision_records ENABLE TRIGGER decision_records_insert_only")
    else:
        op.execute("DROP TRIGGER decision_records_no_update")
        op.execute("UPDATE decision_records SET stage = json_extract(input_json, '$.stage')")
        op.execute(REFUSE_UPDATE)


def downgrade() -> None:
    op.drop_index("ix_final_decisions_supersedes", "final_decisions")
    op.drop_index("ix_decision_records_newest", "decision_records")
    op.drop_index("ix_decision_records_stage", "decision_records")
    op.drop_column("decision_records", "stage")
