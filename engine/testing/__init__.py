"""Testing rule sets: Hypothesis strategies for reviews (``from engine.testing import reviews``),
the declared invariants, static checks and ``appraise check``'s runner."""

from __future__ import annotations

from engine.testing.invariants import (
    DEFAULT_CHECKS,
    Checker,
    Expect,
    Ordering,
    Probe,
    Violation,
    applies,
    declared,
    probes,
    run_invariant,
)
from engine.testing.ruleset_check import (
    CheckReport,
    Coverage,
    InvariantResult,
    golden_cases,
    review_yaml,
    run_checks,
)
from engine.testing.static_checks import check_ruleset
from engine.testing.strategies import (
    CYCLE_END,
    CYCLE_START,
    EVIDENCE_BIASES,
    OUTCOMES,
    EvidenceBias,
    absences,
    circumstances,
    evidence_items,
    objectives,
    reviews,
    tags,
)

__all__ = [
    "CYCLE_END",
    "CYCLE_START",
    "DEFAULT_CHECKS",
    "EVIDENCE_BIASES",
    "OUTCOMES",
    "CheckReport",
    "Checker",
    "Coverage",
    "EvidenceBias",
    "Expect",
    "InvariantResult",
    "Ordering",
    "Probe",
    "Violation",
    "absences",
    "applies",
    "check_ruleset",
    "circumstances",
    "declared",
    "evidence_items",
    "golden_cases",
    "objectives",
    "probes",
    "review_yaml",
    "reviews",
    "run_checks",
    "run_invariant",
    "tags",
]
