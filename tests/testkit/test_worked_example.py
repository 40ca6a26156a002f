"""Our school's own properties of its Hampshire rule set (the worked example of
docs/testing-rulesets.md, which quotes this file whole)."""

from hypothesis import given

from engine import Evaluator, RuleSets, compile_ruleset
from engine.testing import Checker, Probe, probes, reviews
from schemas.review import Review

RULESETS = RuleSets()
HAMPSHIRE = Evaluator(RULESETS.compiled("hampshire"))


@given(reviews(HAMPSHIRE.framework, conduct=True))
def test_a_conduct_concern_always_goes_to_a_person(review: Review) -> None:
    assert HAMPSHIRE.decide(review).outcome == "needs_human_review"


@given(reviews(HAMPSHIRE.framework, stage="mpr", evidence="rich", conduct=False))
def test_rich_evidence_is_never_called_insufficient(review: Review) -> None:
    assert HAMPSHIRE.decide(review).outcome != "insufficient_evidence"


# We are thinking of asking for six evidence items instead of four: do the invariants still hold?
STRICTER = Checker(
    Evaluator(
        compile_ruleset(RULESETS.load("hampshire"), HAMPSHIRE.framework, {"min_evidence_items": 6})
    )
)


@given(probes("monotonicity", STRICTER.framework))
def test_monotonicity_holds_with_six_items(probe: Probe) -> None:
    assert STRICTER.check("monotonicity", probe) is None
