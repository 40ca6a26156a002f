"""Facts: a checked review turned into the typed facts the rules match (``contract`` is the
fact types and fields a rule may test)."""

from __future__ import annotations

from engine.facts.contract import (
    DOMAINS,
    FACT_TYPES,
    KEYS,
    MATCHABLE,
    ONE_PER_CASE,
    Domain,
    FieldType,
    Vocabulary,
    vocabulary,
)
from engine.facts.derive import (
    CaseFacts,
    StatementFacts,
    derive_facts,
    in_window,
    next_stage,
    required_modalities,
)

__all__ = [
    "DOMAINS",
    "FACT_TYPES",
    "KEYS",
    "MATCHABLE",
    "ONE_PER_CASE",
    "CaseFacts",
    "Domain",
    "FieldType",
    "StatementFacts",
    "Vocabulary",
    "derive_facts",
    "in_window",
    "next_stage",
    "required_modalities",
    "vocabulary",
]
