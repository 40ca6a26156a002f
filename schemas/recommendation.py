"""What the engine returns: a draft result, why, the trace, the ledger, next steps, the seal."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import Field

from schemas._base import DottedId, Frozen, Slug

__all__ = [
    "Change",
    "DecisionRecord",
    "ExcludedEvidence",
    "Firing",
    "LedgerRow",
    "NextSteps",
    "Proposal",
    "RationaleLine",
    "Recommendation",
    "Trace",
]

Outcome = Literal["rated", "insufficient_evidence", "needs_human_review"]


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


class LedgerRow(Frozen):
    """One stage of the cumulative requirement: modality required, statements met of total."""

    stage: Slug
    label: str
    modality: Slug
    required: int
    met: int
    missing: tuple[DottedId, ...] = ()


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
