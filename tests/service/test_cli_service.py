"""``appraise keys`` and ``appraise serve`` from the command line."""

from __future__ import annotations

from pathlib import Path

import httpx2
import pytest

from service.cli.main import main
from tests.service.conftest import free_port, start_server, stop_server


def test_keys_create_prints_the_key_once_and_it_works(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'var' / 'appraise.db'}"
    assert (
        main(["keys", "create", "--role", "hr", "--name", "hr office", "--database-url", url]) == 0
    )
    printed = capsys.readouterr()
    key = printed.out.strip()
    assert key.startswith("apr_") and len(key) > 40 and "\n" not in key
    assert "not shown again" in printed.err and key not in printed.err
    assert main(["keys", "list", "--database-url", url]) == 0
    listing = capsys.readouterr().out
    assert "hr office" in listing and "hr" in listing and key not in listing
    key_id = listing.split()[0]

    port = free_port()
    server = start_server(url, port, tmp_path / "server.log")
    try:
        base = f"http://127.0.0.1:{port}"
        auth = {"Authorization": f"Bearer {key}"}
        assert httpx2.get(f"{base}/recommendations", headers=auth).status_code == 200
        assert main(["keys", "revoke", key_id, "--database-url", url]) == 0
        assert "revoked" in capsys.readouterr().out
        assert httpx2.get(f"{base}/recommendations", headers=auth).status_code == 401
    finally:
        stop_server(server)
    assert key not in (tmp_path / "server.log").read_text()


def test_keys_create_rejects_an_unknown_role(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["keys", "create", "--role", "root", "--name", "x"])
    assert exit_.value.code == 2
    assert "invalid choice: 'root'" in capsys.readouterr().err


def test_revoking_an_unknown_key_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert main(["keys", "revoke", "key_none", "--database-url", url]) == 2
    assert "no key 'key_none'" in capsys.readouterr().err


def test_first_admin_is_made_once_and_manages_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``make run``'s step: a fresh store gets one admin key, printed with where to sign in."""
    url = f"sqlite:///{tmp_path / 'db.sqlite'}"
    assert main(["keys", "first-admin", "--database-url", url]) == 0
    first = capsys.readouterr().out
    key = next(word for word in first.split() if word.startswith("apr_"))
    assert "http://127.0.0.1:8000/sign-in" in first and "Create a key" in first
    assert main(["keys", "first-admin", "--database-url", url]) == 0
    again = capsys.readouterr().out
    assert "exists already (First admin)" in again and "apr_" not in again
    assert main(["keys", "list", "--database-url", url]) == 0
    assert len(capsys.readouterr().out.strip().splitlines()) == 1

    port = free_port()
    server = start_server(url, port, tmp_path / "server.log")
    try:
        keys = httpx2.get(
            f"http://127.0.0.1:{port}/keys", headers={"Authorization": f"Bearer {key}"}
        )
        assert keys.status_code == 200  # an admin's operation
    finally:
        stop_server(server)
