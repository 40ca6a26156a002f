"""Case-level checks: like cases rated differently, protected absence, rationale, what-if."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

from engine.audit.drafts import draft_label
from engine.audit.scale import Scales
from schemas.audit import (
    AuditCase,
    Check,
    Flag,
    LikeCase,
    LikeCaseGroup,
    WhatIf,
    WhatIfChange,
    WhatIfRow,
)

__all__ = [
    "like_case_flags",
    "like_cases",
    "protected_absence_flags",
    "rationale_flags",
    "stored_draft_flags",
    "what_if",
]


def _flag(check: Check, code: str, case: AuditCase, detail: str) -> Flag:
    return Flag(
        check=check,
        code=code,
        case=case.id,
        subject=case.subject,
        appraiser=case.appraiser,
        stage=case.stage,
        draft=draft_label(case.draft_outcome, case.draft_rating),
        final=case.final_rating,
        detail=detail,
    )


def like_cases(cases: Iterable[AuditCase]) -> tuple[LikeCaseGroup, ...]:
    """Groups of cases with the same pattern (so the same draft) but different final ratings."""
    groups: dict[tuple[str, str], list[AuditCase]] = {}
    for case in cases:
        groups.setdefault((case.framework, case.pattern), []).append(case)
    differ = {
        k: members
        for k, members in groups.items()
        if len(members) > 1 and len({c.final_rating for c in members}) > 1
    }
    return tuple(
        LikeCaseGroup(
            pattern=pattern,
            stage=members[0].stage,
            draft=draft_label(members[0].draft_outcome, members[0].draft_rating),
            finals=dict(Counter(c.final_rating for c in members)),
            cases=tuple(
                LikeCase(
                    case=c.id,
                    subject=c.subject,
                    appraiser=c.appraiser,
                    final=c.final_rating,
                    reason_code=c.reason_code,
                )
                for c in members
            ),
        )
        for (_, pattern), members in sorted(differ.items())
    )


def like_case_flags(groups: Iterable[LikeCaseGroup], by_id: dict[str, AuditCase]) -> list[Flag]:
    """Every case of every group, naming the cases on the other side."""
    flags = []
    for group in groups:
        for member in group.cases:
            others = [
                f"{c.case} ({c.final}, {c.appraiser})"
                for c in group.cases
                if c.final != member.final
            ]
            detail = (
                f"Equivalent facts ({group.pattern}) were rated {member.final} here and "
                f"differently in {', '.join(others)}."
            )
            flags.append(_flag("like-cases", "like-cases-differ", by_id[member.case], detail))
    return flags


def protected_absence_flags(cases: Iterable[AuditCase], scales: Scales) -> list[Flag]:
    """The lowest rating, or progression withheld, after protected absence in the cycle."""
    flags = []
    for case in cases:
        if not case.protected_absence:
            continue
        lowest = case.final_rating == scales.lowest(case)
        if lowest or case.progression == "withheld":
            what = "rated " + case.final_rating if lowest else "progression withheld"
            absence = " and ".join(case.protected_absence)
            detail = (
                f"{what} after {absence} absence in the cycle: check the period worked was "
                "judged and the absence did not count against the teacher."
            )
            flags.append(_flag("protected-absence", "protected-absence", case, detail))
    return flags


def rationale_flags(cases: Iterable[AuditCase]) -> list[Flag]:
    """Decisions away from the draft that cite no evidence; reasons citing evidence not usable."""
    flags = []
    for case in cases:
        departs = case.final_rating != case.draft_rating
        if departs and not case.cited:
            what = (
                "no reasons were recorded" if not case.reasons else "the reasons cite no evidence"
            )
            detail = f"The final rating departs from the draft but {what}."
            flags.append(_flag("rationale", "no-evidence-cited", case, detail))
        if case.cited_outside:
            detail = (
                f"The reasons rely on evidence dated outside the cycle: "
                f"{', '.join(case.cited_outside)}."
            )
            flags.append(_flag("rationale", "evidence-outside-cycle", case, detail))
        if case.cited_unknown:
            detail = (
                f"The reasons cite evidence not in the review: {', '.join(case.cited_unknown)}."
            )
            flags.append(_flag("rationale", "unknown-evidence-cited", case, detail))
    return flags


def stored_draft_flags(cases: Iterable[AuditCase]) -> list[Flag]:
    detail = "The stored draft differs from the draft the same rule-set version gives on replay."
    return [
        _flag("overrides", "stored-draft-differs", c, detail)
        for c in cases
        if c.stored_draft_differs
    ]


def what_if(cases: Sequence[AuditCase], scales: Scales, ruleset: str, compare: str) -> WhatIf:
    """Every draft that changes under ``compare``, and counts by stage and appraiser."""
    changed = [c for c in cases if _changed(c)]
    return WhatIf(
        ruleset=ruleset,
        compare_ruleset=compare,
        changes=tuple(
            WhatIfChange(
                case=c.id,
                subject=c.subject,
                appraiser=c.appraiser,
                stage=c.stage,
                before=draft_label(c.draft_outcome, c.draft_rating),
                after=draft_label(c.compare_outcome or "", c.compare_rating),
                before_rules=c.decided_by,
                after_rules=c.compare_decided_by,
            )
            for c in changed
        ),
        by_stage=_summary(cases, scales, lambda c: c.stage or "no stage"),
        by_appraiser=_summary(cases, scales, lambda c: c.appraiser),
    )


def _changed(case: AuditCase) -> bool:
    before = (case.draft_outcome, case.draft_rating)
    return before != (case.compare_outcome, case.compare_rating)


def _summary(
    cases: Sequence[AuditCase], scales: Scales, key: Callable[[AuditCase], str]
) -> tuple[WhatIfRow, ...]:
    groups: dict[str, list[AuditCase]] = {}
    for case in cases:
        groups.setdefault(key(case), []).append(case)
    rows = []
    for name, members in sorted(groups.items()):
        moves = [_move(c, scales) for c in members if _changed(c)]
        rows.append(
            WhatIfRow(
                key=name,
                cases=len(members),
                changed=len(moves),
                up=moves.count(1),
                down=moves.count(-1),
            )
        )
    return tuple(rows)


def _move(case: AuditCase, scales: Scales) -> int:
    before, after = scales.rank(case, case.draft_rating), scales.rank(case, case.compare_rating)
    if before is None or after is None or before == after:
        return 0
    return 1 if after > before else -1
