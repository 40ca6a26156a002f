"""Property: whatever a caller sends as a review, the answer is a record or a 422, never a 500."""

from __future__ import annotations

import json
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.service.conftest import Api, example

VALID: dict[str, Any] = json.loads(
    json.dumps(yaml.safe_load(example("isp-meeting.yaml")), default=str)
)

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=20),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3)
    ),
    max_leaves=6,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix]
    if isinstance(value, dict):
        for key, item in value.items():
            found += _paths(item, (*prefix, key))
    elif isinstance(value, list):
        for i, item in enumerate(value):
            found += _paths(item, (*prefix, i))
    return found


PATHS = [p for p in _paths(VALID) if p]


@st.composite
def broken_reviews(draw: st.DrawFn) -> dict[str, Any]:
    """A valid review with a few places replaced by arbitrary JSON, or removed."""
    review = json.loads(json.dumps(VALID))
    for path in draw(st.lists(st.sampled_from(PATHS), min_size=1, max_size=3)):
        parent: Any = review
        try:
            for part in path[:-1]:
                parent = parent[part]
            if draw(st.booleans()) and isinstance(parent, dict):
                parent.pop(path[-1], None)
            else:
                parent[path[-1]] = draw(json_values)
        except (KeyError, IndexError, TypeError):
            continue  # an earlier change removed or replaced this place
    return review


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(body=broken_reviews())
def test_any_review_gets_a_record_or_a_422(sqlite_api: Api, body: dict[str, Any]) -> None:
    headers = sqlite_api.headers.setdefault("appraiser", sqlite_api.key("appraiser"))
    response = sqlite_api.client.post("/recommendations", json=body, headers=headers)
    assert response.status_code in (201, 422), response.text
    if response.status_code == 422:
        assert all(p["code"] and p["message"] for p in response.json()["errors"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    text=st.text(max_size=200) | st.binary(max_size=200).map(lambda b: b.decode("latin-1")),
    content_type=st.sampled_from(["application/json", "application/yaml", "text/plain"]),
)
def test_any_text_gets_a_422_not_a_500(sqlite_api: Api, text: str, content_type: str) -> None:
    headers = sqlite_api.headers.setdefault("appraiser", sqlite_api.key("appraiser"))
    response = sqlite_api.client.post(
        "/recommendations",
        content=text.encode("utf-8", "surrogatepass"),
        headers={**headers, "Content-Type": content_type},
    )
    assert response.status_code == 422, response.text
