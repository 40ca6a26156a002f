"""Deterministic fact derivation: a checked review becomes the facts the rules engine matches.

Every fact is a dict with ``t`` (its type in ``engine.fact_types.FACT_TYPES``), ``id`` (unique in
the case), exactly the declared fields with exactly the declared Python types, and ``evidence``:
the sorted ids of the in-window evidence items behind it. The result depends only on the
framework, the settings and the review's content, never on the order of its evidence or tags.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass

from engine._validate import did_you_mean
from engine.errors import NotFoundError
from engine.reviews import validate_review
from engine.stages import ancestors, find_stage, modality_rank, stage_requirement
from engine.tree import TreeIndex
from schemas.framework import Framework, Statement
from schemas.recommendation import ExcludedEvidence, LedgerRow
from schemas.review import (
    PROTECTED_ABSENCE,
    SOURCE_KIND_OF,
    AbsencePeriod,
    EvidenceItem,
    Review,
    Tag,
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

Fact = dict[str, object]


@dataclass(frozen=True, slots=True)
class StatementFacts:
    """What the in-window evidence shows about one in-scope statement.

    ``required`` is the modality the stage requires it at, or ``None`` for a next-stage statement
    (which is then never ``met``). ``shown`` lists each strength as (evidence id, modality).
    """

    statement: str
    under: str
    standard: str
    stage: str | None
    level: str | None
    required: str | None
    best: str | None
    met: bool
    concern: bool
    shown: tuple[tuple[str, str], ...]
    strengths: tuple[str, ...]
    concerns: tuple[str, ...]

    @property
    def evidenced(self) -> bool:
        """Shown as a strength at any modality."""
        return self.best is not None

    @property
    def evidence(self) -> tuple[str, ...]:
        """Every in-window evidence id tagged on it, strength or concern."""
        return tuple(sorted({*self.strengths, *self.concerns}))


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


@dataclass(frozen=True)
class _Scope:
    """What depends only on the framework, the stage and the settings: cached across cases."""

    rank: dict[str, int]
    required: dict[str, str]
    stages: tuple[str, ...]
    next_stage: str
    blank: dict[str, StatementFacts]
    later: dict[str, tuple[str, int]]  # later-stage statement → (its unit, its stage's modality)


@dataclass(frozen=True)
class _Case:
    """What every fact builder needs, computed once per case."""

    framework: Framework
    review: Review
    scope: _Scope
    window: tuple[EvidenceItem, ...]
    statements: dict[str, StatementFacts]
    required: tuple[StatementFacts, ...]
    later_units: dict[str, tuple[str, ...]]  # unit → evidence showing a later stage's practice


_SCOPES: dict[tuple[int, str | None, str | None], tuple[Framework, _Scope]] = {}
_SCOPES_MAX = 256


def derive_facts(framework: Framework, settings: FactSettings, review: Review) -> CaseFacts:
    """The facts of ``review`` (checked with ``validate_review``) under ``framework``."""
    case = _case(framework, settings, review)
    ledger = _ledger(case)
    excluded = _excluded(review)
    return CaseFacts(
        facts=_all_facts(case, ledger, len(excluded)),
        statements=case.statements,
        ledger=ledger,
        excluded=excluded,
        required=dict(case.scope.required),
        next_stage=case.scope.next_stage,
        used=tuple(sorted(item.id for item in case.window)),
    )


def _case(framework: Framework, settings: FactSettings, review: Review) -> _Case:
    if framework.stages and review.stage is None:
        validate_review(framework, review)  # raises InputError: missing-stage
    scope = _cached_scope(framework, settings, review.stage if framework.stages else None)
    window = tuple(item for item in review.evidence if in_window(review, item.date))
    statements = dict(scope.blank)
    for statement_id, marks in _marks(window, scope.blank).items():
        statements[statement_id] = _statement(scope.blank[statement_id], marks, scope.rank)
    required = tuple(s for s in statements.values() if s.required is not None)
    return _Case(
        framework, review, scope, window, statements, required, _later_units(scope, window)
    )


def _later_units(scope: _Scope, window: Iterable[EvidenceItem]) -> dict[str, tuple[str, ...]]:
    """Units in which a statement of a later stage is shown at that stage's own modality.

    Stages are cumulative: practice shown at a later stage's level in a unit shows the unit at
    this stage too, so the same evidence never meets a later stage's breadth and not an
    earlier one's (found by the cumulative-stages invariant).
    """
    shown: dict[str, set[str]] = {}
    for item in window:
        for tag in item.tags:
            later = scope.later.get(tag.statement)
            if later and tag.polarity == "strength" and scope.rank[tag.modality] >= later[1]:
                shown.setdefault(later[0], set()).add(item.id)
    return {unit: tuple(sorted(ids)) for unit, ids in shown.items()}


def _cached_scope(framework: Framework, settings: FactSettings, stage: str | None) -> _Scope:
    """The scope of ``stage``, computed once per framework object, stage and settings."""
    key = (id(framework), stage, settings.required_modality)
    hit = _SCOPES.get(key)
    if hit is not None and hit[0] is framework:
        return hit[1]
    if len(_SCOPES) >= _SCOPES_MAX:
        _SCOPES.clear()
    scope = _scope(framework, settings, stage)
    _SCOPES[key] = (framework, scope)
    return scope


def _scope(framework: Framework, settings: FactSettings, stage: str | None) -> _Scope:
    required, stages = _requirement(framework, settings, stage)
    following = next_stage(framework, stage)
    tree = TreeIndex.of(framework)
    blank = {
        s.id: _blank(s, required.get(s.id), tree)
        for s in framework.statements
        if s.id in required or (following and s.stage == following)
    }
    return _Scope(
        modality_rank(framework), required, stages, following, blank, _later(framework, stage)
    )


def _later(framework: Framework, stage: str | None) -> dict[str, tuple[str, int]]:
    """Statements of the stages that build on ``stage``, with their unit and own modality."""
    if stage is None:
        return {}
    rank = modality_rank(framework)
    own = {
        s.id: rank[s.clause.own_modality]
        for s in framework.stages
        if stage in ancestors(framework, s.id)
    }
    return {s.id: (s.under, own[s.stage]) for s in framework.statements if s.stage in own}


def _requirement(
    framework: Framework, settings: FactSettings, stage: str | None
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Statement id → required modality (framework order), and the ledger's stages."""
    if stage is not None:
        requirement = stage_requirement(framework, stage)
        return {i.statement: i.modality for i in requirement.items}, requirement.stages
    default = _default_modality(framework, settings)
    return {s.id: s.level or default for s in framework.statements}, ()


def _default_modality(framework: Framework, settings: FactSettings) -> str:
    """``settings.required_modality``, else the weakest modality."""
    known = [m.id for m in framework.modalities.levels]
    chosen = settings.required_modality or known[0]
    if chosen not in known:
        hint = did_you_mean(chosen, known)
        raise NotFoundError(f"framework {framework.id!r} has no modality {chosen!r}{hint}")
    return chosen


def next_stage(framework: Framework, stage: str | None) -> str:
    """The first later stage that builds on ``stage``, directly or not; "" when none."""
    if stage is None or not framework.stages:
        return ""
    order = [s.id for s in framework.stages]
    for later in order[order.index(stage) + 1 :]:
        if stage in ancestors(framework, later):
            return later
    return ""


def in_window(review: Review, date: dt.date) -> bool:
    """True when ``date`` falls in the review cycle, both ends included."""
    return review.cycle_start <= date <= review.cycle_end


def _marks(
    window: Iterable[EvidenceItem], scope: Collection[str]
) -> dict[str, list[tuple[Tag, str]]]:
    """In-scope statement id → its in-window tags, each with the evidence id it came from."""
    marks: dict[str, list[tuple[Tag, str]]] = {}
    for item in window:
        for tag in item.tags:
            if tag.statement in scope:
                marks.setdefault(tag.statement, []).append((tag, item.id))
    return marks


def _blank(statement: Statement, required: str | None, tree: TreeIndex) -> StatementFacts:
    """A statement with no in-window evidence."""
    return StatementFacts(
        statement=statement.id,
        under=statement.under,
        standard=tree.top[statement.under].id,
        stage=statement.stage,
        level=statement.level,
        required=required,
        best=None,
        met=False,
        concern=False,
        shown=(),
        strengths=(),
        concerns=(),
    )


def _statement(
    blank: StatementFacts, marks: list[tuple[Tag, str]], rank: dict[str, int]
) -> StatementFacts:
    """``blank`` with what its in-window tags show."""
    shown = sorted({(eid, t.modality) for t, eid in marks if t.polarity == "strength"})
    concerns = sorted({eid for t, eid in marks if t.polarity == "concern"})
    best = max((m for _, m in shown), key=rank.__getitem__, default=None)
    required = blank.required
    return StatementFacts(
        statement=blank.statement,
        under=blank.under,
        standard=blank.standard,
        stage=blank.stage,
        level=blank.level,
        required=required,
        best=best,
        met=required is not None and best is not None and rank[best] >= rank[required],
        concern=bool(concerns),
        shown=tuple(shown),
        strengths=tuple(sorted({eid for eid, _ in shown})),
        concerns=tuple(concerns),
    )


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


def _ledger(case: _Case) -> tuple[LedgerRow, ...]:
    """One row per stage of the cumulative requirement, in framework order."""
    return tuple(_ledger_row(case, stage) for stage in case.scope.stages)


def _ledger_row(case: _Case, stage_id: str) -> LedgerRow:
    stage = find_stage(case.framework, stage_id)
    group = [s for s in case.required if s.stage == stage_id]
    modalities = [s.required for s in group if s.required is not None]
    modality = max(modalities, key=case.scope.rank.__getitem__, default=stage.clause.own_modality)
    return LedgerRow(
        stage=stage_id,
        label=stage.label,
        modality=modality,
        required=len(group),
        met=sum(s.met for s in group),
        missing=tuple(s.statement for s in group if not s.met),
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


def _evidence_of(group: Iterable[StatementFacts]) -> list[str]:
    return sorted({eid for s in group for ids in (s.strengths, s.concerns) for eid in ids})


def _all_facts(case: _Case, ledger: tuple[LedgerRow, ...], excluded: int) -> tuple[Fact, ...]:
    """Every derived fact, in a fixed order: by type, then framework order."""
    standards = _standard_facts(case)
    ledger_facts = [_ledger_fact(case, row) for row in ledger]
    return (
        _review_fact(case),
        _coverage_fact(case, standards, ledger_facts),
        *standards,
        *ledger_facts,
        *_modality_facts(case),
        *_level_facts(case),
        _objectives_fact(case),
        _beyond_fact(case),
        _sufficiency_fact(case, excluded),
        _circumstances_fact(case.review),
        _fact("conduct", "conduct", [], concern=case.review.conduct.concern),
    )


def _review_fact(case: _Case) -> Fact:
    stage = case.review.stage if case.framework.stages else None
    order = [s.id for s in case.framework.stages]
    return _fact(
        "review",
        "review",
        [],
        stage=stage or "",
        stage_rank=order.index(stage) if stage else -1,
        appraiser_rating=case.review.appraiser_rating or "",
    )


def _coverage_fact(case: _Case, standards: Sequence[Fact], ledger: Sequence[Fact]) -> Fact:
    later = _later_in(case, case.required)
    tally = _tally(case.required, later)
    return _fact(
        "coverage",
        "coverage",
        [*_evidence_of(case.required), *(e for ids in later.values() for e in ids)],
        **tally,
        evidenced_ratio=_ratio(sum(s.evidenced for s in case.required), len(case.required)),
        unit_evidenced_ratio=_ratio(
            len({s.under for s in case.required if s.evidenced} | set(later)),
            int(str(tally["units"])),
        ),
        min_stage_unit_ratio=min((_float(f, "unit_ratio") for f in ledger), default=1.0),
        standards=len(standards),
        standards_met=sum(f["met"] == f["required"] for f in standards),
        standards_with_concerns=sum(f["concerns"] != 0 for f in standards),
        min_standard_ratio=min((_float(f, "ratio") for f in standards), default=1.0),
        min_stage_ratio=min((_float(f, "ratio") for f in ledger), default=1.0),
    )


def _later_in(case: _Case, group: Sequence[StatementFacts]) -> dict[str, tuple[str, ...]]:
    """``case.later_units`` restricted to the units of ``group``."""
    units = {s.under for s in group}
    return {unit: ids for unit, ids in case.later_units.items() if unit in units}


def _tally(group: Sequence[StatementFacts], later: Collection[str] = ()) -> dict[str, object]:
    """Counts over a group of required statements; a unit is the node statements sit under,
    met when one of them is met or when practice of a later stage is shown in it (``later``)."""
    met = sum(s.met for s in group)
    units = len({s.under for s in group})
    units_met = len({s.under for s in group if s.met} | set(later))
    return {
        "required": len(group),
        "met": met,
        "evidenced": sum(s.evidenced for s in group),
        "ratio": _ratio(met, len(group)),
        "concerns": sum(s.concern for s in group),
        "units": units,
        "units_met": units_met,
        "unit_ratio": _ratio(units_met, units),
    }


def _pick(tally: dict[str, object], *fields: str) -> dict[str, object]:
    return {field: tally[field] for field in fields}


def _standard_facts(case: _Case) -> list[Fact]:
    """One fact per top-level standard with a required statement, in tree order."""
    groups: dict[str, list[StatementFacts]] = {}
    for s in case.required:
        groups.setdefault(s.standard, []).append(s)
    facts = []
    for node in case.framework.standards:
        group = groups.get(node.id, [])
        if group:
            later = _later_in(case, group)
            facts.append(_standard_fact(node.id, node.number or "", group, later))
    return facts


def _standard_fact(
    node_id: str, number: str, group: list[StatementFacts], later: dict[str, tuple[str, ...]]
) -> Fact:
    return _fact(
        "standard",
        f"standard:{node_id}",
        [*_evidence_of(group), *(e for ids in later.values() for e in ids)],
        standard=node_id,
        number=number,
        **_tally(group, later),
    )


def _ledger_fact(case: _Case, row: LedgerRow) -> Fact:
    """A ledger row as a fact; a stage that requires nothing is wholly met (ratios 1.0)."""
    group = [s for s in case.required if s.stage == row.stage]
    tally = _tally(group) if group else {**_tally(group), "ratio": 1.0, "unit_ratio": 1.0}
    return _fact(
        "ledger",
        f"ledger:{row.stage}",
        _evidence_of(group),
        stage=row.stage,
        modality=row.modality,
        **_pick(tally, "required", "met", "ratio", "units", "units_met", "unit_ratio"),
    )


def _modality_facts(case: _Case) -> list[Fact]:
    """Per modality: required statements shown as a strength at or above it."""
    group = case.required
    facts = []
    for modality, rank in case.scope.rank.items():
        shown = {
            (s.statement, eid) for s in group for eid, m in s.shown if case.scope.rank[m] >= rank
        }
        count = len({statement for statement, _ in shown})
        facts.append(
            _fact(
                "modality",
                f"modality:{modality}",
                (eid for _, eid in shown),
                modality=modality,
                rank=rank,
                statements=count,
                ratio=_ratio(count, len(group)),
            )
        )
    return facts


def _level_facts(case: _Case) -> list[Fact]:
    """Per practice level carried by required statements (e.g. Wales), in ladder order."""
    groups: dict[str, list[StatementFacts]] = {}
    for s in case.required:
        if s.level is not None:
            groups.setdefault(s.level, []).append(s)
    return [
        _level_fact(level, rank, groups[level])
        for level, rank in case.scope.rank.items()
        if level in groups
    ]


def _level_fact(level: str, rank: int, group: list[StatementFacts]) -> Fact:
    return _fact(
        "level",
        f"level:{level}",
        _evidence_of(group),
        level=level,
        rank=rank,
        **_pick(_tally(group), "required", "met", "ratio", "concerns"),
    )


def _objectives_fact(case: _Case) -> Fact:
    """Objective outcomes; the evidence behind them is what they cite from within the cycle."""
    review = case.review
    window = {item.id for item in case.window}
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


def _beyond_fact(case: _Case) -> Fact:
    """Strengths shown on the next stage's own statements (in scope, not required)."""
    group = [s for s in case.statements.values() if s.required is None and s.evidenced]
    evidence = {eid for s in group for eid in s.strengths}
    return _fact(
        "beyond",
        "beyond",
        evidence,
        next_stage=case.scope.next_stage,
        statements=len(group),
        standards=len({s.standard for s in group}),
        source_kinds=_source_kinds(item for item in case.window if item.id in evidence),
    )


def _source_kinds(items: Iterable[EvidenceItem]) -> int:
    """Distinct triangulation sources among ``items``."""
    return len({SOURCE_KIND_OF[i.kind] for i in items} & set(TRIANGULATION))


def _sufficiency_fact(case: _Case, excluded: int) -> Fact:
    window = case.window
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
