"""Equality-monitoring fields read from a CSV: by subject, every problem located at once."""

from __future__ import annotations

import pytest

from engine.audit.monitoring_csv import read_monitoring_csv
from engine.errors import InputError
from schemas.audit import Monitoring


def test_rows_become_monitoring_by_subject_and_blank_cells_are_not_recorded() -> None:
    text = "\ufeffSubject, Sex ,age_band\nt-1,female,30-39\nt-2,,\n\n"
    assert read_monitoring_csv(text) == {
        "t-1": Monitoring(sex="female", age_band="30-39"),
        "t-2": Monitoring(),
    }


def problems(text: str) -> list[tuple[int, int, str]]:
    with pytest.raises(InputError) as raised:
        read_monitoring_csv(text, file="staff.csv")
    assert all(d.file == "staff.csv" for d in raised.value.diagnostics)
    return [(d.line, d.column, d.code) for d in raised.value.diagnostics]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", [(1, 1, "empty-file")]),
        ("sex,colour\nfemale,red\n", [(1, 1, "missing-subject-column"), (1, 2, "unknown-column")]),
        ("subject,sex,sex\n", [(1, 3, "repeated-column")]),
        (
            "subject,sex\nt-1,female\n,male\nt-1,male\nt-3\n",
            [(3, 1, "missing-subject"), (4, 1, "repeated-subject"), (5, 2, "cells")],
        ),
    ],
)
def test_every_problem_is_reported_at_its_row_and_column(
    text: str, expected: list[tuple[int, int, str]]
) -> None:
    assert problems(text) == expected
