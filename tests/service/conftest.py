"""One API suite, three backends: in-process over SQLite, in-process over a real PostgreSQL
server (``scripts/postgres.sh``), and a real ``appraise serve`` process over HTTP."""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import httpx2
import psycopg
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from schemas.service import Role
from service import store
from service.app import create_app
from service.db import connect, migrate, session_factory
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
BACKENDS = ("sqlite", "postgres", "uvicorn")


@dataclass
class Api:
    """A client for one backend, plus direct access to its database to make keys."""

    client: httpx2.Client
    sessions: sessionmaker[Session]
    url: str
    headers: dict[str, dict[str, str]] = field(default_factory=dict)

    def key(self, role: Role, name: str | None = None) -> dict[str, str]:
        """Headers with a new key of ``role``."""
        with self.sessions() as session:
            key = store.create_key(session, role, name or f"test {role}")
        return {"Authorization": f"Bearer {key.key}"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


def start_server(
    database_url: str, port: int, log: Path, *, workers: int | None = None
) -> subprocess.Popen[bytes]:
    """``appraise serve`` as a child process (its own process group, with its workers), once
    it answers /health."""
    # This checkout's code, also when the venv's editable install points at another checkout.
    command = [
        sys.executable,
        "-m",
        "service.cli.main",
        "serve",
        "--port",
        str(port),
        "--database-url",
        database_url,
    ]
    if workers is not None:
        command += ["--workers", str(workers)]
    with log.open("ab") as out:
        process = subprocess.Popen(
            command,
            cwd=ROOT,
            env={
                **os.environ,
                "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
            },
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"appraise serve exited: {log.read_text()[-2000:]}")
        try:
            if httpx2.get(f"http://127.0.0.1:{port}/health", timeout=1).status_code == 200:
                return process
        except httpx2.TransportError:
            pass
        time.sleep(0.1)
    kill_server(process)
    raise RuntimeError("appraise serve did not answer /health within 60 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        kill_server(process)


def kill_server(process: subprocess.Popen[bytes]) -> None:
    """SIGKILL to the server and every worker at once, as a crash or the OOM killer would."""
    with contextlib.suppress(ProcessLookupError):  # already gone
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


@pytest.fixture(scope="session")
def postgres_server() -> str:
    """The URL of the cluster ``scripts/postgres.sh`` started; skip when it could not."""
    url = os.environ.get("APPRAISE_TEST_POSTGRES_URL")
    if url:
        return url
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "postgres.sh")], capture_output=True, text=True
    )
    if result.returncode != 0 or not result.stdout.strip():
        pytest.skip(
            f"no PostgreSQL server: {result.stderr.strip() or 'scripts/postgres.sh failed'}"
        )
    return result.stdout.strip()


@contextlib.contextmanager
def new_postgres_database(server_url: str, prefix: str = "appraise_test") -> Iterator[str]:
    """A new, empty database on the test cluster, dropped afterwards."""
    server = make_url(server_url)
    name = f"{prefix}_{secrets.token_hex(4)}"
    admin = server.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.set(database=name).render_as_string(False)
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def postgres_url(postgres_server: str) -> Iterator[str]:
    """A fresh database on that server for this test session, dropped afterwards."""
    with new_postgres_database(postgres_server) as url:
        yield url


def _in_process(url: str) -> Iterator[Api]:
    app = create_app(Settings(database_url=url))
    with TestClient(app) as client:
        yield Api(client, app.state.sessions, url)


@pytest.fixture(scope="session")
def sqlite_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    url = f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'appraise.db'}"
    yield from _in_process(url)


@pytest.fixture(scope="session")
def postgres_api(postgres_url: str) -> Iterator[Api]:
    yield from _in_process(postgres_url)


@pytest.fixture(scope="session")
def uvicorn_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    folder = tmp_path_factory.mktemp("uvicorn")
    url = f"sqlite:///{folder / 'appraise.db'}"
    engine = connect(url)
    migrate(engine)
    port = free_port()
    process = start_server(url, port, folder / "server.log")
    try:
        with httpx2.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield Api(client, session_factory(engine), url)
    finally:
        stop_server(process)
        engine.dispose()


@pytest.fixture(params=BACKENDS)
def api(request: pytest.FixtureRequest) -> Api:
    """The same tests against each backend."""
    backend: Api = request.getfixturevalue(f"{request.param}_api")
    return backend


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()
