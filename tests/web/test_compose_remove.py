"""Removing an evidence item from a review in progress asks first, naming what goes with it;
only "Yes, remove it" removes the item and the objectives' citations of it."""

from __future__ import annotations

import json
import re
from pathlib import Path

import yaml
from fastapi.testclient import TestClient

from tests.web.test_hr_pages import _bearer, client
from tests.web.test_sessions import new_key, sign_in

__all__ = ["client"]  # the fixture, imported for the test below

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hampshire-mpr-achieved.yaml"
ITEM = "obs-2024-10"  # cited by the objective obj-reading


def test_an_item_goes_only_when_the_appraiser_says_yes(client: TestClient) -> None:
    key, _ = new_key(client, "appraiser", "Ann Appraiser")
    review = json.loads(json.dumps(yaml.safe_load(EXAMPLE.read_text()), default=str))
    made = client.post("/working-copies", json={"review": review}, headers=_bearer(key))
    assert made.status_code == 201, made.text
    copy_id = made.json()["id"]
    sign_in(client, key)

    page = client.get(f"/compose/{copy_id}/evidence/{ITEM}/remove")
    assert page.status_code == 200 and "Are you sure you want to remove" in page.text
    assert "Raise the proportion of Year 5 pupils" in page.text, "the objective citing it"
    token = re.search(r'name="csrftoken" value="([^"]+)"', page.text)
    assert token
    stored = client.get(f"/working-copies/{copy_id}", headers=_bearer(key)).json()["review"]
    assert ITEM in [e["id"] for e in stored["evidence"]], "asking removes nothing"

    gone = client.post(
        f"/compose/{copy_id}/evidence/{ITEM}/remove/confirm",
        data={"csrftoken": token.group(1)},
        follow_redirects=False,
    )
    assert gone.status_code == 303 and gone.headers["location"].endswith("#evidence")
    stored = client.get(f"/working-copies/{copy_id}", headers=_bearer(key)).json()["review"]
    assert ITEM not in [e["id"] for e in stored["evidence"]]
    assert all(ITEM not in o["evidence"] for o in stored["objectives"])
