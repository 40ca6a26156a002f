"""/working-copies: an appraiser's reviews in progress, saved as they go, drafted, sealed."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.review.body import read_review
from service import composing, drafting
from tests.service.conftest import Api, _in_process, example

service = contextlib.contextmanager(_in_process)


def _review() -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(
        json.dumps(yaml.safe_load(example("hampshire-mpr-achieved.yaml")), default=str)
    )
    return loaded


@pytest.fixture(params=["sqlite", "postgres"])
def backend(request: pytest.FixtureRequest) -> Api:
    api: Api = request.getfixturevalue(f"{request.param}_api")
    return api


def test_a_working_copy_is_saved_replaced_drafted_and_deleted(backend: Api) -> None:
    ann = backend.key("appraiser", "Ann")
    review = _review()
    made = backend.client.post("/working-copies", json={"review": review}, headers=ann)
    assert made.status_code == 201, made.text
    copy_id = made.json()["id"]
    review["subject"] = "t-changed"
    saved = backend.client.put(f"/working-copies/{copy_id}", json={"review": review}, headers=ann)
    assert saved.status_code == 200
    got = backend.client.get(f"/working-copies/{copy_id}", headers=ann).json()
    assert got["review"]["subject"] == "t-changed"
    assert got["updated_at"] >= got["created_at"]
    listed = backend.client.get("/working-copies", headers=ann).json()
    assert [c["id"] for c in listed] == [copy_id]
    draft = backend.client.get(f"/working-copies/{copy_id}/draft", headers=ann).json()
    assert draft["problems"] == []
    assert draft["recommendation"]["rating"] == "achieved"
    assert draft["recommendation"]["next_steps"]["changes"] == []
    gone = backend.client.delete(f"/working-copies/{copy_id}", headers=ann)
    assert gone.status_code == 204
    assert backend.client.get(f"/working-copies/{copy_id}", headers=ann).status_code == 404


def test_another_appraisers_working_copy_is_not_found(backend: Api) -> None:
    ann, ben = backend.key("appraiser", "Ann"), backend.key("appraiser", "Ben")
    made = backend.client.post("/working-copies", json={"review": _review()}, headers=ann)
    copy_id = made.json()["id"]
    for method in ("GET", "PUT", "DELETE"):
        body = {"review": {}} if method == "PUT" else None
        answer = backend.client.request(
            method, f"/working-copies/{copy_id}", json=body, headers=ben
        )
        assert answer.status_code == 404, method
    assert backend.client.get("/working-copies", headers=ben).json() == []
    hr = backend.key("hr")
    assert backend.client.get("/working-copies", headers=hr).status_code == 403


def test_a_draft_lists_the_problems_of_an_unfinished_review(backend: Api) -> None:
    ann = backend.key("appraiser")
    review = _review()
    review["evidence"][0]["tags"][0]["statement"] = "hampshire.99.9"
    made = backend.client.post("/working-copies", json={"review": review}, headers=ann)
    draft = backend.client.get(f"/working-copies/{made.json()['id']}/draft", headers=ann).json()
    assert draft["recommendation"] is None
    assert [p["path"] for p in draft["problems"]] == ["evidence[0].tags[0].statement"]


def test_sealing_stores_the_record_as_post_recommendations_does(backend: Api) -> None:
    ann = backend.key("appraiser")
    review = _review()
    made = backend.client.post("/working-copies", json={"review": review}, headers=ann)
    copy_id = made.json()["id"]
    sealed = backend.client.post(f"/working-copies/{copy_id}/seal", headers=ann)
    assert sealed.status_code == 201, sealed.text
    direct = backend.client.post("/recommendations", json=review, headers=ann).json()
    record = sealed.json()
    assert record["input_hash"] == direct["input_hash"]
    assert record["recommendation"]["rating"] == direct["recommendation"]["rating"]
    assert record["recommendation"]["next_steps"] == direct["recommendation"]["next_steps"]
    assert backend.client.get(f"/working-copies/{copy_id}", headers=ann).status_code == 404
    page = backend.client.get(f"/recommendations/{record['id']}", headers=ann)
    assert page.status_code == 200


def test_the_exported_yaml_drafts_the_same_as_the_working_copy() -> None:
    rulesets = RuleSets(Catalogue())
    review = _review()
    text = composing.review_yaml(review)
    again = read_review(text.encode(), "application/yaml", rulesets.catalogue)
    exported, _ = drafting.draft(again, rulesets, next_steps=False)
    working = composing.working_draft(review, rulesets).recommendation
    assert working is not None
    assert exported.model_dump(exclude={"record", "trace"}) == working.model_dump(
        exclude={"record", "trace"}
    )


def test_a_working_copy_outlives_a_server_restart(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'appraise.db'}"
    with service(url) as first:
        ann = first.key("appraiser", "Ann")
        made = first.client.post("/working-copies", json={"review": _review()}, headers=ann)
        copy = made.json()
    with service(url) as again:
        assert again.client.get(f"/working-copies/{copy['id']}", headers=ann).json() == copy
