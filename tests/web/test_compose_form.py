"""The compose forms applied to a review: what a tick, a choice or a button changes, and what
it leaves alone."""

from __future__ import annotations

import datetime as dt
from typing import Any

from engine.catalogue.frameworks import Catalogue
from service.web import compose_form

HAMPSHIRE = Catalogue()["hampshire"]


class FakeForm:
    """A submitted form: each name with its value or its list of values."""

    def __init__(self, fields: dict[str, str | list[str]]) -> None:
        self.fields = fields

    def get(self, key: str, default: Any = None) -> Any:
        value = self.fields.get(key, default)
        return value[0] if isinstance(value, list) else value

    def getlist(self, key: str) -> list[Any]:
        value = self.fields.get(key, [])
        return value if isinstance(value, list) else [value]


def _review() -> dict[str, Any]:
    review = compose_form.new_review(
        HAMPSHIRE,
        stage="mpr",
        ruleset=None,
        subject="t-1",
        appraiser="a-1",
        cycle=("2025-09-01", "2026-07-31"),
    )
    compose_form.add_evidence(review, HAMPSHIRE, "a-1", dt.date(2026, 12, 3))
    return review


def _form(**fields: str | list[str]) -> FakeForm:
    return FakeForm(dict(fields))


def test_a_new_item_is_dated_within_the_cycle_with_the_first_observed_kind() -> None:
    item = _review()["evidence"][0]
    assert item["id"] == "e1"
    assert item["date"] == "2026-07-31"  # today is after the cycle: its last day
    assert item["kind"] == "lesson-observation"


def test_a_tick_adds_a_tag_at_the_modality_chosen_and_an_untick_removes_it() -> None:
    review = _review()
    ticked = compose_form.apply_item(
        review,
        "e1",
        _form(
            shown="ts.1.1.mpr.1", **{"tag-ts.1.1.mpr.1": "yes", "how-ts.1.1.mpr.1": "independently"}
        ),
    )
    assert ticked["evidence"][0]["tags"] == [
        {"statement": "ts.1.1.mpr.1", "modality": "independently"}
    ]
    assert review["evidence"][0]["tags"] == []  # the review given is left as it was
    concern = compose_form.apply_item(
        ticked,
        "e1",
        _form(shown="ts.1.1.mpr.1", **{"tag-ts.1.1.mpr.1": "yes", "how-ts.1.1.mpr.1": "concern"}),
    )
    assert concern["evidence"][0]["tags"] == [{"statement": "ts.1.1.mpr.1", "polarity": "concern"}]
    unticked = compose_form.apply_item(concern, "e1", _form(shown="ts.1.1.mpr.1"))
    assert unticked["evidence"][0]["tags"] == []


def test_tags_of_statements_the_form_did_not_show_are_kept() -> None:
    review = _review()
    review["evidence"][0]["tags"] = [
        {"statement": "ts.2.1.mpr.1", "modality": "independently"},
        {"statement": "ts.1.1.mpr.1", "modality": "independently"},
    ]
    saved = compose_form.apply_item(review, "e1", _form(shown="ts.1.1.mpr.1", note="Seen"))
    assert saved["evidence"][0]["tags"] == [
        {"statement": "ts.2.1.mpr.1", "modality": "independently"}
    ]
    assert saved["evidence"][0]["note"] == "Seen"
    assert saved["evidence"][0]["kind"] == "lesson-observation"  # not in the form: unchanged


def test_the_main_form_adds_and_removes_objectives_and_absences() -> None:
    review = compose_form.apply_case(_review(), _form(action="add-objective"))
    assert review["objectives"] == [
        {"id": "o1", "text": "", "outcome": "not-assessed", "evidence": []}
    ]
    review = compose_form.apply_case(
        review,
        _form(
            **{
                "objective-0-text": "Writing",
                "objective-0-outcome": "met",
                "objective-0-evidence": ["e1"],
            },
            action="add-absence",
        ),
    )
    assert review["objectives"][0] | {"id": "o1"} == {
        "id": "o1",
        "text": "Writing",
        "outcome": "met",
        "evidence": ["e1"],
    }
    assert review["circumstances"]["absences"] == [
        {"type": "sickness", "start": "2025-09-01", "end": "2025-09-01"}
    ]
    review = compose_form.apply_case(
        review, _form(action="remove-objective-0", part_time_fraction="0.6", conduct_concern="yes")
    )
    assert review["objectives"] == []
    assert review["circumstances"]["part_time_fraction"] == 0.6
    assert review["conduct"] == {"concern": True}


def test_removing_an_item_removes_objectives_citing_it() -> None:
    review = compose_form.apply_case(_review(), _form(action="add-objective"))
    review["objectives"][0]["evidence"] = ["e1"]
    removed = compose_form.remove_evidence(review, "e1")
    assert removed["evidence"] == [] and removed["objectives"][0]["evidence"] == []
