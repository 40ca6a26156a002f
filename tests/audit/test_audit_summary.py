"""The report's summary counts overrides apart from flags, and says "not flagged", never
"consistent"; reason codes are the shared vocabulary, in the demo cohort and in cohort files."""

from __future__ import annotations

import json
import re
from pathlib import Path

from engine.audit import audit_path
from engine.audit.demo_cohort import Planted
from engine.audit.report_html import render_html
from engine.audit.report_text import render_text
from schemas.audit import AuditReport, AuditSettings, CohortEntry
from schemas.reasons import REASON_CODES, REASON_LABELS


def test_the_text_summary_counts_overrides_apart_from_flags(planted_report: AuditReport) -> None:
    total = planted_report.overrides.total
    text = render_text(planted_report)
    decided, flagged = text.split("Flags raised")
    overrides = re.search(r"Overrides \(final differs from a rated draft\)\s+(.*)", decided)
    assert overrides is not None
    assert (
        overrides.group(1)
        == f"{total.overridden} of {total.rated} ({total.up} up, {total.down} down)"
    )
    assert total.overridden > 0
    flags = sum(1 for f in planted_report.flags if f.check == "overrides")
    assert f"  Overrides: {flags} flags\n" in flagged, "the override check's flags, under flags"
    assert "consistent" not in text


def test_the_html_summary_counts_overrides_apart_from_flags(planted_report: AuditReport) -> None:
    page = render_html(planted_report)
    summary = page[page.index("<h2>Summary</h2>") : page.index("<section")]
    decided, flagged = summary.split("Flags: cases and people to look at")
    total = planted_report.overrides.total
    assert f"<td>{total.overridden} of {total.rated} ({total.up} up" in decided
    assert "<th>Flags raised</th>" in flagged and "Overrides" in flagged
    not_flagged = sum(1 for a in planted_report.appraisers if a.judgement == "not-flagged")
    assert f"<td>Appraisers not flagged</td><td>{not_flagged}</td>" in decided
    assert not_flagged > 0 and "consistent" not in page
    assert "<td>not flagged</td>" in page, "the appraisers table says it in words"


def test_the_json_report_carries_the_same_summary(planted_report: AuditReport) -> None:
    summary = json.loads(planted_report.model_dump_json())["summary"]
    assert summary["overrides"] == planted_report.overrides.total.overridden
    assert summary["flags"]["overrides"] == sum(
        1 for f in planted_report.flags if f.check == "overrides"
    )
    assert summary["appraisers_flagged"] == 2  # the planted lenient and severe appraisers


def test_a_report_stored_with_consistent_appraisers_still_reads(
    planted_report: AuditReport,
) -> None:
    stored = json.loads(planted_report.model_dump_json())
    del stored["summary"]  # stored before the summary existed
    for finding in stored["appraisers"]:
        if finding["judgement"] == "not-flagged":
            finding["judgement"] = "consistent"
    old = AuditReport.model_validate(stored)
    assert {a.judgement for a in old.appraisers} >= {"not-flagged"}
    assert render_text(old) == render_text(planted_report)


def test_the_demo_cohort_gives_codes_of_the_shared_vocabulary_and_cites_evidence(
    planted_cohort: tuple[list[CohortEntry], Planted],
) -> None:
    entries, planted = planted_cohort
    given = {e.reason_code for e in entries if e.reason_code}
    assert given and given <= set(REASON_CODES)
    reasoned = [e for e in entries if e.reason_code and e.id not in planted.no_evidence]
    for entry in reasoned:
        ids = {item.id for item in entry.review.evidence}
        cited = [i for r in entry.reasons for i in r.evidence]
        assert cited and set(cited) <= ids, entry.id
    texts = {r.text for e in reasoned for r in e.reasons}
    assert any(text.startswith(REASON_LABELS["circumstances"]) for text in texts)


def test_a_cohort_file_with_an_old_demo_code_still_audits(
    planted_cohort: tuple[list[CohortEntry], Planted], tmp_path: Path
) -> None:
    entry = next(e for e in planted_cohort[0] if e.reason_code == "evidence-weighting")
    line = json.loads(entry.model_dump_json(exclude_defaults=True))
    line["reason_code"] = "appraiser-judgement"  # as demo cohorts wrote it before
    cohort = tmp_path / "old.jsonl"
    cohort.write_text(json.dumps(line) + "\n", encoding="utf-8")
    report = audit_path(cohort, AuditSettings())
    assert report.overrides.reason_codes == {"evidence-weighting": 1}
