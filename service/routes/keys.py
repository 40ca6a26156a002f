"""/keys: an admin creates, lists and revokes API keys (the first one: `appraise keys create`)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from schemas.service import KeyCreate, KeyCreated, KeyInfo
from service import store
from service.deps import Admin, SessionDep

__all__ = ["router"]

router = APIRouter(prefix="/keys", tags=["keys"])


@router.post(
    "",
    status_code=201,
    operation_id="create_key",
    summary="Create an API key; the key is in this response only",
)
def create_key(new: KeyCreate, session: SessionDep, _: Admin) -> KeyCreated:
    return store.create_key(session, new.role, new.name)


@router.get("", operation_id="list_keys", summary="Every key, without the secrets")
def list_keys(session: SessionDep, _: Admin) -> list[KeyInfo]:
    return store.list_keys(session)


@router.post(
    "/{key_id}/revoke",
    operation_id="revoke_key",
    summary="Revoke a key for good",
    responses={409: {"description": "The last admin key still active: create another first."}},
)
def revoke_key(
    key_id: Annotated[str, Path(description="The key's id (not the key).")],
    session: SessionDep,
    _: Admin,
) -> KeyInfo:
    return store.revoke_key(session, key_id)
