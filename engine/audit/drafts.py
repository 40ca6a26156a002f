"""Draft every cohort entry with the engine and keep what the checks need (an ``AuditCase``)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping

from engine.audit.cohort import Source, parse_source
from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Decision, Evaluator
from engine.decide.rulesets import RuleSets
from engine.errors import InputError, NotFoundError
from engine.facts.derive import in_window
from engine.rules.scales import OutcomeScale, framework_scale
from schemas.audit import AuditCase, CohortEntry
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework
from schemas.review import PROTECTED_ABSENCE, Review

__all__ = ["Drafter", "draft_label", "pattern_of"]

Result = AuditCase | list[Diagnostic]


def draft_label(outcome: str, rating: str | None) -> str:
    """The draft in one word: its rating, or its status."""
    return rating or outcome


class Drafter:
    """Turns sources into audit cases with one loaded catalogue and compiled rule sets."""

    def __init__(
        self, catalogue: Catalogue, ruleset: str | None, compare: str | None = None
    ) -> None:
        self.rulesets = RuleSets(catalogue)
        self.ruleset = ruleset
        self.compare = compare
        # One evaluator per rule set and framework met, kept for the whole cohort.
        self._evaluators: dict[tuple[str, str], Evaluator] = {}
        for chosen in (ruleset, compare):
            if chosen:
                self.rulesets.compiled(chosen)  # compile now: fail early, and once per process

    def cases(self, sources: Iterable[Source]) -> list[Result]:
        return [self.case(source) for source in sources]

    def case(self, source: Source) -> Result:
        """The audit case of one source, or the problems that stop it being audited."""
        try:
            entry = parse_source(source, self.rulesets.catalogue, self.scales)
            evaluator = self._evaluator(entry.review, self.ruleset)
            decision = evaluator.decide(entry.review, validate=False)
            compared = self._compare(entry.review)
        except InputError as exc:
            return list(exc.diagnostics)
        except NotFoundError as exc:  # e.g. the review names a rule set that does not exist
            return [_located(source, "not-found", str(exc))]
        return _case(source.ref, entry, evaluator, decision, compared)

    def scales(self, framework: Framework, named: str | None) -> Mapping[str | None, OutcomeScale]:
        """The scales of the rule set a review is drafted with, by stage (see ``ScalesOf``)."""
        chosen = self.ruleset or named or framework.id
        try:
            compiled = self.rulesets.compiled(chosen)
        except NotFoundError:  # said when the review is drafted
            return {None: framework_scale(framework)}
        if compiled.framework.id != framework.id:
            return {None: framework_scale(framework)}
        return compiled.scales

    def _compare(self, review: Review) -> Decision | None:
        if not self.compare:
            return None
        return self._evaluator(review, self.compare).decide(review, validate=False)

    def _evaluator(self, review: Review, ruleset: str | None) -> Evaluator:
        key = (ruleset or review.ruleset or review.framework, review.framework)
        if key not in self._evaluators:
            self._evaluators[key] = self.rulesets.evaluator(review, ruleset)
        return self._evaluators[key]


def _located(source: Source, code: str, message: str) -> Diagnostic:
    """A problem of a whole entry: its JSONL line, or its file."""
    if source.line:
        file = source.ref.rsplit(":", 1)[0]
        return Diagnostic(file=file, line=source.line, column=1, code=code, message=message)
    return Diagnostic(file=source.ref, line=0, column=0, code=code, message=message)


def _case(
    ref: str, entry: CohortEntry, evaluator: Evaluator, decision: Decision, other: Decision | None
) -> AuditCase:
    review = entry.review
    dated = {item.id: item.date for item in review.evidence}
    cited = tuple(dict.fromkeys(e for reason in entry.reasons for e in reason.evidence))
    return AuditCase(
        id=entry.id or review.subject,
        ref=ref,
        subject=review.subject,
        appraiser=review.appraiser,
        framework=review.framework,
        ruleset=evaluator.compiled.ruleset.id,
        stage=review.stage,
        scale=decision.scale.id,
        scale_levels=decision.scale.levels if decision.scale.id else (),
        draft_outcome=decision.outcome,
        draft_rating=decision.rating,
        decided_by=decision.decided_by,
        compare_outcome=other.outcome if other else None,
        compare_rating=other.rating if other else None,
        compare_decided_by=other.decided_by if other else (),
        final_rating=entry.final_rating,
        reason_code=entry.reason_code,
        progression=entry.progression,
        monitoring=entry.monitoring,
        pattern=pattern_of(review, decision),
        protected_absence=_protected_absence(review),
        reasons=len(entry.reasons),
        cited=cited,
        cited_outside=tuple(e for e in cited if e in dated and not in_window(review, dated[e])),
        cited_unknown=tuple(e for e in cited if e not in dated),
        stored_draft_differs=_stored_differs(entry, evaluator, decision),
    )


def pattern_of(review: Review, decision: Decision) -> str:
    """The facts like cases share, in short words and a hash of the full detail.

    Two cases with the same pattern are at the same stage, met the same statements at the
    required modalities (the same ledger), showed the same beyond-stage statements and concerns,
    had the same objective outcomes, and so drew the same draft.
    """
    facts = decision.facts
    met: list[str] = []
    beyond: list[str] = []
    concerns: list[str] = []
    for f in facts.statements.values():  # one pass: hundreds of statements in scope
        if f.met:  # a next-stage statement is met when it counts as beyond-stage evidence
            (met if f.required else beyond).append(f.statement)
        if f.concern:
            concerns.append(f.statement)
    met.sort()
    beyond.sort()
    concerns.sort()
    outcomes = sorted(o.outcome for o in review.objectives)
    ledger = ", ".join(f"{row.stage} {row.met}/{row.required}" for row in facts.ledger)
    draft = draft_label(decision.outcome, decision.rating)
    words = (
        f"{review.stage or 'no stage'}; ledger {ledger or '-'}; objectives "
        f"{' '.join(outcomes) or '-'}; {len(concerns)} concerns; {len(beyond)} beyond; "
        f"draft {draft}"
    )
    detail = json.dumps([review.stage, met, beyond, concerns, outcomes, draft])
    return f"{words} #{hashlib.sha256(detail.encode()).hexdigest()[:12]}"


def _protected_absence(review: Review) -> tuple[str, ...]:
    found = {
        absence.type
        for absence in review.circumstances.absences
        if absence.type in PROTECTED_ABSENCE
        and absence.start <= review.cycle_end
        and absence.end >= review.cycle_start
    }
    return tuple(sorted(found))


def _stored_differs(entry: CohortEntry, evaluator: Evaluator, decision: Decision) -> bool:
    stored = entry.draft
    if stored is None or stored.ruleset != evaluator.compiled.ruleset.id:
        return False
    if stored.ruleset_hash and stored.ruleset_hash != evaluator.compiled.content_hash:
        return False  # a different version of the rule set: a replay may differ legitimately
    return (stored.outcome, stored.rating) != (decision.outcome, decision.rating)
