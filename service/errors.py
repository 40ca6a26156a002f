"""The one place errors become HTTP responses; handlers just raise.

AppraiseError (engine)
├── InputError          → 422, one problem per diagnostic: path, code, message, line, column
└── NotFoundError       → 404
ServiceError (here)
├── Unauthorized        → 401  no key, or a key that is unknown or revoked
└── Forbidden           → 403  a key whose role may not do this
IdempotencyConflict     → 409  an Idempotency-Key reused for a different request (store)
RequestValidationError  → 422, in the same shape as InputError
a body over the limit   → 413  (answered by ``BodyLimit`` before any handler runs)
anything else           → 500 with no detail (``service.logs.RequestLog``)
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic_core import ErrorDetails
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from engine.errors import InputError, NotFoundError, diagnostic_code, path_text
from schemas.diagnostics import Diagnostic
from service.store import IdempotencyConflict

__all__ = [
    "BodyLimit",
    "Forbidden",
    "ServiceError",
    "Unauthorized",
    "install_error_handlers",
    "problem",
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


def problem(diagnostic: Diagnostic) -> dict[str, object]:
    """One 422 problem: where (field path, line, column), a stable code, and what to do."""
    located = diagnostic.line > 0  # line 0: a document built in code, with no source text
    return {
        "path": diagnostic.path,
        "code": diagnostic.code,
        "message": diagnostic.message,
        "line": diagnostic.line if located else None,
        "column": diagnostic.column if located else None,
    }


def _unprocessable(problems: Sequence[dict[str, object]]) -> JSONResponse:
    return JSONResponse({"detail": list(problems)}, status_code=422)


def _pydantic_problem(error: ErrorDetails) -> dict[str, object]:
    where, *loc = error["loc"]
    path = path_text(loc) if where == "body" else path_text((where, *loc))
    code = diagnostic_code(error["type"], error.get("ctx"))
    message = f"{path or 'the body'}: {error['msg']}"
    return {"path": path, "code": code, "message": message, "line": None, "column": None}


async def _input_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, InputError)
    return _unprocessable([problem(d) for d in exc.diagnostics])


async def _validation_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return _unprocessable([_pydantic_problem(e) for e in exc.errors()])


async def _not_found(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=404)


async def _service_error(_: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ServiceError)
    headers = {"WWW-Authenticate": "Bearer"} if exc.status == 401 else None
    return JSONResponse({"detail": exc.detail}, status_code=exc.status, headers=headers)


async def _idempotency_conflict(_: Request, exc: Exception) -> JSONResponse:
    return JSONResponse({"detail": str(exc)}, status_code=409)


def install_error_handlers(app: FastAPI) -> None:
    app.add_exception_handler(InputError, _input_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(NotFoundError, _not_found)
    app.add_exception_handler(ServiceError, _service_error)
    app.add_exception_handler(IdempotencyConflict, _idempotency_conflict)


class BodyLimit:
    """ASGI middleware: a body over ``max_bytes`` gets 413 before any handler reads it.

    The body is read here (it is small by definition) and handed on unchanged, so the limit
    holds for chunked uploads that declare no Content-Length too.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope["headers"]).get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.max_bytes:
            await self._too_large(send)
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
                await self._too_large(send)
                return
        await self.app(scope, _replay({"type": "http.request", "body": body}, receive), send)

    async def _too_large(self, send: Send) -> None:
        payload = json.dumps({"detail": f"the body is larger than {self.max_bytes} bytes"})
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [(b"content-type", b"application/json")],
            }
        )
        await send({"type": "http.response.body", "body": payload.encode()})


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
