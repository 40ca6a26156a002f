"""``install_web``: everything the pages need, added to the API's app in one call."""

from __future__ import annotations

from fastapi import FastAPI

from service.settings import Settings
from service.web.assets import mount_assets
from service.web.auth import SignInNeeded
from service.web.docs import add_docs_routes
from service.web.errors import install_page_error_handlers
from service.web.routes import (
    compose,
    decisions,
    home,
    hr_audits,
    hr_records,
    keys,
    records,
    sign_in,
)
from service.web.security import Csrf, SecurityHeaders

__all__ = ["PAGE_ROUTERS", "install_web"]

PAGE_ROUTERS = (home, sign_in, records, decisions, keys, compose, hr_records, hr_audits)
"""Every module of pages; a new one is added here."""


def install_web(app: FastAPI, settings: Settings) -> None:
    """Add the pages, their assets and the offline API docs; then CSRF and the security
    headers as middleware. Call after the API's error handlers, before its own middleware."""
    mount_assets(app, settings.assets_dir)
    for module in PAGE_ROUTERS:
        app.include_router(module.router)
    add_docs_routes(app)
    install_page_error_handlers(app, SignInNeeded)
    app.add_middleware(Csrf, secret=settings.secret_key, secure=settings.secure_cookies)
    app.add_middleware(SecurityHeaders)
