"""Exact tests for the audit: one-sided Fisher exact test and Holm's multiple-test correction."""

from __future__ import annotations

import math
from collections.abc import Sequence

__all__ = ["fisher_greater", "format_p", "holm", "p_clause"]


def _log_comb(n: int, k: int) -> float:
    return math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)


def fisher_greater(a: int, b: int, c: int, d: int) -> float:
    """P(X ≥ a) for the 2×2 table [[a, b], [c, d]] with its margins fixed (hypergeometric).

    Small p means the first row has more of the first column than the margins lead one to
    expect: e.g. row = one appraiser, column = overridden upwards.
    """
    if min(a, b, c, d) < 0:
        raise ValueError("a 2×2 table holds counts, not negatives")
    row, col, total = a + b, a + c, a + b + c + d
    low, high = max(0, row - (total - col)), min(row, col)
    denominator = _log_comb(total, row)
    # Each term is exp(log C(col, x) + log C(total - col, row - x) - denominator), computed as
    # _log_comb would, with the two log-factorials that do not depend on x taken out of the loop.
    lgamma = math.lgamma
    first, second, rest = lgamma(col + 1), lgamma(total - col + 1), total - col - row
    terms = [
        math.exp(
            (first - lgamma(x + 1) - lgamma(col - x + 1))
            + (second - lgamma(row - x + 1) - lgamma(rest + x + 1))
            - denominator
        )
        for x in range(max(a, low), high + 1)
    ]
    return min(1.0, math.fsum(terms))


def holm(p_values: Sequence[float]) -> list[float]:
    """Holm–Bonferroni adjusted p-values, in input order (family-wise error rate control)."""
    order = sorted(range(len(p_values)), key=p_values.__getitem__)
    adjusted = [1.0] * len(p_values)
    running = 0.0
    for rank, index in enumerate(order):
        running = max(running, min(1.0, (len(p_values) - rank) * p_values[index]))
        adjusted[index] = running
    return adjusted


def format_p(p: float) -> str:
    """A p-value for people: two significant figures, and no false precision near zero."""
    return "< 1e-12" if p < 1e-12 else f"{p:.2g}"


def p_clause(p: float | None) -> str:
    """``p = 0.02`` or ``p < 1e-12`` (``p = 1`` when no test was made)."""
    text = format_p(1.0 if p is None else p)
    return f"p {text}" if text.startswith("<") else f"p = {text}"
