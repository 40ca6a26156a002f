"""Check a person's final rating against the draft: on the draft's scale, a reason when it
differs, and evidence cited from the review's own items."""

from __future__ import annotations

from collections.abc import Sequence

from engine._validate import did_you_mean
from engine.errors import InputError
from engine.rules.scales import OutcomeScale, framework_scale, outcome_scales
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.reasons import REASON_CODES
from schemas.ruleset import RuleSet
from schemas.service import DecisionCreate

__all__ = ["DECISION", "check_decision", "decision_scale"]

DECISION = "<decision>"
"""The file name of diagnostics about a final decision."""


def check_decision(
    framework: Framework,
    draft_rating: str | None,
    decision: DecisionCreate,
    *,
    ruleset: RuleSet | None = None,
    stage: str | None = None,
    known_evidence: Sequence[str] = (),
) -> str:
    """The label of the final rating; ``InputError`` with every problem found when it is off the
    draft's scale (the scale ``ruleset`` gives ``stage``, e.g. induction for an ECT; else the
    framework's), differs from the draft (a status counts as differing) without a reason and a
    note, or cites evidence other than the review's items (``known_evidence``, their ids)."""
    scales = _scales(framework, ruleset)
    own = _stage_scale(scales, stage)
    problems = _cited_problems(decision.evidence, known_evidence)
    if decision.rating not in own.levels:
        off = _off_scale(decision, own, scales)
        raise InputError([_problem("rating", "unknown-rating", off), *problems])
    if decision.rating != draft_rating and (decision.reason is None or not decision.note):
        draft = repr(draft_rating) if draft_rating else "a status, not a rating"
        message = (
            f"reason: the final rating {decision.rating!r} differs from the draft ({draft}); "
            f"give a reason (one of {', '.join(REASON_CODES)}) and a note"
        )
        problems.insert(0, _problem("reason", "missing-reason", message))
    if problems:
        raise InputError(problems)
    return own.labels[decision.rating]


def decision_scale(
    framework: Framework, ruleset: RuleSet | None = None, stage: str | None = None
) -> OutcomeScale:
    """The scale a final rating of this draft is given on: the one ``check_decision`` holds it
    to (a form offers its levels)."""
    return _stage_scale(_scales(framework, ruleset), stage)


def _stage_scale(scales: dict[str | None, OutcomeScale], stage: str | None) -> OutcomeScale:
    return scales.get(stage, scales[None])


LISTED = 20
"""The most of the review's evidence ids an unknown-evidence message lists."""


def _cited_problems(cited: Sequence[str], known: Sequence[str]) -> list[Diagnostic]:
    """One problem per cited id that is not an evidence item of the review, or cited twice."""
    problems: list[Diagnostic] = []
    seen: set[str] = set()
    ids = set(known)
    for index, item in enumerate(cited):
        path = f"evidence[{index}]"
        if item in seen:
            message = f"{path}: {item!r} is cited twice; cite each evidence item once"
            problems.append(_problem(path, "duplicate-evidence", message))
        elif item not in ids:
            # A did-you-mean looks through every known id: only the first few get one.
            hint = did_you_mean(item, known) if len(problems) < LISTED else ""
            message = _not_in_review(path, item, hint, known)
            problems.append(_problem(path, "unknown-evidence", message))
        seen.add(item)
    return problems


def _not_in_review(path: str, item: str, hint: str, known: Sequence[str]) -> str:
    if not known:
        return f"{path}: {item!r} is not an evidence item of this review, which has none"
    more = len(known) - LISTED
    listed = ", ".join(known[:LISTED]) + (f" and {more} more" if more > 0 else "")
    return f"{path}: {item!r} is not an evidence item of this review{hint}; the review has {listed}"


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
