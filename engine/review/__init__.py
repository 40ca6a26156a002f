"""Review: a review read and checked against its framework (files, request bodies) and its
canonical JSON, which the decision record seals."""

from __future__ import annotations

from engine.review.body import BODY, read_review
from engine.review.canonical import canonical_json, general_canonical_json
from engine.review.load import check_review, load_review, parse_review, validate_review

__all__ = [
    "BODY",
    "canonical_json",
    "check_review",
    "general_canonical_json",
    "load_review",
    "parse_review",
    "read_review",
    "validate_review",
]
