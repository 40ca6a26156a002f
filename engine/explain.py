"""Turn a decision into a Recommendation: summary, rationale, ledger, next steps and the seal."""

from __future__ import annotations

import datetime as dt

from engine._durable import ENGINE_VERSION
from engine.evaluate import NO_PROPOSAL, Decision, Evaluator, input_hash
from engine.facts import StatementFacts
from engine.next_steps import propose_next_steps
from engine.render import STATUS_WORDS
from engine.tree import TreeIndex
from schemas.recommendation import DecisionRecord, NextSteps, RationaleLine, Recommendation
from schemas.review import Review

__all__ = ["recommend"]


def recommend(
    evaluator: Evaluator, review: Review, *, now: dt.datetime | None = None, next_steps: bool = True
) -> Recommendation:
    """Evaluate ``review`` and explain the result; the next steps are confirmed by the engine."""
    decision = evaluator.decide(review)
    compiled = evaluator.compiled
    labels = {level.id: level.label for level in evaluator.framework.scale.levels}
    steps = propose_next_steps(evaluator, review, decision) if next_steps else None
    purpose = compiled.ruleset.purpose
    return Recommendation(
        framework=evaluator.framework.id,
        ruleset=compiled.ruleset.id,
        subject=review.subject,
        stage=review.stage,
        outcome=decision.outcome,
        rating=decision.rating,
        rating_label=labels.get(decision.rating or ""),
        purpose=purpose.stages.get(review.stage or "", purpose.default),
        summary=_summary(evaluator, decision),
        decided_by=decision.decided_by,
        proposals=decision.proposals,
        rationale=tuple(_rationale(evaluator, decision)),
        excluded_evidence=decision.facts.excluded,
        ledger=decision.facts.ledger,
        next_steps=steps or _skipped(),
        trace=evaluator.trace(decision),
        record=DecisionRecord(
            ruleset=compiled.ruleset.id,
            ruleset_hash=compiled.content_hash,
            input_hash=input_hash(review),
            engine_version=ENGINE_VERSION,
            evaluated_at=now or dt.datetime.now(dt.UTC),
        ),
    )


def _skipped() -> NextSteps:
    return NextSteps(target=None, confirmed=False, note="Next steps were not requested.")


def _summary(evaluator: Evaluator, decision: Decision) -> str:
    winning = [p for p in decision.proposals if p.outcome == decision.winner]
    if not winning:
        return NO_PROPOSAL
    if decision.rating:
        label = next(
            lvl.label for lvl in evaluator.framework.scale.levels if lvl.id == decision.rating
        )
        head = f"Draft rating: {label}."
    else:
        head = f"{STATUS_WORDS[decision.winner]}."
    return f"{head} {winning[0].reason}"


def _rationale(evaluator: Evaluator, decision: Decision) -> list[RationaleLine]:
    lines = [
        RationaleLine(text=p.reason, rule=p.rule, evidence=p.evidence)
        for p in decision.proposals
        if p.outcome == decision.winner
    ]
    if not lines:
        lines.append(RationaleLine(text=NO_PROPOSAL))
    others = sorted({p.outcome for p in decision.proposals} - {decision.winner})
    strategy = evaluator.compiled.ruleset.resolution.strategy
    by = "rule priority" if strategy == "priority" else "the resolution order"
    for outcome in others:
        rules = ", ".join(p.rule for p in decision.proposals if p.outcome == outcome)
        lines.append(RationaleLine(text=f"Also proposed, outranked by {by}: {outcome} ({rules})."))
    lines += _standard_lines(evaluator, decision)
    lines += [
        RationaleLine(text=f"Evidence {e.id} was not used: {e.reason}", evidence=(e.id,))
        for e in decision.facts.excluded
    ]
    return lines


def _standard_lines(evaluator: Evaluator, decision: Decision) -> list[RationaleLine]:
    """One line per standard: what was met and on what evidence, and any concern."""
    index = TreeIndex.of(evaluator.framework)
    groups: dict[str, list[StatementFacts]] = {}
    for fact in decision.facts.statements.values():
        if fact.required:
            groups.setdefault(fact.standard, []).append(fact)
    lines = []
    for standard, facts in groups.items():
        node = index.nodes[standard]
        met = [f for f in facts if f.met]
        concerns = [f for f in facts if f.concern]
        name = f"Standard {node.number} ({node.title})" if node.number else node.title
        text = f"{name}: {len(met)} of {len(facts)} required statements met"
        if concerns:
            text += f"; concerns on {', '.join(f.statement for f in concerns)}"
        evidence = sorted({e for f in met + concerns for e in f.evidence})
        lines.append(
            RationaleLine(
                text=text + ".",
                statements=tuple(f.statement for f in met + concerns),
                evidence=tuple(evidence),
            )
        )
    return lines
