"""Can comparisons all hold at once? Interval and set reasoning, one variable at a time.

The static checks (``engine.testing.static_checks``) turn conditions into ``Atom``s over
variables: a field of a fact, or the difference of two numeric fields (a join such as
``statements > coverage.concerns`` is ``statements - coverage.concerns > 0``). Atoms on different
variables are independent here, so a conjunction holds when each variable's atoms hold.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from engine.facts.contract import FieldType

__all__ = ["Atom", "DiffVar", "FieldVar", "Range", "Scalar", "Var", "satisfiable", "store_holds"]

Scalar = int | float | bool | str
_FLIP = {"<": ">", "<=": ">=", ">": "<", ">=": "<=", "==": "==", "!=": "!="}


@dataclass(frozen=True, order=True)
class FieldVar:
    """A field of one fact of a case.

    The fact is the one a case has of its type, or the one whose key field (``KEYS`` in
    ``engine.facts.contract``) is ``key``; both have ``scope`` "", so rules share them. Any other
    fact is the one a pattern matched, and ``scope`` names the rule and pattern.
    """

    scope: str
    fact: str
    key: str
    field: str
    alias: str = dataclasses.field(
        default="", compare=False
    )  # how the rule names the fact, for messages

    def __str__(self) -> str:
        return f"{self.alias or self.fact}.{self.field}"


@dataclass(frozen=True)
class DiffVar:
    """The difference ``left - right`` of two numeric fields."""

    left: FieldVar
    right: FieldVar

    def __str__(self) -> str:
        return f"{self.left} - {self.right}"


Var = FieldVar | DiffVar


@dataclass(frozen=True)
class Atom:
    """One comparison: ``var OP value``; ``value`` is a tuple for ``in`` and ``not-in``."""

    var: Var
    op: str
    value: Scalar | tuple[Scalar, ...]

    @staticmethod
    def join(left: FieldVar, op: str, right: FieldVar) -> Atom:
        """``left OP right`` as a comparison of their difference with 0, in a canonical order."""
        if right < left:
            left, right, op = right, left, _FLIP[op]
        return Atom(DiffVar(left, right), op, 0)


@dataclass(frozen=True)
class Range:
    """What a variable can be before any condition: its type, bounds and finite values."""

    kind: FieldType
    low: float | None = None
    high: float | None = None
    values: frozenset[Scalar] | None = None  # None: any value of the type

    def __sub__(self, other: Range) -> Range:
        """The range of a difference of two numeric variables."""
        kind: FieldType = "int" if self.kind == other.kind == "int" else "float"
        low = None if self.low is None or other.high is None else self.low - other.high
        high = None if self.high is None or other.low is None else self.high - other.low
        return Range(kind, low, high)


def satisfiable(space: Range, atoms: Iterable[Atom]) -> bool:
    """True when some value in ``space`` satisfies every atom (all on one variable)."""
    allowed: set[Scalar] | None = set(space.values) if space.values is not None else None
    excluded: set[Scalar] = set()
    bounds = _Bounds(space.low, False, space.high, False)
    for atom in atoms:
        values = set(atom.value) if isinstance(atom.value, tuple) else {atom.value}
        if atom.op in ("==", "in"):
            allowed = values if allowed is None else allowed & values
        elif atom.op in ("!=", "not-in"):
            excluded |= values
        else:
            bounds = bounds.narrowed(atom.op, _number(atom.value))
    if space.kind in ("bool", "str"):
        return allowed is None or bool(allowed - excluded)
    if space.kind == "int":
        bounds = bounds.integral()
    if allowed is not None:
        return any(
            bounds.holds(_number(v)) and v not in excluded and _fits(space.kind, v) for v in allowed
        )
    return bounds.has_room(excluded, integral=space.kind == "int")


def store_holds(atoms: Iterable[Atom], space_of: Callable[[Var], Range]) -> bool:
    """True when every variable's atoms in ``atoms`` can hold."""
    by_var: dict[Var, list[Atom]] = {}
    for atom in atoms:
        by_var.setdefault(atom.var, []).append(atom)
    return all(satisfiable(space_of(var), group) for var, group in by_var.items())


@dataclass(frozen=True)
class _Bounds:
    """An interval; ``*_open`` says whether its end is excluded."""

    low: float | None
    low_open: bool
    high: float | None
    high_open: bool

    def narrowed(self, op: str, value: float) -> _Bounds:
        low, low_open, high, high_open = self.low, self.low_open, self.high, self.high_open
        if op in (">", ">=") and (low is None or value > low or (value == low and op == ">")):
            low, low_open = value, op == ">"
        if op in ("<", "<=") and (high is None or value < high or (value == high and op == "<")):
            high, high_open = value, op == "<"
        return _Bounds(low, low_open, high, high_open)

    def integral(self) -> _Bounds:
        """The same interval over integers, with closed integer ends."""
        low = self.low
        if low is not None:
            low = math.floor(low) + 1 if self.low_open else math.ceil(low)
        high = self.high
        if high is not None:
            high = math.ceil(high) - 1 if self.high_open else math.floor(high)
        return _Bounds(low, False, high, False)

    def holds(self, value: float) -> bool:
        above = self.low is None or value > self.low or (value == self.low and not self.low_open)
        below = (
            self.high is None or value < self.high or (value == self.high and not self.high_open)
        )
        return above and below

    def has_room(self, excluded: set[Scalar], *, integral: bool) -> bool:
        """True when the interval holds a value that is not excluded."""
        if self.low is None or self.high is None:
            return True
        if self.low > self.high or (self.low == self.high and (self.low_open or self.high_open)):
            return False
        if self.low == self.high:
            return self.low not in excluded
        if not integral:
            return True  # a real interval holds infinitely many values
        size = int(self.high - self.low) + 1
        return size > sum(1 for v in excluded if self.holds(_number(v)) and _fits("int", v))


def _number(value: object) -> float:
    assert isinstance(value, (int, float)) and not isinstance(value, bool), value
    return value


def _fits(kind: FieldType, value: Scalar) -> bool:
    return kind != "int" or float(value).is_integer()
