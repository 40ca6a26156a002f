"""Between a working copy and the engine: its review checked, its draft, its YAML export.

No rule logic here: the review is read as ``POST /recommendations`` reads a body, and the draft
is ``service.drafting.draft``'s."""

from __future__ import annotations

import json
from typing import Any

import yaml

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.errors import InputError
from engine.review.body import read_review
from schemas.review import Review
from schemas.working_copy import WorkingDraft
from service import drafting

__all__ = ["checked_review", "review_yaml", "working_draft"]


def checked_review(review: dict[str, Any], catalogue: Catalogue) -> Review:
    """The working copy's review read as a request body is; ``InputError`` with its problems."""
    return read_review(json.dumps(review).encode("utf-8"), "application/json", catalogue)


def working_draft(
    review: dict[str, Any], rulesets: RuleSets, *, next_steps: bool = False
) -> WorkingDraft:
    """The engine's draft of the review so far, or the problems that stop one."""
    try:
        checked = checked_review(review, rulesets.catalogue)
        recommendation, _ = drafting.draft(checked, rulesets, next_steps=next_steps)
    except InputError as exc:
        return WorkingDraft(problems=tuple(exc.diagnostics))
    return WorkingDraft(recommendation=recommendation)


def review_yaml(review: dict[str, Any]) -> str:
    """The review as a YAML file ``appraise recommend FILE`` reads."""
    text: str = yaml.safe_dump(review, sort_keys=False, allow_unicode=True, width=100)
    return text
