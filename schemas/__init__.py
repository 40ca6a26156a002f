"""The language every part of appraise speaks: pydantic models, importing nothing of ours."""

from schemas.diagnostics import Diagnostic
from schemas.framework import (
    ConductGate,
    EvidenceKind,
    EvidenceSource,
    Framework,
    Modality,
    ModalityLadder,
    Prerequisite,
    RatingScale,
    RequiredStatement,
    ScaleLevel,
    Source,
    Stage,
    StageClause,
    StageRequirement,
    StandardNode,
    Statement,
)

__all__ = [
    "ConductGate",
    "Diagnostic",
    "EvidenceKind",
    "EvidenceSource",
    "Framework",
    "Modality",
    "ModalityLadder",
    "Prerequisite",
    "RatingScale",
    "RequiredStatement",
    "ScaleLevel",
    "Source",
    "Stage",
    "StageClause",
    "StageRequirement",
    "StandardNode",
    "Statement",
]
