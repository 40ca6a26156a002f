"""Overrides (final ≠ draft) by appraiser, stage and deciding rule; appraiser leniency/severity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from typing import Literal

from engine.audit.scale import Scales
from engine.audit.stats import fisher_greater, holm, p_clause
from schemas.audit import AppraiserFinding, AuditCase, AuditSettings, Flag, OverrideRow, Overrides

Judgement = Literal["lenient", "severe", "consistent", "too-few-cases"]

__all__ = ["appraiser_findings", "appraiser_flags", "override_flags", "overrides"]


def overrides(cases: Sequence[AuditCase], scales: Scales) -> Overrides:
    """Override counts for the cohort and by appraiser, stage and the rule that decided."""
    rated = [c for c in cases if c.draft_rating is not None]
    changed = [c for c in rated if c.final_rating != c.draft_rating]
    return Overrides(
        total=_row("cohort", cases, scales),
        by_appraiser=_rows(cases, scales, lambda c: [c.appraiser]),
        by_stage=_rows(cases, scales, lambda c: [c.stage or "no stage"]),
        by_rule=_rows(cases, scales, lambda c: list(c.decided_by) or ["(no rule)"]),
        decided_without_rating=len(cases) - len(rated),
        reason_codes=dict(Counter(c.reason_code for c in cases if c.reason_code).most_common()),
        overrides_without_reason_code=sum(1 for c in changed if not c.reason_code),
    )


def _rows(
    cases: Iterable[AuditCase], scales: Scales, keys: Callable[[AuditCase], list[str]]
) -> tuple[OverrideRow, ...]:
    groups: dict[str, list[AuditCase]] = {}
    for case in cases:
        for key in keys(case):
            groups.setdefault(key, []).append(case)
    return tuple(_row(key, group, scales) for key, group in sorted(groups.items()))


def _row(key: str, cases: Sequence[AuditCase], scales: Scales) -> OverrideRow:
    rated = [c for c in cases if c.draft_rating is not None]
    shifts = [scales.shift(c) for c in rated]
    overridden = sum(1 for c in rated if c.final_rating != c.draft_rating)
    return OverrideRow(
        key=key,
        cases=len(cases),
        rated=len(rated),
        overridden=overridden,
        up=shifts.count(1),
        down=shifts.count(-1),
        rate=overridden / len(rated) if rated else 0.0,
    )


def override_flags(cases: Iterable[AuditCase]) -> list[Flag]:
    """Overrides of a rated draft that give no reason code."""
    return [
        Flag(
            check="overrides",
            code="override-without-reason-code",
            case=c.id,
            subject=c.subject,
            appraiser=c.appraiser,
            stage=c.stage,
            draft=c.draft_rating,
            final=c.final_rating,
            detail="The final rating differs from the draft and no reason code was recorded.",
        )
        for c in cases
        if c.draft_rating is not None and c.final_rating != c.draft_rating and not c.reason_code
    ]


def appraiser_findings(
    cases: Sequence[AuditCase], scales: Scales, settings: AuditSettings
) -> tuple[AppraiserFinding, ...]:
    """Each appraiser's overrides up and down against everyone else's (Fisher, then Holm)."""
    by_appraiser: dict[str, list[AuditCase]] = {}
    for case in cases:
        by_appraiser.setdefault(case.appraiser, []).append(case)
    totals = _counts(cases, scales)
    tests: list[tuple[str, str, float]] = []
    for appraiser, own in by_appraiser.items():
        rated, up, down = _counts(own, scales)
        if rated >= settings.min_cases:
            others = [t - o for t, o in zip(totals, (rated, up, down), strict=True)]
            tests.append((appraiser, "lenient", _test(rated, up, others[0], others[1])))
            tests.append((appraiser, "severe", _test(rated, down, others[0], others[2])))
    adjusted = holm([p for _, _, p in tests])
    p_values = {(a, d): (p, q) for (a, d, p), q in zip(tests, adjusted, strict=True)}
    return tuple(
        _finding(appraiser, own, scales, settings, p_values)
        for appraiser, own in sorted(by_appraiser.items())
    )


def _test(rated: int, moved: int, rated_rest: int, moved_rest: int) -> float:
    """One-sided: does this appraiser move drafts this way more often than the others?"""
    return fisher_greater(moved, rated - moved, moved_rest, rated_rest - moved_rest)


def _counts(cases: Iterable[AuditCase], scales: Scales) -> tuple[int, int, int]:
    shifts = [scales.shift(c) for c in cases if c.draft_rating is not None]
    return len(shifts), shifts.count(1), shifts.count(-1)


def _finding(
    appraiser: str,
    own: Sequence[AuditCase],
    scales: Scales,
    settings: AuditSettings,
    p_values: dict[tuple[str, str], tuple[float, float]],
) -> AppraiserFinding:
    rated, up, down = _counts(own, scales)
    lenient = p_values.get((appraiser, "lenient"))
    severe = p_values.get((appraiser, "severe"))
    return AppraiserFinding(
        appraiser=appraiser,
        cases=len(own),
        rated=rated,
        up=up,
        down=down,
        finals=dict(Counter(c.final_rating for c in own)),
        mean_final_rank=_mean(scales.rank(c, c.final_rating) for c in own),
        mean_draft_rank=_mean(scales.rank(c, c.draft_rating) for c in own),
        p_lenient=lenient[0] if lenient else None,
        p_severe=severe[0] if severe else None,
        p_lenient_adjusted=lenient[1] if lenient else None,
        p_severe_adjusted=severe[1] if severe else None,
        judgement=_judgement(lenient, severe, settings.alpha),
    )


def _judgement(
    lenient: tuple[float, float] | None, severe: tuple[float, float] | None, alpha: float
) -> Judgement:
    if lenient is None or severe is None:
        return "too-few-cases"
    if lenient[1] < alpha and lenient[1] <= severe[1]:
        return "lenient"
    if severe[1] < alpha:
        return "severe"
    return "consistent"


def _mean(values: Iterable[int | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def appraiser_flags(findings: Iterable[AppraiserFinding]) -> list[Flag]:
    flags = []
    for f in findings:
        if f.judgement not in ("lenient", "severe"):
            continue
        p = f.p_lenient_adjusted if f.judgement == "lenient" else f.p_severe_adjusted
        way = "above" if f.judgement == "lenient" else "below"
        moved = f.up if f.judgement == "lenient" else f.down
        flags.append(
            Flag(
                check="appraisers",
                code=f"{f.judgement}-appraiser",
                appraiser=f.appraiser,
                detail=(
                    f"{moved} of {f.rated} rated drafts moved {way} the draft, more often than "
                    f"by the other appraisers (adjusted {p_clause(p)})."
                ),
            )
        )
    return flags
