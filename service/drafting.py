"""Between the handlers and the engine: draft a review, replay a sealed record.

No rule logic lives here: every judgement is the engine's (``RuleSets``, ``recommend``); this
module only chooses which compiled rule set to hand it and compares two results.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import Session

from engine.decide.evaluate import Evaluator
from engine.decide.rulesets import RuleSets
from engine.errors import InputError, NotFoundError
from engine.recommend.recommendation import recommend
from engine.review.body import BODY
from engine.rules.compiler import CompiledRules, compile_ruleset
from schemas.diagnostics import Diagnostic
from schemas.recommendation import Recommendation
from schemas.review import Review
from schemas.service import Difference, Replay
from service import store

__all__ = ["differences", "draft", "replay", "sealed"]


def draft(
    review: Review, rulesets: RuleSets, *, next_steps: bool = True
) -> tuple[Recommendation, CompiledRules]:
    """The engine's recommendation for ``review``, by the rule set it names or its framework's.

    A rule set the review names that does not exist (or is for another framework) is a problem
    of the body, so it is a 422 at ``ruleset``, not a 404."""
    try:
        evaluator = rulesets.evaluator(review)
    except NotFoundError as exc:
        diagnostic = Diagnostic(
            file=BODY, line=0, column=0, code="unknown-ruleset", message=str(exc), path="ruleset"
        )
        raise InputError([diagnostic]) from None
    return recommend(evaluator, review, next_steps=next_steps), evaluator.compiled


def sealed(session: Session, content_hash: str) -> CompiledRules:
    """The rule-set version stored under ``content_hash``, compiled again."""
    ruleset, framework = store.sealed_ruleset(session, content_hash)
    return compile_ruleset(ruleset, framework)


def replay(
    session: Session, rulesets: RuleSets, row: store.DecisionRecordRow, ruleset: str | None
) -> Replay:
    """Evaluate the stored input again: with its sealed rule set, or with ``ruleset`` (an id
    under rules/ or a stored content hash), and list every difference from the sealed result."""
    review = store.review_of(row)
    if ruleset is None or ruleset.startswith("sha256:"):
        compiled = sealed(session, ruleset or row.ruleset_hash)
        evaluator = Evaluator(compiled)
    else:
        evaluator = rulesets.evaluator(review, ruleset)
    sealed_result = json.loads(row.result_json)
    # A draft posted with next_steps=false sealed the engine's "not requested" next steps:
    # replay it the same way, and with next steps only when they were requested.
    again = recommend(evaluator, review, now=row.evaluated_at, next_steps=False)
    if again.next_steps.model_dump(mode="json") != sealed_result.get("next_steps"):
        again = recommend(evaluator, review, now=row.evaluated_at)
    found = differences(sealed_result, again.model_dump(mode="json"), skip=frozenset({"record"}))
    return Replay(
        record=row.id,
        sealed_ruleset_hash=row.ruleset_hash,
        replayed_ruleset=evaluator.compiled.ruleset.id,
        replayed_ruleset_hash=evaluator.compiled.content_hash,
        same=not found,
        differences=tuple(found),
        recommendation=again,
    )


def differences(
    sealed: Any, replayed: Any, *, skip: frozenset[str] = frozenset()
) -> list[Difference]:
    """Every leaf where two JSON values differ, as dotted paths; ``skip`` top-level keys."""
    return list(_walk(sealed, replayed, "", skip))


def _walk(a: Any, b: Any, path: str, skip: frozenset[str]) -> Iterator[Difference]:
    if isinstance(a, dict) and isinstance(b, dict):
        for key in sorted(set(a) | set(b)):
            if not path and key in skip:
                continue
            yield from _walk(a.get(key), b.get(key), f"{path}.{key}" if path else key, skip)
    elif isinstance(a, list) and isinstance(b, list) and len(a) == len(b):
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            yield from _walk(x, y, f"{path}[{i}]", skip)
    elif a != b:
        yield Difference(path=path, sealed=a, replayed=b)
