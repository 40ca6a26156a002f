"""Cumulative stage requirements: a stage's own statements plus those it builds on."""

from __future__ import annotations

from functools import cache

from engine._validate import did_you_mean
from engine.errors import NotFoundError
from schemas.framework import Framework, RequiredStatement, Stage, StageRequirement

__all__ = ["ancestors", "find_stage", "modality_rank", "stage_requirement"]


def find_stage(framework: Framework, stage_id: str) -> Stage:
    """The stage with ``stage_id``; ``NotFoundError`` with a did-you-mean otherwise."""
    for stage in framework.stages:
        if stage.id == stage_id:
            return stage
    known = [s.id for s in framework.stages]
    hint = did_you_mean(stage_id, known)
    raise NotFoundError(f"framework {framework.id!r} has no stage {stage_id!r}{hint}")


def modality_rank(framework: Framework) -> dict[str, int]:
    """Each modality id and its strength, weakest 0."""
    return {m.id: i for i, m in enumerate(framework.modalities.levels)}


def ancestors(framework: Framework, stage_id: str) -> list[str]:
    """Every stage ``stage_id`` builds on, directly or not, in framework order."""
    found: set[str] = set()
    pending = [stage_id]
    while pending:
        for pre in find_stage(framework, pending.pop()).clause.builds_on:
            if pre.stage not in found:
                found.add(pre.stage)
                pending.append(pre.stage)
    return [s.id for s in framework.stages if s.id in found]


def stage_requirement(framework: Framework, stage_id: str) -> StageRequirement:
    """The full cumulative requirement of a stage, in framework statement order."""
    find_stage(framework, stage_id)
    required = _required_modalities(framework, stage_id)
    order = [*ancestors(framework, stage_id), stage_id]
    items = tuple(
        RequiredStatement(
            statement=s.id, under=s.under, from_stage=s.stage, modality=required[s.id]
        )
        for s in framework.statements
        if s.id in required
    )
    additionally = tuple(
        a for a in (find_stage(framework, sid).clause.additionally for sid in order) if a
    )
    return StageRequirement(
        framework=framework.id,
        stage=stage_id,
        stages=tuple(order),
        additionally=additionally,
        items=items,
    )


def _required_modalities(framework: Framework, stage_id: str) -> dict[str, str]:
    """Statement id → the modality this stage requires it at (the strongest over every path)."""
    rank = modality_rank(framework)
    by_stage: dict[str, list[str]] = {}
    for statement in framework.statements:
        if statement.stage:
            by_stage.setdefault(statement.stage, []).append(statement.id)

    @cache
    def requirement(sid: str) -> tuple[tuple[str, str], ...]:
        stage = find_stage(framework, sid)
        result = dict.fromkeys(by_stage.get(sid, []), stage.clause.own_modality)
        for pre in stage.clause.builds_on:
            for statement_id, modality in requirement(pre.stage):
                raised = max(modality, pre.modality, key=rank.__getitem__)
                current = result.get(statement_id)
                if current is None or rank[raised] > rank[current]:
                    result[statement_id] = raised
        return tuple(result.items())

    return dict(requirement(stage_id))
