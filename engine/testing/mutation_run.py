"""Mutation testing of a rule set: does anything notice each slip ``engine.testing.mutants`` makes?

Each mutant that is not equivalent is compiled afresh (never into the compile cache) and run
against the rule set's golden cases (those the rule set itself passes), then against the
invariants it declares (the aimed probes of ``engine.testing.boundaries`` first, then the random
search). The first failure kills it; a mutant nothing notices survives. The score is
killed / (killed + survived).
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Literal

from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.rules.compiler import compile_ruleset, load_ruleset
from engine.testing.boundaries import aimed_probes
from engine.testing.golden import Case, case_files, load_cases, run_cases
from engine.testing.invariants import Checker, applies, run_invariant
from engine.testing.mutants import Mutant, mutants
from engine.testing.ruleset_check import NEXT_STEP_SHARE
from schemas.framework import Framework
from schemas.ruleset import INVARIANTS, RuleSet

__all__ = ["MutantResult", "MutationReport", "run_mutants"]

Status = Literal["killed", "survived", "equivalent"]


@dataclass(frozen=True)
class MutantResult:
    """What became of one mutant, and what noticed it (a golden case's file or an invariant)."""

    mutant: Mutant
    status: Status
    by: str = ""


@dataclass(frozen=True)
class MutationReport:
    """Every mutant's fate; ``score`` is the share of non-equivalent mutants killed (percent)."""

    path: str
    ruleset: str
    seed: int
    max_examples: int
    results: tuple[MutantResult, ...]

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def score(self) -> float:
        judged = self.count("killed") + self.count("survived")
        return 100.0 * self.count("killed") / judged if judged else 100.0


def run_mutants(
    path: Path,
    catalogue: Catalogue,
    *,
    max_examples: int = 100,
    seed: int = 0,
    jobs: int = 1,
) -> MutationReport:
    """Generate the mutants of the rule set at ``path`` and run each against its checks."""
    ruleset, framework = load_ruleset(path, catalogue)
    found = mutants(ruleset, framework)
    cases = _cases(path, ruleset, framework, catalogue)
    judged = [m for m in found if m.equivalent is None]
    judge = partial(_judge, framework=framework, cases=cases, budget=max_examples, seed=seed)
    if jobs > 1 and len(judged) > 1:
        context = multiprocessing.get_context("spawn")  # no durable-rules state is inherited
        with ProcessPoolExecutor(jobs, mp_context=context) as pool:
            fates = list(pool.map(judge, judged, chunksize=1))
    else:
        fates = [judge(m) for m in judged]
    by_number = {r.mutant.number: r for r in fates}
    results = tuple(
        by_number.get(m.number) or MutantResult(m, "equivalent", m.equivalent or "") for m in found
    )
    return MutationReport(str(path), ruleset.id, seed, max_examples, results)


def _cases(
    path: Path, ruleset: RuleSet, framework: Framework, catalogue: Catalogue
) -> tuple[Case, ...]:
    """The golden cases the rule set itself passes: one it fails would "kill" every mutant."""
    cases, _unreadable = load_cases(case_files(path, ruleset.id), catalogue)
    ran = run_cases(compile_ruleset(ruleset, framework), cases)
    return tuple(result.case for result in ran if result.passed)


def _judge(
    mutant: Mutant, *, framework: Framework, cases: Sequence[Case], budget: int, seed: int
) -> MutantResult:
    """Kill ``mutant`` with the first golden case or invariant that notices it, if any."""
    compiled = compile_ruleset(mutant.ruleset, framework, cache=False)
    for result in run_cases(compiled, cases):
        if not result.passed:
            return MutantResult(mutant, "killed", f"golden case {result.case.file}")
    checker = Checker(Evaluator(compiled))
    declared = [
        name
        for name in INVARIANTS
        if name in checker.settings.check and applies(name, checker.framework)
    ]
    seeds = [case.data.review for case in cases]
    for name in declared:  # the aimed probes of every invariant first: they are cheap
        if run_invariant(checker, name, max_examples=0, aimed=aimed_probes(name, framework, seeds)):
            return MutantResult(mutant, "killed", f"invariant {name}")
    for name in declared:
        examples = max(1, budget // NEXT_STEP_SHARE) if name == "next-step-soundness" else budget
        if run_invariant(checker, name, max_examples=examples, seed=seed, shrink=False):
            return MutantResult(mutant, "killed", f"invariant {name}")
    return MutantResult(mutant, "survived")
