"""The decision and key forms over HTTP in process: the same roles, scope and checks as their
JSON twins, each problem on its field, and CSRF (these run where Chromium cannot be had)."""

from __future__ import annotations

import html
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from service.app import create_app
from service.settings import Settings
from tests.web.test_sessions import csrf_token, new_key, sign_in

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hampshire-mpr-achieved.yaml"


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(database_url=f"sqlite:///{tmp_path / 'web.db'}")
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        yield client


def drafted(client: TestClient) -> tuple[str, str, dict[str, Any]]:
    """A record drafted by a new appraiser: (their key, the record's id, the record)."""
    key, _ = new_key(client, "appraiser", "Ann")
    answer = client.post(
        "/recommendations",
        content=EXAMPLE.read_bytes(),
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/yaml"},
    )
    assert answer.status_code == 201, answer.text
    return key, answer.json()["id"], answer.json()


def post_decision(client: TestClient, record_id: str, data: dict[str, Any]) -> Any:
    path = f"/records/{record_id}/decision"
    form = {**data, "csrftoken": csrf_token(client, path)}
    return client.post(path, data=form, follow_redirects=False)


def errors_of(page: str) -> list[tuple[str, str]]:
    """The error summary's (link target, text) pairs."""
    summary = page.split('class="govuk-error-summary', 1)[1].split("</ul>", 1)[0]
    links = re.findall(r'href="(#[\w-]+)">([^<]+)</a>', summary)
    return [(href, html.unescape(text).strip()) for href, text in links]


def test_a_decision_cites_evidence_and_comes_back_to_the_record(client: TestClient) -> None:
    key, record_id, record = drafted(client)
    sign_in(client, key)
    rating = record["recommendation"]["rating"]
    answer = post_decision(
        client, record_id, {"rating": rating, "evidence": ["obs-2024-10", "data-2025-03"]}
    )
    assert answer.status_code == 303
    assert answer.headers["location"] == f"/records/{record_id}?decided"
    stored = client.get(f"/recommendations/{record_id}", headers={"Authorization": f"Bearer {key}"})
    decision = stored.json()["decisions"][0]
    assert decision["evidence"] == ["obs-2024-10", "data-2025-03"]
    assert decision["rating"] == rating and decision["reason"] is None


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        ({}, [("#rating", "Select the final rating")]),
        ({"rating": "satisfactory-progress"}, [("#rating", "Select a rating from the list")]),
        (
            {"rating": "not-met", "note": "Moderated."},
            [
                (
                    "#reason",
                    "The final rating differs from the draft: select the reason and say "
                    "in the note what you weighed",
                )
            ],
        ),
        (
            {"rating": "not-met", "reason": "moderation"},
            [("#note", "Enter a note saying what you weighed: a reason needs one")],
        ),
        (
            {"rating": "achieved", "evidence": ["obs-2024-10", "not-in-the-review"]},
            [("#evidence", "Select evidence from this review's items only")],
        ),
        (
            {"rating": "achieved", "reason": "made-up"},
            [("#reason", "Select a reason from the list")],
        ),
    ],
)
def test_each_problem_is_shown_on_its_field_and_nothing_is_stored(
    client: TestClient, data: dict[str, Any], expected: list[tuple[str, str]]
) -> None:
    key, record_id, _ = drafted(client)
    sign_in(client, key)
    answer = post_decision(client, record_id, data)
    assert answer.status_code == 422
    assert errors_of(answer.text) == expected
    stored = client.get(f"/recommendations/{record_id}", headers={"Authorization": f"Bearer {key}"})
    assert stored.json()["decisions"] == []


def test_the_same_people_decide_as_in_the_api(client: TestClient) -> None:
    _, record_id, record = drafted(client)
    decision = {"rating": record["recommendation"]["rating"]}
    for role, status in (("hr", 403), ("appraiser", 404), ("admin", 403)):
        key, _ = new_key(client, role, f"Other {role}")
        api = client.post(
            f"/recommendations/{record_id}/decision",
            json=decision,
            headers={"Authorization": f"Bearer {key}"},
        )
        assert api.status_code == status, role
        client.cookies.clear()
        sign_in(client, key)
        assert client.get(f"/records/{record_id}/decision").status_code == status, role
        path = f"/records/{record_id}/decision"
        form = {**decision, "csrftoken": csrf_token(client, "/")}
        assert client.post(path, data=form).status_code == status, role


def test_a_decision_without_its_csrf_token_is_refused(client: TestClient) -> None:
    key, record_id, record = drafted(client)
    sign_in(client, key)
    answer = client.post(
        f"/records/{record_id}/decision", data={"rating": record["recommendation"]["rating"]}
    )
    assert answer.status_code == 403 and "This form has expired" in answer.text


def test_a_new_keys_secret_is_shown_once_and_never_cached(client: TestClient) -> None:
    admin, _ = new_key(client, "admin", "Ada")
    sign_in(client, admin)
    form = {"name": "  Cara  ", "role": "hr", "csrftoken": csrf_token(client, "/admin/keys/new")}
    answer = client.post("/admin/keys/new", data=form)
    assert answer.status_code == 200 and answer.headers["cache-control"] == "no-store"
    secret = re.search(r"<code>(apr_[^<]+)</code>", answer.text)
    assert secret is not None
    assert secret.group(1) not in client.get("/").text
    keys = client.get("/keys", headers={"Authorization": f"Bearer {admin}"}).json()
    assert [(k["name"], k["role"]) for k in keys if k["name"] == "Cara"] == [("Cara", "hr")]


@pytest.mark.parametrize(
    ("name", "role", "expected"),
    [
        ("Cara", "owner", [("#role", "Select the key's role")]),
        ("   ", "hr", [("#name", "Enter who or what will use the key")]),
        ("C" * 201, "hr", [("#name", "Enter a name of 200 characters or fewer")]),
    ],
)
def test_a_key_form_shows_each_problem_on_its_field(
    client: TestClient, name: str, role: str, expected: list[tuple[str, str]]
) -> None:
    admin, _ = new_key(client, "admin", "Ada")
    sign_in(client, admin)
    form = {"name": name, "role": role, "csrftoken": csrf_token(client, "/admin/keys/new")}
    answer = client.post("/admin/keys/new", data=form)
    assert answer.status_code == 422
    assert errors_of(answer.text) == expected
