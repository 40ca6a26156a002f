"""Errors on pages are pages: the same exceptions the API raises, answered in HTML when the
route is a page (``WebRoute``), and exactly as before everywhere else.

SignInNeeded            → 303 to /sign-in (a page needs someone signed in)
Unauthorized            → 401 page
Forbidden               → 403 page (a role that may not see this page)
NotFoundError           → 404 page (also another appraiser's record: it is not theirs to know of)
RequestValidationError  → 400 page (a hand-made URL or form; pages check their own forms)
PageProblem             → its status's page with its message (raised by pages only)
a form without its CSRF token → 403 page (``csrf_refused``, sent by asgi-csrf)
a body over the limit, from a browser → 413 page (``too_large_page``, sent by ``BodyLimit``)
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import RedirectResponse, Response
from starlette.types import Scope, Send

from engine.errors import NotFoundError
from service.errors import ServiceError
from service.web.templating import WebRoute, environment, render

__all__ = [
    "PageProblem",
    "csrf_refused",
    "error_page",
    "install_page_error_handlers",
    "too_large_page",
]

Handler = Callable[[Request, Exception], Awaitable[Response]]

_TITLES = {
    400: ("Something in the address is not right", "Go back and try again."),
    401: ("Sign in to continue", "Your sign-in has ended or the key is not valid."),
    403: ("You cannot do this", "Your role does not allow it."),
    404: ("Page not found", "There is nothing here you can open."),
}


def error_page(request: Request, status: int, message: str | None = None) -> Response:
    """The page for an error ``status``, with ``message`` in plain words when given."""
    title, text = _TITLES.get(status, ("Sorry, something went wrong", ""))
    context = {"title": title, "message": message or text, "status": status}
    return render(request, "error.html", context, status_code=status)


class PageProblem(Exception):
    """Raised by a page (or its dependency) that cannot be shown: answered as the error page of
    ``status`` with ``message``, in plain words."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


async def _page_problem(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, PageProblem)
    return error_page(request, exc.status, exc.message)


def _is_page(request: Request) -> bool:
    return isinstance(request.scope.get("route"), WebRoute)


def _for_pages(api_handler: Handler, page_handler: Handler) -> Handler:
    async def answer(request: Request, exc: Exception) -> Response:
        handler = page_handler if _is_page(request) else api_handler
        return await handler(request, exc)

    return answer


async def _sign_in(_: Request, __: Exception) -> Response:
    return RedirectResponse("/sign-in", status_code=303)


async def _service_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ServiceError)
    return error_page(request, exc.status)


async def _not_found(request: Request, _: Exception) -> Response:
    return error_page(request, 404)


async def _invalid(request: Request, _: Exception) -> Response:
    return error_page(request, 400)


def install_page_error_handlers(app: FastAPI, sign_in_needed: type[Exception]) -> None:
    """Answer errors of page routes with pages; the API's handlers answer every other route."""
    app.add_exception_handler(sign_in_needed, _sign_in)
    app.add_exception_handler(PageProblem, _page_problem)
    pages: dict[type[Exception], Handler] = {
        ServiceError: _service_error,
        NotFoundError: _not_found,
        RequestValidationError: _invalid,
    }
    for exc_class, page_handler in pages.items():
        api_handler: Any = app.exception_handlers[exc_class]
        app.add_exception_handler(exc_class, _for_pages(api_handler, page_handler))


def _bare_page(status: int, title: str, message: str) -> str:
    """The error page for an answer sent before any route (no request, no one signed in)."""
    return environment.get_template("error.html").render(
        request=None, person=None, status=status, title=title, message=message
    )


def too_large_page(max_bytes: int) -> str:
    """``BodyLimit``'s answer to a browser: a form (its file, most likely) over the limit."""
    limit = f"{max_bytes / 1_000_000:g} MB" if max_bytes >= 1_000_000 else f"{max_bytes:,} bytes"
    message = (
        f"The service takes at most {limit} in one form, and nothing was saved. Go back and "
        "send a smaller file, or ask whoever runs the service to raise the limit "
        "(APPRAISE_MAX_BODY_BYTES)."
    )
    return _bare_page(413, "The file or form is too large", message)


async def csrf_refused(scope: Scope, send: Send, _: object) -> None:
    """asgi-csrf's answer to a form posted without its token (or with a stale one)."""
    body = _bare_page(
        403, "This form has expired", "Go back, reload the page and send the form again."
    )
    await send(
        {
            "type": "http.response.start",
            "status": 403,
            "headers": [(b"content-type", b"text/html; charset=utf-8")],
        }
    )
    await send({"type": "http.response.body", "body": body.encode("utf-8")})
