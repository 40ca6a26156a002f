"""Decide: evaluate a review with a compiled rule set (facts → rules → proposals) and resolve
the proposals to one outcome; ``RuleSets`` finds and compiles the rule sets under rules/."""

from __future__ import annotations

from engine.decide.evaluate import Decision, Evaluator, input_hash
from engine.decide.resolution import NO_PROPOSAL, resolve
from engine.decide.rulesets import RuleSets

__all__ = [
    "NO_PROPOSAL",
    "Decision",
    "Evaluator",
    "RuleSets",
    "input_hash",
    "resolve",
]
