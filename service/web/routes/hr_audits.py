"""HR's audits: ``/audit-reports`` lists them, ``/audit-reports/new`` runs one (with an
optional CSV of equality-monitoring fields), ``/audit-reports/{id}`` reads the report.

JSON twins: GET /audits (the list), POST /audits (run: the CSV's rows become its
``monitoring``, kept with the audit's request only, never on the records), GET /audits/{id}
(the report; its ``format=csv`` and JSON are the two downloads here). The pages sit beside the
API's /audits, whose addresses answer JSON to a key."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import File, Form, Query, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.orm import Session

from engine.audit import flags_csv
from engine.audit.monitoring_csv import read_monitoring_csv
from engine.catalogue.frameworks import Catalogue
from engine.errors import InputError
from schemas.audit import MONITORED, Monitoring
from schemas.service import AuditCreate
from service import audits, store
from service.deps import CatalogueDep, SessionDep, SettingsDep
from service.web import hr_names
from service.web.audit_report import report_context
from service.web.auth import HrPerson
from service.web.templating import render, web_router

__all__ = ["MAX_CSV_BYTES", "router"]

router = web_router()

MAX_CSV_BYTES = 500_000
"""The largest monitoring CSV accepted (a school's staff, a few hundred bytes a teacher)."""
AUDITS_SHOWN = 20
"""Audits listed on a page; "Older audits" pages back."""
SHOWN_PROBLEMS = 10
"""CSV problems listed in the error summary; the rest are counted."""


@router.get("/audit-reports")
def audits_page(
    request: Request,
    session: SessionDep,
    catalogue: CatalogueDep,
    person: HrPerson,
    older_than: Annotated[str | None, Query(max_length=40)] = None,
) -> Response:
    """The audits run, newest first, a page at a time (``older_than``: after that audit)."""
    listed = store.list_audits(session, limit=AUDITS_SHOWN + 1, older_than=older_than)
    context = {
        "audits": listed[:AUDITS_SHOWN],
        "older": listed[AUDITS_SHOWN - 1].id if len(listed) > AUDITS_SHOWN else None,
        "paged": older_than is not None,
        "people": hr_names.key_names(session),
        "frameworks": dict(hr_names.framework_options(catalogue)),
    }
    return render(request, "hr_audits.html", context, person=person)


@router.get("/audit-reports/new")
def new_audit_page(
    request: Request, session: SessionDep, catalogue: CatalogueDep, person: HrPerson
) -> Response:
    return _form(request, session, catalogue, person, {"cycle": "", "framework": ""})


@router.post("/audit-reports/new")
def run_audit(
    request: Request,
    session: SessionDep,
    catalogue: CatalogueDep,
    settings: SettingsDep,
    person: HrPerson,
    cycle: Annotated[str, Form(max_length=20)] = "",
    framework: Annotated[str, Form(max_length=200)] = "",
    monitoring: Annotated[UploadFile | None, File()] = None,
) -> Response:
    chosen = {"cycle": cycle, "framework": framework}
    monitored, errors = _monitoring(monitoring)
    if errors:
        return _form(request, session, catalogue, person, chosen, errors=errors)
    try:
        audit_request = AuditCreate(
            cycle=dt.date.fromisoformat(cycle) if cycle else None,
            framework=framework or None,
            monitoring=monitored,
        )
    except (ValueError, ValidationError):
        errors = [
            {"text": "Choose a review cycle and a framework from the lists", "href": "#cycle"}
        ]
        return _form(request, session, catalogue, person, chosen, errors=errors)
    stored = audits.run_audit(session, audit_request, settings, created_by=person.id)
    return RedirectResponse(f"/audit-reports/{stored.id}", status_code=303)


@router.get("/audit-reports/{audit_id}")
def audit_report_page(
    request: Request,
    audit_id: str,
    session: SessionDep,
    catalogue: CatalogueDep,
    person: HrPerson,
) -> Response:
    stored = store.get_audit(session, audit_id)
    context = report_context(stored, hr_names.key_names(session), catalogue)
    return render(request, "hr_audit_report.html", context, person=person)


@router.get("/audit-reports/{audit_id}/flags.csv")
def audit_flags_csv(audit_id: str, session: SessionDep, _: HrPerson) -> Response:
    stored = store.get_audit(session, audit_id)
    return _download(flags_csv(stored.report), "text/csv; charset=utf-8", f"{audit_id}-flags.csv")


@router.get("/audit-reports/{audit_id}/report.json")
def audit_report_json(audit_id: str, session: SessionDep, _: HrPerson) -> Response:
    stored = store.get_audit(session, audit_id)
    return _download(stored.model_dump_json(), "application/json", f"{audit_id}.json")


def _download(body: str, media_type: str, name: str) -> Response:
    disposition = f'attachment; filename="{name}"'
    return Response(body, media_type=media_type, headers={"Content-Disposition": disposition})


def _form(
    request: Request,
    session: Session,
    catalogue: Catalogue,
    person: Any,
    chosen: dict[str, str],
    *,
    errors: list[dict[str, str]] | None = None,
) -> Response:
    context = {
        "chosen": chosen,
        "cycles": hr_names.cycle_options(session),
        "frameworks": hr_names.framework_options(catalogue),
        "columns": ("subject", *MONITORED),
        "errors": errors or [],
    }
    status = 400 if errors else 200
    return render(request, "hr_audit_new.html", context, person=person, status_code=status)


def _monitoring(upload: UploadFile | None) -> tuple[dict[str, Monitoring], list[dict[str, str]]]:
    """The uploaded CSV's monitoring fields by subject, or the problems to show (row, column)."""
    if upload is None or not upload.filename:
        return {}, []
    data = upload.file.read(MAX_CSV_BYTES + 1)
    if len(data) > MAX_CSV_BYTES:
        return {}, [_csv_error(f"The file must be smaller than {MAX_CSV_BYTES // 1000} KB")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return {}, [_csv_error("The file must be a CSV file saved as UTF-8")]
    try:
        return read_monitoring_csv(text, file=upload.filename), []
    except InputError as exc:
        problems = exc.diagnostics
    errors = [
        _csv_error(f"Row {p.line}, column {p.column}: {p.message}")
        for p in problems[:SHOWN_PROBLEMS]
    ]
    if len(problems) > SHOWN_PROBLEMS:
        errors.append(_csv_error(f"And {len(problems) - SHOWN_PROBLEMS} more problems in the file"))
    return {}, errors


def _csv_error(text: str) -> dict[str, str]:
    return {"text": text, "href": "#monitoring"}
