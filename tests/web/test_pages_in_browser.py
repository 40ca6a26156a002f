"""Signing in and out, roles, CSRF and the record page, as a person in a browser sees them."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest

from tests.web.conftest import Live

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hampshire-mpr-achieved.yaml"

Visit = Callable[..., None]
SignIn = Callable[..., None]

HOMES = {"appraiser": "Your reviews", "hr": "Records", "admin": "Keys"}


@pytest.mark.parametrize("person", ["appraiser", "hr", "admin"])
def test_each_role_signs_in_to_its_home_page(
    page: Any, visit: Visit, sign_in: SignIn, person: str
) -> None:
    page.goto("/")
    assert page.url.endswith("/sign-in")
    visit(page, "sign-in")
    sign_in(page, person)
    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text() == HOMES[person]
    assert "Signed in as" in page.locator("header").inner_text()
    visit(page, "home")


def test_a_wrong_key_shows_the_error_summary_linking_to_the_field(
    page: Any, visit: Visit, sign_in: SignIn
) -> None:
    sign_in(page, key="apr_not-a-key")
    summary = page.locator(".govuk-error-summary")
    assert "There is a problem" in summary.inner_text()
    assert page.title().startswith("Error: ")
    visit(page, "wrong-key")
    summary.get_by_role("link", name="Enter a key that is valid and not revoked").click()
    assert page.evaluate("document.activeElement.id") == "key"


def test_signing_out_ends_the_session(page: Any, visit: Visit, sign_in: SignIn) -> None:
    sign_in(page, "hr")
    page.get_by_role("button", name="Sign out").click()
    assert "You have signed out" in page.locator("main").inner_text()
    visit(page, "signed-out")
    page.go_back()
    page.reload()
    assert page.url.endswith("/sign-in")
    page.goto("/")
    assert page.url.endswith("/sign-in")


def test_revoking_the_key_ends_its_session_at_once(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    key, key_id = live.new_key("appraiser", "Rita Revoked")
    sign_in(page, key=key)
    assert page.get_by_role("heading", level=1).inner_text() == "Your reviews"
    answer = httpx2.post(f"{live.url}/keys/{key_id}/revoke", headers=live.api("admin"))
    assert answer.status_code == 200
    page.reload()
    assert page.url.endswith("/sign-in")
    visit(page, "after-revoke")


def test_a_form_posted_without_its_csrf_token_is_refused(
    page: Any, visit: Visit, sign_in: SignIn
) -> None:
    sign_in(page, "appraiser")
    page.locator("input[name=csrftoken]").evaluate_all("inputs => inputs.forEach(i => i.remove())")
    page.get_by_role("button", name="Sign out").click()
    assert page.get_by_role("heading", level=1).inner_text() == "This form has expired"
    visit(page, "refused")
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Your reviews"


def test_an_appraiser_opens_its_own_record_and_not_anothers(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    created = httpx2.post(
        f"{live.url}/recommendations",
        content=EXAMPLE.read_bytes(),
        headers={**live.api("appraiser"), "Content-Type": "application/yaml"},
        timeout=60,
    )
    assert created.status_code == 201, created.text
    record_id = created.json()["id"]

    sign_in(page, "appraiser")
    # The home page's table says the framework and stage in words, as HR's records page does.
    row = page.locator("tbody tr").first.inner_text()
    assert "Hampshire guidance" in row and "MPR" in row, row
    page.get_by_role("link", name=re.compile(created.json()["review"]["subject"])).first.click()
    assert page.url.endswith(f"/records/{record_id}")
    assert "Decision record" in page.locator("main").inner_text()
    visit(page, "own-record")

    # At 200% zoom a 1280-pixel screen is 640 CSS pixels wide: nothing should scroll sideways.
    page.set_viewport_size({"width": 640, "height": 800})
    for path in ("/", f"/records/{record_id}"):
        page.goto(path)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), path
    page.goto("/")
    visit(page, "home-at-200-percent")

    page.get_by_role("button", name="Sign out").click()
    sign_in(page, "appraiser_b")
    answer = page.goto(f"/records/{record_id}")
    assert answer.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "Page not found"
    visit(page, "anothers-record")


def test_the_session_cookie_and_headers(page: Any, live: Live, sign_in: SignIn) -> None:
    sign_in(page, "admin")
    cookie = next(c for c in page.context.cookies() if c["name"] == "appraise_session")
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax"
    answer = page.goto("/")
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "frame-ancestors 'none'" in csp


@pytest.mark.parametrize("path", ["/docs", "/redoc"])
def test_the_api_docs_work_offline(page: Any, visit: Visit, path: str) -> None:
    page.goto(path)
    page.get_by_role("heading", name=re.compile(r"^appraise")).first.wait_for()
    page.get_by_text("/recommendations").first.wait_for(state="attached")
    visit(page, path.strip("/"), axe=False)  # the viewers' own markup is theirs, not ours
    # ReDoc's bundle asks for its logo from cdn.redoc.ly; the docs' CSP stops it in the browser.
    watch = page.watch
    for url in watch.outside_requests:
        assert url.startswith("https://cdn.redoc.ly/"), url
        assert any(url in v for v in watch.csp_violations), f"{url} was not blocked"
    watch.outside_requests.clear()
    watch.csp_violations.clear()
