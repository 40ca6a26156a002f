"""Everything ``appraise check`` runs on a rule set: diagnostics, invariants and rule coverage."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import yaml
from pydantic import ValidationError

from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.errors import InputError, RuleSetError
from engine.rules.compiler import compile_ruleset, load_ruleset
from engine.testing.invariants import Checker, Violation, applies, run_invariant
from engine.testing.static_checks import check_ruleset
from schemas.diagnostics import Diagnostic
from schemas.review import Review
from schemas.ruleset import INVARIANTS, RuleSet

__all__ = [
    "CheckReport",
    "Coverage",
    "InvariantResult",
    "golden_cases",
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
    """What ``appraise check`` found; ``ok`` when no invariant failed and nothing was diagnosed."""

    path: str
    ruleset: RuleSet | None
    diagnostics: tuple[Diagnostic, ...]
    invariants: tuple[InvariantResult, ...] = ()
    coverage: Coverage | None = None
    seed: int = 0

    @property
    def ok(self) -> bool:
        return not self.diagnostics and all(i.status != "fail" for i in self.invariants)


def run_checks(
    path: Path, catalogue: Catalogue, *, max_examples: int = 100, seed: int = 0
) -> CheckReport:
    """Diagnose the rule set; if it compiles, check its declared invariants and its coverage."""
    diagnostics = check_ruleset(path, catalogue)  # compile problems and static findings
    try:
        ruleset, framework = load_ruleset(path, catalogue)
    except RuleSetError:
        return CheckReport(str(path), None, tuple(diagnostics), seed=seed)
    evaluator = Evaluator(compile_ruleset(ruleset, framework))
    checker = Checker(evaluator)
    results = tuple(_run(checker, name, max_examples, seed) for name in INVARIANTS)
    golden = Counter[str]()
    cases = 0
    for review in golden_cases(catalogue, ruleset):
        try:
            golden.update({f.rule for f in evaluator.decide(review).firings})
        except InputError:  # an invalid golden case fails the golden tests, not the coverage
            continue
        except Exception:  # the rule set broke on it: the totality result above says so
            continue
        cases += 1
    coverage = Coverage(
        rules=tuple(rule.id for rule in ruleset.rules),
        golden=frozenset(golden),
        generated=frozenset(checker.fired),
        golden_cases=cases,
        generated_reviews=checker.reviews,
        results=dict(sorted(checker.results.items())),
    )
    return CheckReport(str(path), ruleset, tuple(diagnostics), results, coverage, seed)


def _run(checker: Checker, name: str, max_examples: int, seed: int) -> InvariantResult:
    if name not in checker.settings.check:
        return InvariantResult(name, "not-declared")
    if not applies(name, checker.framework):
        return InvariantResult(name, "not-applicable")
    if name == "next-step-soundness":
        max_examples = max(1, max_examples // NEXT_STEP_SHARE)
    violation = run_invariant(checker, name, max_examples=max_examples, seed=seed)
    return InvariantResult(name, "fail" if violation else "pass", max_examples, violation)


def golden_cases(catalogue: Catalogue, ruleset: RuleSet) -> Iterator[Review]:
    """The reviews of the golden cases written for ``ruleset`` (cases that name no rule set
    belong to the framework's own); files that are not valid cases are left to the golden tests.
    """
    for path in sorted((catalogue.rules_dir / ruleset.framework / "cases").glob("*.yaml")):
        try:
            case = yaml.safe_load(path.read_text(encoding="utf-8"))
            review = Review.model_validate(case["review"])
        except (yaml.YAMLError, ValidationError, KeyError, TypeError):
            continue
        if case.get("ruleset", review.framework) == ruleset.id:
            yield review


def review_yaml(review: Review) -> str:
    """A review as YAML that ``appraise recommend`` reads back to the same review."""
    data = review.model_dump(mode="json", exclude_defaults=True)
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)
