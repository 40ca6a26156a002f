"""Every endpoint, role boundary and bad-input class, through HTTP, on every backend."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
import yaml

from schemas.service import Problem, Role
from service import store
from tests.service.conftest import ROOT, Api, example

ISP: dict[str, Any] = yaml.safe_load(example("isp-meeting.yaml"))
HGIOS4: dict[str, Any] = yaml.safe_load(example("hgios4-good.yaml"))


def review(base: dict[str, Any] = ISP, **changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(json.loads(json.dumps(base, default=str)))
    data.update(changes)
    return data


def create(api: Api, headers: dict[str, str], body: dict[str, Any] | None = None) -> Any:
    response = api.client.post("/recommendations", json=body or review(), headers=headers)
    assert response.status_code == 201, response.text
    return response.json()


# --- health, frameworks, rule sets ------------------------------------------------------------


def test_health_needs_no_key(api: Api) -> None:
    response = api.client.get("/health")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["database"] == ("postgresql" if "postgresql" in api.url else "sqlite")


def test_frameworks_list_show_and_stage_requirements(api: Api) -> None:
    headers = api.key("appraiser")
    listed = api.client.get("/frameworks", headers=headers).json()
    assert {f["id"] for f in listed} == {"hampshire", "hgios4", "isp", "wales-leaders"}
    hampshire = api.client.get("/frameworks/hampshire", headers=headers).json()
    assert len(hampshire["statements"]) == 524
    mpr = api.client.get("/frameworks/hampshire/stages/mpr/requirements", headers=headers).json()
    ect1 = api.client.get("/frameworks/hampshire/stages/ect1/requirements", headers=headers)
    assert mpr["stage"] == "mpr" and len(mpr["items"]) > len(ect1.json()["items"])
    missing = api.client.get("/frameworks/hampshir", headers=headers)
    assert missing.status_code == 404 and "did you mean 'hampshire'" in missing.json()["detail"]
    stage = api.client.get("/frameworks/hampshire/stages/mrp/requirements", headers=headers)
    assert stage.status_code == 404 and "did you mean 'mpr'" in stage.json()["detail"]


def test_rulesets_carry_their_content_hash_and_parameters(api: Api) -> None:
    headers = api.key("hr")
    listed = api.client.get("/rulesets", headers=headers).json()
    assert {r["id"] for r in listed} >= {"hampshire", "isp"}
    isp = api.client.get("/rulesets/isp", headers=headers).json()
    assert isp["content_hash"].startswith("sha256:")
    assert isp["content_hash"] == next(r["content_hash"] for r in listed if r["id"] == "isp")
    assert isp["parameters"] and all(p["reason"] for p in isp["parameters"].values())
    assert api.client.get("/rulesets/nope", headers=headers).status_code == 404


# --- drafting and reading records -------------------------------------------------------------


def test_a_draft_is_stored_as_a_sealed_record_and_read_back(api: Api) -> None:
    headers = api.key("appraiser")
    created = create(api, headers)
    rec = created["recommendation"]
    assert created["id"].startswith("rec_")
    assert rec["rating"] == "meeting" and rec["outcome"] == "rated"
    for field in ("ruleset_hash", "input_hash", "engine_version", "evaluated_at"):
        assert created[field] == rec["record"][field]
    assert created["review"]["subject"] == ISP["subject"]
    read = api.client.get(f"/recommendations/{created['id']}", headers=headers)
    assert read.status_code == 200 and read.json() == created


def test_a_review_may_be_sent_as_yaml(api: Api) -> None:
    headers = {**api.key("appraiser"), "Content-Type": "application/yaml"}
    response = api.client.post(
        "/recommendations", content=example("hgios4-good.yaml"), headers=headers
    )
    assert response.status_code == 201, response.text
    assert response.json()["recommendation"]["rating"] == "good"


def test_printable_rationale_as_markdown_and_html(api: Api) -> None:
    headers = api.key("appraiser")
    body = review(subject="<script>alert(1)</script>")
    record = create(api, headers, body)
    url = f"/recommendations/{record['id']}"
    markdown = api.client.get(url, params={"format": "markdown"}, headers=headers)
    assert markdown.headers["content-type"].startswith("text/markdown")
    for section in ("# Draft rating: Meeting", "## Why", "## Evidence used", "## Next steps"):
        assert section in markdown.text
    assert "visit-2025-10" in markdown.text and record["id"] in markdown.text
    page = api.client.get(url, params={"format": "html"}, headers=headers)
    assert page.headers["content-type"].startswith("text/html")
    assert "<h2>Why</h2>" in page.text and "<h2>Stage ledger</h2>" not in page.text  # no stages
    assert "<script>" not in page.text and "&lt;script&gt;" in page.text


def test_stage_ledger_is_on_the_printable_page(api: Api) -> None:
    headers = api.key("appraiser")
    hampshire = yaml.safe_load(example("hampshire-mpr-achieved.yaml"))
    record = create(api, headers, review(hampshire))
    page = api.client.get(
        f"/recommendations/{record['id']}", params={"format": "html"}, headers=headers
    )
    assert "<h2>Stage ledger</h2>" in page.text and "<table>" in page.text


def test_the_page_for_the_meeting_names_every_cause_objective_and_item_and_has_a_sign_off(
    api: Api,
) -> None:
    headers = api.key("appraiser")
    path = ROOT / "rules/hampshire/cases/19-mpr-not-met-objectives-and-concerns.yaml"
    record = create(api, headers, review(yaml.safe_load(path.read_text())["review"]))

    causes = record["recommendation"]["causes"]
    assert [c["rule"] for c in causes] == [
        "hampshire.rating.not-met",
        "hampshire.objectives.not-met",
        "hampshire.concerns.several-standards",
    ]
    url = f"/recommendations/{record['id']}"
    markdown = api.client.get(url, params={"format": "markdown"}, headers=headers).text
    page = api.client.get(url, params={"format": "html"}, headers=headers).text
    for cause in causes:  # the same lines in JSON, Markdown and HTML
        assert f"- {cause['text']}" in markdown
        reason = cause["text"].split(" Threshold")[0].replace("'", "&#x27;")
        assert reason.replace("'", "&#39;") in page or reason in page, reason
    for shown in (
        "<code>max_standards_with_concerns</code>",
        "Objective o1 “Raise the attainment of the Year 4 disadvantaged pupils in reading”: not",
        "<strong>Cycle:</strong> 2025-09-01 to 2026-07-31",
        "<strong>Appraiser:</strong> a-01",
        "<h2>Objectives</h2>",
        "obs-concerns (lesson observation, 2026-05-11, recorded by a-01): Year 4 maths lesson",
        "<h2>Parameters that decided</h2>",
        "<h3>ECT 1: 32 of 100 met confidently</h3>",
        "<h2>Sign-off</h2>",
    ):
        assert shown in page, shown
    assert "@page { size: A4" in page
    assert "Teacher" in page.split("<h2>Sign-off</h2>")[1]


def test_listing_by_subject_and_cycle(api: Api) -> None:
    headers = api.key("appraiser")
    subject = f"t-{id(api)}-list"
    mine = create(api, headers, review(subject=subject))
    create(api, headers, review(subject=subject + "-other"))
    found = api.client.get(
        "/recommendations", params={"subject": subject, "cycle": "2026-01-15"}, headers=headers
    ).json()
    assert [r["id"] for r in found] == [mine["id"]]
    outside = api.client.get(
        "/recommendations", params={"subject": subject, "cycle": "2024-01-15"}, headers=headers
    ).json()
    assert outside == []


# --- replay -----------------------------------------------------------------------------------


def test_replay_with_the_sealed_rule_set_gives_the_same_result(api: Api) -> None:
    headers = api.key("appraiser")
    record = create(api, headers)
    replay = api.client.post(f"/recommendations/{record['id']}/replay", headers=headers).json()
    assert replay["same"] is True and replay["differences"] == []
    assert replay["replayed_ruleset_hash"] == record["ruleset_hash"]
    assert replay["recommendation"]["rationale"] == record["recommendation"]["rationale"]


def test_replay_with_another_rule_set_reports_it(api: Api) -> None:
    headers = api.key("appraiser")
    record = create(api, headers)
    by_hash = api.client.post(
        f"/recommendations/{record['id']}/replay",
        params={"ruleset": record["ruleset_hash"]},
        headers=headers,
    )
    assert by_hash.json()["same"] is True
    unknown = api.client.post(
        f"/recommendations/{record['id']}/replay", params={"ruleset": "sha256:0"}, headers=headers
    )
    assert unknown.status_code == 404
    other_framework = api.client.post(
        f"/recommendations/{record['id']}/replay", params={"ruleset": "hgios4"}, headers=headers
    )
    assert other_framework.status_code == 404
    assert "for framework 'hgios4'" in other_framework.json()["detail"]


# --- final decisions and corrections ----------------------------------------------------------


def test_final_decision_same_as_draft_needs_no_reason(api: Api) -> None:
    headers = api.key("appraiser")
    record = create(api, headers)
    url = f"/recommendations/{record['id']}/decision"
    decided = api.client.post(url, json={"rating": "meeting"}, headers=headers)
    assert decided.status_code == 201
    assert decided.json()["differs"] is False and decided.json()["supersedes"] is None


def test_a_differing_final_rating_needs_a_reason_and_a_note(api: Api) -> None:
    headers = api.key("appraiser")
    record = create(api, headers)
    url = f"/recommendations/{record['id']}/decision"
    bare = api.client.post(url, json={"rating": "exceeding"}, headers=headers)
    assert bare.status_code == 422
    assert bare.json()["errors"][0]["path"] == "reason"
    assert bare.json()["errors"][0]["code"] == "missing-reason"
    assert bare.json()["errors"][0]["line"] is None  # checked on the parsed decision: no place
    no_note = api.client.post(url, json={"rating": "exceeding", "reason": "other"}, headers=headers)
    assert no_note.status_code == 422
    bad_code = {"rating": "exceeding", "reason": "felt-like-it", "note": "n"}
    bad = api.client.post(url, json=bad_code, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "reason"
    off_scale = api.client.post(url, json={"rating": "meting"}, headers=headers)
    assert off_scale.status_code == 422
    assert "did you mean 'meeting'" in off_scale.json()["errors"][0]["message"]
    body = {"rating": "exceeding", "reason": "moderation", "note": "Moderated across schools."}
    decided = api.client.post(url, json=body, headers=headers)
    assert decided.status_code == 201 and decided.json()["differs"] is True


def test_an_ects_final_decision_is_on_the_induction_scale(api: Api) -> None:
    headers = api.key("appraiser")
    case = yaml.safe_load((ROOT / "rules/hampshire/cases/01-ect1-achieved.yaml").read_text())
    record = create(api, headers, review(case["review"]))
    draft = record["recommendation"]
    assert (draft["rating"], draft["scale"]) == ("satisfactory-progress", "induction")
    url = f"/recommendations/{record['id']}/decision"
    pay = {"rating": "achieved", "reason": "moderation", "note": "Moderated."}
    refused = api.client.post(url, json=pay, headers=headers)
    assert refused.status_code == 422
    assert refused.json()["errors"][0]["message"] == (
        "rating: 'achieved' is on the hampshire scale, but this draft is on the induction "
        "scale: give one of unsatisfactory-progress, satisfactory-progress"
    )
    decided = api.client.post(url, json={"rating": "satisfactory-progress"}, headers=headers)
    assert decided.status_code == 201
    assert decided.json()["rating_label"] == (
        "Satisfactory progress towards the Teachers' Standards"
    )


def test_corrections_are_new_records_pointing_at_the_old(api: Api) -> None:
    headers = api.key("appraiser")
    first = create(api, headers)
    url = f"/recommendations/{first['id']}/decision"
    one = api.client.post(url, json={"rating": "meeting"}, headers=headers).json()
    body = {"rating": "exceeding", "reason": "additional-evidence", "note": "Late evidence."}
    two = api.client.post(url, json=body, headers=headers).json()
    assert two["supersedes"] == one["id"]
    read = api.client.get(f"/recommendations/{first['id']}", headers=headers).json()
    assert [d["id"] for d in read["decisions"]] == [one["id"], two["id"]]
    corrected = api.client.post(
        "/recommendations",
        params={"supersedes": first["id"]},
        json=review(objectives=[]),
        headers=headers,
    )
    assert corrected.status_code == 201 and corrected.json()["supersedes"] == first["id"]
    old = api.client.get(f"/recommendations/{first['id']}", headers=headers).json()
    assert old["superseded_by"] == [corrected.json()["id"]]
    assert old["recommendation"] == first["recommendation"]


# --- idempotency ------------------------------------------------------------------------------


def test_idempotency_key_returns_the_same_record(api: Api) -> None:
    headers = {**api.key("appraiser"), "Idempotency-Key": "post-1"}
    first = api.client.post("/recommendations", json=review(), headers=headers)
    again = api.client.post("/recommendations", json=review(), headers=headers)
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json()["id"] == first.json()["id"]
    other = api.client.post("/recommendations", json=review(subject="t-x"), headers=headers)
    assert other.status_code == 409
    url = f"/recommendations/{first.json()['id']}/decision"
    d1 = api.client.post(url, json={"rating": "meeting"}, headers=headers)
    d2 = api.client.post(url, json={"rating": "meeting"}, headers=headers)
    assert (d1.status_code, d2.status_code) == (201, 200) and d1.json() == d2.json()


# --- access -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [{}, {"Authorization": "Bearer apr_wrong"}, {"Authorization": "Basic dXNlcjpwYXNz"}],
    ids=["missing", "unknown", "not-bearer"],
)
def test_no_valid_key_is_401(api: Api, headers: dict[str, str]) -> None:
    for method, url in (
        ("GET", "/frameworks"),
        ("GET", "/rulesets"),
        ("GET", "/recommendations"),
        ("POST", "/recommendations"),
        ("GET", "/keys"),
    ):
        response = api.client.request(method, url, headers=headers)
        assert response.status_code == 401, (method, url)
        assert response.headers["www-authenticate"] == "Bearer"


def test_appraisers_see_and_decide_only_their_own_cases(api: Api) -> None:
    alice, bob = api.key("appraiser", "alice"), api.key("appraiser", "bob")
    record = create(api, alice)
    rid = record["id"]
    for method, url in (
        ("GET", f"/recommendations/{rid}"),
        ("POST", f"/recommendations/{rid}/replay"),
    ):
        assert api.client.request(method, url, headers=bob).status_code == 404
    decide = api.client.post(
        f"/recommendations/{rid}/decision", json={"rating": "meeting"}, headers=bob
    )
    assert decide.status_code == 404
    listed = api.client.get("/recommendations", params={"limit": 1000}, headers=bob).json()
    assert rid not in {r["id"] for r in listed}
    correction = api.client.post(
        "/recommendations", params={"supersedes": rid}, json=review(), headers=bob
    )
    assert correction.status_code == 404


def test_hr_reads_everything_but_neither_drafts_nor_decides(api: Api) -> None:
    hr = api.key("hr")
    record = create(api, api.key("appraiser"))
    rid = record["id"]
    assert api.client.get(f"/recommendations/{rid}", headers=hr).status_code == 200
    assert api.client.post(f"/recommendations/{rid}/replay", headers=hr).json()["same"]
    listed = api.client.get("/recommendations", params={"limit": 1000}, headers=hr).json()
    assert rid in {r["id"] for r in listed}
    assert api.client.post("/recommendations", json=review(), headers=hr).status_code == 403
    decide = api.client.post(
        f"/recommendations/{rid}/decision", json={"rating": "meeting"}, headers=hr
    )
    assert decide.status_code == 403
    assert api.client.get("/keys", headers=hr).status_code == 403


def test_admin_manages_keys_and_nothing_else(api: Api) -> None:
    admin = api.key("admin")
    assert api.client.get("/recommendations", headers=admin).status_code == 403
    assert api.client.post("/recommendations", json=review(), headers=admin).status_code == 403
    made = api.client.post("/keys", json={"role": "appraiser", "name": "carol"}, headers=admin)
    assert made.status_code == 201
    key = made.json()
    carol = {"Authorization": f"Bearer {key['key']}"}
    assert api.client.get("/recommendations", headers=carol).status_code == 200
    listed = api.client.get("/keys", headers=admin).json()
    assert key["id"] in {k["id"] for k in listed} and all("key" not in k for k in listed)
    revoked = api.client.post(f"/keys/{key['id']}/revoke", headers=admin)
    assert revoked.status_code == 200 and revoked.json()["revoked_at"]
    assert api.client.get("/recommendations", headers=carol).status_code == 401
    assert api.client.post("/keys/key_none/revoke", headers=admin).status_code == 404
    assert api.client.get("/keys", headers=carol).status_code == 401
    appraiser = api.key("appraiser")
    assert api.client.get("/keys", headers=appraiser).status_code == 403
    bad_role = api.client.post("/keys", json={"role": "root", "name": "x"}, headers=admin)
    assert bad_role.status_code == 422 and bad_role.json()["errors"][0]["path"] == "role"


def test_the_last_active_admin_key_cannot_be_revoked(api: Api) -> None:
    """Revoking it would lock everyone out of key management: 409, and the key still works."""
    admin = api.key("admin")
    keys = api.client.get("/keys", headers=admin).json()
    secret = admin["Authorization"][len("Bearer ") :]
    own_id = next(k["id"] for k in keys if secret.startswith(k["prefix"]))
    for other in keys:
        if other["role"] == "admin" and other["id"] != own_id and not other["revoked_at"]:
            revoked = api.client.post(f"/keys/{other['id']}/revoke", headers=admin)
            assert revoked.status_code == 200
    refused = api.client.post(f"/keys/{own_id}/revoke", headers=admin)
    assert refused.status_code == 409
    assert "last admin key" in refused.json()["detail"]
    assert api.client.get("/keys", headers=admin).status_code == 200
    successor = api.client.post("/keys", json={"role": "admin", "name": "next"}, headers=admin)
    assert api.client.post(f"/keys/{own_id}/revoke", headers=admin).status_code == 200
    assert api.client.get("/keys", headers=admin).status_code == 401
    heir = {"Authorization": f"Bearer {successor.json()['key']}"}
    assert api.client.get("/keys", headers=heir).status_code == 200


def test_a_key_revoked_by_another_process_stops_working_at_once(api: Api) -> None:
    """Revoked the way ``appraise keys revoke`` does it (its own connection, not the server's):
    the server's next request with that key is refused; nothing about keys is kept between
    requests."""
    headers = api.key("appraiser")
    assert create(api, headers)["id"]
    with api.sessions() as session:
        prefix = headers["Authorization"][len("Bearer ") :][:10]
        key_id = next(k.id for k in store.list_keys(session) if k.prefix == prefix)
        store.revoke_key(session, key_id)
    refused = api.client.post("/recommendations", json=review(), headers=headers)
    assert refused.status_code == 401
    assert refused.json()["detail"] == "the API key is unknown or revoked"


# --- bad input never gives a 500 --------------------------------------------------------------


def post_raw(api: Api, content: bytes, content_type: str = "application/json") -> Any:
    headers = {**api.key("appraiser"), "Content-Type": content_type}
    return api.client.post("/recommendations", content=content, headers=headers)


def test_unknown_statement_is_422_with_path_place_and_did_you_mean(api: Api) -> None:
    body = review()
    body["evidence"][0]["tags"][0]["statement"] = "isp.3.11"
    response = post_raw(api, json.dumps(body, indent=2).encode())
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["path"] == "evidence[0].tags[0].statement"
    assert problem["code"] == "unknown-statement"
    assert "did you mean 'isp.3.1'?" in problem["message"]
    assert problem["line"] > 1 and problem["column"] > 1


def test_every_problem_is_reported_at_once(api: Api) -> None:
    body = review(stage="mpr", cycle_start="not a date")
    body["evidence"][0]["kind"] = "gossip"
    body["evidence"][1]["colour"] = "blue"
    response = post_raw(api, json.dumps(body).encode())
    assert response.status_code == 422
    found = {(p["path"], p["code"]) for p in response.json()["errors"]}
    assert found >= {
        ("cycle_start", "wrong-type"),
        ("evidence[0].kind", "unknown-evidence-kind"),
        ("evidence[1].colour", "unknown-field"),
        ("stage", "unexpected-stage"),
    }


@pytest.mark.parametrize(
    ("content", "content_type", "code"),
    [
        (b'{"framework": "isp",', "application/json", "json-syntax"),
        (b"", "application/json", "missing-field"),
        (b"[1, 2]", "application/json", "wrong-type"),
        (b'{"framework": "isp"}', "application/json", "missing-field"),
        (b'{"framework": "nope"}', "application/json", "unknown-framework"),
        (b"\xff\xfe{}", "application/json", "wrong-type"),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", "invalid-value"),
        (json.dumps(review(ruleset="isp-2")).encode(), "application/json", "unknown-ruleset"),
        (json.dumps(review(ruleset="hgios4")).encode(), "application/json", "unknown-ruleset"),
        (b"a: &x [1]\nb: *x\n", "application/yaml", "yaml-alias"),
        (b"framework: isp\n  subject: [\n", "application/yaml", "yaml-syntax"),
    ],
    ids=[
        "broken-json",
        "empty",
        "not-a-mapping",
        "missing-fields",
        "unknown-framework",
        "not-utf8",
        "deeply-nested",
        "unknown-ruleset",
        "ruleset-of-another-framework",
        "yaml-alias",
        "broken-yaml",
    ],
)
def test_malformed_bodies_are_422(api: Api, content: bytes, content_type: str, code: str) -> None:
    response = post_raw(api, content, content_type)
    assert response.status_code == 422, response.text
    assert code in {p["code"] for p in response.json()["errors"]}


@pytest.mark.parametrize(
    ("path", "wrong_role", "right_role"),
    [
        ("/keys", "appraiser", "admin"),
        ("/audits", "appraiser", "hr"),
        ("/recommendations/rec_none/decision", "hr", "appraiser"),
    ],
)
def test_a_body_is_judged_only_for_a_caller_who_may_use_the_route(
    api: Api, path: str, wrong_role: Role, right_role: Role
) -> None:
    """Junk without a key is 401, junk from the wrong role 403: the key comes before the body."""
    json_type = {"Content-Type": "application/json"}

    def post_junk(headers: dict[str, str]) -> Any:
        return api.client.post(path, content=b"{not json", headers={**json_type, **headers})

    assert post_junk({}).status_code == 401
    assert post_junk(api.key(wrong_role)).status_code == 403
    answered = post_junk(api.key(right_role))
    assert answered.status_code == 422
    assert answered.json()["errors"][0]["code"] == "wrong-type"


def test_a_body_over_the_limit_is_413(api: Api) -> None:
    body = review(padding="x" * 1_100_000)
    response = post_raw(api, json.dumps(body).encode())
    assert response.status_code == 413


def test_a_chunked_body_over_the_limit_is_413_too(api: Api) -> None:
    chunks = iter([b'{"padding": "' + b"x" * 600_000, b"x" * 600_000 + b'"}'])
    headers = {**api.key("appraiser"), "Content-Type": "application/json"}
    response = api.client.post("/recommendations", content=chunks, headers=headers)
    assert response.status_code == 413


def test_unknown_ids_and_bad_parameters(api: Api) -> None:
    headers = api.key("appraiser")
    assert api.client.get("/recommendations/rec_none", headers=headers).status_code == 404
    assert api.client.post("/recommendations/rec_none/replay", headers=headers).status_code == 404
    decide = api.client.post(
        "/recommendations/rec_none/decision", json={"rating": "meeting"}, headers=headers
    )
    assert decide.status_code == 404
    record = create(api, headers)
    pdf = api.client.get(
        f"/recommendations/{record['id']}", params={"format": "pdf"}, headers=headers
    )
    assert pdf.status_code == 422 and pdf.json()["errors"][0]["path"] == "query.format"
    cycle = api.client.get("/recommendations", params={"cycle": "spring"}, headers=headers)
    assert cycle.status_code == 422
    not_json = api.client.post(
        f"/recommendations/{record['id']}/decision",
        content=b"{",
        headers={**headers, "Content-Type": "application/json"},
    )
    assert not_json.status_code == 422


# --- the API's description --------------------------------------------------------------------

OPERATIONS = {
    "health",
    "list_frameworks",
    "get_framework",
    "get_stage_requirements",
    "list_rulesets",
    "get_ruleset",
    "create_recommendation",
    "get_recommendation",
    "list_recommendations",
    "replay_recommendation",
    "decide_recommendation",
    "create_key",
    "list_keys",
    "revoke_key",
    "create_audit",
    "list_audits",
    "get_audit",
    "create_working_copy",
    "list_working_copies",
    "get_working_copy",
    "save_working_copy",
    "delete_working_copy",
    "draft_working_copy",
    "seal_working_copy",
}


def test_openapi_has_stable_operation_ids_summaries_and_the_review_schema(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()
    operations = [op for path in schema["paths"].values() for op in path.values()]
    assert {op["operationId"] for op in operations} == OPERATIONS
    assert all(op.get("summary") for op in operations)
    body = schema["paths"]["/recommendations"]["post"]["requestBody"]["content"]
    assert body["application/json"]["example"]["framework"] == "isp"
    assert "Review" in schema["components"]["schemas"]
    assert "EvidenceItem" in schema["components"]["schemas"]


def test_query_values_mean_what_the_document_says(api: Api) -> None:
    """A date is YYYY-MM-DD (0 was read as 1970-01-01); an empty record id is not an id."""
    headers = api.key("appraiser")
    for cycle in ("0", "1700000000", "2026-3-1"):
        answer = api.client.get("/recommendations", params={"cycle": cycle}, headers=headers)
        assert answer.status_code == 422 and answer.json()["errors"][0]["path"] == "query.cycle"
    assert (
        api.client.get(
            "/recommendations", params={"cycle": "2026-03-01"}, headers=headers
        ).status_code
        == 200
    )
    empty = api.client.post("/recommendations?supersedes=", json=review(), headers=headers)
    assert empty.status_code == 422 and empty.json()["errors"][0]["path"] == "query.supersedes"


def test_a_key_name_of_whitespace_is_refused_as_the_schema_says(api: Api) -> None:
    schema = api.client.get("/openapi.json").json()["components"]["schemas"]["KeyCreate"]
    assert schema["properties"]["name"]["pattern"] == r"\S"
    admin = api.key("admin")
    for name in ("\r", "  ", "\t\n"):
        refused = api.client.post("/keys", json={"role": "hr", "name": name}, headers=admin)
        assert refused.status_code == 422 and refused.json()["errors"][0]["path"] == "name"


def test_options_and_405_name_every_method_of_the_path(api: Api) -> None:
    options = api.client.options("/keys")
    assert options.status_code == 204 and options.headers["allow"] == "GET, OPTIONS, POST"
    refused = api.client.delete("/keys", headers=api.key("admin"))
    assert refused.status_code == 405 and refused.headers["allow"] == "GET, OPTIONS, POST"
    assert api.client.options("/nowhere").status_code == 404


@pytest.mark.parametrize(
    ("method", "template", "path", "role", "status"),
    [
        ("get", "/keys", "/keys", None, 401),
        ("get", "/keys", "/keys", "appraiser", 403),
        ("get", "/recommendations/{record_id}", "/recommendations/rec_none", "appraiser", 404),
        ("post", "/keys", "/keys", "admin", 422),
        ("post", "/keys/{key_id}/revoke", "/keys/key_none/revoke", "admin", 404),
        ("get", "/frameworks/{framework_id}", "/frameworks/nowhere", "hr", 404),
    ],
)
def test_an_error_is_documented_as_it_is_sent(
    api: Api, method: str, template: str, path: str, role: Role | None, status: int
) -> None:
    """Each error an operation answers is in the OpenAPI document, as the RFC 9457 problem it
    is sent as (``application/problem+json``; a 422 lists its located errors)."""
    headers = {**(api.key(role) if role else {}), "Content-Type": "application/json"}
    answer = api.client.request(method, path, content=b"{not json", headers=headers)
    assert answer.status_code == status
    assert answer.headers["content-type"] == "application/problem+json"
    documented = api.client.get("/openapi.json").json()["paths"][template][method]["responses"]
    schema = documented[str(status)]["content"]["application/problem+json"]["schema"]
    assert schema == {"$ref": "#/components/schemas/Problem"}
    problem = Problem.model_validate(answer.json())
    assert problem.status == status and problem.detail
    assert (problem.errors is not None) == (status == 422)


def test_records_page_with_a_cursor_in_the_link_header(api: Api) -> None:
    """Every record once, newest first, however the pages fall and whatever is stored between."""
    headers = api.key("appraiser")
    subject = f"t-paging-{id(api)}"
    made = [create(api, headers, review(subject=subject))["id"] for _ in range(5)]
    seen: list[str] = []
    url: str | None = f"/recommendations?subject={subject}&limit=2"
    sizes = []
    while url:
        page = api.client.get(url, headers=headers)
        assert page.status_code == 200
        sizes.append(len(page.json()))
        seen += [r["id"] for r in page.json()]
        if len(seen) == 2:  # a record stored meanwhile is newer: not on the later pages
            create(api, headers, review(subject=subject))
        url = page.links.get("next", {}).get("url")  # the Link header also has rel="prev"
    assert sizes == [2, 2, 1]
    assert seen == list(reversed(made))
    bad = api.client.get("/recommendations", params={"cursor": "nonsense"}, headers=headers)
    assert bad.status_code == 422 and bad.json()["errors"][0]["path"] == "query.cursor"


@pytest.mark.parametrize(
    ("accept", "content_type"),
    [
        ("text/html", "text/html"),
        ("text/markdown", "text/markdown"),
        ("text/html;q=0.5, text/markdown", "text/markdown"),
        ("application/json", "application/json"),
        ("*/*", "application/json"),
        ("", "application/json"),
    ],
)
def test_the_accept_header_chooses_the_format_like_the_query(
    api: Api, accept: str, content_type: str
) -> None:
    headers = api.key("appraiser")
    record = create(api, headers)
    url = f"/recommendations/{record['id']}"
    answer = api.client.get(url, headers={**headers, "Accept": accept})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith(content_type)
    explicit = api.client.get(url, params={"format": "json"}, headers={**headers, "Accept": accept})
    assert explicit.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize(
    ("content_type", "written"),
    [("application/yaml", "2025-08-25"), ("application/json", '"2025-08-25"')],
    ids=["yaml", "json"],
)
def test_an_impossible_date_is_a_located_422(api: Api, content_type: str, written: str) -> None:
    text = example("isp-meeting.yaml").decode()
    if content_type == "application/json":
        text = json.dumps(review(), indent=2)
    assert text.count(written) == 1  # the cycle start
    response = post_raw(api, text.replace("2025-08-25", "2025-13-25").encode(), content_type)
    assert response.status_code == 422, response.text
    (problem,) = response.json()["errors"]
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if written in ln)
    column = text.splitlines()[line - 1].index(written) + 1
    assert (problem["path"], problem["code"]) == ("cycle_start", "invalid-value")
    assert (problem["line"], problem["column"]) == (line, column)
    assert "month value is outside expected range of 1-12" in problem["message"]


def test_a_persons_words_are_text_on_the_page_never_markup(api: Api) -> None:
    """A decision note, an evidence note or an objective written as Markdown stays text: no fake
    heading, no remote image (a beacon, and the page would no longer be offline), no link."""
    headers = api.key("appraiser")
    trap = "# Final rating: Exceptional ![x](http://example.invalid/beacon.png) [see](http://x)"
    body = review()
    body["evidence"][0]["note"] = trap
    body["objectives"] = [{"id": "o1", "text": trap, "outcome": "met"}]
    record = create(api, headers, body)
    decided = api.client.post(
        f"/recommendations/{record['id']}/decision",
        json={"rating": "exceeding", "reason": "other", "note": trap},
        headers=headers,
    )
    assert decided.status_code == 201
    url = f"/recommendations/{record['id']}"
    page = api.client.get(url, params={"format": "html"}, headers=headers).text
    assert "<img" not in page and "<a " not in page and "example.invalid" in page
    assert "<h1>Final rating" not in page and page.count("<h1>") == 1
    assert page.count("# Final rating: Exceptional") == 3  # note, evidence note, objective


@pytest.mark.parametrize("content_type", ["application/yaml", "application/json"])
def test_a_deeply_nested_body_is_a_prompt_422(api: Api, content_type: str) -> None:
    """16 KB of brackets held a worker for ~28 s in PyYAML's own scanner (and this test with it);
    the depth is now checked on libyaml's events first."""
    response = post_raw(api, ("[" * 8000 + "]" * 8000).encode(), content_type)
    assert response.status_code == 422
    (problem,) = response.json()["errors"]
    assert problem["code"] == "invalid-value"
    assert "nested" in problem["message"]
    if content_type == "application/yaml":
        assert problem["message"] == "nested more than 64 levels deep"
        assert (problem["line"], problem["column"]) == (1, 65)


def test_a_body_with_thousands_of_problems_gets_the_first_hundred_and_the_count(api: Api) -> None:
    body = review()
    tags = [{"statement": f"isp.99.{i}", "modality": "consistent"} for i in range(3000)]
    body["evidence"][0]["tags"] = tags
    response = post_raw(api, json.dumps(body).encode())
    assert response.status_code == 422
    answer = response.json()
    assert len(answer["errors"]) == 100 and len(response.content) < 50_000
    assert answer["detail"].startswith("The request has 3000 problems; the first 100 are in errors")
