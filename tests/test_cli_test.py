"""``appraise test`` and golden cases as a rule-set author meets them: one line per case, what
broke beside what was expected, a copied rule set held to its cases, ``check`` failing with
them, and diagnostics as text with a caret, JSON and SARIF."""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from service.cli.main import main

ROOT = Path(__file__).resolve().parents[1]
HAMPSHIRE_CASES = 34


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``appraise``; a failing test or check exits 1 after printing its report."""
    try:
        code = main(list(argv))
    except SystemExit as exc:
        code = int(str(exc.code))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture(autouse=True)
def _at_the_root(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def copy_hampshire(rules: Path, *, id: str, ratio: str, beside: bool = True) -> Path:
    """The README's what-if recipe: Hampshire copied, a changed rule set under a new id, beside
    the original (``ruleset-<id>.yaml``) or alone in a folder of its own."""
    folder = rules / ("hampshire" if beside else id)
    shutil.copytree(ROOT / "rules" / "hampshire", folder)
    text = (ROOT / "rules" / "hampshire" / "ruleset.yaml").read_text(encoding="utf-8")
    assert text.count("default: 0.75") == 1  # achieved_min_unit_ratio's
    text = text.replace("id: hampshire\n", f"id: {id}\n", 1).replace("default: 0.75", ratio)
    target = folder / ("ruleset-strict.yaml" if beside else "ruleset.yaml")
    target.write_text(text, encoding="utf-8")
    return target


def test_a_shipped_rule_set_passes_one_line_per_case(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "test", "rules/isp/ruleset.yaml")
    assert code == 0, out
    lines = out.splitlines()
    assert lines[0] == "rules/isp/ruleset.yaml (rule set isp, 14 cases)"
    assert "PASS  rules/isp/cases/01-exceeding-leading-practice.yaml" in lines
    assert sum(line.startswith("PASS  ") for line in lines) == 14
    assert lines[-1] == "14 passed, 0 failed"


def test_with_no_argument_every_shipped_rule_set(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "test")
    assert code == 0, out
    for framework in ("hampshire", "hgios4", "isp", "wales-leaders"):
        assert f"rules/{framework}/ruleset.yaml (rule set {framework}," in out
    assert out.splitlines()[-1].endswith(" passed, 0 failed")


def test_the_strict_copy_fails_case_03_and_shows_expected_beside_actual(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strict = copy_hampshire(tmp_path, id="hampshire-strict", ratio="default: 0.99")
    code, out, _ = run(capsys, "test", str(strict), "-k", "mpr-achieved")
    assert code == 1
    case = tmp_path / "hampshire" / "cases" / "03-mpr-achieved.yaml"
    assert f"FAIL  {case}  MPR teacher meeting the cumulative requirement" in out
    row = next(line for line in out.splitlines() if line.lstrip().startswith("outcome"))
    assert [cell.strip() for cell in row.split("|")[1:]] == ["rated: achieved", "rated: not-met"]
    assert "✗ hampshire.rating.achieved" in out and "| hampshire.rating.not-met" in out
    assert "99% needed" in out  # the draft's own cause line, beside the one expected
    assert out.splitlines()[-1] == f"0 passed, 1 failed, {HAMPSHIRE_CASES - 1} deselected"


def test_a_copy_beside_the_original_finds_the_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copy_hampshire(tmp_path, id="hampshire-copy", ratio="default: 0.75")
    code, out, _ = run(capsys, "test", str(copy))
    assert code == 0, out
    assert f"(rule set hampshire-copy, {HAMPSHIRE_CASES} cases)" in out
    assert out.splitlines()[-1] == f"{HAMPSHIRE_CASES} passed, 0 failed"


def test_a_renamed_copy_in_its_own_folder_finds_the_cases_naming_the_old_id(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copy_hampshire(tmp_path, id="hampshire-2027", ratio="default: 0.75", beside=False)
    case = copy.parent / "cases" / "01-ect1-achieved.yaml"
    case.write_text("ruleset: hampshire\n" + case.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run(capsys, "test", str(copy.parent))  # a folder: its rule sets
    assert code == 0, out
    assert f"(rule set hampshire-2027, {HAMPSHIRE_CASES} cases)" in out


def test_a_case_naming_another_rule_set_of_its_folder_is_left_to_that_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strict = copy_hampshire(tmp_path, id="hampshire-strict", ratio="default: 0.99")
    case = strict.parent / "cases" / "03-mpr-achieved.yaml"
    case.write_text("ruleset: hampshire\n" + case.read_text(encoding="utf-8"), encoding="utf-8")
    code, out, _ = run(capsys, "test", str(strict), "-k", "03")
    assert (
        code == 0
        and out.splitlines()[-1] == f"0 passed, 0 failed, {HAMPSHIRE_CASES - 1} deselected"
    )
    code, out, _ = run(capsys, "test", str(strict.parent / "ruleset.yaml"), "-k", "03")
    assert code == 0 and "PASS  " in out


def test_check_fails_when_the_rule_set_breaks_its_own_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strict = copy_hampshire(tmp_path, id="hampshire-strict", ratio="default: 0.99")
    code, out, _ = run(capsys, "check", str(strict), "--max-examples", "2")
    assert code == 1
    case = tmp_path / "hampshire" / "cases" / "03-mpr-achieved.yaml"
    lines = out.splitlines()
    at = lines.index(f"  FAIL  {case}")
    assert lines[at + 1].strip() == "rating expected achieved, got not-met"
    assert f"coverage ({HAMPSHIRE_CASES} golden cases" in out
    assert lines[-1].startswith("FAILED: ") and lines[-1].endswith(" golden cases")


def test_k_takes_an_expression_and_a_bad_one_is_a_usage_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "test", "hampshire", "-k", "mpr and not (concern or capability)")
    assert code == 0
    ran = [line for line in out.splitlines() if line.startswith("PASS  ")]
    assert ran and all("mpr" in line and "concern" not in line for line in ran)
    assert not any("capability" in line for line in ran)
    code, _, err = run(capsys, "test", "hampshire", "-k", "mpr and")
    assert code == 2 and "the expression ends too soon" in err


def test_an_unknown_rule_set_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "test", "hampshir")
    assert code == 2 and "no rule set 'hampshir'" in err


def test_a_malformed_case_is_an_error_located_with_a_caret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    copy = copy_hampshire(tmp_path, id="hampshire-copy", ratio="default: 0.75", beside=False)
    case = copy.parent / "cases" / "03-mpr-achieved.yaml"
    text = case.read_text(encoding="utf-8").replace("  rating: achieved", "  ratting: achieved")
    case.write_text(text, encoding="utf-8")
    code, out, _ = run(capsys, "test", str(copy))
    assert code == 1
    line = text.splitlines().index("  ratting: achieved") + 1
    assert f"ERROR {case}" in out
    assert f"{case}:{line}:3: unknown-field: " in out
    assert f"{line} |   ratting: achieved" in out
    caret = out.splitlines()[out.splitlines().index(f"      {line} |   ratting: achieved") + 1]
    assert caret.endswith("|   ^")
    assert out.splitlines()[-1] == f"{HAMPSHIRE_CASES - 1} passed, 0 failed, 1 error"


def test_a_review_diagnostic_shows_its_line_and_a_caret(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    review = tmp_path / "review.yaml"
    text = (ROOT / "examples" / "hampshire-mpr-achieved.yaml").read_text(encoding="utf-8")
    review.write_text(text.replace("stage: mpr", "stage: MPR"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(review))
    assert code == 1
    lines = out.splitlines()
    first = lines.index(next(line for line in lines if "unknown-stage" in line))
    number = lines[first].split(":")[1]
    assert lines[first + 2] == f"{number} | stage: MPR"
    assert lines[first + 3] == " " * len(number) + " |        ^"  # under the M
    assert lines[-1] == "1 problem(s) in 1 of 1 review(s)"
    code, _, err = run(capsys, "recommend", str(review))  # the same, on stderr
    assert code == 1 and f"{number} | stage: MPR" in err


def test_valid_reviews_validate(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate", "examples/hampshire-mpr-achieved.yaml")
    assert code == 0 and out.strip() == "ok: 1 review(s)"


def test_test_as_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    strict = copy_hampshire(tmp_path, id="hampshire-strict", ratio="default: 0.99")
    code, out, _ = run(capsys, "test", str(strict), "-k", "03 or 04", "--format", "json")
    report = json.loads(out)
    assert code == 1 and not report["ok"]
    assert (report["passed"], report["failed"], report["errors"]) == (1, 1, 0)
    [suite] = report["rulesets"]
    failed = next(case for case in suite["cases"] if case["status"] == "fail")
    assert failed["file"].endswith("03-mpr-achieved.yaml") and failed["line"] > 1
    rating = next(m for m in failed["mismatches"] if m["what"] == "rating")
    assert rating == {"what": "rating", "expected": ["achieved"], "actual": ["not-met"]}
    assert failed["actual"]["rating"] == "not-met"


# --- SARIF ------------------------------------------------------------------------------------

SARIF_SUBSET: dict[str, Any] = {
    "$comment": "The parts of the SARIF 2.1.0 schema (sarif-schema-2.1.0.json) a reader needs "
    "to annotate a file: required properties, their types and enumerations.",
    "type": "object",
    "required": ["version", "runs"],
    "properties": {
        "version": {"enum": ["2.1.0"]},
        "$schema": {"type": "string", "format": "uri"},
        "runs": {"type": "array", "items": {"$ref": "#/$defs/run"}},
    },
    "$defs": {
        "run": {
            "type": "object",
            "required": ["tool"],
            "properties": {
                "tool": {
                    "type": "object",
                    "required": ["driver"],
                    "properties": {"driver": {"$ref": "#/$defs/driver"}},
                },
                "results": {"type": "array", "items": {"$ref": "#/$defs/result"}},
            },
        },
        "driver": {
            "type": "object",
            "required": ["name"],
            "properties": {
                "name": {"type": "string"},
                "version": {"type": "string"},
                "rules": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["id"],
                        "properties": {
                            "id": {"type": "string"},
                            "shortDescription": {"$ref": "#/$defs/message"},
                        },
                    },
                },
            },
        },
        "message": {
            "type": "object",
            "required": ["text"],
            "properties": {"text": {"type": "string"}},
        },
        "result": {
            "type": "object",
            "required": ["message"],
            "properties": {
                "ruleId": {"type": "string"},
                "ruleIndex": {"type": "integer", "minimum": -1},
                "level": {"enum": ["none", "note", "warning", "error"]},
                "message": {"$ref": "#/$defs/message"},
                "locations": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {
                            "physicalLocation": {
                                "type": "object",
                                "properties": {
                                    "artifactLocation": {
                                        "type": "object",
                                        "properties": {"uri": {"type": "string"}},
                                    },
                                    "region": {
                                        "type": "object",
                                        "properties": {
                                            "startLine": {"type": "integer", "minimum": 1},
                                            "startColumn": {"type": "integer", "minimum": 1},
                                        },
                                    },
                                },
                            }
                        },
                    },
                },
            },
        },
    },
}


def sarif_results(text: str) -> list[dict[str, Any]]:
    """The results of a SARIF log, after checking its shape and its rule references."""
    log = json.loads(text)
    jsonschema.validate(log, SARIF_SUBSET)
    [sarif_run] = log["runs"]
    driver = sarif_run["tool"]["driver"]
    assert driver["name"] == "appraise"
    rules = [rule["id"] for rule in driver["rules"]]
    results: list[dict[str, Any]] = sarif_run["results"]
    for result in results:
        assert rules[result["ruleIndex"]] == result["ruleId"]
    return results


def test_test_as_sarif(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    strict = copy_hampshire(tmp_path, id="hampshire-strict", ratio="default: 0.99")
    code, out, _ = run(capsys, "test", str(strict), "-k", "03", "--format", "sarif")
    assert code == 1
    [result] = sarif_results(out)
    assert result["ruleId"] == "case-failed" and result["level"] == "error"
    assert "rating expected achieved, got not-met" in result["message"]["text"]
    where = result["locations"][0]["physicalLocation"]
    assert where["artifactLocation"]["uri"].endswith("/hampshire/cases/03-mpr-achieved.yaml")
    assert where["region"]["startLine"] > 1


def test_validate_as_sarif_and_json(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    review = tmp_path / "review.yaml"
    text = (ROOT / "examples" / "hampshire-mpr-achieved.yaml").read_text(encoding="utf-8")
    review.write_text(text.replace("stage: mpr", "stage: MPR"), encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(review), "--format", "sarif")
    [result] = sarif_results(out)
    assert code == 1 and result["ruleId"] == "unknown-stage"
    line = text.splitlines().index("stage: mpr") + 1
    assert result["locations"][0]["physicalLocation"]["region"] == {
        "startLine": line,
        "startColumn": 8,
    }
    code, out, _ = run(capsys, "validate", str(review), "--format", "json")
    report = json.loads(out)
    assert code == 1 and not report["ok"] and report["diagnostics"][0]["code"] == "unknown-stage"


def test_check_as_sarif_reports_the_broken_cases(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    strict = copy_hampshire(tmp_path, id="hampshire-strict", ratio="default: 0.99")
    code, out, _ = run(capsys, "check", str(strict), "--max-examples", "2", "--format", "sarif")
    results = sarif_results(out)
    assert code == 1
    failed = {
        Path(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]).name for r in results
    }
    assert "03-mpr-achieved.yaml" in failed
    assert {r["ruleId"] for r in results} == {"case-failed"}


def test_a_long_source_line_is_shown_around_the_caret(tmp_path: Path) -> None:
    from schemas.diagnostics import Diagnostic
    from service.cli.diagnostics import render_text

    cohort = tmp_path / "cohort.jsonl"  # one review a line: a line can be thousands of characters
    line = '{"review": {' + '"x": 1, ' * 500 + '"stage": "MPR"}}'
    cohort.write_text(line + "\n", encoding="utf-8")
    column = line.index('"MPR"') + 2
    text = render_text([Diagnostic(file=str(cohort), line=1, column=column, code="c", message="m")])
    _, _, source, caret = text.splitlines()
    assert len(source) < 120 and source.startswith("1 | …")
    assert source[caret.index("^")] == "M"
