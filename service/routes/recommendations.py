"""/recommendations: draft and store a decision record, read it, list, replay, decide."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Header, Path, Query, Request, Response
from fastapi.responses import HTMLResponse, PlainTextResponse
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from engine.decide.rulesets import RuleSets
from engine.review.body import read_review
from schemas.recommendation import Outcome, Recommendation
from schemas.review import Review
from schemas.service import (
    DecisionCreate,
    FinalDecision,
    KeyInfo,
    RecordSummary,
    Replay,
    StoredRecord,
)
from service import deciding, drafting, store
from service.commits import GroupCommit
from service.deps import (
    CommitsDep,
    Drafter,
    IdempotencyKey,
    IsoDate,
    Reader,
    RuleSetsDep,
    SessionDep,
    owner_filter,
)
from service.errors import query_problem
from service.logs import log_event
from service.pages import DOCUMENT_CSP, html_page, markdown_page

__all__ = ["EXAMPLE_REVIEW", "Sealing", "router"]

router = APIRouter(prefix="/recommendations", tags=["recommendations"])

RecordId = Annotated[str, Path(description="The decision id returned when the draft was created.")]

EXAMPLE_REVIEW: dict[str, Any] = {
    "framework": "isp",
    "subject": "t-0880",
    "appraiser": "a-21",
    "cycle_start": "2025-08-25",
    "cycle_end": "2026-06-19",
    "evidence": [
        {
            "id": "visit-2025-10",
            "kind": "lesson-observation",
            "date": "2025-10-08",
            "recorded_by": "a-21",
            "tags": [
                {"statement": "isp.3.1", "modality": "consistent"},
                {"statement": "isp.4.1", "modality": "consistent"},
            ],
        }
    ],
    "objectives": [
        {"id": "obj-1", "text": "Raise writing attainment", "outcome": "met"},
    ],
}

_REVIEW_BODY = {
    "required": True,
    "description": "A review (see `appraise schema review`), as JSON or as YAML "
    "(`Content-Type: application/yaml`).",
    "content": {
        "application/json": {
            "schema": {"$ref": "#/components/schemas/Review"},
            "example": EXAMPLE_REVIEW,
        },
        "application/yaml": {"schema": {"type": "string"}},
    },
}
_PROBLEMS = {"description": "The input has problems: one entry per problem, with its place."}


@dataclass(frozen=True)
class Sealing:
    """What sealing a decision record needs: the request's session, the rule sets, the group
    commit and the hashes of the rule sets this process found stored."""

    session: Session
    rulesets: RuleSets
    commits: GroupCommit
    sealed_hashes: set[str]

    def seal(
        self,
        review: Review,
        caller: KeyInfo,
        supersedes: str | None = None,
        idempotency_key: str | None = None,
        *,
        next_steps: bool = True,
    ) -> tuple[store.DecisionRecordRow, bool, Recommendation]:
        """Draft ``review`` and store the sealed record (or find the one stored under the same
        Idempotency-Key): the row, whether it is new, the draft. The compose pages' "Submit and
        seal" goes through here too, so a record is stored one way only."""
        recommendation, compiled = drafting.draft(review, self.rulesets, next_steps=next_steps)
        store.save_ruleset(self.session, compiled, self.sealed_hashes)
        new = store.NewRecord(review, recommendation, caller.id, supersedes, idempotency_key)
        row, created = store.add_record(self.session, new, self.commits)
        if created:
            log_event(
                "record.created",
                id=row.id,
                created_by=caller.id,
                framework=row.framework,
                ruleset=row.ruleset_id,
                ruleset_hash=row.ruleset_hash,
                input_hash=row.input_hash,
                engine_version=row.engine_version,
                outcome=row.outcome,
                rating=row.rating,
            )
        return row, created, recommendation


async def raw_body(request: Request) -> bytes:
    return await request.body()


@router.post(
    "",
    status_code=201,
    operation_id="create_recommendation",
    response_model=StoredRecord,
    summary="Draft a rating for a review and store the sealed decision record",
    description="Evaluates the review with its rule set and stores an immutable record (rule-set "
    "hash, input hash, engine version, time, input, result). Its `id` is the decision id. With "
    "`supersedes`, the new record corrects an earlier one. A repeated `Idempotency-Key` returns "
    "the record stored the first time (200).",
    openapi_extra={"requestBody": _REVIEW_BODY},
    responses={
        200: {"description": "Stored earlier under the same Idempotency-Key."},
        404: {"description": "`supersedes` names no record of the caller's."},
        409: {"description": "The Idempotency-Key was used for a different request."},
        413: {"description": "The body is too large."},
        422: _PROBLEMS,
    },
)
async def create_recommendation(
    request: Request,
    response: Response,
    body: Annotated[bytes, Depends(raw_body)],
    session: SessionDep,
    rulesets: RuleSetsDep,
    commits: CommitsDep,
    caller: Drafter,
    idempotency_key: IdempotencyKey = None,
    supersedes: Annotated[
        str | None,
        Query(min_length=1, description="The id of an earlier record this one corrects."),
    ] = None,
    next_steps: Annotated[
        bool,
        Query(
            description="Propose next steps, confirmed by the engine (the slow part of a draft). "
            "`false` drafts without them, e.g. for a live draft while evidence is being tagged."
        ),
    ] = True,
) -> StoredRecord | Response:
    # The whole draft (CPU, then the database) in one hop to a worker thread: a plain ``def``
    # handler costs a hop for the handler and another one for checking what it returned.
    def draft_and_store() -> StoredRecord | Response:
        review = read_review(
            body,
            request.headers.get("content-type", ""),
            rulesets.catalogue,
            max_body_bytes=request.app.state.settings.max_body_bytes,
        )
        sealing = Sealing(session, rulesets, commits, request.app.state.sealed_hashes)
        row, created, recommendation = sealing.seal(
            review, caller, supersedes, idempotency_key, next_steps=next_steps
        )
        if created:
            content = store.new_record_json(row, review, recommendation)
            return Response(content, status_code=201, media_type="application/json")
        response.status_code = 200
        return store.record_view(session, row)

    return await run_in_threadpool(draft_and_store)


@router.get(
    "/{record_id}",
    operation_id="get_recommendation",
    summary="A stored decision record, or its printable rationale",
    description="JSON by default; `format=markdown` or `format=html` give the page an appraiser "
    "takes into the meeting: rating or status, why, stage ledger, evidence used and not used, "
    "next steps, and the final decision if one was recorded.",
    response_model=StoredRecord,
    responses={
        200: {
            "content": {
                "text/markdown": {"schema": {"type": "string"}},
                "text/html": {"schema": {"type": "string"}},
            }
        },
        404: {"description": "No such record, or not one the caller may read."},
    },
)
def get_recommendation(
    record_id: RecordId,
    session: SessionDep,
    caller: Reader,
    rulesets: RuleSetsDep,
    format: Annotated[
        Literal["json", "markdown", "html"] | None,
        Query(description="json, markdown or html; without it, the Accept header chooses"),
    ] = None,
    accept: Annotated[str, Header(include_in_schema=False)] = "",
) -> StoredRecord | Response:
    row = store.get_record(session, record_id, owner=owner_filter(caller))
    view = store.record_view(session, row)
    format = format or _format_accepted(accept)
    framework = rulesets.catalogue.get(view.recommendation.framework)
    if format == "markdown":
        page = markdown_page(view, framework)
        return PlainTextResponse(page, media_type="text/markdown; charset=utf-8")
    if format == "html":
        page = html_page(view, framework)
        return HTMLResponse(page, headers={"Content-Security-Policy": DOCUMENT_CSP})
    return view


@router.get(
    "",
    operation_id="list_recommendations",
    summary="Decision records the caller may read, newest first",
    description="Filters combine (all must hold). Paging by cursor: the `Link` header gives "
    'the next page (rel="next") and the previous one (rel="prev"); `X-Total-Count` counts the '
    "records the filters select over every page.",
)
def list_recommendations(
    request: Request,
    response: Response,
    session: SessionDep,
    caller: Reader,
    subject: Annotated[
        str | None, Query(description="Pseudonymous id of the teacher.", examples=["t-0880"])
    ] = None,
    cycle: Annotated[
        IsoDate | None,
        Query(description="A date inside the review cycle.", examples=["2026-03-01"]),
    ] = None,
    framework: Annotated[
        str | None, Query(description="A framework id.", examples=["hampshire"])
    ] = None,
    stage: Annotated[
        str | None, Query(description="A career stage id of the review.", examples=["mpr"])
    ] = None,
    outcome: Annotated[Outcome | None, Query(description="The draft's outcome.")] = None,
    appraiser: Annotated[
        str | None, Query(description="Id of the API key that created the record.")
    ] = None,
    overridden: Annotated[
        bool | None,
        Query(description="true: the standing final decision differs from the draft; false: not."),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=1000, description="Records on this page.")] = 100,
    cursor: Annotated[
        str | None,
        Query(
            min_length=1,
            description='Where the next page starts: from the `Link` header (rel="next") '
            "of the page before; there is none on the last page.",
        ),
    ] = None,
    before: Annotated[
        str | None,
        Query(
            min_length=1,
            description='Where the previous page ends: from the `Link` header (rel="prev"); '
            "there is none on the first page.",
        ),
    ] = None,
) -> list[RecordSummary]:
    where = store.RecordFilter(
        subject=subject,
        cycle_on=cycle,
        framework=framework,
        stage=stage,
        outcome=outcome,
        created_by=appraiser,
        overridden=overridden,
    )
    owner = owner_filter(caller)
    try:
        page = store.find_records(
            session, owner=owner, where=where, limit=limit, cursor=cursor, before=before
        )
    except store.InvalidCursor as exc:
        raise query_problem("before" if before else "cursor", str(exc)) from None
    links = page_links(request, page)
    if links:
        response.headers["Link"] = links
    response.headers["X-Total-Count"] = str(store.count_records(session, owner=owner, where=where))
    return page.records


def page_links(request: Request, page: store.Page) -> str:
    """The ``Link`` header of a page of records: its next and previous pages, if any."""
    links = []
    base = request.url.remove_query_params(["cursor", "before"])
    if page.next_cursor is not None:
        links.append(f'<{base.include_query_params(cursor=page.next_cursor)}>; rel="next"')
    if page.previous_cursor is not None:
        links.append(f'<{base.include_query_params(before=page.previous_cursor)}>; rel="prev"')
    return ", ".join(links)


@router.post(
    "/{record_id}/replay",
    operation_id="replay_recommendation",
    summary="Evaluate the stored input again and compare with the sealed result",
    description="Without `ruleset`, the sealed rule-set version (stored by content hash) is "
    "compiled again and must give the same result. With `ruleset` (an id under rules/, or a "
    "stored `sha256:` hash), the differences from the sealed result are listed.",
    responses={404: {"description": "No such record or rule set."}},
)
def replay_recommendation(
    record_id: RecordId,
    session: SessionDep,
    rulesets: RuleSetsDep,
    caller: Reader,
    ruleset: Annotated[
        str | None, Query(description="Another rule set: an id, or a content hash.")
    ] = None,
) -> Replay:
    row = store.get_record(session, record_id, owner=owner_filter(caller))
    return drafting.replay(session, rulesets, row, ruleset)


@router.post(
    "/{record_id}/decision",
    status_code=201,
    operation_id="decide_recommendation",
    summary="Record the final rating a person decided",
    description="A rating on the draft's scale (the framework's, or e.g. the induction scale "
    "for an ECT). One that differs from the draft (or any "
    "rating after a status) needs a `reason` from the fixed list and a `note`. `evidence` lists "
    "the ids of the review's evidence items the decision rests on (an id the review does not "
    "have is a 422 located at `evidence[i]`, naming the ids it has). A later decision on the "
    "same record corrects the earlier one, which is kept.",
    responses={
        200: {"description": "Stored earlier under the same Idempotency-Key."},
        404: {"description": "No such record, or not one the caller created."},
        409: {"description": "The Idempotency-Key was used for a different request."},
        422: _PROBLEMS,
    },
)
def decide_recommendation(
    record_id: RecordId,
    decision: DecisionCreate,
    response: Response,
    session: SessionDep,
    caller: Drafter,
    idempotency_key: IdempotencyKey = None,
) -> FinalDecision:
    row = store.get_record(session, record_id, owner=caller.id)
    final, created = deciding.record_decision(
        session, row, decision, decided_by=caller.id, idempotency_key=idempotency_key
    )
    if not created:
        response.status_code = 200
    return final


Format = Literal["json", "markdown", "html"]
_ACCEPTED_FORMATS: dict[str, Format] = {
    "text/html": "html",
    "text/markdown": "markdown",
    "application/json": "json",
}


def _format_accepted(accept: str) -> Format:
    """The format the ``Accept`` header prefers most (by q, then order), else JSON."""
    candidates: list[tuple[float, int, Format]] = []
    for position, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = next((_quality(p[2:]) for p in params if p.startswith("q=")), 1.0)
        found = _ACCEPTED_FORMATS.get(media.lower())
        if found and quality > 0:
            candidates.append((-quality, position, found))
    return min(candidates)[2] if candidates else "json"


def _quality(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return 0.0
