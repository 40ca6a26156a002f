"""GET /health: is the service up and can it reach its database (no key needed)."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import text

from service.deps import SessionDep

__all__ = ["router"]

router = APIRouter(tags=["health"])


class Health(BaseModel):
    """'ok', and the kind of database answering (sqlite or postgresql)."""

    status: str
    database: str


@router.get("/health", operation_id="health", summary="Liveness and database reachability")
def health(session: SessionDep) -> Health:
    session.execute(text("SELECT 1"))
    return Health(status="ok", database=session.get_bind().dialect.name)
