"""Who is signed in to the web pages: ``Person`` and its role-checked aliases.

The session cookie holds only a random token (``service.web.sessions``); the role check is the
API's own (``service.deps.RoleCheck``), so a page lets through exactly whom its JSON twin does.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy import Engine

from schemas.service import KeyInfo, Role
from service.deps import RoleCheck
from service.web.sessions import person_for_token

__all__ = [
    "SESSION_COOKIE",
    "AdminPerson",
    "AppraiserPerson",
    "HrPerson",
    "Person",
    "PersonCheck",
    "ReaderPerson",
    "SignInNeeded",
    "current_person",
    "optional_person",
]

SESSION_COOKIE = "appraise_session"


class SignInNeeded(Exception):
    """Raised when a page needs a person and nobody (live) is signed in: answered with a
    redirect to the sign-in page (``service.web.errors``)."""


def optional_person(request: Request) -> KeyInfo | None:
    """The signed-in person, or None. Looked up afresh on every request (a plain ``def``: it
    queries the database on a worker thread), and kept in ``request.state.person``."""
    token = request.cookies.get(SESSION_COOKIE)
    if not token:
        return None
    engine: Engine = request.app.state.engine
    with engine.connect() as connection:
        person = person_for_token(connection, token)
    request.state.person = person  # render() shows who is signed in without being told
    return person


def current_person(request: Request) -> KeyInfo:
    """The signed-in person: key id, name and role; ``SignInNeeded`` when there is none."""
    person = optional_person(request)
    if person is None:
        raise SignInNeeded()
    return person


Person = Annotated[KeyInfo, Depends(current_person)]
"""Any signed-in person, whatever the role."""


class PersonCheck:
    """A dependency that lets only people of ``roles`` through (``Forbidden``, a 403 page, for
    the others): the API's ``RoleCheck`` applied to the signed-in person."""

    def __init__(self, *roles: Role) -> None:
        self.role_check = RoleCheck(*roles)

    async def __call__(self, person: Person) -> KeyInfo:
        return self.role_check.check(person)


AppraiserPerson = Annotated[KeyInfo, Depends(PersonCheck("appraiser"))]
"""Drafts and decides its own cases (the API's ``Drafter``)."""
ReaderPerson = Annotated[KeyInfo, Depends(PersonCheck("appraiser", "hr"))]
"""Reads records: an appraiser its own, HR every one (the API's ``Reader``)."""
HrPerson = Annotated[KeyInfo, Depends(PersonCheck("hr"))]
"""Runs audits (the API's ``Auditor``)."""
AdminPerson = Annotated[KeyInfo, Depends(PersonCheck("admin"))]
"""Manages keys (the API's ``Admin``)."""
