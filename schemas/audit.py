"""HR audit: the cohort it reads (one ``CohortEntry`` per decision) and the report it writes."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field

from schemas._base import DottedId, Frozen, Slug
from schemas.reasons import RecordedReasonCode
from schemas.review import Review

__all__ = [
    "CHECKS",
    "MONITORED",
    "AppraiserFinding",
    "AuditCase",
    "AuditReport",
    "AuditSettings",
    "Check",
    "CohortDecision",
    "CohortEntry",
    "CohortSummary",
    "Flag",
    "GroupCell",
    "GroupRow",
    "GroupTable",
    "Judgement",
    "LikeCase",
    "LikeCaseGroup",
    "Method",
    "Monitoring",
    "OverrideRow",
    "Overrides",
    "RecordedReason",
    "ReportSummary",
    "StoredDraft",
    "WhatIf",
    "WhatIfChange",
    "WhatIfRow",
]

Progression = Literal["awarded", "withheld", "not-applicable"]
Check = Literal[
    "overrides",
    "appraisers",
    "like-cases",
    "groups",
    "protected-absence",
    "rationale",
    "what-if",
]
CHECKS: tuple[str, ...] = Check.__args__  # type: ignore[attr-defined]


class Monitoring(Frozen):
    """Optional equality-monitoring fields; values are the school's own codes."""

    sex: str | None = None
    ethnicity: str | None = None
    disability: str | None = None
    age_band: str | None = None
    working_pattern: str | None = Field(default=None, description="e.g. full-time, part-time.")
    fixed_term: str | None = Field(default=None, description="e.g. yes, no.")
    pay_range: str | None = None


MONITORED: tuple[str, ...] = tuple(Monitoring.model_fields)
"""The monitored characteristics, in report order."""


class RecordedReason(Frozen):
    """A reason the decision-maker recorded, and the evidence ids it relies on."""

    text: str = Field(min_length=1)
    evidence: tuple[str, ...] = ()


class StoredDraft(Frozen):
    """The draft as a stored decision record holds it; the audit replays and compares."""

    ruleset: DottedId
    ruleset_hash: str | None = None
    outcome: str
    rating: Slug | None = None
    decided_by: tuple[DottedId, ...] = ()


class CohortDecision(Frozen):
    """What a person decided on a review: a cohort entry less the review (a sidecar file)."""

    id: str | None = Field(default=None, description="Entry id; default: the review's subject.")
    final_rating: Slug = Field(
        description="The rating actually given, a level of the scale of the review's stage "
        "(e.g. the induction scale for an ECT)."
    )
    reason_code: RecordedReasonCode | None = Field(
        default=None, description="Why it differs from the draft: a code of the shared vocabulary."
    )
    progression: Progression | None = None
    reasons: tuple[RecordedReason, ...] = ()
    monitoring: Monitoring = Monitoring()
    draft: StoredDraft | None = None


class CohortEntry(CohortDecision):
    """One decision to audit: the review, the final rating a person gave, and why."""

    review: Review


class AuditCase(Frozen):
    """What the checks need of one entry, after its draft was computed (small, picklable)."""

    id: str
    ref: str = Field(description="Where the entry came from, e.g. cohort.jsonl:12.")
    subject: str
    appraiser: str
    framework: Slug
    ruleset: DottedId
    stage: str | None
    scale: str | None = Field(
        default=None,
        description="The rule set's scale the draft and final are on (e.g. 'induction' for an "
        "ECT); None: the framework's.",
    )
    scale_levels: tuple[str, ...] = Field(
        default=(), description="That scale's levels, worst first; () for the framework's."
    )
    draft_outcome: str
    draft_rating: str | None
    decided_by: tuple[str, ...]
    compare_outcome: str | None = None
    compare_rating: str | None = None
    compare_decided_by: tuple[str, ...] = ()
    final_rating: str
    reason_code: str | None
    progression: Progression | None
    monitoring: Monitoring
    pattern: str = Field(description="Stage, ledger and objective pattern, for like cases.")
    protected_absence: tuple[str, ...] = Field(description="Protected absence types in cycle.")
    reasons: int = Field(description="How many reasons were recorded.")
    cited: tuple[str, ...] = Field(description="Evidence ids the recorded reasons cite.")
    cited_outside: tuple[str, ...] = Field(description="... of which dated outside the cycle.")
    cited_unknown: tuple[str, ...] = Field(description="... of which not in the review.")
    stored_draft_differs: bool = False


class Method(Frozen):
    """How one check works, in words a governor can follow."""

    check: Check
    title: str
    statement: str


class Flag(Frozen):
    """A case (or an appraiser or group) a person should look at, and why."""

    check: Check
    code: Slug
    case: str | None = None
    subject: str | None = None
    appraiser: str | None = None
    stage: str | None = None
    draft: str | None = None
    final: str | None = None
    detail: str


class OverrideRow(Frozen):
    """Overrides in one slice of the cohort (an appraiser, a stage, a deciding rule)."""

    key: str
    cases: int
    rated: int = Field(description="Cases whose draft was a rating, so up/down is defined.")
    overridden: int
    up: int
    down: int
    rate: float = Field(description="overridden / rated (0.0 when none rated).")


class Overrides(Frozen):
    total: OverrideRow
    by_appraiser: tuple[OverrideRow, ...]
    by_stage: tuple[OverrideRow, ...]
    by_rule: tuple[OverrideRow, ...]
    decided_without_rating: int = Field(description="Drafts that were a status, not a rating.")
    reason_codes: dict[str, int]
    overrides_without_reason_code: int


Judgement = Literal["lenient", "severe", "not-flagged", "too-few-cases"]


def _judgement_read(value: object) -> object:
    """Reports stored before the wording changed said 'consistent' for 'not-flagged'."""
    return "not-flagged" if value == "consistent" else value


class AppraiserFinding(Frozen):
    """One appraiser's finals against the drafts and the cohort, with the tests' results."""

    appraiser: str
    cases: int
    rated: int
    up: int
    down: int
    finals: dict[str, int]
    mean_final_rank: float | None
    mean_draft_rank: float | None
    p_lenient: float | None = None
    p_severe: float | None = None
    p_lenient_adjusted: float | None = None
    p_severe_adjusted: float | None = None
    judgement: Annotated[Judgement, BeforeValidator(_judgement_read)] = Field(
        description="'not-flagged' means no test found a pattern, not that the appraiser was "
        "shown to be consistent."
    )


class LikeCase(Frozen):
    case: str
    subject: str
    appraiser: str
    final: str
    reason_code: str | None


class LikeCaseGroup(Frozen):
    """Cases with equivalent facts (and so the same draft) given different final ratings."""

    pattern: str
    stage: str | None
    draft: str
    finals: dict[str, int]
    cases: tuple[LikeCase, ...]


class GroupCell(Frozen):
    """One rating's count in one group; every figure is ``None`` when suppressed."""

    rating: str
    count: int | None
    rate: float | None
    rest_rate: float | None
    ratio: float | None
    suppressed: bool


class GroupRow(Frozen):
    value: str
    n: int | None
    cells: tuple[GroupCell, ...]
    favourable_rate: float | None
    rest_favourable_rate: float | None
    ratio: float | None
    draft_favourable_rate: float | None
    p_value: float | None
    p_adjusted: float | None
    flagged: bool


class GroupTable(Frozen):
    characteristic: str
    scale: str | None = Field(
        default=None,
        description="The rule-set scale of the cases counted (e.g. 'induction', ECTs only); "
        "None: the cases on their framework's scale (pay ratings).",
    )
    rows: tuple[GroupRow, ...]


class WhatIfChange(Frozen):
    case: str
    subject: str
    appraiser: str
    stage: str | None
    before: str
    after: str
    before_rules: tuple[str, ...]
    after_rules: tuple[str, ...]


class WhatIfRow(Frozen):
    key: str
    cases: int
    changed: int
    up: int
    down: int


class WhatIf(Frozen):
    """The cohort drafted under two rule sets: every changed draft and summaries."""

    ruleset: DottedId
    compare_ruleset: DottedId
    changes: tuple[WhatIfChange, ...]
    by_stage: tuple[WhatIfRow, ...]
    by_appraiser: tuple[WhatIfRow, ...]


class AuditSettings(Frozen):
    alpha: float = Field(default=0.05, gt=0, lt=1)
    min_cases: int = Field(default=10, ge=1, description="Below this, no appraiser judgement.")
    suppress_below: int = Field(default=5, ge=1, description="Cells under this are suppressed.")
    disparity_ratio: float = Field(default=0.8, gt=0, le=1)
    ruleset: DottedId | None = None
    compare_ruleset: DottedId | None = None


class CohortSummary(Frozen):
    cases: int
    appraisers: int
    frameworks: tuple[str, ...]
    scale: tuple[str, ...]
    favourable: tuple[str, ...] = Field(description="Ratings counted as a favourable outcome.")
    finals: dict[str, int]
    drafts: dict[str, int]
    rulesets: dict[str, str] = Field(description="Rule set id → content hash used.")


class ReportSummary(Frozen):
    """The report's headline: what people decided, counted apart from what the audit flagged
    (an override is a count of decisions; a flag is a case or person to look at)."""

    decisions: int
    rated_drafts: int = Field(description="Decisions whose draft was a rating.")
    overrides: int = Field(description="Of those, finals that differ from the draft.")
    overrides_up: int
    overrides_down: int
    overrides_without_reason_code: int
    ratings_after_a_status: int = Field(description="Finals where the draft was a status.")
    appraisers_flagged: int
    appraisers_not_flagged: int = Field(description="Tested and not flagged (not 'consistent').")
    appraisers_too_few_cases: int
    flags: dict[str, int] = Field(description="Flags raised, by check (every check, 0 or more).")


class AuditReport(Frozen):
    """Everything the audit found, with the method of every check."""

    generated_at: dt.datetime
    engine_version: str
    settings: AuditSettings
    cohort: CohortSummary
    summary: ReportSummary | None = Field(
        default=None, description="None in reports stored before the summary was added."
    )
    methods: tuple[Method, ...]
    overrides: Overrides
    appraisers: tuple[AppraiserFinding, ...]
    like_cases: tuple[LikeCaseGroup, ...]
    groups: tuple[GroupTable, ...]
    whatif: WhatIf | None
    flags: tuple[Flag, ...]
