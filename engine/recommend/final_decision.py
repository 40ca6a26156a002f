"""Check a person's final rating against the draft: on the draft's scale, and a reason when it
differs."""

from __future__ import annotations

from engine._validate import did_you_mean
from engine.errors import InputError
from engine.rules.scales import OutcomeScale, framework_scale, outcome_scales
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.ruleset import RuleSet
from schemas.service import REASON_CODES, DecisionCreate

__all__ = ["DECISION", "check_decision"]

DECISION = "<decision>"
"""The file name of diagnostics about a final decision."""


def check_decision(
    framework: Framework,
    draft_rating: str | None,
    decision: DecisionCreate,
    *,
    ruleset: RuleSet | None = None,
    stage: str | None = None,
) -> str:
    """The label of the final rating; ``InputError`` when it is off the draft's scale (the scale
    ``ruleset`` gives ``stage``, e.g. induction for an ECT; else the framework's), or differs from
    the draft (a status counts as differing) without a reason and a note."""
    scales = _scales(framework, ruleset)
    own = scales.get(stage, scales[None])
    if decision.rating not in own.levels:
        raise InputError([_problem("rating", "unknown-rating", _off_scale(decision, own, scales))])
    if decision.rating != draft_rating and (decision.reason is None or not decision.note):
        draft = repr(draft_rating) if draft_rating else "a status, not a rating"
        message = (
            f"reason: the final rating {decision.rating!r} differs from the draft ({draft}); "
            f"give a reason (one of {', '.join(REASON_CODES)}) and a note"
        )
        raise InputError([_problem("reason", "missing-reason", message)])
    return own.labels[decision.rating]


def _scales(framework: Framework, ruleset: RuleSet | None) -> dict[str | None, OutcomeScale]:
    """The rule set's scales by stage; without a rule set, the framework's scale only."""
    if ruleset is None:
        return {None: framework_scale(framework)}
    return outcome_scales(ruleset, framework)


def _off_scale(
    decision: DecisionCreate, own: OutcomeScale, scales: dict[str | None, OutcomeScale]
) -> str:
    """Why the rating is refused: on another scale than the draft's, or on none."""
    where = f"the {own.title} scale"
    other = next((s for s in scales.values() if decision.rating in s.levels), None)
    if other is not None:
        return (
            f"rating: {decision.rating!r} is on the {other.title} scale, but this draft is on "
            f"{where}: give one of {', '.join(own.levels)}"
        )
    hint = did_you_mean(decision.rating, own.levels)
    return (
        f"rating: {decision.rating!r} is not on {where}{hint}; give one of {', '.join(own.levels)}"
    )


def _problem(path: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(file=DECISION, line=0, column=0, code=code, message=message, path=path)
