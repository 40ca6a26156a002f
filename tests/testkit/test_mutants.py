"""Mutants of a rule set: every kind of slip is made, said in words, and equivalents set apart."""

from __future__ import annotations

import functools
from pathlib import Path

import pytest

from engine.catalogue.frameworks import Catalogue
from engine.rules import compiler
from engine.rules.compiler import load_ruleset
from engine.testing.mutants import KINDS, Mutant, mutants
from engine.testing.mutation_run import MutantResult, MutationReport, run_mutants

CATALOGUE = Catalogue()
ROOT = Path(__file__).resolve().parents[2]

DEAD_RULE = """\
id: tiny
framework: hampshire
version: "1"
title: Tiny rule set with a rule that cannot fire
parameters:
  min_evidence_items: {type: int, default: 1, min: 1, reason: enough to judge}
rules:
  - id: tiny.few
    description: too few items
    source: test
    when: [{fact: sufficiency, where: [items < param.min_evidence_items]}]
    then: {status: insufficient_evidence}
    reason: few
  - id: tiny.dead
    description: never fires
    source: test
    when: [{fact: sufficiency, where: [items < 2, items > 5]}]
    then: {propose: not-met}
    reason: dead
  - id: tiny.ready
    description: ready
    source: test
    when: [{fact: conduct, where: [concern == false]}]
    then: {propose: achieved}
    reason: ready
resolution:
  order: [needs_human_review, insufficient_evidence, not-met, exceptional, achieved]
  expected: achieved
"""


@functools.cache
def shipped(ruleset_id: str) -> list[Mutant]:
    return mutants(*load_ruleset(ROOT / "rules" / ruleset_id / "ruleset.yaml", CATALOGUE))


def tiny(tmp_path: Path) -> list[Mutant]:
    path = tmp_path / "ruleset.yaml"
    path.write_text(DEAD_RULE, encoding="utf-8")
    return mutants(*load_ruleset(path, CATALOGUE))


def test_every_kind_of_slip_is_made_and_said_in_words() -> None:
    found = shipped("hampshire")
    assert {m.kind for m in found} == set(KINDS)
    said = {m.description for m in found}
    assert (
        "rule `hampshire.stage.meets`: 'unit_ratio >= param.achieved_min_unit_ratio': "
        "achieved_min_unit_ratio 0.75 → 0.80" in said
    )
    assert (
        "rule `hampshire.concerns.several-standards`: 'standards_with_concerns > "
        "param.max_standards_with_concerns' → 'standards_with_concerns <= "
        "param.max_standards_with_concerns'" in said
    )
    assert "rule `hampshire.rating.achieved`: proposes exceptional instead of achieved" in said
    assert "resolution order: exceptional before not-met (was not-met first)" in said
    assert [m.number for m in found] == list(range(1, len(found) + 1))


def test_a_mutant_changes_exactly_the_place_it_names() -> None:
    original = load_ruleset(ROOT / "rules/hampshire/ruleset.yaml", CATALOGUE)[0]
    mutant = next(m for m in shipped("hampshire") if "0.75 → 0.80" in m.description)
    changed = [
        (a.id, a.when, b.when)
        for a, b in zip(original.rules, mutant.ruleset.rules, strict=True)
        if a != b
    ]
    assert len(changed) == 1 and changed[0][0] == "hampshire.stage.meets"
    assert changed[0][2][0].where[0] == "unit_ratio >= 0.80"
    assert mutant.ruleset.parameters == original.parameters  # other rules keep the parameter


def test_thresholds_stay_within_the_parameters_bounds(tmp_path: Path) -> None:
    moved = [
        m.description for m in tiny(tmp_path) if m.rule == "tiny.few" and m.kind == "threshold"
    ]
    assert moved == [
        "rule `tiny.few`: 'items < param.min_evidence_items': min_evidence_items 1 → 2"
    ]  # 0 is below the parameter's declared minimum


def test_mutants_stay_out_of_the_compile_cache() -> None:
    before = dict(compiler._CACHE)
    mutants(*load_ruleset(ROOT / "rules" / "isp" / "ruleset.yaml", CATALOGUE))
    assert before == compiler._CACHE


def test_a_rule_that_never_fires_before_or_after_is_equivalent(tmp_path: Path) -> None:
    found = {m.description: m for m in tiny(tmp_path)}
    moved = found["rule `tiny.dead`: 'items < 2': threshold 2 → 3"]
    assert moved.equivalent == "rule `tiny.dead` can never fire, before or after the change"
    revived = found["rule `tiny.dead`: condition 'items > 5' left out"]
    assert revived.equivalent is None  # now it fires on a review with one item


def test_outcomes_never_proposed_together_make_an_order_swap_equivalent(tmp_path: Path) -> None:
    swaps = {m.description: m.equivalent for m in tiny(tmp_path) if m.kind == "order"}
    # tiny.dead, the only rule proposing not-met, never fires; nothing proposes exceptional
    assert swaps["resolution order: exceptional before not-met (was not-met first)"] == (
        "no review can be proposed both not-met and exceptional"
    )
    assert all(swaps.values())
    hampshire = {m.description: m.equivalent for m in shipped("hampshire") if m.kind == "order"}
    assert hampshire["resolution order: exceptional before not-met (was not-met first)"] is None


def test_a_dropped_condition_implied_by_the_rest_is_equivalent() -> None:
    found = {m.description: m for m in shipped("isp")}
    dropped = found[
        "rule `isp.meeting.not-leading`: condition 'name == standards-covered' left out"
    ]
    assert dropped.equivalent  # standards-covered is the only conclusion ISP draws
    assert not any(m.equivalent for m in shipped("hampshire") if m.kind != "order")


def test_equivalent_mutants_are_left_out_of_the_score(tmp_path: Path) -> None:
    made = tiny(tmp_path)
    results = (
        MutantResult(made[0], "killed", "golden case x"),
        MutantResult(made[1], "survived"),
        *(MutantResult(m, "equivalent", m.equivalent or "") for m in made[2:6]),
    )
    report = MutationReport("x", "tiny", 0, 10, results)
    assert report.score == pytest.approx(50.0)
    assert (report.count("killed"), report.count("survived"), report.count("equivalent")) == (
        1,
        1,
        4,
    )


def test_a_golden_case_the_rule_set_fails_kills_no_mutant(tmp_path: Path) -> None:
    path = tmp_path / "ruleset.yaml"
    path.write_text(DEAD_RULE, encoding="utf-8")
    (tmp_path / "cases").mkdir()
    case = (ROOT / "rules/hampshire/cases/03-mpr-achieved.yaml").read_text(encoding="utf-8")
    (tmp_path / "cases" / "03.yaml").write_text(case, encoding="utf-8")  # expects stage.meets
    report = run_mutants(path, CATALOGUE, max_examples=1)
    assert report.results and not any(r.by.startswith("golden case") for r in report.results)
