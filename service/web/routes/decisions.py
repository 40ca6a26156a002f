"""``/records/{id}/decision``: record the final decision on a record (a correction is another).

JSON twin: POST /recommendations/{id}/decision. The same roles (``DeciderPerson``), the same
owner scope (another's record is a 404 page) and the same checks (``service.deciding``): the
rating on the draft's own scale, a reason and a note when it differs, evidence from the
review's items. A 422 of those checks becomes the error summary, each problem on its field."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Form, Request
from fastapi.responses import RedirectResponse, Response
from pydantic import ValidationError
from pydantic_core import ErrorDetails

from engine.errors import InputError
from schemas.diagnostics import Diagnostic
from schemas.reasons import REASON_LABELS
from schemas.service import DecisionCreate
from service import deciding, store
from service.deps import SessionDep
from service.web.decisions import DeciderPerson, evidence_label
from service.web.templating import render, web_router

__all__ = ["router"]

router = web_router()

FIELDS = ("rating", "reason", "note", "evidence")
"""The form's fields, in the order the error summary lists them; each field's id."""

_CHECK_MESSAGES = {
    "unknown-rating": ("rating", "Select a rating from the list"),
    "missing-reason": (
        "reason",
        "The final rating differs from the draft: select the reason and say in the note what "
        "you weighed",
    ),
    "unknown-evidence": ("evidence", "Select evidence from this review's items only"),
    "duplicate-evidence": ("evidence", "Select each evidence item once"),
}
"""The shared checks' problems (``check_decision``'s codes) in plain words, on their field."""


@router.get("/records/{record_id}/decision")
def decision_form(
    request: Request, record_id: str, session: SessionDep, person: DeciderPerson
) -> Response:
    row = store.get_record(session, record_id, owner=person.id)
    view = store.record_view(session, row)
    standing = view.decisions[-1] if view.decisions else None
    values: dict[str, Any] = {"evidence": []}
    if standing is not None:  # a correction starts from the decision it corrects
        values = {
            "rating": standing.rating,
            "reason": standing.reason or "",
            "note": standing.note or "",
            "evidence": list(standing.evidence or ()),
        }
    return _form_page(request, session, row, values, [])


@router.post("/records/{record_id}/decision")
def decide(
    request: Request,
    record_id: str,
    session: SessionDep,
    person: DeciderPerson,
    rating: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    evidence: Annotated[list[str] | None, Form()] = None,
) -> Response:
    row = store.get_record(session, record_id, owner=person.id)
    values = {"rating": rating, "reason": reason, "note": note.strip(), "evidence": evidence or []}
    sent = {name: value for name, value in values.items() if value}
    try:
        decision = DecisionCreate.model_validate(sent)
        deciding.record_decision(session, row, decision, decided_by=person.id)
    except ValidationError as exc:
        errors = [_form_problem(e) for e in exc.errors()]
    except InputError as exc:
        errors = [_check_problem(d) for d in exc.diagnostics]
    else:
        return RedirectResponse(f"/records/{row.id}?decided", status_code=303)
    return _form_page(request, session, row, values, errors, status_code=422)


def _form_page(
    request: Request,
    session: SessionDep,
    row: store.DecisionRecordRow,
    values: dict[str, Any],
    errors: list[tuple[str, str]],
    *,
    status_code: int = 200,
) -> Response:
    view = store.record_view(session, row)
    frame = deciding.decision_frame(session, row)
    scale = frame.scale
    first: dict[str, str] = {}  # one message per field, in the form's order
    for field, text in errors:
        first.setdefault(field, text)
    context = {
        "title": "Correct the final decision" if view.decisions else "Record the final decision",
        "record": view,
        "levels": [(level, scale.labels[level]) for level in scale.levels],
        "scale_hint": (
            f"On the {scale.title} scale, the one the draft is on."
            if scale.id  # a rule set's own scale, e.g. the induction scale for an ECT
            else "On the framework's own scale, the one the draft is on."
        ),
        "draft_rating": frame.draft_rating,
        "draft_label": scale.label(frame.draft_rating),
        "reasons": REASON_LABELS,
        "evidence": [(item, evidence_label(item)) for item in frame.review.evidence],
        "values": values,
        "field_errors": first,
        "errors": [{"text": first[f], "href": f"#{f}"} for f in FIELDS if f in first],
    }
    return render(request, "decision.html", context, status_code=status_code)


def _form_problem(error: ErrorDetails) -> tuple[str, str]:
    """A problem the decision's own model found, on its field in plain words."""
    field = str(error["loc"][0]) if error["loc"] else "note"  # the model's check: note needed
    if field == "rating":
        return field, "Select the final rating"
    if field == "reason":
        return field, "Select a reason from the list"
    if field == "note" and error["type"] == "string_too_long":
        return field, "The note must be 4000 characters or fewer"
    if field == "note":
        return field, "Enter a note saying what you weighed: a reason needs one"
    return "evidence", "Select evidence from this review's items only"


def _check_problem(problem: Diagnostic) -> tuple[str, str]:
    """A problem of the shared checks (the API's 422), on its field in plain words."""
    field = (problem.path or "").split("[")[0]
    fallback = (field if field in FIELDS else "rating", problem.message)
    return _CHECK_MESSAGES.get(problem.code, fallback)
