"""The input hash: the fast canonical writer gives exactly the bytes of the general encoder."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import input_hash
from engine.review import canonical
from engine.review.canonical import canonical_json, general_canonical_json
from engine.review.load import load_review
from engine.testing.strategies import reviews
from schemas.review import AbsencePeriod, Circumstances, Conduct, EvidenceItem, Objective, Review

CATALOGUE = Catalogue()
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"

# Decision records in the service are sealed with these; replay compares them. They were
# computed by the original ``json.dumps(model_dump)`` implementation and must never change.
SEALED = {
    "hampshire-mpr-achieved.yaml": (
        "f3b163242d01afa6b117ca9a269d90741421f71acc5ea1674c2b36c54a74ec91"
    ),
    "hgios4-good.yaml": "88dfba86620f12b0bb016d9b2d44602b5a7c8d328921071c9a16aafc2ea98e39",
    "isp-meeting.yaml": "c0314001887e01b2eaa28afb748049aba53efc2c91b6bf5ee27bab3634132c4f",
    "wales-effective.yaml": "d21d68d6320cc950810a36345e6426a22a3c63602ac959098c9421bc145a18fc",
}

# Free text as people type it: any character, quotes, backslashes, controls, emoji.
TEXT = st.text(min_size=1, max_size=12).filter(lambda s: s.strip() == s and s)


@pytest.mark.parametrize("name", sorted(SEALED))
def test_the_hash_of_each_example_is_the_one_decisions_were_sealed_with(name: str) -> None:
    review = load_review(EXAMPLES / name, CATALOGUE)
    assert input_hash(review) == f"sha256:{SEALED[name]}"


@pytest.mark.parametrize("name", sorted(SEALED))
def test_the_fast_writer_writes_each_example_itself_twice_over(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Written without the general encoder (the slow path a draft should never take), the
    second time from the tags it has already written, with the same bytes both times."""
    review = load_review(EXAMPLES / name, CATALOGUE)

    def refuse(_: Review) -> str:
        raise AssertionError("the fast writer fell back to the general encoder")

    monkeypatch.setattr(canonical, "general_canonical_json", refuse)
    assert input_hash(review) == input_hash(review) == f"sha256:{SEALED[name]}"


@pytest.mark.parametrize("framework", sorted(CATALOGUE))
@given(data=st.data())
def test_generated_reviews_are_written_as_the_general_encoder_writes_them(
    framework: str, data: st.DataObject
) -> None:
    review = data.draw(reviews(CATALOGUE[framework]))
    assert canonical_json(review) == general_canonical_json(review)


@given(
    text=st.lists(TEXT | st.none(), min_size=6, max_size=6),
    fraction=st.floats(min_value=1e-9, max_value=1.0, exclude_min=True),
    flags=st.lists(st.booleans(), min_size=3, max_size=3),
)
def test_free_text_and_numbers_are_escaped_and_written_as_json_dumps_does(
    text: list[str | None], fraction: float, flags: list[bool]
) -> None:
    subject, note, impact, recorded_by, objective_text, conduct_note = (t or "x" for t in text)
    review = Review(
        framework="hampshire",
        subject=subject,
        appraiser="a-\u00e9",
        cycle_start=dt.date(2025, 9, 1),
        cycle_end=dt.date(2026, 7, 31),
        evidence=(
            EvidenceItem(
                id="e1",
                kind="other",
                date=dt.date(2025, 10, 1),
                recorded_by=recorded_by,
                note=note if text[1] else None,
                impact=impact if text[2] else None,
            ),
        ),
        objectives=(Objective(id="o1", text=objective_text, outcome="met", evidence=("e1",)),),
        circumstances=Circumstances(
            part_time_fraction=fraction,
            in_induction=flags[0],
            in_capability=flags[1],
            absences=(
                AbsencePeriod(type="sickness", start=dt.date(2026, 1, 5), end=dt.date(2026, 1, 9)),
            ),
        ),
        conduct=Conduct(concern=flags[2], note=conduct_note if text[5] else None),
    )
    assert canonical_json(review) == general_canonical_json(review)


class Annotated(Review):
    """A subclass with a field of its own: only the model dump knows to write it."""

    remark: str = "extra"


def odd_reviews() -> list[Review]:
    """Reviews built without validation (``model_copy``) holding what validation would refuse."""
    base = load_review(EXAMPLES / "hampshire-mpr-achieved.yaml", CATALOGUE)
    item = base.evidence[0]
    tag = item.tags[0]
    return [
        base.model_copy(update={"stage": 'mp"r'}),
        base.model_copy(update={"framework": "hamp\\shire"}),
        base.model_copy(update={"ruleset": "r\u00e9gles"}),
        base.model_copy(update={"evidence": [item.model_copy(update={"id": "e\x7f"})]}),
        base.model_copy(update={"evidence": (item.model_copy(update={"tags": [tag]}),)}),
        base.model_copy(
            update={
                "evidence": (
                    item.model_copy(update={"tags": (tag.model_copy(update={"modality": "\n"}),)}),
                )
            }
        ),
        base.model_copy(
            update={"evidence": (item.model_copy(update={"date": dt.datetime(2025, 1, 1)}),)}
        ),
        # one odd value in a column of ordinary ones: each column is checked as a whole
        with_second_item(base, {"id": 'e"2'}),
        with_second_item(base, {"impact": 5}),
        with_second_item(base, {"recorded_by": None}),
        with_second_item(base, {"date": dt.datetime(2025, 10, 1)}),
        with_second_item(base, {"tags": (tag.model_copy(update={"statement": 7}),)}),
        with_second_item(base, {"tags": (tag.model_copy(update={"polarity": "con\\cern"}),)}),
        with_second_item(base, {"tags": {tag}}),
        base.model_copy(
            update={
                "circumstances": base.circumstances.model_copy(update={"part_time_fraction": 1})
            }
        ),
        base.model_copy(update={"conduct": base.conduct.model_copy(update={"concern": 0})}),
        base.model_copy(update={"appraiser_rating": 3}),
        base.model_copy(update={"cycle_end": "2026-07-31"}),
        Annotated.model_validate(base.model_dump()),
    ]


def with_second_item(base: Review, update: dict[str, object]) -> Review:
    """``base`` with two evidence items, the second changed by ``update`` (unvalidated)."""
    first = base.evidence[0]
    second = first.model_copy(update={"id": "e2", **update})
    return base.model_copy(update={"evidence": (first, second)})


@pytest.mark.filterwarnings("ignore:Pydantic serializer warnings")  # the model dump's, on odd types
@pytest.mark.parametrize("review", odd_reviews())
def test_values_validation_would_refuse_are_left_to_the_general_encoder(review: Review) -> None:
    assert canonical_json(review) == general_canonical_json(review)
