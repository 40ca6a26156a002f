"""The pages' security without a browser: cookies, sessions, CSRF, headers and roles, over HTTP
in process (these run where Chromium cannot be had)."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text

from schemas.service import Role
from service import store
from service.app import create_app
from service.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hampshire-mpr-achieved.yaml"


@pytest.fixture
def app_client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}", session_minutes=5)
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        yield client


def new_key(client: TestClient, role: Role, name: str = "Pat") -> tuple[str, str]:
    app = client.app
    with app.state.sessions() as session:  # type: ignore[attr-defined]
        key = store.create_key(session, role, name)
    return key.key, key.id


def csrf_token(client: TestClient, path: str = "/sign-in") -> str:
    found = re.search(r'name="csrftoken" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


def sign_in(client: TestClient, key: str) -> None:
    answer = client.post(
        "/sign-in", data={"key": key, "csrftoken": csrf_token(client)}, follow_redirects=False
    )
    assert answer.status_code == 303, answer.text


def test_a_page_sends_you_to_sign_in_and_the_api_stays_json(app_client: TestClient) -> None:
    answer = app_client.get("/", follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == "/sign-in"
    assert app_client.get("/recommendations").json()["status"] == 401


def test_the_session_cookie_is_httponly_samesite_and_expires(app_client: TestClient) -> None:
    key, _ = new_key(app_client, "hr")
    answer = app_client.post(
        "/sign-in",
        data={"key": key, "csrftoken": csrf_token(app_client)},
        follow_redirects=False,
    )
    cookie = answer.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie and "Max-Age=300" in cookie
    assert key not in cookie


def test_the_cookie_is_secure_over_https(tmp_path: Path) -> None:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}")
    with TestClient(create_app(settings), base_url="https://127.0.0.1") as client:
        key, _ = new_key(client, "hr")
        token = csrf_token(client)
        answer = client.post(
            "/sign-in", data={"key": key, "csrftoken": token}, follow_redirects=False
        )
    assert "Secure" in answer.headers["set-cookie"]


def test_a_wrong_key_is_a_401_page_with_the_error_summary(app_client: TestClient) -> None:
    answer = app_client.post(
        "/sign-in", data={"key": "apr_wrong", "csrftoken": csrf_token(app_client)}
    )
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("text/html")
    assert 'href="#key"' in answer.text and "There is a problem" in answer.text


def test_revoking_the_key_ends_the_session_at_once(app_client: TestClient) -> None:
    key, key_id = new_key(app_client, "appraiser")
    admin, _ = new_key(app_client, "admin")
    sign_in(app_client, key)
    assert app_client.get("/", follow_redirects=False).status_code == 200
    revoked = app_client.post(
        f"/keys/{key_id}/revoke", headers={"Authorization": f"Bearer {admin}"}
    )
    assert revoked.status_code == 200
    assert app_client.get("/", follow_redirects=False).status_code == 303


def test_signing_out_ends_the_session(app_client: TestClient) -> None:
    key, _ = new_key(app_client, "appraiser")
    sign_in(app_client, key)
    stale = app_client.cookies["appraise_session"]
    token = csrf_token(app_client, "/")
    assert (
        app_client.post("/sign-out", data={"csrftoken": token}, follow_redirects=False).status_code
        == 303
    )
    app_client.cookies.set("appraise_session", stale)
    assert app_client.get("/", follow_redirects=False).status_code == 303


def test_a_form_without_its_csrf_token_is_refused(app_client: TestClient) -> None:
    key, _ = new_key(app_client, "appraiser")
    sign_in(app_client, key)
    answer = app_client.post("/sign-out", data={})
    assert answer.status_code == 403 and "This form has expired" in answer.text
    assert app_client.get("/", follow_redirects=False).status_code == 200
    refused = app_client.post("/sign-in", data={"key": key, "csrftoken": "forged"})
    assert refused.status_code == 403


def test_the_json_api_needs_no_csrf_token(app_client: TestClient) -> None:
    admin, _ = new_key(app_client, "admin")
    sign_in(app_client, admin)  # a browser's cookies beside a bearer key change nothing
    created = app_client.post(
        "/keys", json={"role": "hr", "name": "Hana"}, headers={"Authorization": f"Bearer {admin}"}
    )
    assert created.status_code == 201


def test_pages_send_a_strict_csp_and_the_docs_their_own(app_client: TestClient) -> None:
    csp = app_client.get("/sign-in").headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    docs = app_client.get("/docs")
    assert "script-src 'self' 'sha256-" in docs.headers["content-security-policy"]
    assert "cdn" not in docs.text.lower()
    assert app_client.get("/assets/api-docs/swagger-ui-bundle.js").status_code == 200
    assert app_client.get("/assets/govuk-frontend/govuk-frontend.min.css").status_code == 200
    assert app_client.get("/assets/htmx/htmx.min.js").status_code == 200


def test_an_appraiser_cannot_open_anothers_record(app_client: TestClient) -> None:
    ann, _ = new_key(app_client, "appraiser", "Ann")
    ben, _ = new_key(app_client, "appraiser", "Ben")
    created = app_client.post(
        "/recommendations",
        content=EXAMPLE.read_bytes(),
        headers={"Authorization": f"Bearer {ann}", "Content-Type": "application/yaml"},
    )
    record_id = created.json()["id"]
    sign_in(app_client, ben)
    answer = app_client.get(f"/records/{record_id}")
    assert answer.status_code == 404 and "Page not found" in answer.text
    app_client.cookies.clear()
    sign_in(app_client, ann)
    mine = app_client.get(f"/records/{record_id}")
    assert mine.status_code == 200 and "Decision record" in mine.text


def test_an_expired_session_signs_no_one_in(app_client: TestClient) -> None:
    key, _ = new_key(app_client, "hr")
    sign_in(app_client, key)
    engine = app_client.app.state.engine  # type: ignore[attr-defined]
    with engine.begin() as connection:
        connection.execute(text("UPDATE web_sessions SET expires_at = '2000-01-01 00:00:00'"))
    assert app_client.get("/", follow_redirects=False).status_code == 303


def test_the_apis_printable_page_keeps_its_styles_and_runs_no_script(
    app_client: TestClient,
) -> None:
    ann, _ = new_key(app_client, "appraiser", "Ann")
    bearer = {"Authorization": f"Bearer {ann}"}
    created = app_client.post(
        "/recommendations",
        content=EXAMPLE.read_bytes(),
        headers={**bearer, "Content-Type": "application/yaml"},
    )
    page = app_client.get(f"/recommendations/{created.json()['id']}?format=html", headers=bearer)
    csp = page.headers["content-security-policy"]
    assert "style-src 'unsafe-inline'" in csp and "default-src 'none'" in csp
    assert "script-src" not in csp
