"""Resolution strategies: the resolution order decides, or the proposing rule's priority does."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from engine.catalogue import Catalogue
from engine.compiler import compile_ruleset
from engine.evaluate import Evaluator
from engine.explain import recommend
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
