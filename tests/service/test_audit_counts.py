"""Migration 0008: audits keep their overrides and flags counted in columns, so the list of
audits (HR's /audit-reports page, GET /audits) reads no report; one stored before is counted
from its report, with the same figures."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from service import store
from service.db import connect
from tests.service.test_audits import audit_cycle, decide, draft
from tests.service.test_decisions import _to_revision, empty_database, service

__all__ = ["empty_database"]  # the fixture, imported for the tests below


def _audited(api: Any) -> dict[str, Any]:
    """Two decided records, one overridden with a note that cites no evidence, and their audit."""
    appraiser, hr = api.key("appraiser"), api.key("hr")
    agreed = draft(api, appraiser, "t-count-1")
    decide(api, appraiser, agreed["id"], {"rating": "achieved"})
    raised = draft(api, appraiser, "t-count-2")
    body = {"rating": "exceptional", "reason": "moderation", "note": "Moderated upwards."}
    decide(api, appraiser, raised["id"], body)
    return audit_cycle(api, hr)


def _listed(api: Any) -> list[dict[str, Any]]:
    response = api.client.get("/audits", headers=api.key("hr"))
    assert response.status_code == 200, response.text
    listed: list[dict[str, Any]] = response.json()
    return listed


def test_the_list_of_audits_reads_no_report(empty_database: str) -> None:
    with service(empty_database) as api:
        audit = _audited(api)
        (listed,) = _listed(api)
    assert listed["overrides"] == 1 and listed["flags"] == len(audit["report"]["flags"]) > 0
    engine = connect(empty_database)
    statements: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *args: statements.append(args[2]))
    try:
        with Session(engine) as session:
            (summary,) = store.list_audits(session)
    finally:
        engine.dispose()
    assert (summary.overrides, summary.flags) == (listed["overrides"], listed["flags"])
    assert statements and not any("report_json" in s for s in statements), statements


def test_an_audit_stored_before_the_counts_is_counted_from_its_report(
    empty_database: str,
) -> None:
    with service(empty_database) as api:
        _audited(api)
        (before,) = _listed(api)
    _to_revision(empty_database, "0007")  # as stored before the columns: no counts
    with service(empty_database) as api:  # starting the service upgrades the database
        (after,) = _listed(api)
    assert after == before and after["overrides"] == 1 and after["flags"] > 0
