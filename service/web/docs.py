"""``/docs`` (Swagger UI) and ``/redoc`` working offline: their scripts come from the
fastapi-offline package, served under /assets/api-docs, never from a CDN.

Their pages start the viewer with a small inline script, which the pages' CSP forbids; these two
routes send their own CSP allowing exactly that script (by its hash) and nothing from
elsewhere. Both viewers set inline styles, and ReDoc runs a worker from a blob: URL."""

from __future__ import annotations

import base64
import hashlib
import re

from fastapi import FastAPI
from fastapi.openapi.docs import get_redoc_html, get_swagger_ui_html
from fastapi.responses import HTMLResponse

__all__ = ["add_docs_routes", "docs_csp"]

_INLINE_SCRIPT = re.compile(r"<script>(.*?)</script>", re.DOTALL)
_FILES = "/assets/api-docs"


def docs_csp(page: str) -> str:
    """A CSP for ``page`` letting only its own inline scripts run, besides files from here."""
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()}'"
        for s in _INLINE_SCRIPT.findall(page)
    )
    return (
        f"default-src 'self'; script-src 'self' {hashes}; style-src 'self' 'unsafe-inline'; "
        "img-src 'self' data:; worker-src 'self' blob:; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'"
    )


def _with_csp(response: HTMLResponse) -> HTMLResponse:
    response.headers["Content-Security-Policy"] = docs_csp(bytes(response.body).decode())
    return response


def add_docs_routes(app: FastAPI) -> None:
    """Serve /docs and /redoc from local files (the app is made with ``docs_url=None``)."""
    title = app.title

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return _with_csp(
            get_swagger_ui_html(
                openapi_url="/openapi.json",
                title=f"{title} – API",
                swagger_js_url=f"{_FILES}/swagger-ui-bundle.js",
                swagger_css_url=f"{_FILES}/swagger-ui.css",
                swagger_favicon_url=f"{_FILES}/favicon.png",
            )
        )

    @app.get("/redoc", include_in_schema=False)
    async def redoc() -> HTMLResponse:
        return _with_csp(
            get_redoc_html(
                openapi_url="/openapi.json",
                title=f"{title} – API",
                redoc_js_url=f"{_FILES}/redoc.standalone.js",
                redoc_favicon_url=f"{_FILES}/favicon.png",
                with_google_fonts=False,
            )
        )
