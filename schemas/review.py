"""A review: the input case — who, stage, cycle, evidence, objectives, circumstances, conduct."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field, ValidationInfo, field_validator, model_validator
from pydantic_core import PydanticCustomError

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
    """A statement an evidence item shows, how well, and whether as a strength or a concern.

    A strength needs its ``modality`` (how well the statement is shown); a concern may leave it
    out, as derivation counts a concern whatever its modality. The framework check
    (``engine.review.load``) reports a strength without one: a validator here would run Python
    for every tag of every review validated, on the hot path.
    """

    statement: DottedId
    modality: Slug | None = None
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

    @field_validator("cycle_end")
    @classmethod
    def _cycle_ordered(cls, cycle_end: dt.date, info: ValidationInfo) -> dt.date:
        # A field validator, not a model one: it runs, and says where, whatever else is wrong.
        cycle_start = info.data.get("cycle_start")  # absent when it is not a date itself
        if cycle_start is not None and cycle_end <= cycle_start:
            raise PydanticCustomError(
                "cycle_order",
                "{cycle_end} is not after cycle_start {cycle_start}: a cycle ends after it starts",
                {"cycle_end": cycle_end.isoformat(), "cycle_start": cycle_start.isoformat()},
            )
        return cycle_end
