"""HR audit of a cohort of decisions: overrides, appraisers, like cases, groups, absence,
rationale and what-if, each with its statement of method (``schemas.audit.AuditReport``)."""

from __future__ import annotations

from engine.audit.cohort import Source, cohort_size, cohort_sources, parse_source
from engine.audit.export import flags_csv
from engine.audit.pool import CHUNK, default_workers
from engine.audit.run import audit_cases, audit_entries, audit_path, draft_cases

__all__ = [
    "CHUNK",
    "Source",
    "audit_cases",
    "audit_entries",
    "audit_path",
    "cohort_size",
    "cohort_sources",
    "default_workers",
    "draft_cases",
    "flags_csv",
    "parse_source",
]
