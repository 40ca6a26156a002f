"""Aimed probes: ladders of single steps that cross a rule set's thresholds one step at a time.

The random search of ``engine.testing.invariants`` finds a threshold written the wrong way round
only when it happens to draw a review close to it. These probes are built instead: from each seed
review (a rule set's golden cases, which sit where the author's thresholds bite) a ladder changes
one thing at a time in one direction — a concern added in one more standard, one more statement
raised to the top modality, one objective outcome one step better — so every count and ratio the
rules compare with a parameter passes through each value between the ladder's ends, and some pair
of neighbouring rungs sits exactly at and one step beside each threshold. Each neighbouring pair is
a probe of the invariant the ladder's direction promises. The probes do not depend on the seed of
the search, so what they catch is caught on every seed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from itertools import pairwise

from engine.catalogue.stages import ancestors, stage_requirement
from engine.testing.invariants import Expect, Probe
from schemas.framework import Framework, StandardNode
from schemas.review import AbsencePeriod, EvidenceItem, Review, Tag

__all__ = ["aimed_probes"]

_OUTCOMES = ("not-met", "partially-met", "met", "exceeded")
MAX_RUNGS = 16
"""Steps per ladder: enough to cross every threshold of the shipped rule sets."""


def aimed_probes(name: str, framework: Framework, seeds: Iterable[Review]) -> Iterator[Probe]:
    """The aimed probes of invariant ``name`` from ``seeds`` (none for invariants they cannot
    aim: those that compare nothing)."""
    for review in seeds:
        if review.framework != framework.id:
            continue
        if name == "monotonicity":
            yield from _monotone(framework, review)
        elif name == "cumulative-stages":
            yield from _later_stages(framework, review)
        elif name == "protected-absence":
            yield from _protected(review)


# --- monotonicity ------------------------------------------------------------------------------


def _monotone(framework: Framework, review: Review) -> Iterator[Probe]:
    yield from _pairs(
        _concern_ladder(framework, review), "a concern in one more standard", "not-higher"
    )
    yield from _pairs(
        _modality_ladder(framework, review), "one more statement at the top modality", "not-lower"
    )
    yield from _pairs(_objective_ladder(review), "one objective one step better", "not-lower")


def _pairs(ladder: Sequence[Review], change: str, expect: Expect) -> Iterator[Probe]:
    for before, after in pairwise(ladder):
        yield Probe(before, after, f"{change} (aimed probe)", expect)


def _in_cycle(review: Review) -> list[int]:
    return [
        i for i, e in enumerate(review.evidence) if review.cycle_start <= e.date <= review.cycle_end
    ]


def _without_concerns(review: Review) -> Review:
    evidence = tuple(
        item.model_copy(update={"tags": tuple(t for t in item.tags if t.polarity != "concern")})
        for item in review.evidence
    )
    return review.model_copy(update={"evidence": evidence})


def _concern_ladder(framework: Framework, review: Review) -> list[Review]:
    """No concern, then a concern on a statement of one more top-level standard at each rung."""
    in_cycle = _in_cycle(review)
    if not in_cycle:
        return []
    standard_of = _standard_of(framework)
    by_standard: dict[str, str] = {}
    for statement_id, under in _in_scope(framework, review.stage):
        by_standard.setdefault(standard_of.get(under, under), statement_id)
    ladder = [_without_concerns(review)]
    for statement in list(by_standard.values())[:MAX_RUNGS]:
        ladder.append(
            _with_tag(ladder[-1], in_cycle[0], Tag(statement=statement, polarity="concern"))
        )
    return ladder


def _in_scope(framework: Framework, stage: str | None) -> list[tuple[str, str]]:
    """The statements (and the nodes they sit under) a review at ``stage`` is judged on."""
    if stage is None:
        return [(s.id, s.under) for s in framework.statements]
    return [(r.statement, r.under) for r in stage_requirement(framework, stage).items]


def _standard_of(framework: Framework) -> dict[str, str]:
    """Every node of the standards tree → the top-level standard it sits in."""
    found: dict[str, str] = {}

    def walk(node: StandardNode, top: str) -> None:
        found[node.id] = top
        for child in node.children:
            walk(child, top)

    for node in framework.standards:
        walk(node, node.id)
    return found


def _with_tag(review: Review, index: int, tag: Tag) -> Review:
    evidence = tuple(
        item.model_copy(update={"tags": (*item.tags, tag)}) if k == index else item
        for k, item in enumerate(review.evidence)
    )
    return review.model_copy(update={"evidence": evidence})


def _modality_ladder(framework: Framework, review: Review) -> list[Review]:
    """Every strength at the weakest modality, then one more of them at the strongest a rung."""
    ladder = [m.id for m in framework.modalities.levels]
    places = [
        (i, j)
        for i, item in enumerate(review.evidence)
        for j, tag in enumerate(item.tags)
        if tag.polarity == "strength"
    ]
    if len(ladder) < 2 or not places:
        return []
    rungs = [_set_modalities(review, places, ladder[0])]
    step = max(1, -(-len(places) // MAX_RUNGS))  # ceil: at most MAX_RUNGS rungs
    for start in range(0, len(places), step):
        rungs.append(_set_modalities(rungs[-1], places[start : start + step], ladder[-1]))
    return rungs


def _set_modalities(review: Review, places: Sequence[tuple[int, int]], modality: str) -> Review:
    chosen = set(places)
    evidence: list[EvidenceItem] = []
    for i, item in enumerate(review.evidence):
        tags = tuple(
            t.model_copy(update={"modality": modality}) if (i, j) in chosen else t
            for j, t in enumerate(item.tags)
        )
        evidence.append(item.model_copy(update={"tags": tags}))
    return review.model_copy(update={"evidence": tuple(evidence)})


def _objective_ladder(review: Review) -> list[Review]:
    """Every objective not met, then one objective one outcome better at each rung."""
    if not review.objectives:
        return []
    goals = [o.model_copy(update={"outcome": _OUTCOMES[0]}) for o in review.objectives]
    rungs = [review.model_copy(update={"objectives": tuple(goals)})]
    for _ in range(len(_OUTCOMES) - 1):
        for k, goal in enumerate(goals):
            if len(rungs) > MAX_RUNGS * 2:
                return rungs
            goals[k] = goal.model_copy(
                update={"outcome": _OUTCOMES[_OUTCOMES.index(goal.outcome) + 1]}
            )
            rungs.append(review.model_copy(update={"objectives": tuple(goals)}))
    return rungs


# --- cumulative stages and protected absence -----------------------------------------------------


def _later_stages(framework: Framework, review: Review) -> Iterator[Probe]:
    """The seed's evidence at every pair of a stage and a later one that builds on it."""
    if review.stage is None:
        return
    for stage in framework.stages:
        for earlier in ancestors(framework, stage.id):
            before = review.model_copy(update={"stage": earlier})
            after = review.model_copy(update={"stage": stage.id})
            change = f"the same evidence judged at {stage.id} instead of {earlier} (aimed probe)"
            yield Probe(before, after, change, "not-higher")


def _protected(review: Review) -> Iterator[Probe]:
    """The seed with each protected absence of a quarter and of most of the cycle added."""
    days = (review.cycle_end - review.cycle_start).days
    for kind in ("maternity-parental", "disability-related"):
        for share in (0.25, 0.7):
            end = review.cycle_start + (review.cycle_end - review.cycle_start) * share
            period = AbsencePeriod(type=kind, start=review.cycle_start, end=end)
            year = review.circumstances
            variant = review.model_copy(
                update={
                    "circumstances": year.model_copy(update={"absences": (*year.absences, period)})
                }
            )
            change = f"added {kind} absence of {round(share * days)} days (aimed probe)"
            yield Probe(review, variant, change, "not-lower")
