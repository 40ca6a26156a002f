"""/working-copies: reviews an appraiser is composing, saved as they go; their drafts; sealing.

The JSON twin of the compose pages (``service/web/routes/compose.py``). An appraiser sees only
its own working copies: another's is a 404."""

from __future__ import annotations

import contextlib
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from engine.errors import NotFoundError
from schemas.service import KeyInfo, StoredRecord
from schemas.working_copy import WorkingCopy, WorkingCopyBody, WorkingDraft
from service import composing, store
from service import working_copies as copies
from service.deps import CommitsDep, Drafter, RuleSetsDep, SessionDep
from service.routes.recommendations import Sealing

__all__ = ["router"]

router = APIRouter(prefix="/working-copies", tags=["working copies"])

CopyId = Annotated[str, Path(description="The working copy's id, from its creation.")]
_NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {"description": "No such working copy of the caller's."}
}


@router.post(
    "",
    status_code=201,
    operation_id="create_working_copy",
    summary="Start a working copy of a review",
)
def create_working_copy(body: WorkingCopyBody, session: SessionDep, caller: Drafter) -> WorkingCopy:
    return copies.create_working_copy(session, caller.id, body.review)


@router.get(
    "",
    operation_id="list_working_copies",
    summary="The caller's working copies, the last saved first",
)
def list_working_copies(session: SessionDep, caller: Drafter) -> list[WorkingCopy]:
    return copies.list_working_copies(session, caller.id)


@router.get(
    "/{copy_id}",
    operation_id="get_working_copy",
    summary="A working copy",
    responses=_NOT_FOUND,
)
def get_working_copy(copy_id: CopyId, session: SessionDep, caller: Drafter) -> WorkingCopy:
    return copies.get_working_copy(session, copy_id, caller.id)


@router.put(
    "/{copy_id}",
    operation_id="save_working_copy",
    summary="Replace the review a working copy holds",
    responses=_NOT_FOUND,
)
def save_working_copy(
    copy_id: CopyId, body: WorkingCopyBody, session: SessionDep, caller: Drafter
) -> WorkingCopy:
    return copies.save_working_copy(session, copy_id, caller.id, body.review)


@router.delete(
    "/{copy_id}",
    status_code=204,
    operation_id="delete_working_copy",
    summary="Delete a working copy",
    responses=_NOT_FOUND,
)
def delete_working_copy(copy_id: CopyId, session: SessionDep, caller: Drafter) -> Response:
    copies.delete_working_copy(session, copy_id, caller.id)
    return Response(status_code=204)


@router.get(
    "/{copy_id}/draft",
    operation_id="draft_working_copy",
    summary="The draft of a working copy so far, or the problems that stop one",
    description="Nothing is stored. Without `next_steps` the draft is the quick one the "
    "compose page shows beside the form.",
    responses=_NOT_FOUND,
)
def draft_working_copy(
    copy_id: CopyId,
    session: SessionDep,
    rulesets: RuleSetsDep,
    caller: Drafter,
    next_steps: Annotated[bool, Query(description="Propose next steps too.")] = False,
) -> WorkingDraft:
    copy = copies.get_working_copy(session, copy_id, caller.id)
    return composing.working_draft(copy.review, rulesets, next_steps=next_steps)


@router.post(
    "/{copy_id}/seal",
    status_code=201,
    operation_id="seal_working_copy",
    summary="Submit a working copy: store its sealed decision record, then delete the copy",
    description="Stores the record exactly as `POST /recommendations` does (with next steps); a "
    "review with problems is a 422 listing them.",
    responses={**_NOT_FOUND, 422: {"description": "The review has problems."}},
)
async def seal_working_copy(
    request: Request,
    copy_id: CopyId,
    session: SessionDep,
    rulesets: RuleSetsDep,
    commits: CommitsDep,
    caller: Drafter,
) -> StoredRecord:
    sealing = Sealing(session, rulesets, commits, request.app.state.sealed_hashes)
    row = await run_in_threadpool(seal_copy, sealing, copy_id, caller)
    return await run_in_threadpool(store.record_view, session, row)


def seal_copy(sealing: Sealing, copy_id: str, caller: KeyInfo) -> store.DecisionRecordRow:
    """Seal ``caller``'s working copy as a decision record and delete the copy; the row."""
    copy = copies.get_working_copy(sealing.session, copy_id, caller.id)
    review = composing.checked_review(copy.review, sealing.rulesets.catalogue)
    row, _, _ = sealing.seal(review, caller, idempotency_key=f"working-copy:{copy_id}")
    with contextlib.suppress(NotFoundError):  # a second submit, at the same time, deleted it
        copies.delete_working_copy(sealing.session, copy_id, caller.id)
    return row
