"""Connecting to the database and bringing its schema up to date (Alembic, on every start)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

__all__ = ["connect", "migrate", "session_factory"]

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_POOL_SIZE = 41
MIGRATION_LOCK = 0x61707072  # 'appr': the advisory lock key migrations hold on PostgreSQL


def connect(url: str) -> Engine:
    """An engine for ``url``; a SQLite file (and its folder) is created on first use."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, pool_pre_ping=True)
    connect_args = {"check_same_thread": False, "timeout": 30}
    if not parsed.database or parsed.database == ":memory:":
        engine = create_engine(url, connect_args=connect_args)
    else:
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # One pooled connection per request thread (FastAPI's pool has 40) and the group-commit
        # writer: with fewer, connections beyond the pool are opened and closed per request.
        engine = create_engine(
            url, connect_args=connect_args, pool_size=SQLITE_POOL_SIZE, max_overflow=10
        )
    event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    """WAL with full sync: a commit the service acknowledged survives a killed process."""
    cursor = dbapi_connection.cursor()
    for pragma in ("journal_mode=WAL", "synchronous=FULL", "foreign_keys=ON", "busy_timeout=30000"):
        cursor.execute(f"PRAGMA {pragma}")
    cursor.close()


def migrate(engine: Engine) -> None:
    """Apply every migration not yet applied; found beside this module, installed or not."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Servers sharing one database may start at once: the first migrates, the others
            # wait here (the lock ends with this transaction) and then find nothing to do.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def session_factory(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)
