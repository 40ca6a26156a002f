"""No key and no personal field reaches a log: record lines are an audit trail of ids and
hashes, and special-category data (absence types, dates) never appears."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from service.app import create_app
from service.logs import AUDIT_TRAIL, log_event
from service.settings import Settings
from tests.service.conftest import Api, example

ISP = yaml.safe_load(example("isp-meeting.yaml"))


def test_logs_hold_neither_keys_nor_personal_data(
    sqlite_api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    headers = sqlite_api.key("appraiser")
    subject = "t-secret-4711"
    body = json.loads(json.dumps({**ISP, "subject": subject}, default=str))
    body["evidence"][0]["note"] = "Private observation note"
    body["objectives"] = [{"id": "o1", "text": "Private objective", "outcome": "met"}]
    body["circumstances"] = {
        "absences": [{"type": "maternity-parental", "start": "2024-11-04", "end": "2024-12-20"}],
        "in_capability": False,
    }
    body["conduct"] = {"concern": False, "note": "Private conduct note"}
    with caplog.at_level(logging.INFO):
        created = sqlite_api.client.post("/recommendations", json=body, headers=headers).json()
        sqlite_api.client.get("/recommendations", params={"subject": subject}, headers=headers)
        sqlite_api.client.post(
            f"/recommendations/{created['id']}/decision",
            json={"rating": "exceeding", "reason": "other", "note": "Private decision note"},
            headers=headers,
        )
    # Everything the server side logged; the test's own HTTP client logs its URLs.
    text = "\n".join(r.getMessage() for r in caplog.records if not r.name.startswith("httpx"))
    assert created["id"] in text and "record.created" in text and "decision.created" in text
    secrets = (subject, ISP["appraiser"], "Private", "maternity", "2024-11-04", "capability")
    for secret in (*secrets, headers["Authorization"][7:]):
        assert secret not in text
    record_lines = [
        json.loads(r.getMessage()) for r in caplog.records if r.name == "appraise.records"
    ]
    assert {line["event"] for line in record_lines} == {"record.created", "decision.created"}
    for line in record_lines:
        assert set(line) - {"event"} <= AUDIT_TRAIL
    created_line = next(line for line in record_lines if line["event"] == "record.created")
    assert created_line["input_hash"] == created["input_hash"]
    assert created_line["ruleset_hash"] == created["ruleset_hash"]


def test_a_record_line_refuses_a_field_outside_the_audit_trail(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.INFO), pytest.raises(ValueError, match="subject"):
        log_event("record.created", id="r-1", subject="t-1")


def test_an_unexpected_error_is_a_bare_500_logged_by_type_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}"))

    @app.get("/boom")
    def boom(subject: str) -> None:
        raise RuntimeError(f"failed for {subject}")

    with TestClient(app) as client, caplog.at_level(logging.INFO):
        response = client.get("/boom", params={"subject": "t-secret-99"})
    assert response.status_code == 500
    assert response.json() == {
        "type": "about:blank",
        "title": "Internal Server Error",
        "status": 500,
        "detail": "internal error",
    }
    server_side = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert "unhandled RuntimeError" in server_side
    assert not any("t-secret-99" in line for line in server_side)
