"""What keeps a hostile body cheap to read (#16): the limits checked on libyaml's events, at
most ``MAX_LISTED`` problems described with the rest counted, and the one-pass reading giving
the data and diagnostics PyYAML's composer gave."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

import pytest

from engine._yaml import load_yaml_text
from engine.catalogue.frameworks import Catalogue
from engine.errors import MAX_LISTED, InputError
from engine.review.body import BYTES_PER_VALUE, MAX_KEYS, read_review
from engine.review.load import load_review
from engine.testing import HostileBody, hostile_bodies

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Catalogue()
REVIEW = load_review(ROOT / "examples" / "hampshire-mpr-achieved.yaml", CATALOGUE)
LIMIT = 1_000_000
JSON = "application/json"
YAML = "application/yaml"


def head() -> dict[str, Any]:
    data = REVIEW.model_dump(mode="json", exclude_defaults=True)
    return {k: v for k, v in data.items() if k not in ("evidence", "objectives")}


@functools.cache
def bodies() -> list[HostileBody]:
    return hostile_bodies(REVIEW, LIMIT)


def problems(body: str, content_type: str = JSON) -> InputError:
    with pytest.raises(InputError) as caught:
        read_review(body.encode(), content_type, CATALOGUE, max_body_bytes=LIMIT)
    return caught.value


def test_the_densest_legal_review_under_the_limit_is_read() -> None:
    """Evidence items with nothing but their fields, as many as a million bytes hold (about
    one value per 8 bytes), are under the limit of one per ``BYTES_PER_VALUE``."""
    kind = min((k.id for k in CATALOGUE["hampshire"].evidence_kinds), key=len)
    small = {"kind": kind, "date": "2024-10-16", "recorded_by": "a"}
    item = json.dumps({**small, "id": "e00000", "tags": []}, separators=(",", ":"))
    count = (LIMIT - 1000) // (len(item) + 1)
    evidence = [{**small, "id": f"e{i:05d}", "tags": []} for i in range(count)]
    body = json.dumps({**head(), "evidence": evidence}, separators=(",", ":"))
    assert LIMIT - 2000 < len(body) <= LIMIT
    for content_type in (JSON, YAML):
        review = read_review(body.encode(), content_type, CATALOGUE, max_body_bytes=LIMIT)
        assert len(review.evidence) == count


@pytest.mark.parametrize("content_type", [JSON, YAML])
def test_every_valid_review_the_hostile_list_holds_is_read(content_type: str) -> None:
    valid = [b for b in bodies() if b.status == 201 and b.content_type == content_type]
    assert len(valid) == 2  # the review repeated to the limit, and one long subject
    for body in valid:
        read_review(body.body, content_type, CATALOGUE, max_body_bytes=LIMIT)


def test_a_body_past_the_values_limit_is_refused_where_it_passes_it() -> None:
    allowed = LIMIT // BYTES_PER_VALUE
    body = json.dumps({**head(), "evidence": [0] * allowed})
    (problem,) = problems(body).diagnostics
    assert problem.code == "invalid-value"
    assert f"more than {allowed} values" in problem.message
    # at an item of the list (every value before it counted), on its one line
    assert problem.line == 1
    assert body.index('"evidence"') < problem.column - 1
    assert body[problem.column - 1] == "0"


def test_a_mapping_past_the_keys_limit_is_refused_at_the_first_key_too_many() -> None:
    body = "".join(f"k{i}: 0\n" for i in range(MAX_KEYS + 5))
    (problem,) = problems(body, YAML).diagnostics
    assert (problem.line, problem.column, problem.code) == (MAX_KEYS + 1, 1, "invalid-value")
    assert f"more than {MAX_KEYS} keys" in problem.message


def test_many_model_problems_list_the_first_and_count_them_all() -> None:
    """Every evidence item of the wrong type: pydantic's errors of the first items only are
    described, the count is all of them."""
    items = 20_000
    body = json.dumps({**head(), "evidence": [0] * items}, indent=1)
    error = problems(body)
    assert error.count == items
    assert 100 <= len(error.diagnostics) <= MAX_LISTED
    first = error.diagnostics[0]
    first_item = body.index("0", body.index('"evidence"'))
    assert (first.path, first.code) == ("evidence[0]", "wrong-type")
    assert first.line == body.count("\n", 0, first_item) + 1
    assert [d.path for d in error.diagnostics[:3]] == ["evidence[0]", "evidence[1]", "evidence[2]"]


def test_many_unknown_statements_list_the_first_thousand_and_count_them_all() -> None:
    data = REVIEW.model_dump(mode="json", exclude_defaults=True)
    evidence = [
        {**item, "id": f"e{n}-{i}", "tags": [{**t, "statement": "x.1"} for t in item["tags"]]}
        for n in range(30)
        for i, item in enumerate(data["evidence"])
    ]
    tags = sum(len(item["tags"]) for item in evidence)
    assert tags > MAX_LISTED
    error = problems(json.dumps({**head(), "evidence": evidence}))
    unknown = [d for d in error.diagnostics if d.code == "unknown-statement"]
    assert len(unknown) == MAX_LISTED
    assert error.count == len(error.diagnostics) + tags - MAX_LISTED
    assert unknown[0].path == "evidence[0].tags[0].statement"
    assert f"({error.count} problems in all" in str(error)


def test_a_few_problems_are_all_listed_and_counted_alike() -> None:
    data = REVIEW.model_dump(mode="json", exclude_defaults=True)
    data["evidence"][0]["tags"][0]["statement"] = "x.1"
    data["evidence"][1]["kind"] = 5
    error = problems(json.dumps(data, indent=1))
    assert error.count == len(error.diagnostics) == 2


@pytest.mark.parametrize(
    ("text", "data", "found"),
    [
        ("a: &x [1, 2]\nb: *x\n", {"a": [1, 2], "b": [1, 2]}, []),
        ("a: *x\n", None, [(1, 4, "yaml-syntax")]),
        ("a: &x 1\nb: &x 2\n", None, [(2, 4, "yaml-syntax")]),
        ("a: 1\na: 2\n", {"a": 1}, [(2, 1, "duplicate-key")]),
        ("? [1, 2]\n: v\nk: 1\n", {"k": 1}, [(1, 3, "wrong-type")]),
        ("--- 1\n--- 2\n", None, [(2, 1, "yaml-syntax")]),
        ("a: =\nb: 2\n", {"a": None, "b": 2}, [(1, 4, "yaml-syntax")]),
        ("a: !!int 12\nb: !!str 12\nc: ! 12\n", {"a": 12, "b": "12", "c": 12}, []),
        (
            "a: 2024-13-01\nb: 012\nc: 1_000\nd: 0x1F\ne: yes\nf: ~\ng: 7\n",
            {"a": "2024-13-01", "b": 10, "c": 1000, "d": 31, "e": True, "f": None, "g": 7},
            [],
        ),
        ("a: &k b\n*k : c\n", {"a": "b", "b": "c"}, []),
        ("[" * 70 + "]" * 70, None, [(1, 65, "invalid-value")]),
    ],
)
def test_the_one_pass_reading_gives_what_pyyamls_composer_gave(
    text: str, data: Any, found: list[tuple[int, int, str]]
) -> None:
    located = load_yaml_text(text, "f.yaml")
    assert located.data == data
    assert [(d.line, d.column, d.code) for d in located.diagnostics] == found


def test_an_alias_is_located_at_its_anchor_and_each_key_where_it_stands() -> None:
    located = load_yaml_text("a: &x\n  b: 1\nc: *x\n", "f.yaml")
    assert located.values[("c", "b")] == located.values[("a", "b")] == (2, 6)
    assert located.keys[("c",)] == (3, 1)
