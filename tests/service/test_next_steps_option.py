"""``POST /recommendations?next_steps=false``: a draft without next steps, sealed and replayed
as such; the default still proposes them. On every backend."""

from __future__ import annotations

from typing import Any

from tests.service.conftest import Api, example


def _post(api: Api, headers: dict[str, str], **params: str) -> Any:
    response = api.client.post(
        "/recommendations",
        params=params,
        content=example("isp-meeting.yaml"),
        headers={**headers, "Content-Type": "application/yaml"},
    )
    assert response.status_code == 201, response.text
    return response.json()


def test_a_draft_without_next_steps_is_sealed_and_replayed_as_one(api: Api) -> None:
    headers = api.key("appraiser")
    with_steps = _post(api, headers)
    without = _post(api, headers, next_steps="false")
    assert with_steps["recommendation"]["next_steps"]["note"] != "Next steps were not requested."
    assert without["recommendation"]["next_steps"] == {
        "target": None,
        "confirmed": False,
        "changes": [],
        "note": "Next steps were not requested.",
    }
    for record, ruleset in ((without, None), (with_steps, None), (without, "isp")):
        params = {"ruleset": ruleset} if ruleset else {}
        replayed = api.client.post(
            f"/recommendations/{record['id']}/replay", params=params, headers=headers
        ).json()
        assert replayed["same"] is True, replayed["differences"]
        steps = record["recommendation"]["next_steps"]
        assert replayed["recommendation"]["next_steps"] == steps
    stored = api.client.get(f"/recommendations/{without['id']}", headers=headers).json()
    assert stored == without
