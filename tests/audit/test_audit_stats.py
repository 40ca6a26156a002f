"""The exact tests: Fisher's one-sided test against full enumeration, and Holm's correction."""

from __future__ import annotations

from fractions import Fraction
from math import comb

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.audit.stats import fisher_greater, holm, p_clause


def enumerated(a: int, b: int, c: int, d: int) -> float:
    """P(X >= a) by summing the hypergeometric probabilities exactly, as fractions."""
    row, col, total = a + b, a + c, a + b + c + d
    tail = sum(
        Fraction(comb(col, x) * comb(total - col, row - x), comb(total, row))
        for x in range(a, min(row, col) + 1)
    )
    return float(tail)


def test_fisher_matches_the_lady_tasting_tea() -> None:
    # Fisher's own example: 3 of 4 cups right; one-sided p = 17/70.
    assert fisher_greater(3, 1, 1, 3) == pytest.approx(17 / 70)


@given(st.lists(st.integers(0, 25), min_size=4, max_size=4))
def test_fisher_equals_exact_enumeration(cells: list[int]) -> None:
    assert fisher_greater(*cells) == pytest.approx(enumerated(*cells), rel=1e-9, abs=1e-12)


def test_fisher_rejects_negative_counts() -> None:
    with pytest.raises(ValueError, match="counts"):
        fisher_greater(-1, 2, 3, 4)


def test_holm_adjusts_in_input_order_and_stays_monotone() -> None:
    # Sorted 0.01, 0.02, 0.04 with m = 3: 0.03, max(0.03, 0.04), max(0.04, 0.04).
    assert holm([0.04, 0.01, 0.02]) == pytest.approx([0.04, 0.03, 0.04])
    assert holm([0.9, 0.5]) == pytest.approx([1.0, 1.0])
    assert holm([]) == []


def test_p_values_are_written_without_false_precision() -> None:
    assert p_clause(0.0) == "p < 1e-12"
    assert p_clause(0.0213) == "p = 0.021"
    assert p_clause(None) == "p = 1"
