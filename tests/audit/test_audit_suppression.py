"""Suppression: every small cell is hidden, and no hidden cell can be worked out from the
published row and column totals (checked by linear algebra, independently of the graph method)."""

from __future__ import annotations

from collections import Counter

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.audit.groups import NOT_RECORDED, SMALL_GROUPS, group_tables
from engine.audit.scale import Scales
from engine.audit.suppress import bridges, suppress
from schemas.audit import AuditCase, AuditSettings, Monitoring

tables = st.integers(2, 6).flatmap(
    lambda rows: st.integers(2, 5).flatmap(
        lambda cols: st.lists(
            st.lists(st.integers(0, 40), min_size=cols, max_size=cols),
            min_size=rows,
            max_size=rows,
        )
    )
)


def determined(
    table: list[list[int]], hidden: list[list[bool]], signs: list[float] | None = None
) -> list[tuple[int, int]]:
    """Hidden cells whose value follows from the row and column equations and visible cells.

    Unknowns are the hidden cells; each row and each column gives one equation (a row's cells
    weighted by ``signs``, e.g. -1 for a row-size column: ratings - size = 0). A cell is
    determined exactly when its unit vector lies in the row space of the equations.
    """
    signs = signs or [1.0] * len(table[0])
    cells = [(i, j) for i, row in enumerate(hidden) for j, h in enumerate(row) if h]
    if not cells:
        return []
    rows = [[signs[c[1]] if c[0] == i else 0.0 for c in cells] for i in range(len(table))]
    columns = [[1.0 if c[1] == j else 0.0 for c in cells] for j in range(len(table[0]))]
    matrix = np.array(rows + columns)
    rank = np.linalg.matrix_rank(matrix)
    found = []
    for k, cell in enumerate(cells):
        unit = np.zeros(len(cells))
        unit[k] = 1.0
        if np.linalg.matrix_rank(np.vstack([matrix, unit])) == rank:
            found.append(cell)
    return found


@given(tables, st.integers(1, 10))
@settings(max_examples=300)
def test_every_small_cell_is_hidden_and_none_can_be_recovered(
    table: list[list[int]], below: int
) -> None:
    hidden = suppress(table, below)
    for row, mask in zip(table, hidden, strict=True):
        for count, is_hidden in zip(row, mask, strict=True):
            if count < below:
                assert is_hidden
    assert determined(table, hidden) == []
    assert bridges({(i, j) for i, r in enumerate(hidden) for j, h in enumerate(r) if h}) == []


def test_one_small_cell_hides_a_rectangle_not_a_row() -> None:
    # Row 2 has 3 and 2 under 5: hiding their partners in row 1 closes the cycle.
    assert suppress([[20, 230, 26, 276], [3, 19, 2, 24]], 5) == [
        [True, False, True, False],
        [True, False, True, False],
    ]


def test_checker_sees_a_cell_left_alone_in_its_row() -> None:
    # The checker itself must be able to fail: one hidden cell in a row is recoverable.
    assert determined([[3, 10], [10, 10]], [[True, False], [False, False]]) == [(0, 0)]


def _case(i: int, value: str, final: str) -> AuditCase:
    return AuditCase(
        id=f"c{i}",
        ref=f"x:{i}",
        subject=f"t{i}",
        appraiser="a",
        framework="hampshire",
        ruleset="hampshire",
        stage="mpr",
        draft_outcome="rated",
        draft_rating=final,
        decided_by=(),
        final_rating=final,
        reason_code=None,
        progression=None,
        monitoring=Monitoring(ethnicity=value or None),
        pattern=f"p{i}",
        protected_absence=(),
        reasons=0,
        cited=(),
        cited_outside=(),
        cited_unknown=(),
    )


cohorts = st.lists(
    st.tuples(
        st.sampled_from(("a", "b", "c", "d", "")),
        st.sampled_from(("not-met", "achieved", "achieved", "exceptional")),
    ),
    min_size=1,
    max_size=120,
)


def _truth(members: list[tuple[str, str]], below: int) -> dict[str, Counter[str]]:
    """Each published row's true rating counts, grouping as the audit does."""
    value = [v or NOT_RECORDED for v, _ in members]
    sizes = Counter(value)
    small = {v for v, n in sizes.items() if n < below}
    merge = len(small) > 1
    rows: dict[str, Counter[str]] = {}
    for v, (_, rating) in zip(value, members, strict=True):
        key = SMALL_GROUPS if merge and v in small else v
        rows.setdefault(key, Counter())[rating] += 1
    return rows


@given(cohorts, st.integers(2, 8))
@settings(max_examples=80, deadline=None)
def test_published_group_tables_show_no_small_count_and_no_recoverable_one(
    members: list[tuple[str, str]], below: int
) -> None:
    cases = [_case(i, v, r) for i, (v, r) in enumerate(members)]
    scales = Scales({"hampshire": ("not-met", "achieved", "exceptional")})
    truth = _truth(members, below)
    for table in group_tables(cases, scales, AuditSettings(suppress_below=below)):
        matrix, hidden = [], []
        for row in table.rows:
            counts = [truth[row.value][c.rating] for c in row.cells]
            size = sum(counts)
            assert row.n in (None, size)
            assert row.n is None or row.n >= below
            for cell, count in zip(row.cells, counts, strict=True):
                assert cell.count in (None, count)
                assert cell.suppressed == (cell.count is None)
                assert cell.count is None or cell.count >= below
                if cell.suppressed:
                    assert cell.rate is None and cell.rest_rate is None and cell.ratio is None
            if row.n is None or any(c.suppressed for c in row.cells):
                assert row.favourable_rate is None and row.ratio is None
            matrix.append([*counts, size])
            hidden.append([*(c.suppressed for c in row.cells), row.n is None])
        if len(matrix) > 1:
            signs = [1.0] * (len(matrix[0]) - 1) + [-1.0]
            assert determined(matrix, hidden, signs) == []
