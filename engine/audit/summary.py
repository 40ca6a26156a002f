"""The report's headline figures: what people decided, counted apart from what was flagged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

from schemas.audit import (
    CHECKS,
    AppraiserFinding,
    AuditReport,
    Flag,
    Judgement,
    Overrides,
    ReportSummary,
)
from schemas.reasons import REASON_LABELS

__all__ = ["JUDGEMENT_WORDS", "decided_rows", "headline", "reason_code_counts", "summary_of"]

JUDGEMENT_WORDS: dict[Judgement, str] = {
    "lenient": "lenient",
    "severe": "severe",
    "not-flagged": "not flagged",
    "too-few-cases": "too few cases to test",
}
"""An appraiser's judgement as a report says it: not flagged is not shown to be consistent."""


def headline(
    overrides: Overrides, appraisers: Sequence[AppraiserFinding], flags: Sequence[Flag]
) -> ReportSummary:
    """The headline of a report from its overrides, appraiser findings and flags."""
    total = overrides.total
    judged = Counter(a.judgement for a in appraisers)
    raised: Counter[str] = Counter(f.check for f in flags)
    return ReportSummary(
        decisions=total.cases,
        rated_drafts=total.rated,
        overrides=total.overridden,
        overrides_up=total.up,
        overrides_down=total.down,
        overrides_without_reason_code=overrides.overrides_without_reason_code,
        ratings_after_a_status=overrides.decided_without_rating,
        appraisers_flagged=judged["lenient"] + judged["severe"],
        appraisers_not_flagged=judged["not-flagged"],
        appraisers_too_few_cases=judged["too-few-cases"],
        flags={check: raised[check] for check in CHECKS if check != "what-if"},
    )


def summary_of(report: AuditReport) -> ReportSummary:
    """The report's headline; worked out again for a report stored before it had one."""
    return report.summary or headline(report.overrides, report.appraisers, report.flags)


def decided_rows(head: ReportSummary) -> list[list[str]]:
    """The headline's counts of decisions and appraisers, as label and figure, for any rendering."""
    return [
        [
            "Overrides (final differs from a rated draft)",
            f"{head.overrides:,} of {head.rated_drafts:,} "
            f"({head.overrides_up:,} up, {head.overrides_down:,} down)",
        ],
        ["Overrides without a reason code", f"{head.overrides_without_reason_code:,}"],
        ["Ratings given where the draft was a status", f"{head.ratings_after_a_status:,}"],
        ["Appraisers flagged (lenient or severe)", f"{head.appraisers_flagged:,}"],
        ["Appraisers not flagged", f"{head.appraisers_not_flagged:,}"],
        ["Appraisers with too few rated drafts to test", f"{head.appraisers_too_few_cases:,}"],
    ]


def reason_code_counts(overrides: Overrides) -> list[str]:
    """Each reason code given, with its label and count, most given first."""
    labels: dict[str, str] = {code: label for code, label in REASON_LABELS.items()}
    return [f"{labels.get(k, k)} ({k}): {v:,}" for k, v in overrides.reason_codes.items()]
