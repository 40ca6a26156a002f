"""Equality-monitoring fields from a CSV file: one row per teacher, a ``subject`` column and
any of the monitored characteristics; the audit takes them by subject id.

Every problem is reported at once, located by row (the header is row 1) and column."""

from __future__ import annotations

import csv
import io

from engine.errors import InputError
from schemas.audit import MONITORED, Monitoring
from schemas.diagnostics import Diagnostic

__all__ = ["SUBJECT_COLUMN", "read_monitoring_csv"]

SUBJECT_COLUMN = "subject"


def read_monitoring_csv(text: str, *, file: str = "monitoring.csv") -> dict[str, Monitoring]:
    """Subject id → its monitoring fields; ``InputError`` listing every located problem."""
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise InputError([_problem(file, 1, 1, "empty-file", "The file has no header row.")])
    header = [cell.strip().lower() for cell in rows[0]]
    problems = _header_problems(file, header)
    if problems:
        raise InputError(problems)
    found: dict[str, Monitoring] = {}
    subject_at = header.index(SUBJECT_COLUMN) + 1
    for line, row in enumerate(rows[1:], start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            message = f"The row has {len(row)} cells; the header has {len(header)}."
            problems.append(_problem(file, line, min(len(row), len(header)) + 1, "cells", message))
            continue
        values = {name: cell.strip() or None for name, cell in zip(header, row, strict=True)}
        subject = values.pop(SUBJECT_COLUMN)
        if subject is None:
            problems.append(_problem(file, line, subject_at, "missing-subject", "Enter a subject."))
        elif subject in found:
            message = f"Subject {subject!r} is on an earlier row too."
            problems.append(_problem(file, line, subject_at, "repeated-subject", message))
        else:
            found[subject] = Monitoring(**values)
    if problems:
        raise InputError(problems)
    return found


def _header_problems(file: str, header: list[str]) -> list[Diagnostic]:
    known = (SUBJECT_COLUMN, *MONITORED)
    problems = [
        _problem(
            file,
            1,
            column,
            "unknown-column",
            f"Column {name!r} is not one of: {', '.join(known)}.",
        )
        for column, name in enumerate(header, start=1)
        if name not in known
    ]
    problems += [
        _problem(file, 1, column, "repeated-column", f"Column {name!r} is there twice.")
        for column, name in enumerate(header, start=1)
        if name in header[: column - 1]
    ]
    if SUBJECT_COLUMN not in header:
        message = f"There is no {SUBJECT_COLUMN!r} column (the teacher's pseudonymous id)."
        problems.append(_problem(file, 1, 1, "missing-subject-column", message))
    return problems


def _problem(file: str, line: int, column: int, code: str, message: str) -> Diagnostic:
    return Diagnostic(file=file, line=line, column=column, code=code, message=message)
