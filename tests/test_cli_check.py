"""``appraise check``: verdicts, counterexamples that `appraise recommend` accepts, exit codes."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import pytest

from engine.decide.rulesets import RuleSets
from service.cli.main import main

ROOT = Path(__file__).resolve().parents[1]


def check(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Run ``appraise check``; a failed check exits 1 after printing its report."""
    try:
        code = main(["check", *argv])
    except SystemExit as exc:
        code = int(str(exc.code))
    out, err = capsys.readouterr()
    return code, out, err


def test_a_shipped_rule_set_passes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "rules/isp/ruleset.yaml", "--max-examples", "5")
    assert code == 0, out
    assert "  pass  totality" in out and "  skip  cumulative-stages" in out
    assert "rules fired" in out and "isp.exceeding.leading-practice" in out
    assert out.rstrip().endswith("ok")


def test_a_rule_set_by_id_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = check(capsys, "wales-leaders", "--max-examples", "3", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["ruleset"] == "wales-leaders"
    verdicts = {i["name"]: i["status"] for i in report["invariants"]}
    assert verdicts["monotonicity"] == "pass"
    assert verdicts["cumulative-stages"] == "not-declared"
    coverage = report["coverage"]
    assert coverage["golden_cases"] >= 6 and coverage["generated_reviews"] > 0
    fired = set(coverage["fired_by_golden"]) | set(coverage["fired_by_generated"])
    rules = {rule.id for rule in RuleSets().load("wales-leaders").rules}
    assert fired and not set(coverage["never_fired"]) & fired
    assert fired | set(coverage["never_fired"]) == rules


@pytest.mark.slow  # searches for the counterexample
def test_a_failing_check_prints_a_counterexample_recommend_accepts(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    unrenderable_achieved_reason: str,
) -> None:
    code, out, _ = check(capsys, "hampshire", "--max-examples", "20")
    assert code == 1
    assert "  FAIL  totality" in out and "ValueError" in out
    assert out.rstrip().splitlines()[-1].startswith("FAILED: ")  # what failed, counted
    monkeypatch.undo()  # the engine mended, as it is when `recommend` runs
    review = tmp_path / "counterexample.yaml"
    review.write_text(_counterexample(out, "totality"), encoding="utf-8")
    code, shown, err = check_recommend(capsys, str(review))
    assert code == 0, err
    # Mended, the engine rates the counterexample as it should: Achieved expectations, or at an
    # ECT stage (where the shrunk counterexample lands) its induction outcome.
    assert (
        "Draft rating: Achieved expectations" in shown
        or "Draft induction outcome: Satisfactory progress towards the Teachers' Standards" in shown
    )


def check_recommend(capsys: pytest.CaptureFixture[str], path: str) -> tuple[int, str, str]:
    code = main(["recommend", path])
    out, err = capsys.readouterr()
    return code, out, err


def _counterexample(report: str, invariant: str) -> str:
    """The YAML block printed under the failing invariant, dedented."""
    lines = report.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"  FAIL  {invariant}"))
    header = next(i for i in range(start, len(lines)) if "minimal counterexample" in lines[i])
    block = []
    for line in lines[header + 1 :]:
        if not line.startswith(" " * 10):
            break
        block.append(line)
    return textwrap.dedent("\n".join(block)) + "\n"


def test_compile_problems_are_diagnostics_and_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "rules" / "isp" / "ruleset.yaml").read_text(encoding="utf-8")
    path = tmp_path / "ruleset.yaml"
    path.write_text(text.replace("    - monotonicity\n", "    - monotony\n"), encoding="utf-8")
    code, out, _ = check(capsys, str(path))
    assert code == 1
    assert "unknown-invariant: unknown invariant 'monotony'" in out
    assert f"{path}:" in out or "ruleset.yaml:" in out


def test_unknown_rule_set_id_is_not_found(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, "hampshir")
    assert code == 2 and "no rule set 'hampshir'" in err


def test_missing_file_is_not_found(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, str(tmp_path / "nope.yaml"))
    assert code == 2 and "no rule-set file" in err


def test_a_rule_that_can_never_fire_fails_the_check_but_the_invariants_still_run(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = (ROOT / "rules" / "isp" / "ruleset.yaml").read_text(encoding="utf-8")
    dead = (
        "  - id: isp.dead.example\n"
        "    description: can never fire\n"
        "    source: test\n"
        "    when:\n"
        "      - fact: coverage\n"
        "        where: [ratio > 0.9, ratio < 0.5]\n"
        "    then: {propose: meeting}\n"
        "    reason: never\n"
    )
    path = tmp_path / "ruleset.yaml"
    path.write_text(text.replace("\nresolution:", "\n" + dead + "resolution:"), encoding="utf-8")
    code, out, _ = check(capsys, str(path), "--max-examples", "5")
    assert code == 1
    assert "never-fires: 'ratio < 0.5' contradicts 'ratio > 0.9'" in out
    assert "pass  totality" in out, "a static finding does not stop the invariants being checked"
    assert "isp.dead.example" in out and "NEVER FIRED" in out


# --- --mutants -------------------------------------------------------------------------------

TINY_MUTANTS = """\
id: tiny
framework: hampshire
version: "1"
title: Tiny rule set
rules:
  - id: tiny.conduct
    description: conduct goes to a person
    source: test
    when: [{fact: conduct, where: [concern == true]}]
    then: {status: needs_human_review}
    reason: conduct
  - id: tiny.ready
    description: ready
    source: test
    when: [{fact: conduct, where: [concern == false]}]
    then: {propose: achieved}
    reason: ready
resolution:
  order: [needs_human_review, insufficient_evidence, not-met, exceptional, achieved]
  expected: achieved
invariants:
  check: [totality, monotonicity]
  order: [not-met, achieved, exceptional]
  incomparable: [needs_human_review, insufficient_evidence]
"""


def tiny_ruleset(tmp_path: Path) -> str:
    path = tmp_path / "ruleset.yaml"
    path.write_text(TINY_MUTANTS, encoding="utf-8")
    return str(path)


def test_mutants_report_survivors_and_the_score_as_json(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tiny_ruleset(tmp_path)
    code, out, _ = check(capsys, path, "--mutants", "--max-examples", "5", "--format", "json")
    report = json.loads(out)
    assert code == 0 and report["ruleset"] == "tiny" and report["seed"] == 0
    by_status = {m["description"]: m["status"] for m in report["mutants"]}
    # no golden case says what a plain review gets, and not-met for everyone breaks no invariant
    assert by_status["rule `tiny.ready`: proposes not-met instead of achieved"] == "survived"
    assert by_status["resolution order: exceptional before not-met (was not-met first)"] == (
        "equivalent"
    )
    judged = report["killed"] + report["survived"]
    assert report["score"] == round(100 * report["killed"] / judged, 1)
    assert {"number", "rule", "kind", "description", "status", "by"} <= set(report["mutants"][0])


def test_mutants_below_the_minimum_score_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tiny_ruleset(tmp_path)
    code, out, _ = check(capsys, path, "--mutants", "--max-examples", "5", "--min-score", "99")
    assert code == 1
    assert "survived (nothing noticed):" in out and "rule `tiny.ready`" in out
    assert out.rstrip().splitlines()[-1].startswith("FAILED: mutation score ")
    code, out, _ = check(capsys, path, "--mutants", "--max-examples", "5", "--min-score", "0")
    assert code == 0 and "mutation score " in out.rstrip().splitlines()[-1]


def test_min_score_without_mutants_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = check(capsys, "isp", "--min-score", "90")
    assert code == 2 and "--min-score needs --mutants" in err
