"""What the service stores and answers: decision records, final decisions, keys, replays, audits."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from pydantic import Field, StringConstraints, model_validator

from schemas._base import DottedId, Frozen, Slug
from schemas.audit import AuditReport, Monitoring
from schemas.reasons import REASON_LABELS, ReasonCode, RecordedReasonCode
from schemas.recommendation import Recommendation
from schemas.review import Review
from schemas.ruleset import Parameter, RuleSet

__all__ = [
    "MAX_CITED",
    "ROLES",
    "AuditCreate",
    "AuditSummary",
    "DecisionCreate",
    "Difference",
    "FinalDecision",
    "FrameworkSummary",
    "InputProblem",
    "KeyCreate",
    "KeyCreated",
    "KeyInfo",
    "Problem",
    "RecordSummary",
    "Replay",
    "Role",
    "RuleSetDetail",
    "RuleSetSummary",
    "StoredAudit",
    "StoredRecord",
]

Role = Literal["appraiser", "hr", "admin"]
ROLES: tuple[str, ...] = Role.__args__  # type: ignore[attr-defined]

MAX_CITED = 500
"""The most evidence items one final decision may cite."""

EvidenceId = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class DecisionCreate(Frozen):
    """A person's final rating for a drafted case; a reason and a note when it differs, and the
    evidence of the review it rests on."""

    rating: Slug = Field(
        description="A level of the draft's scale: the framework's, or the rule set's scale for "
        "the review's stage (e.g. the induction scale for an ECT).",
        examples=["achieved"],
    )
    reason: ReasonCode | None = Field(
        default=None,
        description="Required when the rating differs from the draft: "
        + "; ".join(f"`{code}`: {label}" for code, label in REASON_LABELS.items())
        + ".",
    )
    note: str | None = Field(
        default=None,
        max_length=4000,
        description="Required with a reason: what the person weighed that the rules did not.",
    )
    evidence: tuple[EvidenceId, ...] = Field(
        default=(),
        max_length=MAX_CITED,
        description="Ids of the review's evidence items this decision rests on; the audit "
        "reads its citations here.",
        examples=[["visit-2025-10"]],
    )

    @model_validator(mode="after")
    def _note_with_reason(self) -> DecisionCreate:
        if self.reason is not None and not self.note:
            raise ValueError("a reason needs a note saying what was weighed")
        return self


class FinalDecision(Frozen):
    """A person's final rating on a decision record; a correction points at the one it replaces."""

    id: str
    record: str = Field(description="The decision record (draft) this decides.")
    rating: Slug
    rating_label: str
    draft_rating: Slug | None = Field(description="The draft's rating, None for a status.")
    differs: bool
    reason: RecordedReasonCode | None
    note: str | None
    evidence: tuple[str, ...] | None = Field(
        description="The review's evidence ids the decision cites; null on a decision recorded "
        "before decisions cited evidence (its note may name ids)."
    )
    decided_at: dt.datetime
    decided_by: str = Field(description="Id of the API key that recorded it.")
    supersedes: str | None = Field(description="The earlier final decision this corrects.")


class StoredRecord(Frozen):
    """An immutable decision record: the sealed draft, its input, and any final decisions."""

    id: str = Field(description="The decision id, returned when the draft was created.")
    created_at: dt.datetime
    created_by: str = Field(description="Id of the API key that created it.")
    supersedes: str | None = Field(description="The earlier record this one corrects.")
    superseded_by: tuple[str, ...] = Field(description="Later records that correct this one.")
    ruleset: DottedId
    ruleset_hash: str
    input_hash: str
    engine_version: str
    evaluated_at: dt.datetime
    review: Review
    recommendation: Recommendation
    decisions: tuple[FinalDecision, ...] = Field(description="Oldest first; the last one stands.")


class RecordSummary(Frozen):
    """One line of a listing of decision records."""

    id: str
    created_at: dt.datetime
    created_by: str = Field(description="Id of the API key that created it (its appraiser).")
    subject: str
    framework: Slug
    stage: Slug | None = Field(description="The review's career stage, if it names one.")
    ruleset: DottedId
    cycle_start: dt.date
    cycle_end: dt.date
    outcome: str
    rating: Slug | None
    final_rating: Slug | None = Field(description="The standing final decision, if any.")


class Difference(Frozen):
    """One place where two results differ, as a dotted path with both values."""

    path: str
    sealed: Any
    replayed: Any


class Replay(Frozen):
    """A stored input evaluated again; ``same`` when nothing but the seal's time differs."""

    record: str
    sealed_ruleset_hash: str
    replayed_ruleset: DottedId
    replayed_ruleset_hash: str
    same: bool
    differences: tuple[Difference, ...]
    recommendation: Recommendation


class FrameworkSummary(Frozen):
    """A framework in the catalogue, with the counts a person checks first."""

    id: Slug
    title: str
    stages: tuple[Slug, ...]
    standards: int
    statements: int
    scale: tuple[Slug, ...]


class RuleSetSummary(Frozen):
    """A rule set under rules/, with the content hash a decision would be sealed with."""

    id: DottedId
    framework: Slug
    version: str
    title: str
    content_hash: str
    rules: int


class RuleSetDetail(RuleSetSummary):
    """A rule set with its parameters (defaults and reasons) and the full checked document."""

    parameters: dict[str, Parameter]
    ruleset: RuleSet


class KeyCreate(Frozen):
    """A request for a new API key."""

    role: Role
    name: str = Field(
        min_length=1,
        max_length=200,
        # Surrounding whitespace is stripped: a name of spaces or line breaks alone is empty, and
        # the pattern says so in the schema too.
        pattern=r"\S",
        description="Who or what will use it (surrounding whitespace is dropped).",
    )


class KeyInfo(Frozen):
    """An API key as stored: never the key itself, only its hash is kept."""

    id: str
    name: str
    role: Role
    prefix: str = Field(description="The key's first characters, to tell keys apart.")
    created_at: dt.datetime
    revoked_at: dt.datetime | None


class KeyCreated(KeyInfo):
    """A new key; ``key`` is shown this once and cannot be read back."""

    key: str


class AuditCreate(Frozen):
    """An audit over the stored decisions: which ones, under which rule sets, with what tests."""

    cycle: dt.date | None = Field(
        default=None,
        description="Only records whose review cycle contains this date (default: every record).",
        examples=["2026-03-01"],
    )
    framework: Slug | None = Field(default=None, description="Only records of this framework.")
    ruleset: DottedId | None = Field(
        default=None, description="Draft with this rule set (default: each review's own)."
    )
    compare_ruleset: DottedId | None = Field(
        default=None, description="What-if: also draft with this rule set and list the changes."
    )
    monitoring: dict[str, Monitoring] = Field(
        default_factory=dict,
        description="Equality-monitoring fields by subject id. Kept with the audit request only: "
        "decision records never hold them.",
    )
    alpha: float = Field(default=0.05, gt=0, lt=1, description="Significance of every test.")
    min_cases: int = Field(default=10, ge=1, description="Below this, no appraiser judgement.")
    suppress_below: int = Field(default=5, ge=1, description="Group cells under this are hidden.")


class StoredAudit(Frozen):
    """An audit as stored: who ran it, over what, and the report."""

    id: str
    created_at: dt.datetime
    created_by: str = Field(description="Id of the API key that ran it.")
    request: AuditCreate
    cases: int = Field(description="Decided records audited (the standing record of each case).")
    undecided: int = Field(description="Standing records left out: no final rating recorded yet.")
    report: AuditReport


class AuditSummary(Frozen):
    """One line of the list of audits: what it covered and its headline counts."""

    id: str
    created_at: dt.datetime
    created_by: str = Field(description="Id of the API key that ran it.")
    cycle: dt.date | None = Field(description="The date the audit's cycle contains, if one.")
    framework: Slug | None
    cases: int = Field(description="Decided records audited.")
    undecided: int
    monitored: int = Field(description="Teachers with equality-monitoring fields sent.")
    overrides: int = Field(description="Finals that differ from a rated draft.")
    flags: int = Field(description="Flags raised, every check together.")


class InputProblem(Frozen):
    """One problem of a request: where (field path, and line and column in the body when it has
    them), a stable code, and what to do."""

    path: str = Field(description="e.g. 'evidence[2].tags[0].statement'; '' for the whole body.")
    code: str = Field(description="e.g. 'unknown-statement', 'wrong-type', 'missing-field'.")
    message: str
    line: int | None = Field(description="1-based, in the body as sent; null when not located.")
    column: int | None


class Problem(Frozen):
    """Every error answer, as RFC 9457 problem details (``application/problem+json``)."""

    type: str = Field(default="about:blank", description="'about:blank': the status says it.")
    title: str = Field(description="The status's phrase, e.g. 'Unprocessable Content'.")
    status: int
    detail: str = Field(description="What went wrong, in words, and what to do.")
    errors: tuple[InputProblem, ...] | None = Field(
        default=None,
        description="422 only: the problems of the request, sorted by place: every one, or "
        "the first 100 when it has more.",
    )
    count: int | None = Field(
        default=None,
        description="422 only: how many problems the request has; more than errors lists when "
        "it has over 100.",
    )
