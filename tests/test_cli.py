"""The appraise command line, run as a person would run it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from schemas.framework import Framework
from schemas.recommendation import Recommendation
from service.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_frameworks_table_lists_all_four_with_counts(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "frameworks")
    assert code == 0
    rows = {line.split()[0]: line.split() for line in out.splitlines()[2:]}
    assert set(rows) == {"hampshire", "hgios4", "isp", "wales-leaders"}
    assert rows["hampshire"][-5:] == ["7", "8", "43", "524", "3"]


def test_show_stage_prints_cumulative_requirement(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "framework", "show", "hampshire", "--stage", "mpr", "--standard", "1.1"
    )
    assert code == 0
    assert "8 statements required under standard 1.1" in out
    assert "Builds on: ECT 1, ECT 2" in out
    assert "[Confidently; from ECT 1] ts.1.1.ect1.1:" in out
    assert "[Independently; from MPR] ts.1.1.mpr.3:" in out


def test_show_without_stage_prints_scale_and_tree(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "framework", "show", "hgios4")
    assert code == 0
    assert "Excellent (excellent)" in out
    assert "Children leading learning" in out and "[2 statements]" in out


def test_show_lists_the_evidence_kinds_a_review_may_record(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "framework", "show", "hampshire")
    assert code == 0
    kinds = out.split("Evidence kinds (by triangulation source):\n")[1].split("\n\n")[0]
    views = next(line for line in kinds.replace("\n    ", " ").splitlines() if "People's" in line)
    assert "CPD record (cpd-record)" in views and "Self-reflection (self-reflection)" in views
    assert "  No source: Other (other)" in kinds


def test_export_is_the_model_serialisation(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "framework", "export", "wales-leaders")
    assert code == 0
    framework = Framework.model_validate_json(out)
    assert framework.id == "wales-leaders" and len(framework.statements) == 37


def test_schema_validates_field_names(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "framework")
    schema = json.loads(out)
    assert code == 0
    assert schema["additionalProperties"] is False
    assert {"scale", "stages", "statements"} <= set(schema["properties"])


def test_schema_of_a_cohort_line_and_of_an_audit_report(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "cohort-entry")
    assert code == 0
    assert {"review", "final_rating"} <= set(json.loads(out)["properties"])
    code, out, _ = run(capsys, "schema", "audit-report")
    assert code == 0
    assert {"overrides", "appraisers", "groups"} <= set(json.loads(out)["properties"])


def test_unknown_stage_exits_2_with_suggestion(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "framework", "show", "hampshire", "--stage", "mrp")
    assert (code, out) == (2, "")
    assert "did you mean 'mpr'?" in err


def test_broken_rules_dir_exits_1_listing_every_problem(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "x").mkdir()
    (tmp_path / "x" / "framework.yaml").write_text("id: x\nid: y\ntitel: T\n")
    code, _, err = run(capsys, "--rules", str(tmp_path), "frameworks")
    assert code == 1
    assert "framework.yaml:2:1: duplicate-key: key 'id' already appears on line 1" in err
    assert (
        "framework.yaml:3:1: unknown-field: "
        "the document has no field 'titel' (did you mean 'title'?)" in err
    )


def test_entry_point_is_installed() -> None:
    exe = Path(sys.executable).with_name("appraise")
    result = subprocess.run([str(exe), "frameworks"], capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr
    assert "hampshire" in result.stdout


EXAMPLE = str(ROOT / "examples" / "hampshire-mpr-achieved.yaml")


def test_recommend_text_shows_rating_ledger_and_next_steps(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "recommend", EXAMPLE)
    assert code == 0
    assert out.startswith("Draft: Achieved expectations (draft pay recommendation)")
    assert out.splitlines()[1] == "Subject t-0142, stage MPR (Hampshire guidance)"  # not 'mpr'
    assert "Stage ledger" in out and "ECT 1" in out
    assert "Next steps towards exceptional:" in out and "Confirmed by the engine" in out


def test_recommend_json_is_the_recommendation_model(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", EXAMPLE, "--format", "json")
    rec = Recommendation.model_validate_json(out)
    assert code == 0 and rec.rating == "achieved" and rec.trace.firings


def test_recommend_markdown_is_a_printable_page(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "recommend", EXAMPLE, "--format", "markdown")
    assert code == 0
    assert out.startswith("# Draft rating: Achieved expectations")
    assert "## Stage ledger" in out and "| MPR | independently |" in out


def test_explain_prints_one_line_per_firing(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "explain", EXAMPLE)
    lines = out.strip().splitlines()
    assert code == 0 and lines[0].startswith("Trace of hampshire")
    assert any("hampshire.rating.achieved  → propose achieved" in line for line in lines)


def test_recommend_bad_review_exits_1_with_places(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = Path(EXAMPLE).read_text(encoding="utf-8").replace("ts.1.1.mpr.1", "ts.1.1.mpr.9", 1)
    path = tmp_path / "review.yaml"
    path.write_text(text, encoding="utf-8")
    code, out, err = run(capsys, "recommend", str(path))
    assert (code, out) == (1, "")
    assert "unknown-statement" in err and "review.yaml:" in err and "did you mean" in err


def test_a_review_that_cannot_be_read_is_named_not_a_traceback(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "recommend", str(tmp_path / "missing.yaml"))
    assert code == 2 and "cannot read" in err and "missing.yaml" in err

    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes("subject: Zoë\n".encode("latin-1"))
    code, _, err = run(capsys, "recommend", str(latin1))
    assert code == 1 and "latin1.yaml:1:1: yaml-syntax: the file is not UTF-8 text" in err


@pytest.mark.parametrize("argv", [["recommend", EXAMPLE], ["schema", "review"]])
def test_output_to_a_reader_that_went_away_ends_quietly_with_141(argv: list[str]) -> None:
    """``appraise recommend … | head -1``: ``head`` closes the pipe before all is written."""
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone before the first write: no race with the buffer
    try:
        result = subprocess.run(
            [sys.executable, "-m", "service.cli.main", *argv],
            stdout=write_end,
            stderr=subprocess.PIPE,
            cwd=ROOT,
            text=True,
            check=False,
        )
    finally:
        os.close(write_end)
    assert (result.returncode, result.stderr) == (141, "")
