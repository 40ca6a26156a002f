"""Write an audit's flagged cases as CSV (one row per flag), for a spreadsheet."""

from __future__ import annotations

import csv
import io

from schemas.audit import AuditReport, Flag

__all__ = ["CSV_COLUMNS", "flags_csv"]

CSV_COLUMNS = tuple(Flag.model_fields)


def flags_csv(report: AuditReport) -> str:
    """Every flag of the report, one row each, with a header row."""
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=CSV_COLUMNS, lineterminator="\n")
    writer.writeheader()
    for flag in report.flags:
        writer.writerow({k: "" if v is None else v for k, v in flag.model_dump().items()})
    return out.getvalue()
