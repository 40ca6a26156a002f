"""A person's final rating: on the scale, and with a reason and note when it differs."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from engine.catalogue.frameworks import Catalogue
from engine.errors import InputError
from engine.recommend.final_decision import check_decision
from schemas.service import DecisionCreate

ISP = Catalogue()["isp"]


def test_the_draft_rating_needs_no_reason() -> None:
    assert check_decision(ISP, "meeting", DecisionCreate(rating="meeting")) == (
        "Meeting the standard"
    )


def test_a_rating_off_the_scale_is_named_with_a_suggestion() -> None:
    with pytest.raises(InputError) as error:
        check_decision(ISP, "meeting", DecisionCreate(rating="meting"))
    (problem,) = error.value.diagnostics
    assert (problem.code, problem.path) == ("unknown-rating", "rating")
    assert "did you mean 'meeting'?" in problem.message


@pytest.mark.parametrize("draft", ["meeting", None], ids=["other-rating", "after-a-status"])
def test_a_differing_rating_needs_a_reason(draft: str | None) -> None:
    with pytest.raises(InputError) as error:
        check_decision(ISP, draft, DecisionCreate(rating="exceeding"))
    assert error.value.diagnostics[0].code == "missing-reason"
    given = DecisionCreate(rating="exceeding", reason="moderation", note="Moderated.")
    assert check_decision(ISP, draft, given) == "Exceeding the standard"


def test_a_reason_needs_a_note_and_must_be_on_the_list() -> None:
    with pytest.raises(ValidationError, match="needs a note"):
        DecisionCreate(rating="exceeding", reason="other")
    with pytest.raises(ValidationError):
        DecisionCreate(rating="exceeding", reason="whim", note="n")  # type: ignore[arg-type]


def test_every_problem_is_reported_at_once_each_where_it_is() -> None:
    cited = DecisionCreate(rating="exceeding", evidence=("obs-1", "obs-9"))
    with pytest.raises(InputError) as error:
        check_decision(ISP, "meeting", cited, known_evidence=["obs-1", "obs-2"])
    found = {(d.path, d.code) for d in error.value.diagnostics}
    assert found == {("reason", "missing-reason"), ("evidence[1]", "unknown-evidence")}


def test_a_long_list_of_the_reviews_evidence_is_cut_short() -> None:
    known = [f"item-{n:03d}" for n in range(45)]
    cited = DecisionCreate(rating="meeting", evidence=("nothing-like-it",))
    with pytest.raises(InputError) as error:
        check_decision(ISP, "meeting", cited, known_evidence=known)
    (problem,) = error.value.diagnostics
    assert problem.message.endswith(f"the review has {', '.join(known[:20])} and 25 more")
    with pytest.raises(InputError, match="which has none"):
        check_decision(ISP, "meeting", cited)
