"""Small-cell suppression for tables of counts, with secondary suppression against subtraction.

A table's row and column totals are taken as known to a reader (each row's size is published
and each column's total is the cohort's own distribution). Primary suppression hides every count
under the threshold. A hidden count is recoverable from those totals exactly when its cell is a
*bridge* of the bipartite graph whose nodes are rows and columns and whose edges are the hidden
cells (the solutions of fixed row and column sums differ only along cycles of hidden cells).
Secondary suppression therefore hides, for each such cell, the visible cells of the cheapest
path that closes a cycle through it, until every hidden cell lies on a cycle of hidden cells:
then no subtraction, however chained, gives its value.
A table of one row is the cohort's own distribution and gets primary suppression only.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Sequence

__all__ = ["bridges", "suppress"]

Cell = tuple[int, int]
Node = tuple[str, int]  # ("r", row) or ("c", column)
Graph = dict[Node, set[Node]]


def suppress(table: Sequence[Sequence[int]], below: int) -> list[list[bool]]:
    """Which cells of ``table`` to hide: every count under ``below``, then enough others."""
    hidden = {(i, j) for i, row in enumerate(table) for j, count in enumerate(row) if count < below}
    if len(table) > 1 and table and len(table[0]) > 1:
        _protect(table, hidden)
    return [[(i, j) in hidden for j in range(len(row))] for i, row in enumerate(table)]


def _protect(table: Sequence[Sequence[int]], hidden: set[Cell]) -> None:
    while found := bridges(hidden):
        closing = _cheapest_cycle(table, hidden, *found[0])
        if not closing:  # cannot happen in a table of at least two rows and two columns
            raise AssertionError(f"no cycle can protect cell {found[0]}")
        hidden.update(closing)


def _cheapest_cycle(
    table: Sequence[Sequence[int]], hidden: set[Cell], row: int, col: int
) -> list[Cell]:
    """The visible cells whose hiding closes a cycle through the bridge (row, col) while hiding
    the fewest people: the cheapest path from its row to its column, where a hidden cell costs
    nothing and a visible one its count (plus one, so fewer cells win ties)."""
    cost = {("r", row): 0}
    via: dict[Node, tuple[Node, Cell]] = {}
    queue = [(0, ("r", row))]
    while queue:
        spent, node = heapq.heappop(queue)
        if node == ("c", col):
            break
        if spent > cost[node]:
            continue
        for nxt, cell in _steps(table, node):
            if cell == (row, col):
                continue
            step = 0 if cell in hidden else table[cell[0]][cell[1]] + 1
            if spent + step < cost.get(nxt, math.inf):
                cost[nxt] = spent + step
                via[nxt] = (node, cell)
                heapq.heappush(queue, (spent + step, nxt))
    path, node = [], ("c", col)
    while node in via:
        node, step_cell = via[node]
        if step_cell not in hidden:
            path.append(step_cell)
    return path


def _steps(table: Sequence[Sequence[int]], node: Node) -> list[tuple[Node, Cell]]:
    """Every cell of a row (to its column) or of a column (to its row)."""
    kind, index = node
    if kind == "r":
        return [(("c", j), (index, j)) for j in range(len(table[index]))]
    return [(("r", i), (i, index)) for i in range(len(table))]


def _graph(hidden: set[Cell]) -> Graph:
    graph: Graph = {}
    for i, j in hidden:
        graph.setdefault(("r", i), set()).add(("c", j))
        graph.setdefault(("c", j), set()).add(("r", i))
    return graph


def _component(graph: Graph, start: Node) -> set[Node]:
    seen, pending = {start}, [start]
    while pending:
        for nxt in graph.get(pending.pop(), ()):
            if nxt not in seen:
                seen.add(nxt)
                pending.append(nxt)
    return seen


def bridges(hidden: set[Cell]) -> list[Cell]:
    """The hidden cells whose value the row and column totals determine, in sorted order."""
    found = []
    for cell in sorted(hidden):
        if ("c", cell[1]) not in _component(_graph(hidden - {cell}), ("r", cell[0])):
            found.append(cell)
    return found
