"""GET /rulesets: the rule sets under rules/, with the content hash a decision is sealed with."""

from __future__ import annotations

from fastapi import APIRouter, Path

from engine.rules.compiler import CompiledRules
from schemas.service import RuleSetDetail, RuleSetSummary
from service.deps import Caller, RuleSetsDep

__all__ = ["router"]

router = APIRouter(prefix="/rulesets", tags=["rulesets"])


def _summary(compiled: CompiledRules) -> RuleSetSummary:
    ruleset = compiled.ruleset
    return RuleSetSummary(
        id=ruleset.id,
        framework=ruleset.framework,
        version=ruleset.version,
        title=ruleset.title,
        content_hash=compiled.content_hash,
        rules=len(ruleset.rules),
    )


@router.get("", operation_id="list_rulesets", summary="The rule sets and their content hashes")
def list_rulesets(rulesets: RuleSetsDep, _: Caller) -> list[RuleSetSummary]:
    return [_summary(rulesets.compiled(ruleset_id)) for ruleset_id in rulesets.paths]


@router.get(
    "/{ruleset_id}",
    operation_id="get_ruleset",
    summary="One rule set: content hash, parameters with their reasons, and its rules",
)
def get_ruleset(
    rulesets: RuleSetsDep,
    _: Caller,
    ruleset_id: str = Path(description="A rule-set id.", examples=["hampshire"]),
) -> RuleSetDetail:
    compiled = rulesets.compiled(ruleset_id)
    return RuleSetDetail(
        **_summary(compiled).model_dump(),
        parameters=dict(compiled.ruleset.parameters),
        ruleset=compiled.ruleset,
    )
