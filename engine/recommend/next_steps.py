"""Next steps: the smallest set of changes the engine itself confirms would reach the target band.

Candidates come from the facts (unmet required statements, concerns, missing evidence sources,
objective outcomes, next-stage statements), ordered so the most relevant come first. The engine
then finds the shortest prefix that reaches the target and drops any change that is not needed;
every set of changes tried is applied and evaluated by the engine (once per call), and the final
set is confirmed by its own evaluation: nothing here guesses what the rules would do. Changes
are applied with ``engine.recommend.changes.apply_changes``, the reading a person (and next-step
soundness) uses, so what is confirmed is what is published.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator

from engine.decide.evaluate import Decision, Evaluator
from engine.facts.derive import StatementFacts
from engine.recommend.changes import apply_changes
from schemas.recommendation import Change, NextSteps
from schemas.review import Review

__all__ = ["propose_next_steps"]

MAX_PRUNING_EVALUATIONS = 40
_Chosen = tuple[int, ...]  # positions in the list of candidate changes, in order
_Reaches = Callable[[_Chosen], bool]
_OUTCOME_ORDER = ("not-assessed", "not-met", "partially-met", "met", "exceeded")


def propose_next_steps(evaluator: Evaluator, review: Review, decision: Decision) -> NextSteps:
    """Next steps towards the level above the result (or the expected level from a status), on
    the scale of the review's stage."""
    scale = list(decision.scale.levels)
    if decision.outcome == "needs_human_review":
        note = "A person must look at this case first; the engine proposes no next steps."
        return NextSteps(target=None, confirmed=False, note=note)
    if decision.rating == scale[-1]:
        return NextSteps(target=None, confirmed=True, note=_at_the_top(decision))
    target = _target(decision)
    steps = list(_candidates(evaluator, review, decision, target))
    needed = scale.index(target)

    # Keyed by the candidates' positions, so a key names exactly the changes applied, in order.
    # The search and the pruning may ask about the same set twice (the pruning's first trial
    # is the longest prefix the search found short); each set is evaluated once per call.
    @functools.cache
    def reaches(chosen: _Chosen) -> bool:
        changed = apply_changes(review, [steps[i] for i in chosen])
        return evaluator.decide(changed, validate=False).rank(scale) >= needed

    everything = tuple(range(len(steps)))
    if not steps or not reaches(everything):
        note = (
            f"No change the engine can propose reaches {target!r}: "
            "the result depends on more than evidence and objectives."
        )
        return NextSteps(target=target, confirmed=False, note=note)
    chosen = _prune(_shortest_prefix(everything, reaches), reaches)
    label = decision.scale.label(target)
    note = f"Confirmed by the engine: these {len(chosen)} change(s) would reach {label}."
    return NextSteps(
        target=target,
        # The final set, applied and evaluated by the engine; it is always a set the search
        # or the pruning has just evaluated, applied the same way, so this reads that result.
        confirmed=reaches(chosen),
        changes=tuple(steps[i] for i in chosen),
        note=note,
    )


def _at_the_top(decision: Decision) -> str:
    """Why there is nothing to aim at: the result is already the best of its scale."""
    if decision.scale.id is None:
        return "Already at the top of the scale."
    return (
        f"{decision.scale.label(decision.rating)} is the best outcome on the "
        f"{decision.scale.title} scale: there is no higher outcome to aim for at this stage."
    )


def _target(decision: Decision) -> str:
    """The expected level from a status or below it; otherwise the level above the result."""
    scale = decision.scale.levels
    expected = decision.scale.expected
    if decision.rating is None or scale.index(decision.rating) < scale.index(expected):
        return expected
    return scale[scale.index(decision.rating) + 1]


def _shortest_prefix(steps: _Chosen, reaches: _Reaches) -> _Chosen:
    low, high = 1, len(steps)
    while low < high:
        middle = (low + high) // 2
        if reaches(steps[:middle]):
            high = middle
        else:
            low = middle + 1
    return steps[:low]


def _prune(chosen: _Chosen, reaches: _Reaches) -> _Chosen:
    """Drop changes that are not needed, latest first, within a fixed budget of evaluations."""
    for step in list(reversed(chosen))[:MAX_PRUNING_EVALUATIONS]:
        trial = tuple(s for s in chosen if s != step)
        if trial and reaches(trial):
            chosen = trial
    return chosen


# --- candidates ----------------------------------------------------------------------------


def _candidates(
    evaluator: Evaluator, review: Review, decision: Decision, target: str
) -> Iterator[Change]:
    """Every kind of change, interleaved so that any short prefix holds some of each kind."""
    statements = decision.facts.statements
    groups = [
        _concern_steps(evaluator, statements),
        _source_steps(evaluator, review),
        _objective_steps(review, "met"),
        _required_steps(evaluator, statements),
    ]
    if target != decision.scale.expected:
        groups[:0] = [
            _beyond_steps(evaluator, review, decision),
            _objective_steps(review, "exceeded"),
            _raise_steps(evaluator, statements),
        ]
    yield from _round_robin(groups)


def _round_robin(groups: list[Iterator[Change]]) -> Iterator[Change]:
    while groups:
        for group in list(groups):
            step = next(group, None)
            if step is None:
                groups.remove(group)
            else:
                yield step


def _modality_label(evaluator: Evaluator, modality: str | None) -> str:
    return evaluator.modality_labels[modality].lower() if modality else "not evidenced"


def _evidence_step(evaluator: Evaluator, fact: StatementFacts, modality: str) -> Change:
    text = evaluator.statement_texts[fact.statement]
    now = _modality_label(evaluator, fact.best)
    return Change(
        kind="evidence-statement",
        statement=fact.statement,
        modality=modality,
        text=f"Show {fact.statement} “{text}” {_modality_label(evaluator, modality)} (now: {now}).",
    )


def _required_steps(
    evaluator: Evaluator, statements: dict[str, StatementFacts]
) -> Iterator[Change]:
    """Unmet required statements, one per unit not yet met first, then the rest."""
    unmet = [f for f in statements.values() if f.required and not f.met]
    units_met = {f.under for f in statements.values() if f.required and f.met}
    first_of_unit: dict[str, StatementFacts] = {}
    for fact in unmet:
        if fact.under not in units_met:
            first_of_unit.setdefault(fact.under, fact)
    ordered = [*first_of_unit.values(), *(f for f in unmet if f not in first_of_unit.values())]
    for fact in ordered:
        yield _evidence_step(evaluator, fact, fact.required or "")


def _raise_steps(evaluator: Evaluator, statements: dict[str, StatementFacts]) -> Iterator[Change]:
    """Required statements shown at the strongest modality, for bands that ask for more."""
    ladder = [m.id for m in evaluator.framework.modalities.levels]
    top = ladder[-1]
    for fact in statements.values():
        if fact.required and fact.best != top:
            yield _evidence_step(evaluator, fact, top)


def _beyond_steps(evaluator: Evaluator, review: Review, decision: Decision) -> Iterator[Change]:
    """Statements of the next stage, spread across standards."""
    next_stage = decision.facts.next_stage
    if not next_stage:
        return
    stage = next(s for s in evaluator.framework.stages if s.id == next_stage)
    pending = [f for f in decision.facts.statements.values() if f.stage == next_stage and not f.met]
    by_standard: dict[str, list[StatementFacts]] = {}
    for fact in pending:
        by_standard.setdefault(fact.standard, []).append(fact)
    while any(by_standard.values()):
        for group in by_standard.values():
            if group:
                yield _evidence_step(evaluator, group.pop(0), stage.clause.own_modality)


def _concern_steps(evaluator: Evaluator, statements: dict[str, StatementFacts]) -> Iterator[Change]:
    texts = evaluator.statement_texts
    for fact in statements.values():
        if fact.concern:
            yield Change(
                kind="resolve-concern",
                statement=fact.statement,
                text=f"Resolve the concern recorded on {fact.statement} “{texts[fact.statement]}”.",
            )


def _source_steps(evaluator: Evaluator, review: Review) -> Iterator[Change]:
    """Evidence from each of the framework's sources the cycle has none from, of the first kind
    the framework lists for it."""
    kinds = evaluator.framework.evidence_kinds
    source_of = {kind.id: kind.source for kind in kinds}
    present = {
        source_of.get(item.kind)
        for item in review.evidence
        if review.cycle_start <= item.date <= review.cycle_end
    }
    for source in evaluator.framework.evidence_sources:
        kind = next((k for k in kinds if k.source == source.id), None)
        if source.id not in present and kind is not None:
            yield Change(
                kind="more-evidence",
                evidence_kind=kind.id,
                text=f"Add evidence from {_lower(source.label)} (for example "
                f"{_lower(kind.label)}).",
            )


def _lower(label: str) -> str:
    """A label inside a sentence: its first letter in lower case ("People's views")."""
    return label[:1].lower() + label[1:]


def _objective_steps(review: Review, outcome: str) -> Iterator[Change]:
    for objective in review.objectives:
        if objective.outcome == "not-assessed":
            continue
        if _OUTCOME_ORDER.index(objective.outcome) < _OUTCOME_ORDER.index(outcome):
            now = objective.outcome.replace("-", " ")
            yield Change(
                kind="objective-outcome",
                objective=objective.id,
                outcome=outcome,
                text=f"Objective {objective.id} “{objective.text}”: {outcome} (now: {now}).",
            )
