"""Domain invariants a rule set promises, each a reusable check over generated reviews.

A rule set declares which invariants it holds and how its results are ordered for them
(``invariants:`` in ``ruleset.yaml``, see ``docs/ruleset-format.md``). Each invariant has a
strategy of *probes* (a review and, for invariants that compare two results, a variant of it)
and a check that returns a ``Violation`` or ``None``. Use them from pytest::

    checker = Checker(evaluator)

    @given(probes("monotonicity", checker.framework))
    def test_monotonicity(probe):
        assert checker.check("monotonicity", probe) is None

or let ``run_invariant`` search and shrink a minimal counterexample, as ``appraise check`` does.
"""

from __future__ import annotations

import contextlib
import random
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Literal

from hypothesis import HealthCheck, Phase, find, settings
from hypothesis import strategies as st
from hypothesis.errors import NoSuchExample

from engine.catalogue.stages import ancestors
from engine.decide.evaluate import Decision, Evaluator
from engine.recommend.changes import apply_changes
from engine.recommend.next_steps import propose_next_steps
from engine.rules.scales import OutcomeScale
from engine.testing.strategies import EvidenceBias, absences, circumstances, reviews, tags
from schemas.framework import Framework
from schemas.review import PROTECTED_ABSENCE, EvidenceItem, Review
from schemas.ruleset import INVARIANTS, STATUSES, InvariantSettings, RuleSet

__all__ = [
    "DEFAULT_CHECKS",
    "Checker",
    "Expect",
    "Ordering",
    "Probe",
    "Violation",
    "applies",
    "declared",
    "probes",
    "run_invariant",
]

DEFAULT_CHECKS = ("totality", "determinism", "explanation-completeness")
"""What a rule set without an ``invariants`` section is checked for: no order is needed."""

Expect = Literal["any", "same", "not-lower", "not-higher"]
_OUTCOME_ORDER = ("not-met", "partially-met", "met", "exceeded")
JUDGEABLE: tuple[EvidenceBias, ...] = ("mixed", "poor", "rich", "beyond")
"""The evidence biases of the probes that compare two results."""


def declared(ruleset: RuleSet, scale: Sequence[str]) -> InvariantSettings:
    """The rule set's ``invariants`` section, or the order-free defaults when it has none."""
    if ruleset.invariants is not None:
        return ruleset.invariants
    return InvariantSettings(check=DEFAULT_CHECKS, order=tuple(scale), incomparable=STATUSES)


@dataclass(frozen=True)
class Ordering:
    """How results compare for the invariants: worst first; incomparable results never compare."""

    order: tuple[str, ...]
    incomparable: frozenset[str]

    @classmethod
    def of(cls, invariants: InvariantSettings) -> Ordering:
        return cls(invariants.order, frozenset(invariants.incomparable))

    def rank(self, result: str) -> int | None:
        """Higher is better; ``None`` when the result is incomparable."""
        return None if result in self.incomparable else self.order.index(result)

    def on(self, scale: OutcomeScale) -> Ordering:
        """The same ordering carried onto a stage's own scale (through its map, which the
        compiler holds to keep the order)."""
        if scale.id is None:
            return self
        return Ordering(scale.carry(self.order), frozenset(scale.carry(self.incomparable)))

    def compare(self, before: Decision, after: Decision) -> tuple[int | None, int | None]:
        """The ranks of two results, on one scale: a result on the framework's scale is carried
        onto the other's own scale; results on two different own scales do not compare."""
        scales = {d.scale.id: d.scale for d in (before, after)}
        own = [scale for key, scale in scales.items() if key is not None]
        if len(own) > 1:
            return None, None
        scale = own[0] if own else before.scale
        ordering = self.on(scale)
        return (
            ordering.rank(scale.level_of(before.winner)),
            ordering.rank(scale.level_of(after.winner)),
        )


@dataclass(frozen=True)
class Probe:
    """A review to check and, for invariants that compare two results, a variant of it."""

    review: Review
    variant: Review | None = None
    change: str = ""
    expect: Expect = "any"


@dataclass(frozen=True)
class Violation:
    """A counterexample: the review (and variant) and the results that break the invariant."""

    invariant: str
    message: str
    review: Review
    variant: Review | None
    results: tuple[str, ...]


# --- probes ----------------------------------------------------------------------------------


def probes(name: str, framework: Framework) -> st.SearchStrategy[Probe]:
    """The probes ``name`` is checked on, for reviews of ``framework``."""
    if name not in _PROBES:
        raise KeyError(f"unknown invariant {name!r}; known: {', '.join(INVARIANTS)}")
    build = _PROBES[name]

    @st.composite
    def probe(draw: st.DrawFn) -> Probe:  # a closure, so that reprs do not print the framework
        return build(draw, framework)

    return probe()


def _single(draw: st.DrawFn, framework: Framework) -> Probe:
    return Probe(draw(reviews(framework)))


def _shuffled(draw: st.DrawFn, framework: Framework) -> Probe:
    review = draw(reviews(framework))
    rng = draw(st.randoms(use_true_random=False))
    items = [
        item.model_copy(update={"tags": tuple(rng.sample(item.tags, len(item.tags)))})
        for item in review.evidence
    ]
    variant = review.model_copy(
        update={
            "evidence": tuple(rng.sample(items, len(items))),
            "objectives": tuple(rng.sample(review.objectives, len(review.objectives))),
        }
    )
    return Probe(review, variant, "the same evidence, tags and objectives in another order", "same")


def _judgeable(framework: Framework, stage: str | None = None) -> st.SearchStrategy[Review]:
    """Reviews whose result can compare: enough evidence to judge, no route to a person.

    Conduct concerns and capability procedures always send a review to a person, and thin
    evidence is always insufficient: both are incomparable, so comparing them proves nothing.
    """
    year = circumstances(capability=False, max_absences=1)
    return st.sampled_from(JUDGEABLE).flatmap(
        lambda bias: reviews(
            framework, stage=stage, evidence=bias, circumstances=year, conduct=False
        )
    )


def _monotone(draw: st.DrawFn, framework: Framework) -> Probe:
    review = draw(_judgeable(framework))
    kind = draw(st.sampled_from(("strength", "modality", "objective", "concern")))
    if kind == "modality":
        probe = _raise_modality(draw, framework, review)
    elif kind == "objective":
        probe = _improve_objective(draw, review)
    elif kind == "concern":
        probe = _add_concern(draw, framework, review)
    else:
        probe = None
    return probe or _add_strength(draw, framework, review)


def _new_item(
    draw: st.DrawFn, framework: Framework, review: Review, tag_strategy: st.SearchStrategy[object]
) -> EvidenceItem:
    return EvidenceItem.model_validate(
        {
            "id": "added-1",
            "kind": draw(st.sampled_from([kind.id for kind in framework.evidence_kinds])),
            "date": draw(st.dates(review.cycle_start, review.cycle_end)),
            "recorded_by": review.appraiser,
            "tags": draw(st.lists(tag_strategy, min_size=1, max_size=5)),
        }
    )


def _add_strength(draw: st.DrawFn, framework: Framework, review: Review) -> Probe:
    item = _new_item(
        draw, framework, review, tags(framework, stage=review.stage, polarity="strength")
    )
    variant = review.model_copy(update={"evidence": (*review.evidence, item)})
    return Probe(review, variant, f"added evidence {item.id} showing strengths", "not-lower")


def _raise_modality(draw: st.DrawFn, framework: Framework, review: Review) -> Probe | None:
    ladder = [m.id for m in framework.modalities.levels]
    raisable = [
        (i, j)
        for i, item in enumerate(review.evidence)
        for j, tag in enumerate(item.tags)
        if tag.polarity == "strength" and tag.modality != ladder[-1]
    ]
    if not raisable:
        return None
    i, j = draw(st.sampled_from(raisable))
    item, tag = review.evidence[i], review.evidence[i].tags[j]
    assert tag.modality is not None  # a strength of a checked review names one
    higher = draw(st.sampled_from(ladder[ladder.index(tag.modality) + 1 :]))
    raised = item.model_copy(
        update={
            "tags": tuple(
                t.model_copy(update={"modality": higher}) if k == j else t
                for k, t in enumerate(item.tags)
            )
        }
    )
    evidence = tuple(raised if k == i else e for k, e in enumerate(review.evidence))
    change = f"raised {tag.statement} in {item.id} from {tag.modality} to {higher}"
    return Probe(review, review.model_copy(update={"evidence": evidence}), change, "not-lower")


def _improve_objective(draw: st.DrawFn, review: Review) -> Probe | None:
    improvable = [o for o in review.objectives if o.outcome in _OUTCOME_ORDER[:-1]]
    if not improvable:
        return None
    objective = draw(st.sampled_from(improvable))
    better = draw(st.sampled_from(_OUTCOME_ORDER[_OUTCOME_ORDER.index(objective.outcome) + 1 :]))
    goals = tuple(
        o.model_copy(update={"outcome": better}) if o.id == objective.id else o
        for o in review.objectives
    )
    change = f"objective {objective.id} {objective.outcome} → {better}"
    return Probe(review, review.model_copy(update={"objectives": goals}), change, "not-lower")


def _add_concern(draw: st.DrawFn, framework: Framework, review: Review) -> Probe | None:
    in_cycle = [
        i for i, e in enumerate(review.evidence) if review.cycle_start <= e.date <= review.cycle_end
    ]
    if not in_cycle:
        return None
    i = draw(st.sampled_from(in_cycle))
    tag = draw(tags(framework, stage=review.stage, polarity="concern"))
    item = review.evidence[i]
    evidence = tuple(
        e.model_copy(update={"tags": (*e.tags, tag)}) if k == i else e
        for k, e in enumerate(review.evidence)
    )
    change = f"added a concern on {tag.statement} to {item.id}"
    return Probe(review, review.model_copy(update={"evidence": evidence}), change, "not-higher")


def _later_stage(draw: st.DrawFn, framework: Framework) -> Probe:
    pairs = [(a, s.id) for s in framework.stages for a in ancestors(framework, s.id)]
    if not pairs:
        review = draw(reviews(framework))
        return Probe(review)
    earlier, later = draw(st.sampled_from(pairs))
    review = draw(_judgeable(framework, earlier))
    change = f"the same evidence judged at {later} instead of {earlier}"
    return Probe(review, review.model_copy(update={"stage": later}), change, "not-higher")


def _protected(draw: st.DrawFn, framework: Framework) -> Probe:
    review = draw(_judgeable(framework))
    period = draw(
        absences(
            types=sorted(PROTECTED_ABSENCE),
            cycle_start=review.cycle_start,
            cycle_end=review.cycle_end,
        )
    )
    year = review.circumstances
    variant = review.model_copy(
        update={"circumstances": year.model_copy(update={"absences": (*year.absences, period)})}
    )
    change = f"added {period.type} absence {period.start} to {period.end}"
    return Probe(review, variant, change, "not-lower")


_PROBES: dict[str, Callable[[st.DrawFn, Framework], Probe]] = {
    "totality": _single,
    "determinism": _shuffled,
    "monotonicity": _monotone,
    "cumulative-stages": _later_stage,
    "protected-absence": _protected,
    "explanation-completeness": _single,
    "next-step-soundness": _single,
}


# --- checks ----------------------------------------------------------------------------------


class Checker:
    """Checks probes against one evaluator; records which rules fired and which results came."""

    def __init__(self, evaluator: Evaluator) -> None:
        self.evaluator = evaluator
        self.framework = evaluator.framework
        self.settings = declared(evaluator.compiled.ruleset, evaluator.scale)
        self.ordering = Ordering.of(self.settings)
        self.fired: Counter[str] = Counter()
        self.results: Counter[str] = Counter()
        self.reviews = 0

    def decide(self, review: Review, *, validate: bool = False) -> Decision:
        decision = self.evaluator.decide(review, validate=validate)
        self.fired.update({f.rule for f in decision.firings})
        self.results[decision.winner] += 1
        self.reviews += 1
        return decision

    def check(self, name: str, probe: Probe) -> Violation | None:
        """The violation ``probe`` shows of invariant ``name``, if any; an exception is one."""
        if name not in _CHECKS:
            raise KeyError(f"unknown invariant {name!r}; known: {', '.join(INVARIANTS)}")
        try:
            return _CHECKS[name](self, name, probe)
        except Exception as exc:  # a crash is the counterexample, whatever raised it
            message = f"evaluating raised {type(exc).__name__}: {exc}"
            return Violation(name, message, probe.review, probe.variant, ())


def _totality(checker: Checker, name: str, probe: Probe) -> Violation | None:
    decision = checker.decide(probe.review, validate=True)
    if decision.outcome == "rated" and decision.rating in decision.scale.levels:
        return None
    if decision.outcome in STATUSES and decision.rating is None:
        return None
    message = f"the result is neither a rating on the scale nor a status: {decision.outcome!r}"
    return Violation(name, message, probe.review, None, (decision.winner,))


def _compared(checker: Checker, name: str, probe: Probe) -> Violation | None:
    assert probe.variant is not None, "this invariant compares a review with a variant"
    before = checker.decide(probe.review)
    after = checker.decide(probe.variant)
    a, b = checker.ordering.compare(before, after)
    if a is None or b is None:
        return None
    broken = (probe.expect == "not-lower" and b < a) or (probe.expect == "not-higher" and b > a)
    if not broken:
        return None
    verb = "lowered" if b < a else "raised"
    message = f"{probe.change} {verb} the result from {before.winner} to {after.winner}"
    return Violation(name, message, probe.review, probe.variant, (before.winner, after.winner))


def _deterministic(checker: Checker, name: str, probe: Probe) -> Violation | None:
    assert probe.variant is not None
    before = checker.decide(probe.review)
    after = checker.decide(probe.variant)
    if _signature(checker.evaluator, before) == _signature(checker.evaluator, after):
        return None
    message = f"{probe.change} changed the result or the trace"
    if before.winner == after.winner:
        message += f" (both {before.winner}; the rules that fired or the facts they matched differ)"
    return Violation(name, message, probe.review, probe.variant, (before.winner, after.winner))


def _signature(evaluator: Evaluator, decision: Decision) -> object:
    trace = evaluator.trace(decision)
    return (
        decision.winner,
        decision.decided_by,
        decision.proposals,
        tuple((f.rule, f.action, f.matched) for f in trace.firings),
    )


def _explained(checker: Checker, name: str, probe: Probe) -> Violation | None:
    decision = checker.decide(probe.review)
    present = {item.id for item in probe.review.evidence}
    used = set(decision.facts.used)
    firings = {f.rule: f for f in decision.firings}
    for proposal in decision.proposals:
        if proposal.outcome != decision.winner:
            continue
        firing = firings.get(proposal.rule)
        problem = None
        if firing is None:
            problem = "comes from no firing in the trace"
        else:
            cited = {e for fact in firing.matched.values() for e in fact.get("evidence", [])}
            if cited - present:
                problem = f"cites evidence not in the review: {', '.join(sorted(cited - present))}"
            elif cited - used:
                outside = ", ".join(sorted(cited - used))
                problem = f"cites evidence excluded as outside the cycle: {outside}"
        if problem:
            message = f"the proposal of {proposal.outcome} by {proposal.rule} {problem}"
            return Violation(name, message, probe.review, None, (decision.winner,))
    return None


def _sound_next_steps(checker: Checker, name: str, probe: Probe) -> Violation | None:
    review = probe.review
    decision = checker.decide(review)
    steps = propose_next_steps(checker.evaluator, review, decision)
    if not steps.confirmed or not steps.changes or steps.target is None:
        return None
    scale = decision.scale.levels
    target = scale.index(steps.target)
    if decision.rating is not None and target <= scale.index(decision.rating):
        message = f"the next steps aim at {steps.target}, no better than {decision.rating}"
        return Violation(name, message, review, None, (decision.winner,))
    changed = apply_changes(review, steps.changes)
    after = checker.decide(changed, validate=True)
    if after.rating is not None and scale.index(after.rating) >= target:
        return None
    message = (
        f"the {len(steps.changes)} next step(s) promise {steps.target}, "
        f"but applying them gives {after.winner}"
    )
    return Violation(name, message, review, changed, (decision.winner, after.winner))


_CHECKS: dict[str, Callable[[Checker, str, Probe], Violation | None]] = {
    "totality": _totality,
    "determinism": _deterministic,
    "monotonicity": _compared,
    "cumulative-stages": _compared,
    "protected-absence": _compared,
    "explanation-completeness": _explained,
    "next-step-soundness": _sound_next_steps,
}


def applies(name: str, framework: Framework) -> bool:
    """False for invariants the framework cannot exercise (cumulative stages without stages)."""
    return bool(framework.stages) or name != "cumulative-stages"


# --- running ---------------------------------------------------------------------------------


def run_invariant(
    checker: Checker,
    name: str,
    *,
    max_examples: int = 100,
    seed: int = 0,
    aimed: Iterable[Probe] = (),
    shrink: bool = True,
) -> Violation | None:
    """The first of the ``aimed`` probes that violates ``name`` (``engine.testing.boundaries``),
    else the violation a search of ``max_examples`` probes finds (shrunk unless ``shrink`` is
    False; no search with 0), or None."""
    for probe in aimed:
        violation = checker.check(name, probe)
        if violation is not None:
            return violation
    if max_examples < 1:
        return None
    budget = settings(
        max_examples=max_examples,
        database=None,
        deadline=None,
        phases=(Phase.generate, Phase.shrink) if shrink else (Phase.generate,),
        suppress_health_check=list(HealthCheck),
        report_multiple_bugs=False,
    )
    strategy = probes(name, checker.framework)
    try:
        with _without_local_constants():
            found = find(
                strategy,
                lambda probe: checker.check(name, probe) is not None,
                settings=budget,
                random=random.Random(seed),
            )
    except NoSuchExample:
        return None
    return checker.check(name, found)


@contextlib.contextmanager
def _without_local_constants() -> Iterator[None]:
    """Search without Hypothesis's pool of literals taken from this project's imported modules.

    Hypothesis (6.13x+) sometimes draws a literal found in any "local" module already imported
    (an editable install counts): which modules that is depends on the entry point (``appraise
    check`` imports the service, pytest imports everything), so the same seed searched
    differently, and small integers from our code skewed draws towards thin evidence. Measured:
    a broken Hampshire copy caught on 4 of 4 seeds before the audit package was imported, on 0
    of 3 after. Private API, so when it moves the search simply keeps Hypothesis's default.
    """
    try:
        from hypothesis.internal.conjecture import providers
        from hypothesis.internal.constants_ast import Constants
    except ImportError:  # pragma: no cover - a Hypothesis without the feature
        yield
        return
    saved = getattr(providers, "_get_local_constants", None)
    cache = getattr(providers, "CONSTANTS_CACHE", None)
    if saved is None or cache is None:  # pragma: no cover
        yield
        return
    providers._get_local_constants = Constants
    cache.cache.clear()
    try:
        yield
    finally:
        providers._get_local_constants = saved
        cache.cache.clear()
