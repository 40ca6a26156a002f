"""Alembic migrations of the service database, run on start (see ``service.db.migrate``)."""
