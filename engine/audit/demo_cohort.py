"""A synthetic Hampshire cohort for demonstrating and testing the audit, with planted problems.

Schools of 25 teachers, two or three appraisers each, teachers across every career stage.
Each review is built to draw a chosen draft: the evidence meets (or falls short of) the stage's
cumulative requirement at the required modalities, with objectives and beyond-stage evidence to
match, so the final ratings can be set against known drafts. In a clean cohort every final is
the draft except for rare overrides (2% up, 2% down, each with a reason code and evidence) and
the ratings people give where the draft was a status. Planted problems (``Planted``): a lenient
appraiser, a severe appraiser, part-time teachers rated down, a maternity case rated Not met,
like cases rated differently, and overrides whose reasons cite no or out-of-cycle evidence.
ECTs are decided on the rule set's induction scale: their drafts and finals are chosen on the pay
scale, as for everyone, then carried onto the induction scale through the rule set's own map.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from engine.catalogue.stages import modality_rank, stage_requirement
from engine.catalogue.tree import TreeIndex
from engine.decide.rulesets import RuleSets
from engine.facts.derive import next_stage
from engine.rules.scales import OutcomeScale
from schemas.audit import CohortEntry
from schemas.framework import Framework
from schemas.reasons import REASON_LABELS, ReasonCode

__all__ = ["MIN_PLANTED_SIZE", "Planted", "demo_cohort"]

START, END = dt.date(2025, 9, 1), dt.date(2026, 7, 31)
SCHOOL_SIZE = 25
MIN_PLANTED_SIZE = 9 * SCHOOL_SIZE
"""Planting needs nine schools: two planted appraisers, a maternity case, three like pairs."""

STAGES = {"ect1": 7, "ect2": 7, "mpr": 36, "upr1": 18, "upr2-3": 20, "lp": 4, "adh": 8}
PAY_RANGE = {"ect1": "main", "ect2": "main", "mpr": "main", "upr1": "upper", "upr2-3": "upper"}
PAY_RANGE |= {"lp": "leading-practitioner", "adh": "leadership"}
ETHNICITY = {
    "white-british": 76,
    "white-other": 6,
    "asian": 6,
    "black": 3,
    "mixed": 3,
    "other": 2,
    "": 4,
}
AGE_BANDS = ("under-25", "25-34", "35-44", "45-54", "55-and-over")
OBJECTIVES = (
    "Raise attainment of disadvantaged pupils in the teacher's classes",
    "Embed retrieval practice across a unit of work",
    "Improve the quality of written feedback in books",
    "Lead a department CPD session on adaptive teaching",
    "Improve attendance of a target group through parental contact",
    "Develop questioning to check understanding in every lesson",
)
OVERRIDE_UP: tuple[ReasonCode, ...] = ("additional-evidence", "circumstances")
OVERRIDE_DOWN: tuple[ReasonCode, ...] = ("moderation", "evidence-weighting")


@dataclass(frozen=True)
class Planted:
    """What was planted, so tests (and a reader) can check the audit finds it."""

    lenient: str
    severe: str
    depressed: tuple[str, str]
    maternity: str
    like_cases: tuple[tuple[str, str], ...]
    no_evidence: tuple[str, ...]
    outside_cycle: tuple[str, ...]


@dataclass
class _Teacher:
    """One teacher being generated; ``band`` is the draft the evidence is built to draw."""

    index: int
    school: int
    appraiser: str
    stage: str
    band: str
    monitoring: dict[str, str]
    part_time: bool
    absence: dict[str, Any] | None = None
    capability: bool = False
    conduct: bool = False
    review: dict[str, Any] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"c{self.index:06d}"

    @property
    def subject(self) -> str:
        return f"t{self.school:04d}-{self.index % 1000:03d}"

    @property
    def draft(self) -> str:
        """The draft the review is built to draw: a rating, or a status."""
        if self.capability or self.conduct:
            return "needs_human_review"
        if self.absence and (self.absence["long"] or self.band == "not-met"):
            return "needs_human_review"
        return self.band


class _Builder:
    """Builds reviews for one framework's stages, with what depends on the stage cached."""

    def __init__(self, framework: Framework, rng: random.Random) -> None:
        self.framework = framework
        self.rng = rng
        self.rank = modality_rank(framework)
        self.modalities = [m.id for m in framework.modalities.levels]
        self.top = TreeIndex.of(framework).top
        sourced = [k for k in framework.evidence_kinds if k.source is not None]
        # One kind of each triangulation source first, so every review is triangulated; then
        # kinds drawn from every kind that belongs to a source.
        self.first_kinds = [
            next(k.id for k in sourced if k.source == source.id)
            for source in framework.evidence_sources
            if any(k.source == source.id for k in sourced)
        ]
        self.more_kinds = [k.id for k in sourced]

    @cached_property
    def units(self) -> dict[str, list[tuple[str, str, dict[str, list[str]]]]]:
        """Stage → per ledger stage: (stage, required modality, unit → its statements)."""
        found: dict[str, list[tuple[str, str, dict[str, list[str]]]]] = {}
        for stage in self.framework.stages:
            requirement = stage_requirement(self.framework, stage.id)
            rows = []
            for ledger_stage in requirement.stages:
                items = [i for i in requirement.items if i.from_stage == ledger_stage]
                by_unit: dict[str, list[str]] = {}
                for item in items:
                    by_unit.setdefault(item.under, []).append(item.statement)
                rows.append((ledger_stage, items[0].modality, by_unit))
            found[stage.id] = rows
        return found

    def tags(self, stage: str, share: float) -> list[dict[str, str]]:
        """One tag per unit per ledger stage for a ``share`` of all units, at the required
        modality; the other units shown one modality lower where there is one."""
        rows = self.units[stage]
        all_units = sorted({u for _, _, by_unit in rows for u in by_unit})
        chosen = set(self.rng.sample(all_units, _count(len(all_units), share)))
        tags = []
        for _, modality, by_unit in rows:
            lower = self.rank[modality] - 1
            for unit, statements in by_unit.items():
                statement = self.rng.choice(statements)
                if unit in chosen:
                    tags.append({"statement": statement, "modality": modality})
                elif lower >= 0 and self.rng.random() < 0.6:
                    tags.append({"statement": statement, "modality": self.modalities[lower]})
        return tags

    def beyond(self, stage: str) -> list[dict[str, str]]:
        """Four to seven statements of the next stage from at least three standards."""
        following = next_stage(self.framework, stage)
        statements = [s for s in self.framework.statements if s.stage == following]
        by_standard: dict[str, list[str]] = {}
        for s in statements:
            by_standard.setdefault(self.top[s.under].id, []).append(s.id)
        standards = self.rng.sample(sorted(by_standard), min(len(by_standard), 4))
        picked = [self.rng.choice(by_standard[std]) for std in standards]
        own = find_modality(self.framework, following)
        return [{"statement": s, "modality": own} for s in picked]

    def concern(self, stage: str) -> dict[str, str]:
        _, modality, by_unit = self.rng.choice(self.units[stage])
        statement = self.rng.choice(self.rng.choice(list(by_unit.values())))
        return {"statement": statement, "modality": modality, "polarity": "concern"}


def find_modality(framework: Framework, stage_id: str) -> str:
    return next(s.clause.own_modality for s in framework.stages if s.id == stage_id)


def _count(total: int, share: float) -> int:
    return max(0, min(total, round(total * share)))


Scales = Mapping[str | None, OutcomeScale]


def demo_cohort(
    framework: Framework,
    size: int,
    seed: int,
    *,
    plant: bool = True,
    scales: Scales | None = None,
) -> tuple[Iterator[CohortEntry], Planted | None]:
    """``size`` Hampshire cohort entries from ``seed`` (made lazily, so a large cohort streams
    to a file), and the planted problems if ``plant``. ``scales`` are the rule set's scales by
    stage (``CompiledRules.scales``; default: those of the framework's own rule set)."""
    if plant and size < MIN_PLANTED_SIZE:
        raise ValueError(f"a cohort with planted problems needs at least {MIN_PLANTED_SIZE}")
    if scales is None:
        scales = RuleSets().compiled(framework.id).scales
    rng = random.Random(seed)
    teachers = [_teacher(rng, i) for i in range(size)]
    planted = _plant(teachers) if plant else None
    return _entries(framework, rng, teachers, planted, scales), planted


def _entries(
    framework: Framework,
    rng: random.Random,
    teachers: list[_Teacher],
    planted: Planted | None,
    scales: Scales,
) -> Iterator[CohortEntry]:
    builder = _Builder(framework, rng)
    templates = {t: c for t, c in planted.like_cases} if planted else {}
    clones: dict[str, dict[str, Any]] = {}
    for teacher in teachers:
        if teacher.id in clones:
            _clone(teacher, clones.pop(teacher.id))
        else:
            teacher.review = _review(builder, rng, teacher)
        if teacher.id in templates:
            clones[templates[teacher.id]] = teacher.review
        scale = scales.get(teacher.stage, scales[None])
        yield CohortEntry.model_validate(_decide(rng, teacher, planted, scale))
        teacher.review = {}  # keep memory flat on large cohorts


def _teacher(rng: random.Random, index: int) -> _Teacher:
    school = index // SCHOOL_SIZE
    in_school = index % SCHOOL_SIZE
    appraisers = 2 + school % 2
    if school < 2:  # one appraiser (a1) sees four fifths of these schools' teachers
        slot = 1 if in_school % 5 else 2 + (in_school // 5) % (appraisers - 1)
    else:
        slot = 1 + in_school % appraisers
    stage = rng.choices(list(STAGES), weights=list(STAGES.values()))[0]
    part_time = rng.random() < 0.22
    teacher = _Teacher(
        index=index,
        school=school,
        appraiser=f"a{school:04d}-{slot}",
        stage=stage,
        band=_band(rng, stage),
        monitoring=_monitoring(rng, stage, part_time),
        part_time=part_time,
    )
    _circumstances(rng, teacher)
    return teacher


def _band(rng: random.Random, stage: str) -> str:
    roll = rng.random()
    if roll < 0.08:
        return "not-met"
    if roll < 0.12:
        return "insufficient_evidence"
    if roll < 0.22 and stage not in ("lp", "adh"):
        return "exceptional"
    return "achieved"


def _monitoring(rng: random.Random, stage: str, part_time: bool) -> dict[str, str]:
    early = stage in ("ect1", "ect2")
    ages = (40, 50, 8, 2, 0) if early else (2, 30, 32, 24, 12)
    return {
        "sex": rng.choices(("female", "male", "prefer-not-to-say"), (74, 25, 1))[0],
        "ethnicity": rng.choices(list(ETHNICITY), list(ETHNICITY.values()))[0],
        "disability": rng.choices(("no", "yes", ""), (90, 6, 4))[0],
        "age_band": rng.choices(AGE_BANDS, ages)[0],
        "working_pattern": "part-time" if part_time else "full-time",
        "fixed_term": "yes" if rng.random() < 0.08 else "no",
        "pay_range": PAY_RANGE[stage],
    }


def _circumstances(rng: random.Random, teacher: _Teacher) -> None:
    roll = rng.random()
    if roll < 0.03:
        teacher.monitoring["sex"] = "female"
        teacher.absence = _absence(rng, "maternity-parental")
    elif roll < 0.045:
        teacher.absence = _absence(rng, "disability-related")
        teacher.monitoring["disability"] = "yes"
    elif roll < 0.055:
        teacher.capability = True
    elif roll < 0.06:
        teacher.conduct = True


def _absence(rng: random.Random, kind: str, *, long: bool | None = None) -> dict[str, Any]:
    long = rng.random() < 0.25 if long is None else long
    days = rng.randint(220, 300) if long else rng.randint(60, 170)
    start = START + dt.timedelta(days=rng.randint(0, (END - START).days - days))
    return {"type": kind, "start": start, "end": start + dt.timedelta(days=days), "long": long}


def _review(builder: _Builder, rng: random.Random, teacher: _Teacher) -> dict[str, Any]:
    """A review built to draw ``teacher.band`` (before circumstances route it to a person)."""
    band, stage = teacher.band, teacher.stage
    share = rng.uniform(0.82, 1.0) if band != "not-met" else rng.uniform(0.52, 0.68)
    if band == "not-met" and rng.random() < 0.4:
        share = rng.uniform(0.82, 1.0)  # falls short on objectives instead
        outcomes = ["not-met", "not-met", rng.choice(("met", "partially-met"))]
    else:
        outcomes = _outcomes(rng, band)
    tags = builder.tags(stage, share)
    beyond = builder.beyond(stage) if band == "exceptional" else []
    if band in ("achieved", "not-met") and rng.random() < 0.15:
        tags.append(builder.concern(stage))
    items = rng.randint(2, 3) if band == "insufficient_evidence" else rng.randint(5, 9)
    evidence = _evidence(builder, teacher, tags, beyond, items)
    return {
        "framework": "hampshire",
        "subject": teacher.subject,
        "appraiser": teacher.appraiser,
        "cycle_start": START,
        "cycle_end": END,
        "stage": stage,
        "evidence": evidence,
        "objectives": _objectives(rng, outcomes, evidence),
        "circumstances": _review_circumstances(teacher),
        "conduct": {"concern": True, "note": "Recorded concern"} if teacher.conduct else {},
    }


def _outcomes(rng: random.Random, band: str) -> list[str]:
    if band == "exceptional":
        return ["exceeded", "exceeded", rng.choice(("met", "exceeded"))]
    count = rng.choice((2, 3, 3, 4))
    outcomes = ["met"] * count
    outcomes[-1] = rng.choice(("met", "exceeded", "partially-met"))
    return outcomes


def _evidence(
    builder: _Builder,
    teacher: _Teacher,
    tags: list[dict[str, str]],
    beyond: list[dict[str, str]],
    items: int,
) -> list[dict[str, Any]]:
    rng, first = builder.rng, builder.first_kinds
    kinds = [*first, *rng.choices(builder.more_kinds, k=max(0, items - len(first)))][:items]
    evidence: list[dict[str, Any]] = [
        {
            "id": f"e{i + 1}",
            "kind": kind,
            "date": START + dt.timedelta(days=rng.randint(10, (END - START).days - 10)),
            "recorded_by": teacher.appraiser if rng.random() < 0.8 else f"s{teacher.school}-hod",
            "tags": [],
        }
        for i, kind in enumerate(kinds)
    ]
    for tag in tags:
        rng.choice(evidence)["tags"].append(tag)
    for i, tag in enumerate(beyond):  # items 0 and 1 are of two sources (observation, data)
        evidence[i % 2]["tags"].append(tag)
    return evidence


def _objectives(
    rng: random.Random, outcomes: list[str], evidence: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    return [
        {
            "id": f"o{i + 1}",
            "text": rng.choice(OBJECTIVES),
            "standards": [f"ts.{rng.randint(1, 8)}"],
            "outcome": outcome,
            "evidence": [rng.choice(evidence)["id"]],
        }
        for i, outcome in enumerate(outcomes)
    ]


def _review_circumstances(teacher: _Teacher) -> dict[str, Any]:
    found: dict[str, Any] = {"in_capability": teacher.capability}
    if teacher.absence:
        found["absences"] = [{k: v for k, v in teacher.absence.items() if k != "long"}]
    if teacher.part_time:
        found["part_time_fraction"] = 0.6 if teacher.index % 2 else 0.8
    return found


def _ordinary(teacher: _Teacher) -> bool:
    return not (teacher.absence or teacher.capability or teacher.conduct or teacher.part_time)


def _plant(teachers: list[_Teacher]) -> Planted:
    """Choose who carries each planted problem and shape their cases to fit."""
    by_school: dict[int, list[_Teacher]] = {}
    for t in teachers:
        by_school.setdefault(t.school, []).append(t)
    mother = by_school[2][0]
    mother.band, mother.part_time = "achieved", False
    mother.capability = mother.conduct = False
    mother.monitoring |= {"sex": "female", "working_pattern": "full-time"}
    mother.absence = _absence(random.Random(mother.index), "maternity-parental", long=False)
    pairs = []
    for school in (3, 4, 5):
        # Not an ECT: Achieved and Exceptional are one induction outcome, so a like pair of
        # ECTs could not be rated differently the way the pair is planted.
        template = next(
            t
            for t in by_school[school][1:]
            if _ordinary(t) and t.stage not in ("adh", "ect1", "ect2")
        )
        template.band = "not-met" if school == 5 else "achieved"
        clone = next(t for t in by_school[school + 3][1:] if _ordinary(t))
        clone.stage, clone.band = template.stage, template.band
        clone.monitoring["pay_range"] = PAY_RANGE[clone.stage]
        pairs.append((template.id, clone.id))
    taken = {t for pair in pairs for t in pair}
    rationale = [
        next(t for t in by_school[s][1:] if _ordinary(t) and t.id not in taken) for s in (3, 4, 5)
    ]
    for t in rationale:
        t.band = "achieved"
    return Planted(
        lenient=f"a{0:04d}-1",
        severe=f"a{1:04d}-1",
        depressed=("working_pattern", "part-time"),
        maternity=mother.id,
        like_cases=tuple(pairs),
        no_evidence=(rationale[0].id, rationale[1].id),
        outside_cycle=(rationale[2].id,),
    )


def _clone(clone: _Teacher, template: dict[str, Any]) -> None:
    """Give the clone its template's evidence and objectives: equivalent facts."""
    clone.review = {**template, "subject": clone.subject, "appraiser": clone.appraiser}


def _decide(
    rng: random.Random, teacher: _Teacher, planted: Planted | None, scale: OutcomeScale
) -> dict[str, Any]:
    """The final rating a person gave, the reason code and reasons, as the cohort records, on
    the scale of the teacher's stage."""
    final, code = _clean_final(rng, teacher)
    if planted:
        final, code = _planted_final(rng, teacher, planted, final, code)
    evidence_ids = [e["id"] for e in teacher.review["evidence"] if e["tags"]]
    reasons: list[dict[str, Any]] = []
    if code:
        cited = rng.sample(evidence_ids, min(2, len(evidence_ids)))
        reasons = [{"text": f"{REASON_LABELS[code]}: discussed and recorded.", "evidence": cited}]
    if planted:
        reasons = _planted_reasons(teacher, planted, reasons)
    fav = final != "not-met"
    early = teacher.stage in ("ect1", "ect2")
    progression = "not-applicable" if early else ("awarded" if fav else "withheld")
    return {
        "id": teacher.id,
        "review": teacher.review,
        "final_rating": scale.level_of(final),
        "reason_code": code if scale.level_of(final) != scale.level_of(teacher.draft) else None,
        "progression": progression,
        "reasons": reasons,
        "monitoring": {k: v for k, v in teacher.monitoring.items() if v},
        "draft": _stored_draft(teacher.draft, scale),
    }


def _stored_draft(draft: str, scale: OutcomeScale) -> dict[str, Any]:
    """The draft the review was built to draw, stored as a decision record would hold it."""
    if draft in SCALE:
        return {"ruleset": "hampshire", "outcome": "rated", "rating": scale.level_of(draft)}
    return {"ruleset": "hampshire", "outcome": draft}


def _clean_final(rng: random.Random, teacher: _Teacher) -> tuple[str, ReasonCode | None]:
    draft = teacher.draft
    if draft == "needs_human_review":
        if teacher.absence:
            return "achieved", "circumstances"
        if teacher.capability:
            return rng.choice(("not-met", "not-met", "achieved")), "capability"
        return rng.choice(("achieved", "not-met")), "conduct"
    if draft == "insufficient_evidence":
        final = "achieved" if teacher.absence or rng.random() < 0.85 else "not-met"
        return final, "additional-evidence"
    if teacher.absence:  # the period worked is judged: never moved down
        return draft, None
    return _moved(rng, draft)


SCALE = ("not-met", "achieved", "exceptional")


def _moved(rng: random.Random, rating: str) -> tuple[str, ReasonCode | None]:
    """The draft, or rarely one step up or down with a reason code."""
    rank, roll = SCALE.index(rating), rng.random()
    if roll < 0.02 and rank < 2:
        return SCALE[rank + 1], rng.choice(OVERRIDE_UP)
    if roll > 0.98 and rank > 0:
        return SCALE[rank - 1], rng.choice(OVERRIDE_DOWN)
    return rating, None


def _planted_final(
    rng: random.Random, teacher: _Teacher, planted: Planted, final: str, code: ReasonCode | None
) -> tuple[str, ReasonCode | None]:
    draft = teacher.draft
    judged: ReasonCode = "evidence-weighting"
    if teacher.id == planted.maternity:
        return "not-met", judged
    if teacher.id in {clone for _, clone in planted.like_cases}:
        return ("achieved" if draft == "not-met" else "exceptional"), judged
    if teacher.id in {t for t, _ in planted.like_cases}:
        return draft, None
    if teacher.id in planted.no_evidence + planted.outside_cycle:
        return "not-met", judged
    if draft not in SCALE or teacher.absence:
        return final, code
    if teacher.appraiser == planted.lenient and rng.random() < 0.85 and draft != "exceptional":
        return SCALE[SCALE.index(draft) + 1], judged
    if teacher.appraiser == planted.severe and rng.random() < 0.85 and draft != "not-met":
        return SCALE[SCALE.index(draft) - 1], judged
    if teacher.part_time and draft != "not-met" and rng.random() < 0.55:
        return SCALE[SCALE.index(draft) - 1], judged
    return final, code


def _planted_reasons(
    teacher: _Teacher, planted: Planted, reasons: list[dict[str, Any]]
) -> list[dict[str, Any]]:
    if teacher.id == planted.no_evidence[0]:
        return [{"text": "Did not seem to meet expectations overall."}]
    if teacher.id == planted.no_evidence[1]:
        return []
    if teacher.id in planted.outside_cycle:
        teacher.review["evidence"].append(
            {
                "id": "e-prev",
                "kind": teacher.review["evidence"][0]["kind"],  # its first source (observation)
                "date": START - dt.timedelta(days=80),
                "recorded_by": teacher.appraiser,
                "tags": [],
            }
        )
        return [{"text": "Weak lesson observed last year.", "evidence": ["e-prev"]}]
    return reasons
