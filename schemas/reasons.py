"""Why a final rating differs from the draft: one vocabulary for the API, the cohort files, the
demo cohort and the audit, so HR can count the same codes wherever a decision was recorded."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BeforeValidator

__all__ = [
    "LEGACY_REASON_CODES",
    "REASON_CODES",
    "REASON_LABELS",
    "ReasonCode",
    "RecordedReasonCode",
    "current_reason_code",
]

ReasonCode = Literal[
    "additional-evidence",
    "evidence-weighting",
    "circumstances",
    "capability",
    "conduct",
    "moderation",
    "data-correction",
    "rule-set-gap",
    "other",
]
REASON_CODES: tuple[ReasonCode, ...] = ReasonCode.__args__  # type: ignore[attr-defined]

REASON_LABELS: dict[ReasonCode, str] = {
    "additional-evidence": "Evidence the draft did not include was considered",
    "evidence-weighting": "The evidence was weighed differently from the rules",
    "circumstances": "The teacher's circumstances in the year, such as absence",
    "capability": "The outcome of a capability process",
    "conduct": "A conduct concern was taken into account",
    "moderation": "Moderation with other appraisers or schools",
    "data-correction": "The review's data was wrong and has been corrected",
    "rule-set-gap": "The rules do not cover this case",
    "other": "Another reason, given in the note",
}
"""Each code in plain English, as a form or a report shows it; in the vocabulary's order."""

LEGACY_REASON_CODES: dict[str, ReasonCode] = {
    "context-of-year": "circumstances",
    "judged-period-worked": "circumstances",
    "capability-outcome": "capability",
    "conduct-considered": "conduct",
    "evidence-reviewed-in-meeting": "additional-evidence",
    "moderation-adjustment": "moderation",
    "evidence-reweighed": "evidence-weighting",
    "appraiser-judgement": "evidence-weighting",
}
"""Codes cohort files (the demo cohort's, before the vocabulary was shared) may still hold, and
the code each is read as. The one place old codes are mapped; a stored value is never changed."""


def current_reason_code(value: object) -> object:
    """A legacy code as its code in the vocabulary; anything else unchanged (then validated)."""
    if isinstance(value, str):
        return LEGACY_REASON_CODES.get(value.strip(), value)
    return value


RecordedReasonCode = Annotated[ReasonCode, BeforeValidator(current_reason_code)]
"""A reason code as read from a record or a cohort file: a legacy code is read as its current
one. New decisions take ``ReasonCode`` itself, so the API offers the vocabulary only."""
