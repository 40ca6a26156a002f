"""The evaluator end to end: resolution, explanation, next steps and the decision record."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator, input_hash
from engine.decide.resolution import NO_PROPOSAL
from engine.decide.rulesets import RuleSets
from engine.recommend.changes import apply_changes
from engine.recommend.recommendation import recommend
from engine.rules.compiler import compile_ruleset
from schemas.recommendation import Recommendation
from schemas.review import Review
from schemas.ruleset import RuleSet

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Catalogue()
RULESETS = RuleSets(CATALOGUE)


def case_review(name: str) -> Review:
    path = ROOT / "rules" / "hampshire" / "cases" / f"{name}.yaml"
    return Review.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))["review"])


@pytest.mark.parametrize(
    "name",
    [
        "03-mpr-achieved",
        "04-mpr-ect1-only-with-support",
        "09-mpr-too-few-items",
        "15-mpr-objectives-not-met",
    ],
)
def test_next_steps_reach_the_band_they_promise(name: str) -> None:
    review = case_review(name)
    evaluator = RULESETS.evaluator(review)
    rec = recommend(evaluator, review)
    steps = rec.next_steps
    assert steps.confirmed and steps.changes and steps.target
    after = evaluator.decide(apply_changes(review, steps.changes))
    assert after.rating is not None
    assert evaluator.scale.index(after.rating) >= evaluator.scale.index(steps.target)


def test_next_steps_are_phrased_with_the_framework_s_own_statements() -> None:
    review = case_review("04-mpr-ect1-only-with-support")
    rec = recommend(RULESETS.evaluator(review), review)
    texts = {s.id: s.text for s in CATALOGUE["hampshire"].statements}
    change = next(c for c in rec.next_steps.changes if c.statement)
    assert texts[change.statement or ""] in change.text
    assert change.modality == "confidently"


def test_person_first_cases_get_no_next_steps_and_say_why() -> None:
    review = case_review("11-mpr-conduct-concern")
    rec = recommend(RULESETS.evaluator(review), review)
    assert rec.outcome == "needs_human_review" and rec.rating is None
    assert not rec.next_steps.changes and "person" in rec.next_steps.note
    assert rec.decided_by == ("hampshire.conduct.route",)
    assert "conduct concern" in rec.summary


def test_excluded_evidence_is_reported_with_why() -> None:
    review = case_review("17-mpr-evidence-outside-cycle")
    rec = recommend(RULESETS.evaluator(review), review, next_steps=False)
    assert {e.id for e in rec.excluded_evidence} == {e.id for e in review.evidence}
    assert all("before the cycle" in e.reason for e in rec.excluded_evidence)
    assert any(line.text.startswith("Evidence e1 was not used") for line in rec.rationale)


def test_rationale_cites_rules_statements_and_evidence() -> None:
    review = case_review("04-mpr-ect1-only-with-support")
    rec = recommend(RULESETS.evaluator(review), review, next_steps=False)
    assert rec.rating == "not-met" and rec.rating_label == "Not met expectations"
    first = rec.rationale[0]
    assert first.rule == "hampshire.rating.not-met" and first.evidence
    standard_lines = [line for line in rec.rationale if line.text.startswith("Standard 1 ")]
    assert standard_lines and standard_lines[0].statements
    ect1 = next(row for row in rec.ledger if row.stage == "ect1")
    assert ect1.modality == "confidently" and ect1.met == 0 and ect1.missing


def test_trace_records_every_firing_with_matched_facts() -> None:
    review = case_review("03-mpr-achieved")
    rec = recommend(RULESETS.evaluator(review), review, next_steps=False)
    rules = [f.rule for f in rec.trace.firings]
    assert rules.index("hampshire.stage.meets") < rules.index("hampshire.rating.achieved")
    achieved = next(f for f in rec.trace.firings if f.rule == "hampshire.rating.achieved")
    assert achieved.action == "propose achieved"
    assert {m["name"] for m in achieved.matched.values()} == {
        "meets-stage",
        "objectives-acceptable",
    }


def test_decision_record_seals_ruleset_input_and_engine() -> None:
    review = case_review("03-mpr-achieved")
    evaluator = RULESETS.evaluator(review)
    when = dt.datetime(2026, 7, 31, 12, tzinfo=dt.UTC)
    rec = recommend(evaluator, review, now=when, next_steps=False)
    assert rec.record.input_hash == input_hash(review)
    assert rec.record.ruleset_hash == evaluator.compiled.content_hash
    assert rec.record.evaluated_at == when and "durable-rules/2.0.28" in rec.record.engine_version
    again = recommend(evaluator, review, now=when, next_steps=False)
    assert again == rec  # same input, same rule set: same result, same trace


def test_no_proposal_is_an_explicit_status_not_a_default() -> None:
    ruleset, framework = RULESETS.load("hampshire"), CATALOGUE["hampshire"]
    data: dict[str, Any] = ruleset.model_dump(by_alias=True)
    data["rules"] = [r for r in data["rules"] if r["id"] == "hampshire.conduct.route"]
    data["id"] = "hampshire.only-conduct"
    evaluator = Evaluator(compile_ruleset(RuleSet.model_validate(data), framework))
    rec = recommend(evaluator, case_review("03-mpr-achieved"), next_steps=False)
    assert rec.outcome == "needs_human_review" and rec.summary == NO_PROPOSAL


def test_recommendation_round_trips_as_json() -> None:
    review = case_review("06-upr2-3-exceptional")
    rec = recommend(RULESETS.evaluator(review), review)
    assert Recommendation.model_validate_json(rec.model_dump_json()) == rec
    assert rec.next_steps.target is None and rec.next_steps.confirmed
