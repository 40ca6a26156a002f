"""The statistical checks on synthetic draft/final pairs (no engine): a cohort with nothing
planted raises flags no more often than the stated family-wise rate, and a planted lenient
appraiser or disadvantaged group is found."""

from __future__ import annotations

import random

from engine.audit import audit_cases
from engine.catalogue.frameworks import Catalogue
from schemas.audit import AuditCase, AuditReport, AuditSettings, Monitoring

SCALE = ("not-met", "achieved", "exceptional")
FRAMEWORKS = Catalogue()
SETTINGS = AuditSettings()  # alpha 0.05: the chance of any false flag in one cohort
COHORTS = 120
# The flag rate over COHORTS clean cohorts stays under alpha plus three binomial standard errors.
TOLERANCE = 3 * (0.05 * 0.95 / COHORTS) ** 0.5


def synthetic(
    seed: int, *, lenient: float = 0.0, depressed: float = 0.0, appraisers: int = 40
) -> list[AuditCase]:
    """Cases whose finals leave the draft by chance alone (3% up, 3% down), the same for every
    appraiser and group, unless ``lenient`` (appraiser a0's extra up-rate) or ``depressed``
    (group 'x' extra down-rate) plant a difference."""
    rng = random.Random(seed)
    cases = []
    for i in range(appraisers * 15):
        appraiser = f"a{i % appraisers}"
        group = rng.choice(("x", "y", "y", "z", "z", "z"))
        draft = rng.choices(SCALE, (10, 75, 15))[0]
        rank, roll = SCALE.index(draft), rng.random()
        up = 0.03 + (lenient if appraiser == "a0" else 0.0)
        down = 0.03 + (depressed if group == "x" else 0.0)
        if roll < up and rank < 2:
            rank += 1
        elif roll > 1 - down and rank > 0:
            rank -= 1
        cases.append(_case(i, appraiser, group, draft, SCALE[rank]))
    return cases


def _case(i: int, appraiser: str, group: str, draft: str, final: str) -> AuditCase:
    return AuditCase(
        id=f"c{i}",
        ref=f"synthetic:{i}",
        subject=f"t{i}",
        appraiser=appraiser,
        framework="hampshire",
        ruleset="hampshire",
        stage="mpr",
        draft_outcome="rated",
        draft_rating=draft,
        decided_by=("hampshire.rating.achieved",),
        final_rating=final,
        reason_code="moderation" if final != draft else None,
        progression=None,
        monitoring=Monitoring(ethnicity=group),
        pattern=f"p{i}",
        protected_absence=(),
        reasons=1,
        cited=("e1",),
        cited_outside=(),
        cited_unknown=(),
    )


def audit(cases: list[AuditCase]) -> AuditReport:
    return audit_cases(cases, FRAMEWORKS, SETTINGS)


def flagged(report: AuditReport, check: str) -> bool:
    return any(f.check == check for f in report.flags)


def test_clean_cohorts_flag_appraisers_and_groups_within_the_stated_rate() -> None:
    reports = [audit(synthetic(seed)) for seed in range(COHORTS)]
    for check in ("appraisers", "groups"):
        rate = sum(flagged(r, check) for r in reports) / COHORTS
        assert rate <= SETTINGS.alpha + TOLERANCE, (check, rate)
    assert all(
        not r.flags or {f.check for f in r.flags} <= {"appraisers", "groups"} for r in reports
    )


def test_a_lenient_appraiser_is_found_and_no_one_else() -> None:
    report = audit(synthetic(7, lenient=0.5))
    found = [f.appraiser for f in report.flags if f.code == "lenient-appraiser"]
    assert found == ["a0"]


def test_a_group_rated_down_more_often_is_found() -> None:
    report = audit(synthetic(7, depressed=0.5))
    assert any(f.code == "lower-outcomes" and "ethnicity = x" in f.detail for f in report.flags)


def test_too_few_cases_means_no_judgement() -> None:
    report = audit(synthetic(3, lenient=0.9, appraisers=100)[:900])
    a0 = next(a for a in report.appraisers if a.appraiser == "a0")
    assert a0.rated < SETTINGS.min_cases and a0.judgement == "too-few-cases"
