"""``/records/{id}``: the page an appraiser takes into the meeting, opened by a plain link.

JSON twin: GET /recommendations/{id} (its ``format=html`` is this page standing alone, unfolded).
An appraiser opens only its own records (another's is a 404 page), HR every one. The final
decisions made on it are listed newest first, each with the evidence it cites; the appraiser
who owns it has the way to record one (``service.web.routes.decisions``)."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response

from service import store
from service.deps import RuleSetsDep, SessionDep, owner_filter
from service.pages import page_title
from service.web.auth import ReaderPerson
from service.web.decisions import decision_views, may_decide
from service.web.meeting import meeting_page
from service.web.templating import render, web_router

__all__ = ["router"]

router = web_router()


@router.get("/records/{record_id}")
def record_page(
    request: Request,
    record_id: str,
    session: SessionDep,
    rulesets: RuleSetsDep,
    person: ReaderPerson,
) -> Response:
    row = store.get_record(session, record_id, owner=owner_filter(person))
    view = store.record_view(session, row)
    framework = rulesets.catalogue.get(view.recommendation.framework)
    context = {
        "title": page_title(view),
        "page": meeting_page(view, framework),
        "record": view,
        "decisions": decision_views(session, view),
        "may_decide": may_decide(person),
        "decided": "decided" in request.query_params,
    }
    return render(request, "record.html", context, person=person)
