"""``apply_changes``: next steps read as a person applies them, change by change."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from engine.decide.rulesets import RuleSets
from engine.recommend.changes import NEXT_STEP_KINDS, apply_changes
from engine.testing.strategies import OUTCOMES, reviews
from schemas.recommendation import Change
from schemas.review import Review

FRAMEWORK = RuleSets().compiled("hampshire").framework


def _changes(draw: st.DrawFn, review: Review, *, adding: bool) -> list[Change]:
    """Changes that name the review's own statements and objectives (and some others)."""
    statements = sorted({t.statement for e in review.evidence for t in e.tags} | {"ts.1.1.ect1.1"})
    objectives = sorted({o.id for o in review.objectives} | {"o-none"})
    kinds = ["resolve-concern", "objective-outcome"] + (["evidence-statement"] * adding)
    changes = []
    for kind in draw(st.lists(st.sampled_from(kinds), max_size=8)):
        if kind == "resolve-concern":
            change = Change(kind=kind, text="t", statement=draw(st.sampled_from(statements)))
        elif kind == "objective-outcome":
            objective, outcome = draw(st.sampled_from(objectives)), draw(st.sampled_from(OUTCOMES))
            change = Change(kind=kind, text="t", objective=objective, outcome=outcome)
        else:
            statement = draw(st.sampled_from(statements))
            change = Change(kind=kind, text="t", statement=statement, modality="confidently")
        changes.append(change)
    return changes


@st.composite
def _reviews_and_changes(draw: st.DrawFn) -> tuple[Review, list[Change]]:
    review = draw(reviews(FRAMEWORK, stage="mpr", evidence="mixed"))
    return review, _changes(draw, review, adding=True)


@st.composite
def _changes_in_two_parts(draw: st.DrawFn) -> tuple[Review, list[Change], list[Change]]:
    """Changes that add evidence are numbered by their position, so only the first part adds."""
    review, first = draw(_reviews_and_changes())
    return review, first, _changes(draw, review, adding=False)


@given(_changes_in_two_parts())
def test_changes_applied_at_once_are_those_applied_one_after_the_other(
    case: tuple[Review, list[Change], list[Change]],
) -> None:
    """Later changes see the earlier ones: the last outcome named wins, resolved stays resolved."""
    review, first, then = case
    at_once = apply_changes(review, [*first, *then])
    assert at_once == apply_changes(apply_changes(review, first), then)


@given(_reviews_and_changes())
def test_each_change_is_read_from_its_own_fields(case: tuple[Review, list[Change]]) -> None:
    review, changes = case
    after = apply_changes(review, changes)
    resolved = {c.statement for c in changes if c.kind == "resolve-concern"}
    for before, now in zip(review.evidence, after.evidence, strict=False):
        kept = [t for t in before.tags if t.statement not in resolved or t.polarity == "strength"]
        assert now.tags == tuple(kept)
        if kept == list(before.tags):
            assert now is before  # untouched items are not copied
    outcomes = {c.objective: c.outcome for c in changes if c.kind == "objective-outcome"}
    assert [o.outcome for o in after.objectives] == [
        outcomes.get(o.id, o.outcome) for o in review.objectives
    ]
    added = after.evidence[len(review.evidence) :]
    positions = [n for n, c in enumerate(changes) if c.kind == "evidence-statement"]
    assert [e.id for e in added] == [f"next-step-{n + 1}" for n in positions]
    assert [e.kind for e in added] == [NEXT_STEP_KINDS[n % 3] for n in positions]
    assert {(e.date, e.recorded_by) for e in added} <= {(review.cycle_end, review.appraiser)}
