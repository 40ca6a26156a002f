"""The admin's key pages, as a person in a browser sees them: a key created (its secret shown
once) signs in; revoked after "Are you sure", it does not, and its session ends at once; the
last admin key cannot be revoked (the API's 409, shown as an error)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx2

from tests.web.conftest import Live

Visit = Callable[..., None]
SignIn = Callable[..., None]


def test_an_admin_creates_a_key_that_signs_in_then_revokes_it(
    page: Any, browser: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    sign_in(page, "admin")
    page.get_by_role("button", name="Create a key").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Create a key"
    page.get_by_role("button", name="Create the key").click()
    summary = page.locator(".govuk-error-summary")
    assert "Enter who or what will use the key" in summary.inner_text()
    assert "Select the key's role" in summary.inner_text()
    visit(page, "nothing-entered")
    summary.get_by_role("link", name="Select the key's role").click()
    assert page.evaluate("document.activeElement.name") == "role"

    page.get_by_label("Name").fill("Cara Created")
    page.get_by_role("radio", name="HR").check()
    page.get_by_role("button", name="Create the key").click()
    assert "This is the only time the key is shown" in page.locator("main").inner_text()
    secret = page.locator(".app-secret code").inner_text().strip()
    assert secret.startswith("apr_")
    visit(page, "created")

    # The new key signs in, in another browser, to its role's home page.
    other = browser.new_context(base_url=live.url)
    try:
        cara = other.new_page()
        sign_in(cara, key=secret)
        assert cara.get_by_role("heading", level=1).inner_text() == "Records"

        # Listed on the admin's home page, without its secret; revoked after a check.
        page.get_by_role("link", name="Back to keys").click()
        row = page.locator("tr", has_text="Cara Created")
        assert "Active" in row.inner_text() and secret not in page.content()
        row.get_by_role("link", name="Revoke Cara Created's key").click()
        heading = page.get_by_role("heading", level=1).inner_text()
        assert heading == "Are you sure you want to revoke Cara Created's key?"
        visit(page, "are-you-sure")
        page.get_by_role("button", name="Yes, revoke the key").click()
        assert "Cara Created's key is revoked" in page.locator("main").inner_text()
        assert "Revoked" in page.locator("tr", has_text="Cara Created").inner_text()
        visit(page, "revoked")

        # Her session is gone at once, and the key signs in no more.
        cara.reload()
        assert cara.url.endswith("/sign-in")
        sign_in(cara, key=secret)
        assert "Enter a key that is valid and not revoked" in cara.locator("main").inner_text()
    finally:
        other.close()


def test_the_last_admin_key_cannot_be_revoked(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    keys = httpx2.get(f"{live.url}/keys", headers=live.api("admin")).json()
    admins = [k for k in keys if k["role"] == "admin" and k["revoked_at"] is None]
    assert [k["id"] for k in admins] == [live.key_ids["admin"]], "Ada's must be the only one"

    sign_in(page, "admin")
    page.get_by_role("link", name="Revoke Ada Admin's key").click()
    assert "This is your own key" in page.locator("main").inner_text()
    page.get_by_role("button", name="Yes, revoke the key").click()
    summary = page.locator(".govuk-error-summary")
    assert "last admin key still active" in summary.inner_text()
    visit(page, "refused")
    page.goto("/")
    assert page.get_by_role("heading", level=1).inner_text() == "Keys"  # still signed in


def test_only_an_admin_opens_the_key_pages(page: Any, sign_in: SignIn, live: Live) -> None:
    sign_in(page, "hr")
    for path in ("/admin/keys/new", f"/admin/keys/{live.key_ids['hr']}/revoke"):
        assert page.goto(path).status == 403, path
    assert httpx2.get(f"{live.url}/keys", headers=live.api("hr")).status_code == 403
