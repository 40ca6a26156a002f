"""A JSON review body is read as plain JSON when it is valid, and through the located YAML
reading otherwise: either way the answer must be what the located reading alone gives."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.errors import InputError
from engine.review import body
from engine.review.load import parse_review
from engine.testing.strategies import reviews
from schemas.review import Review

RULESETS = RuleSets(Catalogue())
FRAMEWORKS = sorted(RULESETS.catalogue)


def outcome(read: Any, text: str) -> tuple[str, Any]:
    """A review, or the list of diagnostics: what an answer to the body is made of."""
    try:
        review: Review = read(text)
    except InputError as exc:
        return "problems", [d.model_dump() for d in exc.diagnostics]
    return "review", review


def located(text: str) -> Review:
    """The reading before the plain-JSON way existed: JSON's syntax check, then YAML's."""
    body._check_json(text)
    return parse_review(text, body.BODY, RULESETS.catalogue)


def served(text: str) -> Review:
    return body.read_review(text.encode("utf-8"), "application/json", RULESETS.catalogue)


def took_plain_way(text: str) -> bool:
    return body._valid_json_review(body._check_json(text), RULESETS.catalogue) is not None


def styles(review: Review) -> list[str]:
    """The same review as different clients would send it."""
    data = review.model_dump(mode="json")
    return [
        review.model_dump_json(),
        review.model_dump_json(exclude_defaults=True),
        json.dumps(data, indent=2, ensure_ascii=False),
        json.dumps(data, indent="\t", sort_keys=True),
    ]


@settings(max_examples=40)
@given(data=st.data())
def test_a_valid_review_reads_the_same_either_way(data: st.DataObject) -> None:
    framework = RULESETS.catalogue[data.draw(st.sampled_from(FRAMEWORKS))]
    review = data.draw(reviews(framework))
    for text in styles(review):
        assert took_plain_way(text)
        assert outcome(served, text) == outcome(located, text) == ("review", review)


# Free text a person types: escapes, line separators, characters YAML refuses, emoji.
free_text = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12
) | st.sampled_from(["a\\b", "x\u2028y", "z\u0085", "\ufffe", "\U0001f600", "tab\there", "é"])


@settings(max_examples=60)
@given(data=st.data(), subject=free_text, note=free_text, escape=st.booleans())
def test_any_free_text_gets_the_answer_the_located_reading_gives(
    data: st.DataObject, subject: str, note: str, escape: bool
) -> None:
    framework = RULESETS.catalogue[data.draw(st.sampled_from(FRAMEWORKS))]
    body = data.draw(reviews(framework)).model_dump(mode="json")
    body["subject"] = subject
    for item in body["evidence"]:
        item["note"] = note
    text = json.dumps(body, ensure_ascii=escape)
    assert outcome(served, text) == outcome(located, text)


def _hampshire(**changes: Any) -> dict[str, Any]:
    review = {
        "framework": "hampshire",
        "subject": "t-1",
        "appraiser": "a-1",
        "cycle_start": "2025-09-01",
        "cycle_end": "2026-07-31",
        "stage": "mpr",
        "circumstances": {"part_time_fraction": 0.5},
    }
    return review | changes


@pytest.mark.parametrize(
    "text",
    [
        json.dumps(_hampshire()),
        json.dumps(_hampshire()).replace("0.5", "5e-1"),  # a float YAML reads as a string
        json.dumps(_hampshire()).replace("0.5", "NaN"),
        json.dumps(_hampshire()).replace("0.5", "1"),
        json.dumps(_hampshire()).replace('"t-1"', '"t-1", "subject": "t-2"'),  # repeated key
        json.dumps(_hampshire(subject="t\\/1")),
        json.dumps(_hampshire(subject="t\u20281"), ensure_ascii=False),
        json.dumps(_hampshire(framework="nope")),
        json.dumps(_hampshire(framework=["hampshire"])),
        json.dumps(_hampshire(stage="upr9")),
        json.dumps(_hampshire(cycle_end="2025-01-01")),
        json.dumps(_hampshire(extra=1)),
        json.dumps([_hampshire()]),
        "null",
        '"hampshire"',
        "{}",
    ],
)
def test_edge_bodies_get_the_answer_the_located_reading_gives(text: str) -> None:
    assert outcome(served, text) == outcome(located, text)


def test_a_body_with_a_problem_takes_the_located_way_and_says_where() -> None:
    text = json.dumps(_hampshire(stage="upr9"), indent=2)
    assert not took_plain_way(text)
    kind, problems = outcome(served, text)
    assert kind == "problems"
    assert [(p["path"], p["line"]) for p in problems] == [("stage", 7)]


@pytest.mark.parametrize(("text", "column"), [("=", 1), ("framework: =\n", 12)])
def test_a_yaml_scalar_yaml_cannot_build_is_a_problem_of_the_body(text: str, column: int) -> None:
    with pytest.raises(InputError) as problems:
        body.read_review(text.encode(), "application/yaml", RULESETS.catalogue)
    found = [
        (d.file, d.line, d.column) for d in problems.value.diagnostics if d.code == "yaml-syntax"
    ]
    assert found == [(body.BODY, 1, column)]


@pytest.mark.parametrize(
    ("text", "content_type", "line", "column"),
    [
        (json.dumps(_hampshire(cycle_start="2025-13-01"), indent=2), "application/json", 5, 18),
        (
            "framework: hampshire\nsubject: t-1\nappraiser: a-1\ncycle_start: 2025-13-01\n"
            "cycle_end: 2026-07-31\nstage: mpr\n",
            "application/yaml",
            4,
            14,
        ),
    ],
    ids=["json", "yaml"],
)
def test_an_impossible_date_in_a_body_is_an_invalid_value_where_it_stands(
    text: str, content_type: str, line: int, column: int
) -> None:
    with pytest.raises(InputError) as problems:
        body.read_review(text.encode(), content_type, RULESETS.catalogue)
    (d,) = problems.value.diagnostics
    assert (d.file, d.line, d.column, d.code) == (body.BODY, line, column, "invalid-value")
    assert "month value is outside expected range of 1-12" in d.message


ISP = yaml.safe_load(Path("examples/isp-meeting.yaml").read_text())
ISP_JSON = json.dumps(json.loads(json.dumps(ISP, default=str)), indent=2)


@pytest.mark.parametrize(
    ("value", "code", "message"),
    [
        ("1" + "0" * 5000, "invalid-value", "a number of more than 4,300 digits"),
        ("-Infinity", "json-syntax", "-Infinity is not JSON"),
        ("NaN", "json-syntax", "NaN is not JSON"),
        ("1e5", "wrong-type", "subject: Input should be a valid string (got 100000.0)"),
        ("12345", "wrong-type", "subject: Input should be a valid string (got 12345)"),
    ],
)
def test_a_json_number_is_read_as_json_reads_it(value: str, code: str, message: str) -> None:
    """One rule for every JSON number: a number where text is wanted is a 422 however it is
    written (1e5 was stored as the text '1e5'), NaN and Infinity are not JSON, and an integer
    Python refuses to read is a problem, not a 500."""
    text = ISP_JSON.replace('"t-0880"', value, 1)
    with pytest.raises(InputError) as raised:
        body.read_review(text.encode(), "application/json", RULESETS.catalogue)
    (problem,) = raised.value.diagnostics
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if '"subject"' in ln)
    assert (problem.code, problem.message, problem.line) == (code, message, line)


def test_a_yaml_integer_too_long_to_read_is_a_located_problem() -> None:
    text = Path("examples/isp-meeting.yaml").read_text().replace("t-0880", "9" * 5000, 1)
    with pytest.raises(InputError) as raised:
        body.read_review(text.encode(), "application/yaml", RULESETS.catalogue)
    (problem,) = raised.value.diagnostics  # not again as the model's 'not a valid string'
    assert (problem.line, problem.column, problem.code) == (9, 10, "invalid-value")
    assert problem.message.endswith("is a number of more than 4,300 digits")


def test_only_the_first_hundred_unknown_ids_get_a_suggestion() -> None:
    """Each suggestion looks through every known id: a body of thousands of unknown ones took
    minutes before the suggestions were bounded."""
    data = json.loads(ISP_JSON)
    data["evidence"][0]["tags"] = [
        {"statement": f"isp.3.{i}1", "modality": "consistent"} for i in range(150)
    ]
    with pytest.raises(InputError) as raised:
        body.read_review(json.dumps(data).encode(), "application/json", RULESETS.catalogue)
    unknown = [d for d in raised.value.diagnostics if d.code == "unknown-statement"]
    assert len(unknown) == 150
    suggested = ["did you mean" in d.message for d in unknown]
    assert sum(suggested) == 100 and all(suggested[:100])
