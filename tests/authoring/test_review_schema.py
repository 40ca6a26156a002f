"""A framework's review schema, run by a real JSON Schema validator (``jsonschema``, Draft
2020-12, formats checked as an editor does): every example and golden case passes, and a
misspelt id fails where it stands."""

from __future__ import annotations

import copy
import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.authoring import fact_settings, review_schema, review_skeleton, rulesets_of
from engine.catalogue.frameworks import Catalogue
from engine.errors import InputError
from engine.review.load import parse_review
from tests.authoring.conftest import editor_yaml, every_stage

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))
CASES = sorted((ROOT / "rules").glob("*/cases/*.yaml"))
_VALIDATORS: dict[str, Draft202012Validator] = {}


def validator(catalogue: Catalogue, framework: str) -> Draft202012Validator:
    if framework not in _VALIDATORS:
        schema = review_schema(catalogue[framework], rulesets_of(catalogue, framework))
        Draft202012Validator.check_schema(schema)
        checker = Draft202012Validator.FORMAT_CHECKER
        _VALIDATORS[framework] = Draft202012Validator(schema, format_checker=checker)
    return _VALIDATORS[framework]


def problems(catalogue: Catalogue, review: dict[str, Any]) -> list[tuple[list[Any], str]]:
    """(path, message) of each schema error, as an editor would underline them."""
    errors = validator(catalogue, review["framework"]).iter_errors(review)
    return [(list(error.absolute_path), error.message) for error in errors]


def review_of(path: Path) -> dict[str, Any]:
    document = editor_yaml(path.read_text(encoding="utf-8"))
    review: dict[str, Any] = document.get("review", document)
    return review


@pytest.mark.parametrize("path", EXAMPLES + CASES, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_example_and_golden_case_is_valid(catalogue: Catalogue, path: Path) -> None:
    assert problems(catalogue, review_of(path)) == []


@pytest.mark.parametrize(("framework", "stage"), every_stage())
def test_every_skeleton_is_valid(catalogue: Catalogue, framework: str, stage: str | None) -> None:
    settings = fact_settings(catalogue, framework, None)
    text = review_skeleton(catalogue[framework], stage, settings=settings, today=dt.date.today())
    assert problems(catalogue, editor_yaml(text)) == []


MPR = ROOT / "examples" / "hampshire-mpr-achieved.yaml"


def broken(change: str) -> dict[str, Any]:
    """The MPR example with one thing wrong."""
    review = copy.deepcopy(review_of(MPR))
    tag = review["evidence"][0]["tags"][0]
    if change == "statement":
        tag["statement"] = "ts.1.1.ect1.9"
    elif change == "modality":
        tag["modality"] = "confident"
    elif change == "strength-without-modality":
        del tag["modality"]
    elif change == "stage":
        review["stage"] = "MPR"
    elif change == "kind":
        review["evidence"][1]["kind"] = "lesson-obs"
    elif change == "date":
        review["evidence"][1]["date"] = "2026-3-2"
    elif change == "node":
        review["objectives"][0]["standards"] = ["ts.9"]
    elif change == "rating":
        review["appraiser_rating"] = "met"
    elif change == "field":
        review["evidence"][0]["recorded-by"] = review["evidence"][0].pop("recorded_by")
    return review


@pytest.mark.parametrize(
    ("change", "path"),
    [
        ("statement", ["evidence", 0, "tags", 0, "statement"]),
        ("modality", ["evidence", 0, "tags", 0, "modality"]),
        ("strength-without-modality", ["evidence", 0, "tags", 0]),
        ("stage", ["stage"]),
        ("kind", ["evidence", 1, "kind"]),
        ("date", ["evidence", 1, "date"]),
        ("node", ["objectives", 0, "standards", 0]),
        ("rating", ["appraiser_rating"]),
        ("field", ["evidence", 0]),
    ],
)
def test_a_mistake_fails_where_it_stands(
    catalogue: Catalogue, change: str, path: list[Any]
) -> None:
    assert {tuple(where) for where, _ in problems(catalogue, broken(change))} == {tuple(path)}


@pytest.mark.parametrize(
    "change", ["statement", "modality", "strength-without-modality", "stage", "kind", "date"]
)
def test_the_engine_refuses_them_too(catalogue: Catalogue, change: str) -> None:
    """The schema claims nothing the engine does not: each mistake is one the loader reports."""
    with pytest.raises(InputError):
        parse_review(json.dumps(broken(change)), "broken.json", catalogue)


def test_a_concern_needs_no_modality(catalogue: Catalogue) -> None:
    review = copy.deepcopy(review_of(MPR))
    review["evidence"][0]["tags"][0] = {"statement": "ts.1.1.ect1.1", "polarity": "concern"}
    assert problems(catalogue, review) == []


def test_a_framework_without_stages_takes_no_stage(catalogue: Catalogue) -> None:
    review = review_of(ROOT / "examples" / "isp-meeting.yaml")
    assert problems(catalogue, {**review, "stage": None}) == []
    assert [p for p, _ in problems(catalogue, {**review, "stage": "mpr"})] == [["stage"]]


def test_a_stage_is_required_where_there_are_stages(catalogue: Catalogue) -> None:
    review = {k: v for k, v in review_of(MPR).items() if k != "stage"}
    assert [m for _, m in problems(catalogue, review)] == ["'stage' is a required property"]


def test_each_id_carries_the_frameworks_words_for_an_editor(catalogue: Catalogue) -> None:
    schema = review_schema(catalogue["hampshire"], ["hampshire"])
    statement = schema["$defs"]["Tag"]["properties"]["statement"]
    where = statement["enum"].index("ts.1.1.ect1.1")
    words = statement["markdownEnumDescriptions"][where]
    assert words.startswith("ECT 1: Create a learning environment")
    assert statement["enumDescriptions"][where] == words
    assert len(statement["enum"]) == len(statement["enumDescriptions"]) == 524
    kinds = schema["$defs"]["EvidenceItem"]["properties"]["kind"]
    assert kinds["enumDescriptions"][kinds["enum"].index("pupil-views")].startswith("Pupil views")
    assert schema["properties"]["ruleset"]["anyOf"][0]["enum"] == ["hampshire"]


def test_the_schema_is_json(catalogue: Catalogue) -> None:
    for framework in catalogue.values():
        schema = review_schema(framework)
        assert json.loads(json.dumps(schema)) == schema
