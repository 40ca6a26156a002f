"""Plain-text views of frameworks for a terminal: the catalogue table and a framework's detail."""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

from engine.catalogue.stages import find_stage, stage_requirement
from engine.catalogue.tree import TreeIndex, walk
from engine.errors import NotFoundError
from schemas.framework import Framework

__all__ = ["catalogue_table", "framework_overview", "stage_requirement_text"]

WIDTH = 100


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A left-aligned text table with a rule under the headers."""
    cells = [[str(c) for c in row] for row in [headers, *rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]
    lines = [
        "  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in cells
    ]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def catalogue_table(frameworks: Mapping[str, Framework]) -> str:
    """One row per framework: id, title, and the counts a person checks first."""
    rows = [
        (
            f.id,
            textwrap.shorten(f.title, 48),
            len(f.stages),
            len(f.standards),
            sum(1 for _ in walk(f.standards)),
            len(f.statements),
            len(f.scale.levels),
        )
        for f in frameworks.values()
    ]
    headers = ("id", "title", "stages", "standards", "nodes", "statements", "scale")
    return table(headers, rows)


def _wrap(text: str, indent: str) -> str:
    return textwrap.fill(text, WIDTH, initial_indent=indent, subsequent_indent=indent + "  ")


def framework_overview(framework: Framework, standard: str | None = None) -> str:
    """Scale, modalities, stage clauses and the standards tree with statement counts."""
    index = TreeIndex.of(framework)
    counts: dict[str, int] = {}
    for statement in framework.statements:
        counts[statement.under] = counts.get(statement.under, 0) + 1
    out = [
        framework.title,
        f"source: {framework.source.document}",
        "",
        "Rating scale (lowest first):",
    ]
    out += [
        _wrap(f"{lvl.label} ({lvl.id}) — {lvl.description}", "  ") for lvl in framework.scale.levels
    ]
    out += [
        "",
        "Modalities (weakest first): " + " < ".join(m.label for m in framework.modalities.levels),
    ]
    if framework.stages:
        out += ["", "Career stages:"]
        out += [_wrap(f"{s.label} ({s.id}): {s.clause.text}", "  ") for s in framework.stages]
    out += _evidence_kinds(framework)
    out += ["", "Standards:"]
    for node, path in walk(framework.standards):
        if standard and not index.matches(node.id, standard):
            continue
        count = f" [{counts[node.id]} statements]" if node.id in counts else ""
        label = f"{node.number} " if node.number else ""
        out.append(_wrap(f"{label}{node.title}{count}", "  " * (len(path) + 1)))
    return "\n".join(out)


def _evidence_kinds(framework: Framework) -> list[str]:
    """The kinds a review may record, under the source each counts towards."""
    if not framework.evidence_kinds:
        return []
    groups = [(s.id, s.label) for s in framework.evidence_sources] + [(None, "No source")]
    out = ["", "Evidence kinds (by triangulation source):"]
    for source, label in groups:
        kinds = [k for k in framework.evidence_kinds if k.source == source]
        if kinds:
            line = f"{label}: " + ", ".join(f"{k.label} ({k.id})" for k in kinds)
            out.append(
                textwrap.fill(
                    line,
                    WIDTH,
                    initial_indent="  ",
                    subsequent_indent="    ",
                    break_on_hyphens=False,
                )
            )  # ids stay whole
    return out


def stage_requirement_text(framework: Framework, stage_id: str, standard: str | None = None) -> str:
    """Every statement a stage requires, grouped by standard, with modality and stage of origin."""
    stage = find_stage(framework, stage_id)
    requirement = stage_requirement(framework, stage_id)
    index = TreeIndex.of(framework)
    labels = {s.id: s.label for s in framework.stages}
    modality_labels = {m.id: m.label for m in framework.modalities.levels}
    texts = {s.id: s.text for s in framework.statements}
    items = [i for i in requirement.items if not standard or index.matches(i.under, standard)]
    if standard and not items:
        raise NotFoundError(f"no statements under standard {standard!r} for stage {stage_id!r}")
    out = [
        f"{framework.title}",
        f"Stage {stage.label}: {stage.clause.text}",
        "Builds on: " + (", ".join(labels[s] for s in requirement.stages[:-1]) or "nothing"),
    ]
    out += [f"Additionally: {a}" for a in requirement.additionally]
    out.append(
        f"{len(items)} statements required" + (f" under standard {standard}" if standard else "")
    )
    current_top = current_under = None
    for item in items:
        top = index.top[item.under]
        if top.id != current_top:
            current_top = top.id
            out += ["", f"Standard {top.number}: {top.title}" if top.number else top.title]
        if item.under != current_under and item.under != top.id:
            current_under = item.under
            node = index.nodes[item.under]
            out.append(_wrap(f"{node.number or ''} {node.title}".strip(), "  "))
        origin = labels.get(item.from_stage or "", "—")
        head = f"[{modality_labels[item.modality]}; from {origin}] {item.statement}: "
        out.append(_wrap(head + texts[item.statement], "    "))
    return "\n".join(out)
