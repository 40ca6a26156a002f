"""What the compose pages show of a working copy: names for ids, the statements to tag by
standard, the filter. Read from the framework and the engine's requirement; no rule logic."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from typing import Any

from engine.authoring.requirement_block import RequirementGroup, requirement_groups
from engine.decide.rulesets import RuleSets
from engine.errors import AppraiseError
from engine.facts import required_modalities
from schemas.framework import Framework
from schemas.ruleset import FactSettings
from service.web.templating import day

__all__ = [
    "Names",
    "StandardTags",
    "choices",
    "day_words",
    "ruleset_choices",
    "ruleset_title",
    "standards_to_tag",
]


@dataclass(frozen=True)
class Names:
    """A framework's ids in its own words: evidence kinds, modalities, stages, outcomes."""

    framework: Framework

    @property
    def kinds(self) -> dict[str, str]:
        return {k.id: k.label for k in self.framework.evidence_kinds}

    @property
    def modalities(self) -> dict[str, str]:
        return {m.id: m.label for m in self.framework.modalities.levels}

    @property
    def stages(self) -> dict[str, str]:
        return {s.id: s.label for s in self.framework.stages}

    def item(self, item: dict[str, Any]) -> str:
        """An evidence item as a person tells it apart: "Lesson observation, 8 October 2025"."""
        kind = self.kinds.get(str(item.get("kind")), str(item.get("kind") or "Evidence"))
        return f"{kind}, {day_words(item.get('date'))}"


def day_words(value: Any) -> str:
    """An ISO date as people write it (2 December 2026); anything else as it stands."""
    try:
        return day(dt.date.fromisoformat(str(value)))
    except ValueError:
        return str(value or "no date")


@dataclass(frozen=True)
class StandardTags:
    """One standard's statements to tag, under its nodes: shown in one expandable section."""

    id: str
    title: str
    groups: tuple[RequirementGroup, ...]

    @property
    def count(self) -> int:
        return sum(len(group.statements) for group in self.groups)


def _settings(rulesets: RuleSets, review: dict[str, Any]) -> FactSettings:
    try:
        return rulesets.load(str(review.get("ruleset") or review["framework"])).facts
    except AppraiseError:
        return FactSettings()


def standards_to_tag(
    framework: Framework,
    rulesets: RuleSets,
    review: dict[str, Any],
    *,
    standard: str = "",
    words: str = "",
) -> list[StandardTags]:
    """The statements the review is judged against, by standard: those of ``standard`` (a
    top-level node id) and containing every one of ``words``, when given."""
    stage = review.get("stage") or None
    try:
        required, _ = required_modalities(framework, _settings(rulesets, review), stage)
    except AppraiseError:
        required = {}
    found = [w.casefold() for w in words.split()]
    shown: list[StandardTags] = []
    groups = requirement_groups(framework, required)
    for standard_id, of_standard in itertools.groupby(groups, key=lambda g: g.standard_id):
        listed = list(of_standard)
        title = listed[0].standard
        if standard and standard != standard_id:
            continue
        kept = [_matching(group, found) for group in listed]
        kept_groups = tuple(group for group in kept if group.statements)
        if kept_groups:
            shown.append(StandardTags(standard_id, title, kept_groups))
    return shown


def _matching(group: RequirementGroup, words: list[str]) -> RequirementGroup:
    statements = tuple(
        s for s in group.statements if all(word in s.text.casefold() for word in words)
    )
    return RequirementGroup(group.standard_id, group.standard, group.unit, statements)


def choices(rulesets: RuleSets) -> list[tuple[str, str]]:
    """(value, words) for each framework and stage a review can be composed for."""
    found: list[tuple[str, str]] = []
    for framework_id in rulesets.catalogue:
        each = rulesets.catalogue[framework_id]
        if each.stages:
            found += [(f"{each.id}:{s.id}", f"{each.title} — {s.label}") for s in each.stages]
        else:
            found.append((f"{each.id}:", each.title))
    return found


def ruleset_title(rulesets: RuleSets, ruleset_id: str | None, framework_id: str) -> str:
    """The rule set's title (the framework's own when none is named)."""
    try:
        return rulesets.load(ruleset_id or framework_id).title
    except AppraiseError:
        return ruleset_id or framework_id


def ruleset_choices(rulesets: RuleSets) -> list[tuple[str, str]]:
    """(id, title) of every rule set that compiles, by title."""
    found = []
    for ruleset_id in rulesets.paths:
        try:
            found.append((ruleset_id, rulesets.load(ruleset_id).title))
        except AppraiseError:
            continue
    return sorted(found, key=lambda pair: pair[1])
