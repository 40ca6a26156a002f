"""A review to start from: a minimal review that validates, with every statement it will be
judged against listed as commented tags, ready to uncomment or copy.

The statements and their modalities are the fact derivation's own (``required_modalities``): a
stage's cumulative requirement, or, without stages, every statement at its practice level or the
rule set's required modality. Nothing here decides what a stage requires.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import textwrap

from engine.authoring.requirement_block import requirement_block, tag_line
from engine.catalogue.stages import find_stage
from engine.errors import NotFoundError
from engine.facts import required_modalities
from schemas.framework import Framework
from schemas.review import ObjectiveOutcome
from schemas.ruleset import FactSettings

__all__ = ["academic_year", "review_skeleton"]

TAGS_INDENT = " " * 6
"""Where an evidence item's tags stand: ``evidence:``, ``  - id:``, ``    tags:``, then here."""
OUTCOMES: tuple[str, ...] = ObjectiveOutcome.__args__  # type: ignore[attr-defined]
_PLAIN = re.compile(r"^[A-Za-z][A-Za-z0-9_.-]*$")
_YAML_WORDS = {"true", "false", "null", "yes", "no", "on", "off", "y", "n", "~"}


def academic_year(today: dt.date) -> tuple[dt.date, dt.date]:
    """The school year (1 September to 31 August) that ``today`` falls in."""
    start_year = today.year if today.month >= 9 else today.year - 1
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)


def review_skeleton(
    framework: Framework,
    stage: str | None,
    *,
    settings: FactSettings,
    today: dt.date,
    subject: str = "teacher-1",
    appraiser: str = "appraiser-1",
    ruleset: str | None = None,
    schema: str | None = None,
) -> str:
    """The review as YAML text: it loads, validates and drafts as it stands."""
    _check_stage(framework, stage)
    required, _ = required_modalities(framework, settings, stage)
    start, end = academic_year(today)
    lines = _head(framework, stage, schema)
    lines += [f"framework: {framework.id}"]
    lines += [f"ruleset: {_scalar(ruleset)}"] if ruleset else []
    lines += [
        f"subject: {_scalar(subject)}  # pseudonymous ids only: no names",
        f"appraiser: {_scalar(appraiser)}",
        f"cycle_start: {start.isoformat()}",
        f"cycle_end: {end.isoformat()}",
        *_stage_lines(framework, stage),
        *_rating_lines(framework),
        *_objective_lines(),
        *_circumstance_lines(),
        *_evidence_lines(framework, stage, required, appraiser, min(max(today, start), end)),
    ]
    return "\n".join(lines) + "\n"


def _check_stage(framework: Framework, stage: str | None) -> None:
    stages = ", ".join(s.id for s in framework.stages)
    if stage is None and framework.stages:
        raise NotFoundError(f"framework {framework.id!r} has career stages: give one of {stages}")
    if stage is not None and not framework.stages:
        raise NotFoundError(f"framework {framework.id!r} has no career stages: leave out the stage")
    if stage is not None:
        find_stage(framework, stage)


def _scalar(text: str) -> str:
    """``text`` as a YAML scalar: plain when it reads back as the same string, else quoted."""
    plain = _PLAIN.match(text) and text.lower() not in _YAML_WORDS
    return text if plain else json.dumps(text)


def _head(framework: Framework, stage: str | None, schema: str | None) -> list[str]:
    lines = [f"# yaml-language-server: $schema={schema}"] if schema else []
    what = f", stage {find_stage(framework, stage).label}" if stage else ""
    about = textwrap.wrap(f"A review against {framework.title}{what}.", 98)
    return [
        *lines,
        *(f"# {line}" for line in about),
        "# It validates as it stands; replace the placeholders, then tag evidence with the",
        "# statements listed under the first evidence item. Try it: appraise recommend FILE",
    ]


def _stage_lines(framework: Framework, stage: str | None) -> list[str]:
    if stage is None:
        return [f"# stage: {framework.id} has no career stages, so a review names none"]
    choices = ", ".join(s.id for s in framework.stages)
    return [f"stage: {stage}  # one of {choices}"]


def _rating_lines(framework: Framework) -> list[str]:
    levels = ", ".join(level.id for level in framework.scale.levels)
    return [f"# appraiser_rating: {framework.scale.levels[-1].id}  # optional; one of {levels}"]


def _objective_lines() -> list[str]:
    return [
        "objectives:",
        f"  # outcome: one of {', '.join(OUTCOMES)}; standards: standards-tree node ids",
        "  - id: o1",
        "    text: The objective agreed at the start of the cycle.",
        "    standards: []",
        "    outcome: not-assessed",
        "    evidence: []  # ids of the evidence items that show it",
    ]


def _circumstance_lines() -> list[str]:
    return [
        "circumstances:",
        "  absences: []  # e.g. - {type: sickness, start: 2026-01-05, end: 2026-01-09}",
        "  in_induction: false",
        "  in_capability: false",
        "  part_time_fraction: 1.0",
        "conduct:",
        "  concern: false  # a Part Two conduct concern: true, and a note; a person decides",
    ]


def _evidence_lines(
    framework: Framework,
    stage: str | None,
    required: dict[str, str],
    recorder: str,
    date: dt.date,
) -> list[str]:
    kinds = framework.evidence_kinds
    kind = next((k.id for k in kinds if k.source), kinds[0].id if kinds else "other")
    first = next(iter(required.items()), None)
    return [
        "evidence:",
        f"  # kind: one of {', '.join(k.id for k in kinds)}",
        "  - id: e1",
        f"    kind: {kind}",
        f"    date: {date.isoformat()}",
        f"    recorded_by: {_scalar(recorder)}",
        "    note: What was seen, and its impact.",
        "    tags:" if first else "    tags: []",
        *([TAGS_INDENT + tag_line(*first)] if first else []),
        *_requirement_intro(framework, stage, len(required)),
        *requirement_block(framework, required, TAGS_INDENT),
    ]


def _requirement_intro(framework: Framework, stage: str | None, count: int) -> list[str]:
    who = f"Stage {find_stage(framework, stage).label}" if stage else f"{framework.id}"
    lines = [
        f"{who} is judged against these {count} statements, each at the modality shown",
        "(at it or above). Uncomment a line for each statement this item shows, with the",
        "modality it shows it at, or copy lines into another item's tags. A concern:",
        "{statement: ID, polarity: concern}.",
    ]
    return [f"{TAGS_INDENT}# {line}" for line in lines]
