"""Acknowledged records survive a killed server; sealed rule sets survive a change of rules/."""

from __future__ import annotations

import json
import shutil
import threading
import time
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from service import store
from service.app import create_app
from service.db import connect, migrate, session_factory
from service.settings import Settings
from tests.service.conftest import (
    ROOT,
    Api,
    example,
    free_port,
    kill_server,
    start_server,
    stop_server,
)

ISP = yaml.safe_load(example("isp-meeting.yaml"))
WRITERS = 3
KILL_AFTER = 30  # acknowledged writes before the kill


def _write_until_stopped(
    base: str, headers: dict[str, str], stop: threading.Event, acked: list[tuple[str, Any]]
) -> None:
    """Draft, then decide, over and over; keep every write the server acknowledged."""
    body = json.loads(json.dumps(ISP, default=str))
    with httpx2.Client(base_url=base, timeout=10, headers=headers) as client:
        deadline = time.monotonic() + 60
        while not stop.is_set() and time.monotonic() < deadline:
            try:
                created = client.post("/recommendations", json=body)
                if created.status_code != 201:
                    continue
                acked.append(("record", created.json()))
                decided = client.post(
                    f"/recommendations/{created.json()['id']}/decision", json={"rating": "meeting"}
                )
                if decided.status_code == 201:
                    acked.append(("decision", decided.json()))
            except httpx2.TransportError:
                return  # the server is gone: what was acknowledged so far is what counts


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'appraise.db'}"
    url: str = request.getfixturevalue("postgres_url")
    return url


@pytest.mark.slow  # a server killed under concurrent writes, then every record checked
def test_every_acknowledged_write_survives_sigkill(database_url: str, tmp_path: Path) -> None:
    engine = connect(database_url)
    migrate(engine)
    with session_factory(engine)() as session:
        key = store.create_key(session, "appraiser", "durability")
    headers = {"Authorization": f"Bearer {key.key}"}
    port = free_port()
    server = start_server(database_url, port, tmp_path / "server.log")
    acked: list[tuple[str, Any]] = []
    stop = threading.Event()
    base = f"http://127.0.0.1:{port}"
    writers = [
        threading.Thread(target=_write_until_stopped, args=(base, headers, stop, acked))
        for _ in range(WRITERS)
    ]
    try:
        for writer in writers:
            writer.start()
        deadline = time.monotonic() + 60
        while len(acked) < KILL_AFTER and time.monotonic() < deadline:
            time.sleep(0.01)
        kill_server(server)  # mid-stream: the writers are still sending
    finally:
        stop.set()
        for writer in writers:
            writer.join()
        if server.poll() is None:
            kill_server(server)
    assert len(acked) >= KILL_AFTER

    restarted = start_server(database_url, port, tmp_path / "server.log")
    try:
        with httpx2.Client(base_url=base, headers=headers, timeout=10) as client:
            for kind, body in acked:
                record_id = body["id"] if kind == "record" else body["record"]
                stored = client.get(f"/recommendations/{record_id}")
                assert stored.status_code == 200, (kind, body)
                if kind == "record":
                    assert {**stored.json(), "decisions": [], "superseded_by": []} == {
                        **body,
                        "decisions": [],
                        "superseded_by": [],
                    }
                else:
                    assert body in stored.json()["decisions"]
    finally:
        stop_server(restarted)
        engine.dispose()


def _rules_copy(tmp_path: Path) -> Path:
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", rules, ignore=shutil.ignore_patterns("cases"))
    return rules


def test_replay_uses_the_sealed_rule_set_after_rules_change(tmp_path: Path) -> None:
    rules = _rules_copy(tmp_path)
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}", rules_dir=rules)
    before = create_app(settings)
    with before.state.sessions() as session:
        headers = {"Authorization": f"Bearer {store.create_key(session, 'hr', 'x').key}"}
        drafter = store.create_key(session, "appraiser", "y").key
    with TestClient(before) as client:
        created = client.post(
            "/recommendations",
            content=example("isp-meeting.yaml"),
            headers={"Authorization": f"Bearer {drafter}", "Content-Type": "application/yaml"},
        ).json()
    assert created["recommendation"]["rating"] == "meeting"

    # A school raises the bar: "meeting" now needs every statement, not two thirds.
    path = rules / "isp" / "ruleset.yaml"
    text_before = path.read_text()
    changed = text_before.replace("default: 0.66", "default: 1.0")
    assert changed != text_before
    path.write_text(changed)

    after = create_app(settings)
    with TestClient(after) as client:
        rid = created["id"]
        sealed = client.post(f"/recommendations/{rid}/replay", headers=headers).json()
        assert sealed["same"] is True
        assert sealed["replayed_ruleset_hash"] == created["ruleset_hash"]
        current = client.post(
            f"/recommendations/{rid}/replay", params={"ruleset": "isp"}, headers=headers
        ).json()
        assert current["replayed_ruleset_hash"] != created["ruleset_hash"]
        assert current["same"] is False
        changed_paths = {d["path"] for d in current["differences"]}
        assert {"rating", "outcome"} & changed_paths or "summary" in changed_paths


@pytest.mark.parametrize("backend", ["sqlite", "postgres"])
def test_the_database_refuses_to_change_or_delete_records(
    request: pytest.FixtureRequest, backend: str
) -> None:
    api: Api = request.getfixturevalue(f"{backend}_api")
    headers = api.key("appraiser")
    created = api.client.post(
        "/recommendations",
        content=example("isp-meeting.yaml"),
        headers={**headers, "Content-Type": "application/yaml"},
    ).json()
    for statement in (
        "UPDATE decision_records SET rating = 'exceeding' WHERE id = :id",
        "DELETE FROM decision_records WHERE id = :id",
    ):
        with api.sessions() as session, pytest.raises(DBAPIError, match="never changed"):
            session.execute(text(statement), {"id": created["id"]})
            session.commit()


def test_sqlite_refuses_replacing_a_record_through_replace_into(sqlite_api: Api) -> None:
    """REPLACE deletes the old row without firing the DELETE trigger: refused on insert."""
    created = _created(sqlite_api)
    replace = (
        "REPLACE INTO decision_records SELECT id, created_at, created_by, supersedes, subject, "
        "framework, ruleset_id, ruleset_hash, input_hash, engine_version, evaluated_at, "
        "cycle_start, cycle_end, outcome, 'not-met', input_json, result_json, idempotency_key, "
        "request_hash, stage FROM decision_records WHERE id = :id"
    )
    stored = "SELECT rating, result_json FROM decision_records WHERE id = :id"
    with sqlite_api.sessions() as session:
        before = session.execute(text(stored), {"id": created["id"]}).one()
        with pytest.raises(DBAPIError, match="never changed"):
            session.execute(text(replace), {"id": created["id"]})
            session.commit()
        session.rollback()
        after = session.execute(text(stored), {"id": created["id"]}).one()
    assert after == before


@pytest.mark.parametrize(
    "table", ["final_decisions", "decision_records", "sealed_rulesets", "audits"]
)
def test_postgres_refuses_truncating_an_insert_only_table(postgres_api: Api, table: str) -> None:
    _created(postgres_api)
    count = text("SELECT count(*) FROM decision_records")
    with postgres_api.sessions() as session:
        before = session.execute(count).scalar_one()
        with pytest.raises(DBAPIError, match="never changed"):
            session.execute(text(f"TRUNCATE {table} CASCADE"))
            session.commit()
        session.rollback()
        after = session.execute(count).scalar_one()
    assert after == before > 0


def _created(api: Api) -> dict[str, Any]:
    response = api.client.post(
        "/recommendations",
        content=example("isp-meeting.yaml"),
        headers={**api.key("appraiser"), "Content-Type": "application/yaml"},
    )
    assert response.status_code == 201
    created: dict[str, Any] = response.json()
    return created
