"""HR's pages over HTTP in process: /records filtered and paged beyond 1,000 records, each
filter the same as its JSON twin's; an audit run with a monitoring CSV (its problems located),
the report page and its downloads."""

from __future__ import annotations

import csv
import html
import io
import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient

from service import store
from tests.web.test_sessions import new_key, sign_in

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
RECORD_LINK = re.compile(r'href="/records/(rec_\w+)"')


@pytest.fixture
def client(tmp_path: Path) -> Iterator[TestClient]:
    from service.app import create_app
    from service.settings import Settings

    settings = Settings(database_url=f"sqlite:///{tmp_path / 'hr.db'}")
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        yield client


def review(example: str, subject: str) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((EXAMPLES / example).read_text())
    data["subject"] = subject
    plain: dict[str, Any] = json.loads(json.dumps(data, default=str))
    return plain


def draft(client: TestClient, key: str, example: str, subject: str) -> str:
    answer = client.post(
        "/recommendations",
        json=review(example, subject),
        headers=_bearer(key),
        params={"next_steps": "false"},
    )
    assert answer.status_code == 201, answer.text
    record: str = answer.json()["id"]
    return record


def decide(client: TestClient, key: str, record: str, body: dict[str, Any]) -> None:
    answer = client.post(f"/recommendations/{record}/decision", json=body, headers=_bearer(key))
    assert answer.status_code == 201, answer.text


def _bearer(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def listed(html: str) -> list[str]:
    """The record ids a page links to, in order."""
    return RECORD_LINK.findall(html)


def count_shown(html: str) -> str:
    found = re.search(r'id="records-count">\s*([\d,]+) record', html)
    assert found, "the page shows how many records match"
    return found.group(1)


def csrf(client: TestClient, path: str) -> str:
    found = re.search(r'name="csrftoken" value="([^"]+)"', client.get(path).text)
    assert found
    return found.group(1)


@pytest.fixture
def cohort(client: TestClient) -> dict[str, Any]:
    """Ann drafts three MPR cases and an ECT's, Ben two MPR cases; Ann lowers one (with a
    reason but no evidence: flagged), agrees with one; Ben agrees with one."""
    ann, _ = new_key(client, "appraiser", "Ann Appraiser")
    ben, ben_id = new_key(client, "appraiser", "Ben Appraiser")
    hr, _ = new_key(client, "hr", "Hana HR")
    mpr = "hampshire-mpr-achieved.yaml"
    records = {
        "ann-1": draft(client, ann, mpr, "t-ann-1"),
        "ann-2": draft(client, ann, mpr, "t-ann-2"),
        "ann-3": draft(client, ann, mpr, "t-ann-3"),
        "ann-ect": draft(client, ann, "hampshire-ect1-induction.yaml", "t-ann-ect"),
        "ben-1": draft(client, ben, mpr, "t-ben-1"),
        "ben-2": draft(client, ben, mpr, "t-ben-2"),
    }
    lowered = {"rating": "not-met", "reason": "other", "note": "Did not feel right."}
    decide(client, ann, records["ann-1"], lowered)
    decide(client, ann, records["ann-2"], {"rating": "achieved"})
    decide(client, ben, records["ben-1"], {"rating": "achieved"})
    sign_in(client, hr)
    return {"records": records, "hr": hr, "ben": ben_id}


FILTERS = {
    "appraiser is Ben": ({"appraiser": "ben"}, {"ben-1", "ben-2"}),
    "overridden": ({"overridden": "yes"}, {"ann-1"}),
    "not overridden": ({"overridden": "no"}, {"ann-2", "ann-3", "ann-ect", "ben-1", "ben-2"}),
    "stage ECT 1": ({"stage": "ect1"}, {"ann-ect"}),
    "stage MPR, Ann": ({"stage": "mpr", "appraiser": "ann"}, {"ann-1", "ann-2", "ann-3"}),
    "framework": ({"framework": "hampshire"}, None),
}


@pytest.mark.parametrize("name", FILTERS)
def test_each_filter_narrows_the_page_and_its_json_twin_alike(
    client: TestClient, cohort: dict[str, Any], name: str
) -> None:
    query, expected = FILTERS[name]
    records: dict[str, str] = cohort["records"]
    keys = {"ben": cohort["ben"], "ann": _key_id(client, "Ann Appraiser")}
    query = {k: keys.get(v, v) for k, v in query.items()}
    wanted = set(records) if expected is None else expected
    page = client.get("/records", params=query)
    assert page.status_code == 200, page.text
    assert {name for name, id in records.items() if id in listed(page.text)} == wanted
    assert count_shown(page.text) == str(len(wanted))
    api_query = {k: {"yes": "true", "no": "false"}.get(v, v) for k, v in query.items()}
    twin = client.get("/recommendations", params=api_query, headers=_bearer(cohort["hr"]))
    assert twin.status_code == 200, twin.text
    assert [r["id"] for r in twin.json()] == listed(page.text)
    assert twin.headers["X-Total-Count"] == str(len(wanted))


def _key_id(client: TestClient, name: str) -> str:
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        return next(k.id for k in store.list_keys(session) if k.name == name)


def test_the_filters_are_named_in_words(client: TestClient, cohort: dict[str, Any]) -> None:
    page = client.get("/records").text
    for words in ("Ben Appraiser", "Hampshire", "Needs human review", "Overridden"):
        assert words in page
    assert "Main pay range" in page or "MPR" in page
    assert cohort["ben"] not in re.sub(r'value="[^"]*"', "", page), "no key ids shown"


def test_a_cursor_no_page_made_is_a_400_page(client: TestClient, cohort: dict[str, Any]) -> None:
    answer = client.get("/records", params={"cursor": "nonsense"})
    assert answer.status_code == 400 and "<html" in answer.text


def test_records_page_forward_and_back_beyond_a_thousand(client: TestClient) -> None:
    """1,050 records: Next from the first page to the last lists each once; Previous goes back
    to exactly the page before; the JSON twin pages the same records by its Link header."""
    key, key_id = new_key(client, "appraiser", "Ann Appraiser")
    hr, _ = new_key(client, "hr", "Hana HR")
    first = draft(client, key, "hampshire-mpr-achieved.yaml", "t-0")
    _copies(client, first, key_id, 1049)
    sign_in(client, hr)

    pages: list[list[str]] = []
    html = client.get("/records").text
    assert count_shown(html) == "1,050"
    while True:
        pages.append(listed(html))
        following = re.search(
            r'<a class="govuk-link govuk-pagination__link" href="([^"]+)" rel="next"', html
        )
        if following is None:
            break
        html = client.get(following.group(1).replace("&amp;", "&")).text
    seen = [record for page in pages for record in page]
    assert len(seen) == 1050 == len(set(seen)) and len(pages) == 21
    back = re.search(r'href="([^"]+)" rel="prev"', html)
    assert back, "the last page links to the one before"
    assert listed(client.get(back.group(1).replace("&amp;", "&")).text) == pages[-2]

    twin: list[str] = []
    url: str | None = "/recommendations?limit=1000"
    while url:
        answer = client.get(url, headers=_bearer(hr))
        twin += [r["id"] for r in answer.json()]
        url = answer.links.get("next", {}).get("url")
    assert twin == seen


def _copies(client: TestClient, record_id: str, created_by: str, count: int) -> None:
    """``count`` more records like ``record_id``, each of its own teacher, straight into the
    store (drafting each would take minutes)."""
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        row = store.get_record(session, record_id, owner=None)
        original, recommendation = store.review_of(row), store.recommendation_of(row)
        for n in range(1, count + 1):
            copy = original.model_copy(update={"subject": f"t-{n}"})
            store.add_record(session, store.NewRecord(copy, recommendation, created_by))


GOOD_CSV = "subject,sex,age_band\nt-ann-1,female,30-39\nt-ann-2,male,40-49\nt-ben-1,female,\n"
BAD_CSV = "subject,colour\nt-ann-1,red\n"
ROWS_CSV = "subject,sex\nt-ann-1,female\n,male\nt-ann-1,male\nt-ben-1,female,extra\n"


def run_audit(client: TestClient, body: str, name: str = "monitoring.csv") -> Any:
    token = csrf(client, "/audit-reports/new")
    return client.post(
        "/audit-reports/new",
        data={"csrftoken": token, "cycle": "", "framework": "hampshire"},
        files={"monitoring": (name, body.encode(), "text/csv")},
        follow_redirects=False,
    )


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (BAD_CSV, ["Row 1, column 2: Column 'colour' is not one of"]),
        (
            ROWS_CSV,
            [
                "Row 3, column 1: Enter a subject.",
                "Row 4, column 1: Subject 't-ann-1' is on an earlier row too.",
                "Row 5, column 3: The row has 3 cells; the header has 2.",
            ],
        ),
    ],
)
def test_csv_problems_are_listed_by_row_and_column(
    client: TestClient, cohort: dict[str, Any], body: str, expected: list[str]
) -> None:
    answer = run_audit(client, body)
    assert answer.status_code == 400
    summary = html.unescape(answer.text.split('class="govuk-error-summary"')[1].split("</ul>")[0])
    for text in expected:
        assert text in summary
    assert 'href="#monitoring"' in summary
    assert client.get("/audit-reports").text.count('href="/audit-reports/aud_') == 0


def test_an_audit_run_with_a_csv_reads_as_a_report_with_cases_to_review_first(
    client: TestClient, cohort: dict[str, Any]
) -> None:
    answer = run_audit(client, GOOD_CSV)
    assert answer.status_code == 303, answer.text
    report_url = answer.headers["location"]
    page = client.get(report_url).text
    assert page.index("Cases to review") < page.index("Summary") < page.index("Appraisers")
    flagged = cohort["records"]["ann-1"]
    assert f'href="/records/{flagged}"' in page
    decided = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page.split('id="decided"')[1]))
    assert "Overrides (final differs from a rated draft) 1 of 3 (0 up, 1 down)" in decided
    assert "Overrides check 0" in decided, "flags of the overrides check are counted apart"
    results = re.findall(r'data-label="Result">([^<]*)<', page)
    assert results == ["Too few cases to test"], "a-07's 3 decisions are under 10"
    assert "3 teachers" in page
    assert client.get(f"/records/{flagged}").status_code == 200

    flags = client.get(f"{report_url}/flags.csv")
    assert flags.headers["content-disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(flags.text)))
    assert flagged in {row["case"] for row in rows}
    report = client.get(f"{report_url}/report.json").json()
    assert report["request"]["monitoring"]["t-ann-1"]["sex"] == "female"
    audit_id = report_url.rsplit("/", 1)[1]
    assert report == client.get(f"/audits/{audit_id}", headers=_bearer(cohort["hr"])).json()

    listing = client.get("/audit-reports").text
    assert f'href="/audit-reports/{audit_id}"' in listing and "Hana HR" in listing
    twin = client.get("/audits", headers=_bearer(cohort["hr"])).json()
    assert [(a["id"], a["monitored"], a["overrides"]) for a in twin] == [(audit_id, 3, 1)]


def test_only_hr_opens_the_hr_pages(client: TestClient) -> None:
    key, _ = new_key(client, "appraiser", "Ann Appraiser")
    sign_in(client, key)
    for path in ("/records", "/audit-reports", "/audit-reports/new"):
        assert client.get(path).status_code == 403


def test_a_file_form_without_its_token_first_is_refused(
    client: TestClient, cohort: dict[str, Any]
) -> None:
    token = csrf(client, "/audit-reports/new")
    upload = {"monitoring": ("m.csv", GOOD_CSV.encode(), "text/csv")}
    without = client.post("/audit-reports/new", data={"cycle": ""}, files=upload)
    assert without.status_code == 403
    wrong = client.post("/audit-reports/new", data={"csrftoken": token + "x"}, files=upload)
    assert wrong.status_code == 403
    assert client.get("/audits", headers=_bearer(cohort["hr"])).json() == []


def test_a_file_over_the_limit_is_a_page_from_a_browser_and_json_to_the_api(
    client: TestClient, cohort: dict[str, Any]
) -> None:
    """A monitoring CSV over the 1 MB limit: the browser gets a page saying so in words (it got
    the API's JSON problem), an API client still the JSON, and no audit is stored."""
    token = csrf(client, "/audit-reports/new")
    rows = "".join(f"t-{i:07d},female,30-39\n" for i in range(50_000))  # about 1.2 MB
    upload = {"monitoring": ("m.csv", f"subject,sex,age_band\n{rows}".encode(), "text/csv")}
    form = {"csrftoken": token, "cycle": "", "framework": "hampshire"}
    page = client.post(
        "/audit-reports/new", data=form, files=upload, headers={"Accept": "text/html"}
    )
    assert page.status_code == 413 and page.headers["content-type"].startswith("text/html")
    text = html.unescape(page.text)
    assert "The file or form is too large" in text and "at most 1 MB" in text
    api = client.post("/audit-reports/new", data=form, files=upload)
    assert api.status_code == 413 and api.json()["status"] == 413
    assert client.get("/audits", headers=_bearer(cohort["hr"])).json() == []


AUDIT_LINK = re.compile(r'href="/audit-reports/(aud_\w+)"')


def test_older_audits_are_a_page_away(client: TestClient, cohort: dict[str, Any]) -> None:
    """23 audits: the page lists the latest 20 and "Older audits" the other 3, each once; the
    JSON list pages the same way; an unknown audit to page from is a 404, not the first page."""
    hr = _bearer(cohort["hr"])
    for _ in range(23):
        assert client.post("/audits", json={"framework": "hampshire"}, headers=hr).is_success
    first = client.get("/audit-reports").text
    latest = AUDIT_LINK.findall(first)
    older = re.search(r'href="(/audit-reports\?older_than=aud_\w+)"', first)
    assert len(latest) == 20 and older, "the latest 20, and a link to the older ones"
    second = client.get(older.group(1)).text
    rest = AUDIT_LINK.findall(second)
    assert len(rest) == 3 and not set(rest) & set(latest)
    assert "older_than=" not in second and "Latest audits" in second
    assert "Latest audits" not in first
    listed_json = client.get("/audits", params={"limit": 20}, headers=hr).json()
    assert [a["id"] for a in listed_json] == latest
    after = client.get("/audits", params={"older_than": latest[-1]}, headers=hr).json()
    assert [a["id"] for a in after] == rest
    assert client.get("/audit-reports", params={"older_than": "aud_none"}).status_code == 404
    missing = client.get("/audits", params={"older_than": "aud_none"}, headers=hr)
    assert missing.status_code == 404


def test_a_finding_names_the_other_records_by_teacher_and_links_them(
    client: TestClient, cohort: dict[str, Any]
) -> None:
    """Ann lowered t-ann-1 and agreed with t-ann-2, like cases: each finding names the other
    case's teacher as a link to its record, never the bare record id."""
    answer = client.post("/audits", json={"framework": "hampshire"}, headers=_bearer(cohort["hr"]))
    assert answer.status_code == 201, answer.text
    flags = [f for f in answer.json()["report"]["flags"] if f["check"] == "like-cases"]
    assert any(cohort["records"]["ann-2"] in f["detail"] for f in flags), "the JSON keeps ids"
    page = client.get(f"/audit-reports/{answer.json()['id']}").text
    other = cohort["records"]["ann-2"]
    assert f'<a class="govuk-link" href="/records/{other}">t-ann-2</a>' in page
    shown = re.sub(r'href="[^"]*"', "", page)
    assert not re.search(r"rec_[0-9a-f]{32}", shown), "a record id shown as text"
