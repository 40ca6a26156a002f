"""Mutants of a rule set: the small slips an author makes, each one a changed copy of the rule set.

Five kinds, each a one-place change of the parsed rule set (``schemas.ruleset.RuleSet``):

- ``threshold``: a condition's threshold (a parameter or a number) moved one step either way
  (1 for a whole number, 0.05 for a fraction), within the parameter's declared bounds;
- ``comparison``: a condition's comparison turned round (``<`` ↔ ``>=``, ``<=`` ↔ ``>``,
  ``==`` ↔ ``!=``, ``in`` ↔ ``not-in``);
- ``condition``: one condition left out;
- ``order``: two neighbouring outcomes of the resolution order swapped (which rule's proposal wins);
- ``rating``: a rule's proposed rating moved one band up or down its scale.

A mutant is **equivalent** when the static reasoning (``engine.testing.static_checks``) proves it
cannot change any result: the changed rule never fires before or after, its conditions admit
exactly the same facts, or the two swapped outcomes are never proposed on the same review. No
test can notice an equivalent mutant, so it is listed apart and left out of the score.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from engine.errors import InputError
from engine.rules.compiler import compile_ruleset
from engine.rules.conditions import Operand, parse_condition
from engine.rules.scales import outcome_scales
from engine.testing.static_checks import RuleSetFacts
from schemas.framework import Framework
from schemas.ruleset import Rule, RuleSet

__all__ = ["KINDS", "Mutant", "mutants"]

Kind = Literal["threshold", "comparison", "condition", "order", "rating"]
KINDS: tuple[Kind, ...] = ("threshold", "comparison", "condition", "order", "rating")
FRACTION_STEP = 0.05
_TURNED = {
    "<": ">=",
    ">=": "<",
    "<=": ">",
    ">": "<=",
    "==": "!=",
    "!=": "==",
    "in": "not-in",
    "not-in": "in",
}


@dataclass(frozen=True)
class Mutant:
    """One changed copy of a rule set: which rule, what kind of change, and the change in words."""

    number: int
    rule: str  # the changed rule's id; "resolution" for an order swap
    kind: Kind
    description: str
    ruleset: RuleSet
    equivalent: str | None = None  # why the static reasoning proves it changes nothing


def mutants(ruleset: RuleSet, framework: Framework) -> list[Mutant]:
    """Every mutant of ``ruleset`` that compiles, numbered, with equivalents recognised."""
    original = RuleSetFacts(ruleset, framework)
    found: list[Mutant] = []
    for rule_id, kind, description, changed in _changes(ruleset, framework):
        try:
            compile_ruleset(changed, framework, cache=False)
        except InputError:
            continue  # a slip the compiler already rejects, with a diagnostic of its own
        why = _equivalence(original, RuleSetFacts(changed, framework), rule_id, kind, description)
        found.append(Mutant(len(found) + 1, rule_id, kind, description, changed, why))
    return found


def _changes(ruleset: RuleSet, framework: Framework) -> Iterator[tuple[str, Kind, str, RuleSet]]:
    for index, rule in enumerate(ruleset.rules):
        for j, pattern in enumerate(rule.when):
            for k, text in enumerate(pattern.where):
                for kind, new_text, said in _condition_changes(ruleset, text):
                    where = (*pattern.where[:k], *((new_text,) if new_text else ()))
                    where += pattern.where[k + 1 :]
                    changed = _with_where(ruleset, index, j, where)
                    yield rule.id, kind, f"rule `{rule.id}`: {said}", changed
        yield from _rating_changes(ruleset, framework, index, rule)
    yield from _order_changes(ruleset)


def _condition_changes(ruleset: RuleSet, text: str) -> Iterator[tuple[Kind, str | None, str]]:
    """The changed texts of one condition (``None``: left out) and each change in words."""
    condition = parse_condition(text)
    operand = text[condition.operand.offset :]
    head = f"{condition.field} {condition.op}"
    for moved, said in _moved_thresholds(ruleset, condition.operand):
        yield "threshold", f"{head} {moved}", f"{text!r}: {said}"
    turned = _TURNED[condition.op]
    turned_text = f"{condition.field} {turned} {operand}"
    yield "comparison", turned_text, f"{text!r} → {turned_text!r}"
    yield "condition", None, f"condition {text!r} left out"


def _moved_thresholds(ruleset: RuleSet, operand: Operand) -> Iterator[tuple[str, str]]:
    """A numeric threshold one step down and one step up, each with the move in words."""
    low = high = None
    value: object
    if operand.kind == "param":
        parameter = ruleset.parameters[operand.name]
        value, name, low, high = parameter.default, operand.name, parameter.min, parameter.max
    elif operand.kind == "literal":
        value, name = operand.value, "threshold"
    else:
        return
    if isinstance(value, bool) or not isinstance(value, int | float):
        return
    step = 1 if isinstance(value, int) else FRACTION_STEP
    for sign in (-1, 1):
        moved = round(value + sign * step, 10)
        if (low is not None and moved < low) or (high is not None and moved > high):
            continue
        yield _number(moved), f"{name} {_number(value)} → {_number(moved)}"


def _number(value: float) -> str:
    return f"{value:.2f}" if isinstance(value, float) else str(value)


def _with_where(ruleset: RuleSet, index: int, j: int, where: tuple[str, ...]) -> RuleSet:
    rule = ruleset.rules[index]
    patterns = tuple(
        p.model_copy(update={"where": where}) if n == j else p for n, p in enumerate(rule.when)
    )
    return _with_rule(ruleset, index, rule.model_copy(update={"when": patterns}))


def _with_rule(ruleset: RuleSet, index: int, rule: Rule) -> RuleSet:
    rules = tuple(rule if n == index else r for n, r in enumerate(ruleset.rules))
    return ruleset.model_copy(update={"rules": rules})


def _rating_changes(
    ruleset: RuleSet, framework: Framework, index: int, rule: Rule
) -> Iterator[tuple[str, Kind, str, RuleSet]]:
    """The rule's proposal moved to each neighbouring band of the scale it is on."""
    proposed = rule.then.propose
    scales = outcome_scales(ruleset, framework).values()
    levels = next((s.levels for s in scales if proposed in s.levels), ())
    if proposed is None or not levels:
        return
    at = levels.index(proposed)
    for band in (*levels[max(at - 1, 0) : at], *levels[at + 1 : at + 2]):
        then = rule.then.model_copy(update={"propose": band})
        changed = _with_rule(ruleset, index, rule.model_copy(update={"then": then}))
        yield rule.id, "rating", f"rule `{rule.id}`: proposes {band} instead of {proposed}", changed


def _order_changes(ruleset: RuleSet) -> Iterator[tuple[str, Kind, str, RuleSet]]:
    order = ruleset.resolution.order
    for k in range(len(order) - 1):
        swapped = (*order[:k], order[k + 1], order[k], *order[k + 2 :])
        resolution = ruleset.resolution.model_copy(update={"order": swapped})
        said = f"resolution order: {order[k + 1]} before {order[k]} (was {order[k]} first)"
        yield "resolution", "order", said, ruleset.model_copy(update={"resolution": resolution})


def _equivalence(
    original: RuleSetFacts, changed: RuleSetFacts, rule_id: str, kind: Kind, said: str
) -> str | None:
    """Why the mutant provably changes no result, or ``None`` when it may."""
    if kind == "order":
        order = original.ruleset.resolution.order
        swapped = changed.ruleset.resolution.order
        k = next(i for i, (a, b) in enumerate(zip(order, swapped, strict=True)) if a != b)
        if not original.may_propose_together(order[k], order[k + 1]):
            return f"no review can be proposed both {order[k]} and {order[k + 1]}"
        return None
    index = next(i for i, r in enumerate(original.ruleset.rules) if r.id == rule_id)
    if not original.can_fire(index) and not changed.can_fire(index):
        return f"rule `{rule_id}` can never fire, before or after the change"
    if kind != "rating" and original.same_conditions(index, changed):
        return f"rule `{rule_id}` admits the same facts after the change"
    return None
