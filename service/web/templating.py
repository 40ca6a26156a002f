"""Rendering pages: one Jinja environment (autoescaped), GOV.UK Frontend's macros, ``render``.

Templates live in ``service/web/templates``; GOV.UK Frontend's macros are imported as
``{% from "govuk_frontend_jinja/components/button/macro.html" import govukButton %}``.
Every page's context has ``request``, ``person`` (the signed-in ``KeyInfo`` or None) and the
globals below; ``{{ csrf_field() }}`` goes inside every ``<form method="post">``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, APIRouter
from jinja2 import (
    ChoiceLoader,
    Environment,
    PackageLoader,
    PrefixLoader,
    pass_context,
    select_autoescape,
)
from markupsafe import Markup, escape

from schemas.service import KeyInfo

__all__ = [
    "CSRF_FIELD",
    "ROLE_NAMES",
    "WebRoute",
    "day",
    "environment",
    "render",
    "web_router",
    "words",
]

CSRF_FIELD = "csrftoken"
"""The form field asgi-csrf reads the token from."""

ROLE_NAMES = {"appraiser": "Appraiser", "hr": "HR", "admin": "Admin"}
"""A role as a person reads it."""


class WebRoute(APIRoute):
    """A route that answers with pages: its errors are pages too (``service.web.errors``)."""


def web_router() -> APIRouter:
    """A router for pages: kept out of the OpenAPI document (each page's JSON twin is in it)."""
    return APIRouter(route_class=WebRoute, include_in_schema=False)


@pass_context
def csrf_field(context: Mapping[str, Any]) -> Markup:
    """The hidden CSRF field every form posts (asgi-csrf checks it against its cookie)."""
    request: Request = context["request"]
    token: Callable[[], str] | None = request.scope.get("csrftoken")
    value = token() if token is not None else ""
    return Markup('<input type="hidden" name="{}" value="{}">').format(CSRF_FIELD, escape(value))


def day(value: dt.date | None) -> str:
    """A date as people write it: 2 December 2026."""
    return "" if value is None else f"{value.day} {value:%B %Y}"


def words(value: str | None) -> str:
    """An id-like value in words: ``needs_human_review`` → "Needs human review"."""
    text = (value or "").replace("_", " ").replace("-", " ")
    return text[:1].upper() + text[1:]


def _environment() -> Environment:
    env = Environment(
        loader=ChoiceLoader(
            [
                PackageLoader("service.web", "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(("html",), default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.globals["csrf_field"] = csrf_field
    env.globals["role_names"] = ROLE_NAMES
    env.filters["day"] = day
    env.filters["words"] = words
    return env


environment = _environment()


def render(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    person: KeyInfo | None = None,
    status_code: int = 200,
    headers: Mapping[str, str] | None = None,
) -> HTMLResponse:
    """The page ``template`` with ``context``. The header shows ``person``, by default the one
    ``current_person`` found for this request (none on the sign-in page)."""
    if person is None:
        person = getattr(request.state, "person", None)
    page = environment.get_template(template).render(
        request=request, person=person, **(context or {})
    )
    return HTMLResponse(page, status_code=status_code, headers=dict(headers or {}))
