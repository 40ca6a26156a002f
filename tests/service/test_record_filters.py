"""GET /recommendations filtered by stage, outcome, appraiser and overridden, and paged back
by its rel="prev" link, on every backend."""

from __future__ import annotations

from tests.service.conftest import Api
from tests.service.test_audits import cycle_date, decide, draft


def test_filters_combine_and_pages_link_both_ways(api: Api) -> None:
    ann, ben, hr = api.key("appraiser"), api.key("appraiser"), api.key("hr")
    lowered = draft(api, ann, "t-filter-1")["id"]
    decide(api, ann, lowered, {"rating": "not-met", "reason": "other", "note": "Low."})
    corrected = draft(api, ann, "t-filter-2")["id"]
    decide(api, ann, corrected, {"rating": "not-met", "reason": "other", "note": "Low."})
    decide(api, ann, corrected, {"rating": "achieved"})  # corrects it: no longer overridden
    bens = draft(api, ben, "t-filter-3")
    ben_id = bens["created_by"]

    def ids(**query: str) -> list[str]:
        params = {"cycle": cycle_date(), "stage": "mpr", "outcome": "rated", **query}
        answer = api.client.get("/recommendations", params=params, headers=hr)
        assert answer.status_code == 200, answer.text
        assert answer.headers["X-Total-Count"] == str(len(answer.json()))
        return [r["id"] for r in answer.json()]

    assert lowered in ids(overridden="true") and corrected not in ids(overridden="true")
    assert corrected in ids(overridden="false") and lowered not in ids(overridden="false")
    assert ids(appraiser=ben_id) == [bens["id"]]
    assert ids(appraiser=ben_id, overridden="true") == []
    assert ids(stage="ect1", appraiser=ben_id) == []

    first = api.client.get("/recommendations", params={"limit": 1}, headers=hr)
    second = api.client.get(first.links["next"]["url"], headers=hr)
    back = api.client.get(second.links["prev"]["url"], headers=hr)
    assert back.json() == first.json() and "prev" not in first.links
