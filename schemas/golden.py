"""A golden case file: a review and what its rule set must make of it (``cases/*.yaml``)."""

from __future__ import annotations

from pydantic import Field

from schemas._base import DottedId, Frozen, Slug
from schemas.review import Review

__all__ = ["Expectation", "GoldenCase"]


class Expectation(Frozen):
    """What the draft of the case's review must be; every key but ``outcome`` is optional."""

    outcome: str = Field(description="'rated', or a status such as 'insufficient_evidence'.")
    rating: Slug | None = Field(default=None, description="The rating when outcome is 'rated'.")
    purpose: str | None = Field(default=None, description="Checked only when given.")
    scale: Slug | None = Field(
        default=None,
        description="A rule-set scale (an ECT's induction scale); none: the framework's.",
    )
    fired: tuple[DottedId, ...] = Field(default=(), description="Rules that must fire.")
    not_fired: tuple[DottedId, ...] = Field(default=(), description="Rules that must not fire.")
    causes: tuple[str, ...] = Field(
        default=(), description="Each must be part of a cause line (its text or a detail)."
    )


class GoldenCase(Frozen):
    """One golden case. ``ruleset`` names the rule set it was written for; without it the case
    belongs to every rule set in its folder (a copied rule set takes its cases along)."""

    name: str
    description: str | None = None
    ruleset: DottedId | None = None
    review: Review
    expect: Expectation
