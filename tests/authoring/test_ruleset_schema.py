"""The rule set schema knows the fact contract: every shipped rule set passes a real validator,
a misspelt fact type or field fails at the pattern or condition, and, given a rule set's
parameters, so does a misspelt ``param.NAME``."""

from __future__ import annotations

import copy
import json
import re
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from engine.authoring import condition_pattern, parameter_names, review_schema, ruleset_schema
from engine.catalogue.frameworks import Catalogue
from engine.errors import NotFoundError
from engine.facts.contract import FACT_TYPES
from tests.authoring.conftest import editor_yaml

ROOT = Path(__file__).resolve().parents[2]
RULESETS = sorted((ROOT / "rules").glob("*/ruleset*.yaml"))
HAMPSHIRE = ROOT / "rules" / "hampshire" / "ruleset.yaml"


def problems(document: dict[str, Any], parameters: list[str] | None = None) -> list[list[Any]]:
    schema = ruleset_schema(parameters)
    Draft202012Validator.check_schema(schema)
    return [list(e.absolute_path) for e in Draft202012Validator(schema).iter_errors(document)]


def loaded(path: Path) -> dict[str, Any]:
    document: dict[str, Any] = editor_yaml(path.read_text(encoding="utf-8"))
    return document


@pytest.mark.parametrize("path", RULESETS, ids=lambda p: str(p.relative_to(ROOT)))
def test_every_shipped_rule_set_is_valid(catalogue: Catalogue, path: Path) -> None:
    assert problems(loaded(path)) == []
    assert problems(loaded(path), parameter_names(catalogue, str(path))) == []


def hampshire_with(where: str, fact: str = "conduct") -> dict[str, Any]:
    """Hampshire's rule set, its first rule (on conduct) matching ``fact`` where ``where``."""
    document = copy.deepcopy(loaded(HAMPSHIRE))
    assert document["rules"][0]["when"][0] == {"fact": "conduct", "where": ["concern == true"]}
    document["rules"][0]["when"][0] = {"fact": fact, "where": [where]}
    return document


FIRST = ["rules", 0, "when", 0]


@pytest.mark.parametrize(
    ("fact", "where", "path"),
    [
        ("conduct", "concrn == true", [*FIRST, "where", 0]),
        ("objectives", "exceded >= 1", [*FIRST, "where", 0]),
        ("coverage", "concern == true", [*FIRST, "where", 0]),  # conduct's field, not coverage's
        ("coverage", "ratio => 0.5", [*FIRST, "where", 0]),
        ("conducts", "concern == true", [*FIRST, "fact"]),
    ],
)
def test_a_misspelt_fact_or_field_fails_where_it_stands(
    fact: str, where: str, path: list[Any]
) -> None:
    assert problems(hampshire_with(where, fact)) == [path]


def test_a_misspelt_parameter_fails_given_the_rule_sets_parameters(catalogue: Catalogue) -> None:
    names = parameter_names(catalogue, "hampshire")
    assert "min_evidence_items" in names
    document = hampshire_with("items < param.min_evidnce_items", "sufficiency")
    assert problems(document) == []  # without the rule set's names, any name will do
    assert problems(document, names) == [[*FIRST, "where", 0]]
    assert problems(hampshire_with("items < param.min_evidence_items", "sufficiency"), names) == []


def test_parameter_names_of_a_file_being_written(tmp_path: Path, catalogue: Catalogue) -> None:
    draft = tmp_path / "mine.yaml"
    draft.write_text("parameters:\n  floor: {type: int}\nrules: []\n", encoding="utf-8")
    assert parameter_names(catalogue, str(draft)) == ["floor"]
    with pytest.raises(NotFoundError, match="did you mean 'hampshire'"):
        parameter_names(catalogue, "hampshir")


def test_every_fact_type_and_field_is_known() -> None:
    schema = ruleset_schema()
    fact = schema["$defs"]["Pattern"]["properties"]["fact"]
    assert fact["enum"] == list(FACT_TYPES)
    assert fact["enumDescriptions"][fact["enum"].index("objectives")].startswith(
        "objectives (one per case): count, assessed, exceeded"
    )
    for name, fields in FACT_TYPES.items():
        for field in fields:
            assert re.match(condition_pattern(name), f"{field} >= 1")


def test_patterns_are_valid_ecmascript_unicode_regular_expressions() -> None:
    """Editors compile patterns with the 'u' flag, where only syntax characters may be escaped."""
    patterns = list(_patterns(ruleset_schema(parameter_names(Catalogue(), "hampshire"))))
    assert len(patterns) > len(FACT_TYPES)
    escaped = {char for pattern in patterns for char in re.findall(r"\\(.)", pattern)}
    assert escaped <= {"s", "S", "."}


def _patterns(schema: Any) -> Iterator[str]:
    if isinstance(schema, dict):
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                yield value
            else:
                yield from _patterns(value)
    elif isinstance(schema, list):
        for value in schema:
            yield from _patterns(value)


@pytest.mark.skipif(shutil.which("node") is None, reason="no node to compile ECMAScript with")
def test_node_compiles_every_pattern_in_unicode_mode(catalogue: Catalogue) -> None:
    """As the VS Code JSON and YAML language services do (``new RegExp(pattern, 'u')``)."""
    schemas = [ruleset_schema(parameter_names(catalogue, "hampshire"))]
    schemas += [review_schema(framework) for framework in catalogue.values()]
    patterns = sorted({p for schema in schemas for p in _patterns(schema)})
    script = "for (const p of JSON.parse(require('fs').readFileSync(0))) new RegExp(p, 'u')"
    result = subprocess.run(
        ["node", "-e", script], input=json.dumps(patterns), capture_output=True, text=True
    )
    assert (result.returncode, result.stderr) == (0, "")
