"""The pages through a real browser: Playwright driving Debian's chromium against a real
``appraise serve`` on a free port over a fresh SQLite file.

Fixtures (session-wide unless said):
  live      the server: ``live.url``, ``live.keys[name]`` (the secret) for the people below,
            ``live.key_ids[name]``, ``live.api(name)`` (headers for the JSON API),
            ``live.new_key(role, name)`` for a key a test may revoke
  browser   chromium (skips, saying why, where it cannot be had)
  page      (per test) a fresh browser context's page; after the test, no CSP violation and no
            request that left 127.0.0.1 may have happened
  visit     (per test) ``visit(page, "name")``: screenshot to var/screenshots/<test>-<name>.png,
            then axe-core over the page (no WCAG 2.2 A/AA violation)
  sign_in   (per test) ``sign_in(page, "appraiser")``: through the sign-in form
People: "appraiser" (Ann Appraiser), "appraiser_b" (Ben Appraiser), "hr" (Hana HR),
"admin" (Ada Admin).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from schemas.service import Role
from service import store
from service.db import connect, migrate, session_factory
from tests.service.conftest import free_port, start_server, stop_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "var" / "screenshots"
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
WCAG_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

PEOPLE: dict[str, tuple[Role, str]] = {
    "appraiser": ("appraiser", "Ann Appraiser"),
    "appraiser_b": ("appraiser", "Ben Appraiser"),
    "hr": ("hr", "Hana HR"),
    "admin": ("admin", "Ada Admin"),
}


@dataclass
class Live:
    """A running ``appraise serve`` and the keys of the people who use it."""

    url: str
    database_url: str
    keys: dict[str, str] = field(default_factory=dict)
    key_ids: dict[str, str] = field(default_factory=dict)

    def new_key(self, role: Role, name: str) -> tuple[str, str]:
        """A new key (secret, id), e.g. one a test revokes."""
        engine = connect(self.database_url)
        try:
            with session_factory(engine)() as session:
                key = store.create_key(session, role, name)
        finally:
            engine.dispose()
        return key.key, key.id

    def api(self, person: str) -> dict[str, str]:
        """Headers for the JSON API as ``person``."""
        return {"Authorization": f"Bearer {self.keys[person]}"}


@pytest.fixture(scope="session")
def live(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Live]:
    folder = tmp_path_factory.mktemp("web")
    database_url = f"sqlite:///{folder / 'appraise.db'}"
    engine = connect(database_url)
    migrate(engine)
    engine.dispose()
    port = free_port()
    server = Live(f"http://127.0.0.1:{port}", database_url)
    for person, (role, name) in PEOPLE.items():
        server.keys[person], server.key_ids[person] = server.new_key(role, name)
    process = start_server(database_url, port, folder / "server.log", workers=1)
    try:
        yield server
    finally:
        stop_server(process)


def _why_no_browser() -> str | None:
    if not CHROMIUM.exists():
        if os.geteuid() != 0:
            return "chromium is not installed and this is not root: sudo apt-get install chromium"
        return "chromium is not installed: scripts/chromium.sh (make test) installs it"
    if not AXE.exists():
        return "axe-core is not installed: run `npm ci` (make does)"
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    reason = _why_no_browser()
    if reason:
        pytest.skip(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        pytest.skip("playwright is not installed: pip install -e '.[test]'")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@dataclass
class Watch:
    """What a page did that no page may do."""

    csp_violations: list[str] = field(default_factory=list)
    outside_requests: list[str] = field(default_factory=list)


@pytest.fixture
def page(browser: Any, live: Live) -> Iterator[Any]:
    context = browser.new_context(base_url=live.url)
    page = context.new_page()
    watch = Watch()
    page.watch = watch
    page.on("console", lambda m: _note_csp(watch, m.type, m.text))

    def note_request(request: Any) -> None:
        if not request.url.startswith(("http://127.0.0.1", "data:", "blob:")):
            watch.outside_requests.append(request.url)

    page.on("request", note_request)
    # axe-core from node_modules, served at this origin so the pages' CSP lets it run.
    context.route(f"{live.url}/__axe.js", lambda route: route.fulfill(path=str(AXE)))
    yield page
    context.close()
    assert not watch.csp_violations, watch.csp_violations
    assert not watch.outside_requests, watch.outside_requests


def _note_csp(watch: Watch, kind: str, text: str) -> None:
    if kind == "error" and "Content Security Policy" in text:
        watch.csp_violations.append(text)


def check_axe(page: Any) -> None:
    """axe-core over the page as it is now: no WCAG 2.2 A or AA violation."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(url="/__axe.js")
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_TAGS
    )
    violations = result["violations"]
    assert not violations, _readable(page.url, violations)


def _readable(url: str, violations: list[dict[str, Any]]) -> str:
    lines = [f"axe-core found {len(violations)} WCAG violation(s) on {url}:"]
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} — {v['helpUrl']}")
        for node in v["nodes"][:5]:
            lines.append(f"    {json.dumps(node['target'])}: {node['failureSummary']}")
    return "\n".join(lines)


@pytest.fixture
def visit(request: pytest.FixtureRequest) -> Callable[..., None]:
    """``visit(page, name)``: a screenshot of the page as it is now, then axe-core over it."""
    test = re.sub(r"[^\w.-]+", "-", request.node.name).strip("-")

    def visit(page: Any, name: str, *, axe: bool = True) -> None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{test}-{name}.png"), full_page=True)
        if axe:
            check_axe(page)

    return visit


@pytest.fixture
def sign_in(live: Live) -> Callable[..., None]:
    """``sign_in(page, person)`` through the form (``key=`` for a key not among the people)."""

    def sign_in(page: Any, person: str = "", *, key: str | None = None) -> None:
        page.goto("/sign-in")
        page.get_by_label("Your key").fill(key if key is not None else live.keys[person])
        page.get_by_role("button", name="Sign in").click()

    return sign_in
