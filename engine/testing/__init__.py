"""Testing rule sets: Hypothesis strategies for reviews (``from engine.testing import reviews``),
the declared invariants, static checks, golden cases (``appraise test``) and ``appraise check``'s
runner; and the hostile request bodies a service is tested and measured with."""

from __future__ import annotations

from engine.testing.golden import (
    Actual,
    Case,
    CaseResult,
    Mismatch,
    SuiteResult,
    case_files,
    compare,
    load_case,
    load_cases,
    run_cases,
    run_suite,
)
from engine.testing.hostile import HostileBody, hostile_bodies
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
    review_yaml,
    run_checks,
)
from engine.testing.selection import matcher
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
    "Actual",
    "Case",
    "CaseResult",
    "CheckReport",
    "Checker",
    "Coverage",
    "EvidenceBias",
    "Expect",
    "HostileBody",
    "InvariantResult",
    "Mismatch",
    "Ordering",
    "Probe",
    "SuiteResult",
    "Violation",
    "absences",
    "applies",
    "case_files",
    "check_ruleset",
    "circumstances",
    "compare",
    "declared",
    "evidence_items",
    "hostile_bodies",
    "load_case",
    "load_cases",
    "matcher",
    "objectives",
    "probes",
    "review_yaml",
    "reviews",
    "run_cases",
    "run_checks",
    "run_invariant",
    "run_suite",
    "tags",
]
