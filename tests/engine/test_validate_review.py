"""validate_review's quick check of a typed review never lets through what the full check reports.

Each generated review is broken in one way (or left alone); ``validate_review`` must raise exactly
the diagnostics of the full located walk (``check_review``), or pass when it finds nothing.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.catalogue.tree import walk
from engine.errors import InputError
from engine.review.load import check_review, validate_review
from engine.testing.strategies import reviews
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.review import EvidenceItem, Objective, Review, Tag

CATALOGUE = Catalogue()

Break = Callable[[Framework, Review, st.DataObject], Review]


def _retag(review: Review, data: st.DataObject, **change: str | None) -> Review:
    """One tag of one evidence item changed; the review unchanged when it has no tags."""
    tagged = [i for i, item in enumerate(review.evidence) if item.tags]
    if not tagged:
        return review
    i = data.draw(st.sampled_from(tagged))
    item = review.evidence[i]
    j = data.draw(st.integers(0, len(item.tags) - 1))
    tags = list(item.tags)
    tags[j] = tags[j].model_copy(update=change)
    evidence = list(review.evidence)
    evidence[i] = item.model_copy(update={"tags": tuple(tags)})
    return review.model_copy(update={"evidence": tuple(evidence)})


def tag_a_node(framework: Framework, review: Review, data: st.DataObject) -> Review:
    node = data.draw(st.sampled_from([node.id for node, _ in walk(framework.standards)]))
    return _retag(review, data, statement=node)


def tag_an_unknown_statement(framework: Framework, review: Review, data: st.DataObject) -> Review:
    return _retag(review, data, statement=data.draw(st.sampled_from(["ts.9.9", "qi.1.1.x"])))


def tag_an_unknown_modality(framework: Framework, review: Review, data: st.DataObject) -> Review:
    return _retag(review, data, modality="boldly")


def leave_a_modality_out(framework: Framework, review: Review, data: st.DataObject) -> Review:
    return _retag(review, data, modality=None)  # a strength's is missing, a concern's need not be


def repeat_an_evidence_id(framework: Framework, review: Review, data: st.DataObject) -> Review:
    if not review.evidence:
        return review
    return review.model_copy(update={"evidence": (*review.evidence, review.evidence[0])})


def cite_unknown_evidence(framework: Framework, review: Review, data: st.DataObject) -> Review:
    return _add_objective(review, evidence=("nowhere",))


def link_a_statement(framework: Framework, review: Review, data: st.DataObject) -> Review:
    statement = data.draw(st.sampled_from([s.id for s in framework.statements]))
    return _add_objective(review, standards=(statement,))


def repeat_an_objective_id(framework: Framework, review: Review, data: st.DataObject) -> Review:
    return _add_objective(_add_objective(review), standards=())


def _add_objective(review: Review, **fields: tuple[str, ...]) -> Review:
    objective = Objective(id="obj-extra", text="t", outcome="met", **fields)
    return review.model_copy(update={"objectives": (*review.objectives, objective)})


def change_the_stage(framework: Framework, review: Review, data: st.DataObject) -> Review:
    stage = data.draw(st.sampled_from([None, "mrp", *(s.id for s in framework.stages)]))
    return review.model_copy(update={"stage": stage})


def rate_off_the_scale(framework: Framework, review: Review, data: st.DataObject) -> Review:
    return review.model_copy(update={"appraiser_rating": "brilliant"})


def add_untagged_evidence(framework: Framework, review: Review, data: st.DataObject) -> Review:
    item = EvidenceItem(id="plain-1", kind="other", date=review.cycle_start, recorded_by="a")
    return review.model_copy(update={"evidence": (*review.evidence, item)})


def record_an_unknown_kind(framework: Framework, review: Review, data: st.DataObject) -> Review:
    kind = data.draw(st.sampled_from(["gossip", "lesson-observatoin", "self-evaluation"]))
    item = EvidenceItem(id="odd-1", kind=kind, date=review.cycle_start, recorded_by="a")
    return review.model_copy(update={"evidence": (item, *review.evidence)})


BREAKS: list[Break] = [
    tag_a_node,
    tag_an_unknown_statement,
    tag_an_unknown_modality,
    leave_a_modality_out,
    repeat_an_evidence_id,
    cite_unknown_evidence,
    link_a_statement,
    repeat_an_objective_id,
    change_the_stage,
    rate_off_the_scale,
    add_untagged_evidence,
    record_an_unknown_kind,
]


def outcome(framework: Framework, review: Review) -> list[Diagnostic]:
    """What ``validate_review`` raises (sorted by place, as ``InputError`` sorts), or nothing."""
    try:
        validate_review(framework, review)
    except InputError as error:
        return error.diagnostics
    return []


def sorted_by_place(diagnostics: list[Diagnostic]) -> list[Diagnostic]:
    return InputError(diagnostics).diagnostics


@pytest.mark.parametrize("framework_id", sorted(CATALOGUE))
@given(data=st.data())
def test_validate_review_raises_exactly_what_the_full_check_finds(
    framework_id: str, data: st.DataObject
) -> None:
    framework = CATALOGUE[framework_id]
    review = data.draw(reviews(framework))
    assert outcome(framework, review) == []
    broken = data.draw(st.sampled_from(BREAKS))(framework, review, data)
    assert outcome(framework, broken) == sorted_by_place(check_review(framework, broken))


@pytest.mark.parametrize("framework_id", sorted(CATALOGUE))
@given(data=st.data())
def test_a_review_checked_against_another_framework_says_so_first(
    framework_id: str, data: st.DataObject
) -> None:
    review = data.draw(reviews(CATALOGUE[framework_id]))
    other = CATALOGUE[data.draw(st.sampled_from(sorted(set(CATALOGUE) - {framework_id})))]
    found = outcome(other, review)
    mismatch = [d for d in found if d.code == "unknown-framework"]
    assert [d.message for d in mismatch] == [
        f"framework: review is for {framework_id!r}, checked against {other.id!r}"
    ]
    assert [d for d in found if d not in mismatch] == sorted_by_place(check_review(other, review))


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # the full check's model dump
def test_a_wrongly_typed_value_goes_to_the_full_check_instead_of_crashing() -> None:
    framework = CATALOGUE["hampshire"]
    review = Review(
        framework="hampshire",
        subject="t",
        appraiser="a",
        cycle_start="2025-09-01",
        cycle_end="2026-07-31",
        stage="mpr",
    )
    odd = review.model_copy(update={"appraiser_rating": ["achieved"]})  # unhashable
    assert outcome(framework, odd) == check_review(framework, odd) == []


def test_a_strength_built_without_a_modality_is_reported_and_a_concern_is_not() -> None:
    framework = CATALOGUE["hampshire"]
    review = Review(
        framework="hampshire",
        subject="t",
        appraiser="a",
        cycle_start="2025-09-01",
        cycle_end="2026-07-31",
        stage="mpr",
        evidence=[
            EvidenceItem(
                id="obs-1",
                kind="lesson-observation",
                date="2025-10-01",
                recorded_by="a",
                tags=[
                    Tag(statement="ts.1.1.ect1.1", polarity="concern"),
                    Tag(statement="ts.1.1.ect1.2"),
                ],
            )
        ],
    )
    (missing,) = outcome(framework, review)
    assert (missing.line, missing.code, missing.path) == (0, "missing-field", "evidence[0].tags[1]")
    concern_only = review.model_copy(
        update={
            "evidence": (
                review.evidence[0].model_copy(update={"tags": review.evidence[0].tags[:1]}),
            )
        }
    )
    assert outcome(framework, concern_only) == []


def test_a_review_built_in_code_with_an_unknown_kind_is_refused_with_a_suggestion() -> None:
    hampshire = CATALOGUE["hampshire"]
    item = EvidenceItem(id="e1", kind="lesson-observatoin", date="2025-01-06", recorded_by="a")
    review = Review(
        framework="hampshire",
        subject="t",
        appraiser="a",
        cycle_start="2024-09-01",
        cycle_end="2025-07-31",
        stage="mpr",
        evidence=(item,),
    )
    (found,) = outcome(hampshire, review)
    assert (found.code, found.path) == ("unknown-evidence-kind", "evidence[0].kind")
    assert "did you mean 'lesson-observation'?" in found.message
