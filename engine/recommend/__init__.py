"""Recommend: a decision explained (rationale, ledger, trace), next steps confirmed by the
engine, sealed as a decision record and rendered for people; a person's final decision checked."""

from __future__ import annotations

from engine.recommend.changes import NEXT_STEP_KINDS, apply_changes
from engine.recommend.final_decision import DECISION, check_decision
from engine.recommend.next_steps import propose_next_steps
from engine.recommend.recommendation import recommend
from engine.recommend.render import render_markdown, render_text, render_trace

__all__ = [
    "DECISION",
    "NEXT_STEP_KINDS",
    "apply_changes",
    "check_decision",
    "propose_next_steps",
    "recommend",
    "render_markdown",
    "render_text",
    "render_trace",
]
