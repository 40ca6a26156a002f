"""Hypothesis strategies for rule-set authors: reviews that are valid by construction.

Strategies take the framework they draw for (if any) and keyword-only options, checked when
the strategy is drawn from (a bad option raises ``hypothesis.errors.InvalidArgument``). Statement
ids, modalities and stages come from the framework, evidence and objective ids are unique, and
every date is placed relative to the review cycle, so a drawn review always passes
``engine.review.validate_review``. Write a property test with them like this::

    from hypothesis import given
    from engine import Evaluator, RuleSets
    from engine.testing import reviews

    EVALUATOR = Evaluator(RuleSets().compiled("hampshire"))
    FRAMEWORK = EVALUATOR.framework

    @given(reviews(FRAMEWORK, stage="mpr", evidence="rich"))
    def test_rich_mpr_evidence_is_never_insufficient(review):
        assert EVALUATOR.decide(review).outcome != "insufficient_evidence"

See ``docs/testing-rulesets.md`` for a worked example, and ``engine.testing.invariants`` for the
domain invariants ``appraise check`` runs with these strategies.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Literal, get_args

from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from engine.catalogue.stages import stage_requirement
from engine.catalogue.tree import TreeIndex
from engine.facts.derive import next_stage
from schemas.framework import EvidenceSource, Framework
from schemas.review import (
    ABSENCE_TYPES,
    AbsencePeriod,
    Circumstances,
    Conduct,
    EvidenceItem,
    Objective,
    ObjectiveOutcome,
    Review,
    Tag,
)

__all__ = [
    "CYCLE_END",
    "CYCLE_START",
    "EVIDENCE_BIASES",
    "OUTCOMES",
    "EvidenceBias",
    "absences",
    "circumstances",
    "evidence_items",
    "objectives",
    "reviews",
    "tags",
]

EvidenceBias = Literal["any", "thin", "mixed", "poor", "rich", "beyond"]
EVIDENCE_BIASES: tuple[str, ...] = get_args(EvidenceBias)
"""``any`` draws from all the others; see ``reviews`` for what each one means."""
OUTCOMES: tuple[str, ...] = get_args(ObjectiveOutcome)
CYCLE_START = dt.date(2025, 9, 1)
CYCLE_END = dt.date(2026, 7, 31)
RECORDERS = ("a-01", "a-02", "a-03")
SHORT_REQUIREMENT = 60
OUTSIDE_DAYS = 60
"""How far outside the cycle ``thin`` and ``mixed`` evidence may be dated (it is then excluded)."""

_OUTCOMES_FOR: dict[str, tuple[str, ...]] = {
    "thin": OUTCOMES,
    "mixed": OUTCOMES,
    "poor": ("not-met", "partially-met", "met"),
    "rich": ("met", "exceeded", "partially-met"),
    "beyond": ("exceeded", "met"),
}


# --- options ---------------------------------------------------------------------------------


def _check_stage(framework: Framework, stage: str | None) -> None:
    stages = [s.id for s in framework.stages]
    if stage is not None and stage not in stages:
        known = ", ".join(stages) or "none: it has no career stages"
        raise InvalidArgument(
            f"framework {framework.id!r} has no stage {stage!r} (stages: {known})"
        )


def _check_choice(name: str, value: str, allowed: Sequence[str]) -> None:
    if value not in allowed:
        raise InvalidArgument(f"{name}={value!r} must be one of {', '.join(allowed)}")


def _check_outcomes(outcomes: Sequence[str] | None) -> None:
    if outcomes is not None and (not outcomes or set(outcomes) - set(OUTCOMES)):
        raise InvalidArgument(f"outcomes={outcomes!r} must be a non-empty subset of {OUTCOMES}")


def _check_cycle(cycle_start: dt.date, cycle_end: dt.date) -> None:
    if cycle_end <= cycle_start:
        raise InvalidArgument(f"cycle_end={cycle_end} must be after cycle_start={cycle_start}")


# --- what a stage puts in scope ----------------------------------------------------------------


@dataclass(frozen=True)
class _Scope:
    """Statements a review at one stage can speak to, in orders that spread evidence widely."""

    ladder: tuple[str, ...]
    required: tuple[tuple[str, int], ...]  # (statement, rank of required modality), spread
    core: int  # how many required statements cover every (stage, level, unit) group once
    beyond: tuple[tuple[str, int], ...]  # next-stage statements spread across standards
    in_scope: tuple[str, ...]
    kinds: tuple[str, ...]  # the framework's evidence kinds
    kinds_of_source: tuple[tuple[str, ...], ...]  # per triangulation source with kinds, its kinds


_SCOPES: dict[tuple[int, str | None], tuple[Framework, _Scope]] = {}


def _scope(framework: Framework, stage: str | None) -> _Scope:
    key = (id(framework), stage)
    hit = _SCOPES.get(key)
    if hit is not None and hit[0] is framework:
        return hit[1]
    scope = _build_scope(framework, stage)
    _SCOPES[key] = (framework, scope)
    return scope


def _build_scope(framework: Framework, stage: str | None) -> _Scope:
    ladder = tuple(m.id for m in framework.modalities.levels)
    rank = {m: i for i, m in enumerate(ladder)}
    by_id = {s.id: s for s in framework.statements}
    if stage is not None:
        needed = {i.statement: rank[i.modality] for i in stage_requirement(framework, stage).items}
    else:
        # Stageless: a statement's own level, else the middle of the ladder (rule sets usually
        # ask for more than the weakest modality; see `facts.required_modality`).
        needed = {
            s.id: rank[s.level] if s.level else len(ladder) // 2 for s in framework.statements
        }
    classes: dict[tuple[str, str], dict[str, list[str]]] = {}
    for statement_id in needed:
        s = by_id[statement_id]
        classes.setdefault((s.stage or "", s.level or ""), {}).setdefault(s.under, []).append(s.id)
    spread = _interleave(_interleave(units.values()) for units in classes.values())
    following = next_stage(framework, stage)
    top = TreeIndex.of(framework).top
    beyond_groups: dict[str, list[str]] = {}
    for s in framework.statements:
        if following and s.stage == following:
            beyond_groups.setdefault(top[s.under].id, []).append(s.id)
    upcoming = stage_requirement(framework, following).items if following else ()
    shown_at = {i.statement: rank[i.modality] for i in upcoming}  # what counts as beyond
    beyond = tuple((s, shown_at[s]) for s in _interleave(beyond_groups.values()))
    return _Scope(
        ladder=ladder,
        required=tuple((s, needed[s]) for s in spread),
        core=sum(len(units) for units in classes.values()),
        beyond=beyond,
        in_scope=(*needed, *(s for s, _ in beyond)),
        kinds=_kinds(framework),
        kinds_of_source=tuple(filter(None, map(_kinds_of(framework), framework.evidence_sources))),
    )


def _kinds(framework: Framework) -> tuple[str, ...]:
    """The framework's evidence kinds: a review draws its kinds from these."""
    kinds = tuple(k.id for k in framework.evidence_kinds)
    if not kinds:
        raise InvalidArgument(f"framework {framework.id!r} declares no evidence kinds")
    return kinds


def _kinds_of(framework: Framework) -> Callable[[EvidenceSource], tuple[str, ...]]:
    """A function giving the ids of the framework's kinds that belong to a source."""
    return lambda source: tuple(k.id for k in framework.evidence_kinds if k.source == source.id)


def _interleave(groups: Iterable[Sequence[str]]) -> list[str]:
    """Round robin over ``groups``: the first of each, then the second of each, and so on."""
    pending = [list(g) for g in groups]
    out: list[str] = []
    while any(pending):
        for group in pending:
            if group:
                out.append(group.pop(0))
    return out


# --- public strategies -------------------------------------------------------------------------


class _FrameworkRef:
    """A framework as a strategy's argument: its repr names it instead of printing all of it."""

    __slots__ = ("framework",)

    def __init__(self, framework: Framework) -> None:
        self.framework = framework

    def __repr__(self) -> str:
        return f"<framework {self.framework.id}>"


def tags(
    framework: Framework,
    *,
    stage: str | None = None,
    polarity: Literal["strength", "concern"] | None = None,
) -> st.SearchStrategy[Tag]:
    """A tag on a statement of ``framework``: the statement, the modality shown, the polarity.

    With ``stage`` the statement is one the stage requires or one of the next stage's own
    statements (what the engine looks at); without it, any statement. The modality is any rung
    of the framework's ladder, or for a concern also ``None`` (left out); ``polarity`` fixes
    strength or concern (default: two strengths to one concern).

    Example::

        >>> tags(framework, stage="mpr", polarity="concern").example()
        Tag(statement='ts.4.2.ect2.1', modality='independently', polarity='concern')
    """
    return _tags(_FrameworkRef(framework), stage=stage, polarity=polarity)


@st.composite
def _tags(
    draw: st.DrawFn,
    ref: _FrameworkRef,
    *,
    stage: str | None = None,
    polarity: Literal["strength", "concern"] | None = None,
) -> Tag:
    framework = ref.framework
    _check_stage(framework, stage)
    if polarity is not None:
        _check_choice("polarity", polarity, ("strength", "concern"))
    statements = (
        _scope(framework, stage).in_scope
        if stage is not None
        else tuple(s.id for s in framework.statements)
    )
    ladder = [m.id for m in framework.modalities.levels]
    chosen = polarity or draw(st.sampled_from(("strength", "strength", "concern")))
    rungs = ladder if chosen == "strength" else [*ladder, None]  # a concern may name none
    return Tag(
        statement=draw(st.sampled_from(statements)),
        modality=draw(st.sampled_from(rungs)),
        polarity=chosen,
    )


def evidence_items(
    framework: Framework,
    *,
    stage: str | None = None,
    id: str | None = None,
    cycle_start: dt.date = CYCLE_START,
    cycle_end: dt.date = CYCLE_END,
    in_cycle: bool | None = None,
    max_tags: int = 20,
    polarity: Literal["strength", "concern"] | None = None,
) -> st.SearchStrategy[EvidenceItem]:
    """One evidence item with up to ``max_tags`` tags drawn by ``tags(framework, stage=...)``.

    Its id is ``id``, or ``e1`` … ``e99``: draw several with
    ``st.lists(evidence_items(fw), unique_by=lambda e: e.id)`` so that ids stay unique.
    ``in_cycle`` places the date in the cycle (``True``) or up to 60 days before or after it
    (``False``: valid, the engine excludes such evidence and says why); by default one item in
    six falls outside.

    Example::

        >>> evidence_items(framework, stage="ect1", in_cycle=True, max_tags=2).example()
        EvidenceItem(id='e7', kind='pupil-views', date=datetime.date(2026, 2, 3), ...)
    """
    return _evidence_items(
        _FrameworkRef(framework),
        stage=stage,
        id=id,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        in_cycle=in_cycle,
        max_tags=max_tags,
        polarity=polarity,
    )


@st.composite
def _evidence_items(
    draw: st.DrawFn,
    ref: _FrameworkRef,
    *,
    stage: str | None = None,
    id: str | None = None,
    cycle_start: dt.date = CYCLE_START,
    cycle_end: dt.date = CYCLE_END,
    in_cycle: bool | None = None,
    max_tags: int = 20,
    polarity: Literal["strength", "concern"] | None = None,
) -> EvidenceItem:
    framework = ref.framework
    _check_stage(framework, stage)
    _check_cycle(cycle_start, cycle_end)
    if max_tags < 0:
        raise InvalidArgument(f"max_tags={max_tags} must be at least 0")
    inside = in_cycle if in_cycle is not None else draw(st.sampled_from((True,) * 5 + (False,)))
    margin = dt.timedelta(days=OUTSIDE_DAYS)
    dates = (
        st.dates(cycle_start, cycle_end)
        if inside
        else st.dates(cycle_start - margin, cycle_start - dt.timedelta(days=1))
        | st.dates(cycle_end + dt.timedelta(days=1), cycle_end + margin)
    )
    count = draw(st.integers(0, max_tags))
    drawn_tags = [draw(tags(framework, stage=stage, polarity=polarity)) for _ in range(count)]
    return EvidenceItem(
        id=id or f"e{draw(st.integers(1, 99))}",
        kind=draw(st.sampled_from(_scope(framework, stage).kinds)),
        date=draw(dates),
        recorded_by=draw(st.sampled_from(RECORDERS)),
        tags=tuple(drawn_tags),
    )


def objectives(
    framework: Framework,
    *,
    outcomes: Sequence[str] | None = None,
    evidence: Sequence[str] = (),
) -> st.SearchStrategy[Objective]:
    """One objective with id ``o1`` … ``o9``, an outcome from ``outcomes`` (default: any).

    It may link top-level standards of ``framework`` and cite some of the ``evidence`` ids
    (pass the ids of the review's items so the citations resolve).

    Example::

        >>> objectives(framework, outcomes=["exceeded"], evidence=["e1", "e2"]).example()
        Objective(id='o3', text='objective 3', standards=('ts.2',), outcome='exceeded', ...)
    """
    return _objectives(_FrameworkRef(framework), outcomes=outcomes, evidence=evidence)


@st.composite
def _objectives(
    draw: st.DrawFn,
    ref: _FrameworkRef,
    *,
    outcomes: Sequence[str] | None = None,
    evidence: Sequence[str] = (),
) -> Objective:
    framework = ref.framework
    _check_outcomes(outcomes)
    number = draw(st.integers(1, 9))
    nodes = [node.id for node in framework.standards]
    cited: list[str] = (
        draw(st.lists(st.sampled_from(evidence), max_size=2, unique=True)) if evidence else []
    )
    return Objective(
        id=f"o{number}",
        text=f"objective {number}",
        standards=tuple(draw(st.lists(st.sampled_from(nodes), max_size=2, unique=True))),
        outcome=draw(st.sampled_from(tuple(outcomes or OUTCOMES))),
        evidence=tuple(cited),
    )


@st.composite
def circumstances(
    draw: st.DrawFn,
    *,
    cycle_start: dt.date = CYCLE_START,
    cycle_end: dt.date = CYCLE_END,
    absence_types: Sequence[str] = ABSENCE_TYPES,
    max_absences: int = 2,
    capability: bool | None = None,
) -> Circumstances:
    """The teacher's year: absences (of ``absence_types``) overlapping the cycle, induction,
    capability, part-time fraction.

    ``capability`` fixes whether the teacher is in a capability procedure; by default it is
    drawn, rarely true, so that most drawn reviews can be rated.

    Example::

        >>> circumstances(absence_types=["maternity-parental"], capability=False).example()
        Circumstances(absences=(AbsencePeriod(type='maternity-parental', ...),), ...)
    """
    _check_cycle(cycle_start, cycle_end)
    unknown = set(absence_types) - set(ABSENCE_TYPES)
    if unknown or max_absences < 0 or (max_absences and not absence_types):
        raise InvalidArgument(
            f"absence_types must be a non-empty subset of {ABSENCE_TYPES} (got {absence_types!r})"
            f" and max_absences={max_absences} at least 0"
        )
    periods = draw(
        st.lists(
            absences(types=absence_types, cycle_start=cycle_start, cycle_end=cycle_end),
            max_size=max_absences,
        )
        if absence_types
        else st.just([])
    )
    in_capability = capability if capability is not None else draw(_rarely())
    return Circumstances(
        absences=tuple(periods),
        in_induction=draw(st.booleans()),
        in_capability=in_capability,
        part_time_fraction=draw(st.sampled_from((1.0, 0.8, 0.5))),
    )


_default_circumstances = circumstances


def absences(
    *,
    types: Sequence[str] = ABSENCE_TYPES,
    cycle_start: dt.date = CYCLE_START,
    cycle_end: dt.date = CYCLE_END,
) -> st.SearchStrategy[AbsencePeriod]:
    """An absence of one of ``types``, starting from 30 days before the cycle to its last day,
    lasting up to 250 days (it may run past the cycle: only days in the cycle count).

    Example::

        >>> absences(types=["disability-related"]).example()
        AbsencePeriod(type='disability-related', start=datetime.date(2026, 1, 5), ...)
    """
    if not types or set(types) - set(ABSENCE_TYPES):
        raise InvalidArgument(f"types must be a non-empty subset of {ABSENCE_TYPES}")
    _check_cycle(cycle_start, cycle_end)
    starts = st.dates(cycle_start - dt.timedelta(days=30), cycle_end)
    return st.builds(
        lambda kind, start, days: AbsencePeriod(
            type=kind, start=start, end=start + dt.timedelta(days=days)
        ),
        st.sampled_from(tuple(types)),
        starts,
        st.integers(0, 250),
    )


def reviews(
    framework: Framework,
    *,
    stage: str | None = None,
    evidence: EvidenceBias = "any",
    outcomes: Sequence[str] | None = None,
    circumstances: st.SearchStrategy[Circumstances] | None = None,
    conduct: bool | None = None,
    cycle_start: dt.date = CYCLE_START,
    cycle_end: dt.date = CYCLE_END,
) -> st.SearchStrategy[Review]:
    """A review for ``framework`` that ``validate_review`` accepts, from empty to exceptional.

    ``stage`` fixes the career stage (default: drawn; frameworks without stages get none).
    ``evidence`` biases what the evidence shows:

    - ``thin``: at most three items with a few random tags, some dated outside the cycle;
    - ``mixed``: up to eight items tagging random in-scope statements at random modalities,
      strengths and concerns, some outside the cycle;
    - ``poor``: five to eight in-cycle items from every triangulation source, mostly concerns,
      strengths at the weakest modalities;
    - ``rich``: five to eight in-cycle items covering all three triangulation sources, showing
      most of the stage's requirement (spread across stages, units and standards) at or above
      the required modality (in one review in three, some a rung below), with at most one
      concern;
    - ``beyond``: ``rich`` with nearly all of the requirement, plus statements of the next stage
      across standards (frameworks with stages) or the strongest modalities (without);
    - ``any`` (default): one of the above.

    ``outcomes`` restricts objective outcomes (default: any for thin and mixed evidence, met or
    worse for poor, met or better for rich, exceeded or met beyond). ``circumstances``
    replaces the default ``circumstances(...)`` strategy; ``conduct`` fixes whether a conduct
    concern is recorded (default: drawn, rarely true).

    Example: reviews an Upper Pay Range teacher might bring for an exceptional rating::

        >>> review = reviews(hampshire, stage="upr1", evidence="beyond", outcomes=["exceeded"],
        ...                  conduct=False).example()
        >>> review.stage, len(review.evidence) >= 3
        ('upr1', True)
    """
    return _reviews(
        _FrameworkRef(framework),
        stage=stage,
        evidence=evidence,
        outcomes=outcomes,
        circumstances=circumstances,
        conduct=conduct,
        cycle_start=cycle_start,
        cycle_end=cycle_end,
    )


@st.composite
def _reviews(
    draw: st.DrawFn,
    ref: _FrameworkRef,
    *,
    stage: str | None = None,
    evidence: EvidenceBias = "any",
    outcomes: Sequence[str] | None = None,
    circumstances: st.SearchStrategy[Circumstances] | None = None,
    conduct: bool | None = None,
    cycle_start: dt.date = CYCLE_START,
    cycle_end: dt.date = CYCLE_END,
) -> Review:
    framework = ref.framework
    _check_stage(framework, stage)
    _check_choice("evidence", evidence, EVIDENCE_BIASES)
    _check_outcomes(outcomes)
    _check_cycle(cycle_start, cycle_end)
    if stage is None and framework.stages:
        stage = draw(st.sampled_from([s.id for s in framework.stages]))
    bias = draw(st.sampled_from(EVIDENCE_BIASES[1:])) if evidence == "any" else evidence
    cycle = (cycle_start, cycle_end)
    if bias in ("thin", "mixed"):
        items = _random_evidence(draw, framework, stage, bias, cycle)
    elif bias == "poor":
        items = _poor_evidence(draw, _scope(framework, stage), cycle)
    else:
        items = _rich_evidence(draw, _scope(framework, stage), bias == "beyond", cycle)
    ids = [item.id for item in items]
    goals = draw(
        st.lists(
            objectives(framework, outcomes=outcomes or _OUTCOMES_FOR[bias], evidence=ids),
            max_size=3,
            unique_by=lambda o: o.id,
        )
    )
    year = (
        circumstances
        if circumstances is not None
        else _default_circumstances(cycle_start=cycle_start, cycle_end=cycle_end)
    )
    return Review(
        framework=framework.id,
        subject="t-001",
        appraiser="a-01",
        cycle_start=cycle_start,
        cycle_end=cycle_end,
        stage=stage,
        evidence=tuple(items),
        objectives=tuple(goals),
        circumstances=draw(year),
        conduct=Conduct(concern=conduct if conduct is not None else draw(_rarely())),
    )


# --- evidence by bias ----------------------------------------------------------------------------


def _rarely() -> st.SearchStrategy[bool]:
    """True one time in eight; shrinks to False."""
    return st.sampled_from((False,) * 7 + (True,))


def _random_evidence(
    draw: st.DrawFn,
    framework: Framework,
    stage: str | None,
    bias: str,
    cycle: tuple[dt.date, dt.date],
) -> list[EvidenceItem]:
    thin = bias == "thin"
    count = draw(st.integers(0, 3 if thin else 8))
    return [
        draw(
            evidence_items(
                framework,
                stage=stage,
                id=f"e{i + 1}",
                cycle_start=cycle[0],
                cycle_end=cycle[1],
                max_tags=3 if thin else 30,
            )
        )
        for i in range(count)
    ]


def _triangulated_kinds(draw: st.DrawFn, scope: _Scope) -> list[str]:
    """Five to eight evidence kinds, the first one from each of the framework's sources."""
    count = draw(st.integers(5, 8))
    kinds = [draw(st.sampled_from(of_source)) for of_source in scope.kinds_of_source]
    return kinds + [draw(st.sampled_from(scope.kinds)) for _ in range(count - len(kinds))]


def _poor_evidence(
    draw: st.DrawFn, scope: _Scope, cycle: tuple[dt.date, dt.date]
) -> list[EvidenceItem]:
    """Enough triangulated evidence to judge, showing mostly concerns and little strength."""
    kinds = _triangulated_kinds(draw, scope)
    statements = [s for s, _ in scope.required]
    weak = scope.ladder[: max(1, len(scope.ladder) // 2)]
    marks = st.builds(
        Tag,
        statement=st.sampled_from(statements),
        modality=st.sampled_from(weak),
        polarity=st.sampled_from(("concern", "concern", "strength")),
    )
    return [
        EvidenceItem(
            id=f"e{i + 1}",
            kind=kind,
            date=draw(st.dates(*cycle)),
            recorded_by=draw(st.sampled_from(RECORDERS)),
            tags=tuple(draw(st.lists(marks, max_size=12))),
        )
        for i, kind in enumerate(kinds)
    ]


def _rich_evidence(
    draw: st.DrawFn, scope: _Scope, beyond: bool, cycle: tuple[dt.date, dt.date]
) -> list[EvidenceItem]:
    """Items from every triangulation source; tags spread so the requirement is mostly met."""
    kinds = _triangulated_kinds(draw, scope)
    count = len(kinds)
    pool = scope.required
    # A short requirement is shown nearly whole; a long one (Hampshire's hundreds of statements)
    # once in nearly every (stage, level, unit) group, which is what breadth rules weigh.
    short = len(pool) <= SHORT_REQUIREMENT
    base = len(pool) if short else scope.core
    low = math.ceil((0.9 if beyond else 0.5 if short else 0.8) * base)
    shown = pool[: draw(st.integers(min(low, len(pool)), min(len(pool), base + 40)))]
    top = len(scope.ladder) - 1
    # One rich review in three shows some statements a rung below what is required: strong but
    # uneven evidence, which is where ratings below the expected one come from.
    slack = 0 if beyond else draw(st.sampled_from((0, 0, 1)))
    marks = [(s, _shown(draw, rank, top, slack, strongest=beyond)) for s, rank in shown]
    if beyond and scope.beyond:
        extra = scope.beyond[
            : draw(st.integers(min(4, len(scope.beyond)), min(12, len(scope.beyond))))
        ]
        marks += [(s, _shown(draw, rank, top, 0, strongest=False)) for s, rank in extra]
    concerns = [] if beyond else draw(st.lists(st.sampled_from([s for s, _ in pool]), max_size=1))
    per_item: list[list[Tag]] = [[] for _ in range(count)]
    for i, (statement, rank) in enumerate(marks):
        per_item[i % count].append(Tag(statement=statement, modality=scope.ladder[rank]))
    for i, statement in enumerate(concerns):
        per_item[i % count].append(
            Tag(statement=statement, modality=scope.ladder[0], polarity="concern")
        )
    return [
        EvidenceItem(
            id=f"e{i + 1}",
            kind=kinds[i],
            date=draw(st.dates(*cycle)),
            recorded_by=draw(st.sampled_from(RECORDERS)),
            tags=tuple(per_item[i]),
        )
        for i in range(count)
    ]


def _shown(draw: st.DrawFn, rank: int, top: int, slack: int, *, strongest: bool) -> int:
    """A modality rank from ``slack`` rungs below ``rank`` to the top; shrinks to ``rank``, or
    to ``top`` if strongest."""
    if strongest:
        return top - draw(st.integers(0, top - rank))
    return rank + draw(st.integers(-min(slack, rank), top - rank))
