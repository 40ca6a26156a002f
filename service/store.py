"""The service's tables and every read and write of them; handlers never touch the database.

Decision records, final decisions and sealed rule sets are only ever inserted: a correction is a
new row pointing at the old one, and the migrations add triggers that refuse UPDATE and DELETE.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import json
import secrets
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import (
    Boolean,
    Connection,
    Date,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    Row,
    Select,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    bindparam,
    func,
    select,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    aliased,
    defer,
    load_only,
    mapped_column,
)

from engine.audit.summary import summary_of
from engine.errors import NotFoundError
from engine.rules.compiler import CompiledRules
from schemas.audit import AuditReport
from schemas.framework import Framework
from schemas.recommendation import Recommendation
from schemas.review import Review
from schemas.ruleset import RuleSet
from schemas.service import (
    AuditCreate,
    AuditSummary,
    DecisionCreate,
    FinalDecision,
    KeyCreated,
    KeyInfo,
    RecordSummary,
    Role,
    StoredAudit,
    StoredRecord,
)
from service.commits import GroupCommit

__all__ = [
    "DecisionRecordRow",
    "FinalDecisionRow",
    "IdempotencyConflict",
    "InvalidCursor",
    "LastAdminKey",
    "NewRecord",
    "Page",
    "RecordFilter",
    "add_audit",
    "add_decision",
    "add_record",
    "cited_evidence",
    "count_records",
    "create_key",
    "decided_records",
    "find_records",
    "get_audit",
    "get_record",
    "key_for_secret",
    "list_audits",
    "list_keys",
    "new_record_json",
    "recommendation_of",
    "record_cycles",
    "record_view",
    "review_of",
    "revoke_key",
    "save_ruleset",
    "sealed_ruleset",
]

KEY_PREFIX = "apr_"


class IdempotencyConflict(Exception):
    """Raised when an Idempotency-Key is reused for a different request."""


class LastAdminKey(Exception):
    """Raised when the last active admin key would be revoked, locking out key management."""


class UTCDateTime(TypeDecorator[dt.datetime]):
    """A timestamp always handed back in UTC, also from SQLite, which keeps no zone."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        return value.astimezone(dt.UTC) if value is not None else None

    def process_result_value(self, value: dt.datetime | None, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


class Base(DeclarativeBase):
    pass


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(12))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    revoked_at: Mapped[dt.datetime | None] = mapped_column(UTCDateTime(), nullable=True)


class SealedRuleSet(Base):
    """A rule set exactly as a decision used it, with the framework it was compiled against."""

    __tablename__ = "sealed_rulesets"

    content_hash: Mapped[str] = mapped_column(String(100), primary_key=True)
    ruleset_id: Mapped[str] = mapped_column(String(200))
    ruleset_json: Mapped[str] = mapped_column(Text)
    framework_json: Mapped[str] = mapped_column(Text)
    stored_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())


class DecisionRecordRow(Base):
    __tablename__ = "decision_records"
    __table_args__ = (
        UniqueConstraint("created_by", "idempotency_key"),
        Index("ix_decision_records_newest", "created_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"), index=True)
    supersedes: Mapped[str | None] = mapped_column(
        ForeignKey("decision_records.id"), nullable=True, index=True
    )
    subject: Mapped[str] = mapped_column(String(200), index=True)
    framework: Mapped[str] = mapped_column(String(100))
    stage: Mapped[str | None] = mapped_column(String(100), nullable=True, index=True)
    ruleset_id: Mapped[str] = mapped_column(String(200))
    ruleset_hash: Mapped[str] = mapped_column(ForeignKey("sealed_rulesets.content_hash"))
    input_hash: Mapped[str] = mapped_column(String(100))
    engine_version: Mapped[str] = mapped_column(String(200))
    evaluated_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    cycle_start: Mapped[dt.date] = mapped_column(Date)
    cycle_end: Mapped[dt.date] = mapped_column(Date)
    outcome: Mapped[str] = mapped_column(String(40))
    rating: Mapped[str | None] = mapped_column(String(100), nullable=True)
    input_json: Mapped[str] = mapped_column(Text)
    result_json: Mapped[str] = mapped_column(Text)
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    request_hash: Mapped[str] = mapped_column(String(100))


class FinalDecisionRow(Base):
    __tablename__ = "final_decisions"
    __table_args__ = (UniqueConstraint("created_by", "idempotency_key"),)

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    record_id: Mapped[str] = mapped_column(ForeignKey("decision_records.id"), index=True)
    rating: Mapped[str] = mapped_column(String(100))
    rating_label: Mapped[str] = mapped_column(String(200))
    draft_rating: Mapped[str | None] = mapped_column(String(100), nullable=True)
    differs: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str | None] = mapped_column(String(40), nullable=True)
    note: Mapped[str | None] = mapped_column(Text, nullable=True)
    # A JSON list of the review's evidence ids; NULL on decisions stored before it existed.
    evidence_json: Mapped[str | None] = mapped_column(Text, nullable=True)
    decided_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    supersedes: Mapped[str | None] = mapped_column(
        ForeignKey("final_decisions.id"), nullable=True, index=True
    )
    idempotency_key: Mapped[str | None] = mapped_column(String(200), nullable=True)
    request_hash: Mapped[str] = mapped_column(String(100))


class AuditRow(Base):
    __tablename__ = "audits"
    """An audit HR ran over the stored decisions; insert-only like the records."""

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    created_by: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    request_json: Mapped[str] = mapped_column(Text)
    report_json: Mapped[str] = mapped_column(Text)
    cases: Mapped[int] = mapped_column(Integer)
    undecided: Mapped[int] = mapped_column(Integer)
    # The headline counts, so a list of audits never reads their reports (NULL in audits stored
    # before migration 0008: those are counted from the report).
    overrides: Mapped[int | None] = mapped_column(Integer, nullable=True)
    flags: Mapped[int | None] = mapped_column(Integer, nullable=True)


def _new_id(prefix: str) -> str:
    return f"{prefix}_{uuid.uuid4().hex}"


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- API keys ---------------------------------------------------------------------------------


_KeyRow = Row[str, str, str, str, dt.datetime, dt.datetime | None]  # what _KEY_BY_HASH selects


def key_info(row: ApiKey | _KeyRow) -> KeyInfo:
    """A key's public fields, from its mapped row or a plain query's row."""
    return KeyInfo(
        id=row.id,
        name=row.name,
        role=row.role,
        prefix=row.prefix,
        created_at=row.created_at,
        revoked_at=row.revoked_at,
    )


def create_key(session: Session, role: Role, name: str) -> KeyCreated:
    """A new random key; only its SHA-256 is stored, so this is the one time it can be read."""
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    row = ApiKey(
        id=_new_id("key"),
        name=name,
        role=role,
        key_hash=_sha256(secret),
        prefix=secret[:10],
        created_at=_now(),
    )
    session.add(row)
    session.commit()
    return KeyCreated(**key_info(row).model_dump(), key=secret)


_KEY_BY_HASH = select(
    ApiKey.id, ApiKey.name, ApiKey.role, ApiKey.prefix, ApiKey.created_at, ApiKey.revoked_at
).where(ApiKey.key_hash == bindparam("key_hash"))
"""Every request's key lookup: a plain Core query (its compiled form is cached), read afresh
each time so that a key revoked by any process stops working at once."""


def key_for_secret(connection: Connection, secret: str) -> KeyInfo | None:
    """The live key whose secret this is, or None (unknown or revoked)."""
    row = connection.execute(_KEY_BY_HASH, {"key_hash": _sha256(secret)}).first()
    if row is None or row.revoked_at is not None:
        return None
    return key_info(row)


def list_keys(session: Session) -> list[KeyInfo]:
    return [key_info(r) for r in session.scalars(select(ApiKey).order_by(ApiKey.created_at))]


def revoke_key(session: Session, key_id: str) -> KeyInfo:
    """Revoke a key for good; ``LastAdminKey`` when it is the last admin key still active.

    One UPDATE checks and revokes, so two requests cannot both pass the check on SQLite (one
    writer at a time); on PostgreSQL two admins revoking each other at the same instant could.
    """
    row = session.get(ApiKey, key_id)
    if row is None:
        raise NotFoundError(f"no key {key_id!r}")
    if row.revoked_at is not None:
        return key_info(row)
    other_admins = (
        select(func.count())
        .select_from(ApiKey)
        .where(ApiKey.role == "admin", ApiKey.revoked_at.is_(None), ApiKey.id != key_id)
        .scalar_subquery()
    )
    revoked = session.execute(
        update(ApiKey)
        .where(ApiKey.id == key_id, ApiKey.revoked_at.is_(None))
        .where((ApiKey.role != "admin") | (other_admins > 0))
        .values(revoked_at=_now())
    )
    session.commit()
    if revoked.rowcount == 0:  # type: ignore[attr-defined]
        raise LastAdminKey(
            f"key {key_id!r} is the last admin key still active: create another admin key "
            "before revoking it, or nobody could manage keys"
        )
    session.refresh(row)
    return key_info(row)


# --- sealed rule sets -------------------------------------------------------------------------


def save_ruleset(session: Session, compiled: CompiledRules, known: set[str] | None = None) -> None:
    """Keep this rule-set version by its content hash (once), so it can be replayed later.

    ``known``: hashes this process already saw stored, which it need not look up again (sealed
    rule sets are never deleted, so the set cannot go stale)."""
    if known is not None and compiled.content_hash in known:
        return
    if session.get(SealedRuleSet, compiled.content_hash) is not None:
        if known is not None:
            known.add(compiled.content_hash)
        return
    session.add(
        SealedRuleSet(
            content_hash=compiled.content_hash,
            ruleset_id=compiled.ruleset.id,
            ruleset_json=compiled.ruleset.model_dump_json(by_alias=True),
            framework_json=compiled.framework.model_dump_json(),
            stored_at=_now(),
        )
    )
    try:
        session.commit()
    except IntegrityError:  # stored meanwhile by a concurrent request: the same content
        session.rollback()


def sealed_ruleset(session: Session, content_hash: str) -> tuple[RuleSet, Framework]:
    """The rule set and framework a decision was sealed with."""
    row = session.get(SealedRuleSet, content_hash)
    if row is None:
        raise NotFoundError(f"no stored rule set with hash {content_hash!r}")
    ruleset = RuleSet.model_validate_json(row.ruleset_json)
    return ruleset, Framework.model_validate_json(row.framework_json)


# --- decision records -------------------------------------------------------------------------


@dataclass(frozen=True)
class NewRecord:
    """What a POST /recommendations asks to store."""

    review: Review
    recommendation: Recommendation
    created_by: str
    supersedes: str | None = None
    idempotency_key: str | None = None

    @property
    def request_hash(self) -> str:
        return _sha256(f"{self.recommendation.record.input_hash}|{self.supersedes or ''}")


def add_record(
    session: Session, new: NewRecord, commits: GroupCommit | None = None
) -> tuple[DecisionRecordRow, bool]:
    """Store a decision record; with an Idempotency-Key seen before, the earlier one (False).

    With ``commits``, the record is committed together with others waiting (group commit)."""
    earlier = _idempotent(session, DecisionRecordRow, new.created_by, new.idempotency_key)
    if earlier is not None:
        return _same_request(earlier, new.request_hash), False
    if new.supersedes is not None:
        get_record(session, new.supersedes, owner=new.created_by)
    rec = new.recommendation
    row = DecisionRecordRow(
        id=_new_id("rec"),
        created_at=_now(),
        created_by=new.created_by,
        supersedes=new.supersedes,
        subject=new.review.subject,
        framework=rec.framework,
        stage=new.review.stage,
        ruleset_id=rec.record.ruleset,
        ruleset_hash=rec.record.ruleset_hash,
        input_hash=rec.record.input_hash,
        engine_version=rec.record.engine_version,
        evaluated_at=rec.record.evaluated_at,
        cycle_start=new.review.cycle_start,
        cycle_end=new.review.cycle_end,
        outcome=rec.outcome,
        rating=rec.rating,
        input_json=new.review.model_dump_json(),
        result_json=rec.model_dump_json(),
        idempotency_key=new.idempotency_key,
        request_hash=new.request_hash,
    )
    return _insert_once(session, row, DecisionRecordRow, new.created_by, new.request_hash, commits)


def get_record(session: Session, record_id: str, *, owner: str | None) -> DecisionRecordRow:
    """The record with this id; with ``owner``, only if that key created it (else not found)."""
    row = session.get(DecisionRecordRow, record_id)
    if row is None or (owner is not None and row.created_by != owner):
        raise NotFoundError(f"no recommendation {record_id!r}")
    return row


@dataclass(frozen=True)
class Page:
    """A page of records, newest first; the cursor of the next page (None: the last) and of
    the previous one (None: the first)."""

    records: list[RecordSummary]
    next_cursor: str | None
    previous_cursor: str | None = None


@dataclass(frozen=True)
class RecordFilter:
    """Which records a list shows; None leaves a field unfiltered."""

    subject: str | None = None
    cycle_on: dt.date | None = None
    framework: str | None = None
    stage: str | None = None
    outcome: str | None = None
    created_by: str | None = None
    overridden: bool | None = None


def find_records(
    session: Session,
    *,
    owner: str | None,
    where: RecordFilter = RecordFilter(),
    limit: int = 100,
    cursor: str | None = None,
    before: str | None = None,
) -> Page:
    """Records newest first that ``owner`` may read (None: every one) and ``where`` selects;
    ``cursor`` (a page's ``next_cursor``) continues after that page's last record, ``before``
    (a page's ``previous_cursor``) gives the page ending just before that page's first.

    Keyset paging on (created_at, id): a page never repeats or skips a record, however many
    are stored meanwhile. ``InvalidCursor`` for a cursor this function did not make."""
    key = (DecisionRecordRow.created_at, DecisionRecordRow.id)
    # Without the input and result: a sort carrying them was most of a page's time.
    listed = select(DecisionRecordRow).options(load_only(*_SUMMARY_COLUMNS))
    query = _filtered(listed, owner, where).limit(limit + 1)
    if before is not None:
        created_at, record_id = _read_cursor(before)
        query = query.where(_after_key(created_at, record_id)).order_by(*key)
        rows = list(session.scalars(query))
        more, rows = len(rows) > limit, rows[:limit][::-1]
        following = _cursor(rows[-1]) if rows else None
        return Page(_summaries(session, rows), following, _cursor(rows[0]) if more else None)
    if cursor is not None:
        created_at, record_id = _read_cursor(cursor)
        query = query.where(_before_key(created_at, record_id))
    rows = list(session.scalars(query.order_by(*(k.desc() for k in key))))
    more, rows = len(rows) > limit, rows[:limit]
    previous = _cursor(rows[0]) if cursor is not None and rows else None
    return Page(_summaries(session, rows), _cursor(rows[-1]) if more else None, previous)


_SUMMARY_COLUMNS = (
    DecisionRecordRow.id,
    DecisionRecordRow.created_at,
    DecisionRecordRow.created_by,
    DecisionRecordRow.subject,
    DecisionRecordRow.framework,
    DecisionRecordRow.stage,
    DecisionRecordRow.ruleset_id,
    DecisionRecordRow.cycle_start,
    DecisionRecordRow.cycle_end,
    DecisionRecordRow.outcome,
    DecisionRecordRow.rating,
)
"""What a line of a listing shows (``RecordSummary``)."""


def count_records(session: Session, *, owner: str | None, where: RecordFilter) -> int:
    """How many records ``find_records`` would list over every page."""
    query = _filtered(select(func.count()).select_from(DecisionRecordRow), owner, where)
    return session.scalar(query) or 0


def record_cycles(session: Session, *, owner: str | None) -> list[tuple[dt.date, dt.date]]:
    """The review cycles of the records ``owner`` may read, latest first."""
    query = select(DecisionRecordRow.cycle_start, DecisionRecordRow.cycle_end).distinct()
    if owner is not None:
        query = query.where(DecisionRecordRow.created_by == owner)
    query = query.order_by(DecisionRecordRow.cycle_start.desc(), DecisionRecordRow.cycle_end)
    return [(start, end) for start, end in session.execute(query)]


def _filtered(query: Select[Any], owner: str | None, where: RecordFilter) -> Select[Any]:
    record = DecisionRecordRow
    equal = [
        (record.created_by, owner),
        (record.created_by, where.created_by),
        (record.subject, where.subject),
        (record.framework, where.framework),
        (record.stage, where.stage),
        (record.outcome, where.outcome),
    ]
    for column, value in equal:
        if value is not None:
            query = query.where(column == value)
    if where.overridden is not None:
        overridden = record.id.in_(_overridden_records())
        query = query.where(overridden if where.overridden else ~overridden)
    return _in_cycle(query, where.cycle_on)


def _overridden_records() -> Select[Any]:
    """Ids of records whose standing final decision (one no later decision corrects) differs
    from the draft."""
    later = aliased(FinalDecisionRow)
    corrected = select(later.id).where(later.supersedes == FinalDecisionRow.id).exists()
    return select(FinalDecisionRow.record_id).where(FinalDecisionRow.differs, ~corrected)


def _before_key(created_at: dt.datetime, row_id: str, table: Any = DecisionRecordRow) -> Any:
    """Rows of ``table`` that come after (created_at, row_id) newest first: older ones."""
    return (table.created_at < created_at) | (
        (table.created_at == created_at) & (table.id < row_id)
    )


def _after_key(created_at: dt.datetime, record_id: str) -> Any:
    record = DecisionRecordRow
    return (record.created_at > created_at) | (
        (record.created_at == created_at) & (record.id > record_id)
    )


def _summaries(session: Session, rows: Sequence[DecisionRecordRow]) -> list[RecordSummary]:
    finals = {k: v.rating for k, v in _standing_decisions(session, [r.id for r in rows]).items()}
    return [
        RecordSummary(
            id=r.id,
            created_at=r.created_at,
            created_by=r.created_by,
            subject=r.subject,
            framework=r.framework,
            stage=r.stage,
            ruleset=r.ruleset_id,
            cycle_start=r.cycle_start,
            cycle_end=r.cycle_end,
            outcome=r.outcome,
            rating=r.rating,
            final_rating=finals.get(r.id),
        )
        for r in rows
    ]


class InvalidCursor(ValueError):
    """Raised for a paging cursor that no page handed out."""


def _cursor(row: DecisionRecordRow) -> str:
    text = f"{row.created_at.isoformat()}|{row.id}"
    return base64.urlsafe_b64encode(text.encode("utf-8")).decode("ascii").rstrip("=")


def _read_cursor(cursor: str) -> tuple[dt.datetime, str]:
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode("utf-8")
        created_at, record_id = text.split("|", 1)
        return dt.datetime.fromisoformat(created_at), record_id
    except ValueError:  # binascii.Error and UnicodeDecodeError are ValueErrors
        raise InvalidCursor("not a cursor this service handed out") from None


def review_of(row: DecisionRecordRow) -> Review:
    return Review.model_validate_json(row.input_json)


def recommendation_of(row: DecisionRecordRow) -> Recommendation:
    return Recommendation.model_validate_json(row.result_json)


def record_view(session: Session, row: DecisionRecordRow) -> StoredRecord:
    """The stored record as the API shows it, with its final decisions and corrections."""
    later = session.scalars(
        select(DecisionRecordRow.id)
        .where(DecisionRecordRow.supersedes == row.id)
        .order_by(DecisionRecordRow.created_at)
    )
    return _stored_record(
        row,
        superseded_by=tuple(later),
        review=review_of(row),
        recommendation=recommendation_of(row),
        decisions=tuple(_decision_view(d) for d in _decisions(session, row.id)),
    )


def _stored_record(
    row: DecisionRecordRow,
    *,
    superseded_by: tuple[str, ...],
    review: Review,
    recommendation: Recommendation,
    decisions: tuple[FinalDecision, ...],
) -> StoredRecord:
    """The API's view of ``row`` with what is read beside it (or known without reading)."""
    return StoredRecord(
        id=row.id,
        created_at=row.created_at,
        created_by=row.created_by,
        supersedes=row.supersedes,
        superseded_by=superseded_by,
        ruleset=row.ruleset_id,
        ruleset_hash=row.ruleset_hash,
        input_hash=row.input_hash,
        engine_version=row.engine_version,
        evaluated_at=row.evaluated_at,
        review=review,
        recommendation=recommendation,
        decisions=decisions,
    )


def new_record_json(
    row: DecisionRecordRow, review: Review, recommendation: Recommendation
) -> bytes:
    """``record_view`` of a record just inserted from ``review`` and ``recommendation``, as the
    API's JSON: nothing corrects or decides it yet, and its input and result are the JSON just
    stored in ``row``, spliced in rather than serialised a second time (~40 KB for a review of
    60 evidence items; the rest of the record is a few hundred bytes)."""
    view = _stored_record(
        row, superseded_by=(), review=review, recommendation=recommendation, decisions=()
    )
    # The three are StoredRecord's last fields, in this order: the splice keeps pydantic's.
    head = view.model_dump_json(by_alias=True, exclude={"review", "recommendation", "decisions"})
    spliced = f',"review":{row.input_json},"recommendation":{row.result_json},"decisions":[]}}'
    return (head[:-1] + spliced).encode()


# --- final decisions --------------------------------------------------------------------------


def _decisions(session: Session, record_id: str) -> list[FinalDecisionRow]:
    query = (
        select(FinalDecisionRow)
        .where(FinalDecisionRow.record_id == record_id)
        .order_by(FinalDecisionRow.decided_at)
    )
    return list(session.scalars(query))


def _decision_view(row: FinalDecisionRow) -> FinalDecision:
    return FinalDecision(
        id=row.id,
        record=row.record_id,
        rating=row.rating,
        rating_label=row.rating_label,
        draft_rating=row.draft_rating,
        differs=row.differs,
        reason=row.reason,
        note=row.note,
        evidence=cited_evidence(row),
        decided_at=row.decided_at,
        decided_by=row.created_by,
        supersedes=row.supersedes,
    )


def cited_evidence(row: FinalDecisionRow) -> tuple[str, ...] | None:
    """The evidence ids the decision cites; None when stored before decisions cited any."""
    if row.evidence_json is None:
        return None
    return tuple(json.loads(row.evidence_json))


def add_decision(
    session: Session,
    record: DecisionRecordRow,
    decision: DecisionCreate,
    *,
    rating_label: str,
    decided_by: str,
    idempotency_key: str | None = None,
) -> tuple[FinalDecision, bool]:
    """Store a final decision, correcting the standing one if any; True when newly stored."""
    # Without evidence, hashed as before the field existed: a retry spanning the upgrade matches.
    plain = decision.model_dump_json(exclude=None if decision.evidence else {"evidence"})
    request_hash = _sha256(f"{record.id}|{plain}")
    earlier = _idempotent(session, FinalDecisionRow, decided_by, idempotency_key)
    if earlier is not None:
        return _decision_view(_same_request(earlier, request_hash)), False
    standing = _decisions(session, record.id)
    row = FinalDecisionRow(
        id=_new_id("dec"),
        record_id=record.id,
        rating=decision.rating,
        rating_label=rating_label,
        draft_rating=record.rating,
        differs=decision.rating != record.rating,
        reason=decision.reason,
        note=decision.note,
        evidence_json=json.dumps(list(decision.evidence)),
        decided_at=_now(),
        created_by=decided_by,
        supersedes=standing[-1].id if standing else None,
        idempotency_key=idempotency_key,
        request_hash=request_hash,
    )
    stored, created = _insert_once(session, row, FinalDecisionRow, decided_by, request_hash)
    return _decision_view(stored), created


# --- audits ---------------------------------------------------------------------------------


def decided_records(
    session: Session, *, cycle_on: dt.date | None, framework: str | None
) -> tuple[list[tuple[DecisionRecordRow, FinalDecisionRow]], int]:
    """Each case's standing record (not corrected by a later one) with its standing final
    decision, oldest first; and how many standing records have no final decision yet."""
    corrected = select(DecisionRecordRow.supersedes).where(
        DecisionRecordRow.supersedes.is_not(None)
    )
    query = (
        select(DecisionRecordRow)
        .where(DecisionRecordRow.id.not_in(corrected))
        .order_by(DecisionRecordRow.created_at, DecisionRecordRow.id)
    )
    query = _in_cycle(query, cycle_on)
    if framework is not None:
        query = query.where(DecisionRecordRow.framework == framework)
    records = list(session.scalars(query))
    finals = _standing_decisions(session, [r.id for r in records])
    decided = [(r, finals[r.id]) for r in records if r.id in finals]
    return decided, len(records) - len(decided)


def _in_cycle(query: Select[Any], day: dt.date | None) -> Select[Any]:
    """Only records whose review cycle contains ``day`` (all of them when it is None)."""
    if day is None:
        return query
    return query.where(DecisionRecordRow.cycle_start <= day, DecisionRecordRow.cycle_end >= day)


def _standing_decisions(session: Session, record_ids: Sequence[str]) -> dict[str, FinalDecisionRow]:
    """Record id → its latest final decision (later decisions correct earlier ones)."""
    if not record_ids:
        return {}
    query = (
        select(FinalDecisionRow)
        .where(FinalDecisionRow.record_id.in_(record_ids))
        .order_by(FinalDecisionRow.decided_at, FinalDecisionRow.id)
    )
    return {row.record_id: row for row in session.scalars(query)}


def add_audit(
    session: Session,
    request: AuditCreate,
    report: AuditReport,
    *,
    cases: int,
    undecided: int,
    created_by: str,
) -> StoredAudit:
    overrides, flags = _headline_counts(report)
    row = AuditRow(
        id=_new_id("aud"),
        created_at=_now(),
        created_by=created_by,
        request_json=request.model_dump_json(),
        report_json=report.model_dump_json(),
        cases=cases,
        undecided=undecided,
        overrides=overrides,
        flags=flags,
    )
    session.add(row)
    session.commit()
    return _audit_view(row)


def get_audit(session: Session, audit_id: str) -> StoredAudit:
    row = session.get(AuditRow, audit_id)
    if row is None:
        raise NotFoundError(f"no audit {audit_id!r}")
    return _audit_view(row)


def list_audits(
    session: Session, *, limit: int = 100, older_than: str | None = None
) -> list[AuditSummary]:
    """The latest ``limit`` audits, newest first (with ``older_than``, an audit's id: those run
    before it), each with its headline counts (read from their columns: a report of a large
    cohort runs to megabytes, and is read only for an audit stored before the counts were kept).
    """
    query = (
        select(AuditRow)
        .options(defer(AuditRow.report_json))
        .order_by(AuditRow.created_at.desc(), AuditRow.id.desc())
    )
    if older_than is not None:
        newer = session.get(AuditRow, older_than, options=[defer(AuditRow.report_json)])
        if newer is None:
            raise NotFoundError(f"no audit {older_than!r}")
        query = query.where(_before_key(newer.created_at, newer.id, AuditRow))
    return [_audit_summary(row) for row in session.scalars(query.limit(limit))]


def _audit_summary(row: AuditRow) -> AuditSummary:
    request = AuditCreate.model_validate_json(row.request_json)
    overrides, flags = row.overrides, row.flags
    if overrides is None or flags is None:
        overrides, flags = _headline_counts(AuditReport.model_validate_json(row.report_json))
    return AuditSummary(
        id=row.id,
        created_at=row.created_at,
        created_by=row.created_by,
        cycle=request.cycle,
        framework=request.framework,
        cases=row.cases,
        undecided=row.undecided,
        monitored=len(request.monitoring),
        overrides=overrides,
        flags=flags,
    )


def _headline_counts(report: AuditReport) -> tuple[int, int]:
    """An audit's overrides (finals that differ from a rated draft) and flags raised."""
    return summary_of(report).overrides, len(report.flags)


def _audit_view(row: AuditRow) -> StoredAudit:
    return StoredAudit(
        id=row.id,
        created_at=row.created_at,
        created_by=row.created_by,
        request=AuditCreate.model_validate_json(row.request_json),
        cases=row.cases,
        undecided=row.undecided,
        report=AuditReport.model_validate_json(row.report_json),
    )


# --- idempotency ------------------------------------------------------------------------------

R = TypeVar("R", DecisionRecordRow, FinalDecisionRow)


def _idempotent(session: Session, table: type[R], caller: str, key: str | None) -> R | None:
    if key is None:
        return None
    query = select(table).where(table.created_by == caller, table.idempotency_key == key)
    return session.scalar(query)


def _same_request(row: R, request_hash: str) -> R:
    if row.request_hash != request_hash:
        raise IdempotencyConflict("this Idempotency-Key was used for a different request")
    return row


def _insert_once(
    session: Session,
    row: R,
    table: type[R],
    caller: str,
    request_hash: str,
    commits: GroupCommit | None = None,
) -> tuple[R, bool]:
    """Insert and commit; when a concurrent request with the same key won, return its row."""
    try:
        if commits is None:
            session.add(row)
            session.commit()
        else:
            session.commit()  # hands its connection back: the writer may need it meanwhile
            commits.insert(row)
    except IntegrityError:
        session.rollback()
        earlier = _idempotent(session, table, caller, row.idempotency_key)
        if earlier is None:
            raise
        return _same_request(earlier, request_hash), False
    return row, True
