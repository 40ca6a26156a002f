"""The FastAPI application over the engine: ``create_app(settings)``; thin, no rule logic."""

from __future__ import annotations

import gc
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.metadata import version

from fastapi import FastAPI

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.errors import AppraiseError
from service.commits import GroupCommit
from service.db import connect, migrate, session_factory
from service.deps import authorise
from service.errors import BodyLimit, install_error_handlers
from service.logs import RequestLog
from service.methods import install_method_handlers
from service.openapi import openapi_document
from service.routes import (
    audits,
    frameworks,
    health,
    keys,
    recommendations,
    rulesets,
    working_copies,
)
from service.settings import Settings
from service.web import install_web
from service.web.errors import too_large_page

__all__ = ["create_app"]

startup_log = logging.getLogger("appraise.startup")

DESCRIPTION = """\
Drafts a teacher's performance-management rating with a rationale a person can check.
It recommends; a person decides; HR audits.

The web pages (sign in at `/sign-in`) use the same store and rules; each has its JSON
twin here. Every endpoint but `/health` needs an API key as a bearer token (`appraise keys create`).
Roles: **appraiser** creates drafts and reads and decides its own cases; **hr** reads every
case and runs audits; **admin** manages keys.
"""


def create_app(settings: Settings | None = None) -> FastAPI:
    """The application for ``settings`` (default: from ``APPRAISE_*``); migrates the database."""
    settings = settings or Settings()
    engine = connect(settings.database_url)
    migrate(engine)

    sessions = session_factory(engine)
    commits = GroupCommit(engine)
    compiled_rules = RuleSets(Catalogue(settings.rules_dir))

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        _compile_all(compiled_rules)
        _freeze_what_lives_on()
        yield
        commits.close()
        engine.dispose()

    app = FastAPI(
        title="appraise",
        version=version("appraise"),
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None,  # served offline by service.web.docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.engine = engine
    app.state.sessions = sessions
    app.state.commits = commits
    app.state.rulesets = compiled_rules
    # Content hashes of rule sets this process found stored: one per compiled rule set at most.
    app.state.sealed_hashes = set()
    install_error_handlers(app, authorise)
    install_method_handlers(app)
    for module in (health, frameworks, rulesets, recommendations, audits, keys, working_copies):
        app.include_router(module.router)
    install_web(app, settings)
    app.add_middleware(BodyLimit, max_bytes=settings.max_body_bytes, page=too_large_page)
    app.add_middleware(RequestLog)
    app.openapi = lambda: openapi_document(app)  # type: ignore[method-assign]
    return app


def _compile_all(rulesets: RuleSets) -> None:
    """Compile every rule set now, once per process, rather than in the first requests; one
    that does not compile is left to answer its own requests with its diagnostics."""
    try:
        ids = list(rulesets.paths)
    except AppraiseError as exc:
        startup_log.warning("rule sets not compiled at start: %s", type(exc).__name__)
        return
    for ruleset_id in ids:
        try:
            rulesets.compiled(ruleset_id)
        except AppraiseError as exc:
            startup_log.warning("rule set %s not compiled at start: %s", ruleset_id, exc)


def _freeze_what_lives_on() -> None:
    """Leave what start-up built (modules, compiled rule sets: ~180,000 objects) out of the
    garbage collector's full passes. Those passes run every few hundred drafts under load and
    walked all of it each time: ~17% of the server's CPU at 32 connections. What is frozen is
    never collected, which is what it is for: it lives as long as the process."""
    gc.collect()
    gc.freeze()
