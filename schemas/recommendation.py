"""What the engine returns: a draft result, why, the trace, the ledger, next steps, the seal."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from schemas._base import DottedId, Frozen, Slug
from schemas.review import EvidenceItem, Objective

__all__ = [
    "Case",
    "Cause",
    "Change",
    "CitedStatement",
    "Comparison",
    "DecisionRecord",
    "ExcludedEvidence",
    "Firing",
    "LedgerRow",
    "NextSteps",
    "ParameterUsed",
    "Proposal",
    "RationaleLine",
    "Recommendation",
    "Trace",
]

Outcome = Literal["rated", "insufficient_evidence", "needs_human_review"]
Scalar = bool | int | float | str


class Firing(Frozen):
    """One rule firing: which rule, what it did, and the facts it matched (alias → fact)."""

    seq: int
    rule: DottedId
    action: str = Field(description="e.g. 'propose achieved', 'status needs_human_review'.")
    matched: dict[str, dict[str, Any]]


class Trace(Frozen):
    """Every firing in order, stamped with the engine and rule-set versions."""

    engine_version: str
    ruleset: DottedId
    ruleset_hash: str
    firings: tuple[Firing, ...]


class Proposal(Frozen):
    """A rating or status some rule proposed, with its reason filled in."""

    rule: DottedId
    outcome: str
    reason: str
    evidence: tuple[str, ...] = ()


class Comparison(Frozen):
    """A figure of the case held to a threshold of the rule set, named by its parameter."""

    fact: str = Field(description="The fact type compared, e.g. 'coverage' or 'ledger'.")
    field: str
    label: str = Field(description="The field in words, e.g. 'standards with concerns'.")
    figure: Scalar
    operator: str
    threshold: Scalar
    parameter: str
    percent: bool = Field(default=False, description="Figure and threshold are ratios.")
    text: str = Field(description="e.g. 'standards with concerns 3, above the 1 allowed'.")


class Cause(Frozen):
    """A rule whose firing led to the outcome, directly or through the conclusions it asserted.

    ``depth`` 0 proposed the outcome; depth 1 concluded a fact a depth-0 rule matched, and so on.
    ``text`` is the whole line as every rendering shows it: the rule's reason, then the
    thresholds it was held to; ``details`` name what lies behind the figures (the objectives not
    met, the statements with concerns), in the framework's and the review's words.
    """

    rule: DottedId
    depth: int = Field(ge=0)
    concluded: Slug | None = Field(description="The conclusion it asserted, if any.")
    text: str
    comparisons: tuple[Comparison, ...] = ()
    details: tuple[str, ...] = ()
    statements: tuple[DottedId, ...] = ()
    evidence: tuple[str, ...] = ()


class RationaleLine(Frozen):
    """A sentence of the rationale, citing the rule, statements and evidence behind it."""

    text: str
    rule: DottedId | None = None
    statements: tuple[DottedId, ...] = ()
    evidence: tuple[str, ...] = ()


class ExcludedEvidence(Frozen):
    """An evidence item that was not used, and why."""

    id: str
    date: dt.date
    reason: str


class CitedStatement(Frozen):
    """A statement the draft cites, in the framework's words, with where it sits in the tree."""

    text: str
    standard: str = Field(description="e.g. 'Standard 4 (Plan and teach well-structured lessons)'.")
    unit: str = Field(description="The node it sits under, e.g. '4.1 Impart knowledge and …'.")


class LedgerRow(Frozen):
    """One stage of the cumulative requirement: modality required, statements met of total.

    ``units``, ``units_met`` and ``held_to`` are filled in when the draft is explained (``None``
    and empty in the facts, and in records drafted before they existed); the words, standard and
    node of each missing statement are in ``Recommendation.statements``.
    """

    stage: Slug
    label: str
    modality: Slug
    required: int
    met: int
    missing: tuple[DottedId, ...] = ()
    units: int | None = Field(default=None, description="Nodes holding the stage's statements.")
    units_met: int | None = None
    held_to: tuple[Comparison, ...] = Field(
        default=(), description="The thresholds the rules hold this stage to, with its figures."
    )


class ParameterUsed(Frozen):
    """A parameter of the rule set that decided this draft: its value and the reason for it."""

    name: str
    value: Scalar
    reason: str


class Case(Frozen):
    """What the meeting page shows of the review: the cycle, who appraised, objectives, evidence."""

    appraiser: str
    cycle_start: dt.date
    cycle_end: dt.date
    objectives: tuple[Objective, ...] = ()
    evidence: tuple[EvidenceItem, ...] = ()


class Change(Frozen):
    """One change in the next steps: evidence a statement at a modality, or improve an objective."""

    kind: Literal["evidence-statement", "resolve-concern", "objective-outcome", "more-evidence"]
    text: str = Field(description="The change in words, using the framework's own statement text.")
    statement: DottedId | None = None
    modality: Slug | None = None
    objective: DottedId | None = None
    outcome: str | None = None
    evidence_kind: str | None = None


class NextSteps(Frozen):
    """The smallest set of changes the engine itself confirmed would reach the target band."""

    target: str | None
    confirmed: bool
    changes: tuple[Change, ...] = ()
    note: str


class DecisionRecord(Frozen):
    """The seal that lets a result be replayed: rule set, input, engine version, time."""

    ruleset: DottedId
    ruleset_hash: str
    input_hash: str
    engine_version: str
    evaluated_at: dt.datetime


class Recommendation(Frozen):
    """A draft for a person to decide on: a rating on the scale or an explicit status, and why."""

    framework: Slug
    ruleset: DottedId
    subject: str
    stage: Slug | None
    outcome: Outcome
    rating: Slug | None = Field(description="A level of the draft's scale when rated.")
    rating_label: str | None
    purpose: str = Field(description="e.g. 'pay-recommendation' or 'induction-progress'.")
    scale: Slug | None = Field(
        default=None,
        description="The rule set's scale the draft is on, e.g. 'induction' for an ECT; "
        "None: the framework's own scale.",
    )
    summary: str
    decided_by: tuple[DottedId, ...] = Field(description="Rules whose proposal won.")
    proposals: tuple[Proposal, ...]
    rationale: tuple[RationaleLine, ...]
    excluded_evidence: tuple[ExcludedEvidence, ...]
    ledger: tuple[LedgerRow, ...]
    next_steps: NextSteps
    trace: Trace
    record: DecisionRecord
    # Added for issue 13; the defaults keep records stored before then readable.
    causes: tuple[Cause, ...] = Field(
        default=(), description="Every rule behind the outcome, through its conclusions, once."
    )
    statements: dict[str, CitedStatement] = Field(
        default_factory=dict,
        description="Every statement the draft or its meeting page cites, in the framework's words",
    )
    parameters: tuple[ParameterUsed, ...] = Field(
        default=(), description="The rule-set parameters the causes and the ledger were held to."
    )
    case: Case | None = Field(default=None, description="The review's side of the meeting page.")
