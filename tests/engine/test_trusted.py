"""``trusted``: the models a draft is made of, built without validating them again, exactly as
``model_construct`` builds them; what comes in is still validated."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError

from engine._trusted import trusted
from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.errors import InputError
from engine.recommend.recommendation import recommend
from engine.review.load import load_review
from schemas.recommendation import Cause, Comparison, Firing, RationaleLine, Recommendation
from schemas.review import Tag

CATALOGUE = Catalogue()
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hampshire-mpr-achieved.yaml"

BUILT = [
    (RationaleLine, {"text": "Standard 1 (Teaching): 3 of 4 required statements met."}),
    (RationaleLine, {"text": "A cause.", "rule": "r.one", "statements": ("ts.1",)}),
    (
        Comparison,
        {
            "fact": "ledger",
            "field": "ratio",
            "label": "ECT 1 statements met",
            "figure": 0.5,
            "operator": ">=",
            "threshold": 0.6,
            "parameter": "min_ratio",
            "text": "ECT 1 statements met 50% (60% required, `min_ratio`)",
        },
    ),
    (Cause, {"rule": "r.one", "depth": 0, "concluded": None, "text": "Because."}),
    (Firing, {"seq": 1, "rule": "r.one", "action": "conclude x", "matched": {"c": {"n": 1}}}),
]


@pytest.mark.parametrize(("model", "values"), BUILT)
def test_a_trusted_model_is_the_one_model_construct_makes(
    model: type[RationaleLine], values: dict[str, object]
) -> None:
    made, constructed = trusted(model, **values), model.model_construct(**values)
    assert made == constructed
    assert made.model_dump_json() == constructed.model_dump_json()
    assert made.model_fields_set == constructed.model_fields_set == set(values)
    assert list(made.__dict__) == list(constructed.__dict__)  # the fields in their order


def test_a_field_it_does_not_have_or_a_missing_one_is_a_programming_error() -> None:
    with pytest.raises(
        TypeError, match=r"RationaleLine: unknown fields \['txt'\], missing \['text'\]"
    ):
        trusted(RationaleLine, txt="A line.")
    with pytest.raises(TypeError, match=r"missing \['depth', 'rule'\]"):
        trusted(Cause, concluded=None, text="Because.")


def test_a_field_with_a_default_factory_must_be_given() -> None:
    with pytest.raises(
        TypeError, match=r"Recommendation: unknown fields \[\], missing \[.*'statements'"
    ):
        trusted(Recommendation)


def test_what_comes_in_is_still_validated() -> None:
    review = load_review(EXAMPLE, CATALOGUE)
    evaluator = RuleSets(CATALOGUE).evaluator(review)
    with pytest.raises(ValidationError, match="statement"):
        Tag(statement="Not An Id", modality="confidently")
    first = review.evidence[0]
    unknown = first.model_copy(update={"tags": (Tag(statement="ts.9.9", modality="securely"),)})
    with pytest.raises(InputError, match=r"unknown statement 'ts\.9\.9'"):
        recommend(evaluator, review.model_copy(update={"evidence": (unknown,)}), next_steps=False)
