"""Deterministic fact derivation: a checked review becomes the facts the rules engine matches.

Every fact is a dict with ``t`` (its type in ``engine.fact_types.FACT_TYPES``), ``id`` (unique in
the case), exactly the declared fields with exactly the declared Python types, and ``evidence``:
the sorted ids of the in-window evidence items behind it. The result depends only on the
framework, the settings and the review's content, never on the order of its evidence or tags.

Derivation is one pass over the in-window tags (``_Shown``), then counts over the fixed groups
of required statements a cached ``engine._fact_plan.Plan`` holds.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from itertools import chain, repeat

from engine._fact_plan import Group, Plan, Slot, StatementFacts, next_stage, plan_for
from engine.errors import NotFoundError
from engine.reviews import validate_review
from schemas.framework import Framework
from schemas.recommendation import ExcludedEvidence, LedgerRow
from schemas.review import (
    PROTECTED_ABSENCE,
    SOURCE_KIND_OF,
    AbsencePeriod,
    EvidenceItem,
    Review,
)
from schemas.ruleset import FactSettings

__all__ = [
    "TRIANGULATION",
    "CaseFacts",
    "StatementFacts",
    "derive_facts",
    "in_window",
    "next_stage",
]

TRIANGULATION = ("direct-observation", "quantitative-data", "peoples-views")
"""The evidence sources that count towards triangulation (``SOURCE_KIND_OF`` values)."""

_TRIANGULATION = frozenset(TRIANGULATION)

Fact = dict[str, object]
Mark = tuple[str, str, str]  # (polarity, evidence id, modality) of one in-window tag


@dataclass(frozen=True)
class CaseFacts:
    """The facts of one case, and the details explanations are written from."""

    facts: tuple[Fact, ...]
    statements: dict[str, StatementFacts]
    ledger: tuple[LedgerRow, ...]
    excluded: tuple[ExcludedEvidence, ...]
    required: dict[str, str]
    next_stage: str
    used: tuple[str, ...]

    def of_type(self, fact_type: str) -> tuple[Fact, ...]:
        """The facts of one type, in derivation order."""
        return tuple(f for f in self.facts if f["t"] == fact_type)

    def fact(self, fact_id: str) -> Fact:
        """The fact with ``fact_id`` (e.g. ``coverage``, ``standard:ts.1``)."""
        for found in self.facts:
            if found["id"] == fact_id:
                return found
        raise NotFoundError(f"no fact {fact_id!r}")


def derive_facts(framework: Framework, settings: FactSettings, review: Review) -> CaseFacts:
    """The facts of ``review`` (checked with ``validate_review``) under ``framework``."""
    if framework.stages and review.stage is None:
        validate_review(framework, review)  # raises InputError: missing-stage
    plan = plan_for(framework, settings, review.stage if framework.stages else None)
    start, end = review.cycle_start, review.cycle_end
    window = [item for item in review.evidence if start <= item.date <= end]
    excluded = _excluded(review) if len(window) < len(review.evidence) else ()
    shown = _Shown(plan, window)
    ledger = tuple(_ledger_row(shown, *stage) for stage in plan.ledger)
    return CaseFacts(
        facts=_all_facts(shown, review, ledger, len(excluded)),
        statements=shown.statements,
        ledger=ledger,
        excluded=excluded,
        required=dict(plan.required),
        next_stage=plan.next_stage,
        used=tuple(sorted(item.id for item in window)),
    )


def in_window(review: Review, date: dt.date) -> bool:
    """True when ``date`` falls in the review cycle, both ends included."""
    return review.cycle_start <= date <= review.cycle_end


class _Shown:
    """What one case's in-window tags show, per statement and summed for the fact builders."""

    def __init__(self, plan: Plan, window: list[EvidenceItem]) -> None:
        self.plan = plan
        self.window = window
        self.statements = dict(plan.blank)
        self.ids: dict[str, tuple[str, ...]] = {}  # tagged statement → its evidence ids
        self.met: set[str] = set()  # required statements met
        self.evidenced: set[str] = set()  # required statements shown as a strength
        self.concerned: set[str] = set()  # required statements with a concern
        self.by_rank: list[list[str]] = [[] for _ in plan.rank]  # required strengths' ids
        self.best: list[int] = [0] * len(plan.rank)  # required statements by best rank
        self.beyond: list[StatementFacts] = []  # next-stage statements shown as a strength
        marks, self.later = self._marks(window)
        for statement, found in marks.items():
            self._add(plan.slots[statement], found)

    def _marks(
        self, window: list[EvidenceItem]
    ) -> tuple[dict[str, list[Mark]], dict[str, set[str]]]:
        """In-scope statement → its in-window tags; and unit → evidence showing a later stage.

        Stages are cumulative: practice shown at a later stage's own modality in a unit shows
        the unit at this stage too, so the same evidence never meets a later stage's breadth
        and not an earlier one's (found by the cumulative-stages invariant).
        """
        slots, later, rank = self.plan.slots, self.plan.later, self.plan.rank
        marks: defaultdict[str, list[Mark]] = defaultdict(list)
        later_shown: dict[str, set[str]] = {}
        for item in window:
            eid = item.id
            for tag in item.tags:
                statement = tag.statement
                if statement in slots:
                    marks[statement].append((tag.polarity, eid, tag.modality))
                if statement in later:
                    unit, own = later[statement]
                    if tag.polarity == "strength" and rank[tag.modality] >= own:
                        later_shown.setdefault(unit, set()).add(eid)
        return marks, later_shown

    def _add(self, slot: Slot, found: list[Mark]) -> None:
        """Record one tagged statement: its ``StatementFacts`` and its part in the sums."""
        rank = self.plan.rank
        if len(found) == 1:  # the common case, without sorting or sets
            polarity, eid, modality = found[0]
            strength, concern = polarity == "strength", polarity == "concern"
            shown = ((eid, modality),) if strength else ()
            best = modality if strength else None
            best_rank = rank[modality] if strength else -1
            strengths = (eid,) if strength else ()
            concerns = (eid,) if concern else ()
        else:
            shown = tuple(sorted({(e, m) for p, e, m in found if p == "strength"}))
            concerns = tuple(sorted({e for p, e, _ in found if p == "concern"}))
            best_rank = max((rank[m] for _, m in shown), default=-1)
            best = self.plan.ladder[best_rank] if shown else None
            strengths = tuple(sorted({e for e, _ in shown}))
        required_rank = slot.required_rank
        met = required_rank >= 0 and best is not None and best_rank >= required_rank
        facts = _statement_facts(slot, best, met, shown, strengths, concerns)
        statement = facts.statement
        self.statements[statement] = facts
        self.ids[statement] = strengths + concerns
        if required_rank < 0:
            if best is not None:
                self.beyond.append(facts)
            return
        if met:
            self.met.add(statement)
        if concerns:
            self.concerned.add(statement)
        if best is not None:
            self.evidenced.add(statement)
            self.best[best_rank] += 1
            for eid, modality in shown:
                self.by_rank[rank[modality]].append(eid)

    def evidence(self, group: Group) -> set[str]:
        """The evidence ids tagged on the statements of ``group``."""
        return set(chain.from_iterable(map(self.ids.get, group.members, repeat(()))))

    def later_in(self, group: Group) -> dict[str, set[str]]:
        """Units of ``group`` where a later stage's practice is shown, with the evidence."""
        later = self.later
        return {unit: later[unit] for unit in later.keys() & group.units} if later else {}

    def units_met(self, group: Group, later: Collection[str] = ()) -> int:
        """Units of ``group`` with a met statement, or with a later stage's practice shown."""
        under = self.plan.under
        return len({under[s] for s in self.met & group.statements}.union(later))


_new = object.__new__


def _statement_facts(
    slot: Slot,
    best: str | None,
    met: bool,
    shown: tuple[tuple[str, str], ...],
    strengths: tuple[str, ...],
    concerns: tuple[str, ...],
) -> StatementFacts:
    """The same object ``StatementFacts(...)`` makes, filled directly: its generated
    ``__init__`` (a frozen dataclass sets each field through ``object.__setattr__``) was the
    largest single cost of a derivation."""
    facts: StatementFacts = _new(StatementFacts)
    fields = facts.__dict__
    fields.update(slot.fixed)
    fields["best"] = best
    fields["met"] = met
    fields["concern"] = bool(concerns)
    fields["shown"] = shown
    fields["strengths"] = strengths
    fields["concerns"] = concerns
    return facts


def _excluded(review: Review) -> tuple[ExcludedEvidence, ...]:
    """Evidence dated outside the cycle, by id, with why."""
    excluded = [
        ExcludedEvidence(id=item.id, date=item.date, reason=_why_excluded(review, item.date))
        for item in review.evidence
        if not in_window(review, item.date)
    ]
    return tuple(sorted(excluded, key=lambda e: e.id))


def _why_excluded(review: Review, date: dt.date) -> str:
    if date < review.cycle_start:
        return f"dated {date}, before the cycle started on {review.cycle_start}"
    return f"dated {date}, after the cycle ended on {review.cycle_end}"


def _ledger_row(shown: _Shown, group: Group, label: str, modality: str) -> LedgerRow:
    """One stage of the cumulative requirement: statements met of required, and the rest."""
    met = shown.met
    return LedgerRow(
        stage=group.key,
        label=label,
        modality=modality,
        required=len(group.members),
        met=len(met & group.statements),
        missing=tuple(s for s in group.members if s not in met),
    )


def _fact(fact_type: str, ident: str, evidence: Iterable[str], **fields: object) -> Fact:
    return {"t": fact_type, "id": ident, **fields, "evidence": sorted(set(evidence))}


def _ratio(part: int, whole: int) -> float:
    """``part / whole``, 0.0 when ``whole`` is 0."""
    return part / whole if whole else 0.0


def _float(fact: Fact, field: str) -> float:
    value = fact[field]
    assert isinstance(value, float)
    return value


def _all_facts(
    shown: _Shown, review: Review, ledger: tuple[LedgerRow, ...], excluded: int
) -> tuple[Fact, ...]:
    """Every derived fact, in a fixed order: by type, then framework order."""
    standards = [_standard_fact(shown, group, number) for group, number in shown.plan.standards]
    groups = (group for group, _, _ in shown.plan.ledger)
    ledger_facts = [_ledger_fact(shown, row, group) for row, group in zip(ledger, groups)]
    return (
        _review_fact(shown.plan, review),
        _coverage_fact(shown, standards, ledger_facts),
        *standards,
        *ledger_facts,
        *_modality_facts(shown),
        *(_level_fact(shown, group, rank) for group, rank in shown.plan.levels),
        _objectives_fact(shown, review),
        _beyond_fact(shown),
        _sufficiency_fact(shown.window, excluded),
        _circumstances_fact(review),
        _fact("conduct", "conduct", [], concern=review.conduct.concern),
    )


def _review_fact(plan: Plan, review: Review) -> Fact:
    stage = review.stage if plan.framework.stages else None
    return _fact(
        "review",
        "review",
        [],
        stage=stage or "",
        stage_rank=plan.stage_rank,
        appraiser_rating=review.appraiser_rating or "",
    )


def _coverage_fact(shown: _Shown, standards: list[Fact], ledger: list[Fact]) -> Fact:
    everything = shown.plan.everything
    later = shown.later_in(everything)
    tally = _tally(shown, everything, later)
    evidenced_units = {shown.plan.under[s] for s in shown.evidenced}
    return _fact(
        "coverage",
        "coverage",
        shown.evidence(everything).union(*later.values()),
        **tally,
        evidenced_ratio=_ratio(len(shown.evidenced), len(everything.members)),
        unit_evidenced_ratio=_ratio(len(evidenced_units.union(later)), len(everything.units)),
        min_stage_unit_ratio=min((_float(f, "unit_ratio") for f in ledger), default=1.0),
        standards=len(standards),
        standards_met=sum(f["met"] == f["required"] for f in standards),
        standards_with_concerns=sum(f["concerns"] != 0 for f in standards),
        min_standard_ratio=min((_float(f, "ratio") for f in standards), default=1.0),
        min_stage_ratio=min((_float(f, "ratio") for f in ledger), default=1.0),
    )


def _tally(shown: _Shown, group: Group, later: Collection[str] = ()) -> dict[str, object]:
    """Counts over a group of required statements; a unit is the node statements sit under,
    met when one of them is met or when practice of a later stage is shown in it (``later``)."""
    statements = group.statements
    required = len(group.members)
    met = len(shown.met & statements)
    units = len(group.units)
    units_met = shown.units_met(group, later)
    return {
        "required": required,
        "met": met,
        "evidenced": len(shown.evidenced & statements),
        "ratio": _ratio(met, required),
        "concerns": len(shown.concerned & statements),
        "units": units,
        "units_met": units_met,
        "unit_ratio": _ratio(units_met, units),
    }


def _standard_fact(shown: _Shown, group: Group, number: str) -> Fact:
    """A top-level standard with a required statement."""
    later = shown.later_in(group)
    return _fact(
        "standard",
        f"standard:{group.key}",
        shown.evidence(group).union(*later.values()),
        standard=group.key,
        number=number,
        **_tally(shown, group, later),
    )


def _ledger_fact(shown: _Shown, row: LedgerRow, group: Group) -> Fact:
    """A ledger row as a fact; a stage that requires nothing is wholly met (ratios 1.0)."""
    units = len(group.units)
    units_met = shown.units_met(group)
    empty = not group.members
    return _fact(
        "ledger",
        f"ledger:{row.stage}",
        shown.evidence(group),
        stage=row.stage,
        modality=row.modality,
        required=row.required,
        met=row.met,
        ratio=1.0 if empty else _ratio(row.met, row.required),
        units=units,
        units_met=units_met,
        unit_ratio=1.0 if empty else _ratio(units_met, units),
    )


def _modality_facts(shown: _Shown) -> list[Fact]:
    """Per modality: required statements shown as a strength at or above it."""
    required = len(shown.plan.everything.members)
    facts = []
    evidence: set[str] = set()
    count = 0
    for modality, rank in reversed(shown.plan.rank.items()):  # at or above: strongest first
        evidence.update(shown.by_rank[rank])
        count += shown.best[rank]
        facts.append(
            _fact(
                "modality",
                f"modality:{modality}",
                evidence,
                modality=modality,
                rank=rank,
                statements=count,
                ratio=_ratio(count, required),
            )
        )
    facts.reverse()
    return facts


def _level_fact(shown: _Shown, group: Group, rank: int) -> Fact:
    """A practice level carried by required statements (e.g. Wales)."""
    met = len(shown.met & group.statements)
    return _fact(
        "level",
        f"level:{group.key}",
        shown.evidence(group),
        level=group.key,
        rank=rank,
        required=len(group.members),
        met=met,
        ratio=_ratio(met, len(group.members)),
        concerns=len(shown.concerned & group.statements),
    )


def _objectives_fact(shown: _Shown, review: Review) -> Fact:
    """Objective outcomes; the evidence behind them is what they cite from within the cycle."""
    window = {item.id for item in shown.window}
    outcomes = [o.outcome for o in review.objectives]
    counts = {key: outcomes.count(key) for key in ("exceeded", "met", "partially-met", "not-met")}
    not_assessed = outcomes.count("not-assessed")
    assessed = len(outcomes) - not_assessed
    return _fact(
        "objectives",
        "objectives",
        (eid for o in review.objectives for eid in o.evidence if eid in window),
        count=len(outcomes),
        assessed=assessed,
        exceeded=counts["exceeded"],
        met=counts["met"],
        partially_met=counts["partially-met"],
        not_met=counts["not-met"],
        not_assessed=not_assessed,
        met_or_better_ratio=_ratio(counts["exceeded"] + counts["met"], assessed),
        exceeded_ratio=_ratio(counts["exceeded"], assessed),
    )


def _beyond_fact(shown: _Shown) -> Fact:
    """Strengths shown on the next stage's own statements (in scope, not required)."""
    group = shown.beyond
    evidence = {eid for s in group for eid in s.strengths}
    return _fact(
        "beyond",
        "beyond",
        evidence,
        next_stage=shown.plan.next_stage,
        statements=len(group),
        standards=len({s.standard for s in group}),
        source_kinds=_source_kinds(item for item in shown.window if item.id in evidence),
    )


def _source_kinds(items: Iterable[EvidenceItem]) -> int:
    """Distinct triangulation sources among ``items``."""
    return len({SOURCE_KIND_OF[i.kind] for i in items} & _TRIANGULATION)


def _sufficiency_fact(window: list[EvidenceItem], excluded: int) -> Fact:
    return _fact(
        "sufficiency",
        "sufficiency",
        (item.id for item in window),
        items=len(window),
        excluded=excluded,
        kinds=len({item.kind for item in window}),
        source_kinds=_source_kinds(window),
        recorders=len({item.recorded_by for item in window}),
        tags=sum(len(item.tags) for item in window),
    )


def _circumstances_fact(review: Review) -> Fact:
    """Absence in the cycle; a day of protected absence is never also counted as other."""
    absences = review.circumstances.absences
    protected = _days(review, (a for a in absences if a.type in PROTECTED_ABSENCE))
    other = _days(review, (a for a in absences if a.type not in PROTECTED_ABSENCE)) - protected
    cycle_days = (review.cycle_end - review.cycle_start).days + 1
    worked = cycle_days - len(protected)
    return _fact(
        "circumstances",
        "circumstances",
        [],
        protected_absence_days=len(protected),
        protected_absence=bool(protected),
        other_absence_days=len(other),
        cycle_days=cycle_days,
        worked_days=worked,
        worked_fraction=_ratio(worked, cycle_days),
        in_induction=review.circumstances.in_induction,
        in_capability=review.circumstances.in_capability,
        part_time_fraction=float(review.circumstances.part_time_fraction),
    )


def _days(review: Review, periods: Iterable[AbsencePeriod]) -> set[int]:
    """The days (ordinals) of ``periods`` inside the cycle; overlaps count once."""
    first, last = review.cycle_start.toordinal(), review.cycle_end.toordinal()
    days: set[int] = set()
    for period in periods:
        days.update(
            range(max(first, period.start.toordinal()), min(last, period.end.toordinal()) + 1)
        )
    return days
