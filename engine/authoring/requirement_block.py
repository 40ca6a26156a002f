"""The statements a review is judged against, as commented tag lines grouped by standard.

Each line is a tag as it would stand in an evidence item's ``tags`` list, behind ``# `` at that
list's indentation, so an editor's toggle-comment (which removes ``# ``) turns it into a tag in
place, and copying it into another item's ``tags`` works the same way.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from engine.catalogue.tree import TreeIndex
from schemas.framework import Framework, StandardNode

__all__ = [
    "WORDS",
    "RequiredStatement",
    "RequirementGroup",
    "requirement_block",
    "requirement_groups",
    "tag_line",
]

WORDS = 72
"""A statement's words are cut to about this many characters: enough to recognise it."""


def tag_line(statement: str, modality: str) -> str:
    """A tag as a flow mapping, the form the shipped examples use."""
    return f"- {{statement: {statement}, modality: {modality}}}"


@dataclass(frozen=True)
class RequiredStatement:
    """A statement a review is judged against: its words, the modality it must be shown at,
    and the label of the stage whose cell it is in ("" when the framework has no stages)."""

    id: str
    text: str
    modality: str
    stage: str


@dataclass(frozen=True)
class RequirementGroup:
    """The required statements under one node: its standard's title, shown on the first group
    of that standard only (else ""), the node's own title when it is not the standard ("")."""

    standard_id: str
    standard: str
    unit: str
    statements: tuple[RequiredStatement, ...]


def requirement_groups(framework: Framework, required: Mapping[str, str]) -> list[RequirementGroup]:
    """The required statements (id → modality) grouped by the node they sit under, standards
    in tree order, each with its words, modality and the stage it comes from."""
    index = TreeIndex.of(framework)
    statements = {s.id: s for s in framework.statements}
    stages = {s.id: s.label for s in framework.stages}
    groups: list[RequirementGroup] = []
    for top, node, group in _grouped(index, framework, required):
        shown = [] if groups and groups[-1].standard_id == top.id else [_title(top, "")]
        unit = _title(node, "") if node.id != top.id else ""
        found = tuple(
            RequiredStatement(
                sid,
                statements[sid].text,
                required[sid],
                stages.get(statements[sid].stage or "", ""),
            )
            for sid in group
        )
        groups.append(RequirementGroup(top.id, "".join(shown), unit, found))
    return groups


def requirement_block(framework: Framework, required: Mapping[str, str], indent: str) -> list[str]:
    """The required statements (id → modality, in framework order) as commented lines.

    Grouped under their top-level standard and, when it differs, the node they sit under; each
    line gives the stage whose cell the statement is in (when the framework has stages) and its
    words, shortened.
    """
    width = max((len(tag_line(sid, m)) for sid, m in required.items()), default=0)
    lines: list[str] = []
    for group in requirement_groups(framework, required):
        heading = [group.standard] if group.standard else []
        heading += [f"  {group.unit}"] if group.unit else []
        lines += [f"{indent}#", *(f"{indent}# {text}" for text in heading)]
        for statement in group.statements:
            origin = f"{statement.stage}: " if statement.stage else ""
            words = textwrap.shorten(statement.text, WORDS, placeholder=" …")
            tag = tag_line(statement.id, statement.modality).ljust(width)
            lines.append(f"{indent}# {tag}  # {origin}{words}")
    return lines


def _grouped(
    index: TreeIndex, framework: Framework, required: Mapping[str, str]
) -> Iterator[tuple[StandardNode, StandardNode, list[str]]]:
    """(standard, node, statement ids) per node statements sit under, in tree order."""
    by_node: dict[str, list[str]] = {}
    for statement in framework.statements:
        if statement.id in required:
            by_node.setdefault(statement.under, []).append(statement.id)
    for node_id in index.nodes:
        if node_id in by_node:
            yield index.top[node_id], index.nodes[node_id], by_node[node_id]


def _title(node: StandardNode, indent: str) -> str:
    number = f"{node.number} " if node.number else ""
    if node.kind == "standard" and node.number:
        number = f"Standard {node.number}: "
    return indent + textwrap.shorten(f"{number}{node.title}", 90, placeholder=" …")
