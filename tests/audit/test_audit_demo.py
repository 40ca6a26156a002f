"""Every problem planted in a demo cohort is found; a clean demo cohort raises no flag."""

from __future__ import annotations

import pytest

from engine.audit import audit_entries
from engine.audit.demo_cohort import MIN_PLANTED_SIZE, Planted, demo_cohort
from engine.catalogue.frameworks import Catalogue
from schemas.audit import AuditReport, AuditSettings, CohortEntry


def codes_for(report: AuditReport, code: str) -> set[str]:
    return {f.case or f.appraiser or f.detail for f in report.flags if f.code == code}


def test_the_lenient_and_severe_appraisers_are_found(
    planted_cohort: tuple[list[CohortEntry], Planted], planted_report: AuditReport
) -> None:
    planted = planted_cohort[1]
    assert planted.lenient in codes_for(planted_report, "lenient-appraiser")
    assert planted.severe in codes_for(planted_report, "severe-appraiser")
    judged = {a.appraiser: a.judgement for a in planted_report.appraisers}
    assert judged[planted.lenient] == "lenient" and judged[planted.severe] == "severe"


def test_the_group_with_lower_outcomes_is_found(
    planted_cohort: tuple[list[CohortEntry], Planted], planted_report: AuditReport
) -> None:
    characteristic, value = planted_cohort[1].depressed
    table = next(t for t in planted_report.groups if t.characteristic == characteristic)
    row = next(r for r in table.rows if r.value == value)
    assert row.flagged
    assert any(f"{characteristic} = {value}" in f.detail for f in planted_report.flags)


def test_the_maternity_case_rated_not_met_is_the_protected_absence_flag(
    planted_cohort: tuple[list[CohortEntry], Planted], planted_report: AuditReport
) -> None:
    assert codes_for(planted_report, "protected-absence") == {planted_cohort[1].maternity}


def test_like_cases_are_listed_with_both_sides(
    planted_cohort: tuple[list[CohortEntry], Planted], planted_report: AuditReport
) -> None:
    groups = {frozenset(c.case for c in g.cases) for g in planted_report.like_cases}
    assert groups == {frozenset(pair) for pair in planted_cohort[1].like_cases}
    for group in planted_report.like_cases:
        assert len(group.finals) == 2 and sum(group.finals.values()) == 2


def test_reasons_without_evidence_or_outside_the_cycle_are_found(
    planted_cohort: tuple[list[CohortEntry], Planted], planted_report: AuditReport
) -> None:
    planted = planted_cohort[1]
    assert codes_for(planted_report, "no-evidence-cited") == set(planted.no_evidence)
    assert codes_for(planted_report, "evidence-outside-cycle") == set(planted.outside_cycle)


def test_every_draft_replays_as_the_demo_built_it(planted_report: AuditReport) -> None:
    # The demo stores the draft each review was built to draw; the audit replays it.
    assert codes_for(planted_report, "stored-draft-differs") == set()
    assert planted_report.cohort.cases == 250


@pytest.mark.parametrize("seed", [11, 12])
def test_a_clean_demo_cohort_raises_no_flag(seed: int) -> None:
    entries, planted = demo_cohort(Catalogue()["hampshire"], 250, seed, plant=False)
    assert planted is None
    report = audit_entries(entries, AuditSettings())
    assert report.flags == ()
    assert report.like_cases == ()
    assert report.overrides.total.overridden > 0  # clean still has some reasoned overrides


def test_planting_needs_enough_schools() -> None:
    with pytest.raises(ValueError, match=str(MIN_PLANTED_SIZE)):
        demo_cohort(Catalogue()["hampshire"], MIN_PLANTED_SIZE - 1, 1)
