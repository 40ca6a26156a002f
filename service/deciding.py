"""Recording a person's final rating: checked against the sealed draft, then stored. The API's
``POST /recommendations/{id}/decision`` and the decision page both call ``record_decision``."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from engine.recommend.final_decision import check_decision, decision_scale
from engine.rules.scales import OutcomeScale
from schemas.framework import Framework
from schemas.review import Review
from schemas.ruleset import RuleSet
from schemas.service import DecisionCreate, FinalDecision
from service import store
from service.logs import log_event

__all__ = ["DecisionFrame", "decision_frame", "record_decision"]


@dataclass(frozen=True)
class DecisionFrame:
    """What a final decision on a record is checked against: the scale the draft is on and the
    review whose evidence it may cite."""

    framework: Framework
    ruleset: RuleSet
    review: Review
    draft_rating: str | None

    @property
    def scale(self) -> OutcomeScale:
        """The scale a final rating is given on (e.g. the induction scale for an ECT)."""
        return decision_scale(self.framework, self.ruleset, self.review.stage)

    def check(self, decision: DecisionCreate) -> str:
        """The final rating's label; ``InputError`` with every problem of ``decision``."""
        return check_decision(
            self.framework,
            self.draft_rating,
            decision,
            ruleset=self.ruleset,
            stage=self.review.stage,
            known_evidence=[item.id for item in self.review.evidence],
        )


def decision_frame(session: Session, row: store.DecisionRecordRow) -> DecisionFrame:
    """The record's sealed rule set and framework, its review and its draft rating."""
    ruleset, framework = store.sealed_ruleset(session, row.ruleset_hash)
    return DecisionFrame(framework, ruleset, store.review_of(row), row.rating)


def record_decision(
    session: Session,
    row: store.DecisionRecordRow,
    decision: DecisionCreate,
    *,
    decided_by: str,
    idempotency_key: str | None = None,
) -> tuple[FinalDecision, bool]:
    """Check ``decision`` against the record (``InputError`` with every problem) and store it,
    correcting the standing one; True when newly stored (False: an idempotent repeat)."""
    label = decision_frame(session, row).check(decision)
    final, created = store.add_decision(
        session,
        row,
        decision,
        rating_label=label,
        decided_by=decided_by,
        idempotency_key=idempotency_key,
    )
    if created:
        log_event(
            "decision.created",
            id=final.id,
            created_by=decided_by,
            record=row.id,
            rating=final.rating,
            differs=final.differs,
            reason=final.reason,
        )
    return final, created
