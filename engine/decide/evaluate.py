"""Evaluate a review with a compiled rule set: facts → Rete → proposals → one resolved result
(``engine.decide.resolution``)."""

from __future__ import annotations

import hashlib
import itertools
from dataclasses import dataclass
from functools import cached_property

from engine._trusted import trusted
from engine.decide.resolution import resolve
from engine.facts.derive import CaseFacts, derive_facts
from engine.review.canonical import TagFields, canonical_json
from engine.review.load import validate_review
from engine.rules._durable import RawFiring
from engine.rules.compiler import CompiledRules, render_reason
from engine.rules.scales import OutcomeScale
from engine.version import ENGINE_VERSION
from schemas.recommendation import Firing, Proposal, Trace
from schemas.review import Review
from schemas.ruleset import STATUSES

__all__ = ["Decision", "Evaluator", "input_hash"]

_case_ids = itertools.count()


def input_hash(review: Review, tags: list[TagFields] | None = None) -> str:
    """The hash of the review's canonical JSON, which seals what was evaluated; ``tags`` are
    its ``tag_fields`` when the caller has read them already."""
    return "sha256:" + hashlib.sha256(canonical_json(review, tags).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Decision:
    """The resolved result of one evaluation, before it is explained."""

    outcome: str  # "rated", or a status
    rating: str | None  # a level of ``scale``
    winner: str  # the resolution entry that won
    decided_by: tuple[str, ...]
    proposals: tuple[Proposal, ...]
    firings: tuple[RawFiring, ...]
    facts: CaseFacts
    scale: OutcomeScale  # the scale of the review's stage

    def rank(self, scale: list[str]) -> int:
        """Position on the scale (higher is better), -1 for a status."""
        return scale.index(self.rating) if self.rating else -1


class Evaluator:
    """Evaluates reviews with one compiled rule set; cheap to call many times."""

    def __init__(self, compiled: CompiledRules) -> None:
        self.compiled = compiled
        self.framework = compiled.framework
        self.scale = [level.id for level in compiled.framework.scale.levels]

    @cached_property
    def statement_texts(self) -> dict[str, str]:
        """Statement id → the framework's own wording."""
        return {s.id: s.text for s in self.framework.statements}

    @cached_property
    def modality_labels(self) -> dict[str, str]:
        return {m.id: m.label for m in self.framework.modalities.levels}

    def decide(self, review: Review, *, validate: bool = True) -> Decision:
        """Derive facts, run the rules and resolve their proposals to one outcome."""
        if validate:
            validate_review(self.framework, review)
        facts = derive_facts(self.framework, self.compiled.ruleset.facts, review)
        firings = tuple(self.compiled.engine.run(f"case-{next(_case_ids)}", list(facts.facts)))
        scale = self.compiled.scale_for(review.stage)
        proposals = tuple(p for f in firings if (p := self._proposal(f, scale)) is not None)
        resolution = self.compiled.ruleset.resolution
        winner = resolve(proposals, resolution, self.compiled.rule, scale.order)
        decided_by = tuple(dict.fromkeys(p.rule for p in proposals if p.outcome == winner))
        rating = None if winner in STATUSES else winner
        outcome = "rated" if rating else winner
        return Decision(outcome, rating, winner, decided_by, proposals, firings, facts, scale)

    def _proposal(self, firing: RawFiring, scale: OutcomeScale) -> Proposal | None:
        """A rule's proposal, on the scale of the review's stage (a rating follows its map)."""
        rule = self.compiled.rule(firing.rule)
        proposed = rule.then.propose or rule.then.status
        if proposed is None:
            return None
        outcome = scale.level_of(proposed)
        reason = render_reason(rule.reason, firing.matched, self.compiled.parameters)
        evidence = sorted(set().union(*[f.get("evidence", ()) for f in firing.matched.values()]))
        # Built without validation: the rule id and the outcome are the checked rule set's, the
        # evidence the validated review's ids (the reason is stripped, as validating would).
        return trusted(
            Proposal, rule=rule.id, outcome=outcome, reason=reason.strip(), evidence=tuple(evidence)
        )

    def trace(self, decision: Decision) -> Trace:
        """The typed trace of a decision: every firing in order with the facts it matched."""
        # Not validated again: the rule ids are the checked rule set's, the facts the engine's.
        firings = tuple(
            trusted(Firing, seq=f.seq, rule=f.rule, action=self._action(f.rule), matched=f.matched)
            for f in decision.firings
        )
        return Trace(
            engine_version=ENGINE_VERSION,
            ruleset=self.compiled.ruleset.id,
            ruleset_hash=self.compiled.content_hash,
            firings=firings,
        )

    def _action(self, rule_id: str) -> str:
        then = self.compiled.rule(rule_id).then
        if then.propose:
            return f"propose {then.propose}"
        if then.status:
            return f"status {then.status}"
        return f"conclude {then.conclude}"
