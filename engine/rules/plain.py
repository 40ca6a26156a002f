"""A plain Python interpretation of the compiled rules, the yardstick for the durable-rules step.

It reads the same ``RuleSpec`` definitions the compiler gives durable-rules (the subset the
compiler emits: ``$and``, ``$or``, equality, ``$neq``/``$lt``/``$lte``/``$gt``/``$gte`` against a
value or a join reference ``{alias: field}``) and fires every combination of facts that matches
a rule's patterns once, lower ``pri`` first, asserting conclusions as new facts (forward
chaining). Tests check it gives exactly durable's firings; the benchmark compares their speed.
"""

from __future__ import annotations

import heapq
import itertools
import operator
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

from engine.rules._durable import RawFiring, RuleSpec, conclusion_fact

__all__ = ["PlainRuleset"]

Fact = Mapping[str, Any]
Bindings = dict[str, Fact]
Test = Callable[[Fact, Bindings], bool]

_COMPARE: dict[str, Callable[[Any, Any], bool]] = {
    "$neq": operator.ne,
    "$lt": operator.lt,
    "$lte": operator.le,
    "$gt": operator.gt,
    "$gte": operator.ge,
}


def _value(right: Any) -> Callable[[Bindings], Any]:
    """A literal, or a reference ``{alias: field}`` to a fact matched earlier in the rule."""
    if isinstance(right, dict):
        ((alias, name),) = right.items()
        return lambda bound: bound[alias].get(name)
    return lambda bound: right


def _comparison(compare: Callable[[Any, Any], bool], name: str, right: Any) -> Test:
    value = _value(right)

    def test(fact: Fact, bound: Bindings) -> bool:
        left, wanted = fact.get(name), value(bound)
        if left is None or wanted is None or type(left) is not type(wanted):
            return False  # durable compares mismatched or missing values as unequal
        return compare(left, wanted)

    return test


def _test(node: Mapping[str, Any]) -> Test:
    """Compile one durable test expression to a predicate over (fact, earlier bindings)."""
    ((key, body),) = node.items()
    if key in ("$and", "$or"):
        parts = [_test(part) for part in body]
        combine = all if key == "$and" else any
        return lambda fact, bound: combine(part(fact, bound) for part in parts)
    if key in _COMPARE:
        ((name, right),) = body.items()
        return _comparison(_COMPARE[key], name, right)
    return _comparison(operator.eq, key, body)


class PlainRuleset:
    """The compiled rules interpreted directly: the same firings as ``DurableRuleset.run``."""

    def __init__(self, rules: Sequence[RuleSpec]) -> None:
        self.rules = tuple(rules)
        self._rules = [_PlainRule(spec, index) for index, spec in enumerate(self.rules)]
        self._by_type: dict[str, list[_PlainRule]] = {}
        for rule in self._rules:
            for fact_type in dict.fromkeys(rule.types):
                self._by_type.setdefault(fact_type, []).append(rule)

    def run(self, case_id: str, facts: Sequence[Fact]) -> list[RawFiring]:
        """Fire every matching combination once, lowest ``pri`` first, chaining conclusions."""
        by_type: dict[str, list[Fact]] = {}
        for fact in facts:
            by_type.setdefault(fact["t"], []).append(fact)
        agenda: list[tuple[int, int, int, Bindings, _PlainRule]] = []
        order = itertools.count()
        for rule in self._rules:
            for bound in rule.matches(by_type, None):
                heapq.heappush(agenda, (rule.pri, rule.index, next(order), bound, rule))
        firings: list[RawFiring] = []
        derived_ids: set[str] = set()
        while agenda:
            _, _, _, bound, rule = heapq.heappop(agenda)
            matched = {alias: dict(fact) for alias, fact in bound.items()}
            firings.append(RawFiring(len(firings), rule.spec.name, matched))
            if rule.spec.conclude is None:
                continue
            derived = conclusion_fact(rule.spec, matched)
            if derived["id"] in derived_ids:
                continue  # the same conclusion from the same premises: durable ignores it too
            derived_ids.add(derived["id"])
            by_type.setdefault("conclusion", []).append(derived)
            for consumer in self._by_type.get("conclusion", ()):
                for new in consumer.matches(by_type, derived):
                    heapq.heappush(
                        agenda, (consumer.pri, consumer.index, next(order), new, consumer)
                    )
        return firings


class _PlainRule:
    """One rule's patterns as predicates, with the fact type each pattern tests first."""

    def __init__(self, spec: RuleSpec, index: int) -> None:
        self.spec, self.index = spec, index
        self.pri: int = spec.definition.get("pri", 0)
        patterns = [p[alias] for p, alias in zip(spec.definition["all"], spec.aliases, strict=True)]
        self.types = tuple(p["$and"][0]["t"] for p in patterns)
        self.tests = tuple(_test(p) for p in patterns)

    def matches(
        self, by_type: Mapping[str, Sequence[Fact]], new: Fact | None
    ) -> Iterator[Bindings]:
        """Every binding of the patterns to distinct facts; with ``new``, only those using it."""
        yield from self._bind(0, by_type, {}, new)

    def _bind(
        self, i: int, by_type: Mapping[str, Sequence[Fact]], bound: Bindings, new: Fact | None
    ) -> Iterator[Bindings]:
        if i == len(self.tests):
            if new is None or any(fact is new for fact in bound.values()):
                yield dict(bound)
            return
        alias, test = self.spec.aliases[i], self.tests[i]
        for fact in by_type.get(self.types[i], ()):
            if any(fact is other for other in bound.values()) or not test(fact, bound):
                continue
            bound[alias] = fact
            yield from self._bind(i + 1, by_type, bound, new)
            del bound[alias]
