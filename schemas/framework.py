"""A standards framework: scale, modalities, career stages, standards tree and statements.

Everything here is data transcribed from a source document; the loader in
``engine.catalogue.frameworks`` checks cross-references (unknown stage, cycles, …) that a single
model cannot see.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from schemas._base import DottedId, Frozen, Slug

__all__ = [
    "Citation",
    "ConductGate",
    "EvidenceKind",
    "EvidenceSource",
    "Framework",
    "Modality",
    "ModalityLadder",
    "NodeKind",
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

NodeKind = Literal[
    "standard",
    "sub-standard",
    "quality-indicator",
    "theme",
    "element",
]


class Source(Frozen):
    """The document a framework is transcribed from."""

    document: str = Field(description="File name of the source document in shared/seeds.")
    description: str = Field(description="What the document is.")
    url: str | None = None


Citation = str
"""Where in the source a thing comes from, e.g. ``001_….txt: Standard 1.1, ECT 1``."""


class ScaleLevel(Frozen):
    """One level of the rating scale."""

    id: Slug
    label: str
    description: str
    citation: Citation | None = None


class RatingScale(Frozen):
    """The ordered rating scale, lowest level first."""

    from_source: bool = Field(description="True when the source document itself defines the scale.")
    rationale: str | None = Field(
        default=None, description="Why this scale, required when it is not from the source."
    )
    levels: tuple[ScaleLevel, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _rationale_when_invented(self) -> RatingScale:
        if not self.from_source and not self.rationale:
            raise ValueError("a scale not taken from the source needs a rationale")
        return self


class Modality(Frozen):
    """How a statement is shown, e.g. *with support* or *confidently*."""

    id: Slug
    label: str
    description: str | None = None
    citation: Citation | None = None


class ModalityLadder(Frozen):
    """The ordered modalities, weakest first."""

    rationale: str | None = None
    levels: tuple[Modality, ...] = Field(min_length=1)


class Prerequisite(Frozen):
    """An earlier stage a stage builds on, and the modality its statements must now be shown at."""

    stage: Slug
    modality: Slug


class StageClause(Frozen):
    """A stage's cumulative clause, e.g. *Independently fulfil the statements for ECT1…*."""

    text: str = Field(description="The clause in the source's own words.")
    builds_on: tuple[Prerequisite, ...] = ()
    own_modality: Slug = Field(
        description="The modality the stage's own statements must be shown at."
    )
    additionally: str | None = Field(
        default=None,
        description="Any expectation beyond the statements, e.g. 'be a role model to less "
        "experienced teachers'.",
    )
    citation: Citation


class Stage(Frozen):
    """A career stage, listed in the framework in order, earliest first."""

    id: Slug
    label: str
    clause: StageClause
    note: str | None = None


class StandardNode(Frozen):
    """A node of the standards tree: standard → sub-standard / element / theme."""

    id: DottedId
    kind: NodeKind
    number: str | None = None
    title: str
    summary: str | None = None
    citation: Citation
    children: tuple[StandardNode, ...] = ()


class Statement(Frozen):
    """One gradable statement, the unit evidence is tagged against."""

    id: DottedId
    text: str
    under: DottedId = Field(description="Id of the standards-tree node it sits under.")
    stage: Slug | None = Field(default=None, description="The career stage whose cell it is in.")
    level: Slug | None = Field(
        default=None, description="The practice level (a modality id) it describes."
    )
    tags: tuple[Slug, ...] = Field(default=(), description="Markers such as 'hgioelc'.")
    citation: Citation


class EvidenceSource(Frozen):
    """A kind of evidence source used to triangulate, e.g. *people's views*."""

    id: Slug
    label: str
    description: str | None = None
    citation: Citation | None = None


class EvidenceKind(Frozen):
    """A kind of evidence a review may hold, e.g. a lesson observation, and the triangulation
    source it belongs to (``None``: it counts towards none, e.g. a record the teacher keeps)."""

    id: Slug
    label: str
    source: Slug | None = Field(
        default=None, description="The id of the evidence source it belongs to, if any."
    )
    description: str | None = None
    citation: Citation | None = None


class ConductGate(Frozen):
    """A conduct requirement applied as a gate, not graded (e.g. Teachers' Standards Part Two)."""

    id: DottedId
    title: str
    text: str
    items: tuple[str, ...] = ()
    citation: Citation


class Framework(Frozen):
    """A standards framework transcribed from one source document."""

    id: Slug
    title: str
    jurisdiction: str | None = None
    source: Source
    scale: RatingScale
    modalities: ModalityLadder
    stages: tuple[Stage, ...] = ()
    evidence_sources: tuple[EvidenceSource, ...] = ()
    evidence_kinds: tuple[EvidenceKind, ...] = Field(
        default=(), description="The kinds of evidence a review of this framework may hold."
    )
    conduct: ConductGate | None = None
    standards: tuple[StandardNode, ...] = Field(min_length=1)
    statements: tuple[Statement, ...] = Field(min_length=1)
    notes: tuple[str, ...] = ()


class RequiredStatement(Frozen):
    """One line of a stage's cumulative requirement."""

    statement: DottedId
    under: DottedId
    from_stage: Slug | None = Field(description="The stage whose cell the statement is in.")
    modality: Slug = Field(description="The modality it must be shown at for this stage.")


class StageRequirement(Frozen):
    """Everything a stage requires: its own statements and, transitively, those it builds on."""

    framework: Slug
    stage: Slug
    stages: tuple[Slug, ...] = Field(
        description="This stage and every stage it builds on, in order."
    )
    additionally: tuple[str, ...] = Field(description="The 'additionally' expectations in force.")
    items: tuple[RequiredStatement, ...]
