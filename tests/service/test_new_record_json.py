"""The answer to POST /recommendations is spliced from the JSON just stored: it must be, byte
for byte, what serialising the stored record gives (GET /recommendations/{id})."""

from __future__ import annotations

import json

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.testing.strategies import reviews
from tests.service.conftest import EXAMPLES, Api

FRAMEWORKS = Catalogue()
EXAMPLE_FILES = sorted(p.name for p in EXAMPLES.glob("*.yaml"))


def posted_and_read_back(api: Api, headers: dict[str, str], body: bytes, query: str = "") -> None:
    created = api.client.post(
        f"/recommendations{query}",
        content=body,
        headers={**headers, "Content-Type": "application/json"},
    )
    assert created.status_code == 201, created.text
    assert created.headers["content-type"] == "application/json"
    read = api.client.get(f"/recommendations/{created.json()['id']}", headers=headers)
    assert created.content == read.content


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_the_answer_is_the_stored_record_serialised(api: Api, name: str) -> None:
    headers = api.key("appraiser")
    body = json.dumps(yaml.safe_load((EXAMPLES / name).read_text()), default=str).encode()
    posted_and_read_back(api, headers, body)
    posted_and_read_back(api, headers, body, "?next_steps=false")
    first = api.client.post("/recommendations", content=body, headers=headers).json()
    posted_and_read_back(api, headers, body, f"?supersedes={first['id']}")


@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_generated_reviews_too(sqlite_api: Api, data: st.DataObject) -> None:
    framework = FRAMEWORKS[data.draw(st.sampled_from(sorted(FRAMEWORKS)))]
    review = data.draw(reviews(framework))
    headers = sqlite_api.key("appraiser")
    posted_and_read_back(
        sqlite_api, headers, review.model_dump_json().encode(), "?next_steps=false"
    )
