"""The causes of a draft: every rule whose firing led to its outcome, directly or through the
conclusions it asserted, each with the figures it had and the parameters it was held to.

A rule that proposes ``not-met`` often matches only a concluded fact (``conclusion where name ==
below-expectations``); its own reason says nothing of why. The reasons are in the rules that
concluded that fact, so the chain is walked back from the winning proposals through every
matched conclusion to the firing that asserted it (``conclusion_id`` names it), transitively.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from engine._memo import PerObject
from engine._trusted import trusted
from engine.catalogue.tree import TreeIndex
from engine.decide.evaluate import Decision
from engine.facts.derive import StatementFacts
from engine.rules._durable import RawFiring, conclusion_id
from engine.rules.compiler import CompiledRules, render_reason
from engine.rules.conditions import parse_condition
from schemas.recommendation import Cause, Comparison
from schemas.review import Review

__all__ = [
    "Test",
    "Words",
    "causes",
    "comparison",
    "concern_line",
    "ledger_tests",
    "shorten",
    "words",
]

Scalar = bool | int | float | str

_OPERATOR_WORDS = {
    "<": "below",
    "<=": "at most",
    ">": "above",
    ">=": "at least",
    "==": "equal to",
    "!=": "other than",
}
_OUTCOME_WORDS = {"not-met": "not met", "partially-met": "partially met"}

# What a compared field is, in words; {units} is the framework's word for the nodes statements
# sit under (sub-standards, themes, elements) and {stage} the ledger stage's label.
_LABELS: dict[tuple[str, str], str] = {
    ("coverage", "ratio"): "required statements met",
    ("coverage", "met"): "required statements met",
    ("coverage", "evidenced"): "required statements evidenced",
    ("coverage", "concerns"): "statements with concerns",
    ("coverage", "unit_ratio"): "{units} met",
    ("coverage", "unit_evidenced_ratio"): "{units} evidenced",
    ("coverage", "min_stage_unit_ratio"): "{units} met in the weakest stage",
    ("coverage", "min_standard_ratio"): "statements met in the weakest standard",
    ("coverage", "standards_with_concerns"): "standards with concerns",
    ("ledger", "unit_ratio"): "{stage} {units} met",
    ("ledger", "ratio"): "{stage} statements met",
    ("standard", "ratio"): "statements of the standard met",
    ("standard", "concerns"): "statements of the standard with concerns",
    ("standard", "evidenced"): "statements of the standard evidenced",
    ("level", "ratio"): "statements of the level met",
    ("level", "concerns"): "statements of the level with concerns",
    ("modality", "ratio"): "statements shown at this modality",
    ("objectives", "met_or_better_ratio"): "assessed objectives met or exceeded",
    ("objectives", "exceeded_ratio"): "assessed objectives exceeded",
    ("sufficiency", "items"): "evidence items in the cycle",
    ("sufficiency", "source_kinds"): "kinds of source",
    ("sufficiency", "kinds"): "kinds of evidence",
    ("sufficiency", "tags"): "statement judgements recorded",
    ("circumstances", "worked_fraction"): "share of the cycle worked",
    ("beyond", "statements"): "next-stage statements evidenced",
    ("beyond", "standards"): "standards with next-stage evidence",
    ("beyond", "source_kinds"): "kinds of source of next-stage evidence",
}
_CONCERN_FIELDS = frozenset({"concerns", "standards_with_concerns"})
_OBJECTIVE_FIELDS = frozenset({"met_or_better_ratio", "exceeded_ratio"})


@dataclass(frozen=True)
class Test:
    """A condition of a rule that compares a fact's field with a parameter."""

    alias: str
    fact: str
    field: str
    op: str
    parameter: str


@dataclass(frozen=True)
class Words:
    """What saying a comparison in words needs to know of the rule set and its framework."""

    percent: frozenset[str]  # parameters that are ratios
    units: str  # the framework's word for the nodes statements sit under, plural
    stages: Mapping[str, str]  # stage id → label
    parameters: Mapping[str, Scalar]  # the rule set's values
    said: dict[tuple[Test, str], _Said] = field(default_factory=dict, compare=False)
    """Each test's words on a stage's facts, made on first use: they depend on nothing else."""


@dataclass(frozen=True)
class _Said:
    """What a comparison says whatever the figure: the field in words and the threshold."""

    label: str  # 'ECT 1 sub-standards met'
    threshold: Scalar
    percent: bool
    fired: str  # ', at least the 60% required (`achieved_min_stage_ratio`)'
    held: str  # ' (60% required, `achieved_min_stage_ratio`)'


@dataclass(frozen=True)
class _Plan:
    """What explaining any firing of one compiled rule set needs, worked out once."""

    tests: dict[str, tuple[Test, ...]]  # rule id → its comparisons with parameters
    concludes: dict[str, str]  # rule id → the conclusion it asserts
    words: Words
    standards: dict[str, str]  # standard node → 'Standard 4 (…)'
    cited: dict[str, str]  # statement id → 'ts.4.1.ect1.3 “its words, shortened…”'


def _build_plan(compiled: CompiledRules) -> _Plan:
    tests: dict[str, tuple[Test, ...]] = {}
    for rule in compiled.ruleset.rules:
        found = []
        for pattern in rule.when:
            alias = pattern.as_ or pattern.fact
            for text in pattern.where:
                condition = parse_condition(text)
                if condition.operand.kind == "param":
                    name = condition.operand.name
                    found.append(Test(alias, pattern.fact, condition.field, condition.op, name))
        tests[rule.id] = tuple(found)
    framework = compiled.framework
    tree = TreeIndex.of(framework)
    kinds = Counter(tree.nodes[s.under].kind for s in framework.statements)
    return _Plan(
        tests=tests,
        concludes={r.id: r.then.conclude for r in compiled.ruleset.rules if r.then.conclude},
        words=Words(
            percent=frozenset(
                name
                for name, p in compiled.ruleset.parameters.items()
                if p.type == "float" and p.max is not None and p.max <= 1
            ),
            units=f"{kinds.most_common(1)[0][0]}s",
            stages={stage.id: stage.label for stage in framework.stages},
            parameters=compiled.parameters,
        ),
        standards={
            node.id: f"Standard {node.number} ({node.title})" if node.number else node.title
            for node in framework.standards
        },
        cited={s.id: f"{s.id} “{shorten(s.text)}”" for s in framework.statements},
    )


_plan = PerObject(_build_plan)


def words(compiled: CompiledRules) -> Words:
    """How comparisons of ``compiled`` are said."""
    return _plan(compiled).words


def ledger_tests(compiled: CompiledRules) -> tuple[Test, ...]:
    """Every distinct comparison of a ledger fact with a parameter in the rule set."""
    return _ledger_tests(compiled)


def _build_ledger_tests(compiled: CompiledRules) -> tuple[Test, ...]:
    found = (t for tests in _plan(compiled).tests.values() for t in tests if t.fact == "ledger")
    return tuple(dict.fromkeys(Test("ledger", "ledger", t.field, t.op, t.parameter) for t in found))


_ledger_tests = PerObject(_build_ledger_tests)


def causes(compiled: CompiledRules, decision: Decision, review: Review) -> tuple[Cause, ...]:
    """The causes of ``decision``: the winning proposals, then the rules whose conclusions they
    matched, and so on back; each rule's line once (two firings with the same words are one)."""
    plan = _plan(compiled)
    lines: dict[str, Cause] = {}
    said: set[str] = set()  # details already under an earlier cause
    for depth, firing in _contributing(plan, decision):
        cause = _cause(compiled, plan, decision, review, depth, firing)
        if cause.text in lines:
            continue
        if said.intersection(cause.details):
            details = tuple(d for d in cause.details if d not in said)
            cause = cause.model_copy(update={"details": details})
        said.update(cause.details)
        lines[cause.text] = cause
    return tuple(lines.values())


def _contributing(plan: _Plan, decision: Decision) -> list[tuple[int, RawFiring]]:
    """Each firing behind the outcome once, with its distance from the winning proposals."""
    asserted = {
        conclusion_id(plan.concludes[f.rule], f.rule, f.matched): f
        for f in decision.firings
        if f.rule in plan.concludes
    }
    # The winning rules by the decision itself: a proposal may have been mapped onto the stage's
    # scale (not-met → unsatisfactory-progress), so the rule's own outcome need not be the winner.
    winners = set(decision.decided_by)
    frontier = [f for f in decision.firings if f.rule in winners]
    seen: set[int] = set()
    found: list[tuple[int, RawFiring]] = []
    depth = 0
    while frontier:
        behind = []
        for firing in frontier:
            if firing.seq in seen:
                continue
            seen.add(firing.seq)
            found.append((depth, firing))
            ids = (str(fact.get("id")) for fact in firing.matched.values())
            behind += [a for i in ids if (a := asserted.get(i))]
        frontier, depth = behind, depth + 1
    return found


def _cause(
    compiled: CompiledRules,
    plan: _Plan,
    decision: Decision,
    review: Review,
    depth: int,
    firing: RawFiring,
) -> Cause:
    rule = compiled.rule(firing.rule)
    reason = render_reason(rule.reason, firing.matched, compiled.parameters)
    comparisons = tuple(
        comparison(plan.words, t, firing.matched[t.alias]) for t in plan.tests[firing.rule]
    )
    text = reason
    if comparisons:
        head = "Threshold" if len(comparisons) == 1 else "Thresholds"
        text += f" {head}: {'; '.join(c.text for c in comparisons)}."
    details, statements = _details(plan, decision, review, firing, comparisons)
    evidence = sorted(set().union(*[fact.get("evidence", ()) for fact in firing.matched.values()]))
    # Built without validation: rule ids and conclusions come from the checked rule set, the
    # evidence from the validated review, and the texts are our own.
    return trusted(
        Cause,
        rule=rule.id,
        depth=depth,
        concluded=rule.then.conclude,
        text=text,
        comparisons=comparisons,
        details=details,
        statements=statements,
        evidence=tuple(evidence),
    )


def comparison(
    words: Words, test: Test, fact: Mapping[str, Any], *, fired: bool = True
) -> Comparison:
    """``test`` on ``fact`` in words: 'standards with concerns 3, above the 1 allowed
    (`max_standards_with_concerns`)' for a condition that held when its rule ``fired``; else
    only the figure and the threshold, 'ECT 1 sub-standards met 91% (60% required,
    `achieved_min_stage_ratio`)', since the rule's operator may state a failure."""
    stage = str(fact.get("stage", ""))
    said = words.said.get((test, stage)) or _say(words, test, stage)
    figure = fact[test.field]
    shown = _figure(figure, said.percent)
    return trusted(  # from the checked rule set and derived facts
        Comparison,
        fact=test.fact,
        field=test.field,
        label=said.label,
        figure=figure,
        operator=test.op,
        threshold=said.threshold,
        parameter=test.parameter,
        percent=said.percent,
        text=f"{said.label} {shown}{said.fired if fired else said.held}",
    )


def _say(words: Words, test: Test, stage: str) -> _Said:
    """The words of ``test`` on a fact of ``stage``, kept in ``words`` for the next draft."""
    threshold, percent = words.parameters[test.parameter], test.parameter in words.percent
    template = _LABELS.get((test.fact, test.field), f"{test.fact} {test.field.replace('_', ' ')}")
    role = (
        "allowed" if "max" in test.parameter else "required" if "min" in test.parameter else "set"
    )
    limit = _figure(threshold, percent)
    said = _Said(
        label=template.format(units=words.units, stage=words.stages.get(stage, stage)),
        threshold=threshold,
        percent=percent,
        fired=f", {_OPERATOR_WORDS[test.op]} the {limit} {role} (`{test.parameter}`)",
        held=f" ({limit} {role}, `{test.parameter}`)",
    )
    words.said[test, stage] = said
    return said


def _figure(value: Scalar, percent: bool) -> str:
    if percent and isinstance(value, int | float) and not isinstance(value, bool):
        return f"{float(value):.0%}"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value).lower() if isinstance(value, bool) else str(value)


def _details(
    plan: _Plan,
    decision: Decision,
    review: Review,
    firing: RawFiring,
    comparisons: tuple[Comparison, ...],
) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Lines naming what lies behind a cause's figures, and the statements they cite."""
    fields = {c.field for c in comparisons}
    lines: list[str] = []
    statements: list[str] = []
    if fields & _OBJECTIVE_FIELDS:
        lines += [_objective_line(o) for o in review.objectives if o.outcome != "not-assessed"]
    if fields & _CONCERN_FIELDS:
        for fact in _concerns_in_scope(decision.facts.concerns, firing):
            statements.append(fact.statement)
            lines.append(concern_line(plan.standards, plan.cited, fact))
    return tuple(lines), tuple(statements)


def _objective_line(objective: Any) -> str:
    outcome = _OUTCOME_WORDS.get(objective.outcome, objective.outcome)
    cited = f" (evidence {', '.join(objective.evidence)})" if objective.evidence else ""
    return f"Objective {objective.id} “{shorten(objective.text)}”: {outcome}{cited}."


def _concerns_in_scope(
    statements: Iterable[StatementFacts], firing: RawFiring
) -> list[StatementFacts]:
    """The required statements with concerns a firing counted: of its standard or level, or
    all of ``statements`` (the case's)."""
    scope: dict[str, str] = {}
    for fact in firing.matched.values():
        if "standard" in fact and "number" in fact:
            scope["standard"] = str(fact["standard"])
        elif "level" in fact and "rank" in fact and "required" in fact:
            scope["level"] = str(fact["level"])
    return [
        f
        for f in statements
        if scope.get("standard", f.standard) == f.standard
        and scope.get("level", f.level) == f.level
    ]


def concern_line(
    standards: Mapping[str, str], cited: Mapping[str, str], fact: StatementFacts
) -> str:
    """'Concern on ts.4.1.ect1.3 “Words…” (Standard 4 (…); evidence obs-1).'; ``cited`` holds
    each statement as a citation (its id and its words, shortened)."""
    evidence = ", ".join(fact.concerns)
    return (
        f"Concern on {cited.get(fact.statement, fact.statement)} "
        f"({standards.get(fact.standard, fact.standard)}; evidence {evidence})."
    )


def shorten(text: str, width: int = 72) -> str:
    """``text`` cut at a word boundary to at most ``width`` characters, with an ellipsis."""
    text = " ".join(text.split())
    if len(text) <= width:
        return text
    cut = text[: width - 1].rsplit(" ", 1)[0].rstrip(",;:")
    return cut + "…"
