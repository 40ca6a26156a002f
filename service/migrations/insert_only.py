"""Triggers that make the database itself refuse UPDATE and DELETE on insert-only tables."""

from __future__ import annotations

from collections.abc import Iterable

from alembic import op

__all__ = ["refuse_changes"]


def refuse_changes(tables: Iterable[str], *, create_function: bool) -> None:
    """Records are evidence: refuse changing or deleting rows of ``tables``.

    On PostgreSQL one trigger function serves every table; the first migration creates it.
    """
    postgres = op.get_bind().dialect.name == "postgresql"
    if postgres and create_function:
        op.execute(
            "CREATE FUNCTION appraise_insert_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'appraise: % rows are never changed or deleted', "
            "TG_TABLE_NAME; END $$"
        )
    for table in tables:
        if postgres:
            op.execute(
                f"CREATE TRIGGER {table}_insert_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION appraise_insert_only()"
            )
        else:
            for event in ("UPDATE", "DELETE"):
                op.execute(
                    f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                    f"BEGIN SELECT RAISE(ABORT, 'appraise: {table} rows are never changed "
                    "or deleted'); END"
                )
