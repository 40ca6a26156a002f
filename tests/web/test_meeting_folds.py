"""The meeting page's folds (``service.web.meeting``) without a browser: each says how many it
holds, the folds close as they open, a person's words stay text, and the causes stay open."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml
from fastapi.testclient import TestClient

from schemas.service import StoredRecord
from service.app import create_app
from service.settings import Settings
from service.web.meeting import meeting_page
from tests.web.test_sessions import new_key

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    folder = tmp_path_factory.mktemp("folds")
    settings = Settings(database_url=f"sqlite:///{folder / 'web.db'}")
    with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
        yield client


def drafted(client: TestClient, review: bytes) -> StoredRecord:
    key, _ = new_key(client, "appraiser", "Ann")
    answer = client.post(
        "/recommendations",
        content=review,
        headers={"Authorization": f"Bearer {key}", "Content-Type": "application/yaml"},
    )
    assert answer.status_code == 201, answer.text
    return StoredRecord.model_validate(answer.json())


@pytest.mark.parametrize("example", EXAMPLES, ids=[e.stem for e in EXAMPLES])
def test_each_stage_fold_counts_its_missing_statements(client: TestClient, example: Path) -> None:
    record = drafted(client, example.read_bytes())
    page = meeting_page(record)
    assert "<details" not in page.top and "<h1>" in page.top
    assert page.rest.count("<details") == page.rest.count("</details>")
    for row in record.recommendation.ledger:
        if row.missing:
            fold = f"{row.label}: {row.met} of {row.required} met {row.modality}"
            count = f"{len(row.missing)} missing statement"
            assert re.search(rf"{re.escape(fold)} <span[^>]*>\({count}s?\)", page.rest), fold


def test_the_causes_stay_open_and_the_rest_of_the_rationale_folds(client: TestClient) -> None:
    record = drafted(client, (ROOT / "examples" / "hampshire-mpr-not-met.yaml").read_bytes())
    rest = meeting_page(record).rest
    why = rest.split("<h2>Why</h2>", 1)[1].split("<h2>", 1)[0]
    before_fold, folded = why.split("<details", 1)
    for cause in (c for c in record.recommendation.causes if c.depth == 0):
        assert cause.text.split("(")[0] in before_fold
    causes = {cause.text for cause in record.recommendation.causes}
    others = sum(1 for line in record.recommendation.rationale if line.text not in causes)
    assert f'The rest of the rationale <span class="app-fold__count">({others} points)' in why
    assert folded.count("<li>") == others


def test_a_persons_words_in_a_fold_stay_text(client: TestClient) -> None:
    review = yaml.safe_load((ROOT / "examples" / "hgios4-good.yaml").read_text())
    review["evidence"][0]["note"] = "<b>bold</b> <script>alert(1)</script>"
    record = drafted(client, yaml.safe_dump(review).encode())
    rest = meeting_page(record).rest
    assert "Evidence used" in rest and "<script>" not in rest and "<b>" not in rest
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in rest
