"""Outcome scales: the scale each stage drafts on, and how the rules' proposals land on it.

A rule set's results are on its framework's scale unless the rule set declares a scale for some
stages (``scales:`` in ``ruleset.yaml``): Hampshire's ECT 1 and ECT 2 draft on the induction
scale. Rules keep proposing the framework's ratings; a scale's ``map`` says which of its levels
each rating stands for, and the resolution order follows through the map, so one set of rules
serves both scales.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from schemas.framework import Framework
from schemas.ruleset import STATUSES, Resolution, RuleSet

__all__ = ["OutcomeScale", "framework_scale", "outcome_scales", "stages_of_rule"]


@dataclass(frozen=True)
class OutcomeScale:
    """The scale a stage's result is on: levels worst first, their labels, the level meaning
    expectations are met, how proposals map onto it, and the resolution order on it."""

    id: str | None  # None: the framework's own scale
    title: str
    levels: tuple[str, ...]
    labels: Mapping[str, str]
    expected: str
    mapping: Mapping[str, str]  # a proposable rating → the level of this scale it stands for
    order: tuple[str, ...]  # statuses and levels, highest precedence first

    def level_of(self, outcome: str) -> str:
        """A proposal on this scale: statuses stay, ratings follow the map (unmapped: as is)."""
        return self.mapping.get(outcome, outcome)

    def carry(self, outcomes: Iterable[str]) -> tuple[str, ...]:
        """Outcomes in the rule set's terms, on this scale, each once, in the order given."""
        return tuple(dict.fromkeys(self.level_of(o) for o in outcomes))

    def label(self, level: str | None) -> str | None:
        return self.labels.get(level or "")


def framework_scale(framework: Framework, resolution: Resolution | None = None) -> OutcomeScale:
    """The framework's own scale; ``resolution`` gives its expected level and order."""
    levels = tuple(level.id for level in framework.scale.levels)
    return OutcomeScale(
        id=None,
        title=framework.id,
        levels=levels,
        labels={level.id: level.label for level in framework.scale.levels},
        expected=resolution.expected if resolution else levels[-1],
        mapping={level: level for level in levels},
        order=resolution.order if resolution else (*STATUSES, *levels),
    )


def outcome_scales(ruleset: RuleSet, framework: Framework) -> dict[str | None, OutcomeScale]:
    """Stage → the scale it drafts on; key ``None`` is every other stage (the framework's)."""
    found: dict[str | None, OutcomeScale] = {None: framework_scale(framework, ruleset.resolution)}
    for scale_id, declared in ruleset.scales.items():
        own = tuple(level.id for level in declared.levels)
        mapping = {**declared.map, **{level: level for level in own}}
        carried = dict.fromkeys(mapping.get(o, o) for o in ruleset.resolution.order)
        scale = OutcomeScale(
            id=scale_id,
            title=declared.title,
            levels=own,
            labels={level.id: level.label for level in declared.levels},
            expected=declared.expected,
            mapping=mapping,
            order=tuple(o for o in carried if o in STATUSES or o in own),
        )
        for stage in declared.stages:
            found.setdefault(stage, scale)
    return found


def stages_of_rule(
    conditions: Iterable[tuple[str, str, tuple[str, ...]]], stages: tuple[str, ...]
) -> tuple[str, ...]:
    """The stages a rule can apply to, from its conditions on ``review.stage``.

    ``conditions`` are ``(op, field, values)`` of the rule's ``review`` patterns with literal
    operands; other conditions do not narrow the stages.
    """
    allowed = set(stages)
    for op, field, values in conditions:
        if field != "stage":
            continue
        if op in ("==", "in"):
            allowed &= set(values)
        elif op in ("!=", "not-in"):
            allowed -= set(values)
    return tuple(s for s in stages if s in allowed)
