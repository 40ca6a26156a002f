"""Check a person's final rating against the draft: on the scale, and a reason when it differs."""

from __future__ import annotations

from engine._validate import did_you_mean
from engine.errors import InputError
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.service import REASON_CODES, DecisionCreate

__all__ = ["DECISION", "check_decision"]

DECISION = "<decision>"
"""The file name of diagnostics about a final decision."""


def check_decision(framework: Framework, draft_rating: str | None, decision: DecisionCreate) -> str:
    """The label of the final rating; ``InputError`` when it is off the scale, or differs from
    the draft (a status counts as differing) without a reason and a note."""
    labels = {level.id: level.label for level in framework.scale.levels}
    if decision.rating not in labels:
        hint = did_you_mean(decision.rating, labels)
        message = (
            f"rating: {decision.rating!r} is not on the {framework.id} scale{hint}; "
            f"give one of {', '.join(labels)}"
        )
        raise InputError([_problem("rating", "unknown-rating", message)])
    if decision.rating != draft_rating and (decision.reason is None or not decision.note):
        draft = repr(draft_rating) if draft_rating else "a status, not a rating"
        message = (
            f"reason: the final rating {decision.rating!r} differs from the draft ({draft}); "
            f"give a reason (one of {', '.join(REASON_CODES)}) and a note"
        )
        raise InputError([_problem("reason", "missing-reason", message)])
    return labels[decision.rating]


def _problem(path: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(file=DECISION, line=0, column=0, code=code, message=message, path=path)
