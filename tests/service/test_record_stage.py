"""Migration 0007: a record stored before the stage column is filled in from its input, so
HR's stage filter finds it; the table stays insert-only."""

from __future__ import annotations

import pytest
import sqlalchemy.exc
from sqlalchemy import text

from service.db import connect
from tests.service.test_audits import draft
from tests.service.test_decisions import _to_revision, empty_database, service

__all__ = ["empty_database"]  # the fixture, imported for the test below


def test_a_record_stored_before_the_column_is_found_by_its_stage(empty_database: str) -> None:
    with service(empty_database) as api:
        record = draft(api, api.key("appraiser"), "t-stage-1")["id"]
        hr = api.key("hr")
    _to_revision(empty_database, "0005")  # as stored before the column: no stage
    with service(empty_database) as api:  # starting the service upgrades the database
        found = api.client.get("/recommendations", params={"stage": "mpr"}, headers=hr)
        assert [r["id"] for r in found.json()] == [record]
        assert found.json()[0]["stage"] == "mpr"
        other = api.client.get("/recommendations", params={"stage": "ect1"}, headers=hr)
        assert other.json() == [] and other.headers["X-Total-Count"] == "0"
    engine = connect(empty_database)
    try:
        with pytest.raises(sqlalchemy.exc.DatabaseError), engine.begin() as connection:
            connection.execute(text("UPDATE decision_records SET stage = 'ect1'"))
    finally:
        engine.dispose()
