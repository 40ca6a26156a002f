"""Deterministic fact derivation: a checked review becomes the facts the rules engine matches.

Every fact is a dict with ``t`` (its type in ``engine.facts.contract.FACT_TYPES``), ``id``
(unique in the case), exactly the declared fields with exactly the declared Python types, and
``evidence``: the sorted ids of the in-window evidence items behind it. The result depends only on
the framework, the settings and the review's content, never on the order of its evidence or tags.

Derivation is one pass over the in-window tags (``_Marks``), the statements' facts built mostly
in bulk (``_Shown``), then counts over the fixed groups of required statements that a cached
``engine.facts._plan.Plan`` holds: each group's statements and units are bits there, so a count
is an ``&`` and a bit count rather than a set intersection.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, partial, reduce
from itertools import accumulate, chain, compress, filterfalse, repeat
from operator import add, and_, attrgetter, ge, itemgetter, or_

from engine._trusted import trusted
from engine.errors import NotFoundError
from engine.facts._plan import (
    Group,
    Plan,
    StatementFacts,
    next_stage,
    plan_for,
    required_modalities,
)
from engine.review.load import validate_review
from schemas.framework import Framework
from schemas.recommendation import ExcludedEvidence, LedgerRow
from schemas.review import (
    PROTECTED_ABSENCE,
    AbsencePeriod,
    EvidenceItem,
    Review,
    Tag,
)
from schemas.ruleset import FactSettings

__all__ = [
    "CaseFacts",
    "StatementFacts",
    "derive_facts",
    "in_window",
    "next_stage",
    "required_modalities",
]

_id = attrgetter("id")
_kind = attrgetter("kind")
_recorder = attrgetter("recorded_by")
_tags = attrgetter("tags")
_concern = itemgetter(StatementFacts._fields.index("concern"))  # by place: cheaper than by name
_first = itemgetter(0)
_second = itemgetter(1)

Fact = dict[str, object]
Shown = tuple[str, str]  # (evidence id, modality) of an in-window strength


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

    @cached_property
    def concerns(self) -> tuple[StatementFacts, ...]:
        """The required statements with a concern, in the order of ``statements``: few, found
        once per case for every explanation that lists them."""
        concerned = filter(_concern, self.statements.values())  # in C: few have a concern
        return tuple(f for f in concerned if f.required is not None)

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
        used=shown.used,
    )


def in_window(review: Review, date: dt.date) -> bool:
    """True when ``date`` falls in the review cycle, both ends included."""
    return review.cycle_start <= date <= review.cycle_end


class _Shown:
    """What one case's in-window tags show, per statement and summed for the fact builders.

    What depends on ``met`` is counted after construction (``counts``), from ``met`` itself.
    """

    def __init__(self, plan: Plan, window: list[EvidenceItem]) -> None:
        self.plan = plan
        self.window = window = sorted(window, key=_id)
        self.used = tuple(map(_id, window))
        self.repeats = len(set(self.used)) < len(self.used)  # only in an unchecked review
        self.marks = marks = _Marks(plan, window, self.used)
        self.statements = dict(plan.blank)
        self.met: set[str] = set()  # required statements met
        self.best: list[int] = []  # the rank of each required statement's best strength
        self.strengths: tuple[list[str], list[int]] = ([], [])  # ids and ranks of all strengths
        self.beyond: list[tuple[str, list[str]]] = []  # (standard, evidence) of next-stage
        # statements shown at the modality the next stage requires, with the evidence that does
        required = plan.everything.statements
        shown = required.intersection(marks.first).difference(marks.concerns)
        several = shown.intersection(marks.more)
        self._once(list(shown - several))
        self._several(list(several))
        for statement in (marks.first.keys() | marks.concerns.keys()) - shown:
            self._other(statement)
        self.evidenced = required.intersection(marks.first)  # required, shown as a strength
        self.concerned = required.intersection(marks.concerns)  # required, with a concern

    def _once(self, statements: list[str]) -> None:
        """Required statements shown once, without concern: most of them, so done in bulk.

        Each step maps a builtin over all of them, so no Python runs per statement.
        """
        plan = self.plan
        pairs = list(map(self.marks.first.__getitem__, statements))
        eids = list(map(_first, pairs))
        modalities = list(map(_second, pairs))
        ranks = list(map(plan.rank.__getitem__, modalities))
        met = list(map(ge, ranks, map(plan.needed.__getitem__, statements)))
        strengths = list(zip(eids, strict=True))  # one-tuples
        shown = zip(pairs, strict=True)  # one-tuples
        fields = zip(modalities, met, repeat(False), shown, strengths, repeat(()))
        self._keep(statements, fields, met, ranks, eids, ranks)

    def _several(self, statements: list[str]) -> None:
        """Required statements shown several times, without concern: in bulk, like ``_once``."""
        plan = self.plan
        shown = list(
            map(tuple, map(sorted, map(set, map(self.marks.more.__getitem__, statements))))
        )
        flat = list(chain.from_iterable(shown))  # every statement's strengths, one after another
        ends = list(accumulate(map(len, shown)))
        slices = list(map(slice, [0, *ends[:-1]], ends))  # each statement's part of ``flat``
        eids = list(map(_first, flat))
        strengths = list(map(tuple, map(dict.fromkeys, map(eids.__getitem__, slices))))
        ranks = list(map(plan.rank.__getitem__, map(_second, flat)))
        best = list(map(max, map(ranks.__getitem__, slices)))
        met = list(map(ge, best, map(plan.needed.__getitem__, statements)))
        fields = zip(
            map(plan.ladder.__getitem__, best), met, repeat(False), shown, strengths, repeat(())
        )
        self._keep(statements, fields, met, best, eids, ranks)

    def _keep(
        self,
        statements: list[str],
        fields: Iterable[tuple[object, ...]],
        met: list[bool],
        best: list[int],
        eids: list[str],
        ranks: list[int],
    ) -> None:
        """Record statements built in bulk: their facts (the plan's fixed part + ``fields``),
        which are met, each one's best rank, and every strength's evidence id and rank."""
        rows = map(add, map(self.plan.fixed.__getitem__, statements), fields)
        self.statements.update(zip(statements, map(_statement_facts, rows), strict=True))
        self.met.update(compress(statements, met))
        self.best += best
        self.strengths[0].extend(eids)
        self.strengths[1].extend(ranks)

    def _other(self, statement: str) -> None:
        """A statement with a concern, or of the next stage: one at a time, as they are few."""
        plan, marks = self.plan, self.marks
        if statement in marks.more:
            pairs = marks.more[statement]
        else:
            pairs = [marks.first[statement]] if statement in marks.first else []
        shown = tuple(sorted(set(pairs)))
        strengths = tuple(dict.fromkeys(map(_first, shown)))  # still sorted
        ranks = list(map(plan.rank.__getitem__, map(_second, shown)))
        concerns = tuple(sorted(set(marks.concerns.get(statement, ()))))
        best = max(ranks, default=-1)
        met = best >= plan.needed[statement]
        row = (
            plan.ladder[best] if shown else None,
            met,
            bool(concerns),
            shown,
            strengths,
            concerns,
        )
        facts = _statement_facts(plan.fixed[statement] + row)
        self.statements[statement] = facts
        if statement not in plan.required:
            if met:
                needed = plan.needed[statement]
                counted = [eid for (eid, _), r in zip(shown, ranks, strict=True) if r >= needed]
                self.beyond.append((facts.standard, counted))
            return
        if met:
            self.met.add(statement)
        if shown:
            self.best.append(best)
            self.strengths[0].extend(map(_first, shown))
            self.strengths[1].extend(ranks)

    def evidence(self, group: Group, later: dict[str, set[str]] | None = None) -> list[str]:
        """The evidence ids tagged on the statements of ``group`` (and ``later``), sorted."""
        found = self.marks.evidence.get(group.fact_id, [])
        if later or self.repeats:
            return sorted(set(found).union(*later.values()) if later else set(found))
        return found

    def later_in(self, group: Group) -> dict[str, set[str]]:
        """Units of ``group`` where a later stage's practice is shown, with the evidence."""
        later = self.marks.later
        return {unit: later[unit] for unit in group.units.intersection(later)} if later else {}

    @cached_property
    def counts(self) -> _Counts:
        """``met`` and the rest as bits, made once ``met`` is final."""
        return _Counts(self)


class _Counts:
    """A case's met, evidenced and concerned statements and its met units, as bits."""

    def __init__(self, shown: _Shown) -> None:
        plan = shown.plan
        bit = plan.bit.get
        self.met = sum(map(bit, shown.met, repeat(0)))
        self.evidenced = sum(map(bit, shown.evidenced, repeat(0)))
        self.concerned = sum(map(bit, shown.concerned, repeat(0)))
        self.units_met = reduce(or_, map(plan.statement_units.get, shown.met, repeat(0)), 0)
        self.later = reduce(or_, map(plan.unit_bits.get, shown.marks.later, repeat(0)), 0)

    def units(self, group: Group, later: bool = False) -> int:
        """Units of ``group`` with a met statement, or (``later``) a later stage's practice."""
        met = self.units_met | self.later if later else self.units_met
        return (met & group.unit_mask).bit_count()


class _Marks:
    """The in-window tags of one case, by statement: one pass over them.

    ``first`` holds each in-scope statement's first strength and ``more`` all of them for a
    statement shown more than once; ``concerns`` the ids of the evidence raising concerns;
    ``evidence`` the evidence behind each group's fact (items with a tag on its statements);
    ``later`` the units where a later stage's practice is shown, with that evidence. Stages are
    cumulative: practice shown at a later stage's own modality in a unit shows the unit at this
    stage too, so the same evidence never meets a later stage's breadth and not an earlier
    one's (found by the cumulative-stages invariant).
    """

    def __init__(self, plan: Plan, window: list[EvidenceItem], used: tuple[str, ...]) -> None:
        self.first: dict[str, Shown] = {}
        self.more: dict[str, list[Shown]] = {}
        self.concerns: dict[str, list[str]] = {}
        self.later: dict[str, set[str]] = {}
        group_mask, first, more = plan.group_mask, self.first, self.more
        masks = []  # per item: the bits of the groups its tags touch
        for item in window:  # in id order, so each fact's evidence comes out sorted
            eid = item.id
            mask = 0
            for tag in item.tags:
                # a model's fields live in its __dict__: one attribute lookup instead of three
                # (attribute access on models goes through pydantic's __getattr__ hook)
                fields = tag.__dict__
                statement = fields["statement"]
                groups = group_mask.get(statement)  # None: not required here
                if groups is not None:
                    mask |= groups
                elif not self._other(plan, eid, tag):
                    continue
                if fields["polarity"] != "strength":
                    self._concern(eid, tag)
                elif statement not in first:
                    first[statement] = (eid, fields["modality"])
                elif statement in more:
                    more[statement].append((eid, fields["modality"]))
                else:
                    more[statement] = [first[statement], (eid, fields["modality"])]
            masks.append(mask)
        self.evidence = _group_evidence(plan, used, masks)

    def _concern(self, eid: str, tag: Tag) -> None:
        if tag.polarity == "concern":
            self.concerns.setdefault(tag.statement, []).append(eid)

    def _other(self, plan: Plan, eid: str, tag: Tag) -> bool:
        """Note a tag on a statement no stage requires here; True when it is in scope."""
        later = plan.later.get(tag.statement)
        shown = tag.modality if tag.polarity == "strength" else None  # a concern shows no practice
        if later and shown is not None and plan.rank[shown] >= later[1]:
            self.later.setdefault(later[0], set()).add(eid)
        return tag.statement in plan.fixed


def _group_evidence(plan: Plan, used: tuple[str, ...], masks: list[int]) -> dict[str, list[str]]:
    """Each touched group's evidence ids, from the bits of the groups each item touches."""
    touched = reduce(or_, masks, 0)
    return {
        group.fact_id: list(compress(used, map(and_, masks, repeat(1 << index))))
        for index, group in enumerate(plan.groups)
        if touched >> index & 1
    }


_statement_facts = partial(tuple.__new__, StatementFacts)  # StatementFacts(*row), all in C


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
    return trusted(  # the stage's own id, label and modality, and the engine's counts
        LedgerRow,
        stage=group.key,
        label=label,
        modality=modality,
        required=len(group.members),
        met=(shown.counts.met & group.mask).bit_count(),
        missing=tuple(filterfalse(met.__contains__, group.members)),
    )


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
    """Every derived fact, in a fixed order: by type, then framework order.

    Facts are written out as dict displays, fields in their ``FACT_TYPES`` order, then
    ``evidence``: sorted, without repeats.
    """
    plan = shown.plan
    standards = [_standard_fact(shown, group, number) for group, number in plan.standards]
    groups = (group for group, _, _ in plan.ledger)
    stages = [_ledger_fact(shown, row, group) for row, group in zip(ledger, groups, strict=True)]
    return (
        _review_fact(plan, review),
        _coverage_fact(shown, standards, stages),
        *standards,
        *stages,
        *_modality_facts(shown),
        *(_level_fact(shown, group, rank) for group, rank in plan.levels),
        _objectives_fact(shown, review),
        _beyond_fact(shown),
        _sufficiency_fact(shown, excluded),
        _circumstances_fact(review),
        {"t": "conduct", "id": "conduct", "concern": review.conduct.concern, "evidence": []},
    )


def _review_fact(plan: Plan, review: Review) -> Fact:
    return {
        "t": "review",
        "id": "review",
        "stage": (review.stage if plan.framework.stages else None) or "",
        "stage_rank": plan.stage_rank,
        "appraiser_rating": review.appraiser_rating or "",
        "evidence": [],
    }


def _coverage_fact(shown: _Shown, standards: list[Fact], stages: list[Fact]) -> Fact:
    everything = shown.plan.everything
    later = shown.later_in(everything)
    required, units = len(everything.members), len(everything.units)
    met = len(shown.met)
    units_met = shown.counts.units(everything, later=True)
    evidenced_units = set(map(shown.plan.under.__getitem__, shown.evidenced)).union(later)
    return {
        "t": "coverage",
        "id": "coverage",
        "required": required,
        "met": met,
        "evidenced": len(shown.evidenced),
        "ratio": _ratio(met, required),
        "concerns": len(shown.concerned),
        "units": units,
        "units_met": units_met,
        "unit_ratio": _ratio(units_met, units),
        "evidenced_ratio": _ratio(len(shown.evidenced), required),
        "unit_evidenced_ratio": _ratio(len(evidenced_units), units),
        "min_stage_unit_ratio": min([_float(f, "unit_ratio") for f in stages], default=1.0),
        "standards": len(standards),
        "standards_met": sum([f["met"] == f["required"] for f in standards]),
        "standards_with_concerns": sum([f["concerns"] != 0 for f in standards]),
        "min_standard_ratio": min([_float(f, "ratio") for f in standards], default=1.0),
        "min_stage_ratio": min([_float(f, "ratio") for f in stages], default=1.0),
        "evidence": shown.evidence(everything, later),
    }


def _standard_fact(shown: _Shown, group: Group, number: str) -> Fact:
    """A top-level standard with a required statement."""
    counts, mask = shown.counts, group.mask
    later = shown.later_in(group)
    required, units = len(group.members), len(group.units)
    met = (counts.met & mask).bit_count()
    units_met = counts.units(group, later=True)
    return {
        "t": "standard",
        "id": group.fact_id,
        "standard": group.key,
        "number": number,
        "required": required,
        "met": met,
        "evidenced": (counts.evidenced & mask).bit_count(),
        "ratio": _ratio(met, required),
        "concerns": (counts.concerned & mask).bit_count(),
        "units": units,
        "units_met": units_met,
        "unit_ratio": _ratio(units_met, units),
        "evidence": shown.evidence(group, later),
    }


def _ledger_fact(shown: _Shown, row: LedgerRow, group: Group) -> Fact:
    """A ledger row as a fact; a stage that requires nothing is wholly met (ratios 1.0)."""
    units = len(group.units)
    units_met = shown.counts.units(group)
    empty = not group.members
    return {
        "t": "ledger",
        "id": group.fact_id,
        "stage": row.stage,
        "label": row.label,
        "modality": row.modality,
        "required": row.required,
        "met": row.met,
        "ratio": 1.0 if empty else _ratio(row.met, row.required),
        "units": units,
        "units_met": units_met,
        "unit_ratio": 1.0 if empty else _ratio(units_met, units),
        "evidence": shown.evidence(group),
    }


def _modality_facts(shown: _Shown) -> list[Fact]:
    """Per modality: required statements shown as a strength at or above it."""
    required = len(shown.plan.everything.members)
    by_rank: list[list[str]] = [[] for _ in shown.plan.ladder]
    for eid, rank in zip(*shown.strengths, strict=True):
        by_rank[rank].append(eid)
    best = Counter(shown.best)
    evidence: set[str] = set()
    count = 0
    facts = []
    for modality, rank in reversed(shown.plan.rank.items()):  # at or above: strongest first
        evidence.update(by_rank[rank])
        count += best[rank]
        facts.append(
            {
                "t": "modality",
                "id": f"modality:{modality}",
                "modality": modality,
                "rank": rank,
                "statements": count,
                "ratio": _ratio(count, required),
                "evidence": sorted(evidence),
            }
        )
    facts.reverse()
    return facts


def _level_fact(shown: _Shown, group: Group, rank: int) -> Fact:
    """A practice level carried by required statements (e.g. Wales)."""
    counts = shown.counts
    met = (counts.met & group.mask).bit_count()
    return {
        "t": "level",
        "id": group.fact_id,
        "level": group.key,
        "rank": rank,
        "required": len(group.members),
        "met": met,
        "ratio": _ratio(met, len(group.members)),
        "concerns": (counts.concerned & group.mask).bit_count(),
        "evidence": shown.evidence(group),
    }


def _objectives_fact(shown: _Shown, review: Review) -> Fact:
    """Objective outcomes; the evidence behind them is what they cite from within the cycle."""
    outcomes = [o.outcome for o in review.objectives]
    counts = {key: outcomes.count(key) for key in ("exceeded", "met", "partially-met", "not-met")}
    not_assessed = outcomes.count("not-assessed")
    assessed = len(outcomes) - not_assessed
    return {
        "t": "objectives",
        "id": "objectives",
        "count": len(outcomes),
        "assessed": assessed,
        "exceeded": counts["exceeded"],
        "met": counts["met"],
        "partially_met": counts["partially-met"],
        "not_met": counts["not-met"],
        "not_assessed": not_assessed,
        "met_or_better_ratio": _ratio(counts["exceeded"] + counts["met"], assessed),
        "exceeded_ratio": _ratio(counts["exceeded"], assessed),
        "evidence": sorted(
            {e for o in review.objectives for e in o.evidence}.intersection(shown.used)
        ),
    }


def _beyond_fact(shown: _Shown) -> Fact:
    """Strengths shown on the next stage's own statements (in scope, not required) at the
    modality the next stage requires; a weaker strength is no evidence of that stage."""
    group = shown.beyond
    evidence = {eid for _, counted in group for eid in counted}
    return {
        "t": "beyond",
        "id": "beyond",
        "next_stage": shown.plan.next_stage,
        "statements": len(group),
        "standards": len({standard for standard, _ in group}),
        "source_kinds": _sources(shown.plan, {i.kind for i in shown.window if i.id in evidence}),
        "evidence": sorted(evidence),
    }


def _sources(plan: Plan, kinds: set[str]) -> int:
    """Distinct triangulation sources the evidence ``kinds`` belong to (the framework says)."""
    source_of = plan.source_of
    return len({source_of[kind] for kind in kinds if kind in source_of})


def _sufficiency_fact(shown: _Shown, excluded: int) -> Fact:
    window = shown.window
    kinds = set(map(_kind, window))
    return {
        "t": "sufficiency",
        "id": "sufficiency",
        "items": len(window),
        "excluded": excluded,
        "kinds": len(kinds),
        "source_kinds": _sources(shown.plan, kinds),
        "recorders": len(set(map(_recorder, window))),
        "tags": sum(map(len, map(_tags, window))),
        "evidence": sorted(set(shown.used)),
    }


def _circumstances_fact(review: Review) -> Fact:
    """Absence in the cycle; a day of protected absence is never also counted as other."""
    circumstances = review.circumstances
    absences = circumstances.absences
    protected = _days(review, (a for a in absences if a.type in PROTECTED_ABSENCE))
    other = _days(review, (a for a in absences if a.type not in PROTECTED_ABSENCE)) - protected
    cycle_days = (review.cycle_end - review.cycle_start).days + 1
    worked = cycle_days - len(protected)
    return {
        "t": "circumstances",
        "id": "circumstances",
        "protected_absence_days": len(protected),
        "protected_absence": bool(protected),
        "other_absence_days": len(other),
        "cycle_days": cycle_days,
        "worked_days": worked,
        "worked_fraction": _ratio(worked, cycle_days),
        "in_induction": circumstances.in_induction,
        "in_capability": circumstances.in_capability,
        "part_time_fraction": float(circumstances.part_time_fraction),
        "evidence": [],
    }


def _days(review: Review, periods: Iterable[AbsencePeriod]) -> set[int]:
    """The days (ordinals) of ``periods`` inside the cycle; overlaps count once."""
    first, last = review.cycle_start.toordinal(), review.cycle_end.toordinal()
    days: set[int] = set()
    for period in periods:
        days.update(
            range(max(first, period.start.toordinal()), min(last, period.end.toordinal()) + 1)
        )
    return days
