"""One test per framework diagnostic code, on a small broken file, asserting the exact place."""

from __future__ import annotations

from pathlib import Path

import pytest

from engine.catalogue.frameworks import Catalogue, load_framework
from engine.errors import CatalogueError, NotFoundError

# Line numbers matter below (lines 26, 27, 31-33, 36, 41-44 are asserted on).
VALID = """\
id: tiny
title: Tiny framework
source:
  document: tiny.txt
  description: a test framework
scale:
  from_source: true
  levels:
    - {id: low, label: Low, description: below}
    - {id: high, label: High, description: above}
modalities:
  levels:
    - {id: weak, label: Weak}
    - {id: strong, label: Strong}
stages:
  - id: first
    label: First
    clause:
      text: "With support:"
      own_modality: weak
      citation: tiny.txt
  - id: second
    label: Second
    clause:
      text: "Fulfil the first. Additionally:"
      builds_on:
        - {stage: first, modality: strong}
      own_modality: weak
      citation: tiny.txt
standards:
  - id: s.1
    kind: standard
    title: Standard one
    citation: tiny.txt
statements:
  - id: s.1.first.1
    text: Do the first thing.
    under: s.1
    stage: first
    citation: tiny.txt
  - id: s.1.second.1
    text: Do the second thing.
    under: s.1
    stage: second
    citation: tiny.txt
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "framework.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def problems(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    with pytest.raises(CatalogueError) as caught:
        load_framework(write(tmp_path, text))
    return [(d.line, d.column, d.code, d.message) for d in caught.value.diagnostics]


def edit(old: str, new: str, text: str = VALID) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def test_valid_file_loads(tmp_path: Path) -> None:
    framework = load_framework(write(tmp_path, VALID))
    assert framework.id == "tiny" and len(framework.statements) == 2


def test_yaml_syntax(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("title: Tiny framework", "title: [Tiny"))
    assert len(found) == 1 and found[0][2] == "yaml-syntax"
    assert found[0][:2] == (3, 7)


def test_duplicate_key(tmp_path: Path) -> None:
    found = problems(
        tmp_path, edit("  description: a test framework", "  description: a\n  document: again")
    )
    assert found == [(6, 3, "duplicate-key", "key 'document' already appears on line 4")]


def test_unknown_field_with_did_you_mean(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("      builds_on:", "      bulds_on:"))
    assert found == [
        (
            26,
            7,
            "unknown-field",
            "stages[1].clause has no field 'bulds_on' (did you mean 'builds_on'?)",
        )
    ]


def test_missing_field(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("    title: Standard one\n", ""))
    assert found == [(31, 5, "missing-field", "standards[0] needs field 'title'")]


def test_wrong_type(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("  from_source: true", "  from_source: [yes]"))
    assert [f[:3] for f in found] == [(7, 16, "wrong-type")]
    assert "scale.from_source" in found[0][3]


def test_invalid_value(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("    kind: standard", "    kind: chapter"))
    assert [f[:3] for f in found] == [(32, 11, "invalid-value")]
    assert "'chapter'" in found[0][3]


def test_duplicate_id(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("  - id: s.1.second.1", "  - id: s.1.first.1"))
    assert found == [
        (
            41,
            9,
            "duplicate-id",
            "standards node or statement id 's.1.first.1' already used on line 36",
        )
    ]


def test_unknown_stage_with_did_you_mean(tmp_path: Path) -> None:
    found = problems(tmp_path, edit("    stage: second", "    stage: secnd"))
    assert found == [(44, 12, "unknown-stage", "unknown stage 'secnd' (did you mean 'second'?)")]


def test_unknown_modality(tmp_path: Path) -> None:
    found = problems(
        tmp_path, edit("{stage: first, modality: strong}", "{stage: first, modality: strnog}")
    )
    assert found == [
        (27, 36, "unknown-modality", "unknown modality 'strnog' (did you mean 'strong'?)")
    ]


def test_unknown_node(tmp_path: Path) -> None:
    text = edit("    under: s.1\n    stage: second", "    under: s.2\n    stage: second")
    found = problems(tmp_path, text)
    assert found == [(43, 12, "unknown-node", "unknown node 's.2' (did you mean 's.1'?)")]


def test_stage_builds_on_a_later_stage(tmp_path: Path) -> None:
    text = edit(
        '      text: "With support:"\n',
        '      text: "With support:"\n      builds_on: [{stage: second, modality: weak}]\n',
    )
    found = problems(tmp_path, text)
    codes = [(f[0], f[1], f[2]) for f in found]
    assert (20, 27, "stage-order") in codes
    assert any("'second', which is listed after it" in f[3] for f in found)


def test_stage_cycle(tmp_path: Path) -> None:
    text = edit(
        '      text: "With support:"\n',
        '      text: "With support:"\n      builds_on: [{stage: first, modality: weak}]\n',
    )
    found = problems(tmp_path, text)
    assert (
        20,
        27,
        "stage-order",
        "stage 'first' builds on itself; a stage may build only on earlier stages",
    ) in found
    assert (20, 27, "stage-cycle", "stages build on each other in a cycle: first → first") in found


def test_id_mismatch(tmp_path: Path) -> None:
    with pytest.raises(CatalogueError) as caught:
        load_framework(write(tmp_path, VALID), expected_id="other")
    (d,) = caught.value.diagnostics
    assert (d.line, d.column, d.code) == (1, 5, "id-mismatch")


def test_every_problem_reported_at_once_sorted_by_place(tmp_path: Path) -> None:
    text = edit("    stage: second", "    stage: secnd")
    text = edit("  from_source: true", "  from_source: [yes]", text)
    text = edit("      builds_on:", "      bulds_on:", text)
    found = problems(tmp_path, text)
    assert [f[2] for f in found] == ["wrong-type", "unknown-field", "unknown-stage"]
    assert [f[0] for f in found] == sorted(f[0] for f in found)


def test_diagnostic_line_format(tmp_path: Path) -> None:
    path = write(tmp_path, edit("    stage: second", "    stage: secnd"))
    with pytest.raises(CatalogueError) as caught:
        load_framework(path)
    assert str(caught.value) == (
        f"{path}:44:12: unknown-stage: unknown stage 'secnd' (did you mean 'second'?)"
    )


def test_catalogue_collects_problems_of_every_framework(tmp_path: Path) -> None:
    (tmp_path / "tiny").mkdir()
    (tmp_path / "tiny" / "framework.yaml").write_text(edit("id: tiny", "id: tiny2"))
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "framework.yaml").write_text("id: other\n")
    with pytest.raises(CatalogueError) as caught:
        dict(Catalogue(tmp_path))
    codes = {d.code for d in caught.value.diagnostics}
    assert {"id-mismatch", "missing-field"} <= codes


def test_unknown_framework_suggests_a_name() -> None:
    with pytest.raises(NotFoundError, match="did you mean 'hampshire'"):
        Catalogue()["hampshir"]


KINDS = """\
evidence_sources:
  - {id: seen, label: Seen first-hand}
  - {id: said, label: What people say}
evidence_kinds:
  - {id: visit, label: Visit, source: seen}
  - {id: survey, label: Survey, source: said}
  - {id: diary, label: Diary}
"""
FIRST = VALID.count("\n") + 1  # the line of KINDS's first line once appended to VALID


def test_evidence_kinds_load_with_their_sources(tmp_path: Path) -> None:
    framework = load_framework(write(tmp_path, VALID + KINDS))
    kinds = [(k.id, k.source) for k in framework.evidence_kinds]
    assert kinds == [("visit", "seen"), ("survey", "said"), ("diary", None)]


def test_evidence_kind_naming_an_unknown_source(tmp_path: Path) -> None:
    found = problems(tmp_path, VALID + edit("source: said}", "source: sayd}", KINDS))
    assert found == [
        (FIRST + 5, 41, "unknown-source", "unknown evidence source 'sayd' (did you mean 'said'?)")
    ]


def test_duplicate_evidence_kind_id(tmp_path: Path) -> None:
    found = problems(tmp_path, VALID + edit("{id: diary", "{id: visit", KINDS))
    message = f"evidence kind id 'visit' already used on line {FIRST + 4}"
    assert found == [(FIRST + 6, 10, "duplicate-id", message)]


def test_evidence_kind_with_an_unknown_field(tmp_path: Path) -> None:
    found = problems(tmp_path, VALID + edit("source: seen}", "sourse: seen}", KINDS))
    assert [f[:3] for f in found] == [(FIRST + 4, 31, "unknown-field")]
    assert "did you mean 'source'?" in found[0][3]
