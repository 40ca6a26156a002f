"""What the service logs: one line per request (no query string) and one per stored record.

Neither carries a key or a personal field: request lines name the route template, not the
path, and record lines carry ids and hashes only (``AUDIT_TRAIL``).
"""

from __future__ import annotations

import logging
import time

from pydantic_core import to_json
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from service.errors import PROBLEM_JSON, problem_body

__all__ = ["AUDIT_TRAIL", "RequestLog", "log_event"]

requests_log = logging.getLogger("appraise.requests")
records_log = logging.getLogger("appraise.records")

AUDIT_TRAIL = frozenset(
    {
        "id",
        "record",
        "created_by",
        "framework",
        "ruleset",
        "ruleset_hash",
        "input_hash",
        "engine_version",
        "outcome",
        "rating",
        "differs",
        "reason",
    }
)
"""What a record line may carry: ids, hashes and the outcome, never the review or a note.

The line is an operator's audit trail: who stored which record, under which rule-set
revision, with which input hash; the review itself (teacher and appraiser ids, notes, and
special-category data such as absence types) stays in the database it is hashed from."""


def log_event(event: str, **values: str | bool | None) -> None:
    """One JSON line on ``appraise.records`` of the audit-trail fields only."""
    if not records_log.isEnabledFor(logging.INFO):
        return
    unexpected = set(values) - AUDIT_TRAIL
    if unexpected:
        raise ValueError(f"not an audit-trail field: {', '.join(sorted(unexpected))}")
    records_log.info(to_json({"event": event, **values}).decode("utf-8"))


_INTERNAL_ERROR = to_json(problem_body(500, "internal error"))


async def _internal_error(send: Send) -> None:
    headers = [(b"content-type", PROBLEM_JSON.encode())]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": _INTERNAL_ERROR})


class RequestLog:
    """ASGI middleware: method, route template, status and milliseconds for each request.

    It is also the last guard: an unexpected exception becomes a bare 500, logged by type only,
    never a traceback that could quote personal data.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        started_response = False

        async def send_status(message: Message) -> None:
            nonlocal status, started_response
            if message["type"] == "http.response.start":
                status, started_response = message["status"], True
            await send(message)

        try:
            await self.app(scope, receive, send_status)
        except Exception as exc:
            # The type and the route only: an exception's message may quote the request's data.
            requests_log.error("unhandled %s", type(exc).__name__)
            if started_response is False:
                await _internal_error(send)
        finally:
            route = scope.get("route")
            requests_log.info(
                "%s %s %d %.1fms",
                scope["method"],
                getattr(route, "path", "(no route)"),
                status,
                (time.perf_counter() - started) * 1000,
            )
