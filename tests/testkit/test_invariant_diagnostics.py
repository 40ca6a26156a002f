"""The ``invariants:`` section of a rule set: each problem with its code at its exact place."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.catalogue.frameworks import Catalogue
from engine.errors import RuleSetError
from engine.rules.compiler import load_ruleset

CATALOGUE = Catalogue()

# Lines asserted on below: 18-22 (the invariants section).
TINY = """\
id: tiny
framework: hampshire
version: "1"
title: Tiny rule set
rules:
  - id: tiny.ready
    description: ready
    source: test
    when: [{fact: conduct, where: [concern == false]}]
    then: {propose: achieved}
    reason: ready
resolution:
  order: [needs_human_review, insufficient_evidence, not-met, exceptional, achieved]
  expected: achieved
invariants:
  check: [totality, monotonicity]
  order: [not-met, achieved, exceptional]
  incomparable: [needs_human_review, insufficient_evidence]
"""


def problems(tmp_path: Path, old: str, new: str) -> list[tuple[int, int, str, str]]:
    assert TINY.count(old) == 1, old
    path = tmp_path / "ruleset.yaml"
    path.write_text(TINY.replace(old, new), encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path, CATALOGUE)
    return [(d.line, d.column, d.code, d.message) for d in caught.value.diagnostics]


def test_a_valid_section_loads(tmp_path: Path) -> None:
    path = tmp_path / "ruleset.yaml"
    path.write_text(TINY, encoding="utf-8")
    ruleset, _ = load_ruleset(path, CATALOGUE)
    assert ruleset.invariants is not None
    assert ruleset.invariants.check == ("totality", "monotonicity")


def test_unknown_invariant_with_a_suggestion(tmp_path: Path) -> None:
    found = problems(tmp_path, "[totality, monotonicity]", "[totality, monotony]")
    assert found == [
        (16, 21, "unknown-invariant", "unknown invariant 'monotony' (did you mean 'monotonicity'?)")
    ]


def test_order_entry_off_the_scale(tmp_path: Path) -> None:
    found = problems(
        tmp_path, "[not-met, achieved, exceptional]", "[not-met, acheived, exceptional]"
    )
    missing, unknown = found  # sorted by place: the section first, then the entry
    assert unknown[:3] == (17, 20, "unknown-rating")
    assert "'acheived'" in unknown[3] and "did you mean 'achieved'" in unknown[3]
    assert missing[:3] == (16, 3, "invariant-order") and "missing 'achieved'" in missing[3]


def test_insufficient_evidence_must_be_placed(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "incomparable: [needs_human_review, insufficient_evidence]",
        "incomparable: [needs_human_review]",
    )
    assert found == [
        (
            16,
            3,
            "invariant-order",
            "invariants place every rating and status in 'order' or 'incomparable'; "
            "missing 'insufficient_evidence'",
        )
    ]


def test_a_result_placed_twice(tmp_path: Path) -> None:
    found = problems(
        tmp_path,
        "incomparable: [needs_human_review, insufficient_evidence]",
        "incomparable: [needs_human_review, insufficient_evidence, not-met]",
    )
    assert found == [
        (18, 61, "invariant-order", "'not-met' is already placed at invariants.order[0]")
    ]


def test_ratings_out_of_scale_order(tmp_path: Path) -> None:
    found = problems(
        tmp_path, "[not-met, achieved, exceptional]", "[achieved, not-met, exceptional]"
    )
    assert found == [
        (
            17,
            10,
            "invariant-order",
            "ratings in invariants.order must follow the scale, worst first: "
            "not-met, achieved, exceptional",
        )
    ]


def test_a_status_may_be_ordered_below_the_ratings(tmp_path: Path) -> None:
    path = tmp_path / "ruleset.yaml"
    text = TINY.replace(
        "order: [not-met, achieved, exceptional]",
        "order: [insufficient_evidence, not-met, achieved, exceptional]",
    ).replace("[needs_human_review, insufficient_evidence]\n", "[needs_human_review]\n")
    path.write_text(text, encoding="utf-8")
    ruleset, _ = load_ruleset(path, CATALOGUE)
    assert ruleset.invariants is not None
    assert ruleset.invariants.order[0] == "insufficient_evidence"
