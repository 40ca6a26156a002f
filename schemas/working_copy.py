"""A working copy: the review an appraiser is composing, saved as it goes (mutable, unlike a
decision record), and the draft of it so far."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field

from schemas._base import Frozen
from schemas.diagnostics import Diagnostic
from schemas.recommendation import Recommendation

__all__ = ["WorkingCopy", "WorkingCopyBody", "WorkingDraft"]


class WorkingCopyBody(Frozen):
    """What a working copy holds: a review as JSON, complete or not yet."""

    review: dict[str, Any] = Field(
        description="The review so far (see `appraise schema review`); it may still have "
        "problems, which its draft lists."
    )


class WorkingCopy(WorkingCopyBody):
    """A working copy as stored: its id, the review so far, when it was made and last saved."""

    id: str
    created_at: dt.datetime
    updated_at: dt.datetime


class WorkingDraft(Frozen):
    """The draft of a working copy: the engine's recommendation, or the review's problems."""

    recommendation: Recommendation | None = None
    problems: tuple[Diagnostic, ...] = ()
