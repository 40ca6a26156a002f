"""GET /frameworks: the catalogue, one framework, and a stage's cumulative requirement."""

from __future__ import annotations

from fastapi import APIRouter, Path

from engine.catalogue.stages import stage_requirement
from schemas.framework import Framework, StageRequirement
from schemas.service import FrameworkSummary
from service.deps import Caller, CatalogueDep

__all__ = ["router"]

router = APIRouter(prefix="/frameworks", tags=["frameworks"])

FrameworkId = Path(description="A framework id.", examples=["hampshire"])


@router.get("", operation_id="list_frameworks", summary="The frameworks in the catalogue")
def list_frameworks(catalogue: CatalogueDep, _: Caller) -> list[FrameworkSummary]:
    return [
        FrameworkSummary(
            id=f.id,
            title=f.title,
            stages=tuple(s.id for s in f.stages),
            standards=len(f.standards),
            statements=len(f.statements),
            scale=tuple(level.id for level in f.scale.levels),
        )
        for f in catalogue.values()
    ]


@router.get("/{framework_id}", operation_id="get_framework", summary="One framework, in full")
def get_framework(catalogue: CatalogueDep, _: Caller, framework_id: str = FrameworkId) -> Framework:
    return catalogue[framework_id]


@router.get(
    "/{framework_id}/stages/{stage}/requirements",
    operation_id="get_stage_requirements",
    summary="Everything a career stage requires, cumulatively",
    description="The stage's own statements plus, transitively, those of every stage it builds "
    "on, each at the modality the stage requires it.",
)
def get_stage_requirements(
    catalogue: CatalogueDep,
    _: Caller,
    framework_id: str = FrameworkId,
    stage: str = Path(description="A career stage id of the framework.", examples=["mpr"]),
) -> StageRequirement:
    return stage_requirement(catalogue[framework_id], stage)
