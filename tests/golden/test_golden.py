"""Every golden case of every framework: a review and what its rule set must make of it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.recommend.recommendation import recommend
from schemas.review import Review

ROOT = Path(__file__).resolve().parents[2]
CASES = sorted((ROOT / "rules").glob("*/cases/*.yaml"))
RULESETS = RuleSets(Catalogue())


def load_case(path: Path) -> dict[str, Any]:
    case = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert set(case) <= {"name", "description", "ruleset", "review", "expect"}, path
    return dict(case)


@pytest.mark.parametrize("path", CASES, ids=[f"{p.parent.parent.name}/{p.stem}" for p in CASES])
def test_golden_case(path: Path) -> None:
    case = load_case(path)
    review = Review.model_validate(case["review"])
    expect = case["expect"]
    rec = recommend(RULESETS.evaluator(review, case.get("ruleset")), review, next_steps=False)
    fired = {f.rule for f in rec.trace.firings}
    assert rec.outcome == expect["outcome"], rec.summary
    assert rec.rating == expect.get("rating"), rec.summary
    assert set(expect.get("fired", [])) <= fired, sorted(fired)
    assert not set(expect.get("not_fired", [])) & fired, sorted(fired)
    if "purpose" in expect:
        assert rec.purpose == expect["purpose"]
    # A rule-set scale (an ECT's induction scale) is named; none means the framework's own.
    assert rec.scale == expect.get("scale"), rec.summary
    said = [line for cause in rec.causes for line in (cause.text, *cause.details)]
    for part in expect.get("causes", []):
        assert any(part in line for line in said), (part, said)


def test_every_rating_and_status_of_each_rule_set_has_a_case_asserting_its_causes() -> None:
    asserted: dict[str, set[str]] = {}
    for path in CASES:
        expect = load_case(path)["expect"]
        if expect.get("causes"):
            outcome = expect.get("rating") or expect["outcome"]
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
            expect = load_case(path)["expect"]
            outcomes.add(expect.get("rating") or expect["outcome"])
    scale = {level.id for level in Catalogue()[framework].scale.levels}
    own = {level for s in RULESETS.compiled(framework).scales.values() for level in s.levels}
    assert scale | own | {"insufficient_evidence", "needs_human_review"} <= outcomes
