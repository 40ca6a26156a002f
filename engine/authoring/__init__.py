"""Authoring: what helps a person write a review or a rule set by hand — a review skeleton that
validates, with the statements it will be judged against, and JSON Schemas whose ids are the
framework's (or the fact contract's), so an editor checks and completes the file as it is typed.
A last step, like ``audit`` and ``testing``: it imports the steps before it, and neither of them."""

from __future__ import annotations

from engine.authoring.skeleton import academic_year, fact_settings, review_skeleton

__all__ = ["academic_year", "fact_settings", "review_skeleton"]
