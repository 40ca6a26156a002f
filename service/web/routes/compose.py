"""``/compose``: an appraiser composes a review, saved as it goes, with the draft beside it.

/compose                         the appraiser's reviews in progress; start one
/compose/new                     choose framework and stage, rule set, teacher and cycle
/compose/import                  start from a review file (YAML or JSON)
/compose/{id}                    the case, evidence items, objectives, circumstances, conduct
/compose/{id}/evidence/{item}    one evidence item and the statements it is tagged with
/compose/{id}/panel              the draft panel alone (``next_steps=true`` for next steps)
/compose/{id}/export             the review as a YAML file ``appraise recommend`` reads
/compose/{id}/check              check your answers, then submit and seal → /records/{id}

Every change posts its form (htmx on change; a Save button without JavaScript) and is saved at
once; htmx gets the redrawn draft panel back. JSON twin: /working-copies (and its /draft,
/seal). An appraiser opens only its own working copies: another's is a 404 page.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from fastapi import Depends, File, Request, UploadFile
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData

from engine.authoring.skeleton import academic_year
from engine.decide.rulesets import RuleSets
from engine.errors import InputError, NotFoundError
from engine.recommend.render import headline
from engine.review.body import read_review
from schemas.service import KeyInfo
from schemas.working_copy import WorkingCopy
from service import composing
from service import working_copies as copies
from service.deps import CommitsDep, RuleSetsDep, SessionDep
from service.routes.recommendations import Sealing
from service.routes.working_copies import seal_copy
from service.web import compose_form
from service.web.auth import AppraiserPerson
from service.web.compose_view import (
    Names,
    choices,
    composable,
    day_words,
    lays_out,
    problems_by_field,
    ruleset_choices,
    ruleset_title,
    standards_to_tag,
)
from service.web.errors import PageProblem
from service.web.templating import CSRF_FIELD, render, web_router

__all__ = ["router"]

router = web_router()

OUTCOMES = {
    "not-assessed": "Not assessed yet",
    "exceeded": "Exceeded",
    "met": "Met",
    "partially-met": "Partially met",
    "not-met": "Not met",
}
ABSENCES = {
    "sickness": "Sickness",
    "maternity-parental": "Maternity or parental leave",
    "disability-related": "Disability-related",
    "other": "Other",
}


def _see(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def _is_htmx(request: Request) -> bool:
    return request.headers.get("HX-Request") == "true"


class _Form:
    """Starlette's form data with its values as text (files are not read here)."""

    def __init__(self, form: FormData) -> None:
        self.form = form

    def get(self, key: str, default: Any = None) -> Any:
        value = self.form.get(key, default)
        return value if isinstance(value, str) or value is default else default

    def getlist(self, key: str) -> list[Any]:
        return [v for v in self.form.getlist(key) if isinstance(v, str)]


async def _form(request: Request) -> _Form:
    """The posted form, read on the event loop, so that the handler is a plain ``def`` (on a
    worker thread: it queries the database and drafts)."""
    return _Form(await request.form())


PostedForm = Annotated[_Form, Depends(_form)]


@router.get("/compose")
def compose_home(request: Request, session: SessionDep, person: AppraiserPerson) -> Response:
    listed = copies.list_working_copies(session, person.id)
    return render(request, "compose_list.html", {"copies": listed}, person=person)


def _start_form(
    request: Request,
    rulesets: RuleSets,
    person: KeyInfo,
    values: dict[str, str],
    errors: list[dict[str, str]] | None = None,
) -> Response:
    context = {
        "choices": choices(rulesets),
        "rulesets": ruleset_choices(rulesets),
        "values": values,
        "errors": errors or [],
        "error_for": {e["href"][1:]: e["text"] for e in errors or []},
    }
    status = 422 if errors else 200
    return render(request, "compose_new.html", context, person=person, status_code=status)


@router.get("/compose/new")
def compose_new(request: Request, rulesets: RuleSetsDep, person: AppraiserPerson) -> Response:
    start, end = academic_year(dt.date.today())
    values = {"cycle_start": start.isoformat(), "cycle_end": end.isoformat()}
    return _start_form(request, rulesets, person, values)


@router.post("/compose/new")
def compose_start(
    request: Request,
    form: PostedForm,
    session: SessionDep,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
) -> Response:
    values = {k: str(v).strip() for k, v in form.form.items() if isinstance(v, str)}
    errors = _start_errors(values, rulesets)
    if errors:
        return _start_form(request, rulesets, person, values, errors)
    framework_id, _, stage = values["case"].partition(":")
    review = compose_form.new_review(
        rulesets.catalogue[framework_id],
        stage=stage or None,
        ruleset=values.get("ruleset") or None,
        subject=values["subject"],
        appraiser=person.name,  # the key's name: the appraiser as the school knows them
        cycle=(values["cycle_start"], values["cycle_end"]),
    )
    made = copies.create_working_copy(session, person.id, review)
    return _see(f"/compose/{made.id}")


def _start_errors(values: dict[str, str], rulesets: RuleSets) -> list[dict[str, str]]:
    errors = []
    if values.get("case") not in dict(choices(rulesets)):
        errors.append({"text": "Choose the framework and career stage", "href": "#case"})
    ruleset = values.get("ruleset", "")
    framework_id = values.get("case", "").partition(":")[0]
    known = dict(ruleset_choices(rulesets))
    if ruleset and (ruleset not in known or rulesets.load(ruleset).framework != framework_id):
        errors.append({"text": "Choose a rule set for that framework", "href": "#ruleset"})
    if not values.get("subject"):
        errors.append({"text": "Enter the teacher's pseudonymous id", "href": "#subject"})
    days = []
    for key, words in (("cycle_start", "start"), ("cycle_end", "end")):
        try:
            days.append(dt.date.fromisoformat(values.get(key, "")))
        except ValueError:
            errors.append({"text": f"Enter the date the cycle {words}s", "href": f"#{key}"})
    if len(days) == 2 and days[1] <= days[0]:
        errors.append({"text": "The cycle must end after it starts", "href": "#cycle_end"})
    return errors


@router.get("/compose/import")
def compose_import_form(request: Request, person: AppraiserPerson) -> Response:
    return render(request, "compose_import.html", {"errors": []}, person=person)


@router.post("/compose/import")
def compose_import(
    request: Request,
    session: SessionDep,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
    review_file: Annotated[UploadFile | None, File()] = None,
) -> Response:
    body = review_file.file.read() if review_file is not None else b""
    name = (review_file.filename or "") if review_file is not None else ""
    kind = "application/json" if name.lower().endswith(".json") else "application/yaml"
    if not body.strip():
        errors = [{"text": "Choose a review file (YAML or JSON)", "href": "#review_file"}]
        return _import_errors(request, person, errors)
    try:
        review = read_review(
            body, kind, rulesets.catalogue, max_body_bytes=request.app.state.settings.max_body_bytes
        )
    except InputError as exc:
        data = composable(body, exc.diagnostics, rulesets.catalogue)
        if data is None:
            errors = [
                {"text": f"Line {d.line}, column {d.column}: {d.message}", "href": "#review_file"}
                for d in exc.diagnostics
            ]
            return _import_errors(request, person, errors, name)
        # Kept, to put right here: each problem with its place in the file, beside its field.
        made = copies.create_working_copy(session, person.id, data)
        context = _copy_context(made, rulesets, False)
        summary, context["field_errors"] = problems_by_field(exc.diagnostics, located=True)
        context["errors"] = [{**e, "text": f"{name}: {e['text']}"} for e in summary]
        return render(request, "compose.html", context, person=person, status_code=422)
    data = review.model_dump(mode="json", exclude_none=True)
    made = copies.create_working_copy(session, person.id, data)
    return _see(f"/compose/{made.id}")


def _import_errors(
    request: Request, person: KeyInfo, errors: list[dict[str, str]], name: str = ""
) -> Response:
    context = {"errors": errors, "file_name": name}
    return render(request, "compose_import.html", context, person=person, status_code=422)


def _laid_out_copy(
    copy_id: str, session: SessionDep, rulesets: RuleSetsDep, person: AppraiserPerson
) -> WorkingCopy:
    """The appraiser's working copy ``copy_id``; one saved through the API in a shape these
    pages cannot lay out is a page saying what to do."""
    copy = copies.get_working_copy(session, copy_id, person.id)
    if not lays_out(copy.review, rulesets.catalogue):
        message = (
            "This review in progress has parts these pages cannot show. Download it from "
            f"/compose/{copy.id}/export, put it right, and start from the file again."
        )
        raise PageProblem(422, message)
    return copy


LaidOutCopy = Annotated[WorkingCopy, Depends(_laid_out_copy)]


def _copy_context(copy: WorkingCopy, rulesets: RuleSets, next_steps: bool) -> dict[str, Any]:
    review = copy.review
    framework = rulesets.catalogue[review["framework"]]
    draft = composing.working_draft(review, rulesets, next_steps=next_steps)
    return {
        "copy": copy,
        "review": review,
        "framework": framework,
        "names": Names(framework),
        "ruleset_title": ruleset_title(rulesets, review.get("ruleset"), framework.id),
        "draft": draft,
        "headline": headline(draft.recommendation) if draft.recommendation else "",
        "next_steps": next_steps,
        "outcomes": OUTCOMES,
        "absence_types": ABSENCES,
        "names_day": day_words,
    }


@router.get("/compose/{copy_id}")
def compose_page(
    request: Request,
    copy: LaidOutCopy,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
    next_steps: bool = False,
) -> Response:
    context = _copy_context(copy, rulesets, next_steps)
    context["errors"], context["field_errors"] = problems_by_field(context["draft"].problems)
    return render(request, "compose.html", context, person=person)


@router.get("/compose/{copy_id}/panel")
def compose_panel(
    request: Request,
    copy: LaidOutCopy,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
    next_steps: bool = False,
) -> Response:
    context = _copy_context(copy, rulesets, next_steps)
    return render(request, "partials/draft_panel.html", context, person=person)


def _saved(
    request: Request,
    session: Session,
    rulesets: RuleSets,
    person: KeyInfo,
    copy: WorkingCopy,
    review: dict[str, Any],
    back: str,
) -> Response:
    """Save ``review``; the redrawn panel for htmx, else back to the page."""
    saved = copies.save_working_copy(session, copy.id, person.id, review)
    if _is_htmx(request):
        context = _copy_context(saved, rulesets, False)
        return render(request, "partials/draft_panel.html", context, person=person)
    return _see(back)


@router.post("/compose/{copy_id}")
def compose_save(
    request: Request,
    copy_id: str,
    copy: LaidOutCopy,
    form: PostedForm,
    session: SessionDep,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
) -> Response:
    review = compose_form.apply_case(copy.review, form)
    back = f"/compose/{copy_id}" + _anchor(str(form.get("action") or ""))
    return _saved(request, session, rulesets, person, copy, review, back)


def _anchor(action: str) -> str:
    if "objective" in action:
        return "#objectives"
    if "absence" in action:
        return "#circumstances"
    return ""


@router.post("/compose/{copy_id}/evidence")
def compose_add_evidence(
    request: Request,
    copy_id: str,
    copy: LaidOutCopy,
    form: PostedForm,
    session: SessionDep,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
) -> Response:
    """Add an evidence item (after saving the main form it was pressed on); open it."""
    review = compose_form.apply_case(copy.review, form)
    framework = rulesets.catalogue[review["framework"]]
    recorder = str(review.get("appraiser") or person.name)
    item_id = compose_form.add_evidence(review, framework, recorder, dt.date.today())
    copies.save_working_copy(session, copy_id, person.id, review)
    return _see(f"/compose/{copy_id}/evidence/{item_id}")


def _item(copy: WorkingCopy, item_id: str) -> dict[str, Any]:
    for item in copy.review.get("evidence", []):
        if item.get("id") == item_id:
            found: dict[str, Any] = item
            return found
    raise NotFoundError(f"no evidence item {item_id!r}")


@router.get("/compose/{copy_id}/evidence/{item_id}")
def compose_item(
    request: Request,
    copy: LaidOutCopy,
    item_id: str,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
    standard: str = "",
    words: str = "",
) -> Response:
    item = _item(copy, item_id)
    context = _copy_context(copy, rulesets, False)
    framework = context["framework"]
    index = copy.review["evidence"].index(item)
    own = [p for p in context["draft"].problems if (p.path or "").startswith(f"evidence[{index}]")]
    context["errors"], context["field_errors"] = problems_by_field(own, index)
    tagged = {
        t.get("statement"): compose_form.CONCERN
        if t.get("polarity") == "concern"
        else t.get("modality")
        for t in item.get("tags", [])
    }
    context |= {
        "item": item,
        "tagged": tagged,
        "standards": standards_to_tag(
            framework, rulesets, copy.review, standard=standard, words=words
        ),
        "all_standards": [(n.id, n.title, n.number) for n in framework.standards],
        "standard": standard,
        "words": words,
        "concern": compose_form.CONCERN,
        "csrf_name": CSRF_FIELD,
    }
    return render(request, "compose_item.html", context, person=person)


@router.post("/compose/{copy_id}/evidence/{item_id}")
def compose_save_item(
    request: Request,
    copy_id: str,
    copy: LaidOutCopy,
    item_id: str,
    form: PostedForm,
    session: SessionDep,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
) -> Response:
    _item(copy, item_id)
    review = compose_form.apply_item(copy.review, item_id, form)
    query = request.url.query
    back = f"/compose/{copy_id}/evidence/{item_id}" + (f"?{query}" if query else "")
    return _saved(request, session, rulesets, person, copy, review, back)


@router.post("/compose/{copy_id}/evidence/{item_id}/remove")
def compose_remove_item(
    copy_id: str,
    copy: LaidOutCopy,
    item_id: str,
    form: PostedForm,
    session: SessionDep,
    person: AppraiserPerson,
) -> Response:
    """Save the main form the Remove button was pressed on, then ask whether to remove it."""
    _item(copy, item_id)
    copies.save_working_copy(
        session, copy_id, person.id, compose_form.apply_case(copy.review, form)
    )
    return _see(f"/compose/{copy_id}/evidence/{item_id}/remove")


@router.get("/compose/{copy_id}/evidence/{item_id}/remove")
def compose_remove_item_page(
    request: Request,
    copy: LaidOutCopy,
    item_id: str,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
) -> Response:
    """Are you sure: the item goes with its tags, and the objectives citing it lose it."""
    item = _item(copy, item_id)
    framework = rulesets.catalogue[copy.review["framework"]]
    citing = [o for o in copy.review.get("objectives", []) if item_id in o.get("evidence", [])]
    context = {
        "copy": copy,
        "item": item,
        "item_name": Names(framework).item(item),
        "tags": len(item.get("tags", [])),
        "citing": citing,
    }
    return render(request, "compose_remove.html", context, person=person)


@router.post("/compose/{copy_id}/evidence/{item_id}/remove/confirm")
def compose_remove_item_confirmed(
    copy_id: str, copy: LaidOutCopy, item_id: str, session: SessionDep, person: AppraiserPerson
) -> Response:
    """Remove the evidence item, its tags and the objectives' citations of it."""
    _item(copy, item_id)
    review = compose_form.remove_evidence(copy.review, item_id)
    copies.save_working_copy(session, copy_id, person.id, review)
    return _see(f"/compose/{copy_id}#evidence")


@router.get("/compose/{copy_id}/export")
def compose_export(copy_id: str, session: SessionDep, person: AppraiserPerson) -> Response:
    copy = copies.get_working_copy(session, copy_id, person.id)
    subject = "".join(c for c in str(copy.review.get("subject", "")) if c.isalnum() or c in "-_")
    name = f"review-{subject or 'draft'}.yaml"
    return Response(
        composing.review_yaml(copy.review),
        media_type="application/yaml; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/compose/{copy_id}/check")
def compose_check(
    request: Request,
    copy: LaidOutCopy,
    rulesets: RuleSetsDep,
    person: AppraiserPerson,
) -> Response:
    context = _copy_context(copy, rulesets, False)
    problems = context["draft"].problems
    context["errors"] = [{"text": p.message, "href": "#draft-panel"} for p in problems]
    return render(request, "compose_check.html", context, person=person)


@router.post("/compose/{copy_id}/submit")
async def compose_submit(
    request: Request,
    copy_id: str,
    session: SessionDep,
    rulesets: RuleSetsDep,
    commits: CommitsDep,
    person: AppraiserPerson,
) -> Response:
    sealing = Sealing(session, rulesets, commits, request.app.state.sealed_hashes)
    try:
        row = await run_in_threadpool(seal_copy, sealing, copy_id, person)
    except InputError:
        return _see(f"/compose/{copy_id}/check")
    return _see(f"/records/{row.id}")
