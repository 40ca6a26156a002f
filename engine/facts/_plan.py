"""What fact derivation needs that depends only on the framework, the stage and the settings.

A ``Plan`` is built once per (framework object, stage, required modality) and kept in a small
LRU cache, so deriving the facts of a case is one pass over its tags plus arithmetic over the
plan's fixed groups. Everything in a plan is read-only once built.
"""

from __future__ import annotations

from collections import OrderedDict
from dataclasses import dataclass
from typing import NamedTuple

from engine._validate import did_you_mean
from engine.catalogue.stages import ancestors, find_stage, modality_rank, stage_requirement
from engine.catalogue.tree import TreeIndex
from engine.errors import NotFoundError
from schemas.framework import Framework, Statement
from schemas.ruleset import FactSettings

__all__ = [
    "Fixed",
    "Group",
    "Plan",
    "StatementFacts",
    "next_stage",
    "plan_for",
    "required_modalities",
]


class StatementFacts(NamedTuple):
    """What the in-window evidence shows about one in-scope statement.

    ``required`` is the modality the stage requires it at, or ``None`` for a next-stage statement;
    ``met`` is shown as a strength at the modality its stage requires (for a next-stage statement,
    the modality the next stage requires it at: only then is it beyond-stage evidence).
    ``shown`` lists each strength as (evidence id, modality).
    A named tuple, not a frozen dataclass: a case builds one per tagged statement, and for a
    60-item review the dataclass's generated ``__init__`` alone took about 0.3 ms.
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


Fixed = tuple[str, str, str, str | None, str | None, str | None]
"""A statement's first six ``StatementFacts`` fields: statement, under … required."""

_NOTHING_SHOWN = (None, False, False, (), (), ())  # best, met, concern, shown, strengths, concerns


@dataclass(frozen=True, slots=True)
class Group:
    """Required statements counted together (a standard, a ledger stage, a level, or all).

    ``mask`` and ``unit_mask`` are its statements and units as bits (``Plan.bit``,
    ``Plan.unit_bits``): a case counts what a group holds with one ``&`` and a bit count.
    """

    key: str  # the standard, stage or level
    fact_id: str  # the id of its fact, e.g. standard:ts.1
    members: tuple[str, ...]  # statement ids, in framework order
    statements: frozenset[str]
    units: frozenset[str]  # the nodes its statements sit under
    mask: int
    unit_mask: int


@dataclass(frozen=True)
class Plan:
    """Everything about one framework, stage and settings that no case changes."""

    framework: Framework
    rank: dict[str, int]  # modality → strength, weakest 0, in ladder order
    ladder: tuple[str, ...]  # the modalities, weakest first
    required: dict[str, str]  # statement → required modality, in framework order
    next_stage: str
    stage_rank: int  # the review's stage in framework order; -1 without stages
    blank: dict[str, StatementFacts]  # in-scope statement → no evidence, in framework order
    fixed: dict[str, Fixed]  # in-scope statement → its StatementFacts fields evidence can't change
    needed: dict[str, int]  # in-scope statement → the rank that meets it (at its stage's modality)
    later: dict[str, tuple[str, int]]  # later-stage statement → (its unit, its stage's modality)
    under: dict[str, str]  # required statement → its unit
    touches: dict[str, tuple[str, ...]]  # required statement → the facts of its groups, by id
    groups: tuple[Group, ...]  # every group, each with its own bit in ``group_mask``
    group_mask: dict[str, int]  # required statement → the bits of the groups it is in
    bit: dict[str, int]  # required statement → its bit (in ``Group.mask``)
    unit_bits: dict[str, int]  # a unit of required statements → its bits (one per group)
    statement_units: dict[str, int]  # required statement → its unit's bit in each of its groups
    everything: Group  # every required statement
    standards: tuple[tuple[Group, str], ...]  # per top-level standard with one: (group, number)
    ledger: tuple[tuple[Group, str, str], ...]  # per ledger stage: (group, label, modality)
    levels: tuple[tuple[Group, int], ...]  # per practice level carried, ladder order: (.., rank)
    source_of: dict[str, str]  # evidence kind → the triangulation source it belongs to, if any


_PLANS: OrderedDict[tuple[int, str | None, str | None], Plan] = OrderedDict()
_PLANS_MAX = 64


def plan_for(framework: Framework, settings: FactSettings, stage: str | None) -> Plan:
    """The plan of ``stage``, built once per framework object, stage and settings.

    The key holds ``id(framework)``; that is safe because the cached plan keeps the framework
    alive (so the id cannot be reused while the entry exists) and a hit must be that very object.
    Frameworks are frozen models, so a plan never goes stale.
    """
    key = (id(framework), stage, settings.required_modality)
    plan = _PLANS.get(key)
    if plan is not None and plan.framework is framework:
        _PLANS.move_to_end(key)
        return plan
    plan = _build(framework, settings, stage)
    _PLANS[key] = plan
    if len(_PLANS) > _PLANS_MAX:
        _PLANS.popitem(last=False)
    return plan


def _build(framework: Framework, settings: FactSettings, stage: str | None) -> Plan:
    required, stages = required_modalities(framework, settings, stage)
    following = next_stage(framework, stage)
    rank = modality_rank(framework)
    tree = TreeIndex.of(framework)
    in_scope = [
        s for s in framework.statements if s.id in required or (following and s.stage == following)
    ]
    fixed = {s.id: _fixed(s, required.get(s.id), tree) for s in in_scope}
    chosen = [s for s in framework.statements if s.id in required]
    order = [s.id for s in framework.stages]
    later = _later(framework, stage)
    bits = _Bits(chosen)
    everything = bits.group("coverage", "", chosen)
    standards = tuple(
        (bits.group("standard", node.id, grouped), node.number or "")
        for node in framework.standards
        if (grouped := [s for s in chosen if tree.top[s.under].id == node.id])
    )
    ledger = tuple(_ledger_group(framework, required, rank, chosen, bits, sid) for sid in stages)
    levels = tuple(
        (bits.group("level", level, grouped), level_rank)
        for level, level_rank in rank.items()
        if (grouped := [s for s in chosen if s.level == level])
    )
    groups = [everything, *(g for g, _ in standards), *(g for g, _, _ in ledger)]
    groups += [g for g, _ in levels]
    group_bits = {g.fact_id: 1 << i for i, g in enumerate(groups)}
    touches = {s: tuple(g.fact_id for g in groups if s in g.statements) for s in required}
    return Plan(
        framework=framework,
        rank=rank,
        ladder=tuple(rank),
        required=required,
        next_stage=following,
        stage_rank=order.index(stage) if stage else -1,
        blank={sid: StatementFacts(*row, *_NOTHING_SHOWN) for sid, row in fixed.items()},
        fixed=fixed,
        needed=_needed(framework, required, following, rank, fixed),
        later=later,
        under={s.id: s.under for s in chosen},
        touches=touches,
        groups=tuple(groups),
        group_mask={s: sum(group_bits[f] for f in set(ids)) for s, ids in touches.items()},
        bit=bits.statement,
        unit_bits=bits.units,
        statement_units=bits.statement_units,
        everything=everything,
        standards=standards,
        ledger=ledger,
        levels=levels,
        source_of={k.id: k.source for k in framework.evidence_kinds if k.source is not None},
    )


def _fixed(statement: Statement, required: str | None, tree: TreeIndex) -> Fixed:
    top = tree.top[statement.under].id
    return (statement.id, statement.under, top, statement.stage, statement.level, required)


class _Bits:
    """Bits for groups: one per required statement, and one per unit of each group.

    A unit's bit is its own in each group, so the units met in a group are those of its own
    met statements (a unit holds statements of several ledger stages).
    """

    def __init__(self, chosen: list[Statement]) -> None:
        self.statement = {s.id: 1 << i for i, s in enumerate(chosen)}
        self.statement_units = dict.fromkeys(self.statement, 0)  # its unit's bit in each group
        self.units: dict[str, int] = {}  # unit → its bits in every group holding it
        self.count = 0

    def group(self, kind: str, key: str, statements: list[Statement]) -> Group:
        members = tuple(s.id for s in statements)
        units: dict[str, int] = dict.fromkeys((s.under for s in statements), 0)
        for unit in units:
            units[unit] = bit = 1 << self.count
            self.count += 1
            self.units[unit] = self.units.get(unit, 0) | bit
        for statement in statements:
            self.statement_units[statement.id] |= units[statement.under]
        return Group(
            key,
            f"{kind}:{key}" if key else kind,
            members,
            frozenset(members),
            frozenset(units),
            sum(self.statement[s] for s in members),
            sum(units.values()),
        )


def _ledger_group(
    framework: Framework,
    required: dict[str, str],
    rank: dict[str, int],
    chosen: list[Statement],
    bits: _Bits,
    stage_id: str,
) -> tuple[Group, str, str]:
    """A ledger stage: its required statements, label, and strongest required modality."""
    stage = find_stage(framework, stage_id)
    grouped = [s for s in chosen if s.stage == stage_id]
    modalities = [required[s.id] for s in grouped]
    modality = max(modalities, key=rank.__getitem__, default=stage.clause.own_modality)
    return bits.group("ledger", stage_id, grouped), stage.label, modality


def _needed(
    framework: Framework,
    required: dict[str, str],
    following: str,
    rank: dict[str, int],
    in_scope: dict[str, Fixed],
) -> dict[str, int]:
    """In-scope statement → the rank that meets it: the stage's required modality, or for a
    next-stage statement the modality the next stage requires (a statement shown *with support*
    is no evidence of a stage that asks for it *independently*)."""
    upcoming = stage_requirement(framework, following).items if following else ()
    later = {i.statement: rank[i.modality] for i in upcoming}
    return {
        sid: rank[required[sid]] if sid in required else later.get(sid, len(rank))
        for sid in in_scope
    }


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


def required_modalities(
    framework: Framework, settings: FactSettings, stage: str | None
) -> tuple[dict[str, str], tuple[str, ...]]:
    """Statement id → the modality a review at ``stage`` is judged against (framework order),
    and the ledger's stages: the stage's cumulative requirement, or, without stages, every
    statement at its practice level, else the rule set's required modality."""
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
