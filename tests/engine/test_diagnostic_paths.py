"""Every located diagnostic names the field it is about, as a path into the document's data."""

from __future__ import annotations

import pytest

from engine.errors import InputError
from engine.review.load import parse_review, validate_review
from schemas.review import Review
from tests.engine.test_reviews import CATALOGUE, HAMPSHIRE, VALID


def paths(text: str) -> dict[str, str]:
    with pytest.raises(InputError) as caught:
        parse_review(text, "r.yaml", CATALOGUE)
    return {d.code: d.path or "" for d in caught.value.diagnostics}


def test_model_and_cross_reference_problems_carry_their_path() -> None:
    text = (
        VALID.replace("ts.1.1.ect1.1,", "ts.1.1.ect1.9,")
        .replace("kind: pupil-progress-data", "kind: gossip")
        .replace("    recorded_by: a-02", "    recorded_by: a-02\n    colour: blue")
        .replace("evidence: [data-1]", "evidence: [data-9]")
    )
    assert paths(text) == {
        "unknown-statement": "evidence[0].tags[0].statement",
        "unknown-evidence-kind": "evidence[1].kind",
        "unknown-field": "evidence[1].colour",
        "unknown-evidence": "objectives[0].evidence[0]",
    }


def test_a_review_built_in_code_has_paths_but_no_place() -> None:
    review = parse_review(VALID, "r.yaml", CATALOGUE).model_dump()
    review["evidence"][0]["tags"][0]["statement"] = "ts.1.1.ect1.9"
    with pytest.raises(InputError) as caught:
        validate_review(HAMPSHIRE, Review.model_validate(review))
    (problem,) = caught.value.diagnostics
    assert (problem.line, problem.path) == (0, "evidence[0].tags[0].statement")
