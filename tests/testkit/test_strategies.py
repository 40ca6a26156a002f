"""The public strategies: valid by construction, options checked, every result reachable."""

from __future__ import annotations

import random
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.decide.rulesets import RuleSets
from engine.review.load import validate_review
from engine.testing.strategies import (
    absences,
    circumstances,
    evidence_items,
    objectives,
    reviews,
    tags,
)
from schemas.review import PROTECTED_ABSENCE, Review
from schemas.ruleset import STATUSES

CATALOGUE = Catalogue()
RULESETS = RuleSets(CATALOGUE)
HAMPSHIRE = CATALOGUE["hampshire"]
SEARCH = settings(
    max_examples=400,
    database=None,
    deadline=None,
    phases=(Phase.generate,),
    suppress_health_check=list(HealthCheck),
)


@given(data=st.data())
def test_drawn_reviews_are_valid_for_their_framework(data: st.DataObject) -> None:
    framework = CATALOGUE[data.draw(st.sampled_from(sorted(CATALOGUE)))]
    review = data.draw(reviews(framework))
    validate_review(framework, review)
    assert len({e.id for e in review.evidence}) == len(review.evidence)
    assert len({o.id for o in review.objectives}) == len(review.objectives)


@given(reviews(HAMPSHIRE, stage="upr1", evidence="rich", outcomes=["exceeded"], conduct=False))
def test_options_fix_what_they_name(review: Review) -> None:
    assert review.stage == "upr1" and not review.conduct.concern
    assert all(o.outcome == "exceeded" for o in review.objectives)
    assert all(review.cycle_start <= e.date <= review.cycle_end for e in review.evidence)
    kinds = {e.kind for e in review.evidence}
    assert {"lesson-observation", "learning-walk", "work-scrutiny"} & kinds


@given(st.lists(evidence_items(HAMPSHIRE, stage="mpr"), unique_by=lambda e: e.id, max_size=4))
def test_evidence_items_compose_into_a_valid_review(items: list[Any]) -> None:
    review = Review(
        framework="hampshire",
        subject="t-1",
        appraiser="a-1",
        cycle_start="2025-09-01",  # type: ignore[arg-type]
        cycle_end="2026-07-31",  # type: ignore[arg-type]
        stage="mpr",
        evidence=tuple(items),
    )
    validate_review(HAMPSHIRE, review)


@given(
    tags(HAMPSHIRE, stage="ect1", polarity="concern"),
    objectives(HAMPSHIRE, outcomes=["met"], evidence=["e1"]),
    circumstances(absence_types=sorted(PROTECTED_ABSENCE), capability=False),
    absences(types=["sickness"]),
)
def test_small_strategies_respect_their_options(tag: Any, goal: Any, year: Any, gap: Any) -> None:
    assert tag.polarity == "concern"
    assert goal.outcome == "met" and set(goal.evidence) <= {"e1"}
    assert not year.in_capability and all(a.type in PROTECTED_ABSENCE for a in year.absences)
    assert gap.type == "sickness"


@pytest.mark.parametrize(
    "strategy",
    [
        reviews(HAMPSHIRE, stage="nope"),
        reviews(HAMPSHIRE, evidence="plenty"),  # type: ignore[arg-type]
        reviews(HAMPSHIRE, outcomes=["smashed"]),
        reviews(CATALOGUE["hgios4"], stage="mpr"),
        tags(HAMPSHIRE, polarity="neutral"),  # type: ignore[arg-type]
        evidence_items(HAMPSHIRE, max_tags=-1),
        circumstances(absence_types=["holiday"]),
    ],
    ids=["stage", "bias", "outcome", "stageless", "polarity", "max_tags", "absence"],
)
def test_bad_options_are_reported_when_drawn(strategy: st.SearchStrategy[Any]) -> None:
    with pytest.raises(InvalidArgument):
        find(strategy, lambda _: True, settings=SEARCH)


HARD_TO_REACH: dict[tuple[str, str], dict[str, Any]] = {
    # Exceptional needs next-stage evidence across standards and sources, objectives exceeded.
    ("hampshire", "exceptional"): {"evidence": "beyond", "outcomes": ["exceeded"]},
}


def _targets() -> list[tuple[str, str]]:
    return [
        (ruleset_id, outcome)
        for ruleset_id in sorted(RULESETS.paths)
        for outcome in (*STATUSES, *Evaluator(RULESETS.compiled(ruleset_id)).scale)
    ]


@pytest.mark.parametrize(("ruleset_id", "outcome"), _targets())
def test_strategies_reach_every_rating_and_status(ruleset_id: str, outcome: str) -> None:
    evaluator = Evaluator(RULESETS.compiled(ruleset_id))
    options = HARD_TO_REACH.get((ruleset_id, outcome), {})
    found = find(
        reviews(evaluator.framework, **options),
        lambda review: evaluator.decide(review, validate=False).winner == outcome,
        settings=SEARCH,
        random=random.Random(0),
    )
    assert evaluator.decide(found).winner == outcome
