"""What the compose pages show of a working copy: names for ids, the statements to tag by
standard, the filter. Read from the framework and the engine's requirement; no rule logic."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

from engine.authoring.requirement_block import RequirementGroup, requirement_groups
from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.errors import AppraiseError
from engine.facts import required_modalities
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.ruleset import FactSettings
from service.web.templating import day

__all__ = [
    "Names",
    "StandardTags",
    "choices",
    "composable",
    "day_words",
    "field_of",
    "lays_out",
    "problems_by_field",
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
    """(value, words) for each framework and stage a review can be composed for: the stage
    first ("MPR — Hampshire guidance"), the framework by the first part of its title."""
    found: list[tuple[str, str]] = []
    for framework_id in rulesets.catalogue:
        each = rulesets.catalogue[framework_id]
        short = each.title.split(" — ")[0]
        if each.stages:
            found += [(f"{each.id}:{s.id}", f"{s.label} — {short}") for s in each.stages]
        else:
            found.append((f"{each.id}:", short))
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


_STEP = re.compile(r"[A-Za-z_]+|\[(\d+)\]")
_CASE_FIELDS = {"subject", "cycle_start", "cycle_end", "stage"}
_ITEM_FIELDS = {"kind", "date", "recorded_by", "note", "impact"}


def field_of(path: str | None, item: int | None = None) -> str:
    """The id of the field a problem at ``path`` (e.g. ``objectives[0].outcome``) is about:
    on the compose page, or with ``item`` (an evidence item's index) on that item's page."""
    steps = [m.group(1) or m.group(0) for m in _STEP.finditer(path or "")]
    head, index, rest = [*steps, "", "", ""][:3]
    if head == "evidence" and index.isdigit():
        if item is not None and int(index) == item:
            return rest if rest in _ITEM_FIELDS else "statements"
        return f"item-{index}"
    if head in _CASE_FIELDS:
        return head
    if head == "objectives" and index.isdigit():
        return f"objective-{index}-{rest if rest in ('text', 'outcome') else 'text'}"
    if head == "circumstances":
        if index == "absences" and rest.isdigit():
            field = steps[3] if len(steps) > 3 and steps[3] in ("type", "start", "end") else "type"
            return f"absence-{rest}-{field}"
        return (
            index
            if index in ("in_induction", "in_capability", "part_time_fraction")
            else "circumstances"
        )
    if head == "conduct":
        return "conduct_note" if index == "note" else "conduct_concern"
    return "case" if head in ("", "framework", "ruleset", "appraiser") else "draft-panel"


def problems_by_field(
    problems: Sequence[Diagnostic], item: int | None = None, *, located: bool = False
) -> tuple[list[dict[str, str]], dict[str, str]]:
    """The error summary's entries (text, link to the field) and each field's message; with
    ``located``, each text starts with the problem's line and column in the file."""
    summary: list[dict[str, str]] = []
    beside: dict[str, list[str]] = {}
    for problem in problems:
        field = field_of(problem.path, item)
        where = f"Line {problem.line}, column {problem.column}: " if located else ""
        summary.append({"text": where + problem.message, "href": f"#{field}"})
        beside.setdefault(field, []).append(problem.message)
    return summary, {field: "; ".join(texts) for field, texts in beside.items()}


_UNREADABLE = {"yaml-syntax", "json-syntax", "yaml-alias"}


def composable(
    body: bytes, problems: Sequence[Diagnostic], catalogue: Catalogue
) -> dict[str, Any] | None:
    """A review file with problems, read as data when the compose pages can lay it out, to put
    them right there; else None."""
    if any(p.code in _UNREADABLE for p in problems):
        return None
    try:
        data = yaml.safe_load(body.decode("utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return None
    if not lays_out(data, catalogue):
        return None
    shaped: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return shaped


def _mappings(value: Any) -> bool:
    return isinstance(value, list) and all(isinstance(v, dict) for v in value)


def lays_out(data: Any, catalogue: Catalogue) -> bool:
    """Whether the compose pages can lay out ``data``: a mapping of a known framework, its lists
    lists of mappings (whatever else is wrong in it, the engine says beside the fields)."""
    if not isinstance(data, dict) or data.get("framework") not in set(catalogue):
        return False
    circumstances = data.get("circumstances", {})
    return (
        _mappings(data.get("evidence", []))
        and _mappings(data.get("objectives", []))
        and isinstance(data.get("conduct", {}), dict)
        and isinstance(circumstances, dict)
        and _mappings(circumstances.get("absences", []))
        and all(isinstance(item.get("tags", []), list) for item in data.get("evidence", []))
    )
