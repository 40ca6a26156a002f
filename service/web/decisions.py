"""Final decisions as the pages show them: who may record one (exactly whom the API lets), and
each decision in words (reason labels, evidence by kind and date, the decider's name)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Annotated, get_args

from fastapi import Depends
from sqlalchemy.orm import Session

from schemas.reasons import REASON_LABELS
from schemas.review import EvidenceItem
from schemas.service import KeyInfo, StoredRecord
from service import store
from service.deps import Drafter, RoleCheck
from service.web.auth import PersonCheck
from service.web.templating import day, words

__all__ = ["DeciderPerson", "DecisionView", "decision_views", "evidence_label", "may_decide"]

_API_CHECK: RoleCheck = get_args(Drafter)[1].dependency
"""The role check of ``POST /recommendations/{id}/decision`` (the API's ``Drafter``)."""

DeciderPerson = Annotated[KeyInfo, Depends(PersonCheck(*_API_CHECK.roles))]
"""Who may record a final decision: the roles the API allows, and (as the API) only on a
record of their own."""


def may_decide(person: KeyInfo) -> bool:
    """Whether ``person``'s role may record final decisions (on their own records)."""
    return person.role in _API_CHECK.roles


def evidence_label(item: EvidenceItem) -> str:
    """An evidence item as a person names it: 'Lesson observation, 8 October 2025'."""
    return f"{words(item.kind)}, {day(item.date)}"


@dataclass(frozen=True)
class DecisionView:
    """A final decision in words."""

    rating: str
    correction: bool
    decided_at: dt.datetime
    decided_by: str
    reason: str | None
    note: str | None
    evidence: tuple[str, ...] | None  # labels; None: recorded before decisions cited evidence


def decision_views(session: Session, record: StoredRecord) -> list[DecisionView]:
    """The record's final decisions, newest first (the first one stands)."""
    names = {key.id: key.name for key in store.list_keys(session)}
    items = {item.id: item for item in record.review.evidence}
    views = []
    for decision in reversed(record.decisions):
        cited = decision.evidence
        views.append(
            DecisionView(
                rating=decision.rating_label,
                correction=decision.supersedes is not None,
                decided_at=decision.decided_at,
                decided_by=names.get(decision.decided_by, decision.decided_by),
                reason=REASON_LABELS[decision.reason] if decision.reason else None,
                note=decision.note,
                evidence=None if cited is None else tuple(_cited(items, cited)),
            )
        )
    return views


def _cited(items: dict[str, EvidenceItem], cited: tuple[str, ...]) -> list[str]:
    return [evidence_label(items[e]) if e in items else e for e in cited]
