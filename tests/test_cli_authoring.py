"""``appraise new review`` and ``appraise schema … --framework/--ruleset``, as a new rule-set
author runs them from the README."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from jsonschema import Draft202012Validator

from service.cli.main import main
from tests.authoring.conftest import editor_yaml


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    try:
        code = main(list(argv))
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_new_review_prints_a_review_recommend_accepts(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, out, _ = run(capsys, "new", "review", "--framework", "hampshire", "--stage", "mpr")
    assert code == 0
    assert yaml.safe_load(out)["stage"] == "mpr"
    path = tmp_path / "review.yaml"
    path.write_text(out, encoding="utf-8")
    code, out, _ = run(capsys, "validate", str(path))
    assert (code, out) == (0, "ok: 1 review(s)\n")
    code, out, _ = run(capsys, "recommend", str(path))
    assert code == 0 and out.startswith("Draft: ")


def test_out_writes_the_file_and_will_not_overwrite_without_force(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    path = tmp_path / "reviews" / "t-0880.yaml"
    argv = ["new", "review", "--framework", "isp", "--subject", "t-0880", "--out", str(path)]
    code, out, _ = run(capsys, *argv)
    assert code == 0 and f"Wrote {path}." in out
    assert yaml.safe_load(path.read_text(encoding="utf-8"))["subject"] == "t-0880"
    path.write_text("mine\n", encoding="utf-8")
    code, _, err = run(capsys, *argv)
    assert code == 2 and f"{path} exists; give --force to overwrite it" in err
    assert path.read_text(encoding="utf-8") == "mine\n"
    code, _, _ = run(capsys, *argv, "--force")
    assert code == 0 and path.read_text(encoding="utf-8").startswith("# A review against")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--framework", "hampshire"], "has career stages: give one of ect1"),
        (["--framework", "hampshire", "--stage", "MPR"], "did you mean 'mpr'?"),
        (["--framework", "hgios4", "--stage", "mpr"], "has no career stages"),
        (["--framework", "hampshir"], "did you mean 'hampshire'?"),
        (["--framework", "isp", "--ruleset", "hampshire"], "is for framework 'hampshire'"),
    ],
)
def test_new_review_says_what_is_wrong(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "new", "review", *argv)
    assert (code, out) == (2, "") and message in err


def test_the_skeleton_and_its_schema_work_together(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The README's recipe: a schema file, a skeleton whose modeline names it, both valid."""
    code, out, _ = run(capsys, "schema", "review", "--framework", "hampshire")
    assert code == 0
    schema = json.loads(out)
    argv = ["new", "review", "--framework", "hampshire", "--stage", "ect2"]
    code, out, _ = run(capsys, *argv, "--schema", "hampshire.schema.json")
    assert out.startswith("# yaml-language-server: $schema=hampshire.schema.json\n")
    assert list(Draft202012Validator(schema).iter_errors(editor_yaml(out))) == []


def test_schema_ruleset_knows_the_fact_contract(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "schema", "ruleset")
    assert code == 0
    pattern = json.loads(out)["$defs"]["Pattern"]
    assert "ledger" in pattern["properties"]["fact"]["enum"]
    code, out, _ = run(capsys, "schema", "ruleset", "--ruleset", "hampshire")
    assert code == 0 and "min_evidence_items" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["framework", "--framework", "hampshire"], "--framework applies to"),
        (["review", "--ruleset", "hampshire"], "--ruleset applies to"),
        (["review", "--framework", "nope"], "no framework 'nope'"),
        (["ruleset", "--ruleset", "nope"], "no rule set 'nope'"),
    ],
)
def test_schema_options_are_checked(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, "schema", *argv)
    assert (code, out) == (2, "") and message in err


def test_schema_review_without_a_framework_is_the_models(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, _ = run(capsys, "schema", "review")
    assert code == 0 and "enum" not in json.loads(out)["$defs"]["Tag"]["properties"]["statement"]
