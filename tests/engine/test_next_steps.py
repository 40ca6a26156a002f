"""Next steps: every set of changes the search tries is applied and evaluated once per draft,
and the set it publishes is one the engine evaluated as reaching the target."""

from __future__ import annotations

from collections.abc import Sequence
from unittest import mock

from hypothesis import given
from hypothesis import strategies as st

import engine.recommend.next_steps
from engine.decide.evaluate import Evaluator
from engine.decide.rulesets import RuleSets
from engine.recommend.changes import apply_changes
from engine.recommend.next_steps import propose_next_steps
from engine.testing.strategies import reviews
from schemas.recommendation import Change
from schemas.review import Review

EVALUATOR = Evaluator(RuleSets().compiled("hampshire"))
BELOW_EXPECTED = st.sampled_from(["thin", "mixed", "poor"]).flatmap(
    lambda bias: reviews(EVALUATOR.framework, stage="mpr", evidence=bias)
)


@given(BELOW_EXPECTED)
def test_each_set_of_changes_is_evaluated_once_and_the_published_set_reached_the_target(
    review: Review,
) -> None:
    decision = EVALUATOR.decide(review)
    applied: list[tuple[Change, ...]] = []
    reached: dict[tuple[Change, ...], bool] = {}

    def applying(review: Review, changes: Sequence[Change]) -> Review:
        applied.append(tuple(changes))
        return apply_changes(review, changes)

    with mock.patch.object(engine.recommend.next_steps, "apply_changes", applying):
        steps = propose_next_steps(EVALUATOR, review, decision)
    assert len(set(applied)) == len(applied)
    for changes in applied:
        after = EVALUATOR.decide(apply_changes(review, changes))
        reached[changes] = steps.target is not None and after.rank(EVALUATOR.scale) >= (
            EVALUATOR.scale.index(steps.target)
        )
    if steps.changes:
        assert steps.confirmed and reached[steps.changes]
    else:
        assert not steps.confirmed or steps.target is None
