"""Next steps as a person applies them: each ``Change`` read from its own fields, nothing else.

``engine.recommend.next_steps`` searches and confirms its steps with this reading, and next-step
soundness (``engine.testing.invariants``) applies the published changes with it and checks
they reach the band they promise: what is confirmed is what a person would do.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Sequence

from schemas.recommendation import Change
from schemas.review import EvidenceItem, Objective, Review, Tag

__all__ = ["NEXT_STEP_KINDS", "apply_changes"]

NEXT_STEP_KINDS = ("lesson-observation", "pupil-progress-data", "pupil-views")
"""The sources the n-th statement to evidence comes from, in turn, when a change names none."""


def apply_changes(review: Review, changes: Sequence[Change]) -> Review:
    """``review`` after a person applies next steps: each change read from its own fields.

    An objective takes the outcome of the last change that names it; a resolved concern is
    dropped from every item (strengths stay); evidence the steps ask for is recorded by the
    review's appraiser at the end of the cycle, and a statement to evidence comes, change by
    change, from a lesson observation, progress data and pupil views in turn (the sources the
    engine's next steps assume).
    """
    outcomes: dict[str | None, str | None] = {}  # objective id → its new outcome
    resolved: set[str | None] = set()  # statements whose concerns are resolved
    added: list[EvidenceItem] = []
    for n, change in enumerate(changes):
        if change.kind == "objective-outcome":
            outcomes[change.objective] = change.outcome
        elif change.kind == "resolve-concern":
            resolved.add(change.statement)
        else:
            added.append(_recorded(review, change, n))
    update: dict[str, object] = {}
    if outcomes:
        update["objectives"] = tuple(_with_outcome(o, outcomes) for o in review.objectives)
    if resolved or added:
        # Items the steps add show strengths only, so resolving a concern never touches them.
        kept = _without_concerns(review.evidence, resolved) if resolved else review.evidence
        update["evidence"] = (*kept, *added)
    return review.model_copy(update=update) if update else review


def _with_outcome(objective: Objective, outcomes: dict[str | None, str | None]) -> Objective:
    if objective.id not in outcomes:
        return objective
    return objective.model_copy(update={"outcome": outcomes[objective.id]})


def _without_concerns(
    evidence: tuple[EvidenceItem, ...], resolved: set[str | None]
) -> tuple[EvidenceItem, ...]:
    """The items with every concern on a resolved statement dropped; untouched items as they are."""
    items = list(evidence)
    for i, item in enumerate(items):
        for tag in item.tags:
            if _drops(tag, resolved):
                kept = tuple(t for t in item.tags if not _drops(t, resolved))
                items[i] = item.model_copy(update={"tags": kept})
                break
    return tuple(items)


def _drops(tag: Tag, resolved: set[str | None]) -> bool:
    return tag.statement in resolved and tag.polarity != "strength"


def _recorded(review: Review, change: Change, n: int) -> EvidenceItem:
    """The evidence item the ``n``-th change asks for, as the review's appraiser records it."""
    kind = change.evidence_kind or NEXT_STEP_KINDS[n % len(NEXT_STEP_KINDS)]
    return _item(n, kind, review.cycle_end, review.appraiser, change.statement, change.modality)


@functools.lru_cache(maxsize=1024)
def _item(
    n: int, kind: str, date: dt.date, recorded_by: str, statement: str | None, modality: str | None
) -> EvidenceItem:
    """One recorded item, validated once and then shared: it is frozen, and keyed by everything
    it is built from (the search applies the same steps at the same positions many times)."""
    tags_ = [{"statement": statement, "modality": modality}] if statement else []
    return EvidenceItem.model_validate(
        {
            "id": f"next-step-{n + 1}",
            "kind": kind,
            "date": date,
            "recorded_by": recorded_by,
            "tags": tags_,
        }
    )
