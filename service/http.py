"""The HTTP protocol ``appraise serve`` runs: uvicorn's httptools protocol with the request line
and headers bounded, which httptools alone leaves unbounded (a 50 MB header was read in full,
leaving the worker 51 MB larger)."""

from __future__ import annotations

import json
from typing import Any

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from service.errors import PROBLEM_JSON, problem_body

__all__ = ["MAX_HEAD_BYTES", "BoundedHeadProtocol"]

MAX_HEAD_BYTES = 64 * 1024
"""The most a request line and its headers may take; a browser sends a few kilobytes."""


def _too_large() -> bytes:
    detail = f"the request line and headers exceed {MAX_HEAD_BYTES} bytes"
    body = json.dumps(problem_body(431, detail))
    head = (
        "HTTP/1.1 431 Request Header Fields Too Large\r\n"
        f"content-type: {PROBLEM_JSON}\r\n"
        "connection: close\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    )
    return (head + body).encode("ascii")


_TOO_LARGE = _too_large()


class BoundedHeadProtocol(HttpToolsProtocol):
    """Answers 431 and closes the connection once a request's head passes ``MAX_HEAD_BYTES``.

    Bytes are counted as they arrive while the head is incomplete, so at most one read past
    the limit is ever held, and the app never sees the request."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._head_bytes = 0
        self._in_head = True

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes, self._in_head = 0, True

    def on_headers_complete(self) -> None:
        self._in_head = False
        super().on_headers_complete()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        if not self._in_head or self.transport.is_closing():
            return
        self._head_bytes += len(data)
        if self._head_bytes > MAX_HEAD_BYTES:
            self.transport.write(_TOO_LARGE)
            self.transport.close()
