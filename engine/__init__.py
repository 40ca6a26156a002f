"""The appraise engine, laid out as the flow of a case::

    catalogue → review → facts → rules → decide → recommend → audit / testing / authoring

Each step is a subpackage that imports only the steps before it (``tests/test_layering.py``).
The names below are the public API rule-set authors and the service use, with each step's own
``__all__`` (the draft itself: ``from engine.recommend import recommend``; ``engine.recommend``
is the step). They are loaded on first use, so ``import engine`` loads no rule engine.
The engine never imports a web framework; the service builds on it, not the other way round.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from engine.catalogue import Catalogue, stage_requirement
    from engine.decide import Decision, Evaluator, RuleSets
    from engine.errors import (
        AppraiseError,
        CatalogueError,
        EngineError,
        InputError,
        NotFoundError,
        RuleSetError,
    )
    from engine.recommend import check_decision, render_markdown, render_text, render_trace
    from engine.review import load_review, parse_review, read_review
    from engine.rules import CompiledRules, compile_ruleset, load_ruleset
    from engine.version import ENGINE_VERSION

_WHERE = {
    "ENGINE_VERSION": "engine.version",
    "AppraiseError": "engine.errors",
    "CatalogueError": "engine.errors",
    "EngineError": "engine.errors",
    "InputError": "engine.errors",
    "NotFoundError": "engine.errors",
    "RuleSetError": "engine.errors",
    "Catalogue": "engine.catalogue",
    "stage_requirement": "engine.catalogue",
    "load_review": "engine.review",
    "parse_review": "engine.review",
    "read_review": "engine.review",
    "CompiledRules": "engine.rules",
    "compile_ruleset": "engine.rules",
    "load_ruleset": "engine.rules",
    "Decision": "engine.decide",
    "Evaluator": "engine.decide",
    "RuleSets": "engine.decide",
    "check_decision": "engine.recommend",
    "render_markdown": "engine.recommend",
    "render_text": "engine.recommend",
    "render_trace": "engine.recommend",
}

__all__ = [
    "ENGINE_VERSION",
    "AppraiseError",
    "Catalogue",
    "CatalogueError",
    "CompiledRules",
    "Decision",
    "EngineError",
    "Evaluator",
    "InputError",
    "NotFoundError",
    "RuleSetError",
    "RuleSets",
    "check_decision",
    "compile_ruleset",
    "load_review",
    "load_ruleset",
    "parse_review",
    "read_review",
    "render_markdown",
    "render_text",
    "render_trace",
    "stage_requirement",
]


def __getattr__(name: str) -> Any:
    """Load a public name from the step that defines it, on first use."""
    if name not in _WHERE:
        raise AttributeError(f"module 'engine' has no attribute {name!r}")
    value = getattr(importlib.import_module(_WHERE[name]), name)
    globals()[name] = value
    return value
