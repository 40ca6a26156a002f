"""An appraiser composes a Hampshire review in a browser: case, three evidence items with
tags, objectives, the live draft beside the form, export and import, check and submit."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

from engine.recommend.render import headline
from schemas.recommendation import Recommendation
from service.cli.main import main
from tests.web.conftest import Live
from tests.web.test_decision_pages import api_record

Visit = Callable[..., None]
SignIn = Callable[..., None]

TAGS_PER_ITEM = 8
"""Statements ticked on each of three items: 24 tags in all."""

OVERFLOWING = """[...document.querySelectorAll("*")]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth)
  .slice(0, 5).map(e => `${e.tagName}.${e.className}`)"""
"""The first elements that stick out to the right of the window, to say what to fix."""


def _panel_headline(page: Any) -> str:
    text: str = page.locator(".app-draft-panel__headline").inner_text()
    return text


def _ledger(page: Any) -> str:
    text: str = page.locator(".app-draft-panel__ledger").inner_text()
    return text


def _start(page: Any, subject: str) -> str:
    page.goto("/compose")
    page.get_by_role("link", name="Start a review").click()
    page.get_by_label("Framework and career stage").select_option("hampshire:mpr")
    page.get_by_label("Teacher (pseudonymous id)").fill(subject)
    page.get_by_role("button", name="Start the review").click()
    assert re.search(r"/compose/wc_[0-9a-f]+$", page.url), page.url
    return str(page.url)


def _tick(page: Any, count: int, skip: int) -> None:
    """Tick ``count`` statements (after the first ``skip``), waiting for each autosave."""
    boxes = page.locator("input.app-tag__box")
    for n in range(skip, skip + count):
        box = boxes.nth(n)
        saved = f"shown={str(box.get_attribute('name')).removeprefix('tag-')}"
        with page.expect_response(lambda r, saved=saved: saved in (r.request.post_data or "")):
            box.check()


def test_an_appraiser_composes_exports_imports_submits_and_decides(
    page: Any,
    live: Live,
    visit: Visit,
    sign_in: SignIn,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    sign_in(page, "appraiser")
    compose_url = _start(page, "t-browser-1")
    assert "No draft yet" not in page.locator("#draft-panel").inner_text()
    first_headline = _panel_headline(page)
    assert "Insufficient evidence" in first_headline
    visit(page, "new-review")

    # Three evidence items, each tagged with statements found by standard or by words.
    ledgers = [_ledger(page)]
    for n in range(3):
        page.get_by_role("button", name="Add an evidence item").click()
        assert "/evidence/e" in page.url
        page.get_by_label("Note (optional)").fill(f"Visit {n + 1}: what was seen.")
        with page.expect_response(lambda r: r.request.method == "POST"):
            page.get_by_label("Note (optional)").press("Tab")  # leaving the field saves it
        _tick(page, TAGS_PER_ITEM, skip=n * 5)
        ledgers.append(_ledger(page))
        if n == 0:
            visit(page, "tagging")
        page.get_by_role("link", name="Back to the review").first.click()
    assert len(set(ledgers)) == 4, "the ledger did not change as statements were ticked"
    panel_fits = "(p => p.scrollWidth <= p.clientWidth)(document.getElementById('draft-panel'))"
    assert page.evaluate(panel_fits), "the draft panel scrolls sideways"
    rows = page.locator(".app-evidence-table tbody tr")
    assert rows.count() == 3
    assert [rows.nth(i).locator("td").nth(1).inner_text() for i in range(3)] == ["8", "8", "8"]

    # Find by words: only statements with those words are listed.
    page.get_by_role("link", name=re.compile("Tag statements")).first.click()
    page.get_by_label("Standard", exact=True).select_option("ts.4")
    page.get_by_label("Find by words").fill("homework")
    page.get_by_role("button", name="Find statements").click()
    labels = page.locator(".app-tag .govuk-checkboxes__label").all_inner_texts()
    assert labels and all("homework" in label.lower() for label in labels)
    page.get_by_role("link", name="Back to the review").first.click()

    # An objective, saved as it is typed; nothing is lost on reload.
    page.get_by_role("button", name="Add an objective").click()
    page.get_by_label("What was agreed").fill("Raise attainment in Year 9 writing")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_label("Outcome").select_option("met")
    page.reload()
    assert (
        page.get_by_label("What was agreed").input_value() == "Raise attainment in Year 9 writing"
    )
    # What is missing for a stage, in the framework's words, under each standard.
    missing = page.locator(".app-draft-panel__missing").first
    missing.locator("summary").click()
    assert missing.locator(".app-missing-standard").first.inner_text().startswith("Standard 1")
    visit(page, "composed")

    # The draft with next steps, on request.
    page.get_by_role("link", name="Draft with next steps").click()
    page.locator("#draft-panel").get_by_role("heading", name="Next steps").wait_for()

    # Export: a file `appraise recommend` reads; import it as a new review in progress.
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the review file").click()
    exported = tmp_path / "review.yaml"
    download.value.save_as(exported)
    data = yaml.safe_load(exported.read_text())
    assert sum(len(item["tags"]) for item in data["evidence"]) == 3 * TAGS_PER_ITEM
    # `appraise recommend` reads it and drafts what the panel shows.
    main(["recommend", str(exported), "--format", "json"])
    drafted = Recommendation.model_validate_json(capsys.readouterr().out)
    assert headline(drafted) == _panel_headline(page)
    page.goto("/compose/import")
    page.get_by_label("A review file (YAML or JSON)").set_input_files(str(exported))
    page.get_by_role("button", name="Start from this file").click()
    assert re.search(r"/compose/wc_[0-9a-f]+$", page.url), page.content()[:3000]
    assert page.url != compose_url
    assert _panel_headline(page) == _panel_headline_of(page, compose_url)

    # Check your answers, then submit and seal: the record's page opens.
    page.goto(compose_url)
    page.get_by_role("link", name="Check your answers").click()
    summary = page.locator("main").inner_text()
    assert "3 items, 24 statements tagged" in summary
    assert "Raise attainment in Year 9 writing" in summary
    visit(page, "check")
    page.get_by_role("button", name="Submit and seal").click()
    assert re.search(r"/records/rec_[0-9a-f]+$", page.url) or "/records/" in page.url
    assert "Decision record" in page.locator("main").inner_text()
    visit(page, "record")
    record_id = page.url.rsplit("/", 1)[-1]

    # Decide: the draft found too little evidence to rate, so the person decides with a reason,
    # a note and two of the review's evidence items.
    page.get_by_role("button", name="Record the final decision").click()
    page.get_by_role("radio", name="Achieved expectations").check()
    page.get_by_label("Reason").select_option("additional-evidence")
    page.get_by_label("Note").fill("The phase leader's records show the rest of the year.")
    items = page.locator("input[name=evidence]")
    assert items.count() == 3
    items.nth(0).check()
    items.nth(2).check()
    cited = [items.nth(0).get_attribute("value"), items.nth(2).get_attribute("value")]
    page.get_by_role("button", name="Record the final decision").click()
    assert "The final decision is recorded" in page.locator("main").inner_text()
    visit(page, "decided")
    stored = api_record(live, record_id)["decisions"]
    assert [d["evidence"] for d in stored] == [cited]
    assert stored[0]["rating"] == "achieved" and stored[0]["reason"] == "additional-evidence"

    page.goto("/compose")
    assert "t-browser-1" in page.locator("main").inner_text()  # the imported copy remains


def _panel_headline_of(page: Any, url: str) -> str:
    other = page.context.new_page()
    other.goto(url)
    text = _panel_headline(other)
    other.close()
    return text


def test_an_import_with_problems_shows_them_beside_the_fields_with_their_lines(
    page: Any, visit: Visit, sign_in: SignIn, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "framework: hampshire\nsubject: t-1\nappraiser: a-1\ncycle_start: 2025-09-01\n"
        "cycle_end: 2025-08-01\nstage: mpr\n"
    )
    sign_in(page, "appraiser")
    page.goto("/compose/import")
    page.get_by_label("A review file (YAML or JSON)").set_input_files(str(broken))
    page.get_by_role("button", name="Start from this file").click()
    summary = page.locator(".govuk-error-summary")
    assert "broken.yaml: Line 5, column 12" in summary.inner_text()
    visit(page, "import-problems")
    summary.get_by_role("link").first.click()
    assert page.evaluate("document.activeElement.id") == "cycle_end"
    assert "is not after cycle_start" in page.locator("#cycle_end-error").inner_text()
    # Put right on the page, the problem is gone.
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_label("Cycle ends").fill("2026-07-31")
    page.goto(page.locator("form[hx-post]").get_attribute("action"))
    assert page.locator(".govuk-error-summary").count() == 0

    unreadable = tmp_path / "unreadable.yaml"
    unreadable.write_text("framework: [hampshire\n")
    page.goto("/compose/import")
    page.get_by_label("A review file (YAML or JSON)").set_input_files(str(unreadable))
    page.get_by_role("button", name="Start from this file").click()
    assert page.url.endswith("/compose/import")
    assert "Line 2, column 1" in page.locator(".govuk-error-summary").inner_text()
    visit(page, "import-unreadable")


def test_another_appraiser_cannot_open_a_review_in_progress(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    made = httpx2.post(
        f"{live.url}/working-copies",
        json={"review": {"framework": "hampshire", "subject": "t-private"}},
        headers=live.api("appraiser"),
    )
    assert made.status_code == 201
    sign_in(page, "appraiser_b")
    answer = page.goto(f"/compose/{made.json()['id']}")
    assert answer.status == 404
    page.goto("/compose")
    assert "t-private" not in page.locator("main").inner_text()
    visit(page, "anothers-copy")


def test_composing_works_without_javascript_and_at_200_percent_zoom(
    browser: Any, live: Live, sign_in: SignIn
) -> None:
    context = browser.new_context(base_url=live.url, java_script_enabled=False)
    page = context.new_page()
    try:
        sign_in(page, "appraiser")
        _start(page, "t-no-script")
        page.get_by_role("button", name="Add an evidence item").click()
        boxes = page.locator("input.app-tag__box")
        boxes.nth(0).check()
        boxes.nth(1).check()
        page.get_by_role("button", name="Save").click()
        assert boxes.nth(0).is_checked() and boxes.nth(1).is_checked()
        assert not boxes.nth(2).is_checked()
        assert "Insufficient evidence" in _panel_headline(page)
        # At 200% zoom a 1280-pixel screen is 640 CSS pixels wide: nothing scrolls sideways.
        page.set_viewport_size({"width": 640, "height": 800})
        for url in (page.url, page.url.split("/evidence/")[0]):
            page.goto(url)
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), (
                url,
                page.evaluate(OVERFLOWING),
            )
        page.get_by_role("link", name="Check your answers").click()
        assert "1 items, 2 statements tagged" in page.locator("main").inner_text()
    finally:
        context.close()


def test_starting_a_review_without_a_teacher_says_so_beside_the_field(
    page: Any, visit: Visit, sign_in: SignIn
) -> None:
    sign_in(page, "appraiser")
    page.goto("/compose/new")
    page.get_by_label("Cycle ends").fill("2025-01-01")
    page.get_by_role("button", name="Start the review").click()
    summary = page.locator(".govuk-error-summary").inner_text()
    assert "Enter the teacher's pseudonymous id" in summary
    assert "The cycle must end after it starts" in summary
    assert page.title().startswith("Error: ")
    visit(page, "start-errors")
    page.get_by_role("link", name="Enter the teacher's pseudonymous id").click()
    assert page.evaluate("document.activeElement.id") == "subject"


def test_a_review_the_pages_cannot_lay_out_says_what_to_do(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    made = httpx2.post(
        f"{live.url}/working-copies",
        json={"review": {"framework": "hampshire", "subject": "t-odd", "evidence": "none"}},
        headers=live.api("appraiser"),
    )
    sign_in(page, "appraiser")
    answer = page.goto(f"/compose/{made.json()['id']}")
    assert answer.status == 422
    assert "Download it from" in page.locator("main").inner_text()
    visit(page, "cannot-lay-out")


def test_removing_an_evidence_item_asks_first_and_keeps_it_when_told_no(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    sign_in(page, "appraiser")
    _start(page, "t-browser-remove")
    page.get_by_role("button", name="Add an evidence item").click()
    page.get_by_label("Note (optional)").fill("The visit that may not count.")
    with page.expect_response(lambda r: r.request.method == "POST"):
        page.get_by_label("Note (optional)").press("Tab")
    _tick(page, 2, skip=0)
    page.get_by_role("link", name="Back to the review").first.click()
    rows = page.locator(".app-evidence-table tbody tr")
    assert rows.count() == 1

    page.get_by_role("button", name=re.compile("^Remove ")).click()
    heading = page.get_by_role("heading", level=1).inner_text()
    assert heading.startswith("Are you sure you want to remove "), heading
    assert "its 2 judgements of statements" in page.locator("main").inner_text()
    visit(page, "remove-item")
    page.get_by_role("link", name="No, keep it").click()
    assert rows.count() == 1, "told no, the item stays"

    page.get_by_role("button", name=re.compile("^Remove ")).click()
    page.get_by_role("button", name="Yes, remove it").click()
    assert page.locator(".app-evidence-table tbody tr").count() == 0
