"""Everything ``appraise check`` runs on a rule set: diagnostics, invariants, its golden cases
and rule coverage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml

from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.errors import RuleSetError
from engine.rules.compiler import compile_ruleset, load_ruleset
from engine.testing.boundaries import aimed_probes
from engine.testing.golden import CaseResult, case_files, load_cases, run_cases
from engine.testing.invariants import Checker, Violation, applies, run_invariant
from engine.testing.static_checks import check_ruleset
from schemas.diagnostics import Diagnostic
from schemas.review import Review
from schemas.ruleset import INVARIANTS, RuleSet

__all__ = [
    "CheckReport",
    "Coverage",
    "InvariantResult",
    "review_yaml",
    "run_checks",
]

Status = Literal["pass", "fail", "not-declared", "not-applicable"]
NEXT_STEP_SHARE = 10
"""Next-step soundness runs the next-step search (~40 evaluations) per example: a tenth of the
examples of the other invariants."""


@dataclass(frozen=True)
class InvariantResult:
    """One invariant's verdict, with its shrunk counterexample when it fails."""

    name: str
    status: Status
    examples: int = 0
    violation: Violation | None = None


@dataclass(frozen=True)
class Coverage:
    """Which rules fired on the golden cases and on the generated reviews."""

    rules: tuple[str, ...]
    golden: frozenset[str]
    generated: frozenset[str]
    golden_cases: int
    generated_reviews: int
    results: dict[str, int] = field(default_factory=dict)

    @property
    def never_fired(self) -> tuple[str, ...]:
        return tuple(r for r in self.rules if r not in self.golden | self.generated)


@dataclass(frozen=True)
class CheckReport:
    """What ``appraise check`` found; ``ok`` when no invariant failed, every golden case passed
    and nothing was diagnosed (a case file that cannot be read is a diagnostic)."""

    path: str
    ruleset: RuleSet | None
    diagnostics: tuple[Diagnostic, ...]
    invariants: tuple[InvariantResult, ...] = ()
    coverage: Coverage | None = None
    seed: int = 0
    cases: tuple[CaseResult, ...] = ()

    @property
    def ok(self) -> bool:
        return (
            not self.diagnostics
            and all(i.status != "fail" for i in self.invariants)
            and all(case.passed for case in self.cases)
        )


def run_checks(
    path: Path, catalogue: Catalogue, *, max_examples: int = 100, seed: int = 0
) -> CheckReport:
    """Diagnose the rule set; if it compiles, check its declared invariants, run its golden cases
    (``engine.testing.golden``) and measure its rule coverage."""
    diagnostics = check_ruleset(path, catalogue)  # compile problems and static findings
    try:
        ruleset, framework = load_ruleset(path, catalogue)
    except RuleSetError:
        return CheckReport(str(path), None, tuple(diagnostics), seed=seed)
    compiled = compile_ruleset(ruleset, framework)
    checker = Checker(Evaluator(compiled))
    cases, unreadable = load_cases(case_files(path, ruleset.id), catalogue)
    seeds = tuple(case.data.review for case in cases)
    results = tuple(_run(checker, name, max_examples, seed, seeds) for name in INVARIANTS)
    ran = tuple(run_cases(compiled, cases))
    golden = frozenset(rule for r in ran if r.actual for rule in r.actual.fired)
    coverage = Coverage(
        rules=tuple(rule.id for rule in ruleset.rules),
        golden=golden,
        generated=frozenset(checker.fired),
        golden_cases=sum(1 for r in ran if r.actual is not None),
        generated_reviews=checker.reviews,
        results=dict(sorted(checker.results.items())),
    )
    diagnostics += unreadable
    return CheckReport(str(path), ruleset, tuple(diagnostics), results, coverage, seed, ran)


def _run(
    checker: Checker, name: str, max_examples: int, seed: int, seeds: Sequence[Review] = ()
) -> InvariantResult:
    if name not in checker.settings.check:
        return InvariantResult(name, "not-declared")
    if not applies(name, checker.framework):
        return InvariantResult(name, "not-applicable")
    if name == "next-step-soundness":
        max_examples = max(1, max_examples // NEXT_STEP_SHARE)
    aimed = aimed_probes(name, checker.framework, seeds)
    violation = run_invariant(checker, name, max_examples=max_examples, seed=seed, aimed=aimed)
    return InvariantResult(name, "fail" if violation else "pass", max_examples, violation)


def review_yaml(review: Review) -> str:
    """A review as YAML that ``appraise recommend`` reads back to the same review."""
    data = review.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
