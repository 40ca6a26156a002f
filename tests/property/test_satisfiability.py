"""Property: the interval and set reasoning agrees with trying every value of a small domain."""

from __future__ import annotations

import operator
from collections.abc import Callable

from hypothesis import example, given, settings
from hypothesis import strategies as st

from engine.testing._satisfiability import Atom, DiffVar, FieldVar, Range, Scalar, satisfiable

VAR = FieldVar("", "sufficiency", "", "items")
COMPARE: dict[str, Callable[[float, float], bool]] = {
    "==": operator.eq,
    "!=": operator.ne,
    "<": operator.lt,
    "<=": operator.le,
    ">": operator.gt,
    ">=": operator.ge,
}
# Thresholds on both sides of, and between, the whole numbers of the domain [0, 8].
THRESHOLDS = st.sampled_from([-1, 0, 0.5, 1, 2, 3, 3.5, 4, 5, 7, 7.5, 8, 9])


def holds(atom: Atom, value: Scalar) -> bool:
    if atom.op == "in":
        return value in atom.value  # type: ignore[operator]
    if atom.op == "not-in":
        return value not in atom.value  # type: ignore[operator]
    if isinstance(value, str):
        return (value == atom.value) == (atom.op == "==")
    return COMPARE[atom.op](value, atom.value)  # type: ignore[arg-type]


numeric_atoms = st.one_of(
    st.builds(Atom, st.just(VAR), st.sampled_from(sorted(COMPARE)), THRESHOLDS),
    st.builds(
        Atom,
        st.just(VAR),
        st.sampled_from(["in", "not-in"]),
        st.lists(st.integers(-1, 9), max_size=6).map(tuple),
    ),
)
NAMES = ["ect1", "ect2", "mpr", "upr1"]
str_atoms = st.one_of(
    st.builds(Atom, st.just(VAR), st.sampled_from(["==", "!="]), st.sampled_from(NAMES)),
    st.builds(
        Atom,
        st.just(VAR),
        st.sampled_from(["in", "not-in"]),
        st.lists(st.sampled_from(NAMES), max_size=3).map(tuple),
    ),
)


@settings(max_examples=400, deadline=None)
@given(st.lists(numeric_atoms, max_size=5))
@example([Atom(VAR, ">=", 3), Atom(VAR, "<=", 4), Atom(VAR, "not-in", (3, 4))])
@example([Atom(VAR, ">", 2.5), Atom(VAR, "<", 3.5), Atom(VAR, "!=", 3)])
def test_whole_numbers_agree_with_trying_each(atoms: list[Atom]) -> None:
    space = Range("int", 0, 8)
    expected = any(all(holds(a, v) for a in atoms) for v in range(9))
    assert satisfiable(space, atoms) == expected


@settings(max_examples=300, deadline=None)
@given(st.lists(str_atoms, max_size=5))
def test_names_agree_with_trying_each(atoms: list[Atom]) -> None:
    space = Range("str", values=frozenset(NAMES[:3]))  # upr1 is not in the vocabulary
    expected = any(all(holds(a, v) for a in atoms) for v in NAMES[:3])
    assert satisfiable(space, atoms) == expected


def test_real_intervals_open_and_closed() -> None:
    ratio = Range("float", 0, 1)
    assert satisfiable(ratio, [Atom(VAR, ">", 0.5), Atom(VAR, "<", 0.6)])
    assert not satisfiable(ratio, [Atom(VAR, ">", 0.5), Atom(VAR, "<", 0.5)])
    assert not satisfiable(ratio, [Atom(VAR, ">=", 0.5), Atom(VAR, "<", 0.5)])
    assert satisfiable(ratio, [Atom(VAR, ">=", 0.5), Atom(VAR, "<=", 0.5)])
    assert not satisfiable(
        ratio, [Atom(VAR, ">=", 0.5), Atom(VAR, "<=", 0.5), Atom(VAR, "!=", 0.5)]
    )
    assert not satisfiable(ratio, [Atom(VAR, ">", 1)])
    assert satisfiable(ratio, [Atom(VAR, "==", 1)])
    assert not satisfiable(Range("float"), [Atom(VAR, "in", (0.5,)), Atom(VAR, "!=", 0.5)])


def test_a_join_is_the_difference_of_its_fields_in_a_canonical_order() -> None:
    left, right = FieldVar("", "coverage", "", "concerns"), FieldVar("r a", "modality", "", "x")
    assert Atom.join(right, ">", left) == Atom(DiffVar(left, right), "<", 0)
    assert Atom.join(left, "<", right) == Atom(DiffVar(left, right), "<", 0)
    counts = Range("int", 0) - Range("int", 0)
    assert counts == Range("int", None, None)
    assert Range("float", 0, 1) - Range("float", 0, 1) == Range("float", -1, 1)
