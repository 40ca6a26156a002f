"""``/records/{id}``: the page an appraiser takes into the meeting, opened by a plain link.

JSON twin: GET /recommendations/{id} (its ``format=html`` is this page standing alone). An
appraiser opens only its own records (another's is a 404 page), HR every one."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import Response
from markupsafe import Markup

from service import store
from service.deps import SessionDep, owner_filter
from service.pages import html_body, page_title
from service.web.auth import ReaderPerson
from service.web.templating import render, web_router

__all__ = ["router"]

router = web_router()


@router.get("/records/{record_id}")
def record_page(
    request: Request, record_id: str, session: SessionDep, person: ReaderPerson
) -> Response:
    row = store.get_record(session, record_id, owner=owner_filter(person))
    view = store.record_view(session, row)
    # html_body escapes every value itself (Markdown with raw HTML turned off).
    context = {"title": page_title(view), "body": Markup(html_body(view)), "record": view}
    return render(request, "record.html", context, person=person)
