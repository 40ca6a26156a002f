"""Turn a decision into a Recommendation: summary, causes and rationale, ledger, next steps, the
review's side of the meeting page, and the seal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, groupby
from operator import attrgetter, itemgetter
from typing import Any

from engine._memo import PerObject
from engine._trusted import trusted
from engine.catalogue.tree import TreeIndex, walk
from engine.decide.evaluate import Decision, Evaluator, input_hash
from engine.decide.resolution import NO_PROPOSAL
from engine.facts.derive import StatementFacts
from engine.recommend.causes import causes, comparison, ledger_tests, words
from engine.recommend.next_steps import propose_next_steps
from engine.recommend.render import STATUS_WORDS
from engine.review.canonical import TagFields, tag_fields
from engine.rules.compiler import CompiledRules
from engine.version import ENGINE_VERSION
from schemas.recommendation import (
    Case,
    Cause,
    CitedStatement,
    DecisionRecord,
    LedgerRow,
    NextSteps,
    ParameterUsed,
    RationaleLine,
    Recommendation,
)
from schemas.review import Review

__all__ = ["recommend"]


def recommend(
    evaluator: Evaluator, review: Review, *, now: dt.datetime | None = None, next_steps: bool = True
) -> Recommendation:
    """Evaluate ``review`` and explain the result; the next steps are confirmed by the engine."""
    decision = evaluator.decide(review)
    tags = tag_fields(review)  # read once for the seal and the statements cited
    compiled = evaluator.compiled
    wording = _wording(compiled)
    steps = propose_next_steps(evaluator, review, decision) if next_steps else None
    purpose = compiled.ruleset.purpose
    why = causes(compiled, decision, review)
    ledger = _ledger(compiled, decision)
    rationale = tuple(_rationale(wording, decision, why))
    # Built without validation: every value is the engine's own, made from the checked rule set,
    # its framework and the review validated where it came in (the seal's time is validated in
    # the record), so validating would only check them again: ~40 µs for a draft's 270 cited
    # statements alone, and a copy.
    return trusted(
        Recommendation,
        framework=evaluator.framework.id,
        ruleset=compiled.ruleset.id,
        subject=review.subject,
        stage=review.stage,
        outcome=decision.outcome,
        rating=decision.rating,
        rating_label=decision.scale.label(decision.rating),
        purpose=purpose.stages.get(review.stage or "", purpose.default),
        scale=decision.scale.id,
        summary=_summary(wording, decision),
        decided_by=decision.decided_by,
        proposals=decision.proposals,
        rationale=rationale,
        excluded_evidence=decision.facts.excluded,
        ledger=ledger,
        next_steps=steps or _SKIPPED,
        trace=evaluator.trace(decision),
        record=DecisionRecord(
            ruleset=compiled.ruleset.id,
            ruleset_hash=compiled.content_hash,
            input_hash=input_hash(review, tags),
            engine_version=ENGINE_VERSION,
            evaluated_at=now or dt.datetime.now(dt.UTC),
        ),
        causes=why,
        statements=_cited(wording, ledger, steps, tags),
        parameters=_parameters_used(wording, why, ledger),
        case=trusted(
            Case,
            appraiser=review.appraiser,
            cycle_start=review.cycle_start,
            cycle_end=review.cycle_end,
            objectives=review.objectives,
            evidence=review.evidence,
        ),
    )


_SKIPPED = NextSteps(target=None, confirmed=False, note="Next steps were not requested.")
"""Shared by every draft without next steps: a frozen model, so one instance serves them all."""


@dataclass(frozen=True)
class _Wording:
    """What the explanation of any decision of one compiled rule set says about its framework."""

    labels: dict[str, str]  # scale level → its label
    standards: dict[str, str]  # standard node → 'Standard 1 (Teaching)', or its title
    outranked_by: str  # how a losing proposal lost
    statements: dict[str, str]  # statement id → the framework's words
    cited: dict[str, CitedStatement]  # statement id → its words and place, as drafts cite it
    parameters: dict[str, ParameterUsed]  # every parameter, as a draft reports it


def _build_wording(compiled: CompiledRules) -> _Wording:
    by_priority = compiled.ruleset.resolution.strategy == "priority"
    return _Wording(
        labels={level.id: level.label for level in compiled.framework.scale.levels},
        standards={
            node.id: f"Standard {node.number} ({node.title})" if node.number else node.title
            for node, _ in walk(compiled.framework.standards)
        },
        outranked_by="rule priority" if by_priority else "the resolution order",
        statements={s.id: s.text for s in compiled.framework.statements},
        cited=_cited_statements(compiled),
        parameters={
            name: ParameterUsed(name=name, value=compiled.parameters[name], reason=p.reason)
            for name, p in compiled.ruleset.parameters.items()
        },
    )


def _cited_statements(compiled: CompiledRules) -> dict[str, CitedStatement]:
    """Each statement as drafts cite it, built once per rule set: a draft only picks them."""
    tree = TreeIndex.of(compiled.framework)
    cited = {}
    for statement in compiled.framework.statements:
        top, node = tree.top[statement.under], tree.nodes[statement.under]
        standard = f"Standard {top.number} ({top.title})" if top.number else top.title
        unit = f"{node.number} {node.title}" if node.number and node is not top else node.title
        cited[statement.id] = CitedStatement(text=statement.text, standard=standard, unit=unit)
    return cited


_wording = PerObject(_build_wording)


def _summary(wording: _Wording, decision: Decision) -> str:
    winning = [p for p in decision.proposals if p.outcome == decision.winner]
    if not winning:
        return NO_PROPOSAL
    if decision.rating:
        on = f"{decision.scale.title} outcome" if decision.scale.id else "rating"
        head = f"Draft {on}: {decision.scale.label(decision.rating)}."
    else:
        head = f"{STATUS_WORDS[decision.winner]}."
    reason = winning[0].reason  # stripped when its proposal was validated; it may be empty
    return f"{head} {reason}" if reason else head


def _rationale(
    wording: _Wording, decision: Decision, why: tuple[Cause, ...]
) -> list[RationaleLine]:
    """The causes, the outranked proposals, a line per standard, the concerns apart, and the
    evidence not used: each line once."""
    lines = [
        trusted(
            RationaleLine, text=c.text, rule=c.rule, statements=c.statements, evidence=c.evidence
        )
        for c in why
    ]
    if not lines:
        lines.append(RationaleLine(text=NO_PROPOSAL))
    others = sorted({p.outcome for p in decision.proposals} - {decision.winner})
    for outcome in others:
        rules = ", ".join(p.rule for p in decision.proposals if p.outcome == outcome)
        text = f"Also proposed, outranked by {wording.outranked_by}: {outcome} ({rules})."
        lines.append(RationaleLine(text=text))
    lines += _standard_lines(wording, decision.facts.statements.values())
    lines += _concern_lines(wording, decision.facts.concerns, why)
    lines += [
        RationaleLine(text=f"Evidence {e.id} was not used: {e.reason}", evidence=(e.id,))
        for e in decision.facts.excluded
    ]
    return lines


def _standard_lines(wording: _Wording, statements: Iterable[StatementFacts]) -> list[RationaleLine]:
    """One line per standard: what was met and on what evidence (concerns have lines of their own).

    A case has hundreds of statements, so the work per statement is done by builtins mapped over
    them (``filter``, ``groupby``, ``chain``), and Python runs once per standard.
    """
    groups: dict[str, list[StatementFacts]] = {}
    for standard, run in groupby(filter(_required, statements), _standard_of):
        groups.setdefault(standard, []).extend(run)  # runs of one standard: few, in order
    lines = []
    for standard, facts in groups.items():
        met = list(filter(_met, facts))
        text = f"{wording.standards[standard]}: {len(met)} of {len(facts)} required statements met"
        # Built without validation: the text is the framework's own (validated) words ending in
        # a full stop, the statements are framework ids, the evidence the review's ids, so
        # validating would only copy them.
        line = trusted(
            RationaleLine,
            text=text + ".",
            rule=None,
            statements=tuple(map(_statement_of, met)),
            evidence=tuple(sorted(set(chain.from_iterable(map(_strengths, met))))),
        )
        lines.append(line)
    return lines


def _concern_lines(
    wording: _Wording, concerns: tuple[StatementFacts, ...], why: tuple[Cause, ...]
) -> list[RationaleLine]:
    """What the ``concerns`` on required statements did to the outcome, then a line per
    standard citing those no cause has listed already."""
    if not concerns:
        return []
    weighed = [c for cause in why for c in cause.comparisons if "concerns" in c.field]
    listed = {s for cause in why for s in cause.statements}
    head = f"Concerns are recorded on {len(concerns)} required statement(s)"
    if listed:
        head += f" ({len(listed)} listed above)"
    if weighed:
        effect = "; ".join(dict.fromkeys(c.text for c in weighed))
        head += f"; they count towards the outcome: {effect}."
    else:
        head += "; no threshold behind this outcome counts them, so a person weighs them."
    by_standard: dict[str, list[StatementFacts]] = {}
    for fact in concerns:
        if fact.statement not in listed:
            by_standard.setdefault(fact.standard, []).append(fact)
    return [RationaleLine(text=head)] + [
        trusted(
            RationaleLine,
            text=f"Concerns recorded in {wording.standards.get(standard, standard)}.",
            rule=None,
            statements=tuple(map(_statement_of, facts)),
            evidence=tuple(sorted({e for f in facts for e in f.concerns})),
        )
        for standard, facts in by_standard.items()
    ]


def _ledger(compiled: CompiledRules, decision: Decision) -> tuple[LedgerRow, ...]:
    """The ledger with each stage's units and the thresholds it is held to, with its figures."""
    said, tests = words(compiled), ledger_tests(compiled)
    facts = {f["stage"]: f for f in decision.facts.of_type("ledger")}
    rows = []
    for row in decision.facts.ledger:
        fact = facts.get(row.stage)
        if fact is None:
            rows.append(row)
            continue
        held_to = tuple(comparison(said, t, fact, fired=False) for t in tests)
        filled = {"units": fact["units"], "units_met": fact["units_met"], "held_to": held_to}
        rows.append(trusted(LedgerRow, **{**row.__dict__, **filled}))  # the engine's values
    return tuple(rows)


def _cited(
    wording: _Wording,
    ledger: tuple[LedgerRow, ...],
    steps: NextSteps | None,
    tags: list[TagFields],
) -> dict[str, CitedStatement]:
    """Every statement the draft or the meeting page cites, in the framework's words: those the
    evidence ``tags`` (the rationale and the causes cite no others), the missing, the next steps'.

    A review's tags run to hundreds, so they are gathered by builtins mapped over them; every id
    is the framework's (the review was validated against it), so each is looked up directly.
    """
    cited = list(
        chain(
            map(_statement_of_tag, tags),
            chain.from_iterable(map(_missing, ledger)),
            (c.statement for c in steps.changes if c.statement) if steps else (),
        )
    )
    # a dict made from pairs keeps each key where it first came: first cited first
    return dict(zip(cited, map(wording.cited.__getitem__, cited), strict=True))


def _parameters_used(
    wording: _Wording, why: tuple[Cause, ...], ledger: tuple[LedgerRow, ...]
) -> tuple[ParameterUsed, ...]:
    """The parameters the causes and the ledger were held to, in the rule set's order."""
    used = {c.parameter for cause in why for c in cause.comparisons}
    used.update(c.parameter for row in ledger for c in row.held_to)
    return tuple(p for name, p in wording.parameters.items() if name in used)


_missing = attrgetter("missing")
_statement_of_tag = itemgetter(2)  # of its (modality, polarity, statement)


def _fact_field(name: str) -> itemgetter[Any]:
    """A field of a ``StatementFacts`` by its place: a tuple index, cheaper than its name."""
    return itemgetter(StatementFacts._fields.index(name))


_statement_of = _fact_field("statement")
_standard_of = _fact_field("standard")
_required = _fact_field("required")
_met = _fact_field("met")
_strengths = _fact_field("strengths")
