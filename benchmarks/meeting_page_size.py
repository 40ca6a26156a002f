"""How long the meeting page is: each example's ``/records/{id}`` at 1280 CSS pixels wide (its
height in pixels, folds closed) and printed on A4 (its pages, folds open).

Runs this checkout's ``appraise serve`` over a fresh SQLite file and Debian's chromium (as the
browser tests do). Run from a checkout's root, e.g. main's and a branch's, to compare them:

    PYTHONPATH=$PWD .venv/bin/python benchmarks/meeting_page_size.py
"""

from __future__ import annotations

import re
import tempfile
from pathlib import Path

import httpx2
from playwright.sync_api import Page, sync_playwright

from service import store
from service.db import connect, migrate, session_factory
from tests.service.conftest import free_port, start_server, stop_server
from tests.web.conftest import CHROMIUM, CHROMIUM_ARGS, ROOT


def appraiser_key(database_url: str) -> str:
    engine = connect(database_url)
    migrate(engine)
    with session_factory(engine)() as session:
        key = store.create_key(session, "appraiser", "Ann Appraiser").key
    engine.dispose()
    return key


def measure(page: Page, base: str, key: str, example: Path) -> tuple[int, int]:
    """(height in CSS pixels, A4 pages) of the example's record page."""
    headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/yaml"}
    answer = httpx2.post(
        f"{base}/recommendations", content=example.read_bytes(), headers=headers, timeout=60
    )
    answer.raise_for_status()
    page.emulate_media(media="screen")
    page.goto(f"/records/{answer.json()['id']}")
    height: int = page.evaluate("document.documentElement.scrollHeight")
    page.emulate_media(media="print")
    pdf = page.pdf(format="A4")
    return height, len(re.findall(rb"/Type /Page[^s]", pdf))


def main() -> None:
    folder = Path(tempfile.mkdtemp())
    database_url = f"sqlite:///{folder / 'appraise.db'}"
    key = appraiser_key(database_url)
    port = free_port()
    server = start_server(database_url, port, folder / "server.log", workers=1)
    base = f"http://127.0.0.1:{port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            page = browser.new_page(base_url=base, viewport={"width": 1280, "height": 800})
            page.goto("/sign-in")
            page.get_by_label("Your key").fill(key)
            page.get_by_role("button", name="Sign in").click()
            print(f"{'example':28} {'height':>9} {'A4 pages':>9}")
            for example in sorted((ROOT / "examples").glob("*.yaml")):
                height, pages = measure(page, base, key, example)
                print(f"{example.stem:28} {height:>6} px {pages:>9}")
            browser.close()
    finally:
        stop_server(server)


if __name__ == "__main__":
    main()
