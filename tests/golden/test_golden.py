"""Every golden case of every framework: a review and what its rule set must make of it."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.testing.golden import Case, case_files, load_case, run_cases

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "rules").glob("*/cases/*.yaml"))
RULESETS = RuleSets(Catalogue())


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in CASES])
def test_golden_case(path: Path) -> None:
    case = load_case(path, RULESETS.catalogue)
    compiled = RULESETS.compiled(case.ruleset or case.data.review.framework)
    [result] = run_cases(compiled, [case])
    assert result.error is None, result.error
    assert result.passed, result.mismatches


def test_every_case_file_is_found_beside_a_rule_set_it_belongs_to() -> None:
    found = {case for ident, path in RULESETS.paths.items() for case in case_files(path, ident)}
    assert found == set(CASES)


def expectations(path: Path) -> Case:
    return load_case(path, RULESETS.catalogue)


def test_every_rating_and_status_of_each_rule_set_has_a_case_asserting_its_causes() -> None:
    asserted: dict[str, set[str]] = {}
    for path in CASES:
        expect = expectations(path).data.expect
        if expect.causes:
            outcome = expect.rating or expect.outcome
            asserted.setdefault(path.parent.parent.name, set()).add(outcome)
    for framework in ("hampshire", "hgios4", "wales-leaders", "isp"):
        scale = {level.id for level in Catalogue()[framework].scale.levels}
        # and every level of a rule set's own scales (Hampshire's induction outcomes for ECTs)
        ruleset = RULESETS.load(framework)
        scale |= {level.id for own in ruleset.scales.values() for level in own.levels}
        assert scale | {"insufficient_evidence", "needs_human_review"} <= asserted[framework]


def test_enough_golden_cases_per_framework() -> None:
    counts = {fw: sum(1 for p in CASES if p.parent.parent.name == fw) for fw in Catalogue()}
    assert counts["hampshire"] >= 14
    assert all(counts[fw] >= 6 for fw in ("hgios4", "wales-leaders", "isp")), counts


@pytest.mark.parametrize("framework", ["hampshire", "hgios4", "wales-leaders", "isp"])
def test_golden_cases_reach_every_rating_and_status(framework: str) -> None:
    outcomes = set()
    for path in CASES:
        if path.parent.parent.name == framework:
            expect = expectations(path).data.expect
            outcomes.add(expect.rating or expect.outcome)
    scale = {level.id for level in Catalogue()[framework].scale.levels}
    own = {level for s in RULESETS.compiled(framework).scales.values() for level in s.levels}
    assert scale | own | {"insufficient_evidence", "needs_human_review"} <= outcomes
