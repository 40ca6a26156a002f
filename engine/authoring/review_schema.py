"""The JSON Schema of a review of one framework: the ``Review`` model's own schema with each id
narrowed to the framework's, so an editor completes a statement id and flags a misspelt one.

Narrowed: ``framework`` (this one), ``ruleset`` (the rule sets of this framework, when given),
``stage`` (required with stages; ``null`` or absent without), ``appraiser_rating`` (the scale),
an evidence item's ``kind``, a tag's ``statement`` and ``modality`` (a strength must give one, a
concern need not, as the framework check says), an objective's ``standards`` (tree nodes).
Every value carries the framework's words as its description (``engine.authoring._enums``).
What a schema cannot see, it leaves to ``appraise recommend``: evidence ids an objective names,
ids used twice, a cycle that ends before it starts.
"""

from __future__ import annotations

import copy
from collections.abc import Sequence
from typing import Any

from engine.authoring._enums import described_enum, nullable
from engine.catalogue.tree import walk
from schemas.framework import Framework
from schemas.review import Review

__all__ = ["DRAFT", "review_schema"]

DRAFT = "https://json-schema.org/draft/2020-12/schema"
"""The draft pydantic writes its schemas in."""

Schema = dict[str, Any]


def review_schema(framework: Framework, rulesets: Sequence[str] = ()) -> Schema:
    """The schema of a review of ``framework``; ``rulesets``: the ids a review may name."""
    schema = copy.deepcopy(Review.model_json_schema())
    schema = {"$schema": DRAFT, **schema}
    schema["title"] = f"A review against {framework.id}"
    schema["description"] = f"A review against {framework.title}."
    properties = schema["properties"]
    properties["framework"] = described_enum([(framework.id, framework.title)])
    if rulesets:
        properties["ruleset"] = nullable(
            described_enum((r, f"rule set {r}") for r in rulesets),
            "Default: the framework's own rule set.",
        )
    _stage(schema, framework)
    properties["appraiser_rating"] = nullable(
        described_enum(
            (lvl.id, _label(lvl.label, lvl.description)) for lvl in framework.scale.levels
        ),
        "The appraiser's own rating, if any: a level of the framework's scale.",
    )
    defs = schema["$defs"]
    defs["EvidenceItem"]["properties"]["kind"] = _kinds(framework)
    _tag(defs["Tag"], framework)
    defs["Objective"]["properties"]["standards"]["items"] = described_enum(
        (node.id, f"{node.number or ''} {node.title}".strip())
        for node, _ in walk(framework.standards)
    )
    return schema


def _stage(schema: Schema, framework: Framework) -> None:
    if not framework.stages:
        schema["properties"]["stage"] = {
            "type": "null",
            "description": f"{framework.id} has no career stages: leave 'stage' out.",
        }
        return
    schema["properties"]["stage"] = described_enum(
        ((s.id, f"{s.label}: {s.clause.text}") for s in framework.stages),
        "The teacher's career stage; its requirement includes the stages it builds on.",
    )
    schema["required"] = [*schema["required"], "stage"]


def _kinds(framework: Framework) -> Schema:
    sources = {s.id: s.label for s in framework.evidence_sources}
    pairs = [
        (k.id, k.label + (f" (counts as {sources[k.source]})" if k.source in sources else ""))
        for k in framework.evidence_kinds
    ]
    return described_enum(pairs, "One of the framework's evidence kinds.")


def _tag(tag: Schema, framework: Framework) -> None:
    nodes = {node.id for node, _ in walk(framework.standards)}
    stages = {s.id: s.label for s in framework.stages}
    properties = tag["properties"]
    properties["statement"] = described_enum(
        (
            (s.id, _statement_words(s.text, stages.get(s.stage or "")))
            for s in framework.statements
            if s.id not in nodes
        ),
        "The framework statement this evidence shows (appraise framework show ID).",
    )
    properties["modality"] = nullable(
        described_enum((m.id, _label(m.label, m.description)) for m in framework.modalities.levels),
        "How well it is shown; a strength needs one, a concern may leave it out.",
    )
    # As the framework check: a strength says how well it is shown; a concern need not.
    tag["if"] = {"properties": {"polarity": {"const": "concern"}}, "required": ["polarity"]}
    tag["else"] = {"required": ["modality"], "properties": {"modality": {"type": "string"}}}


def _statement_words(text: str, stage: str | None) -> str:
    words = " ".join(text.split())
    return f"{stage}: {words}" if stage else words


def _label(label: str, description: str | None) -> str:
    return f"{label}: {' '.join(description.split())}" if description else label
