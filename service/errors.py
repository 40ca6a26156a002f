"""The one place errors become HTTP responses; handlers just raise. Every error is an RFC 9457
problem (``application/problem+json``: type, title, status, detail; a 422 adds ``errors``, one
located problem each: path, code, message, line, column).

AppraiseError (engine)
├── InputError          → 422, one entry of ``errors`` per diagnostic
└── NotFoundError       → 404
ServiceError (here)
├── Unauthorized        → 401  no key, or a key that is unknown or revoked
└── Forbidden           → 403  a key whose role may not do this
IdempotencyConflict     → 409  an Idempotency-Key reused for a different request (store)
LastAdminKey            → 409  the last active admin key would be revoked (store)
RequestValidationError  → 422, in the same shape as InputError, after the caller's key and role
a body over the limit   → 413  (answered by ``BodyLimit`` before any handler runs)
a path or method that does not exist → 404 / 405 (``service.methods``)
anything else           → 500 with no detail (``service.logs.RequestLog``)
"""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable, Sequence
from http import HTTPStatus
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import ErrorDetails
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.errors import InputError, NotFoundError, diagnostic_code, path_text
from schemas.diagnostics import Diagnostic
from service.store import IdempotencyConflict, LastAdminKey

__all__ = [
    "MAX_PROBLEMS",
    "PROBLEM_JSON",
    "BodyLimit",
    "Forbidden",
    "ServiceError",
    "Unauthorized",
    "input_problem",
    "install_error_handlers",
    "problem_body",
    "problem_response",
    "query_problem",
]


class ServiceError(Exception):
    """Base of the errors the service raises on purpose; ``status`` is the HTTP status."""

    status = 500

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


class Unauthorized(ServiceError):
    """Raised when a request has no API key, or one that is unknown or revoked."""

    status = 401


class Forbidden(ServiceError):
    """Raised when the caller's role may not use this endpoint."""

    status = 403


def query_problem(name: str, message: str) -> InputError:
    """A 422 about query parameter ``name``, in the shape of every other problem."""
    return InputError(
        [
            Diagnostic(
                file="<query>",
                line=0,
                column=0,
                code="invalid-value",
                message=f"query.{name}: {message}",
                path=f"query.{name}",
            )
        ]
    )


PROBLEM_JSON = "application/problem+json"


def problem_body(
    status: int,
    detail: str,
    errors: Sequence[dict[str, object]] | None = None,
    count: int | None = None,
) -> dict[str, object]:
    """An RFC 9457 problem: the status's phrase as title, and the located ``errors`` of a 422
    with the ``count`` of problems the request has (more than are listed when there are many).
    """
    body: dict[str, object] = {
        "type": "about:blank",
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
    }
    if errors is not None:
        body["errors"] = list(errors)
        body["count"] = len(errors) if count is None else count
    return body


def problem_response(
    status: int,
    detail: str,
    *,
    errors: Sequence[dict[str, object]] | None = None,
    count: int | None = None,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Every error the service answers, in one shape (``schemas.service.Problem``)."""
    return JSONResponse(
        problem_body(status, detail, errors, count),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_JSON,
    )


def input_problem(diagnostic: Diagnostic) -> dict[str, object]:
    """One 422 problem: where (field path, line, column), a stable code, and what to do."""
    located = diagnostic.line > 0  # line 0: a document built in code, with no source text
    return {
        "path": diagnostic.path,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "line": diagnostic.line if located else None,
        "column": diagnostic.column if located else None,
    }


MAX_PROBLEMS = 100
"""The most problems a 422 lists (8,000 made a 1.4 MB answer); ``count`` says how many."""


def _unprocessable(problems: Sequence[dict[str, object]], count: int | None = None) -> JSONResponse:
    """A 422 listing the first ``MAX_PROBLEMS`` of ``problems``; ``count``: how many the request
    has in all, when more than ``problems`` were found (see ``InputError.count``)."""
    total = len(problems) if count is None else count
    number = f"{total} problem{'s' if total != 1 else ''}"
    if total > MAX_PROBLEMS:
        detail = f"The request has {number}; the first {MAX_PROBLEMS} are in errors, with places."
    else:
        detail = f"The request has {number}, each with its place in errors."
    return problem_response(422, detail, errors=problems[:MAX_PROBLEMS], count=total)


def _pydantic_problem(error: ErrorDetails) -> dict[str, object]:
    where, *loc = error["loc"]
    path = path_text(loc) if where == "body" else path_text((where, *loc))
    code = diagnostic_code(error["type"], error.get("ctx"))
    message = f"{path or 'the body'}: {error['msg']}"
    return {"path": path, "code": code, "message": message, "line": None, "column": None}


async def _input_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    listed = [input_problem(d) for d in exc.diagnostics[:MAX_PROBLEMS]]
    return _unprocessable(listed, exc.count)


def _validation_error(
    authorise: Callable[[Request], Awaitable[None]],
) -> Callable[[Request, Exception], Awaitable[JSONResponse]]:
    """422 for a request FastAPI could not validate, once the caller may use the route: a body
    is never judged for a caller without a key (401) or the role (403)."""

    async def answer(request: Request, exc: Exception) -> JSONResponse:
        assert isinstance(exc, RequestValidationError)
        try:
            await authorise(request)
        except ServiceError as refused:
            return await _service_error(request, refused)
        return _unprocessable([_pydantic_problem(e) for e in exc.errors()])

    return answer


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    return problem_response(404, str(exc))


async def _service_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return problem_response(exc.status, exc.detail, headers=headers)


async def _conflict(_: Request, exc: Exception) -> JSONResponse:
    return problem_response(409, str(exc))


def install_error_handlers(app: FastAPI, authorise: Callable[[Request], Awaitable[None]]) -> None:
    """Map every error to its answer; ``authorise`` checks the caller before a 422."""
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(RequestValidationError, _validation_error(authorise))
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(IdempotencyConflict, _conflict)
    app.add_exception_handler(LastAdminKey, _conflict)


class BodyLimit:
    """ASGI middleware: a body over ``max_bytes`` gets 413 before any handler reads it.

    The body is read here (it is small by definition) and handed on unchanged, so the limit
    holds for chunked uploads that declare no Content-Length too.
    """

    def __init__(
        self, app: ASGIApp, max_bytes: int, page: Callable[[int], str] | None = None
    ) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.page = page  # the page a browser is answered with, given the limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(scope, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            if message["type"] != "http.request":
                await self.app(scope, _replay(message), send)
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > self.max_bytes:
                await self._too_large(scope, send)
                return
        await self.app(scope, _replay({"type": "http.request", "body": body}, receive), send)

    async def _too_large(self, scope: Scope, send: Send) -> None:
        """The problem as JSON; as a page to a browser (a form's file too large, say), since
        the route that would have said which is not known before the body is read."""
        if self.page is not None and _wants_html(scope):
            content_type, payload = "text/html; charset=utf-8", self.page(self.max_bytes)
        else:
            detail = f"the body is larger than {self.max_bytes} bytes"
            content_type, payload = PROBLEM_JSON, json.dumps(problem_body(413, detail))
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", content_type.encode())],
            }
        )
        await send({"type": "http.response.body", "body": payload.encode("utf-8")})


def _wants_html(scope: Scope) -> bool:
    """A browser's request: it asks for HTML (a page or a form), not a client of the API."""
    accept = dict(scope["headers"]).get(b"accept", b"")
    return b"text/html" in accept


def _replay(first: Message, then: Receive | None = None) -> Receive:
    """A receive callable that hands out ``first`` once, then defers to ``then``."""
    pending: list[Any] = [first]

    async def receive() -> Message:
        if pending:
            message: Message = pending.pop()
            return message
        if then is None:
            return {"type": "http.disconnect"}
        return await then()

    return receive
