"""The statements a review is judged against, as commented tag lines grouped by standard.

Each line is a tag as it would stand in an evidence item's ``tags`` list, behind ``# `` at that
list's indentation, so an editor's toggle-comment (which removes ``# ``) turns it into a tag in
place, and copying it into another item's ``tags`` works the same way.
"""

from __future__ import annotations

import textwrap
from collections.abc import Iterator, Mapping

from engine.catalogue.tree import TreeIndex
from schemas.framework import Framework, StandardNode

__all__ = ["WORDS", "requirement_block", "tag_line"]

WORDS = 72
"""A statement's words are cut to about this many characters: enough to recognise it."""


def tag_line(statement: str, modality: str) -> str:
    """A tag as a flow mapping, the form the shipped examples use."""
    return f"- {{statement: {statement}, modality: {modality}}}"


def requirement_block(framework: Framework, required: Mapping[str, str], indent: str) -> list[str]:
    """The required statements (id → modality, in framework order) as commented lines.

    Grouped under their top-level standard and, when it differs, the node they sit under; each
    line gives the stage whose cell the statement is in (when the framework has stages) and its
    words, shortened.
    """
    index = TreeIndex.of(framework)
    statements = {s.id: s for s in framework.statements}
    stages = {s.id: s.label for s in framework.stages}
    width = max((len(tag_line(sid, m)) for sid, m in required.items()), default=0)
    lines: list[str] = []
    for heading, group in _grouped(index, framework, required):
        lines += [f"{indent}#", *(f"{indent}# {text}" for text in heading)]
        for sid in group:
            statement = statements[sid]
            origin = f"{stages[statement.stage]}: " if statement.stage in stages else ""
            words = textwrap.shorten(statement.text, WORDS, placeholder=" …")
            tag = tag_line(sid, required[sid]).ljust(width)
            lines.append(f"{indent}# {tag}  # {origin}{words}")
    return lines


def _grouped(
    index: TreeIndex, framework: Framework, required: Mapping[str, str]
) -> Iterator[tuple[list[str], list[str]]]:
    """(heading lines, statement ids) per node statements sit under, standards in tree order."""
    by_node: dict[str, list[str]] = {}
    for statement in framework.statements:
        if statement.id in required:
            by_node.setdefault(statement.under, []).append(statement.id)
    shown_top = ""
    for node_id in index.nodes:
        if node_id not in by_node:
            continue
        top = index.top[node_id]
        heading = [] if top.id == shown_top else [_title(top, "")]
        shown_top = top.id
        if node_id != top.id:
            heading.append(_title(index.nodes[node_id], "  "))
        yield heading, by_node[node_id]


def _title(node: StandardNode, indent: str) -> str:
    number = f"{node.number} " if node.number else ""
    if node.kind == "standard" and node.number:
        number = f"Standard {node.number}: "
    return indent + textwrap.shorten(f"{number}{node.title}", 90, placeholder=" …")
