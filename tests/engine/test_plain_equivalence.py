"""The plain interpretation gives exactly durable-rules' firings, so benchmark ratios are fair."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.decide.rulesets import RuleSets
from engine.facts.derive import derive_facts
from engine.rules._durable import RawFiring
from engine.rules.plain import PlainRuleset
from engine.testing.strategies import reviews
from schemas.review import Review

RULESETS = RuleSets()
CASES = sorted(Path("rules").glob("*/cases/*.yaml"))


def firings_of(
    review: Review, ruleset_id: str | None = None
) -> tuple[list[RawFiring], list[RawFiring]]:
    """The durable-rules firings and the plain ones for the same facts."""
    compiled = RULESETS.evaluator(review, ruleset_id).compiled
    facts = list(derive_facts(compiled.framework, compiled.ruleset.facts, review).facts)
    plain = PlainRuleset(compiled.engine.rules)
    return compiled.engine.run("durable", facts), plain.run("plain", facts)


def as_multiset(firings: list[RawFiring]) -> Counter[tuple[str, str]]:
    """Each firing as (rule, matched facts): order within a priority level is durable's own."""
    return Counter((f.rule, repr(sorted(f.matched.items()))) for f in firings)


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.parent.name}/{p.stem}")
def test_golden_cases_fire_the_same_rules_on_the_same_facts(case: Path) -> None:
    review = Review.model_validate(yaml.safe_load(case.read_text(encoding="utf-8"))["review"])
    durable, plain = firings_of(review)
    assert durable, "a golden case where nothing fires proves nothing"
    assert as_multiset(plain) == as_multiset(durable)


@pytest.mark.slow  # 2,000 generated reviews through both interpreters
@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_generated_reviews_fire_the_same_rules_on_the_same_facts(data: st.DataObject) -> None:
    ruleset_id = data.draw(st.sampled_from(sorted(RULESETS.paths)))
    review = data.draw(reviews(RULESETS.compiled(ruleset_id).framework))
    durable, plain = firings_of(review, ruleset_id)
    assert as_multiset(plain) == as_multiset(durable)
    assert [f.seq for f in plain] == list(range(len(plain)))
