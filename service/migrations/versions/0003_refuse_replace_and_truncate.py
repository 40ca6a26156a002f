"""Close two ways round the insert-only triggers: SQLite's REPLACE and PostgreSQL's TRUNCATE.

``REPLACE INTO`` (``INSERT OR REPLACE``) with an existing key deletes the old row without firing
SQLite's DELETE trigger (recursive triggers are off), and ``TRUNCATE`` fires no row trigger on
PostgreSQL. SQLite now refuses an INSERT whose key is already stored (a plain duplicate was
refused by the primary key anyway, with the same IntegrityError); PostgreSQL refuses TRUNCATE.

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

KEYS = {
    "sealed_rulesets": "content_hash",
    "decision_records": "id",
    "final_decisions": "id",
    "audits": "id",
}
"""Each insert-only table and its primary key."""


def upgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table, key in KEYS.items():
        if postgres:
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION appraise_insert_only()"
            )
        else:
            op.execute(
                f"CREATE TRIGGER {table}_no_replace BEFORE INSERT ON {table} "
                f"WHEN EXISTS (SELECT 1 FROM {table} WHERE {key} = NEW.{key}) "
                f"BEGIN SELECT RAISE(ABORT, 'appraise: {table} rows are never changed "
                "or deleted'); END"
            )


def downgrade() -> None:
    postgres = op.get_bind().dialect.name == "postgresql"
    for table in KEYS:
        if postgres:
            op.execute(f"DROP TRIGGER {table}_no_truncate ON {table}")
        else:
            op.execute(f"DROP TRIGGER {table}_no_replace")
