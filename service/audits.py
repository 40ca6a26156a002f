"""Between the audit handlers and the engine: the stored decisions as a cohort, then the audit.

No rule logic lives here: drafting and every check are the engine's (``engine.audit``); this
module only reads the standing record and final decision of each case into ``CohortEntry``.
"""

from __future__ import annotations

import re

from sqlalchemy.orm import Session

from engine.audit import audit_entries
from schemas.audit import AuditSettings, CohortEntry, Monitoring, RecordedReason, StoredDraft
from schemas.service import AuditCreate, StoredAudit
from service import store
from service.settings import Settings

__all__ = ["run_audit"]


def run_audit(
    session: Session, request: AuditCreate, settings: Settings, *, created_by: str
) -> StoredAudit:
    """Audit the standing, decided records the request selects, and store the report."""
    decided, undecided = store.decided_records(
        session, cycle_on=request.cycle, framework=request.framework
    )
    entries = [_entry(record, final, request.monitoring) for record, final in decided]
    report = audit_entries(
        entries,
        AuditSettings(
            alpha=request.alpha,
            min_cases=request.min_cases,
            suppress_below=request.suppress_below,
            ruleset=request.ruleset,
            compare_ruleset=request.compare_ruleset,
        ),
        rules_dir=settings.rules_dir,
    )
    return store.add_audit(
        session, request, report, cases=len(entries), undecided=undecided, created_by=created_by
    )


def _entry(
    record: store.DecisionRecordRow,
    final: store.FinalDecisionRow,
    monitoring: dict[str, Monitoring],
) -> CohortEntry:
    review = store.review_of(record)
    recommendation = store.recommendation_of(record)
    return CohortEntry(
        id=record.id,
        review=review,
        final_rating=final.rating,
        reason_code=final.reason,
        reasons=_reasons(final, [item.id for item in review.evidence]),
        monitoring=monitoring.get(record.subject, Monitoring()),
        draft=StoredDraft(
            ruleset=record.ruleset_id,
            ruleset_hash=record.ruleset_hash,
            outcome=record.outcome,
            rating=record.rating,
            decided_by=recommendation.decided_by,
        ),
    )


def _reasons(final: store.FinalDecisionRow, evidence_ids: list[str]) -> tuple[RecordedReason, ...]:
    """The decision's note as a recorded reason, citing the evidence the decision cites; for a
    decision stored before decisions cited evidence, the review's ids its note names."""
    note, cited = final.note, store.cited_evidence(final)
    if cited is None:
        cited = tuple(e for e in evidence_ids if note and _named(e, note))
    if not note and not cited:
        return ()
    return (RecordedReason(text=note or "(no note)", evidence=cited),)


def _named(evidence_id: str, note: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(evidence_id)}(?![\w-])", note) is not None
