"""Authoring: what helps a person write a review or a rule set by hand — a review skeleton that
validates, with the statements it will be judged against, and JSON Schemas whose ids are the
framework's (or the fact contract's), so an editor checks and completes the file as it is typed.
A last step, like ``audit`` and ``testing``: it imports the steps before it, and neither of them."""

from __future__ import annotations

from engine.authoring.review_schema import DRAFT, review_schema
from engine.authoring.ruleset_schema import condition_pattern, ruleset_schema
from engine.authoring.skeleton import academic_year, review_skeleton
from engine.authoring.sources import fact_settings, parameter_names, rulesets_of

__all__ = [
    "DRAFT",
    "academic_year",
    "condition_pattern",
    "fact_settings",
    "parameter_names",
    "review_schema",
    "review_skeleton",
    "ruleset_schema",
    "rulesets_of",
]
