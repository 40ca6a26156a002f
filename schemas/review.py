"""A review: the input case — who, stage, cycle, evidence, objectives, circumstances, conduct."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, model_validator

from schemas._base import DottedId, Frozen, Slug

__all__ = [
    "ABSENCE_TYPES",
    "PROTECTED_ABSENCE",
    "AbsencePeriod",
    "AbsenceType",
    "Circumstances",
    "Conduct",
    "EvidenceItem",
    "Objective",
    "ObjectiveOutcome",
    "Polarity",
    "Review",
    "Tag",
]

Polarity = Literal["strength", "concern"]
ObjectiveOutcome = Literal["exceeded", "met", "partially-met", "not-met", "not-assessed"]
AbsenceType = Literal["maternity-parental", "sickness", "disability-related", "other"]
ABSENCE_TYPES: tuple[str, ...] = AbsenceType.__args__  # type: ignore[attr-defined]
PROTECTED_ABSENCE = frozenset({"maternity-parental", "disability-related"})
"""Absence that must never count towards a lower rating (Equality Act 2010 protections)."""


class Tag(Frozen):
    """A statement an evidence item shows, how well, and whether as a strength or a concern."""

    statement: DottedId
    modality: Slug
    polarity: Polarity = "strength"


class EvidenceItem(Frozen):
    """One piece of evidence: an observation, data, views, a record."""

    id: DottedId
    kind: Slug = Field(description="One of the framework's evidence kinds (its evidence_kinds).")
    date: dt.date
    recorded_by: str = Field(min_length=1, description="Pseudonymous id of who recorded it.")
    tags: tuple[Tag, ...] = ()
    impact: str | None = Field(default=None, description="Optional note of the impact shown.")
    note: str | None = None


class Objective(Frozen):
    """A performance-management objective and how it turned out."""

    id: DottedId
    text: str
    standards: tuple[DottedId, ...] = Field(default=(), description="Linked standards-tree nodes.")
    outcome: ObjectiveOutcome
    evidence: tuple[DottedId, ...] = ()


class AbsencePeriod(Frozen):
    """A period of absence within the cycle."""

    type: AbsenceType
    start: dt.date
    end: dt.date

    @model_validator(mode="after")
    def _ordered(self) -> AbsencePeriod:
        if self.end < self.start:
            raise ValueError("absence ends before it starts")
        return self


class Circumstances(Frozen):
    """What the judgement must take into account about the teacher's year."""

    absences: tuple[AbsencePeriod, ...] = ()
    in_induction: bool = False
    in_capability: bool = False
    part_time_fraction: float = Field(default=1.0, gt=0, le=1)


class Conduct(Frozen):
    """A concern under the conduct gate (Teachers' Standards Part Two), if any."""

    concern: bool = False
    note: str | None = None


class Review(Frozen):
    """One teacher's case for one cycle, as an appraiser submits it for a draft rating."""

    framework: Slug
    ruleset: DottedId | None = Field(default=None, description="Default: the framework's own.")
    subject: str = Field(min_length=1, description="Pseudonymous id of the teacher.")
    appraiser: str = Field(min_length=1, description="Pseudonymous id of the appraiser.")
    cycle_start: dt.date
    cycle_end: dt.date
    stage: Slug | None = None
    evidence: tuple[EvidenceItem, ...] = ()
    objectives: tuple[Objective, ...] = ()
    circumstances: Circumstances = Circumstances()
    conduct: Conduct = Conduct()
    appraiser_rating: Slug | None = None

    @model_validator(mode="after")
    def _cycle_ordered(self) -> Review:
        if self.cycle_end <= self.cycle_start:
            raise ValueError("cycle_end must be after cycle_start")
        return self
