"""HR's /records page over many records: the first page, a filtered page (overridden: the
subquery over final decisions), the page after a cursor deep in the list, and the JSON twin.

In process over a fresh SQLite file; records are copies of one drafted review (each of its own
teacher), every third one decided, every ninth overridden.

    python benchmarks/hr_pages.py --records 10000
"""

from __future__ import annotations

import argparse
import re
import sys
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from measure import Report, Row, machine, ms, table, timings

from schemas.service import DecisionCreate
from service import store
from service.app import create_app
from service.settings import Settings
from tests.web.test_hr_pages import draft
from tests.web.test_sessions import new_key, sign_in


def fill(client: TestClient, records: int) -> str:
    """``records`` records of one appraiser; returns HR's key."""
    key, key_id = new_key(client, "appraiser", "Ann Appraiser")
    hr, _ = new_key(client, "hr", "Hana HR")
    first = draft(client, key, "hampshire-mpr-achieved.yaml", "t-0")
    with client.app.state.sessions() as session:  # type: ignore[attr-defined]
        row = store.get_record(session, first, owner=None)
        review, recommendation = store.review_of(row), store.recommendation_of(row)
        for n in range(1, records):
            copy = review.model_copy(update={"subject": f"t-{n}"})
            new, _ = store.add_record(session, store.NewRecord(copy, recommendation, key_id))
            if n % 3 == 0:
                rating = "not-met" if n % 9 == 0 else "achieved"
                reason = "other" if rating == "not-met" else None
                decision = DecisionCreate(
                    rating=rating, reason=reason, note="n" if reason else None
                )
                store.add_decision(session, new, decision, rating_label=rating, decided_by=key_id)
    return hr


def _next(html: str) -> str:
    found: list[str] = re.findall(r'href="([^"]+)" rel="next"', html)
    return found[0].replace("&amp;", "&")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--records", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=30)
    args = parser.parse_args()
    report = Report(machine())
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{Path(tmp) / 'hr.db'}")
        with TestClient(create_app(settings), base_url="http://127.0.0.1") as client:
            start = time.perf_counter()
            hr = fill(client, args.records)
            filled = time.perf_counter() - start
            report.rows.append(Row(f"store {args.records:,} records", {"wall_s": filled}, "s"))
            sign_in(client, hr)
            html = client.get("/records").text
            for _ in range(args.records // 100):  # ~half way down: 50 a page
                html = client.get(
                    re.findall(r'href="([^"]+)" rel="next"', html)[0].replace("&amp;", "&")
                ).text
            deep = re.findall(r'href="([^"]+)" rel="next"', html)[0].replace("&amp;", "&")
            bearer = {"Authorization": f"Bearer {hr}"}
            for name, step in {
                "/records, first page": lambda: client.get("/records"),
                "/records?overridden=yes": lambda: client.get("/records?overridden=yes"),
                "/records?overridden=no&stage=mpr": lambda: client.get(
                    "/records?overridden=no&stage=mpr"
                ),
                "/records, a page half way down (cursor)": lambda: client.get(deep),
                "GET /recommendations?overridden=true (JSON twin, 100)": lambda: client.get(
                    "/recommendations?overridden=true", headers=bearer
                ),
            }.items():
                figures = ms(timings(step, args.runs, warmup=3))
                report.rows.append(Row(f"{name} over {args.records:,} records", figures, "ms"))
    print(table(report))


if __name__ == "__main__":
    main()
