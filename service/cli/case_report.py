"""Golden-case results as ``appraise check`` and ``appraise test`` both report them: JSON, and
diagnostics at a failing case's ``expect:``."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from schemas.diagnostics import Diagnostic

if TYPE_CHECKING:
    from engine.testing.golden import CaseResult

__all__ = ["CASE_CODES", "case_diagnostics", "case_json"]

CASE_CODES = {
    "case-failed": "A golden case's expectations are not met by the rule set's draft.",
    "case-error": "A golden case could not be drafted by the rule set.",
}
"""The SARIF descriptions of the codes a failing case is reported under."""


def case_json(result: CaseResult) -> dict[str, object]:
    """One case's result as JSON: its status, the broken expectations, the draft's outcome."""
    case, actual = result.case, result.actual
    status = "pass" if result.passed else ("error" if result.error is not None else "fail")
    return {
        "file": case.file,
        "line": case.line,
        "name": case.name,
        "ruleset": result.ruleset,
        "status": status,
        "mismatches": [
            {"what": m.what, "expected": list(m.expected), "actual": list(m.actual)}
            for m in result.mismatches
        ],
        "actual": None
        if actual is None
        else {
            "outcome": actual.outcome,
            "rating": actual.rating,
            "purpose": actual.purpose,
            "scale": actual.scale,
            "fired": list(actual.fired),
            "causes": list(actual.causes),
        },
        "error": result.error,
    }


def case_diagnostics(results: Sequence[CaseResult]) -> list[Diagnostic]:
    """The failing cases as diagnostics at their ``expect:``."""
    return [d for r in results if (d := r.diagnostic()) is not None]
