"""POST /audits and GET /audits/{id}: HR audits the stored decisions, on every backend."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import yaml

from tests.service.conftest import Api, example

SHIFT = dt.timedelta(days=7 * 365 + 2)  # a cycle of its own, years after every other test's
HAMPSHIRE: dict[str, Any] = yaml.safe_load(example("hampshire-mpr-achieved.yaml"))


def hampshire(subject: str) -> dict[str, Any]:
    """The Hampshire example moved to a cycle no other test uses, for ``subject``."""
    data: dict[str, Any] = yaml.safe_load(example("hampshire-mpr-achieved.yaml"))
    data["subject"] = subject
    for key in ("cycle_start", "cycle_end"):
        data[key] = (data[key] + SHIFT).isoformat()
    for item in data["evidence"]:
        item["date"] = (item["date"] + SHIFT).isoformat()
    plain: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return plain


def cycle_date() -> str:
    return (HAMPSHIRE["cycle_start"] + SHIFT + dt.timedelta(days=30)).isoformat()


def draft(api: Api, headers: dict[str, str], subject: str, **query: str) -> Any:
    response = api.client.post(
        "/recommendations", json=hampshire(subject), headers=headers, params=query
    )
    assert response.status_code == 201, response.text
    return response.json()


def decide(api: Api, headers: dict[str, str], record: str, body: dict[str, Any]) -> None:
    response = api.client.post(f"/recommendations/{record}/decision", json=body, headers=headers)
    assert response.status_code == 201, response.text


def audit_cycle(api: Api, hr: dict[str, str]) -> dict[str, Any]:
    """An audit of the Hampshire records of this file's cycle, as POST /audits answers it."""
    response = api.client.post(
        "/audits", json={"cycle": cycle_date(), "framework": "hampshire"}, headers=hr
    )
    assert response.status_code == 201, response.text
    audit: dict[str, Any] = response.json()
    return audit


def test_hr_audits_standing_decided_records_and_reads_the_report_back(api: Api) -> None:
    appraiser, hr = api.key("appraiser"), api.key("hr")
    agreed = draft(api, appraiser, "t-aud-1")
    assert agreed["recommendation"]["rating"] == "achieved"
    decide(api, appraiser, agreed["id"], {"rating": "achieved"})
    raised = draft(api, appraiser, "t-aud-2")
    evidence = hampshire("x")["evidence"][0]["id"]
    note = "Moderated: the observation shows practice beyond the stage."
    decide(
        api,
        appraiser,
        raised["id"],
        {"rating": "exceptional", "reason": "moderation", "note": note, "evidence": [evidence]},
    )
    draft(api, appraiser, "t-aud-3")  # never decided: counted, not audited
    first = draft(api, appraiser, "t-aud-4")
    decide(api, appraiser, first["id"], {"rating": "achieved"})
    correction = draft(api, appraiser, "t-aud-4", supersedes=first["id"])  # replaces the first
    decide(api, appraiser, correction["id"], {"rating": "achieved"})

    body = {
        "cycle": cycle_date(),
        "framework": "hampshire",
        "monitoring": {"t-aud-1": {"sex": "female"}, "t-aud-2": {"sex": "male"}},
    }
    response = api.client.post("/audits", json=body, headers=hr)
    assert response.status_code == 201, response.text
    audit = response.json()
    assert (audit["cases"], audit["undecided"]) == (3, 1)
    report = audit["report"]
    assert report["overrides"]["total"]["overridden"] == 1
    assert report["overrides"]["total"]["up"] == 1
    assert report["overrides"]["reason_codes"] == {"moderation": 1}
    rationale = [f for f in report["flags"] if f["check"] == "rationale"]
    assert rationale == [], "the decision cites evidence of the review"
    cells = [c for t in report["groups"] for r in t["rows"] for c in r["cells"]]
    assert cells and all(c["suppressed"] and c["count"] is None for c in cells), (
        "one person per group: every cell is under the threshold of 5"
    )

    again = api.client.get(f"/audits/{audit['id']}", headers=hr)
    assert again.status_code == 200 and again.json() == audit
    page = api.client.get(f"/audits/{audit['id']}", params={"format": "html"}, headers=hr)
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    assert "<svg" in page.text and "suppressed" in page.text
    csv = api.client.get(f"/audits/{audit['id']}", params={"format": "csv"}, headers=hr)
    assert csv.status_code == 200 and csv.text.startswith("check,")


def test_a_note_that_cites_no_evidence_is_flagged(api: Api) -> None:
    appraiser, hr = api.key("appraiser"), api.key("hr")
    record = draft(api, appraiser, "t-aud-9")
    body = {"rating": "not-met", "reason": "other", "note": "Did not feel right."}
    decide(api, appraiser, record["id"], body)
    flagged = {
        f["case"] for f in audit_cycle(api, hr)["report"]["flags"] if f["check"] == "rationale"
    }
    assert record["id"] in flagged


def test_ids_in_the_note_of_a_new_decision_are_not_taken_as_cited(api: Api) -> None:
    """The audit reads what a decision cites from its evidence field, not by guessing ids from
    the note (only decisions stored before the field existed are read from their note)."""
    appraiser, hr = api.key("appraiser"), api.key("hr")
    record = draft(api, appraiser, "t-aud-11")
    evidence = hampshire("x")["evidence"][0]["id"]
    body = {"rating": "exceptional", "reason": "moderation", "note": f"See {evidence}."}
    decide(api, appraiser, record["id"], body)
    response = api.client.post(
        "/audits", json={"cycle": cycle_date(), "framework": "hampshire"}, headers=hr
    )
    assert response.status_code == 201, response.text
    flags = [f for f in response.json()["report"]["flags"] if f["case"] == record["id"]]
    assert [f["code"] for f in flags if f["check"] == "rationale"] == ["no-evidence-cited"]


def test_only_hr_runs_and_reads_audits(api: Api) -> None:
    hr = api.key("hr")
    audit = api.client.post("/audits", json={"framework": "isp"}, headers=hr)
    assert audit.status_code == 201, audit.text
    url = f"/audits/{audit.json()['id']}"
    for role in ("appraiser", "admin"):
        headers = api.key(role)
        assert api.client.post("/audits", json={}, headers=headers).status_code == 403
        assert api.client.get(url, headers=headers).status_code == 403
    assert api.client.post("/audits", json={}).status_code == 401


def test_bad_audit_requests(api: Api) -> None:
    appraiser, hr = api.key("appraiser"), api.key("hr")
    record = draft(api, appraiser, "t-aud-10")
    decide(api, appraiser, record["id"], {"rating": "achieved"})
    assert api.client.get("/audits/aud-nope", headers=hr).status_code == 404
    body = {"cycle": cycle_date(), "ruleset": "hamshire"}
    unknown = api.client.post("/audits", json=body, headers=hr)
    assert unknown.status_code == 404
    assert "did you mean 'hampshire'" in unknown.json()["detail"]
    bad = api.client.post("/audits", json={"alpha": 2, "colour": "red"}, headers=hr)
    assert bad.status_code == 422
    assert {p["path"] for p in bad.json()["errors"]} >= {"alpha", "colour"}
