"""No key and no personal field reaches a log; a record's input is logged masked."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from service.app import create_app
from service.logs import MASK, masked
from service.settings import Settings
from tests.service.conftest import Api, example

ISP = yaml.safe_load(example("isp-meeting.yaml"))


def test_masked_replaces_configured_fields_only() -> None:
    data = {
        "subject": "t-1",
        "evidence": [{"id": "e1", "recorded_by": "a-1"}, {"id": "e2"}],
        "conduct": {"concern": False},
    }
    out = masked(data, ["subject", "evidence.*.recorded_by", "conduct.note", "nothing.here"])
    assert out == {
        "subject": MASK,
        "evidence": [{"id": "e1", "recorded_by": MASK}, {"id": "e2"}],
        "conduct": {"concern": False},
    }
    assert data["subject"] == "t-1"  # the input itself is untouched


def test_logs_hold_neither_keys_nor_personal_data(
    sqlite_api: Api, caplog: pytest.LogCaptureFixture
) -> None:
    headers = sqlite_api.key("appraiser")
    subject = "t-secret-4711"
    body = json.loads(json.dumps({**ISP, "subject": subject}, default=str))
    body["evidence"][0]["note"] = "Private observation note"
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
    for secret in (subject, ISP["appraiser"], "Private", headers["Authorization"][7:]):
        assert secret not in text
    logged = next(
        json.loads(r.getMessage()) for r in caplog.records if "record.created" in r.getMessage()
    )
    assert logged["input"]["subject"] == MASK
    # The whole stored input, with exactly the configured fields masked.
    assert logged["input"] == masked(created["review"], Settings().masked_fields)
    assert logged["input"]["evidence"][0]["recorded_by"] == MASK
    assert logged["input_hash"] == created["input_hash"]


def test_an_unexpected_error_is_a_bare_500_logged_by_type_only(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}"))

    @app.get("/boom")
    def boom(subject: str) -> None:
        raise RuntimeError(f"failed for {subject}")

    with TestClient(app) as client, caplog.at_level(logging.INFO):
        response = client.get("/boom", params={"subject": "t-secret-99"})
    assert response.status_code == 500 and response.json() == {"detail": "internal error"}
    server_side = [r.getMessage() for r in caplog.records if not r.name.startswith("httpx")]
    assert "unhandled RuntimeError" in server_side
    assert not any("t-secret-99" in line for line in server_side)
