"""What keeps the pages safe in a browser: security headers on every answer, and CSRF tokens
checked (by asgi-csrf, a maintained library) on forms posted with the session cookie."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

import asgi_csrf as asgi_csrf_module
import python_multipart
from asgi_csrf import asgi_csrf, cookies_from_scope
from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.web.auth import SESSION_COOKIE
from service.web.errors import csrf_refused
from service.web.templating import CSRF_FIELD

__all__ = ["CSP", "Csrf", "SecurityHeaders"]

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
)
"""No inline script or style anywhere: every script and style sheet is a file the app serves."""

_ALWAYS_CHECKED = {"/sign-in"}
"""Forms checked even without the session cookie (a forged sign-in would sign a person in as
someone else)."""


class _TokenFirstFormParser(python_multipart.FormParser):
    """asgi-csrf 0.11 calls python-multipart's ``FormParser`` as it was before ``FileClass``
    went: this takes that call. A file part reached before the ``csrftoken`` field is refused
    (``FileBeforeToken``), as asgi-csrf means; forms put ``csrf_field()`` first."""

    def __init__(
        self,
        content_type: str,
        on_field: Callable[[Any], None],
        on_file: Any = None,
        *,
        boundary: bytes | str | None = None,
        FileClass: Any = None,
    ) -> None:
        super().__init__(content_type, on_field, _file_before_token, boundary=boundary)


def _file_before_token(_: Any) -> None:
    raise asgi_csrf_module.FileBeforeToken


asgi_csrf_module.FormParser = _TokenFirstFormParser


class SecurityHeaders:
    """ASGI middleware: CSP (unless the route set its own, as the API docs do), no sniffing,
    no referrer beyond this site, no framing, and pages never kept in the browser's cache (the
    back button after signing out shows no one's page)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                headers.setdefault("Content-Security-Policy", CSP)
                headers.setdefault("X-Content-Type-Options", "nosniff")
                headers.setdefault("Referrer-Policy", "same-origin")
                headers.setdefault("X-Frame-Options", "DENY")
                if headers.get("content-type", "").startswith("text/html"):
                    headers.setdefault("Cache-Control", "no-store")
            await send(message)

        await self.app(scope, receive, send_with_headers)


class Csrf:
    """ASGI middleware: asgi-csrf over the app. It checks the ``csrftoken`` field of a form
    (or the ``x-csrftoken`` header) against its signed cookie on every unsafe method, except
    where the caller cannot be a signed-in browser: an ``Authorization: Bearer`` request (the
    JSON API; asgi-csrf's own rule) and a request without the session cookie."""

    def __init__(self, app: ASGIApp, secret: str | None, secure: bool) -> None:
        self.app = asgi_csrf(
            app,
            signing_secret=secret or secrets.token_urlsafe(32),
            always_protect=_ALWAYS_CHECKED,
            skip_if_scope=_without_session,
            cookie_secure=secure,
            cookie_samesite="Strict",
            send_csrf_failed=csrf_refused,
        )
        assert CSRF_FIELD == "csrftoken"  # asgi-csrf's form field, which templates post

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        await self.app(scope, receive, send)


def _without_session(scope: Scope) -> bool:
    if scope["path"] in _ALWAYS_CHECKED:
        return False
    return SESSION_COOKIE not in cookies_from_scope(scope)
