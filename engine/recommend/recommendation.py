"""Turn a decision into a Recommendation: summary, rationale, ledger, next steps and the seal."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from itertools import chain, groupby
from operator import attrgetter

from engine._memo import PerObject
from engine.catalogue.tree import walk
from engine.decide.evaluate import Decision, Evaluator, input_hash
from engine.decide.resolution import NO_PROPOSAL
from engine.facts.derive import StatementFacts
from engine.recommend.next_steps import propose_next_steps
from engine.recommend.render import STATUS_WORDS
from engine.rules.compiler import CompiledRules
from engine.version import ENGINE_VERSION
from schemas.recommendation import DecisionRecord, NextSteps, RationaleLine, Recommendation
from schemas.review import Review

__all__ = ["recommend"]


def recommend(
    evaluator: Evaluator, review: Review, *, now: dt.datetime | None = None, next_steps: bool = True
) -> Recommendation:
    """Evaluate ``review`` and explain the result; the next steps are confirmed by the engine."""
    decision = evaluator.decide(review)
    compiled = evaluator.compiled
    wording = _wording(compiled)
    steps = propose_next_steps(evaluator, review, decision) if next_steps else None
    purpose = compiled.ruleset.purpose
    return Recommendation(
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
        rationale=tuple(_rationale(wording, decision)),
        excluded_evidence=decision.facts.excluded,
        ledger=decision.facts.ledger,
        next_steps=steps or _SKIPPED,
        trace=evaluator.trace(decision),
        record=DecisionRecord(
            ruleset=compiled.ruleset.id,
            ruleset_hash=compiled.content_hash,
            input_hash=input_hash(review),
            engine_version=ENGINE_VERSION,
            evaluated_at=now or dt.datetime.now(dt.UTC),
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


def _build_wording(compiled: CompiledRules) -> _Wording:
    by_priority = compiled.ruleset.resolution.strategy == "priority"
    return _Wording(
        labels={level.id: level.label for level in compiled.framework.scale.levels},
        standards={
            node.id: f"Standard {node.number} ({node.title})" if node.number else node.title
            for node, _ in walk(compiled.framework.standards)
        },
        outranked_by="rule priority" if by_priority else "the resolution order",
    )


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
    return f"{head} {winning[0].reason}"


def _rationale(wording: _Wording, decision: Decision) -> list[RationaleLine]:
    lines = [
        RationaleLine(text=p.reason, rule=p.rule, evidence=p.evidence)
        for p in decision.proposals
        if p.outcome == decision.winner
    ]
    if not lines:
        lines.append(RationaleLine(text=NO_PROPOSAL))
    others = sorted({p.outcome for p in decision.proposals} - {decision.winner})
    for outcome in others:
        rules = ", ".join(p.rule for p in decision.proposals if p.outcome == outcome)
        text = f"Also proposed, outranked by {wording.outranked_by}: {outcome} ({rules})."
        lines.append(RationaleLine(text=text))
    lines += _standard_lines(wording, decision.facts.statements.values())
    lines += [
        RationaleLine(text=f"Evidence {e.id} was not used: {e.reason}", evidence=(e.id,))
        for e in decision.facts.excluded
    ]
    return lines


def _standard_lines(wording: _Wording, statements: Iterable[StatementFacts]) -> list[RationaleLine]:
    """One line per standard: what was met and on what evidence, and any concern.

    A case has hundreds of statements, so the work per statement is done by builtins mapped over
    them (``filter``, ``groupby``, ``chain``), and Python runs once per standard.
    """
    groups: dict[str, list[StatementFacts]] = {}
    for standard, run in groupby(filter(_required, statements), _standard_of):
        groups.setdefault(standard, []).extend(run)  # runs of one standard: few, in order
    lines = []
    for standard, facts in groups.items():
        met = list(filter(_met, facts))
        concerns = list(filter(_concern, facts))
        text = f"{wording.standards[standard]}: {len(met)} of {len(facts)} required statements met"
        if concerns:
            text += f"; concerns on {', '.join(map(_statement_of, concerns))}"
        cited = met + concerns
        # a fact's evidence is its strengths and its concerns
        evidence = set(chain.from_iterable(map(_strengths, cited)))
        evidence.update(chain.from_iterable(map(_concerns, cited)))
        # Built without validation: the text is the framework's own (validated) words ending in
        # a full stop, the statements are framework ids, the evidence the review's ids, so
        # validating would only copy them.
        line = RationaleLine.model_construct(
            text=text + ".",
            statements=tuple(map(_statement_of, cited)),
            evidence=tuple(sorted(evidence)),
        )
        lines.append(line)
    return lines


_statement_of = attrgetter("statement")
_standard_of = attrgetter("standard")
_required = attrgetter("required")
_met = attrgetter("met")
_concern = attrgetter("concern")
_strengths = attrgetter("strengths")
_concerns = attrgetter("concerns")
