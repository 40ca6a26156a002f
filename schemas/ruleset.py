"""A rule set: parameters, declarative rules and how their proposals resolve to one result.

Conditions are small strings (``"ratio >= param.achieved_min_coverage"``) that our own compiler
parses and type-checks against the fact contract; nothing in a rule set is ever ``eval``-ed.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import (
    Field,
    StrictBool,
    StrictFloat,
    StrictInt,
    StrictStr,
    StringConstraints,
    model_validator,
)

from schemas._base import DottedId, Frozen, Slug

__all__ = [
    "INVARIANTS",
    "STATUSES",
    "FactSettings",
    "InvariantSettings",
    "Parameter",
    "Pattern",
    "Purpose",
    "Resolution",
    "Rule",
    "RuleSet",
    "Scale",
    "ScaleLevel",
    "Status",
    "Then",
]

Status = Literal["insufficient_evidence", "needs_human_review"]
STATUSES: tuple[str, ...] = ("insufficient_evidence", "needs_human_review")
INVARIANTS: tuple[str, ...] = (
    "totality",
    "determinism",
    "monotonicity",
    "cumulative-stages",
    "protected-absence",
    "explanation-completeness",
    "next-step-soundness",
)
"""The domain invariants ``appraise check`` knows (``engine.testing.invariants``)."""
ParamName = Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9_]*$")]


class Parameter(Frozen):
    """A named threshold with its default and the reason for it."""

    type: Literal["int", "float", "bool", "str"]
    default: StrictBool | StrictInt | StrictFloat | StrictStr
    reason: str = Field(min_length=1)
    min: float | None = None
    max: float | None = None


class Pattern(Frozen):
    """One fact a rule matches: its type, an optional alias, and conditions on its fields."""

    fact: str
    as_: Slug | None = Field(default=None, alias="as")
    where: tuple[str, ...] = ()


class Then(Frozen):
    """What a rule does when it fires: exactly one of propose, status or conclude."""

    propose: Slug | None = Field(
        default=None,
        description="A rating of the framework's scale, or a level of the scale of the stages "
        "the rule applies to.",
    )
    status: Status | None = None
    conclude: Slug | None = Field(default=None, description="A conclusion other rules can match.")

    @model_validator(mode="after")
    def _exactly_one(self) -> Then:
        chosen = [v for v in (self.propose, self.status, self.conclude) if v is not None]
        if len(chosen) != 1:
            raise ValueError("give exactly one of 'propose', 'status' or 'conclude'")
        return self


class Rule(Frozen):
    """A declarative rule: when these facts hold, do this, for this reason."""

    id: DottedId
    description: str
    source: str = Field(description="Citation of the policy or document the rule encodes.")
    when: tuple[Pattern, ...] = Field(min_length=1)
    then: Then
    reason: str = Field(description="Template naming facts, e.g. '{coverage.ratio|percent} met'.")
    priority: int = Field(default=0, ge=0, le=999_999, description="Lower runs first.")


class Resolution(Frozen):
    """How proposals become one result.

    ``first-in-order``: the first outcome in ``order`` that any rule proposed. ``priority``: the
    outcome proposed by the rule with the lowest priority number (``order`` breaks a tie).
    """

    strategy: Literal["first-in-order", "priority"] = "first-in-order"
    order: tuple[str, ...] = Field(description="Statuses and rating ids, highest precedence first.")
    expected: Slug = Field(description="The rating that means expectations are met.")
    rationale: str | None = None


class InvariantSettings(Frozen):
    """Which domain invariants the rule set promises, and how its results are ordered for them."""

    check: tuple[Slug, ...] = Field(min_length=1, description="Names from ``INVARIANTS``.")
    order: tuple[str, ...] = Field(
        min_length=2,
        description="Ratings (and any status that has a place among them), worst first.",
    )
    incomparable: tuple[str, ...] = Field(
        default=(),
        description="Statuses that are neither better nor worse than any result; "
        "comparisons involving them are not checked.",
    )
    rationale: str | None = None


class FactSettings(Frozen):
    """How facts are derived for this rule set."""

    required_modality: Slug | None = Field(
        default=None,
        description="Modality required of statements with no stage and no practice level "
        "(frameworks without stages). Default: the weakest modality.",
    )


class Purpose(Frozen):
    """What a result is for: e.g. a pay recommendation, or induction progress at ECT stages."""

    default: str = "pay-recommendation"
    stages: dict[Slug, str] = Field(default_factory=dict)


class ScaleLevel(Frozen):
    """One outcome of a rule set's own scale: its id and the words a record uses."""

    id: Slug
    label: str = Field(min_length=1)
    description: str | None = None


class Scale(Frozen):
    """An outcome scale some stages draft on instead of the framework's (e.g. induction).

    Rules propose the framework's ratings as usual; ``map`` says which level of this scale each
    one stands for at these stages. A rule that applies only to these stages may also propose a
    level of this scale directly.
    """

    title: str = Field(min_length=1, description="e.g. 'induction', as in 'the induction scale'.")
    stages: tuple[Slug, ...] = Field(min_length=1, description="The stages drafted on it.")
    levels: tuple[ScaleLevel, ...] = Field(min_length=2, description="Worst first.")
    map: dict[Slug, Slug] = Field(
        default_factory=dict,
        description="Framework rating → the level of this scale it stands for at these stages.",
    )
    expected: Slug = Field(description="The level that means expectations are met.")
    rationale: str | None = None


class RuleSet(Frozen):
    """A school's policy as data: compiled once, evaluated for many reviews."""

    id: DottedId
    framework: Slug
    version: str
    title: str
    description: str | None = None
    facts: FactSettings = FactSettings()
    purpose: Purpose = Purpose()
    scales: dict[Slug, Scale] = Field(
        default_factory=dict,
        description="Outcome scales of particular stages; other stages use the framework's.",
    )
    parameters: dict[ParamName, Parameter] = Field(default_factory=dict)
    rules: tuple[Rule, ...] = Field(min_length=1)
    resolution: Resolution
    invariants: InvariantSettings | None = None
