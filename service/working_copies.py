"""Working copies: reviews being composed, one row each, owned by an appraiser's key.

Unlike decision records they are replaced as the appraiser works and deleted once sealed.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from typing import Any

from sqlalchemy import ForeignKey, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from engine.errors import NotFoundError
from schemas.working_copy import WorkingCopy
from service.store import Base, UTCDateTime

__all__ = [
    "WorkingCopyRow",
    "create_working_copy",
    "delete_working_copy",
    "get_working_copy",
    "list_working_copies",
    "save_working_copy",
]


class WorkingCopyRow(Base):
    __tablename__ = "working_copies"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    owner: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), index=True)
    review_json: Mapped[str] = mapped_column(Text)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _view(row: WorkingCopyRow) -> WorkingCopy:
    return WorkingCopy(
        id=row.id,
        review=json.loads(row.review_json),
        created_at=row.created_at,
        updated_at=row.updated_at,
    )


def create_working_copy(session: Session, owner: str, review: dict[str, Any]) -> WorkingCopy:
    """A new working copy of ``review`` for the key ``owner``."""
    now = _now()
    row = WorkingCopyRow(
        id=f"wc_{uuid.uuid4().hex}",
        owner=owner,
        review_json=json.dumps(review),
        created_at=now,
        updated_at=now,
    )
    session.add(row)
    session.commit()
    return _view(row)


def _row(session: Session, copy_id: str, owner: str) -> WorkingCopyRow:
    row = session.get(WorkingCopyRow, copy_id)
    if row is None or row.owner != owner:
        raise NotFoundError(f"no working copy {copy_id!r}")
    return row


def get_working_copy(session: Session, copy_id: str, owner: str) -> WorkingCopy:
    """The working copy ``copy_id`` of ``owner``; another key's is not found."""
    return _view(_row(session, copy_id, owner))


def list_working_copies(session: Session, owner: str) -> list[WorkingCopy]:
    """``owner``'s working copies, the last saved first."""
    query = (
        select(WorkingCopyRow)
        .where(WorkingCopyRow.owner == owner)
        .order_by(WorkingCopyRow.updated_at.desc(), WorkingCopyRow.id)
    )
    return [_view(row) for row in session.scalars(query)]


def save_working_copy(
    session: Session, copy_id: str, owner: str, review: dict[str, Any]
) -> WorkingCopy:
    """Replace the review ``copy_id`` holds (``owner``'s only)."""
    row = _row(session, copy_id, owner)
    row.review_json = json.dumps(review)
    row.updated_at = _now()
    session.commit()
    return _view(row)


def delete_working_copy(session: Session, copy_id: str, owner: str) -> None:
    """Delete ``owner``'s working copy ``copy_id``."""
    session.delete(_row(session, copy_id, owner))
    session.commit()
