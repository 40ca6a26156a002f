"""HR's journey through a real browser: filter the records (the count narrows), run an audit
with an equality-monitoring CSV, read the report, follow a flagged case to its record, and
download the flags (CSV) and the report (JSON)."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import yaml

from tests.web.conftest import Live

ROOT = Path(__file__).resolve().parents[2]
MPR = ROOT / "examples" / "hampshire-mpr-achieved.yaml"

Visit = Callable[..., None]
SignIn = Callable[..., None]


def _draft(live: Live, person: str, subject: str) -> str:
    review = yaml.safe_load(MPR.read_text())
    review["subject"] = subject
    answer = httpx2.post(
        f"{live.url}/recommendations",
        content=yaml.safe_dump(review).encode(),
        params={"next_steps": "false"},
        headers={**live.api(person), "Content-Type": "application/yaml"},
        timeout=60,
    )
    assert answer.status_code == 201, answer.text
    record: str = answer.json()["id"]
    return record


def _decide(live: Live, person: str, record: str, body: dict[str, Any]) -> None:
    answer = httpx2.post(
        f"{live.url}/recommendations/{record}/decision",
        json=body,
        headers=live.api(person),
        timeout=60,
    )
    assert answer.status_code == 201, answer.text


def _count(page: Any) -> int:
    text = page.locator("#records-count").inner_text()
    found = re.match(r"([\d,]+) record", text)
    assert found, text
    return int(found.group(1).replace(",", ""))


def test_hr_filters_records_runs_an_audit_and_follows_a_flagged_case(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    lowered = _draft(live, "appraiser", "t-hr-journey-1")
    _decide(live, "appraiser", lowered, {"rating": "not-met", "reason": "other", "note": "Hm."})
    agreed = _draft(live, "appraiser_b", "t-hr-journey-2")
    _decide(live, "appraiser_b", agreed, {"rating": "achieved"})

    sign_in(page, "hr")
    page.get_by_role("link", name="Records", exact=True).click()
    assert page.get_by_role("heading", level=1).inner_text() == "Records"
    everyone = _count(page)
    visit(page, "records")
    page.get_by_label("Appraiser").select_option(label="Ben Appraiser")
    page.get_by_label("Overridden").select_option(label="No")
    page.get_by_role("button", name="Apply filters").click()
    bens = httpx2.get(
        f"{live.url}/recommendations",
        params={"appraiser": live.key_ids["appraiser_b"], "overridden": "false"},
        headers=live.api("hr"),
    )
    assert _count(page) == int(bens.headers["X-Total-Count"]) < everyone
    assert page.get_by_role("link", name=re.compile("t-hr-journey-2")).count() == 1
    assert page.get_by_role("link", name=re.compile("t-hr-journey-1")).count() == 0
    visit(page, "records-filtered")

    page.get_by_role("link", name="Audits", exact=True).click()
    visit(page, "audits")
    page.get_by_role("button", name="Run an audit").click()
    page.get_by_label("Framework").select_option(value="hampshire")
    bad = b"subject,colour\nt-hr-journey-1,red\n"
    page.get_by_label(re.compile("Equality-monitoring")).set_input_files(
        files=[{"name": "monitoring.csv", "mimeType": "text/csv", "buffer": bad}]
    )
    page.get_by_role("button", name="Run the audit").click()
    summary = page.locator(".govuk-error-summary")
    assert "Row 1, column 2" in summary.inner_text()
    visit(page, "audit-csv-problem")
    good = b"subject,sex\nt-hr-journey-1,female\nt-hr-journey-2,male\n"
    page.get_by_label(re.compile("Equality-monitoring")).set_input_files(
        files=[{"name": "monitoring.csv", "mimeType": "text/csv", "buffer": good}]
    )
    page.get_by_role("button", name="Run the audit").click()
    assert page.get_by_role("heading", level=1).inner_text().startswith("Audit of")
    main = page.locator("main").inner_text()
    assert main.index("Cases to review") < main.index("Summary")
    assert "Equality-monitoring fields: 2 teachers" in main
    visit(page, "audit-report")

    with page.expect_download() as csv_download:
        page.get_by_role("link", name=re.compile("Flagged cases")).click()
    flags = list(csv.DictReader(io.StringIO(Path(csv_download.value.path()).read_text())))
    assert lowered in {row["case"] for row in flags}
    with page.expect_download() as json_download:
        page.get_by_role("link", name=re.compile("whole report")).click()
    report = json.loads(Path(json_download.value.path()).read_text())
    assert report["request"]["monitoring"]["t-hr-journey-1"] == {
        "sex": "female",
        **dict.fromkeys(("ethnicity", "disability", "age_band"), None),
        **dict.fromkeys(("working_pattern", "fixed_term", "pay_range"), None),
    }

    page.get_by_role("link", name=re.compile("t-hr-journey-1")).first.click()
    assert page.url.endswith(f"/records/{lowered}")
    assert "Decision record" in page.locator("main").inner_text()
    visit(page, "flagged-record")

    page.get_by_role("link", name="Audits", exact=True).click()
    assert "2 teachers" in page.locator("table").first.inner_text()
    report_url = page.get_by_role("link", name=re.compile("open the report")).first.get_attribute(
        "href"
    )

    # At 200% zoom a 1280-pixel screen is 640 CSS pixels wide: nothing should scroll sideways.
    page.set_viewport_size({"width": 640, "height": 800})
    for path in ("/records", "/audit-reports", "/audit-reports/new", report_url):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    page.goto("/records")
    visit(page, "records-at-200-percent")


def test_hr_pages_back_to_older_audits_and_is_told_when_a_file_is_too_large(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    for _ in range(21):  # one more than a page holds
        answer = httpx2.post(
            f"{live.url}/audits", json={"framework": "hampshire"}, headers=live.api("hr")
        )
        assert answer.status_code == 201, answer.text
    sign_in(page, "hr")
    page.get_by_role("link", name="Audits", exact=True).click()
    latest = page.get_by_role("link", name=re.compile("open the report")).count()
    page.get_by_role("link", name=re.compile("Older audits")).click()
    assert "Older audits, newest first" in page.locator("main").inner_text()
    older = page.get_by_role("link", name=re.compile("open the report")).count()
    assert latest == 20 and older >= 1
    visit(page, "older-audits")

    page.get_by_role("link", name=re.compile("Latest audits")).click()
    page.get_by_role("button", name="Run an audit").click()
    rows = "".join(f"t-{i:07d},female\n" for i in range(70_000)).encode()  # about 1.2 MB
    page.get_by_label(re.compile("Equality-monitoring")).set_input_files(
        files=[
            {"name": "monitoring.csv", "mimeType": "text/csv", "buffer": b"subject,sex\n" + rows}
        ]
    )
    page.get_by_role("button", name="Run the audit").click()
    assert page.get_by_role("heading", level=1).inner_text() == "The file or form is too large"
    assert "at most 1 MB" in page.locator("main").inner_text()
    visit(page, "file-too-large")
