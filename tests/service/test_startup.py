"""What a server process does once, at start, so that requests need not."""

from __future__ import annotations

import gc
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx2
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url

from service.app import create_app
from service.settings import Settings
from tests.service.conftest import free_port, new_postgres_database, start_server, stop_server


def test_what_start_up_built_is_frozen_out_of_the_collectors_full_passes(tmp_path: Path) -> None:
    gc.unfreeze()
    assert gc.get_freeze_count() == 0
    app = create_app(Settings(database_url=f"sqlite:///{tmp_path / 'db.sqlite'}"))
    with TestClient(app) as client:
        # Modules and every compiled rule set: far more than a request makes.
        assert gc.get_freeze_count() > 50_000
        assert client.get("/health").status_code == 200


@pytest.mark.slow  # four servers started
def test_four_servers_sharing_one_new_postgres_database_start_at_once(
    postgres_server: str, tmp_path: Path
) -> None:
    """Scale-out: migrations run under an advisory lock, so one server migrates and the others
    wait, then every server answers and the schema is at its head once."""
    with new_postgres_database(postgres_server, prefix="appraise_start") as url:
        ports = [free_port() for _ in range(4)]
        with ThreadPoolExecutor(len(ports)) as pool:
            starting = [
                pool.submit(start_server, url, port, tmp_path / f"server-{port}.log")
                for port in ports
            ]
        servers = [future.result() for future in starting if future.exception() is None]
        try:
            assert not [str(future.exception()) for future in starting if future.exception()]
            for port in ports:
                assert httpx2.get(f"http://127.0.0.1:{port}/health", timeout=5).status_code == 200
            plain = make_url(url).set(drivername="postgresql").render_as_string(False)
            with psycopg.connect(plain) as conn:
                versions = conn.execute("SELECT version_num FROM alembic_version").fetchall()
            assert len(versions) == 1
        finally:
            for server in servers:
                stop_server(server)
