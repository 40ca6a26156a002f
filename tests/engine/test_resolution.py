"""Resolution strategies: the resolution order decides, or the proposing rule's priority does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.recommend.recommendation import recommend
from engine.rules.compiler import compile_ruleset, load_ruleset
from engine.testing.static_checks import check_ruleset
from schemas.review import Review
from schemas.ruleset import RuleSet

ROOT = Path(__file__).resolve().parents[2]
CATALOGUE = Catalogue()
ORDER = ["needs_human_review", "insufficient_evidence", "not-met", "exceptional", "achieved"]


def ruleset(strategy: str, priorities: dict[str, int]) -> RuleSet:
    """Three rules that all fire on any review, proposing achieved, not-met and exceptional."""
    outcomes = {"achieved": "items >= 0", "not-met": "tags >= 0", "exceptional": "kinds >= 0"}
    rules = [
        {
            "id": f"t.{outcome}",
            "description": outcome,
            "source": "test",
            "when": [{"fact": "sufficiency", "where": [condition]}],
            "then": {"propose": outcome},
            "reason": outcome,
            "priority": priorities[outcome],
        }
        for outcome, condition in outcomes.items()
    ]
    return RuleSet.model_validate(
        {
            "id": f"t.{strategy}.{'-'.join(str(p) for p in priorities.values())}",
            "framework": "hampshire",
            "version": "1",
            "title": "resolution test",
            "rules": rules,
            "resolution": {"strategy": strategy, "order": ORDER, "expected": "achieved"},
        }
    )


def review() -> Review:
    path = ROOT / "rules" / "hampshire" / "cases" / "03-mpr-achieved.yaml"
    return Review.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))["review"])


def decide(
    strategy: str, achieved: int, not_met: int, exceptional: int
) -> tuple[str, tuple[str, ...]]:
    priorities = {"achieved": achieved, "not-met": not_met, "exceptional": exceptional}
    evaluator = Evaluator(compile_ruleset(ruleset(strategy, priorities), CATALOGUE["hampshire"]))
    decision = evaluator.decide(review())
    assert {p.outcome for p in decision.proposals} == {"achieved", "not-met", "exceptional"}
    return decision.winner, decision.decided_by


def test_first_in_order_ignores_priority() -> None:
    winner, _ = decide("first-in-order", achieved=0, not_met=5, exceptional=9)
    assert winner == "not-met"
    winner, _ = decide("first-in-order", achieved=5, not_met=9, exceptional=0)
    assert winner == "not-met"


@pytest.mark.parametrize(
    ("achieved", "not_met", "exceptional", "expected"),
    [
        (0, 5, 9, "achieved"),
        (5, 0, 9, "not-met"),
        (5, 9, 1, "exceptional"),
        (3, 3, 7, "not-met"),  # a tie at the lowest priority: the resolution order breaks it
        (2, 2, 2, "not-met"),
    ],
)
def test_priority_the_lowest_priority_number_wins(
    achieved: int, not_met: int, exceptional: int, expected: str
) -> None:
    winner, decided_by = decide("priority", achieved, not_met, exceptional)
    assert winner == expected
    assert decided_by == (f"t.{expected}",)


def test_the_rationale_says_what_outranked_the_other_proposals() -> None:
    rs = ruleset("priority", {"achieved": 0, "not-met": 1, "exceptional": 2})
    evaluator = Evaluator(compile_ruleset(rs, CATALOGUE["hampshire"]))
    rec = recommend(evaluator, review(), next_steps=False)
    assert rec.rating == "achieved"
    texts = [line.text for line in rec.rationale]
    assert "Also proposed, outranked by rule priority: not-met (t.not-met)." in texts


@pytest.mark.parametrize("framework", ["hampshire", "hgios4", "isp", "wales-leaders"])
def test_priorities_following_the_order_decide_as_the_order_does(
    tmp_path: Path, framework: str
) -> None:
    """A shipped rule set rewritten for strategy 'priority' (each proposing rule at its
    outcome's place in the order) passes the static checks and decides every golden case alike.
    """
    shipped = ROOT / "rules" / framework / "ruleset.yaml"
    data = yaml.safe_load(shipped.read_text(encoding="utf-8"))
    order = data["resolution"]["order"]
    for rule in data["rules"]:
        outcome = rule["then"].get("propose") or rule["then"].get("status")
        if outcome:
            rule["priority"] = order.index(outcome)
    data["resolution"]["strategy"] = "priority"
    data["id"] = f"{framework}.by-priority"
    path = tmp_path / "ruleset.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    assert check_ruleset(path, CATALOGUE) == []
    by_order = Evaluator(compile_ruleset(*load_ruleset(shipped, CATALOGUE)))
    by_priority = Evaluator(compile_ruleset(*load_ruleset(path, CATALOGUE)))
    for case in sorted((ROOT / "rules" / framework / "cases").glob("*.yaml")):
        review = Review.model_validate(yaml.safe_load(case.read_text(encoding="utf-8"))["review"])
        assert by_priority.decide(review).winner == by_order.decide(review).winner, case.name
