"""Property: every valid review yields a rating on the scale or an explicit status."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalogue import Catalogue
from engine.explain import recommend
from engine.rulesets import RuleSets
from schemas.framework import Framework
from schemas.review import (
    ABSENCE_TYPES,
    EVIDENCE_KINDS,
    AbsencePeriod,
    Circumstances,
    Conduct,
    EvidenceItem,
    Objective,
    Review,
    Tag,
)

CATALOGUE = Catalogue()
RULESETS = RuleSets(CATALOGUE)
START, END = dt.date(2025, 9, 1), dt.date(2026, 7, 31)
OUTCOMES = ("exceeded", "met", "partially-met", "not-met", "not-assessed")


@st.composite
def reviews(draw: st.DrawFn, framework: Framework) -> Review:
    """Valid reviews for a framework, from empty to rich, with any circumstances."""
    statements = [s.id for s in framework.statements]
    modalities = [m.id for m in framework.modalities.levels]
    dates = st.dates(START - dt.timedelta(days=60), END + dt.timedelta(days=60))
    tags = st.builds(
        Tag,
        statement=st.sampled_from(statements),
        modality=st.sampled_from(modalities),
        polarity=st.sampled_from(("strength", "strength", "concern")),
    )
    n = draw(st.integers(0, 8))
    evidence = tuple(
        EvidenceItem(
            id=f"e{i}",
            kind=draw(st.sampled_from(EVIDENCE_KINDS)),
            date=draw(dates),
            recorded_by=draw(st.sampled_from(("a-01", "a-02"))),
            tags=tuple(draw(st.lists(tags, max_size=40))),
        )
        for i in range(n)
    )
    objectives = tuple(
        Objective(id=f"o{i}", text="objective", outcome=draw(st.sampled_from(OUTCOMES)))
        for i in range(draw(st.integers(0, 4)))
    )
    start = draw(st.dates(START, END))
    absences = tuple(
        AbsencePeriod(type=t, start=start, end=start + dt.timedelta(days=draw(st.integers(0, 200))))
        for t in draw(st.lists(st.sampled_from(ABSENCE_TYPES), max_size=2))
    )
    return Review(
        framework=framework.id,
        subject="t-1",
        appraiser="a-01",
        cycle_start=START,
        cycle_end=END,
        stage=draw(st.sampled_from([s.id for s in framework.stages])) if framework.stages else None,
        evidence=evidence,
        objectives=objectives,
        circumstances=Circumstances(
            absences=absences,
            in_capability=draw(st.booleans()),
            part_time_fraction=draw(st.sampled_from((1.0, 0.6))),
        ),
        conduct=Conduct(concern=draw(st.booleans())),
    )


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_every_review_gets_a_rating_or_an_explicit_status(data: st.DataObject) -> None:
    ruleset_id = data.draw(st.sampled_from(sorted(RULESETS.paths)))
    framework = RULESETS.compiled(ruleset_id).framework
    review = data.draw(reviews(framework))
    rec = recommend(RULESETS.evaluator(review, ruleset_id), review, next_steps=False)
    scale = [level.id for level in framework.scale.levels]
    if rec.outcome == "rated":
        assert rec.rating in scale
    else:
        assert rec.rating is None and rec.outcome in ("insufficient_evidence", "needs_human_review")
        assert rec.summary and rec.rationale
    assert all(p.rule in {f.rule for f in rec.trace.firings} for p in rec.proposals)
