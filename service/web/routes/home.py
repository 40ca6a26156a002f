"""``/``: the home page of the signed-in person's role, or the way to sign in.

appraiser → "Your reviews" (its own records; JSON twin: GET /recommendations)
hr        → "Records" (every record; JSON twin: GET /recommendations)
admin     → "Keys" (every key; JSON twin: GET /keys)
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse, Response

from service import store
from service.deps import CatalogueDep, SessionDep, owner_filter
from service.web.auth import optional_person
from service.web.hr_names import record_names
from service.web.templating import render, web_router

__all__ = ["router"]

router = web_router()

HOME_LIMIT = 100
"""The most records a home page lists."""


@router.get("/")
def home(request: Request, session: SessionDep, catalogue: CatalogueDep) -> Response:
    person = optional_person(request)
    if person is None:
        return RedirectResponse("/sign-in", status_code=303)
    if person.role == "admin":
        keys = store.list_keys(session)
        revoked = request.query_params.get("revoked")  # from the revoke page: say it is done
        context = {"keys": keys, "revoked": revoked}
        return render(request, "home_admin.html", context, person=person)
    page = store.find_records(session, owner=owner_filter(person), limit=HOME_LIMIT)
    template = "home_hr.html" if person.role == "hr" else "home_appraiser.html"
    listing = {
        "records": page.records,
        "names": record_names(session, catalogue),
        "show_appraiser": person.role == "hr",
    }
    return render(request, template, listing, person=person)
