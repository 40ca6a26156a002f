"""ECTs in the audit: decided on the induction scale, never counted in pay-rating rates."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from engine.audit import audit_cases, audit_entries, audit_path
from engine.audit.demo_cohort import Planted
from engine.catalogue.frameworks import Catalogue
from engine.errors import InputError
from schemas.audit import AuditCase, AuditReport, AuditSettings, CohortEntry, Monitoring

INDUCTION = ("unsatisfactory-progress", "satisfactory-progress")
SETTINGS = AuditSettings(suppress_below=1)  # small on purpose: nothing suppressed


def _case(i: int, stage: str, draft: str, final: str, sex: str) -> AuditCase:
    ect = stage in ("ect1", "ect2")
    return AuditCase(
        id=f"c{i}",
        ref=f"synthetic:{i}",
        subject=f"t{i}",
        appraiser=f"a{i % 2}",
        framework="hampshire",
        ruleset="hampshire",
        stage=stage,
        scale="induction" if ect else None,
        scale_levels=INDUCTION if ect else (),
        draft_outcome="rated",
        draft_rating=draft,
        decided_by=("hampshire.rating.achieved",),
        final_rating=final,
        reason_code="moderation" if final != draft else None,
        progression=None,
        monitoring=Monitoring(sex=sex),
        pattern=f"p{i}",
        protected_absence=(),
        reasons=1,
        cited=("e1",),
        cited_outside=(),
        cited_unknown=(),
    )


def cohort() -> list[AuditCase]:
    """Twelve MPR teachers (half of them men) and six ECTs (all women, all unsatisfactory)."""
    cases = [
        _case(i, "mpr", "achieved", "achieved" if i % 3 else "not-met", ("male", "female")[i % 2])
        for i in range(12)
    ]
    cases += [
        _case(i, "ect1", "unsatisfactory-progress", "unsatisfactory-progress", "female")
        for i in range(12, 18)
    ]
    return cases


def test_an_ect_is_never_counted_in_pay_rating_rates() -> None:
    report = audit_cases(cohort(), Catalogue(), SETTINGS)
    pay = next(t for t in report.groups if t.characteristic == "sex" and t.scale is None)
    ratings = {c.rating for row in pay.rows for c in row.cells}
    assert ratings == {"not-met", "achieved", "exceptional"}
    sizes = {row.value: row.n for row in pay.rows}
    assert sizes == {"female": 6, "male": 6}  # the six ECT women are not among them


def test_ects_have_their_own_table_of_induction_outcomes() -> None:
    report = audit_cases(cohort(), Catalogue(), SETTINGS)
    induction = next(t for t in report.groups if t.characteristic == "sex" and t.scale)
    assert induction.scale == "induction"
    [women] = induction.rows
    assert women.n == 6
    assert tuple(c.rating for c in women.cells) == INDUCTION
    assert report.cohort.finals["unsatisfactory-progress"] == 6


def test_an_ect_override_is_compared_on_the_induction_scale() -> None:
    cases = cohort()
    cases[-1] = _case(17, "ect2", "unsatisfactory-progress", "satisfactory-progress", "female")
    report = audit_cases(cases, Catalogue(), SETTINGS)
    ect2 = next(row for row in report.overrides.by_stage if row.key == "ect2")
    assert (ect2.rated, ect2.overridden, ect2.up, ect2.down) == (1, 1, 1, 0)


def test_the_demo_cohort_decides_ects_on_the_induction_scale(
    planted_cohort: tuple[list[CohortEntry], Planted], planted_report: AuditReport
) -> None:
    ects = [e for e in planted_cohort[0] if e.review.stage in ("ect1", "ect2")]
    assert ects and {e.final_rating for e in ects} <= set(INDUCTION)
    pay = [t for t in planted_report.groups if t.scale is None]
    pay_n = {t.characteristic: sum(r.n or 0 for r in t.rows) for t in pay}
    assert max(pay_n.values()) <= len(planted_cohort[0]) - len(ects)
    assert planted_report.cohort.finals["satisfactory-progress"] > 0


def test_a_pay_rating_as_an_ects_final_is_a_located_problem(
    planted_cohort: tuple[list[CohortEntry], Planted], tmp_path: Path
) -> None:
    ect = next(e for e in planted_cohort[0] if e.review.stage == "ect1")
    line = json.loads(ect.model_dump_json(exclude_defaults=True))
    line["final_rating"] = "achieved"
    path = tmp_path / "cohort.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        audit_path(path, AuditSettings())
    [problem] = caught.value.diagnostics
    assert (problem.line, problem.code) == (1, "unknown-rating")
    assert problem.message == (
        "final_rating: 'achieved' is on the hampshire scale, but a review at stage ect1 is "
        "decided on the induction scale: give one of unsatisfactory-progress, "
        "satisfactory-progress"
    )
    with pytest.raises(InputError):
        audit_entries([ect.model_copy(update={"final_rating": "achieved"})], AuditSettings())
