"""/audits: HR audits the consistency and fairness of the stored decisions."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Response
from fastapi.responses import HTMLResponse, PlainTextResponse

from engine.audit import flags_csv
from engine.audit.report_html import render_html
from schemas.service import AuditCreate, AuditSummary, StoredAudit
from service import audits, store
from service.deps import Auditor, SessionDep, SettingsDep
from service.pages import DOCUMENT_CSP

__all__ = ["router"]

router = APIRouter(prefix="/audits", tags=["audits"])


@router.post(
    "",
    status_code=201,
    operation_id="create_audit",
    summary="Audit the stored decisions: overrides, appraisers, like cases, groups, absence",
    description="Takes the standing record of every case the request selects (a correction "
    "replaces the record it corrects) with its standing final decision, drafts each again with "
    "the engine, runs every check and stores the report. Records with no final rating yet are "
    "counted, not audited. Equality-monitoring fields come with the request, by subject id; "
    "decision records never hold them. A note on a final decision cites evidence by its id.",
    responses={404: {"description": "An unknown rule set."}, 422: {"description": "Bad input."}},
)
def create_audit(
    request: AuditCreate, session: SessionDep, settings: SettingsDep, caller: Auditor
) -> StoredAudit:
    return audits.run_audit(session, request, settings, created_by=caller.id)


@router.get(
    "",
    operation_id="list_audits",
    summary="The audits run, newest first, with their headline counts",
    description="Each audit's scope, how many decisions it covered, how many teachers had "
    "equality-monitoring fields sent with it, and its overrides and flags counted apart.",
    responses={404: {"description": "No audit with the id given as older_than."}},
)
def list_audits(
    session: SessionDep,
    _: Auditor,
    limit: Annotated[int, Query(ge=1, le=1000, description="Audits listed.")] = 100,
    older_than: Annotated[
        str | None,
        Query(max_length=40, description="An audit's id: list those run before it (404 if none)."),
    ] = None,
) -> list[AuditSummary]:
    return store.list_audits(session, limit=limit, older_than=older_than)


@router.get(
    "/{audit_id}",
    operation_id="get_audit",
    summary="A stored audit: JSON, the HTML report for governors, or the flagged cases as CSV",
    response_model=StoredAudit,
    responses={
        200: {
            "content": {
                "text/html": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            }
        },
        404: {"description": "No such audit."},
    },
)
def get_audit(
    audit_id: Annotated[str, Path(description="The id returned when the audit was run.")],
    session: SessionDep,
    _: Auditor,
    format: Annotated[Literal["json", "html", "csv"], Query(description="json, html or csv")] = (
        "json"
    ),
) -> StoredAudit | Response:
    stored = store.get_audit(session, audit_id)
    if format == "html":
        return HTMLResponse(
            render_html(stored.report), headers={"Content-Security-Policy": DOCUMENT_CSP}
        )
    if format == "csv":
        return PlainTextResponse(flags_csv(stored.report), media_type="text/csv; charset=utf-8")
    return stored
