"""The rule sets under a rules directory: ``rules/<framework>/ruleset*.yaml``, keyed by id."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from engine._validate import did_you_mean
from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.errors import NotFoundError
from engine.rules.compiler import CompiledRules, compile_ruleset, load_ruleset
from schemas.review import Review
from schemas.ruleset import RuleSet

__all__ = ["RuleSets"]


class RuleSets:
    """Loads, checks and compiles rule sets on first use; one compiled engine per content hash."""

    def __init__(self, catalogue: Catalogue | None = None) -> None:
        self.catalogue = catalogue or Catalogue()
        self._compiled: dict[str, CompiledRules] = {}

    @cached_property
    def paths(self) -> dict[str, Path]:
        """Rule-set id → file. The id is read from the file, so renaming a file changes nothing."""
        found: dict[str, Path] = {}
        for path in sorted(self.catalogue.rules_dir.glob("*/ruleset*.yaml")):
            ruleset, _ = load_ruleset(path, self.catalogue)
            found[ruleset.id] = path
        return found

    def load(self, ruleset_id: str) -> RuleSet:
        return self.compiled(ruleset_id).ruleset

    def compiled(self, ruleset_id: str) -> CompiledRules:
        if ruleset_id not in self.paths:
            hint = did_you_mean(ruleset_id, self.paths)
            raise NotFoundError(f"no rule set {ruleset_id!r}{hint}")
        if ruleset_id not in self._compiled:
            ruleset, framework = load_ruleset(self.paths[ruleset_id], self.catalogue)
            self._compiled[ruleset_id] = compile_ruleset(ruleset, framework)
        return self._compiled[ruleset_id]

    def evaluator(self, review: Review, ruleset_id: str | None = None) -> Evaluator:
        """The evaluator for a review: the given rule set, the review's, or its framework's own."""
        chosen = ruleset_id or review.ruleset or review.framework
        compiled = self.compiled(chosen)
        if compiled.framework.id != review.framework:
            raise NotFoundError(
                f"rule set {chosen!r} is for framework {compiled.framework.id!r}, "
                f"not {review.framework!r}"
            )
        return Evaluator(compiled)
