"""Next steps as a person applies them: each ``Change`` read from its own fields, nothing else.

``engine.next_steps`` searches and confirms its steps with this reading, and next-step
soundness (``engine.invariants``) applies the published changes with it and checks they reach
the band they promise: what is confirmed is what a person would do.
"""

from __future__ import annotations

from collections.abc import Sequence

from schemas.recommendation import Change
from schemas.review import EvidenceItem, Review

__all__ = ["NEXT_STEP_KINDS", "apply_changes"]

NEXT_STEP_KINDS = ("lesson-observation", "pupil-progress-data", "pupil-views")
"""The sources the n-th statement to evidence comes from, in turn, when a change names none."""


def apply_changes(review: Review, changes: Sequence[Change]) -> Review:
    """``review`` after a person applies next steps: each change read from its own fields.

    Evidence the steps ask for is recorded by the review's appraiser at the end of the cycle;
    a statement to evidence comes, change by change, from a lesson observation, progress data
    and pupil views in turn (the sources the engine's next steps assume).
    """
    for n, change in enumerate(changes):
        review = _apply_change(review, change, n)
    return review


def _apply_change(review: Review, change: Change, n: int) -> Review:
    if change.kind == "objective-outcome":
        goals = tuple(
            o.model_copy(update={"outcome": change.outcome}) if o.id == change.objective else o
            for o in review.objectives
        )
        return review.model_copy(update={"objectives": goals})
    if change.kind == "resolve-concern":
        evidence = tuple(
            e.model_copy(
                update={
                    "tags": tuple(
                        t
                        for t in e.tags
                        if t.statement != change.statement or t.polarity == "strength"
                    )
                }
            )
            for e in review.evidence
        )
        return review.model_copy(update={"evidence": evidence})
    tags_ = (
        [{"statement": change.statement, "modality": change.modality}] if change.statement else []
    )
    item = EvidenceItem.model_validate(
        {
            "id": f"next-step-{n + 1}",
            "kind": change.evidence_kind or NEXT_STEP_KINDS[n % len(NEXT_STEP_KINDS)],
            "date": review.cycle_end,
            "recorded_by": review.appraiser,
            "tags": tags_,
        }
    )
    return review.model_copy(update={"evidence": (*review.evidence, item)})
