"""``appraise serve --workers 2`` over one SQLite file: concurrent drafts from both workers, no
error, and every acknowledged record stored exactly once (group commit, WAL, busy timeout)."""

from __future__ import annotations

import sqlite3
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx2
import pytest

from service import store
from service.db import connect, migrate, session_factory
from tests.service.conftest import example, free_port, start_server, stop_server

CLIENTS = 12
DRAFTS_EACH = 15


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[str, dict[str, str], Path, subprocess.Popen[bytes]]]:
    """A two-worker server over a fresh SQLite file, and an appraiser's headers."""
    database = tmp_path / "appraise.db"
    url = f"sqlite:///{database}"
    engine = connect(url)
    migrate(engine)
    with session_factory(engine)() as session:
        key = store.create_key(session, "appraiser", "workers")
    engine.dispose()
    port = free_port()
    server = start_server(url, port, tmp_path / "server.log", workers=2)
    headers = {"Authorization": f"Bearer {key.key}", "Content-Type": "application/yaml"}
    try:
        yield f"http://127.0.0.1:{port}", headers, database, server
    finally:
        stop_server(server)


def _workers(server: subprocess.Popen[bytes]) -> list[int]:
    children = Path(f"/proc/{server.pid}/task/{server.pid}/children").read_text().split()
    return [
        int(pid)
        for pid in children
        if b"spawn_main" in Path(f"/proc/{pid}/cmdline").read_bytes()
        and b"resource_tracker" not in Path(f"/proc/{pid}/cmdline").read_bytes()
    ]


def _stored_ids(database: Path) -> list[str]:
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT id FROM decision_records").fetchall()
    connection.close()
    return [row[0] for row in rows]


def test_two_workers_store_every_concurrent_draft_once(
    served: tuple[str, dict[str, str], Path, subprocess.Popen[bytes]],
) -> None:
    base, headers, database, server = served
    assert len(_workers(server)) == 2
    body = example("isp-meeting.yaml")

    def client(_: int) -> list[httpx2.Response]:
        with httpx2.Client(base_url=base, headers=headers, timeout=60) as http:
            return [
                http.post("/recommendations", params={"next_steps": "false"}, content=body)
                for _ in range(DRAFTS_EACH)
            ]

    with ThreadPoolExecutor(CLIENTS) as pool:
        responses = [r for batch in pool.map(client, range(CLIENTS)) for r in batch]
    assert [r.status_code for r in responses] == [201] * CLIENTS * DRAFTS_EACH
    acknowledged = sorted(r.json()["id"] for r in responses)
    assert sorted(_stored_ids(database)) == acknowledged
    assert len(set(acknowledged)) == len(acknowledged)


def test_one_idempotency_key_posted_at_once_to_both_workers_stores_one_record(
    served: tuple[str, dict[str, str], Path, subprocess.Popen[bytes]],
) -> None:
    base, headers, database, _ = served
    body = example("isp-meeting.yaml")

    def post(_: int) -> Any:
        with httpx2.Client(base_url=base, headers=headers, timeout=60) as http:
            params = {"next_steps": "false"}
            answer = http.post(
                "/recommendations",
                params=params,
                content=body,
                headers={"Idempotency-Key": "once"},
            )
            return answer.status_code, answer.json()["id"]

    with ThreadPoolExecutor(CLIENTS) as pool:
        answers = list(pool.map(post, range(CLIENTS)))
    assert sorted(status for status, _ in answers) == [200] * (CLIENTS - 1) + [201]
    assert len({record for _, record in answers}) == 1
    assert _stored_ids(database) == [answers[0][1]]
