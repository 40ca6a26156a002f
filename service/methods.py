"""The methods a path allows, said truly: ``OPTIONS`` answers them, and a 405 lists them all.

Starlette answers 405 from the first route whose path matches, so ``Allow`` named only that
route's methods (``OPTIONS /keys`` said ``POST`` though ``GET /keys`` works)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from fastapi import FastAPI, Request
from fastapi.responses import Response
from starlette.exceptions import HTTPException
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Receive, Scope, Send

from service.errors import problem_response

__all__ = ["Options", "allowed_methods", "install_method_handlers", "routes_of"]


def allowed_methods(app: FastAPI, scope: Scope) -> list[str]:
    """Every method some route of ``app`` answers at the scope's path (none: no such path)."""
    methods: set[str] = set()
    for route in routes_of(app):
        match, _ = route.matches({**scope, "type": "http"})
        if match is not Match.NONE:
            methods |= getattr(route, "methods", None) or set()
    return sorted(methods | {"OPTIONS"}) if methods else []


def routes_of(app: FastAPI) -> Iterator[BaseRoute]:
    """Every route of ``app`` itself, though FastAPI wraps an included router's."""
    return _unwrapped(app.router.routes)


def _unwrapped(routes: Iterable[BaseRoute]) -> Iterator[BaseRoute]:
    for route in routes:
        included = getattr(route, "original_router", None)
        yield from _unwrapped(included.routes) if included is not None else (route,)


class Options:
    """ASGI middleware: ``OPTIONS`` on a known path is 204 with ``Allow``; else the app's 404."""

    def __init__(self, app: ASGIApp, fastapi: FastAPI) -> None:
        self.app, self.fastapi = app, fastapi

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "OPTIONS":
            allowed = allowed_methods(self.fastapi, scope)
            if allowed:
                answer = Response(status_code=204, headers={"Allow": ", ".join(allowed)})
                await answer(scope, receive, send)
                return
        await self.app(scope, receive, send)


async def _http_exception(request: Request, exc: Exception) -> Response:
    """Starlette's own errors (no such path, method not allowed) as problems too."""
    assert isinstance(exc, HTTPException)
    if exc.status_code != 405:
        headers = dict(exc.headers) if exc.headers else None
        return problem_response(exc.status_code, str(exc.detail), headers=headers)
    allowed = allowed_methods(request.app, request.scope)
    detail = f"{request.method} is not allowed here; use {', '.join(allowed)}"
    return problem_response(405, detail, headers={"Allow": ", ".join(allowed)})


def install_method_handlers(app: FastAPI) -> None:
    """Answer ``OPTIONS`` and list every allowed method in a 405."""
    app.add_exception_handler(HTTPException, _http_exception)
    app.add_middleware(Options, fastapi=app)
