"""What the authoring aids read from the rules directory: a framework's rule sets, the fact
settings of one, and the parameter names of a rule set (also of one still being written)."""

from __future__ import annotations

from pathlib import Path

from engine._validate import did_you_mean
from engine._yaml import load_yaml_file
from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.errors import NotFoundError
from engine.rules.compiler import load_ruleset
from schemas.ruleset import FactSettings

__all__ = ["fact_settings", "parameter_names", "rulesets_of"]


def rulesets_of(catalogue: Catalogue, framework_id: str) -> list[str]:
    """The ids of the rule sets for ``framework_id`` under the rules directory."""
    rulesets = RuleSets(catalogue)
    return [
        ruleset_id
        for ruleset_id, path in rulesets.paths.items()
        if load_ruleset(path, catalogue)[1].id == framework_id
    ]


def fact_settings(catalogue: Catalogue, framework_id: str, ruleset_id: str | None) -> FactSettings:
    """How the rule set (by default the framework's own) derives facts; it says which modality
    a framework without stages requires. The rule set is read and checked, not compiled."""
    rulesets = RuleSets(catalogue)
    chosen = ruleset_id or framework_id
    if chosen not in rulesets.paths:
        if ruleset_id is None:
            return FactSettings()
        raise NotFoundError(f"no rule set {chosen!r}{did_you_mean(chosen, rulesets.paths)}")
    ruleset, framework = load_ruleset(rulesets.paths[chosen], catalogue)
    if framework.id != framework_id:
        message = f"rule set {chosen!r} is for framework {framework.id!r}, not {framework_id!r}"
        raise NotFoundError(message)
    return ruleset.facts


def parameter_names(catalogue: Catalogue, ruleset: str) -> list[str]:
    """The parameters a rule set declares; ``ruleset`` is an id under the rules directory or a
    file. The file is only parsed, not checked: a rule set being written may not check yet."""
    path = Path(ruleset)
    if not path.is_file():
        paths = RuleSets(catalogue).paths
        if ruleset not in paths:
            hint = did_you_mean(ruleset, paths)
            raise NotFoundError(f"no rule set {ruleset!r} (an id or a file){hint}")
        path = paths[ruleset]
    data = load_yaml_file(path).data
    parameters = data.get("parameters") if isinstance(data, dict) else None
    return [str(name) for name in parameters] if isinstance(parameters, dict) else []
