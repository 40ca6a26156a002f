"""Inputs the benchmarks share: a Hampshire review of a given size, built deterministically."""

from __future__ import annotations

import datetime as dt

from engine.catalogue.stages import stage_requirement
from schemas.framework import Framework
from schemas.review import EvidenceItem, Objective, Review, Tag


def hampshire_review(framework: Framework, *, items: int = 60, stage: str = "mpr") -> Review:
    """A Hampshire review at ``stage`` with ``items`` evidence items spread over its requirement."""
    required = stage_requirement(framework, stage).items
    kinds = [kind.id for kind in framework.evidence_kinds]
    start = dt.date(2025, 9, 1)
    evidence = []
    for i in range(items):
        picks = [required[(i * 7 + k * 13) % len(required)] for k in range(5)]
        tags = tuple(
            Tag(
                statement=r.statement,
                modality=r.modality,
                polarity="concern" if (i + k) % 23 == 0 else "strength",
            )
            for k, r in enumerate(picks)
        )
        evidence.append(
            EvidenceItem(
                id=f"e{i:03d}",
                kind=kinds[i % len(kinds)],
                date=start + dt.timedelta(days=(i * 5) % 300),
                recorded_by="a-01",
                tags=tags,
            )
        )
    objectives = tuple(
        Objective(id=f"o{i}", text="objective", outcome=("met", "exceeded", "met")[i])
        for i in range(3)
    )
    return Review(
        framework=framework.id,
        subject="t-bench",
        appraiser="a-01",
        cycle_start=start,
        cycle_end=dt.date(2026, 7, 31),
        stage=stage,
        evidence=tuple(evidence),
        objectives=objectives,
    )
