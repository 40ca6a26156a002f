"""The rule compiler: ``ruleset.yaml`` → checked ``RuleSet`` → durable-rules JSON, once per hash.

Every name, operator and comparison is checked against the fact contract
(``engine.facts.contract``) before durable-rules sees anything, because durable-rules accepts
undefined references and compares mismatched types silently (see ``docs/durable-rules.md``).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from itertools import pairwise
from pathlib import Path
from typing import Any

from engine._validate import did_you_mean, validate_document
from engine._yaml import Loc, Located, load_yaml_file
from engine.catalogue.frameworks import Catalogue
from engine.errors import NotFoundError, RuleSetError
from engine.facts.contract import FACT_TYPES, FieldType
from engine.rules._durable import DurableRuleset, RuleSpec
from engine.rules.conditions import Condition, ConditionError, Operand, parse_condition
from engine.rules.scales import OutcomeScale, outcome_scales, stages_of_rule
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.ruleset import (
    INVARIANTS,
    STATUSES,
    InvariantSettings,
    Parameter,
    Rule,
    RuleSet,
    Scale,
)

__all__ = [
    "CompiledRules",
    "compile_ruleset",
    "load_ruleset",
    "render_reason",
    "ruleset_hash",
]

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
_DURABLE_OPS = {"!=": "$neq", "<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte"}
_NUMERIC = ("int", "float")


@dataclass(frozen=True)
class CompiledRules:
    """A rule set compiled for one framework with fixed parameter values: evaluate it many times."""

    ruleset: RuleSet
    framework: Framework
    content_hash: str
    parameters: Mapping[str, bool | int | float | str]
    engine: DurableRuleset = field(repr=False)

    def rule(self, rule_id: str) -> Rule:
        return self._rules_by_id[rule_id]

    @cached_property
    def _rules_by_id(self) -> dict[str, Rule]:
        return {rule.id: rule for rule in self.ruleset.rules}

    def scale_for(self, stage: str | None) -> OutcomeScale:
        """The scale a review at ``stage`` is drafted on (the framework's unless declared)."""
        return self.scales.get(stage, self.scales[None])

    @cached_property
    def scales(self) -> dict[str | None, OutcomeScale]:
        """Stage → its scale; ``None``: every stage without one of its own (the framework's)."""
        return outcome_scales(self.ruleset, self.framework)


def ruleset_hash(ruleset: RuleSet, framework: Framework) -> str:
    """The content hash that seals a decision: the rule set's and framework's canonical JSON."""
    payload = {
        "ruleset": ruleset.model_dump(mode="json", by_alias=True),
        "framework": framework.model_dump(mode="json"),
    }
    canonical = json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def load_ruleset(path: Path, catalogue: Catalogue) -> tuple[RuleSet, Framework]:
    """Load and check a rule-set file; raise ``RuleSetError`` listing every problem at once."""
    located = load_yaml_file(path)
    ruleset, diagnostics, _ = validate_document(RuleSet, located)
    framework = _framework_of(located, catalogue, diagnostics)
    if ruleset is not None and framework is not None:
        diagnostics += _Checker(ruleset, framework, located).run()
    if diagnostics or ruleset is None or framework is None:
        raise RuleSetError(diagnostics)
    return ruleset, framework


def _framework_of(
    located: Located, catalogue: Catalogue, diagnostics: list[Diagnostic]
) -> Framework | None:
    framework_id = located.data.get("framework") if isinstance(located.data, dict) else None
    if not isinstance(framework_id, str):
        return None
    try:
        return catalogue[framework_id]
    except NotFoundError:
        hint = did_you_mean(framework_id, list(catalogue))
        message = f"unknown framework {framework_id!r}{hint}"
        diagnostics.append(located.diagnostic(("framework",), "unknown-framework", message))
        return None


_CACHE: dict[str, CompiledRules] = {}


def compile_ruleset(
    ruleset: RuleSet,
    framework: Framework,
    overrides: Mapping[str, bool | int | float | str] | None = None,
    *,
    cache: bool = True,
) -> CompiledRules:
    """Compile onto durable-rules, once per content hash (parameter overrides included);
    ``cache=False`` compiles afresh and keeps nothing (a one-off variant, e.g. a mutant)."""
    if ruleset.framework != framework.id:
        raise NotFoundError(f"rule set {ruleset.id!r} is for framework {ruleset.framework!r}")
    diagnostics = _Checker(ruleset, framework, Located(file=f"<{ruleset.id}>", data=None)).run()
    if diagnostics:
        raise RuleSetError(diagnostics)
    parameters = _parameters(ruleset, overrides or {})
    content_hash = ruleset_hash(ruleset, framework)
    if overrides:
        extra = json.dumps(dict(sorted(overrides.items())), sort_keys=True)
        content_hash += "+" + hashlib.sha256(extra.encode()).hexdigest()[:16]
    if content_hash in _CACHE:
        return _CACHE[content_hash]
    specs = [_rule_spec(rule, parameters) for rule in ruleset.rules]
    engine = DurableRuleset(ruleset.id, specs)
    compiled = CompiledRules(ruleset, framework, content_hash, parameters, engine)
    if cache:
        _CACHE[content_hash] = compiled
    return compiled


def _parameters(
    ruleset: RuleSet, overrides: Mapping[str, bool | int | float | str]
) -> dict[str, bool | int | float | str]:
    values = {name: p.default for name, p in ruleset.parameters.items()}
    for name, value in overrides.items():
        if name not in values:
            hint = did_you_mean(name, values)
            raise NotFoundError(f"rule set {ruleset.id!r} has no parameter {name!r}{hint}")
        if _value_type(value) != ruleset.parameters[name].type and not (
            isinstance(value, int) and ruleset.parameters[name].type == "float"
        ):
            raise NotFoundError(f"parameter {name!r} must be {ruleset.parameters[name].type}")
        values[name] = value
    return values


def _value_type(value: object) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int):
        return "int"
    if isinstance(value, float):
        return "float"
    return "str"


# --- translation to durable-rules JSON -------------------------------------------------------


def _rule_spec(rule: Rule, parameters: Mapping[str, bool | int | float | str]) -> RuleSpec:
    patterns: list[dict[str, Any]] = []
    aliases: list[str] = []
    field_types: dict[str, dict[str, FieldType]] = {}
    for pattern in rule.when:
        alias = pattern.as_ or pattern.fact
        field_types[alias] = FACT_TYPES[pattern.fact]
        tests: list[dict[str, Any]] = [{"t": pattern.fact}]
        for text in pattern.where:
            condition = parse_condition(text)
            tests.append(
                _durable_test(condition, FACT_TYPES[pattern.fact][condition.field], parameters)
            )
        patterns.append({alias: {"$and": tests}})
        aliases.append(alias)
    definition = {"all": patterns, "pri": rule.priority}
    return RuleSpec(
        name=rule.id, definition=definition, aliases=tuple(aliases), conclude=rule.then.conclude
    )


def _durable_test(
    condition: Condition, field_type: FieldType, parameters: Mapping[str, bool | int | float | str]
) -> dict[str, Any]:
    name, op, operand = condition.field, condition.op, condition.operand
    if operand.kind == "list":
        items = [_coerce(v, field_type) for v in operand.value]  # type: ignore[union-attr]
        if op == "in":
            return {"$or": [{name: v} for v in items]}
        return {"$and": [{"$neq": {name: v}} for v in items]}
    value = _right_value(operand, field_type, parameters)
    if op == "==":
        return {name: value}
    return {_DURABLE_OPS[op]: {name: value}}


def _right_value(
    operand: Operand, field_type: FieldType, parameters: Mapping[str, bool | int | float | str]
) -> Any:
    if operand.kind == "ref":
        return {operand.name: operand.field}
    if operand.kind == "param":
        return _coerce(parameters[operand.name], field_type)
    return _coerce(operand.value, field_type)  # type: ignore[arg-type]


def _coerce(value: bool | int | float | str, field_type: FieldType) -> bool | int | float | str:
    """Numbers compared with float fields are sent as floats, so durable never mixes types."""
    if field_type == "float" and isinstance(value, int) and not isinstance(value, bool):
        return float(value)
    return value


# --- static checks, each with a place --------------------------------------------------------


class _Checker:
    """Collects every compile-time problem of a validated rule set."""

    def __init__(self, ruleset: RuleSet, framework: Framework, located: Located) -> None:
        self.ruleset = ruleset
        self.framework = framework
        self.located = located
        self.found: list[Diagnostic] = []
        self.scale = [level.id for level in framework.scale.levels]
        self.stages = tuple(stage.id for stage in framework.stages)
        self.scales = outcome_scales(ruleset, framework)

    def run(self) -> list[Diagnostic]:
        self._parameters()
        self._scales()
        self._rule_ids()
        concluded = {r.then.conclude for r in self.ruleset.rules if r.then.conclude}
        for i, rule in enumerate(self.ruleset.rules):
            self._rule(("rules", i), rule, concluded)
        self._resolution()
        if self.ruleset.invariants is not None:
            self._invariants(self.ruleset.invariants)
        return self.found

    def _report(self, loc: Loc, code: str, message: str, *, key: bool = False) -> None:
        self.found.append(self.located.diagnostic(loc, code, message, key=key))

    def _report_at(self, loc: Loc, offset: int, code: str, message: str) -> None:
        self.found.append(self.located.diagnostic(loc, code, message, offset=offset))

    def _parameters(self) -> None:
        for name, parameter in self.ruleset.parameters.items():
            problem = _parameter_problem(parameter)
            if problem:
                self._report(("parameters", name, "default"), "bad-parameter", f"{name}: {problem}")

    def _rule_ids(self) -> None:
        seen: dict[str, int] = {}
        for i, rule in enumerate(self.ruleset.rules):
            if rule.id in seen:
                line = self.located.where(("rules", seen[rule.id], "id"))[0]
                message = f"rule id {rule.id!r} already used on line {line}"
                self._report(("rules", i, "id"), "duplicate-id", message)
            else:
                seen[rule.id] = i

    def _rule(self, loc: Loc, rule: Rule, concluded: set[str]) -> None:
        aliases: dict[str, str] = {}
        for j, pattern in enumerate(rule.when):
            ploc = (*loc, "when", j)
            if pattern.fact not in FACT_TYPES:
                hint = did_you_mean(pattern.fact, FACT_TYPES)
                self._report(
                    (*ploc, "fact"), "unknown-fact", f"unknown fact {pattern.fact!r}{hint}"
                )
                continue
            alias = pattern.as_ or pattern.fact
            if alias in aliases:
                message = f"alias {alias!r} is already used in this rule; give one an 'as:'"
                self._report(
                    (*ploc, "as") if pattern.as_ else (*ploc, "fact"), "duplicate-alias", message
                )
            for k, text in enumerate(pattern.where):
                self._condition((*ploc, "where", k), pattern.fact, text, aliases, concluded)
            aliases[alias] = pattern.fact
        self._then((*loc, "then"), rule)
        self._template((*loc, "reason"), rule.reason, aliases)

    def _condition(
        self, loc: Loc, fact: str, text: str, aliases: dict[str, str], concluded: set[str]
    ) -> None:
        try:
            condition = parse_condition(text)
        except ConditionError as exc:
            self._report_at(loc, exc.offset, exc.code, f"{text!r}: {exc}")
            return
        fields = FACT_TYPES[fact]
        if condition.field not in fields:
            hint = did_you_mean(condition.field, fields)
            message = f"{fact} has no field {condition.field!r}{hint}"
            self._report_at(loc, 0, "unknown-fact-field", message)
            return
        right = self._operand_type(loc, condition.operand, aliases)
        if right is not None:
            problem = _type_problem(fields[condition.field], condition.op, right)
            if problem:
                self._report_at(loc, condition.op_offset, "type-mismatch", f"{text!r}: {problem}")
        if (
            fact == "conclusion"
            and condition.field == "name"
            and condition.operand.kind == "literal"
        ):
            name = str(condition.operand.value)
            if name not in concluded:
                hint = did_you_mean(name, concluded)
                message = f"no rule concludes {name!r}{hint}, so this can never match"
                self._report_at(loc, condition.operand.offset, "unknown-conclusion", message)

    def _operand_type(self, loc: Loc, operand: Operand, aliases: dict[str, str]) -> str | None:
        if operand.kind == "param":
            parameter = self.ruleset.parameters.get(operand.name)
            if parameter is None:
                hint = did_you_mean(operand.name, self.ruleset.parameters)
                message = f"unknown parameter {operand.name!r}{hint}"
                self._report_at(loc, operand.offset, "unknown-parameter", message)
                return None
            return parameter.type
        if operand.kind == "ref":
            if operand.name not in aliases:
                hint = did_you_mean(operand.name, aliases)
                message = (
                    f"unknown alias {operand.name!r}{hint}: a join names a fact matched by an "
                    "earlier pattern (quote the value if it is a string)"
                )
                self._report_at(loc, operand.offset, "unknown-alias", message)
                return None
            fields = FACT_TYPES[aliases[operand.name]]
            if operand.field not in fields:
                hint = did_you_mean(operand.field, fields)
                message = f"{aliases[operand.name]} has no field {operand.field!r}{hint}"
                self._report_at(loc, operand.offset, "unknown-fact-field", message)
                return None
            return fields[operand.field]
        values = operand.value if operand.kind == "list" else (operand.value,)
        kinds = {_value_type(v) for v in values}  # type: ignore[union-attr]
        return kinds.pop() if len(kinds) == 1 else "mixed"

    def _then(self, loc: Loc, rule: Rule) -> None:
        """A proposal must be on the scale of every stage the rule can apply to."""
        proposal = rule.then.propose
        if not proposal:
            return
        stages = stages_of_rule(_stage_conditions(rule), self.stages) or (None,)
        lacking = [s for s in stages if proposal not in self._proposable(s)]
        if len(lacking) == len(stages):
            known = sorted({r for s in stages for r in self._proposable(s)})
            where = _scale_names(self.scales, stages)
            message = f"{proposal!r} is not on the {where}{did_you_mean(proposal, known)}"
            self._report((*loc, "propose"), "unknown-rating", message)
        elif lacking:
            on = [s for s in stages if s not in lacking]
            message = (
                f"rule {rule.id!r} proposes {proposal!r}, which is not on the "
                f"{_scale_names(self.scales, lacking)} of stages "
                f"{', '.join(str(s) for s in lacking)}: add 'stage in [{', '.join(map(str, on))}]' "
                "to a review pattern of the rule"
            )
            self._report((*loc, "propose"), "off-scale", message)

    def _proposable(self, stage: str | None) -> set[str]:
        """What a rule may propose for a review at ``stage``: a rating its scale maps."""
        return set(self.scales.get(stage, self.scales[None]).mapping)

    def _scales(self) -> None:
        """Every declared scale: known stages, once each; a monotone map onto its own levels."""
        claimed: dict[str, str] = {}
        for name, scale in self.ruleset.scales.items():
            loc: Loc = ("scales", name)
            for i, stage in enumerate(scale.stages):
                if stage not in self.stages:
                    hint = did_you_mean(stage, self.stages)
                    message = f"{stage!r} is not a stage of {self.framework.id}{hint}"
                    self._report((*loc, "stages", i), "unknown-stage", message)
                elif stage in claimed:
                    message = f"stage {stage!r} is already on the {claimed[stage]!r} scale"
                    self._report((*loc, "stages", i), "duplicate-stage", message)
                else:
                    claimed[stage] = name
            self._scale_levels(loc, scale)
            self._scale_map(loc, scale)

    def _scale_levels(self, loc: Loc, scale: Scale) -> None:
        own = [level.id for level in scale.levels]
        for i, level in enumerate(own):
            if level in own[:i]:
                self._report((*loc, "levels", i, "id"), "duplicate-id", f"level {level!r} twice")
            elif level in self.scale or level in STATUSES:
                message = (
                    f"level {level!r} is also a rating or status of {self.framework.id}: "
                    "give the scale's level its own id and map the rating to it"
                )
                self._report((*loc, "levels", i, "id"), "invalid-value", message)
        if scale.expected not in own:
            hint = did_you_mean(scale.expected, own)
            message = f"expected level {scale.expected!r} is not a level of this scale{hint}"
            self._report((*loc, "expected"), "unknown-rating", message)

    def _scale_map(self, loc: Loc, scale: Scale) -> None:
        own = [level.id for level in scale.levels]
        for rating, level in scale.map.items():
            if rating not in self.scale:
                hint = did_you_mean(rating, self.scale)
                message = f"{rating!r} is not on the {self.framework.id} scale{hint}"
                self._report((*loc, "map", rating), "unknown-rating", message, key=True)
            elif level not in own:
                hint = did_you_mean(level, own)
                message = f"{level!r} is not a level of this scale{hint}"
                self._report((*loc, "map", rating), "unknown-rating", message)
        mapped = [(r, scale.map[r]) for r in self.scale if scale.map.get(r) in own]
        for (worse, low), (better, high) in pairwise(mapped):
            if own.index(high) < own.index(low):
                message = (
                    f"the map reverses the scales: {better!r} is better than {worse!r} but maps "
                    f"to {high!r}, below {low!r}"
                )
                self._report((*loc, "map"), "scale-map", message)
        unplaced = [level for level in own if level not in scale.map.values()]
        if unplaced:
            message = (
                "no rating maps to " + ", ".join(repr(u) for u in unplaced) + ", so the "
                "resolution order cannot place it: map a rating of the framework to it"
            )
            self._report((*loc, "map"), "scale-map", message)

    def _template(self, loc: Loc, template: str, aliases: dict[str, str]) -> None:
        for match in _PLACEHOLDER.finditer(template):
            problem = _placeholder_problem(match.group(1), aliases, self.ruleset.parameters)
            if problem:
                self._report(loc, "bad-template", f"{{{match.group(1)}}}: {problem}")

    def _resolution(self) -> None:
        order = self.ruleset.resolution.order
        known = [*STATUSES, *self.scale]
        for i, outcome in enumerate(order):
            if outcome not in known:
                hint = did_you_mean(outcome, known)
                message = f"{outcome!r} is neither a status nor on the scale{hint}"
                self._report(("resolution", "order", i), "unknown-rating", message)
        missing = [outcome for outcome in known if outcome not in order]
        if missing:
            message = "resolution order leaves out " + ", ".join(repr(m) for m in missing)
            self._report(("resolution", "order"), "resolution-incomplete", message)
        if self.ruleset.resolution.expected not in self.scale:
            message = f"expected rating {self.ruleset.resolution.expected!r} is not on the scale"
            self._report(("resolution", "expected"), "unknown-rating", message)

    def _invariants(self, settings: InvariantSettings) -> None:
        """Known invariant names; every rating and status placed once, ratings in scale order."""
        for i, name in enumerate(settings.check):
            if name not in INVARIANTS:
                message = f"unknown invariant {name!r}{did_you_mean(name, INVARIANTS)}"
                self._report(("invariants", "check", i), "unknown-invariant", message)
        known = [*STATUSES, *self.scale]
        placed: dict[str, tuple[str, int]] = {}
        for part in ("order", "incomparable"):
            for i, outcome in enumerate(getattr(settings, part)):
                loc = ("invariants", part, i)
                if outcome not in known:
                    hint = did_you_mean(outcome, known)
                    message = f"{outcome!r} is neither a status nor on the scale{hint}"
                    self._report(loc, "unknown-rating", message)
                elif outcome in placed:
                    first = f"invariants.{placed[outcome][0]}[{placed[outcome][1]}]"
                    self._report(
                        loc, "invariant-order", f"{outcome!r} is already placed at {first}"
                    )
                else:
                    placed[outcome] = (part, i)
        missing = [outcome for outcome in known if outcome not in placed]
        if missing:
            message = (
                "invariants place every rating and status in 'order' or 'incomparable'; "
                "missing " + ", ".join(repr(m) for m in missing)
            )
            self._report(("invariants",), "invariant-order", message)
        ratings = [o for o in settings.order if o in self.scale]
        if ratings != sorted(ratings, key=self.scale.index):
            message = (
                "ratings in invariants.order must follow the scale, worst first: "
                + ", ".join(o for o in self.scale if o in ratings)
            )
            self._report(("invariants", "order"), "invariant-order", message)


def _stage_conditions(rule: Rule) -> list[tuple[str, str, tuple[str, ...]]]:
    """The rule's conditions on its review's fields with literal operands: (op, field, values)."""
    found = []
    for pattern in rule.when:
        if pattern.fact != "review":
            continue
        for text in pattern.where:
            try:
                condition = parse_condition(text)
            except ConditionError:
                continue  # reported where the condition is checked
            operand = condition.operand
            if operand.kind == "list":
                values = tuple(str(v) for v in operand.value)  # type: ignore[union-attr]
                found.append((condition.op, condition.field, values))
            elif operand.kind == "literal":
                found.append((condition.op, condition.field, (str(operand.value),)))
    return found


def _scale_names(scales: Mapping[str | None, OutcomeScale], stages: Iterable[str | None]) -> str:
    """'hampshire scale', 'induction scale' or 'hampshire or induction scales'."""
    titles = list(dict.fromkeys(scales.get(s, scales[None]).title for s in stages))
    if len(titles) == 1:
        return f"{titles[0]} scale"
    return f"{', '.join(titles[:-1])} or {titles[-1]} scales"


def _parameter_problem(parameter: Parameter) -> str | None:
    actual = _value_type(parameter.default)
    if actual != parameter.type and not (actual == "int" and parameter.type == "float"):
        return f"default {parameter.default!r} is {actual}, not {parameter.type}"
    if isinstance(parameter.default, (int, float)) and not isinstance(parameter.default, bool):
        if parameter.min is not None and parameter.default < parameter.min:
            return f"default {parameter.default} is below min {parameter.min}"
        if parameter.max is not None and parameter.default > parameter.max:
            return f"default {parameter.default} is above max {parameter.max}"
    return None


def _type_problem(left: str, op: str, right: str) -> str | None:
    if right == "mixed":
        return "a list must hold values of one type"
    if left in _NUMERIC and right in _NUMERIC:
        return None
    if left != right:
        return f"compares a {left} field with a {right}"
    if left in ("bool", "str") and op in ("<", "<=", ">", ">="):
        return f"'{op}' does not order {left} values"
    return None


def _placeholder_problem(
    text: str, aliases: dict[str, str], parameters: Mapping[str, Parameter]
) -> str | None:
    expression, _, fmt = text.partition("|")
    if fmt and fmt != "percent":
        return f"unknown format {fmt!r} (use 'percent')"
    head, _, name = expression.partition(".")
    if head == "param":
        if name not in parameters:
            return f"unknown parameter {name!r}"
        kind = parameters[name].type
    elif head not in aliases:
        return f"unknown alias {head!r}{did_you_mean(head, aliases)}"
    elif name not in FACT_TYPES[aliases[head]]:
        fields = FACT_TYPES[aliases[head]]
        return f"{aliases[head]} has no field {name!r}{did_you_mean(name, fields)}"
    else:
        kind = FACT_TYPES[aliases[head]][name]
    if fmt and kind not in _NUMERIC:
        return f"'|{fmt}' formats a number, and {expression} is a {kind}"
    return None


def render_reason(
    template: str,
    matched: Mapping[str, Mapping[str, Any]],
    parameters: Mapping[str, bool | int | float | str],
) -> str:
    """Fill a checked reason template with matched facts and parameter values."""

    def fill(match: re.Match[str]) -> str:
        expression, _, fmt = match.group(1).partition("|")
        head, _, name = expression.partition(".")
        value = parameters[name] if head == "param" else matched[head][name]
        if fmt == "percent":
            return f"{float(value):.0%}"
        if isinstance(value, float):
            return f"{value:.2f}".rstrip("0").rstrip(".")
        return str(value)

    return _PLACEHOLDER.sub(fill, template)
