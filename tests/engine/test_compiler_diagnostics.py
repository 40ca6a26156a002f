"""One test per rule-compiler diagnostic code, on a small broken rule set, at the exact place."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.catalogue.frameworks import Catalogue
from engine.errors import RuleSetError
from engine.rules.compiler import compile_ruleset, load_ruleset

CATALOGUE = Catalogue()

# Lines asserted on below: 6 (parameter), 8-23 (the rules), 25 (resolution order).
VALID = """\
id: tiny
framework: hampshire
version: "1"
title: Tiny rule set
parameters:
  min_items: {type: int, default: 4, min: 1, reason: four items}
rules:
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
  - id: tiny.ready
    description: ready
    source: test
    when: [{fact: conduct, where: [concern == false]}]
    then: {conclude: ready}
    reason: ready
resolution:
  order: [needs_human_review, insufficient_evidence, not-met, exceptional, achieved]
  expected: achieved
"""


def edit(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def problems(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path, CATALOGUE)
    return [(d.line, d.column, d.code, d.message) for d in caught.value.diagnostics]


def test_valid_rule_set_compiles(tmp_path: Path) -> None:
    path = tmp_path / "ruleset.yaml"
    path.write_text(VALID, encoding="utf-8")
    ruleset, framework = load_ruleset(path, CATALOGUE)
    compiled = compile_ruleset(ruleset, framework)
    assert compiled.content_hash.startswith("sha256:")
    assert compile_ruleset(ruleset, framework) is compiled  # compiled once per content hash


def test_unknown_field_in_a_rule(tmp_path: Path) -> None:
    found = problems(
        tmp_path, edit("    then: {propose: achieved}", "    thn: {propose: achieved}")
    )
    assert (16, 5, "unknown-field", "rules[0] has no field 'thn' (did you mean 'then'?)") in found


def test_duplicate_rule_id(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("  - id: tiny.ready", "  - id: tiny.enough"))
    assert found == [(18, 9, "duplicate-id", "rule id 'tiny.enough' already used on line 8")]


def test_unknown_framework(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("framework: hampshire", "framework: hamshire"))
    assert found == [
        (2, 12, "unknown-framework", "unknown framework 'hamshire' (did you mean 'hampshire'?)")
    ]


def test_unknown_fact(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("      - fact: sufficiency", "      - fact: sufficency"))
    assert (
        12,
        15,
        "unknown-fact",
        "unknown fact 'sufficency' (did you mean 'sufficiency'?)",
    ) in found


def test_unknown_fact_field(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("[items >= param.min_items]", "[itms >= param.min_items]"))
    assert found == [
        (13, 17, "unknown-fact-field", "sufficiency has no field 'itms' (did you mean 'items'?)")
    ]


def test_unknown_parameter(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("[items >= param.min_items]", "[items >= param.min_itms]"))
    assert found == [
        (13, 26, "unknown-parameter", "unknown parameter 'min_itms' (did you mean 'min_items'?)")
    ]


def test_unknown_alias_in_a_join(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("[name == ready]", "[name == review.stage]"))
    assert [f[:3] for f in found] == [(15, 25, "unknown-alias")]


def test_duplicate_alias(tmp_path: Path) -> None:
    text = edit("      - fact: conclusion\n", "      - fact: sufficiency\n")
    found = problems(
        tmp_path, edit("        where: [name == ready]", "        where: [items > 1]", text)
    )
    assert [f[:3] for f in found] == [(14, 15, "duplicate-alias")]


def test_percent_formats_numbers_only(tmp_path: Path) -> None:
    for number in ("{sufficiency.items|percent}", "{param.min_items|percent}"):
        path = tmp_path / "ruleset.yaml"
        path.write_text(edit("{sufficiency.items} items", number), encoding="utf-8")
        compile_ruleset(*load_ruleset(path, CATALOGUE))
    found = problems(tmp_path, edit("{sufficiency.items} items", "{conclusion.name|percent}"))
    why = "'|percent' formats a number, and conclusion.name is a str"
    assert found == [(17, 13, "bad-template", f"{{conclusion.name|percent}}: {why}")]
    found = problems(tmp_path, edit("{sufficiency.items} items", "{sufficiency.items|pc}"))
    why = "unknown format 'pc' (use 'percent')"
    assert found == [(17, 13, "bad-template", f"{{sufficiency.items|pc}}: {why}")]


def test_unknown_operator(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("[items >= param.min_items]", "[items => param.min_items]"))
    assert [f[:3] for f in found] == [(13, 23, "unknown-operator")]


def test_bad_condition(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("[items >= param.min_items]", "[items >=]"))
    assert [f[:3] for f in found] == [(13, 17, "bad-condition")]


def test_type_mismatch(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("[concern == false]", "[concern >= 1]"))
    assert found == [(21, 44, "type-mismatch", "'concern >= 1': compares a bool field with a int")]


def test_unknown_rating(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("{propose: achieved}", "{propose: acheived}"))
    assert found == [
        (
            16,
            21,
            "unknown-rating",
            "'acheived' is not on the hampshire scale (did you mean 'achieved'?)",
        )
    ]


def test_unknown_conclusion(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("[name == ready]", "[name == redy]"))
    assert found == [
        (
            15,
            25,
            "unknown-conclusion",
            "no rule concludes 'redy' (did you mean 'ready'?), so this can never match",
        )
    ]


def test_bad_template(tmp_path: Path) -> None:
    found = problems(tmp_path, edit('"{sufficiency.items} items"', '"{sufficiency.itms} items"'))
    assert [f[:3] for f in found] == [(17, 13, "bad-template")]
    assert "did you mean 'items'" in found[0][3]


def test_bad_parameter(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("default: 4, min: 1", "default: 0, min: 1"))
    assert found == [(6, 35, "bad-parameter", "min_items: default 0 is below min 1.0")]


def test_resolution_incomplete(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("not-met, exceptional, achieved]", "not-met, achieved]"))
    assert found == [(25, 10, "resolution-incomplete", "resolution order leaves out 'exceptional'")]


def test_all_problems_at_once_sorted(tmp_path: Path) -> None:
    text = edit("{propose: achieved}", "{propose: acheived}")
    text = edit("[items >= param.min_items]", "[itms >= param.min_items]", text)
    text = edit("not-met, exceptional, achieved]", "not-met, achieved]", text)
    found = problems(tmp_path, text)
    assert [f[2] for f in found] == [
        "unknown-fact-field",
        "unknown-rating",
        "resolution-incomplete",
    ]


def test_shipped_rule_sets_compile() -> None:
    rules = Path(__file__).resolve().parents[2] / "rules"
    paths = sorted(rules.glob("*/ruleset*.yaml"))
    assert {p.parent.name for p in paths} >= {"hampshire"}
    for path in paths:
        ruleset, framework = load_ruleset(path, CATALOGUE)
        assert compile_ruleset(ruleset, framework).ruleset.id == ruleset.id


@pytest.mark.parametrize("quote", ['"', "'"])
def test_quoted_condition_points_inside_the_quotes(tmp_path: Path, quote: str) -> None:
    """A condition written in quotes: the column is of the character inside them, not before."""
    quoted = f"[{quote}itms >= param.min_items{quote}]"
    found = problems(tmp_path, edit("[items >= param.min_items]", quoted))
    assert [f[:3] for f in found] == [(13, 18, "unknown-fact-field")]
    line = quoted.join(VALID.split("[items >= param.min_items]")).splitlines()[12]
    assert line[18 - 1 :].startswith("itms")
