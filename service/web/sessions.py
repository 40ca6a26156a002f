"""Web sign-ins kept server-side: the cookie holds a random token, the table its hash.

A session is looked up with its key on every request, so a revoked key's sessions end at once
and an expired one is never honoured, whatever the browser still holds."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from sqlalchemy import Connection, ForeignKey, String, bindparam, delete, insert, select
from sqlalchemy.orm import Mapped, mapped_column

from schemas.service import KeyInfo
from service.store import ApiKey, Base, UTCDateTime, key_info

__all__ = ["WebSession", "end_session", "person_for_token", "start_session"]


class WebSession(Base):
    __tablename__ = "web_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_id: Mapped[str] = mapped_column(ForeignKey("api_keys.id"))
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), index=True)


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _now() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def start_session(connection: Connection, key_id: str, minutes: int) -> str:
    """A new session for ``key_id`` lasting ``minutes``; returns the token for the cookie.
    Sessions already expired are cleared out on the way."""
    token = secrets.token_urlsafe(32)
    now = _now()
    connection.execute(delete(WebSession).where(WebSession.expires_at <= now))
    connection.execute(
        insert(WebSession).values(
            token_hash=_hash(token),
            key_id=key_id,
            created_at=now,
            expires_at=now + dt.timedelta(minutes=minutes),
        )
    )
    return token


_PERSON = (
    select(ApiKey.id, ApiKey.name, ApiKey.role, ApiKey.prefix, ApiKey.created_at, ApiKey.revoked_at)
    .join(WebSession, WebSession.key_id == ApiKey.id)
    .where(
        WebSession.token_hash == bindparam("token_hash"),
        WebSession.expires_at > bindparam("now", type_=UTCDateTime()),
        ApiKey.revoked_at.is_(None),
    )
)
"""The person a cookie's token signs in: only while the session lasts and the key is live."""


def person_for_token(connection: Connection, token: str) -> KeyInfo | None:
    """The live key signed in with ``token``, or None (unknown, expired, signed out, revoked)."""
    row = connection.execute(_PERSON, {"token_hash": _hash(token), "now": _now()}).first()
    return None if row is None else key_info(row)


def end_session(connection: Connection, token: str) -> None:
    """Sign out: the token no longer signs anyone in."""
    connection.execute(delete(WebSession).where(WebSession.token_hash == _hash(token)))
