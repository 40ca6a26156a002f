"""``/records``: HR lists every decision record, filtered and paged by cursor.

JSON twin: GET /recommendations with the same filters (``cycle``, ``framework``, ``stage``,
``outcome``, ``appraiser``, ``overridden``) and cursors (``cursor``, ``before``); its
``X-Total-Count`` is the count this page shows. A GET form: it works without JavaScript."""

from __future__ import annotations

import datetime as dt
from typing import Annotated
from urllib.parse import urlencode

from fastapi import Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response

from service import store
from service.deps import CatalogueDep, SessionDep
from service.web import hr_names
from service.web.auth import HrPerson
from service.web.templating import render, web_router

__all__ = ["PAGE_SIZE", "router"]

router = web_router()

PAGE_SIZE = 50
"""Records on one page."""

OVERRIDDEN = {"yes": True, "no": False}

Choice = Annotated[str, Query(max_length=200)]


@router.get("/records")
def records_page(
    request: Request,
    session: SessionDep,
    catalogue: CatalogueDep,
    person: HrPerson,
    cycle: Choice = "",
    framework: Choice = "",
    stage: Choice = "",
    outcome: Choice = "",
    appraiser: Choice = "",
    overridden: Choice = "",
    cursor: Annotated[str | None, Query(min_length=1)] = None,
    before: Annotated[str | None, Query(min_length=1)] = None,
) -> Response:
    chosen = {
        "cycle": cycle,
        "framework": framework,
        "stage": stage,
        "outcome": outcome,
        "appraiser": appraiser,
        "overridden": overridden,
    }
    where = store.RecordFilter(
        cycle_on=_day(cycle),
        framework=framework or None,
        stage=stage or None,
        outcome=outcome or None,
        created_by=appraiser or None,
        overridden=OVERRIDDEN.get(overridden),
    )
    try:
        page = store.find_records(
            session, owner=None, where=where, limit=PAGE_SIZE, cursor=cursor, before=before
        )
    except store.InvalidCursor as exc:
        raise _bad_query("cursor", str(exc)) from None
    context = {
        "records": page.records,
        "total": store.count_records(session, owner=None, where=where),
        "chosen": chosen,
        "filtered": any(chosen.values()),
        "options": {
            "cycle": hr_names.cycle_options(session),
            "framework": hr_names.framework_options(catalogue),
            "stage": hr_names.stage_options(catalogue),
            "outcome": hr_names.OUTCOMES,
            "appraiser": hr_names.appraiser_options(session),
        },
        "names": hr_names.record_names(session, catalogue),
        "next_href": _href(chosen, "cursor", page.next_cursor),
        "previous_href": _href(chosen, "before", page.previous_cursor),
    }
    return render(request, "hr_records.html", context, person=person)


def _href(chosen: dict[str, str], name: str, value: str | None) -> str | None:
    """The address of another page with the same filters; None when there is none."""
    if value is None:
        return None
    query = {k: v for k, v in chosen.items() if v}
    return "/records?" + urlencode({**query, name: value})


def _day(text: str) -> dt.date | None:
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise _bad_query("cycle", "not a date (YYYY-MM-DD)") from None


def _bad_query(name: str, message: str) -> RequestValidationError:
    return RequestValidationError(
        [{"loc": ("query", name), "msg": message, "type": "value_error", "input": None}]
    )
