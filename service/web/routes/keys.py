"""The admin's key pages: create a key (its secret shown once), revoke one after a check.

The keys are listed on the admin's home page (``/``). JSON twins: POST /keys, GET /keys,
POST /keys/{id}/revoke; the same store calls, so revoking the last admin key is refused here
as there (409), and a revoked key's sessions end at once (``service.web.sessions``)."""

from __future__ import annotations

from typing import Annotated

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from engine.errors import NotFoundError
from schemas.service import ROLES, KeyCreate, KeyInfo
from service import store
from service.deps import SessionDep
from service.web.auth import AdminPerson
from service.web.templating import render, web_router

__all__ = ["router"]

router = web_router()

_MESSAGES = {
    "name": "Enter who or what will use the key",
    "role": "Select the key's role",
}


def _message(error: ErrorDetails) -> str:
    """A problem of the key's name or role (``KeyCreate``, as the API checks it) in words."""
    if error["type"] == "string_too_long":
        return "Enter a name of 200 characters or fewer"
    return _MESSAGES[str(error["loc"][0])]


@router.get("/admin/keys/new")
def new_key_form(request: Request, person: AdminPerson) -> Response:
    return _new_key_page(request, {"name": "", "role": ""}, {})


@router.post("/admin/keys/new")
def create_key(
    request: Request,
    session: SessionDep,
    person: AdminPerson,
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "",
) -> Response:
    values = {"name": name.strip(), "role": role}
    try:
        new = KeyCreate.model_validate({k: v for k, v in values.items() if v})
    except ValidationError as exc:
        errors = {str(e["loc"][0]): _message(e) for e in exc.errors()}
        return _new_key_page(request, values, errors, status_code=422)
    created = store.create_key(session, new.role, new.name)
    # The secret is in this answer only: never kept, so never cached either.
    return render(
        request,
        "key_created.html",
        {"title": "Key created", "key": created},
        headers={"Cache-Control": "no-store"},
    )


def _new_key_page(
    request: Request,
    values: dict[str, str],
    errors: dict[str, str],
    *,
    status_code: int = 200,
) -> Response:
    context = {
        "title": "Create a key",
        "values": values,
        "roles": ROLES,
        "field_errors": errors,
        "errors": [{"text": errors[f], "href": f"#{f}"} for f in ("name", "role") if f in errors],
    }
    return render(request, "key_new.html", context, status_code=status_code)


@router.get("/admin/keys/{key_id}/revoke")
def revoke_key_form(
    request: Request, key_id: str, session: SessionDep, person: AdminPerson
) -> Response:
    key = _key(session, key_id)
    if key.revoked_at is not None:
        return RedirectResponse("/", status_code=303)
    return _revoke_page(request, key, person)


@router.post("/admin/keys/{key_id}/revoke")
def revoke_key(request: Request, key_id: str, session: SessionDep, person: AdminPerson) -> Response:
    key = _key(session, key_id)
    try:
        store.revoke_key(session, key.id)
    except store.LastAdminKey:
        message = (
            f"{key.name}'s key is the last admin key still active: create another admin key "
            "before revoking it, or nobody could manage keys"
        )
        return _revoke_page(request, key, person, error=message, status_code=409)
    return RedirectResponse(f"/?revoked={key.id}", status_code=303)


def _revoke_page(
    request: Request,
    key: KeyInfo,
    person: KeyInfo,
    *,
    error: str | None = None,
    status_code: int = 200,
) -> Response:
    context = {
        "title": f"Revoke {key.name}'s key",
        "key": key,
        "own": key.id == person.id,
        "errors": [{"text": error, "href": "#revoke"}] if error else [],
    }
    return render(request, "key_revoke.html", context, status_code=status_code)


def _key(session: SessionDep, key_id: str) -> KeyInfo:
    row = session.get(store.ApiKey, key_id)
    if row is None:
        raise NotFoundError(f"no key {key_id!r}")
    return store.key_info(row)
