"""The fact plan: what derivation precomputes per framework, stage and settings, and its cache."""

from __future__ import annotations

import functools
import operator

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.catalogue.stages import stage_requirement
from engine.facts import _plan as _fact_plan
from engine.facts._plan import Plan, plan_for
from schemas.framework import Framework
from schemas.ruleset import FactSettings

CATALOGUE = Catalogue()
HAMPSHIRE = CATALOGUE["hampshire"]
WALES = CATALOGUE["wales-leaders"]


def test_a_plan_is_reused_for_the_same_framework_object_stage_and_settings() -> None:
    first = plan_for(HAMPSHIRE, FactSettings(), "mpr")
    assert plan_for(HAMPSHIRE, FactSettings(), "mpr") is first
    assert plan_for(HAMPSHIRE, FactSettings(), "ect1") is not first


def test_an_equal_but_distinct_framework_object_gets_its_own_plan() -> None:
    copy = Framework.model_validate(HAMPSHIRE.model_dump())
    original = plan_for(HAMPSHIRE, FactSettings(), "mpr")
    other = plan_for(copy, FactSettings(), "mpr")
    assert other is not original
    assert other.framework is copy
    assert other.required == original.required


def test_the_cache_stays_bounded_and_keeps_the_latest_plans() -> None:
    settings = [FactSettings(required_modality=m.id) for m in WALES.modalities.levels]
    copies = [Framework.model_validate(WALES.model_dump()) for _ in range(_fact_plan._PLANS_MAX)]
    for framework in copies:
        for chosen in settings:
            plan_for(framework, chosen, None)
    assert len(_fact_plan._PLANS) == _fact_plan._PLANS_MAX
    latest = plan_for(copies[-1], settings[-1], None)
    assert latest is plan_for(copies[-1], settings[-1], None)


def test_required_statements_are_the_stage_requirement_met_at_its_modality() -> None:
    plan = plan_for(HAMPSHIRE, FactSettings(), "mpr")
    items = stage_requirement(HAMPSHIRE, "mpr").items
    assert plan.required == {i.statement: i.modality for i in items}
    assert all(plan.needed[i.statement] == plan.rank[i.modality] for i in items)
    beyond = [s for s in plan.fixed if s not in plan.required]
    upr1 = {i.statement: i.modality for i in stage_requirement(HAMPSHIRE, "upr1").items}
    assert beyond and all(plan.needed[s] == plan.rank[upr1[s]] for s in beyond)  # next stage's
    assert all(plan.blank[s].best is None and not plan.blank[s].met for s in plan.fixed)


def test_each_required_statement_touches_coverage_its_standard_and_its_ledger_stage() -> None:
    plan = plan_for(HAMPSHIRE, FactSettings(), "mpr")
    statements = {s.id: s for s in HAMPSHIRE.statements}
    for statement_id, touched in plan.touches.items():
        statement = statements[statement_id]
        top = statement.under.rsplit(".", 1)[0]  # Hampshire: ts.1.1 sits under standard ts.1
        assert touched == ("coverage", f"standard:{top}", f"ledger:{statement.stage}")


def test_levels_group_the_statements_carrying_each_practice_level_in_ladder_order() -> None:
    plan = plan_for(WALES, FactSettings(), None)
    levels = [(group.key, rank) for group, rank in plan.levels]
    assert levels == sorted(levels, key=lambda level: level[1])
    for group, _ in plan.levels:
        assert group.fact_id == f"level:{group.key}"
        assert all(f"level:{group.key}" in plan.touches[s] for s in group.members)
        assert group.statements == frozenset(group.members)


def _plans() -> list[Plan]:
    """A plan for each stage of each shipped framework (one stageless plan without stages)."""
    plans = []
    for framework_id in CATALOGUE:
        framework = CATALOGUE[framework_id]
        stages: list[str | None] = [s.id for s in framework.stages] or [None]
        plans += [plan_for(framework, FactSettings(), stage) for stage in stages]
    return plans


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_group_bits_count_what_the_group_sets_hold(data: st.DataObject) -> None:
    """A group's statements and units met, counted with bits, are those its sets give: a unit
    is met in a group only through the group's own statements (units hold several stages)."""
    plan = data.draw(st.sampled_from(_plans()))
    met = data.draw(st.sets(st.sampled_from(sorted(plan.required))))
    met_bits = sum(plan.bit[s] for s in met)
    unit_bits = functools.reduce(operator.or_, (plan.statement_units[s] for s in met), 0)
    for group in plan.groups:
        own = group.statements & met
        assert (met_bits & group.mask).bit_count() == len(own)
        assert (unit_bits & group.unit_mask).bit_count() == len({plan.under[s] for s in own})
        assert all(plan.group_mask[s] >> plan.groups.index(group) & 1 for s in group.members)
