"""Every dependency a handler asks for, as ``Annotated`` aliases: session, caller, role, body."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import AsyncIterator, Iterator
from typing import Annotated

from fastapi import Depends, Header, Request
from fastapi.dependencies.models import Dependant
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BeforeValidator
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker
from starlette.concurrency import run_in_threadpool

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from schemas.service import KeyInfo, Role
from service import store
from service.commits import GroupCommit
from service.errors import Forbidden, Unauthorized
from service.settings import Settings

__all__ = [
    "Admin",
    "Auditor",
    "Caller",
    "CatalogueDep",
    "CommitsDep",
    "Drafter",
    "IdempotencyKey",
    "IsoDate",
    "Reader",
    "RoleCheck",
    "RuleSetsDep",
    "SessionDep",
    "SettingsDep",
    "authorise",
    "owner_filter",
    "require_role",
    "role_checks",
]


async def get_settings(request: Request) -> Settings:
    settings: Settings = request.app.state.settings
    return settings


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session for the request. Making one touches no database (it connects on first use), so
    it is made here on the event loop; closing one that did connect returns its connection (a
    rollback: I/O), so that is done on a worker thread. A plain generator dependency would hop
    to a worker thread both ways on every request."""
    sessions: sessionmaker[Session] = request.app.state.sessions
    session = sessions()
    try:
        yield session
    finally:
        if session.in_transaction():
            await run_in_threadpool(session.close)
        else:
            session.close()


async def get_rulesets(request: Request) -> RuleSets:
    rulesets: RuleSets = request.app.state.rulesets
    return rulesets


async def get_commits(request: Request) -> GroupCommit:
    commits: GroupCommit = request.app.state.commits
    return commits


async def get_catalogue(request: Request) -> Catalogue:
    rulesets: RuleSets = request.app.state.rulesets
    return rulesets.catalogue


# Those that only read app state are async: FastAPI runs a plain ``def`` dependency on a worker
# thread, a hop per dependency per request. Those that query the database stay ``def``;
# ``get_session`` is async because making a session does no I/O (see its docstring).
SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session)]
RuleSetsDep = Annotated[RuleSets, Depends(get_rulesets)]
CatalogueDep = Annotated[Catalogue, Depends(get_catalogue)]
CommitsDep = Annotated[GroupCommit, Depends(get_commits)]

_bearer = HTTPBearer(
    auto_error=False, description="An API key from `appraise keys create`, as a bearer token."
)


def current_key(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
) -> KeyInfo:
    """The caller's key, looked up on every request; 401 when missing, unknown or revoked.

    On a pooled connection of its own rather than the request's session: a Core query there
    costs a fraction of an ORM query, and the session stays unopened for handlers that need
    no database read."""
    if credentials is None:
        raise Unauthorized("send an API key: 'Authorization: Bearer <key>'")
    engine: Engine = request.app.state.engine
    with engine.connect() as connection:
        key = store.key_for_secret(connection, credentials.credentials)
    if key is None:
        raise Unauthorized("the API key is unknown or revoked")
    return key


Caller = Annotated[KeyInfo, Depends(current_key)]


class RoleCheck:
    """A dependency that lets only keys of ``roles`` through (403 for the others)."""

    def __init__(self, *roles: Role) -> None:
        self.roles = roles

    async def __call__(self, caller: Caller) -> KeyInfo:
        return self.check(caller)

    def check(self, caller: KeyInfo) -> KeyInfo:
        """``caller`` when its role is one of ``roles``; ``Forbidden`` otherwise. The web pages
        check a signed-in person with this too (``service.web.auth``)."""
        if caller.role not in self.roles:
            roles = " or ".join(self.roles)
            raise Forbidden(f"a {caller.role} key may not do this; it needs {roles}")
        return caller


def require_role(*roles: Role) -> RoleCheck:
    """A dependency that lets only keys of ``roles`` through (403 for the others)."""
    return RoleCheck(*roles)


async def authorise(request: Request) -> None:
    """Check the caller as the route's role dependency would, raising the same 401 or 403.

    FastAPI parses a JSON body before it runs any dependency, so a body that is not JSON was
    answered 422 before the key was looked at; the 422 handler calls this first."""
    checks = role_checks(getattr(request.scope.get("route"), "dependant", None))
    if not checks:
        return
    credentials = await _bearer(request)
    caller = await run_in_threadpool(current_key, request, credentials)
    for check in checks:
        await check(caller)


def role_checks(dependant: Dependant | None) -> list[RoleCheck]:
    """The role checks among a route's dependencies, however deep."""
    return [d.call for d in _all_dependencies(dependant) if isinstance(d.call, RoleCheck)]


def _all_dependencies(dependant: Dependant | None) -> Iterator[Dependant]:
    for sub in dependant.dependencies if dependant else ():
        yield sub
        yield from _all_dependencies(sub)


Drafter = Annotated[KeyInfo, Depends(require_role("appraiser"))]
"""Creates drafts and decides its own cases."""
Reader = Annotated[KeyInfo, Depends(require_role("appraiser", "hr"))]
"""Reads decision records: an appraiser its own, HR every one."""
Auditor = Annotated[KeyInfo, Depends(require_role("hr"))]
"""Runs audits over every record."""
Admin = Annotated[KeyInfo, Depends(require_role("admin"))]
"""Manages keys."""


def owner_filter(caller: KeyInfo) -> str | None:
    """Whose records the caller may see: its own for an appraiser, everyone's (None) for HR."""
    return None if caller.role == "hr" else caller.id


IdempotencyKey = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        max_length=200,
        description="Repeat a POST with the same key to get the same record, never a second one.",
    ),
]


_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


def _iso_date_text(value: object) -> object:
    """Only ``YYYY-MM-DD``: pydantic alone would also read ``0`` as 1970-01-01."""
    if isinstance(value, str) and _ISO_DATE.fullmatch(value) is None:
        raise ValueError("give a date as YYYY-MM-DD")
    return value


IsoDate = Annotated[dt.date, BeforeValidator(_iso_date_text)]
"""A date in a query string, written as the OpenAPI document says (``format: date``)."""
