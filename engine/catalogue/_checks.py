"""Cross-reference checks on a framework.yaml that no single pydantic model can see.

They run on the raw located data, not the validated model, so a type error in one place
does not hide a duplicate id or an unknown stage elsewhere: the author sees every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from engine._raw import items as _items
from engine._raw import repeated_ids
from engine._validate import did_you_mean
from engine._yaml import Loc, Located
from schemas.diagnostics import Diagnostic

__all__ = ["check_framework"]


def check_framework(located: Located) -> list[Diagnostic]:
    """Every duplicate id, dangling reference (a statement's node, stage or level, a stage's
    modality, an evidence kind's source), misordered stage and stage cycle."""
    data = located.data if isinstance(located.data, dict) else {}
    checker = _Checker(located, data)
    return checker.run()


class _Checker:
    def __init__(self, located: Located, data: Mapping[str, Any]) -> None:
        self.located = located
        self.data = data
        self.found: list[Diagnostic] = []

    def run(self) -> list[Diagnostic]:
        modalities = self._ids("modality", list(_items(self.data, "modalities", "levels")))
        self._ids("scale level", list(_items(self.data, "scale", "levels")))
        sources = self._ids("evidence source", list(_items(self.data, "evidence_sources")))
        kinds = list(_items(self.data, "evidence_kinds"))
        self._ids("evidence kind", kinds)
        for loc, kind in kinds:
            self._reference(kind, loc, "source", sources, "unknown-source", "evidence source")
        stages = list(_items(self.data, "stages"))
        stage_ids = self._ids("stage", stages)
        nodes = list(self._tree(self.data.get("standards"), ("standards",)))
        statements = list(_items(self.data, "statements"))
        self._ids("standards node or statement", nodes + statements)
        tree_ids = {item.get("id") for _, item in nodes}
        self._check_stages(stages, stage_ids, modalities)
        for loc, item in statements:
            self._reference(item, loc, "under", tree_ids - {None}, "unknown-node", "node")
            self._reference(item, loc, "stage", stage_ids, "unknown-stage", "stage")
            self._reference(item, loc, "level", modalities, "unknown-modality", "modality")
        return self.found

    def _tree(self, nodes: Any, loc: Loc) -> Iterator[tuple[Loc, Mapping[str, Any]]]:
        if not isinstance(nodes, list):
            return
        for i, node in enumerate(nodes):
            if isinstance(node, dict):
                yield (*loc, i), node
                yield from self._tree(node.get("children"), (*loc, i, "children"))

    def _ids(self, what: str, entries: list[tuple[Loc, Mapping[str, Any]]]) -> list[str]:
        """The ids in order of first appearance; a repeated id is reported where it repeats."""
        first, repeats = repeated_ids(entries)
        for loc, ident, first_loc in repeats:
            line = self.located.where((*first_loc, "id"))[0]
            message = f"{what} id {ident!r} already used on line {line}"
            self._report((*loc, "id"), "duplicate-id", message)
        return list(first)

    def _check_stages(
        self,
        stages: list[tuple[Loc, Mapping[str, Any]]],
        stage_ids: list[str],
        modalities: list[str],
    ) -> None:
        order = {ident: i for i, ident in enumerate(stage_ids)}
        edges: dict[str, list[tuple[str, Loc]]] = {}
        for loc, stage in stages:
            clause = stage.get("clause")
            if not isinstance(clause, dict):
                continue
            clause_loc = (*loc, "clause")
            self._reference(
                clause, clause_loc, "own_modality", modalities, "unknown-modality", "modality"
            )
            for pre_loc, pre in _items(clause, "builds_on"):
                full = (*clause_loc, *pre_loc)
                self._reference(pre, full, "modality", modalities, "unknown-modality", "modality")
                if self._reference(pre, full, "stage", stage_ids, "unknown-stage", "stage"):
                    self._order(stage, pre["stage"], order, (*full, "stage"))
                    edges.setdefault(str(stage.get("id")), []).append(
                        (pre["stage"], (*full, "stage"))
                    )
        self._cycles(edges)

    def _order(
        self, stage: Mapping[str, Any], target: str, order: dict[str, int], loc: Loc
    ) -> None:
        me = stage.get("id")
        if isinstance(me, str) and me in order and order[target] >= order[me]:
            relation = "itself" if target == me else f"{target!r}, which is listed after it"
            self._report(
                loc,
                "stage-order",
                f"stage {me!r} builds on {relation}; a stage may build only on earlier stages",
            )

    def _cycles(self, edges: dict[str, list[tuple[str, Loc]]]) -> None:
        """Report each cycle once, at the edge that closes it."""
        state: dict[str, str] = {}

        def visit(node: str, path: list[str]) -> None:
            state[node] = "open"
            for target, loc in edges.get(node, []):
                if state.get(target) == "open":
                    cycle = (
                        [*path[path.index(target) :], node, target]
                        if target in path
                        else [node, target]
                    )
                    self._report(
                        loc,
                        "stage-cycle",
                        "stages build on each other in a cycle: " + " → ".join(cycle),
                    )
                elif target not in state:
                    visit(target, [*path, node])
            state[node] = "done"

        for node in list(edges):
            if node not in state:
                visit(node, [])

    def _reference(
        self,
        item: Mapping[str, Any],
        loc: Loc,
        field: str,
        known: list[str] | set[Any],
        code: str,
        what: str,
    ) -> bool:
        """True when ``item[field]`` names a known id; reports it otherwise (absent is fine)."""
        value = item.get(field)
        if value is None or not isinstance(value, str):
            return False
        if value in known:
            return True
        choices = [k for k in known if isinstance(k, str)]
        self._report((*loc, field), code, f"unknown {what} {value!r}{did_you_mean(value, choices)}")
        return False

    def _report(self, loc: Loc, code: str, message: str) -> None:
        self.found.append(self.located.diagnostic(loc, code, message))
