"""Static checks on small broken rule sets: each problem as the exact line a person reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.catalogue.frameworks import Catalogue
from engine.errors import NotFoundError
from engine.testing.static_checks import check_ruleset

CATALOGUE = Catalogue()
ROOT = Path(__file__).resolve().parents[2]

# Lines the cases below point at: 14 (tiny.ready's condition), 17 and 22-24 (tiny.enough),
# 27 and 31-34 (tiny.short), 37 (the resolution order).
VALID = """\
id: tiny
framework: hampshire
version: "1"
title: Tiny rule set
parameters:
  min_items: {type: int, default: 4, min: 1, reason: four items}
  low: {type: float, default: 0.5, min: 0, max: 1, reason: half}
rules:
  - id: tiny.ready
    description: ready
    source: test
    when:
      - fact: coverage
        where: [ratio >= param.low]
    then: {conclude: ready}
    reason: ready
  - id: tiny.enough
    description: enough evidence
    source: test
    when:
      - fact: sufficiency
        where: [items >= param.min_items]
      - fact: conclusion
        where: [name == ready]
    then: {propose: achieved}
    reason: "{sufficiency.items} items"
  - id: tiny.short
    description: short
    source: test
    when:
      - fact: coverage
        where:
          - ratio < param.low
    then: {propose: not-met}
    reason: short
resolution:
  order: [needs_human_review, insufficient_evidence, not-met, exceptional, achieved]
  expected: achieved
"""

SHORT_WHERE = "          - ratio < param.low\n"
SHORT_THEN = "    then: {propose: not-met}\n"
PRIORITY = "  order: [needs_human_review", "  strategy: priority\n  order: [needs_human_review"


def edited(*edits: tuple[str, str]) -> str:
    text = VALID
    for old, new in edits:
        assert text.count(old) == 1, old
        text = text.replace(old, new)
    return text


def with_short(*lines: str) -> tuple[str, str]:
    """An edit adding patterns or conditions to tiny.short, after its coverage condition."""
    return SHORT_WHERE, SHORT_WHERE + "".join(f"{line}\n" for line in lines)


CASES: dict[str, tuple[tuple[tuple[str, str], ...], list[str]]] = {
    # --- the compiler's checks, through check_ruleset -----------------------------------------
    "duplicate id": (
        (("  - id: tiny.short", "  - id: tiny.enough"),),
        ["27:9: duplicate-id: rule id 'tiny.enough' already used on line 17"],
    ),
    "unknown fact": (
        (("      - fact: coverage\n        where:\n", "      - fact: coverag\n        where:\n"),),
        ["31:15: unknown-fact: unknown fact 'coverag' (did you mean 'coverage'?)"],
    ),
    "unknown fact field": (
        ((SHORT_WHERE, "          - ratoi < param.low\n"),),
        ["33:13: unknown-fact-field: coverage has no field 'ratoi' (did you mean 'ratio'?)"],
    ),
    "unknown parameter": (
        ((SHORT_WHERE, "          - ratio < param.lw\n"),),
        ["33:21: unknown-parameter: unknown parameter 'lw' (did you mean 'low'?)"],
    ),
    "mismatched types": (
        ((SHORT_WHERE, "          - ratio < ready\n"),),
        ["33:19: type-mismatch: 'ratio < ready': compares a float field with a str"],
    ),
    "rating off the scale": (
        ((SHORT_THEN, "    then: {propose: not-mett}\n"),),
        [
            "34:21: unknown-rating: 'not-mett' is not on the hampshire scale "
            "(did you mean 'not-met'?)"
        ],
    ),
    "resolution missing a rating": (
        (("not-met, exceptional, achieved]", "not-met, achieved]"),),
        ["37:10: resolution-incomplete: resolution order leaves out 'exceptional'"],
    ),
    "resolution naming a rating off the scale": (
        (("exceptional, achieved]", "exceptionl, achieved]"),),
        [
            "37:10: resolution-incomplete: resolution order leaves out 'exceptional'",
            "37:63: unknown-rating: 'exceptionl' is neither a status nor on the scale "
            "(did you mean 'exceptional'?)",
        ],
    ),
    # --- never-fires: contradictions within a rule --------------------------------------------
    "a threshold contradicting a parameter": (
        ((SHORT_WHERE, "          - ratio >= 0.9\n" + SHORT_WHERE),),
        [
            "34:19: never-fires: 'ratio < param.low' (param.low = 0.5) contradicts "
            "'ratio >= 0.9': no coverage.ratio satisfies both, so rule 'tiny.short' can never fire"
        ],
    ),
    "no whole number between two bounds": (
        (("[items >= param.min_items]", "[items > 3, items < 4]"),),
        [
            "22:34: never-fires: 'items < 4' contradicts 'items > 3': no sufficiency.items "
            "satisfies both, so rule 'tiny.enough' can never fire"
        ],
    ),
    "a ratio above 1": (
        ((SHORT_WHERE, "          - ratio > 1\n"),),
        [
            "33:21: never-fires: 'ratio > 1' never holds: coverage.ratio is between 0 and 1, "
            "so rule 'tiny.short' can never fire"
        ],
    ),
    "a count below 0": (
        (("[items >= param.min_items]", "[items < 0]"),),
        [
            "22:25: never-fires: 'items < 0' never holds: sufficiency.items is a whole number "
            "at least 0, so rule 'tiny.enough' can never fire"
        ],
    ),
    "a stage the framework does not have": (
        (with_short("      - fact: review", "        where: [stage == mrp]"),),
        [
            "35:26: never-fires: 'stage == mrp' never holds: 'mrp' is not a stage of hampshire "
            "(did you mean 'mpr'?), so rule 'tiny.short' can never fire"
        ],
    ),
    "in an empty list": (
        (with_short("      - fact: review", "        where:", "          - stage in []"),),
        [
            "36:22: never-fires: 'stage in []': the empty list matches no value, so the rule "
            "can never fire"
        ],
    ),
    "equality outside an in-set": (
        (
            with_short(
                "      - fact: review",
                "        where:",
                "          - stage in [ect1, ect2]",
                "          - stage == mpr",
            ),
        ),
        [
            "37:19: never-fires: 'stage == mpr' contradicts 'stage in [ect1, ect2]': "
            "no review.stage satisfies both, so rule 'tiny.short' can never fire"
        ],
    ),
    "equality inside a not-in set": (
        (
            with_short(
                "      - fact: review",
                "        where:",
                "          - stage not-in [mpr, upr1]",
                "          - stage == mpr",
            ),
        ),
        [
            "37:19: never-fires: 'stage == mpr' contradicts 'stage not-in [mpr, upr1]': "
            "no review.stage satisfies both, so rule 'tiny.short' can never fire"
        ],
    ),
    "a boolean both true and not": (
        (with_short("      - fact: conduct", "        where: [concern == true, concern != true]"),),
        [
            "35:42: never-fires: 'concern != true' contradicts 'concern == true': "
            "no conduct.concern satisfies both, so rule 'tiny.short' can never fire"
        ],
    ),
    "a join and its negation": (
        (
            with_short(
                "      - fact: modality",
                "        where: [statements > coverage.concerns, statements <= coverage.concerns]",
            ),
        ),
        [
            "35:60: never-fires: 'statements <= coverage.concerns' contradicts "
            "'statements > coverage.concerns': no coverage.concerns - modality.statements "
            "satisfies both, so rule 'tiny.short' can never fire"
        ],
    ),
    "two patterns on the one coverage fact": (
        (
            with_short(
                "      - fact: coverage", "        as: again", "        where: [ratio >= 0.9]"
            ),
        ),
        [
            "36:23: never-fires: 'ratio >= 0.9' contradicts 'ratio < param.low' "
            "(param.low = 0.5): no coverage.ratio satisfies both, so rule 'tiny.short' can "
            "never fire"
        ],
    ),
    "a fact the framework never has": (
        (("      - fact: coverage\n        where:\n", "      - fact: level\n        where:\n"),),
        [
            "31:15: never-fires: hampshire has no practice levels, so there is no level fact "
            "and rule 'tiny.short' can never fire"
        ],
    ),
    # --- never-fires: conclusions -------------------------------------------------------------
    "a conclusion only a dead rule draws": (
        (("[ratio >= param.low]", "[ratio > 1]"),),
        [
            "14:25: never-fires: 'ratio > 1' never holds: coverage.ratio is between 0 and 1, "
            "so rule 'tiny.ready' can never fire",
            "24:25: never-fires: 'name == ready' never holds: no rule that concludes 'ready' "
            "can fire (tiny.ready), so rule 'tiny.enough' can never fire",
        ],
    ),
    "a conclusion that needs itself": (
        (
            (
                "    then: {conclude: ready}\n",
                "      - fact: conclusion\n        where: [name == ready]\n"
                "    then: {conclude: ready}\n",
            ),
        ),
        [
            "16:25: never-fires: 'name == ready' never holds: no rule that concludes 'ready' "
            "can fire (tiny.ready): 'ready' depends on itself (ready -> ready), so rule "
            "'tiny.ready' can never fire",
            "26:25: never-fires: 'name == ready' never holds: no rule that concludes 'ready' "
            "can fire (tiny.ready): 'ready' depends on itself (ready -> ready), so rule "
            "'tiny.enough' can never fire",
        ],
    ),
    "conditions contradicting the conclusion's": (
        (
            (
                "        where: [name == ready]\n",
                "        where: [name == ready]\n      - fact: coverage\n"
                "        where: [ratio < 0.3]\n",
            ),
        ),
        [
            "17:9: never-fires: rule 'tiny.enough' can never fire: its conditions and those of "
            "the rules concluding 'ready' cannot all hold at once"
        ],
    ),
    "the one modality fact a key names, in two rules": (
        (
            (
                "        where: [ratio >= param.low]\n",
                "        where: [ratio >= param.low]\n      - fact: modality\n"
                "        where: [modality == confidently, ratio >= 0.5]\n",
            ),
            (
                "        where: [name == ready]\n",
                "        where: [name == ready]\n      - fact: modality\n"
                "        as: shown\n        where: [ratio < 0.3, modality == confidently]\n",
            ),
        ),
        [
            "19:9: never-fires: rule 'tiny.enough' can never fire: its conditions and those of "
            "the rules concluding 'ready' cannot all hold at once"
        ],
    ),
    "two modality facts, two rules": (
        (
            (
                "        where: [ratio >= param.low]\n",
                "        where: [ratio >= param.low]\n      - fact: modality\n"
                "        where: [modality == confidently, ratio >= 0.5]\n",
            ),
            (
                "        where: [name == ready]\n",
                "        where: [name == ready]\n      - fact: modality\n"
                "        where: [ratio < 0.3, modality == independently]\n",
            ),
        ),
        [],
    ),
    # --- unknown values that leave the rule alive ---------------------------------------------
    "a misspelt stage in a not-in list": (
        (
            with_short(
                "      - fact: review", "        where:", "          - stage not-in [ect1, etc2]"
            ),
        ),
        [
            "36:26: unknown-value: 'stage not-in [ect1, etc2]': 'etc2' is not a stage of "
            "hampshire (did you mean 'ect2'?)"
        ],
    ),
    # --- same-priority conflicts ----------------------------------------------------------------
    "priority: rules that overlap at the same priority": (
        (PRIORITY, (SHORT_WHERE, "          - ratio < 0.9\n")),
        [
            "27:9: priority-conflict: rules 'tiny.enough' (line 17) and 'tiny.short' both have "
            "priority 0 and can fire on the same review, proposing 'achieved' and 'not-met'; "
            "under strategy 'priority' neither outranks the other: give one a lower priority "
            "number"
        ],
    ),
    "priority: overlapping rules at different priorities": (
        (
            PRIORITY,
            (SHORT_WHERE, "          - ratio < 0.9\n"),
            (SHORT_THEN, SHORT_THEN + "    priority: 1\n"),
        ),
        [],
    ),
    "priority: rules at the same priority that never meet": (
        (PRIORITY,),
        [],
    ),
    "first-in-order: overlapping rules are no conflict": (
        ((SHORT_WHERE, "          - ratio < 0.9\n"),),
        [],
    ),
}


def check(tmp_path: Path, text: str) -> list[str]:
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    return [str(d).removeprefix(f"{path}:") for d in check_ruleset(path, CATALOGUE)]


@pytest.mark.parametrize("name", list(CASES))
def test_a_small_broken_rule_set(tmp_path: Path, name: str) -> None:
    edits, expected = CASES[name]
    assert check(tmp_path, edited(*edits)) == expected


def test_the_valid_rule_set_has_no_problems(tmp_path: Path) -> None:
    assert check(tmp_path, VALID) == []


def test_every_problem_at_once_sorted_by_place(tmp_path: Path) -> None:
    text = edited(
        ("[ratio >= param.low]", "[ratio > 1]"),
        with_short("      - fact: review", "        where:", "          - stage not-in [etc1]"),
    )
    assert [line.split(": ")[1] for line in check(tmp_path, text)] == [
        "never-fires",
        "never-fires",
        "unknown-value",
    ]


def test_a_file_that_does_not_load_is_reported_not_raised(tmp_path: Path) -> None:
    assert check(tmp_path, "id: [tiny\n") == [
        "2:1: yaml-syntax: while parsing a flow sequence "
        "expected ',' or ']', but got '<stream end>'"
    ]
    assert check(tmp_path, "") == ["1:1: missing-field: the file is empty"]
    path = tmp_path / "latin1.yaml"
    path.write_bytes("title: caf\xe9\n".encode("latin-1"))
    assert [d.code for d in check_ruleset(path, CATALOGUE)] == ["yaml-syntax"]


def test_a_missing_file_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError, match="cannot read"):
        check_ruleset(tmp_path / "nowhere.yaml", CATALOGUE)


@pytest.mark.parametrize("path", sorted(ROOT.glob("rules/*/ruleset*.yaml")), ids=str)
def test_shipped_rule_sets_pass_every_static_check(path: Path) -> None:
    assert check_ruleset(path, CATALOGUE) == []
