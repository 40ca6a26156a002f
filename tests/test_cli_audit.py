"""``appraise demo-cohort`` and ``appraise audit`` on the command line, as a new user runs them."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from schemas.audit import AuditReport
from service.cli.audit import ProgressBar
from service.cli.main import main


@pytest.fixture(scope="module")
def cohort(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("cohort") / "cohort.jsonl"
    assert main(["demo-cohort", "--size", "250", "--seed", "5", "--out", str(path)]) == 0
    return path


def test_demo_cohort_writes_jsonl_and_says_what_it_planted(
    cohort: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    lines = cohort.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 250
    assert {"review", "final_rating", "monitoring"} <= set(json.loads(lines[0]))
    assert main(["demo-cohort", "--size", "250", "--seed", "5", "--out", str(cohort)]) == 0
    out = capsys.readouterr().out
    assert "Wrote 250 cohort entries" in out and "lenient appraiser a0000-1" in out
    assert cohort.read_text(encoding="utf-8").splitlines() == lines  # same seed, same cohort


def test_audit_writes_json_csv_and_html(
    cohort: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = {k: tmp_path / f"audit.{k}" for k in ("json", "csv", "html")}
    args = ["audit", str(cohort), "--workers", "1"]
    args += [f"--{k}={v}" for k, v in out.items()]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert "Audited 250 decisions" in captured.out and "on 1 worker process" in captured.out
    assert captured.err.startswith("drafted 250 reviews in ") and "\r" not in captured.err
    report = AuditReport.model_validate_json(out["json"].read_text(encoding="utf-8"))
    with out["csv"].open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == len(report.flags) > 0
    assert {r["code"] for r in rows} >= {"lenient-appraiser", "protected-absence"}
    assert out["html"].read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_outputs_go_into_folders_that_do_not_exist_yet(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cohort = tmp_path / "var" / "cohort.jsonl"
    assert main(["demo-cohort", "--size", "250", "--seed", "5", "--out", str(cohort)]) == 0
    report = tmp_path / "reports" / "audit.json"
    assert main(["audit", str(cohort), "--json", str(report)]) == 0
    assert json.loads(report.read_text(encoding="utf-8"))["cohort"]["cases"] == 250
    capsys.readouterr()


def test_a_missing_cohort_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["audit", str(tmp_path / "none.jsonl")]) == 2
    assert "no cohort file or folder" in capsys.readouterr().err


def test_a_broken_line_exits_1_saying_where(
    cohort: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.jsonl"
    first = cohort.read_text(encoding="utf-8").splitlines()[0]
    bad.write_text(first + "\n" + first.replace('"final_rating":"', '"final_rating":"x'), "utf-8")
    assert main(["audit", str(bad), "--quiet"]) == 1
    err = capsys.readouterr().err
    assert f"{bad}:2:" in err and "unknown-rating" in err and "1 problem(s) found" in err


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["demo-cohort", "--size", "10"], "--size must be at least"),
        (["audit", "x.jsonl", "--alpha", "2"], "--alpha"),
        (["audit", "x.jsonl", "--suppress-below", "0"], "--suppress-below"),
    ],
)
def test_bad_options_exit_1(
    args: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(args) == 1
    assert message in capsys.readouterr().err


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_progress_bar_redraws_on_a_terminal_and_writes_one_line_elsewhere() -> None:
    terminal, log = Terminal(), io.StringIO()
    for stream in (terminal, log):
        bar = ProgressBar(200, stream)
        for _ in range(200):
            bar(1)
    frames = terminal.getvalue().split("\r")[1:]
    assert len(frames) == 100 and frames[-1].startswith("drafting [" + "#" * 30 + "] 200/200")
    assert log.getvalue().startswith("drafted 200 reviews in ") and "\r" not in log.getvalue()
    assert log.getvalue().count("\n") == 1
