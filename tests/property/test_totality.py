"""Property: every valid review yields a rating on its stage's scale or an explicit status."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.recommend.recommendation import recommend
from engine.testing.strategies import reviews

CATALOGUE = Catalogue()
RULESETS = RuleSets(CATALOGUE)


@settings(max_examples=60)
@given(data=st.data())
def test_every_review_gets_a_rating_or_an_explicit_status(data: st.DataObject) -> None:
    ruleset_id = data.draw(st.sampled_from(sorted(RULESETS.paths)))
    compiled = RULESETS.compiled(ruleset_id)
    review = data.draw(reviews(compiled.framework))
    rec = recommend(RULESETS.evaluator(review, ruleset_id), review, next_steps=False)
    scale = compiled.scale_for(review.stage)  # the framework's, or e.g. an ECT's induction scale
    assert rec.scale == scale.id
    if rec.outcome == "rated":
        assert rec.rating in scale.levels
    else:
        assert rec.rating is None and rec.outcome in ("insufficient_evidence", "needs_human_review")
        assert rec.summary and rec.rationale
    assert all(p.rule in {f.rule for f in rec.trace.firings} for p in rec.proposals)
