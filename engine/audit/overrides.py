"""Overrides (final ≠ draft) by appraiser, stage and deciding rule; appraiser leniency/severity."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from engine.audit.scale import Scales
from engine.audit.stats import fisher_greater, holm, p_clause
from schemas.audit import (
    AppraiserFinding,
    AuditCase,
    AuditSettings,
    Flag,
    Judgement,
    OverrideRow,
    Overrides,
)

__all__ = ["appraiser_findings", "appraiser_flags", "override_flags", "overrides"]


def overrides(cases: Sequence[AuditCase], scales: Scales) -> Overrides:
    """Override counts for the cohort and by appraiser, stage and the rule that decided."""
    rated = [c for c in cases if c.draft_rating is not None]
    changed = [c for c in rated if c.final_rating != c.draft_rating]
    moves = _Moves(cases, scales)
    return Overrides(
        total=_row("cohort", range(len(cases)), moves),
        by_appraiser=_rows(moves, lambda c: [c.appraiser]),
        by_stage=_rows(moves, lambda c: [c.stage or "no stage"]),
        by_rule=_rows(moves, lambda c: list(c.decided_by) or ["(no rule)"]),
        decided_without_rating=len(cases) - len(rated),
        reason_codes=dict(Counter(c.reason_code for c in cases if c.reason_code).most_common()),
        overrides_without_reason_code=sum(1 for c in changed if not c.reason_code),
    )


class _Moves:
    """The cases with, worked out once, each one's move from its draft (see ``Scales.shift``)
    and whether it was overridden; rows and tests refer to cases by their index."""

    def __init__(self, cases: Sequence[AuditCase], scales: Scales) -> None:
        self.cases = cases
        self.rated = [c.draft_rating is not None for c in cases]
        self.shifts = [scales.shift(c) for c in cases]
        self.overridden = [c.final_rating != c.draft_rating for c in cases]

    def counts(self, members: Iterable[int]) -> tuple[int, int, int, int]:
        """Rated drafts, overridden, moved up and moved down among ``members``."""
        rated = [i for i in members if self.rated[i]]
        shifts = [self.shifts[i] for i in rated]
        overridden = sum(1 for i in rated if self.overridden[i])
        return len(rated), overridden, shifts.count(1), shifts.count(-1)


def _rows(moves: _Moves, keys: Callable[[AuditCase], list[str]]) -> tuple[OverrideRow, ...]:
    groups: dict[str, list[int]] = {}
    for i, case in enumerate(moves.cases):
        for key in keys(case):
            groups.setdefault(key, []).append(i)
    return tuple(_row(key, members, moves) for key, members in sorted(groups.items()))


def _row(key: str, members: Sequence[int], moves: _Moves) -> OverrideRow:
    rated, overridden, up, down = moves.counts(members)
    return OverrideRow(
        key=key,
        cases=len(members),
        rated=rated,
        overridden=overridden,
        up=up,
        down=down,
        rate=overridden / rated if rated else 0.0,
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
    moves = _Moves(cases, scales)
    by_appraiser: dict[str, list[int]] = {}
    for i, case in enumerate(cases):
        by_appraiser.setdefault(case.appraiser, []).append(i)
    counts = {a: moves.counts(own) for a, own in by_appraiser.items()}
    totals = moves.counts(range(len(cases)))
    tests: list[tuple[str, str, float]] = []
    for appraiser, (rated, _, up, down) in counts.items():
        if rated >= settings.min_cases:
            rated_rest, up_rest, down_rest = totals[0] - rated, totals[2] - up, totals[3] - down
            tests.append((appraiser, "lenient", _test(rated, up, rated_rest, up_rest)))
            tests.append((appraiser, "severe", _test(rated, down, rated_rest, down_rest)))
    adjusted = holm([p for _, _, p in tests])
    p_values = {(a, d): (p, q) for (a, d, p), q in zip(tests, adjusted, strict=True)}
    return tuple(
        _finding(appraiser, [cases[i] for i in own], counts[appraiser], scales, settings, p_values)
        for appraiser, own in sorted(by_appraiser.items())
    )


def _test(rated: int, moved: int, rated_rest: int, moved_rest: int) -> float:
    """One-sided: does this appraiser move drafts this way more often than the others?"""
    return fisher_greater(moved, rated - moved, moved_rest, rated_rest - moved_rest)


def _finding(
    appraiser: str,
    own: Sequence[AuditCase],
    counts: tuple[int, int, int, int],
    scales: Scales,
    settings: AuditSettings,
    p_values: dict[tuple[str, str], tuple[float, float]],
) -> AppraiserFinding:
    rated, _, up, down = counts
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
    return "not-flagged"


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
