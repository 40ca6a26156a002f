"""What a real ``appraise serve`` refuses before the app sees a request."""

from __future__ import annotations

import contextlib
import socket
import time

from service.http import MAX_HEAD_BYTES
from tests.service.conftest import Api, example


def raw_request(port: int, head: bytes, body: bytes = b"") -> bytes:
    """Send one request over a plain socket and read the whole answer (the server closes)."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        # The server may close before it has read everything.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            conn.sendall(head + body)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    return answer


def test_a_header_past_the_limit_is_431_at_once_and_the_server_goes_on(uvicorn_api: Api) -> None:
    port = uvicorn_api.client.base_url.port
    assert port is not None
    huge = b"x" * (4 * 1024 * 1024)
    started = time.monotonic()
    answer = raw_request(port, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + huge + b"\r\n\r\n")
    assert time.monotonic() - started < 5
    assert answer.startswith(b"HTTP/1.1 431 ")
    assert str(MAX_HEAD_BYTES).encode() in answer
    assert uvicorn_api.client.get("/health").status_code == 200


def test_a_large_body_under_its_own_limit_is_not_mistaken_for_a_large_head(
    uvicorn_api: Api,
) -> None:
    """Head and body often arrive in one read: only the head counts towards the head limit."""
    review = example("hampshire-mpr-achieved.yaml")
    padding = b"\n# " + b"p" * (600 * 1024) + b"\n"
    headers = {**uvicorn_api.key("appraiser"), "Content-Type": "application/yaml"}
    response = uvicorn_api.client.post(
        "/recommendations",
        content=review + padding,
        headers=headers,
        params={"next_steps": "false"},
    )
    assert response.status_code == 201, response.text[:300]
