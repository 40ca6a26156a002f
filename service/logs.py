"""What the service logs: one line per request (no query string) and one per stored record.

Neither carries a key or a personal field: request lines name the route template, not the
path, and a record's input is logged with the configured personal fields masked.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel
from pydantic_core import to_json
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = ["MASK", "RequestLog", "log_event", "masked"]

MASK = "***"
requests_log = logging.getLogger("appraise.requests")
records_log = logging.getLogger("appraise.records")


def masked(data: Any, fields: Sequence[str]) -> Any:
    """``data`` with every value at one of the dotted ``fields`` ('*' = each item) replaced."""
    for field in fields:
        data = _mask(data, field.split("."))
    return data


def _mask(data: Any, parts: list[str]) -> Any:
    if not parts:
        return MASK if data is not None else None
    head, rest = parts[0], parts[1:]
    if head == "*" and isinstance(data, list):
        return [_mask(item, rest) for item in data]
    if isinstance(data, dict) and head in data:
        return {**data, head: _mask(data[head], rest)}
    return data


def log_event(event: str, fields: Sequence[str], **values: Any) -> None:
    """One JSON line on ``appraise.records``; an ``input`` value (a model, or its JSON data) is
    masked first.

    Encoded by pydantic-core (a record's input is ~30 KB of JSON: a third of ``json.dumps``'s
    time), and not at all when the line would not be logged."""
    if not records_log.isEnabledFor(logging.INFO):
        return
    if "input" in values:
        data = values["input"]
        if isinstance(data, BaseModel):
            data = data.model_dump(mode="json")
        values["input"] = masked(data, fields)
    line = to_json({"event": event, **values}, fallback=str)
    records_log.info(line.decode("utf-8"))


async def _internal_error(send: Send) -> None:
    headers = [(b"content-type", b"application/json")]
    await send({"type": "http.response.start", "status": 500, "headers": headers})
    await send({"type": "http.response.body", "body": b'{"detail":"internal error"}'})


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
