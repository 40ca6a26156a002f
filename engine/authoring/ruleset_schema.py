"""The JSON Schema of a rule set file that knows the fact contract: a pattern's ``fact`` is one
of the fact types, and each of its ``where`` conditions must start with a field of that type and
an operator (``engine.rules.conditions``), so ``exceded >= 1`` fails where it stands.

Given the parameter names of one rule set, a ``param.NAME`` operand must name one of them. The
rule compiler remains the judge (``appraise check``): operand types, aliases of joins, reason
templates and what a rule proposes are for it to check, with file:line:column diagnostics.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Sequence
from typing import Any

from engine.authoring._enums import described_enum
from engine.authoring.review_schema import DRAFT
from engine.facts.contract import FACT_TYPES, KEYS, ONE_PER_CASE
from engine.rules.conditions import OPERATORS
from schemas.ruleset import INVARIANTS, RuleSet

__all__ = ["condition_pattern", "ruleset_schema"]

Schema = dict[str, Any]
_EXAMPLE_VALUE = {"int": "1", "float": "0.5", "bool": "true", "str": "''"}


def ruleset_schema(parameters: Sequence[str] | None = None) -> Schema:
    """The schema of a rule set; with ``parameters``, ``param.NAME`` must name one of them."""
    schema: Schema = {"$schema": DRAFT, **copy.deepcopy(RuleSet.model_json_schema())}
    defs = schema["$defs"]
    pattern = defs["Pattern"]
    pattern["properties"]["fact"] = described_enum(
        ((fact, _fact_words(fact)) for fact in FACT_TYPES),
        "A fact type of the fact contract (engine/facts/contract.py).",
    )
    pattern["allOf"] = [_conditions_of(fact, parameters) for fact in FACT_TYPES]
    defs["InvariantSettings"]["properties"]["check"]["items"] = described_enum(
        (name, f"the {name} invariant (docs/testing-rulesets.md)") for name in INVARIANTS
    )
    if parameters is not None:
        schema["description"] = "A rule set whose conditions use these parameters: " + ", ".join(
            parameters
        )
    return schema


def condition_pattern(fact: str, parameters: Sequence[str] | None = None) -> str:
    """The regular expression a condition on ``fact`` matches: FIELD OP OPERAND."""
    # Names and operators need no escaping, and must not be escaped: an editor compiles the
    # pattern as an ECMAScript regular expression in unicode mode, where ``\-`` is an error.
    fields = "|".join(FACT_TYPES[fact])
    operators = "|".join(sorted(OPERATORS, key=len, reverse=True))
    operand = r"\S.*"
    if parameters is not None:
        names = "|".join(_checked_names(parameters))
        operand = rf"(?:param\.(?:{names})\s*$|(?!param\.)\S.*)"
    return rf"^\s*(?:{fields})\s+(?:{operators})\s+{operand}$"


def _conditions_of(fact: str, parameters: Sequence[str] | None) -> Schema:
    """If the pattern matches ``fact``, each condition starts with one of its fields."""
    fields = ", ".join(f"{name} ({kind})" for name, kind in FACT_TYPES[fact].items())
    condition = {
        "type": "string",
        "pattern": condition_pattern(fact, parameters),
        "description": f"FIELD OP OPERAND, FIELD one of {fact}'s: {fields}",
        # Shown by VS Code and the YAML language server instead of the regular expression.
        "patternErrorMessage": _pattern_message(fact, parameters),
        "examples": [
            f"{name} == {_EXAMPLE_VALUE[kind]}" for name, kind in FACT_TYPES[fact].items()
        ],
    }
    return {
        "if": {"properties": {"fact": {"const": fact}}, "required": ["fact"]},
        "then": {"properties": {"where": {"items": condition}}},
    }


def _pattern_message(fact: str, parameters: Sequence[str] | None) -> str:
    message = f"FIELD OP OPERAND: FIELD one of {', '.join(FACT_TYPES[fact])}; OP one of "
    message += " ".join(OPERATORS)
    if parameters is not None:
        message += f"; param.NAME one of {', '.join(parameters) or '(none declared)'}"
    return message


def _fact_words(fact: str) -> str:
    fields = ", ".join(FACT_TYPES[fact])
    if fact in ONE_PER_CASE:
        how = "one per case"
    elif fact in KEYS:
        how = f"one per {KEYS[fact]}"
    else:
        how = "many per case"
    return f"{fact} ({how}): {fields}"


_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


def _checked_names(parameters: Sequence[str]) -> list[str]:
    """The parameter names, each a plain name (as the rule set model requires)."""
    wrong = [name for name in parameters if not _NAME.match(name)]
    if wrong:
        raise ValueError(f"not parameter names: {', '.join(map(repr, wrong))}")
    return list(parameters)
