"""Final decisions cite the review's evidence and give a reason from the shared vocabulary; the
audit reads those citations, and decisions stored before either still read and audit."""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from alembic import command
from alembic.config import Config
from sqlalchemy import text

from schemas.reasons import REASON_CODES, REASON_LABELS
from service.db import MIGRATIONS, connect
from tests.service.conftest import ROOT, Api, _in_process, example, new_postgres_database

service = contextlib.contextmanager(_in_process)
"""The service in process over a database URL, migrating it on start."""

ISP: dict[str, Any] = yaml.safe_load(example("isp-meeting.yaml"))
ISP_EVIDENCE = [item["id"] for item in ISP["evidence"]]


def _drafted(api: Api, headers: dict[str, str]) -> str:
    body = {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in ISP.items()}
    body["evidence"] = [
        {k: v.isoformat() if isinstance(v, dt.date) else v for k, v in item.items()}
        for item in ISP["evidence"]
    ]
    response = api.client.post("/recommendations", json=body, headers=headers)
    assert response.status_code == 201, response.text
    record: str = response.json()["id"]
    return record


def test_a_decision_cites_evidence_chosen_from_the_review(api: Api) -> None:
    headers = api.key("appraiser")
    record = _drafted(api, headers)
    body = {
        "rating": "exceeding",
        "reason": "additional-evidence",
        "note": "The parents' survey arrived after the draft.",
        "evidence": ["parents-2026-05", "visit-2025-10"],
    }
    decided = api.client.post(f"/recommendations/{record}/decision", json=body, headers=headers)
    assert decided.status_code == 201, decided.text
    assert decided.json()["evidence"] == ["parents-2026-05", "visit-2025-10"]
    read = api.client.get(f"/recommendations/{record}", headers=headers).json()
    assert read["decisions"][-1]["evidence"] == ["parents-2026-05", "visit-2025-10"]
    page = api.client.get(f"/recommendations/{record}?format=markdown", headers=headers).text
    assert (
        "for the reason *Evidence the draft did not include was considered*: The parents' "
        "survey arrived after the draft. **Evidence cited:** parents-2026-05, visit-2025-10."
    ) in page
    agreed = api.client.post(
        f"/recommendations/{record}/decision", json={"rating": "meeting"}, headers=headers
    )
    assert agreed.json()["evidence"] == [] and agreed.json()["supersedes"] == decided.json()["id"]


def test_evidence_the_review_lacks_is_refused_where_it_is_cited(api: Api) -> None:
    headers = api.key("appraiser")
    record = _drafted(api, headers)
    body = {
        "rating": "exceeding",
        "reason": "moderation",
        "note": "Moderated.",
        "evidence": ["visit-2025-10", "visit-2025-1O", "visit-2025-10"],
    }
    refused = api.client.post(f"/recommendations/{record}/decision", json=body, headers=headers)
    assert refused.status_code == 422
    errors = sorted(refused.json()["errors"], key=lambda e: str(e["path"]))
    assert [(e["path"], e["code"]) for e in errors] == [
        ("evidence[1]", "unknown-evidence"),
        ("evidence[2]", "duplicate-evidence"),
    ]
    assert errors[0]["message"] == (
        "evidence[1]: 'visit-2025-1O' is not an evidence item of this review (did you mean "
        f"'visit-2025-10'?); the review has {', '.join(ISP_EVIDENCE)}"
    )
    read = api.client.get(f"/recommendations/{record}", headers=headers).json()
    assert read["decisions"] == [], "nothing is stored from a refused decision"


def test_the_api_offers_the_shared_vocabulary_with_a_label_for_each_code(api: Api) -> None:
    assert list(REASON_LABELS) == list(REASON_CODES) and len(REASON_CODES) == 9
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]
    reason = schema["DecisionCreate"]["properties"]["reason"]
    assert next(s["enum"] for s in reason["anyOf"] if "enum" in s) == list(REASON_CODES)
    assert "`circumstances`: The teacher's circumstances in the year" in reason["description"]
    headers = api.key("appraiser")
    record = _drafted(api, headers)
    old_demo_code = {"rating": "exceeding", "reason": "context-of-year", "note": "n"}
    refused = api.client.post(
        f"/recommendations/{record}/decision", json=old_demo_code, headers=headers
    )
    assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "reason"


def _readme_decision() -> dict[str, Any]:
    """The body of the README's example ``POST /recommendations/$ID/decision``."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    found = re.search(
        r"-d '(\{[^']*\})' \\\s*\"localhost:8000/recommendations/\$ID/decision", readme
    )
    assert found, "the README shows no decision example"
    body: dict[str, Any] = yaml.safe_load(found.group(1))
    return body


def test_the_readme_lists_the_vocabulary_with_its_labels() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    listed = re.findall(r"^\| `([a-z-]+)` \| (.+) \|$", readme, flags=re.MULTILINE)
    assert [row for row in listed if row[0] in REASON_LABELS] == list(REASON_LABELS.items())


@pytest.fixture
def fresh_api(tmp_path: Path) -> Iterator[Api]:
    """The service over a database of its own: an audit of it sees only this test's cases."""
    yield from _in_process(f"sqlite:///{tmp_path / 'appraise.db'}")


def test_the_readmes_example_decision_is_audited_as_citing_evidence(fresh_api: Api) -> None:
    appraiser = fresh_api.key("appraiser")
    record = _drafted(fresh_api, appraiser)
    body = _readme_decision()
    assert body["evidence"], "the example cites evidence"
    url = f"/recommendations/{record}/decision"
    decided = fresh_api.client.post(url, json=body, headers=appraiser)
    assert decided.status_code == 201, decided.text
    audit = fresh_api.client.post("/audits", json={"framework": "isp"}, headers=fresh_api.key("hr"))
    assert audit.status_code == 201, audit.text
    report = audit.json()["report"]
    assert report["overrides"]["total"]["overridden"] == 1
    assert [f for f in report["flags"] if f["check"] == "rationale"] == []


# --- decisions stored before evidence was a field -------------------------------------------


def _alembic(url: str) -> tuple[Any, Config]:
    engine = connect(url)
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return engine, config


def _to_revision(url: str, revision: str) -> None:
    engine, config = _alembic(url)
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, revision)
    engine.dispose()


LEGACY_DECISION = text(
    "INSERT INTO final_decisions (id, record_id, rating, rating_label, draft_rating, differs, "
    "reason, note, decided_at, created_by, supersedes, idempotency_key, request_hash) VALUES "
    "('dec_legacy', :record, 'exceeding', 'Exceeding the standard', 'meeting', :differs, "
    "'appraiser-judgement', :note, :at, :by, NULL, NULL, 'legacy')"
)


def _stored_before_the_field(url: str) -> tuple[str, dict[str, str]]:
    """A database holding a draft and, stored as revision 0003 stored them, a final decision
    with a reason code from outside today's vocabulary and evidence named in its note only."""
    with service(url) as api:
        record = _drafted(api, api.key("appraiser"))
        hr = api.key("hr")
    _to_revision(url, "0003")
    engine = connect(url)
    with engine.begin() as connection:
        created_by = connection.execute(
            text("SELECT created_by FROM decision_records WHERE id = :id"), {"id": record}
        ).scalar_one()
        connection.execute(
            LEGACY_DECISION,
            {
                "record": record,
                "differs": True,
                "note": "Moderated: visit-2025-10 shows leading practice.",
                "at": dt.datetime.now(dt.UTC),
                "by": created_by,
            },
        )
    engine.dispose()
    return record, hr


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'appraise.db'}"
        return
    server: str = request.getfixturevalue("postgres_server")
    with new_postgres_database(server, "appraise_legacy") as url:
        yield url


def test_a_decision_stored_before_evidence_and_the_vocabulary_reads_and_audits(
    empty_database: str,
) -> None:
    record, hr = _stored_before_the_field(empty_database)
    with service(empty_database) as api:  # starting the service upgrades the database
        read = api.client.get(f"/recommendations/{record}", headers=hr)
        assert read.status_code == 200, read.text
        legacy = read.json()["decisions"][-1]
        assert legacy["id"] == "dec_legacy"
        assert legacy["evidence"] is None, "it cited nothing in a field: none is made up"
        assert legacy["reason"] == "evidence-weighting", "the old code is read as today's"
        audit = api.client.post("/audits", json={"framework": "isp"}, headers=hr)
        assert audit.status_code == 201, audit.text
        report = audit.json()["report"]
        assert report["overrides"]["reason_codes"] == {"evidence-weighting": 1}
        flags = [f["code"] for f in report["flags"] if f["check"] == "rationale"]
        assert flags == [], "the old decision's note names evidence of the review"
    engine = connect(empty_database)
    with engine.connect() as connection:
        stored = connection.execute(
            text("SELECT reason, evidence_json FROM final_decisions WHERE id = 'dec_legacy'")
        ).one()
    engine.dispose()
    assert tuple(stored) == ("appraiser-judgement", None), "the stored row is never changed"
