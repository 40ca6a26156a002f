"""Outcomes by monitored characteristic: rates, ratios to the rest, suppression, a test.

Figures that could let a reader work out a suppressed count are themselves withheld: a row's
rates need its size, and its favourable-outcome figures need every count of the row.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from operator import attrgetter

from engine.audit.scale import Scales, scale_key
from engine.audit.stats import fisher_greater, holm, p_clause
from engine.audit.suppress import suppress
from schemas.audit import MONITORED, AuditCase, AuditSettings, Flag, GroupCell, GroupRow, GroupTable

__all__ = ["NOT_RECORDED", "SMALL_GROUPS", "group_flags", "group_tables"]

NOT_RECORDED = "not recorded"
SMALL_GROUPS = "smaller groups combined"


@dataclass
class _Row:
    value: str
    n: int
    finals: Counter[str]  # how many of the row were given each final rating
    favourable: int
    draft_favourable: int
    p_value: float | None = None
    p_adjusted: float | None = None


def group_tables(
    cases: Sequence[AuditCase], scales: Scales, settings: AuditSettings
) -> tuple[GroupTable, ...]:
    """One table per characteristic that anyone recorded, every group tested against the rest:
    first for the cases on their framework's scale (pay ratings), then for each rule-set scale
    some cases are on (e.g. ECTs' induction outcomes), so no rate mixes the two."""
    by_scale: dict[str | None, list[AuditCase]] = {}
    for case in cases:
        by_scale.setdefault(case.scale, []).append(case)
    ordered = sorted(by_scale.items(), key=lambda item: (item[0] is not None, item[0] or ""))
    return tuple(
        table
        for scale, members in ordered
        for table in _scale_tables(members, scale, scales, settings)
    )


def _scale_tables(
    cases: Sequence[AuditCase], scale: str | None, scales: Scales, settings: AuditSettings
) -> list[GroupTable]:
    """The tables of cases that are all on one kind of scale."""
    ratings = scales.union(dict.fromkeys(map(scale_key, cases)))
    # What every table needs of each case, taken out once: a large cohort has many cases.
    outcomes = _Outcomes(
        finals=[c.final_rating for c in cases],
        favourable=[scales.favourable(c, c.final_rating) for c in cases],
        draft_favourable=[scales.favourable(c, c.draft_rating) for c in cases],
    )
    monitoring = [c.monitoring for c in cases]
    grouped: dict[str, list[_Row]] = {}
    for name in MONITORED:
        values = list(map(attrgetter(name), monitoring))
        if any(v is not None for v in values):
            grouped[name] = _rows(values, outcomes, settings.suppress_below)
    _test(grouped, len(cases), settings)
    return [
        GroupTable(
            characteristic=name, scale=scale, rows=_table(rows, ratings, len(cases), settings)
        )
        for name, rows in grouped.items()
    ]


@dataclass(frozen=True)
class _Outcomes:
    """Each case's final rating and whether its final and its draft are favourable."""

    finals: list[str]
    favourable: list[bool]
    draft_favourable: list[bool]


def _rows(values: list[str | None], outcomes: _Outcomes, below: int) -> list[_Row]:
    """One row per value; values held by fewer than ``below`` people share one row, so their
    suppression does not force a larger group's counts to be hidden too."""
    by_value: dict[str, list[int]] = {}
    for i, value in enumerate(values):
        by_value.setdefault(value or NOT_RECORDED, []).append(i)
    small = [v for v, members in by_value.items() if len(members) < below]
    if len(small) > 1:
        by_value[SMALL_GROUPS] = [i for v in small for i in by_value.pop(v)]
    finals, favourable, draft = outcomes.finals, outcomes.favourable, outcomes.draft_favourable
    return [
        _Row(
            value=value,
            n=len(members),
            finals=Counter(finals[i] for i in members),
            favourable=sum(favourable[i] for i in members),
            draft_favourable=sum(draft[i] for i in members),
        )
        for value, members in sorted(by_value.items(), key=_value_order)
    ]


def _value_order(item: tuple[str, list[int]]) -> tuple[bool, bool, str]:
    """Groups alphabetically, then smaller groups combined, then 'not recorded'."""
    return item[0] == NOT_RECORDED, item[0] == SMALL_GROUPS, item[0]


def _test(grouped: dict[str, list[_Row]], total: int, settings: AuditSettings) -> None:
    """Fisher's exact test of fewer favourable outcomes than the rest, Holm over every group."""
    favourable = {name: sum(r.favourable for r in rows) for name, rows in grouped.items()}
    tested: list[_Row] = []
    for name, rows in grouped.items():
        for row in rows:
            n = row.n
            if n < settings.suppress_below or total - n < settings.suppress_below:
                continue
            rest_n, rest_fav = total - n, favourable[name] - row.favourable
            row.p_value = fisher_greater(
                n - row.favourable, row.favourable, rest_n - rest_fav, rest_fav
            )
            tested.append(row)
    p_values = [r.p_value if r.p_value is not None else 1.0 for r in tested]
    for row, adjusted in zip(tested, holm(p_values), strict=True):
        row.p_adjusted = adjusted


def _table(
    rows: list[_Row], ratings: tuple[str, ...], total: int, settings: AuditSettings
) -> tuple[GroupRow, ...]:
    counts = [[row.finals[r] for r in ratings] for row in rows]
    matrix = [[*line, row.n] for line, row in zip(counts, rows, strict=True)]
    hidden = suppress(matrix, settings.suppress_below)
    columns = [sum(line[j] for line in counts) for j in range(len(ratings))]
    fav_total = sum(r.favourable for r in rows)
    return tuple(
        _group_row(row, line, mask, ratings, columns, total, fav_total, settings)
        for row, line, mask in zip(rows, counts, hidden, strict=True)
    )


def _group_row(
    row: _Row,
    line: list[int],
    mask: list[bool],
    ratings: tuple[str, ...],
    columns: list[int],
    total: int,
    fav_total: int,
    settings: AuditSettings,
) -> GroupRow:
    n, n_hidden = row.n, mask[-1]
    rest = total - n
    cells = tuple(
        _cell(rating, count, hidden or n_hidden, n, columns[j], rest)
        for j, (rating, count, hidden) in enumerate(zip(ratings, line, mask, strict=False))
    )
    open_row = not any(mask)
    fav_rate = row.favourable / n
    rest_rate = (fav_total - row.favourable) / rest if rest else None
    k = settings.suppress_below
    drafts_open = min(row.draft_favourable, n - row.draft_favourable) >= k
    return GroupRow(
        value=row.value,
        n=None if n_hidden else n,
        cells=cells,
        favourable_rate=fav_rate if open_row else None,
        rest_favourable_rate=rest_rate if open_row else None,
        ratio=_ratio(fav_rate, rest_rate) if open_row else None,
        draft_favourable_rate=row.draft_favourable / n if open_row and drafts_open else None,
        p_value=row.p_value if open_row else None,
        p_adjusted=row.p_adjusted if open_row else None,
        flagged=_flagged(row, fav_rate, rest_rate, settings),
    )


def _cell(rating: str, count: int, hidden: bool, n: int, column: int, rest: int) -> GroupCell:
    if hidden:
        return GroupCell(
            rating=rating, count=None, rate=None, rest_rate=None, ratio=None, suppressed=True
        )
    rate = count / n
    rest_rate = (column - count) / rest if rest else None
    return GroupCell(
        rating=rating,
        count=count,
        rate=rate,
        rest_rate=rest_rate,
        ratio=_ratio(rate, rest_rate),
        suppressed=False,
    )


def _ratio(rate: float, rest_rate: float | None) -> float | None:
    return rate / rest_rate if rest_rate else None


def _flagged(row: _Row, rate: float, rest_rate: float | None, settings: AuditSettings) -> bool:
    """Significantly fewer favourable outcomes than the rest, and below the disparity ratio."""
    if row.p_adjusted is None or rest_rate is None or row.p_adjusted >= settings.alpha:
        return False
    ratio = _ratio(rate, rest_rate)
    return ratio is not None and ratio < settings.disparity_ratio


def _outcomes_on(table: GroupTable) -> str:
    """'ratings', or 'induction outcomes' for a table of a rule-set scale's cases."""
    return f"{table.scale} outcomes" if table.scale else "ratings"


def group_flags(tables: Sequence[GroupTable], settings: AuditSettings) -> list[Flag]:
    flags = []
    for table in tables:
        for row in table.rows:
            if not row.flagged:
                continue
            if row.favourable_rate is not None and row.rest_favourable_rate is not None:
                figures = (
                    f"favourable outcomes {row.favourable_rate:.0%} against "
                    f"{row.rest_favourable_rate:.0%} for the rest "
                    f"(adjusted {p_clause(row.p_adjusted)})"
                )
            else:
                figures = "figures withheld because some counts in the row are under the threshold"
            flags.append(
                Flag(
                    check="groups",
                    code="lower-outcomes",
                    detail=(
                        f"{table.characteristic} = {row.value}: significantly fewer favourable "
                        f"final {_outcomes_on(table)} than the rest of the cohort (ratio below "
                        f"{settings.disparity_ratio:g}, Holm-adjusted p < {settings.alpha:g}); "
                        f"{figures}."
                    ),
                )
            )
    return flags
