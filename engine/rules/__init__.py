"""Rules: a ``ruleset.yaml`` checked and compiled onto durable-rules (Rete), once per content
hash; ``plain`` interprets the same rules directly, to test and measure the durable path by."""

from __future__ import annotations

from engine.rules.compiler import (
    CompiledRules,
    compile_ruleset,
    load_ruleset,
    render_reason,
    ruleset_hash,
)
from engine.rules.conditions import (
    OPERATORS,
    Condition,
    ConditionError,
    Operand,
    parse_condition,
)
from engine.rules.plain import PlainRuleset
from engine.rules.scales import OutcomeScale, framework_scale, outcome_scales

__all__ = [
    "OPERATORS",
    "CompiledRules",
    "Condition",
    "ConditionError",
    "Operand",
    "OutcomeScale",
    "PlainRuleset",
    "compile_ruleset",
    "framework_scale",
    "load_ruleset",
    "outcome_scales",
    "parse_condition",
    "render_reason",
    "ruleset_hash",
]
