"""An audit keeps the cases it has drafted out of the collector's full passes, and hands them
back at the end, without touching what a long-running process (the service) froze itself."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

import engine.audit.run
from engine.audit import audit_entries
from engine.audit.demo_cohort import Planted
from schemas.audit import AuditSettings, CohortEntry


@pytest.fixture
def nothing_frozen(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Nothing frozen before or after, and a freeze every 50 cases (so a small cohort freezes)."""
    monkeypatch.setattr(engine.audit.run, "FREEZE_EVERY", 50)
    gc.unfreeze()  # whatever an earlier test froze
    yield
    gc.unfreeze()


def audit_counting_frozen(entries: list[CohortEntry]) -> list[int]:
    """Audit ``entries``; the collector's freeze count each time more cases were drafted."""
    seen: list[int] = []
    report = audit_entries(
        entries, AuditSettings(), progress=lambda _: seen.append(gc.get_freeze_count())
    )
    assert report.cohort.cases == len(entries)
    return seen


def test_drafted_cases_are_frozen_while_drafting_and_handed_back(
    planted_cohort: tuple[list[CohortEntry], Planted],
    nothing_frozen: None,
) -> None:
    seen = audit_counting_frozen(planted_cohort[0][:200])
    assert seen[-1] > 0  # frozen while drafting (progress is told after the cases are kept)
    assert gc.get_freeze_count() == 0  # and handed back to the collector at the end


def test_what_a_process_froze_itself_stays_frozen(
    planted_cohort: tuple[list[CohortEntry], Planted],
    nothing_frozen: None,
) -> None:
    gc.freeze()  # as the service does at start
    before = gc.get_freeze_count()
    seen = audit_counting_frozen(planted_cohort[0][:200])
    assert set(seen) == {before} and gc.get_freeze_count() == before
