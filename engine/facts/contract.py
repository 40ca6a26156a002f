"""The facts rules can match: every fact type, its fields and their types.

This is the contract between fact derivation (``engine.facts.derive``) and the rule compiler
(``engine.rules.compiler``): the compiler rejects a field or a comparison that is not declared here,
and derivation is tested to produce exactly these fields with exactly these types. Every fact
also carries ``id`` (unique within a case) and ``evidence`` (the evidence ids behind it), which
rules cannot compare.

``DOMAINS`` says what is known of the values beyond their types (ratios in [0, 1], counts at
least 0, stage and modality ids from the framework…), ``ONE_PER_CASE`` and ``KEYS`` how many
facts of a type a case holds; the static checks (``engine.testing.static_checks``) reason
with them, and derivation is tested to stay within them.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from typing import Literal

from schemas.framework import Framework

__all__ = [
    "DOMAINS",
    "FACT_TYPES",
    "KEYS",
    "MATCHABLE",
    "ONE_PER_CASE",
    "Domain",
    "FieldType",
    "Vocabulary",
    "vocabulary",
]

FieldType = Literal["int", "float", "bool", "str"]

FACT_TYPES: dict[str, dict[str, FieldType]] = {
    # One per case: who and where.
    "review": {
        "stage": "str",  # "" when the framework has no stages
        "stage_rank": "int",  # index of the stage in the framework, -1 without stages
        "appraiser_rating": "str",  # "" when none given
    },
    # One per case: the stage's whole cumulative requirement (all statements, stageless too).
    "coverage": {
        "required": "int",  # statements the stage requires
        "met": "int",  # evidenced as a strength at or above the required modality
        "evidenced": "int",  # evidenced as a strength at any modality
        "ratio": "float",  # met / required (0.0 when nothing is required)
        "evidenced_ratio": "float",  # evidenced / required
        "concerns": "int",  # required statements with any in-window concern
        # A *unit* is the tree node statements sit `under` (a sub-standard, theme, element…).
        # The sources are holistic ("not a checklist"): a unit is met when at least one of its
        # required statements is met, so rules can weigh breadth without demanding every bullet.
        # Stages are cumulative, so a unit where a later stage's statement is shown at that
        # stage's own modality is met (and evidenced) too; the stage ledger counts only its own.
        "units": "int",  # units with at least one required statement
        "units_met": "int",
        "unit_ratio": "float",  # units_met / units
        "unit_evidenced_ratio": "float",  # units with any strength evidence / units
        "min_stage_unit_ratio": "float",  # the lowest ledger unit_ratio (1.0 without stages)
        "standards": "int",  # top-level standards with at least one required statement
        "standards_met": "int",  # ... whose every required statement is met
        "standards_with_concerns": "int",
        "min_standard_ratio": "float",  # the lowest per-standard ratio
        "min_stage_ratio": "float",  # the lowest stage-ledger ratio (1.0 without stages)
    },
    # One per top-level standard with at least one required statement.
    "standard": {
        "standard": "str",  # node id, e.g. ts.1
        "number": "str",
        "required": "int",
        "met": "int",
        "evidenced": "int",
        "ratio": "float",
        "concerns": "int",
        "units": "int",
        "units_met": "int",
        "unit_ratio": "float",
    },
    # One per stage in the cumulative requirement (the stage ledger).
    "ledger": {
        "stage": "str",
        "label": "str",  # the stage's label ("ECT 1"): for reasons, which a person reads
        "modality": "str",  # the modality this stage's statements are required at (own stage:
        "required": "int",  # its own_modality; earlier stages: the raised one)
        "met": "int",
        "ratio": "float",
        "units": "int",  # units holding this stage's required statements
        "units_met": "int",  # ... with at least one of this stage's statements met
        "unit_ratio": "float",
    },
    # One per modality: how many in-scope statements are evidenced at or above it.
    "modality": {
        "modality": "str",
        "rank": "int",
        "statements": "int",  # distinct statements shown as a strength at or above this modality
        "ratio": "float",  # statements / coverage.required
    },
    # One per practice level that statements carry (e.g. Wales effective / sustained).
    "level": {
        "level": "str",
        "rank": "int",
        "required": "int",
        "met": "int",
        "ratio": "float",
        "concerns": "int",
    },
    # One per case.
    "objectives": {
        "count": "int",
        "assessed": "int",  # count - not_assessed
        "exceeded": "int",
        "met": "int",
        "partially_met": "int",
        "not_met": "int",
        "not_assessed": "int",
        "met_or_better_ratio": "float",  # (exceeded + met) / assessed, 0.0 when none assessed
        "exceeded_ratio": "float",  # exceeded / assessed
    },
    # One per case: evidence of the next stage's own statements: strengths shown at the modality
    # the next stage requires them at (weaker strengths are no evidence of that stage).
    "beyond": {
        "next_stage": "str",  # "" at the last stage or without stages
        "statements": "int",
        "standards": "int",  # distinct top-level standards those statements sit under
        "source_kinds": "int",  # distinct evidence sources (the framework's) of that evidence
    },
    # One per case: is there enough evidence to judge?
    "sufficiency": {
        "items": "int",  # in-window evidence items
        "excluded": "int",  # items outside the cycle (reported, not used)
        "kinds": "int",  # distinct evidence kinds in window
        "source_kinds": "int",  # distinct evidence sources the in-window kinds belong to
        "recorders": "int",  # distinct people who recorded in-window evidence
        "tags": "int",  # in-window tags
    },
    # One per case.
    "circumstances": {
        "protected_absence_days": "int",  # maternity/parental and disability-related, in cycle
        "protected_absence": "bool",
        "other_absence_days": "int",
        "cycle_days": "int",
        "worked_days": "int",  # cycle days less protected absence
        "worked_fraction": "float",  # worked_days / cycle_days
        "in_induction": "bool",
        "in_capability": "bool",
        "part_time_fraction": "float",
    },
    # One per case.
    "conduct": {
        "concern": "bool",
    },
    # Asserted by rules (`then: conclude: NAME`), never by derivation.
    "conclusion": {
        "name": "str",
    },
}

MATCHABLE = frozenset(FACT_TYPES)

ONE_PER_CASE = frozenset(
    {"review", "coverage", "objectives", "beyond", "sufficiency", "circumstances", "conduct"}
)
"""Fact types a case has exactly one of: two patterns of such a type always match the same fact."""

KEYS: dict[str, str] = {
    "standard": "standard",
    "ledger": "stage",
    "modality": "modality",
    "level": "level",
    "conclusion": "name",
}
"""For each fact type a case may hold many of, the field saying which one a fact is."""

Vocabulary = Literal[
    "stage",  # the framework's stage ids
    "review-stage",  # the stage ids, or only "" when the framework has no stages
    "stage-or-blank",  # the stage ids and ""
    "modality",  # the framework's modality ids
    "level",  # the practice levels statements carry (modality ids)
    "rating-or-blank",  # the scale's rating ids and ""
    "standard",  # ids of the top-level standards
    "standard-number",  # numbers of the top-level standards ("" when a standard has none)
    "conclusion",  # the names some rule of the rule set concludes
]


@dataclass(frozen=True)
class Domain:
    """The values a field can take: numeric bounds, or one of the framework's vocabularies."""

    low: float | None = None
    high: float | None = None
    vocabulary: Vocabulary | None = None


_COUNT = Domain(low=0)
_RATIO = Domain(low=0, high=1)
_SOURCES = Domain(low=0, high=3)  # each shipped framework names three evidence sources
_RANK = Domain(low=0)


def _counts_and_ratios(fact: str) -> dict[str, Domain]:
    """Every int field of ``fact`` is a count (at least 0), every float a ratio in [0, 1]."""
    numeric = {"int": _COUNT, "float": _RATIO}
    return {name: numeric[t] for name, t in FACT_TYPES[fact].items() if t in numeric}


DOMAINS: dict[str, dict[str, Domain]] = {
    "review": {
        "stage": Domain(vocabulary="review-stage"),
        "stage_rank": Domain(low=-1),
        "appraiser_rating": Domain(vocabulary="rating-or-blank"),
    },
    "coverage": _counts_and_ratios("coverage"),
    "standard": {
        "standard": Domain(vocabulary="standard"),
        "number": Domain(vocabulary="standard-number"),
        **_counts_and_ratios("standard"),
    },
    "ledger": {
        "stage": Domain(vocabulary="stage"),
        "modality": Domain(vocabulary="modality"),
        **_counts_and_ratios("ledger"),
    },
    "modality": {
        "modality": Domain(vocabulary="modality"),
        "rank": _RANK,
        "statements": _COUNT,
        "ratio": _RATIO,
    },
    "level": {
        "level": Domain(vocabulary="level"),
        "rank": _RANK,
        "required": _COUNT,
        "met": _COUNT,
        "ratio": _RATIO,
        "concerns": _COUNT,
    },
    "objectives": _counts_and_ratios("objectives"),
    "beyond": {
        "next_stage": Domain(vocabulary="stage-or-blank"),
        "statements": _COUNT,
        "standards": _COUNT,
        "source_kinds": _SOURCES,
    },
    "sufficiency": {
        **{name: _COUNT for name in FACT_TYPES["sufficiency"]},
        "source_kinds": _SOURCES,
    },
    "circumstances": {
        "protected_absence_days": _COUNT,
        "other_absence_days": _COUNT,
        "cycle_days": Domain(low=1),
        "worked_days": _COUNT,
        "worked_fraction": _RATIO,
        "part_time_fraction": _RATIO,
    },
    "conclusion": {"name": Domain(vocabulary="conclusion")},
}
"""What is known of each field's values beyond its type; a bool is always true or false."""


def vocabulary(
    framework: Framework, name: Vocabulary, conclusions: Collection[str] = ()
) -> frozenset[str]:
    """The values a vocabulary field can take under ``framework`` (and a rule set's conclusions)."""
    stages = frozenset(s.id for s in framework.stages)
    values: dict[Vocabulary, frozenset[str]] = {
        "stage": stages,
        "review-stage": stages or frozenset({""}),
        "stage-or-blank": stages | {""},
        "modality": frozenset(m.id for m in framework.modalities.levels),
        "level": frozenset(s.level for s in framework.statements if s.level),
        "rating-or-blank": frozenset(level.id for level in framework.scale.levels) | {""},
        "standard": frozenset(node.id for node in framework.standards),
        "standard-number": frozenset(node.number or "" for node in framework.standards),
        "conclusion": frozenset(conclusions),
    }
    return values[name]
