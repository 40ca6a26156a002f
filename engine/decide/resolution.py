"""Resolution: the rule set's proposals for one case, narrowed to the one outcome that wins."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from schemas.recommendation import Proposal
from schemas.ruleset import Resolution, Rule

__all__ = ["NO_PROPOSAL", "resolve"]

NO_PROPOSAL = "No rule proposed a result, so a person must decide."
"""The rationale when no rule proposed anything: the case resolves to needs_human_review."""


def resolve(
    proposals: tuple[Proposal, ...],
    resolution: Resolution,
    rule: Callable[[str], Rule],
    order: Sequence[str] | None = None,
) -> str:
    """The winning outcome: under ``priority`` only the highest-priority proposals (lowest
    number) compete; the first outcome in ``order`` (default ``resolution.order``; a stage with
    its own scale gives that order carried onto it) proposed wins; none proposed is
    ``needs_human_review``."""
    if resolution.strategy == "priority" and proposals:
        first = min(rule(p.rule).priority for p in proposals)
        proposals = tuple(p for p in proposals if rule(p.rule).priority == first)
    proposed = {p.outcome for p in proposals}
    for outcome in resolution.order if order is None else order:
        if outcome in proposed:
            return outcome
    return "needs_human_review"
