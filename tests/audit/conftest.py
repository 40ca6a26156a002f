"""Shared audit fixtures: one planted and one clean demo cohort, drafted once per session."""

from __future__ import annotations

import pytest

from engine.audit import audit_entries
from engine.audit.demo_cohort import Planted, demo_cohort
from engine.catalogue.frameworks import Catalogue
from schemas.audit import AuditReport, AuditSettings, CohortEntry

SIZE = 250


@pytest.fixture(scope="session")
def planted_cohort() -> tuple[list[CohortEntry], Planted]:
    entries, planted = demo_cohort(Catalogue()["hampshire"], SIZE, seed=3)
    assert planted is not None
    return list(entries), planted


@pytest.fixture(scope="session")
def planted_report(planted_cohort: tuple[list[CohortEntry], Planted]) -> AuditReport:
    return audit_entries(planted_cohort[0], AuditSettings())
