"""The meeting page (folded, printed on A4) and the final decision through its form, as a
person in a browser sees them; what the pages record is checked through the JSON API."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2

from tests.web.conftest import SCREENSHOTS, Live

ROOT = Path(__file__).resolve().parents[2]
ACHIEVED = ROOT / "examples" / "hampshire-mpr-achieved.yaml"
NOT_MET = ROOT / "examples" / "hampshire-mpr-not-met.yaml"
ECT = ROOT / "examples" / "hampshire-ect1-induction.yaml"

Visit = Callable[..., None]
SignIn = Callable[..., None]

A4_POINTS = (595.92, 842.88)  # Chromium's A4 media box, in points (210 × 297 mm)


def create_record(live: Live, example: Path) -> dict[str, Any]:
    """A record drafted through the API by the appraiser (Ann)."""
    created = httpx2.post(
        f"{live.url}/recommendations",
        content=example.read_bytes(),
        headers={**live.api("appraiser"), "Content-Type": "application/yaml"},
        timeout=60,
    )
    assert created.status_code == 201, created.text
    record: dict[str, Any] = created.json()
    return record


def api_record(live: Live, record_id: str) -> dict[str, Any]:
    answer = httpx2.get(f"{live.url}/recommendations/{record_id}", headers=live.api("hr"))
    assert answer.status_code == 200, answer.text
    record: dict[str, Any] = answer.json()
    return record


def test_the_meeting_page_folds_its_long_lists_and_prints_them_on_a4(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    record = create_record(live, NOT_MET)
    sign_in(page, "appraiser")
    page.goto(f"/records/{record['id']}")
    main = page.locator("main")
    # The rating, its causes and what it would take stay in view; the long lists are folded.
    assert page.get_by_role("heading", name=re.compile("Not met expectations")).is_visible()
    assert page.get_by_role("heading", name="Why").is_visible()
    assert page.get_by_role("heading", name="Next steps").is_visible()
    stage = main.locator("summary", has_text="ECT 1: 32 of 100 met confidently")
    assert "(68 missing statements)" in stage.inner_text()
    missing = main.get_by_text(re.compile(r"^ts\.1\.1\.ect1\.2 “Develop and sustain")).first
    assert not missing.is_visible()
    height = page.evaluate("document.documentElement.scrollHeight")
    assert height < 4000, f"the folded page is still {height} px long"
    visit(page, "folded")

    # Unfolding a stage shows its standards, each folded with its count; then the statements.
    stage.click()
    standard = main.locator("summary", has_text=re.compile(r"^Standard 1 \(")).first
    assert "(6 missing statements)" in standard.inner_text()
    standard.click()
    assert missing.is_visible()
    visit(page, "unfolded")

    # Printing from a browser whose CSS cannot open a fold: the script opens every fold before
    # and closes them again after.
    page.reload()
    closed = "document.querySelectorAll('details:not([open])').length"
    folds = page.evaluate(closed)
    assert folds > 20
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.evaluate(closed) == 0
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate(closed) == folds

    # Printed: no navigation or buttons, every fold open (by CSS alone), on A4.
    page.emulate_media(media="print")
    assert missing.is_visible()
    assert not page.locator("header").is_visible()
    assert not page.get_by_role("link", name="Record the final decision").is_visible()
    pdf = page.pdf(format="A4", print_background=True)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    (SCREENSHOTS / "meeting-page-a4.pdf").write_bytes(pdf)
    boxes = re.findall(rb"/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]", pdf)
    assert boxes and all((round(float(w)), round(float(h))) == (596, 843) for w, h in boxes), boxes[
        :3
    ]
    assert len(boxes) > 3  # every missing statement printed: many pages, not one folded page


def test_an_appraiser_records_and_corrects_the_final_decision(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    record = create_record(live, ACHIEVED)
    draft = record["recommendation"]
    sign_in(page, "appraiser")
    page.goto(f"/records/{record['id']}")
    assert "No final decision yet" in page.locator("main").inner_text()
    page.get_by_role("button", name="Record the final decision").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Record the final decision"
    # The radios are the draft's own scale; the draft's rating is marked.
    draft_radio = page.get_by_role("radio", name=draft["rating_label"])
    assert draft_radio.get_attribute("value") == draft["rating"]
    assert "The draft's rating" in page.locator(".govuk-radios").inner_text()
    visit(page, "form")

    # Nothing chosen: the error summary links to the rating.
    page.get_by_role("button", name="Record the final decision").click()
    summary = page.locator(".govuk-error-summary")
    assert "Select the final rating" in summary.inner_text()
    assert page.title().startswith("Error: ")
    visit(page, "nothing-chosen")
    summary.get_by_role("link", name="Select the final rating").click()
    assert page.evaluate("document.activeElement.name") == "rating"

    # A rating other than the draft's, without a reason: the shared check's 422, on the reason.
    lower = page.locator("input[name=rating]").first.get_attribute("value")
    assert lower != draft["rating"]
    page.locator(f"input[name=rating][value={lower}]").check()
    page.get_by_role("button", name="Record the final decision").click()
    assert "differs from the draft" in summary.inner_text()
    assert "differs from the draft" in page.locator("#reason-error").inner_text()
    visit(page, "reason-missing")

    # Chosen with a reason, a note and two evidence items, named by kind and date.
    page.get_by_label("Reason").select_option(label="Moderation with other appraisers or schools")
    page.get_by_label("Note").fill("Moderated with the partner school: the maths is not secure.")
    page.get_by_role("checkbox", name="Lesson observation, 5 February 2025").check()
    page.get_by_role("checkbox", name="Pupil progress data, 28 March 2025").check()
    page.get_by_role("button", name="Record the final decision").click()
    assert page.url.endswith(f"/records/{record['id']}?decided")
    decisions = page.locator(".app-decisions")
    assert "The final decision is recorded" in page.locator("main").inner_text()
    assert "Moderation with other appraisers or schools" in decisions.inner_text()
    assert "Pupil progress data, 28 March 2025" in decisions.inner_text()
    assert "Ann Appraiser" in decisions.inner_text()
    visit(page, "decided")

    stored = api_record(live, record["id"])["decisions"]
    assert len(stored) == 1
    assert stored[0]["rating"] == lower and stored[0]["differs"]
    assert stored[0]["reason"] == "moderation"
    assert stored[0]["evidence"] == ["obs-2025-02", "data-2025-03"]

    # A correction: the same form, filled in from the standing decision; back to the draft.
    page.get_by_role("button", name="Correct the final decision").click()
    assert page.get_by_role("heading", level=1).inner_text() == "Correct the final decision"
    assert page.get_by_role("checkbox", name="Pupil progress data, 28 March 2025").is_checked()
    page.get_by_role("radio", name=draft["rating_label"]).check()
    page.get_by_label("Reason").select_option(value="")
    page.get_by_label("Note").fill("")
    page.get_by_role("checkbox", name="Pupil progress data, 28 March 2025").uncheck()
    visit(page, "correction-form")
    page.get_by_role("button", name="Record the final decision").click()
    items = page.locator(".app-decisions__item")
    assert items.count() == 2
    assert draft["rating_label"] in items.first.inner_text()
    assert "Correction" in items.first.inner_text() and "Stands" in items.first.inner_text()
    assert "Correction" not in items.nth(1).inner_text()
    visit(page, "corrected")

    first, correction = api_record(live, record["id"])["decisions"]
    assert correction["supersedes"] == first["id"]
    assert correction["rating"] == draft["rating"] and correction["reason"] is None
    assert correction["evidence"] == ["obs-2025-02"]


def test_an_ect_is_decided_on_the_induction_scale(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    ect = create_record(live, ECT)
    mpr = create_record(live, ACHIEVED)
    sign_in(page, "appraiser")

    def rating_labels(record: dict[str, Any]) -> list[str]:
        page.goto(f"/records/{record['id']}/decision")
        labels: list[str] = page.locator(".govuk-radios__label").all_inner_texts()
        return [label.strip() for label in labels]

    mpr_scale = rating_labels(mpr)
    ect_scale = rating_labels(ect)
    visit(page, "induction-scale")
    assert ect["recommendation"]["rating_label"] in ect_scale
    assert not set(ect_scale) & set(mpr_scale), (ect_scale, mpr_scale)


def test_hr_reads_the_decisions_but_cannot_decide_as_in_the_api(
    page: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    record = create_record(live, ACHIEVED)
    decision = {"rating": record["recommendation"]["rating"], "evidence": ["obs-2024-10"]}
    by_hr = httpx2.post(
        f"{live.url}/recommendations/{record['id']}/decision", json=decision, headers=live.api("hr")
    )
    assert by_hr.status_code == 403
    by_owner = httpx2.post(
        f"{live.url}/recommendations/{record['id']}/decision",
        json=decision,
        headers=live.api("appraiser"),
    )
    assert by_owner.status_code == 201, by_owner.text

    sign_in(page, "hr")
    page.goto(f"/records/{record['id']}")
    decisions = page.locator(".app-decisions")
    assert "Lesson observation, 16 October 2024" in decisions.inner_text()
    assert decisions.get_by_role("button").count() == 0
    visit(page, "hr-reads")
    answer = page.goto(f"/records/{record['id']}/decision")
    assert answer.status == 403
    assert page.get_by_role("heading", level=1).inner_text() == "You cannot do this"
    visit(page, "hr-refused")


def test_the_folded_page_reads_without_javascript_and_at_200_percent(
    browser: Any, live: Live, visit: Visit, sign_in: SignIn
) -> None:
    record = create_record(live, NOT_MET)
    context = browser.new_context(
        base_url=live.url, java_script_enabled=False, viewport={"width": 640, "height": 800}
    )
    try:
        page = context.new_page()
        sign_in(page, "appraiser")
        page.goto(f"/records/{record['id']}")
        statement = page.get_by_text(re.compile(r"^ts\.1\.1\.ect1\.2 “Develop and sustain"))
        page.locator("summary", has_text="ECT 1: 32 of 100").click()
        page.locator("summary", has_text=re.compile(r"^Standard 1 \(")).first.click()
        assert statement.first.is_visible()
        visit(page, "no-javascript-at-200-percent", axe=False)  # axe-core is a script
        # At 200% zoom a 1280-pixel screen is 640 CSS pixels wide: nothing scrolls sideways.
        for path in (f"/records/{record['id']}", f"/records/{record['id']}/decision"):
            page.goto(path)
            assert page.evaluate("document.documentElement.scrollWidth") <= 640, path
    finally:
        context.close()
