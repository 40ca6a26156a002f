"""The HTML report opened in headless Chromium: it renders, its charts are there, and the
browser logs no console error. Chromium is installed by scripts/chromium.sh (``make test``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from engine.audit.report_html import render_html
from schemas.audit import AuditReport

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(
    CHROMIUM is None,
    reason="chromium is not installed: scripts/chromium.sh installs it as root (make test runs it)",
)
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--enable-logging=stderr",
    "--v=0",
)


def open_in_chromium(page: Path, profile: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    assert CHROMIUM
    command = [CHROMIUM, *FLAGS, f"--user-data-dir={profile}", *extra, page.as_uri()]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def console_messages(stderr: str) -> list[str]:
    """What the page wrote to the browser console (log lines tagged CONSOLE)."""
    return [line for line in stderr.splitlines() if ":CONSOLE" in line]


@pytest.fixture(scope="module")
def page(planted_report: AuditReport, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("report") / "audit.html"
    path.write_text(render_html(planted_report), encoding="utf-8")
    return path


def test_the_report_is_self_contained(page: Path) -> None:
    text = page.read_text(encoding="utf-8")
    assert not re.search(r"(src|href)=['\"]?(https?:)?//", text)
    assert "<script" not in text


def test_the_report_renders_with_its_charts_and_no_console_error(
    page: Path, tmp_path: Path
) -> None:
    result = open_in_chromium(page, tmp_path / "profile", "--dump-dom")
    dom = result.stdout
    assert "<h1>Ratings audit" in dom
    charts = re.findall(r"<figure class=\"chart\">\s*<svg", dom)
    assert len(charts) >= 3  # ratings by appraiser, override rates, outcomes by group
    for title in ("Final ratings by appraiser", "Override rate by career stage"):
        assert title in dom
    assert "Final ratings by" in dom and "suppressed" in dom
    assert console_messages(result.stderr) == []
    shot = tmp_path / "shot.png"
    open_in_chromium(page, tmp_path / "profile2", f"--screenshot={shot}", "--window-size=1200,2000")
    assert shot.stat().st_size > 20_000  # a page of tables and charts, not a blank one


def test_a_console_error_would_be_seen(tmp_path: Path) -> None:
    # The check above must be able to fail: a page that logs an error is caught.
    bad = tmp_path / "bad.html"
    bad.write_text("<p>x</p><script>console.error('boom'); missing();</script>", "utf-8")
    result = open_in_chromium(bad, tmp_path / "profile", "--dump-dom")
    messages = console_messages(result.stderr)
    assert any("boom" in m for m in messages) and any("missing" in m for m in messages)
