"""Loading a review: one test per cross-reference diagnostic code, asserting the exact place."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from engine.catalogue.frameworks import Catalogue
from engine.errors import InputError
from engine.review.load import check_review, load_review, parse_review, validate_review
from schemas.diagnostics import Diagnostic
from schemas.review import EvidenceItem, Review, Tag

CATALOGUE = Catalogue()
HAMPSHIRE = CATALOGUE["hampshire"]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hampshire-mpr-achieved.yaml"

# Line numbers matter below: the tests assert on them.
VALID = """\
framework: hampshire
subject: t-001
appraiser: a-01
cycle_start: 2024-09-01
cycle_end: 2025-07-31
stage: mpr
evidence:
  - id: obs-1
    kind: lesson-observation
    date: 2024-10-15
    recorded_by: a-01
    tags:
      - {statement: ts.1.1.ect1.1, modality: confidently}
      - {statement: ts.1.1.mpr.1, modality: independently}
  - id: data-1
    kind: pupil-progress-data
    date: 2025-03-01
    recorded_by: a-02
    tags:
      - {statement: ts.2.1.mpr.1, modality: independently}
objectives:
  - id: obj-1
    text: Raise attainment in Year 5 reading.
    standards: [ts.2]
    outcome: met
    evidence: [data-1]
appraiser_rating: achieved
"""


def problems(text: str) -> list[Diagnostic]:
    with pytest.raises(InputError) as caught:
        parse_review(text, "r.yaml", CATALOGUE)
    return caught.value.diagnostics


def only(text: str) -> Diagnostic:
    found = problems(text)
    assert len(found) == 1, [str(d) for d in found]
    return found[0]


def broken(old: str, new: str) -> Diagnostic:
    assert VALID.count(old) == 1, old
    return only(VALID.replace(old, new))


def place(d: Diagnostic) -> tuple[str, int, int, str]:
    return d.file, d.line, d.column, d.code


def test_a_valid_review_loads() -> None:
    review = parse_review(VALID, "r.yaml", CATALOGUE)
    assert review.stage == "mpr"
    assert [t.statement for t in review.evidence[0].tags] == ["ts.1.1.ect1.1", "ts.1.1.mpr.1"]


def test_evidence_outside_the_cycle_is_not_an_error() -> None:
    review = parse_review(VALID.replace("2024-10-15", "2023-01-01"), "r.yaml", CATALOGUE)
    assert review.evidence[0].date.year == 2023


def test_unknown_framework() -> None:
    d = broken("framework: hampshire", "framework: hampshir")
    assert place(d) == ("r.yaml", 1, 12, "unknown-framework")
    assert "did you mean 'hampshire'" in d.message


def test_unknown_statement_with_did_you_mean() -> None:
    d = broken("ts.1.1.ect1.1,", "ts.1.1.ect1.9,")
    assert place(d) == ("r.yaml", 13, 21, "unknown-statement")
    assert d.message.startswith("evidence[0].tags[0].statement: unknown statement 'ts.1.1.ect1.9'")
    assert "(did you mean 'ts.1.1.ect1." in d.message


def test_a_standards_node_is_not_a_statement() -> None:
    d = broken("ts.2.1.mpr.1,", "ts.2.1,")
    assert place(d) == ("r.yaml", 20, 21, "unknown-statement")
    assert "'ts.2.1' is a standards node, not a statement" in d.message


def test_unknown_modality() -> None:
    d = broken("modality: confidently}", "modality: confident}")
    assert place(d) == ("r.yaml", 13, 46, "unknown-modality")
    assert "did you mean 'confidently'" in d.message


def test_unknown_stage() -> None:
    d = broken("stage: mpr", "stage: mrp")
    assert place(d) == ("r.yaml", 6, 8, "unknown-stage")
    assert "did you mean 'mpr'" in d.message


def test_missing_stage_is_reported_at_the_document() -> None:
    d = broken("stage: mpr\n", "")
    assert place(d) == ("r.yaml", 1, 1, "missing-stage")
    assert "ect1, ect2, mpr" in d.message


def test_null_stage_is_reported_where_it_is() -> None:
    d = broken("stage: mpr", "stage: null")
    assert place(d) == ("r.yaml", 6, 8, "missing-stage")


def test_unexpected_stage() -> None:
    text = (
        "framework: isp\nsubject: t\nappraiser: a\ncycle_start: 2024-09-01\n"
        "cycle_end: 2025-07-31\nstage: mpr\n"
    )
    d = only(text)
    assert place(d) == ("r.yaml", 6, 8, "unexpected-stage")
    assert "'isp' has no career stages" in d.message


def test_duplicate_evidence_id() -> None:
    d = only(VALID.replace("data-1", "obs-1"))
    assert place(d) == ("r.yaml", 15, 9, "duplicate-id")
    assert d.message == "evidence[1].id: evidence id 'obs-1' already used by evidence[0]"


def test_duplicate_objective_id() -> None:
    second = "  - {id: obj-1, text: Lead reading CPD., outcome: exceeded}\n"
    text = VALID.replace("appraiser_rating", second + "appraiser_rating")
    d = only(text)
    assert place(d) == ("r.yaml", 27, 10, "duplicate-id")
    assert "objective id 'obj-1' already used by objectives[0]" in d.message


def test_unknown_evidence() -> None:
    d = broken("evidence: [data-1]", "evidence: [data-2]")
    assert place(d) == ("r.yaml", 26, 16, "unknown-evidence")
    assert "no evidence item 'data-2' (did you mean 'data-1'?)" in d.message


def test_unknown_evidence_kind_is_checked_against_the_framework() -> None:
    d = broken("kind: pupil-progress-data", "kind: pupil-progress")
    assert place(d) == ("r.yaml", 16, 11, "unknown-evidence-kind")
    assert d.message == (
        "evidence[1].kind: unknown evidence kind 'pupil-progress' "
        "(did you mean 'pupil-progress-data'?)"
    )


def test_a_kind_of_another_framework_is_unknown_here() -> None:
    """ISP calls the teacher's own account 'self-evaluation'; Hampshire calls it otherwise."""
    assert "self-evaluation" in {k.id for k in CATALOGUE["isp"].evidence_kinds}
    d = broken("kind: pupil-progress-data", "kind: self-evaluation")
    assert place(d) == ("r.yaml", 16, 11, "unknown-evidence-kind")
    assert "did you mean 'self-reflection'?" in d.message


def test_unknown_node() -> None:
    d = broken("standards: [ts.2]", "standards: [ts.2, ts.9]")
    assert place(d) == ("r.yaml", 24, 23, "unknown-node")
    assert d.message.startswith("objectives[0].standards[1]: unknown node 'ts.9'")


def test_a_statement_is_not_a_node() -> None:
    d = broken("standards: [ts.2]", "standards: [ts.2.1.mpr.1]")
    assert place(d) == ("r.yaml", 24, 17, "unknown-node")
    assert "(a statement, not a standards node)" in d.message


def test_unknown_rating() -> None:
    d = broken("appraiser_rating: achieved", "appraiser_rating: achieve")
    assert place(d) == ("r.yaml", 27, 19, "unknown-rating")
    assert "did you mean 'achieved'" in d.message


def test_every_problem_is_reported_at_once_sorted_by_place() -> None:
    text = (
        VALID.replace("stage: mpr", "stage: mrp")
        .replace("kind: lesson-observation", "kind: lesson")
        .replace("ts.1.1.mpr.1,", "ts.1.1.mpr.99,")
        .replace("id: data-1", "id: obs-1")
        .replace("evidence: [data-1]", "evidence: [data-9]")
        .replace("achieved", "great")
    )
    found = problems(text)
    assert [(d.line, d.code) for d in found] == [
        (6, "unknown-stage"),
        (9, "unknown-evidence-kind"),
        (14, "unknown-statement"),
        (15, "duplicate-id"),
        (26, "unknown-evidence"),
        (27, "unknown-rating"),
    ]


def test_model_errors_and_syntax_errors_come_from_the_loader() -> None:
    assert only(VALID.replace("subject: t-001\n", "")).code == "missing-field"
    assert only(VALID + "colour: red\n").code == "unknown-field"
    assert only(VALID + "stage: ect1\n").code == "duplicate-key"
    assert only("framework: [hampshire\n").code == "yaml-syntax"
    assert place(only("")) == ("r.yaml", 1, 1, "missing-field")


def test_json_is_accepted_even_indented_with_tabs() -> None:
    data = yaml.safe_load(VALID)
    review = parse_review(json.dumps(data, default=str, indent="\t"), "r.json", CATALOGUE)
    assert review == parse_review(VALID, "r.yaml", CATALOGUE)


def test_json_problems_are_located() -> None:
    data = yaml.safe_load(VALID)
    data["evidence"][1]["tags"][0]["modality"] = "boldly"
    text = json.dumps(data, default=str, indent="\t")
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if '"boldly"' in ln)
    d = only(text)
    assert (d.line, d.code) == (line, "unknown-modality")
    assert d.column == text.splitlines()[line - 1].index('"boldly"') + 1


def test_load_review_reads_a_file(tmp_path: Path) -> None:
    path = tmp_path / "review.yaml"
    path.write_text(VALID.replace("stage: mpr", "stage: mrp"), encoding="utf-8")
    with pytest.raises(InputError) as caught:
        load_review(path, CATALOGUE)
    assert str(caught.value).startswith(f"{path}:6:8: unknown-stage: stage: unknown stage 'mrp'")


def test_the_example_review_loads_without_diagnostics() -> None:
    review = load_review(EXAMPLE, CATALOGUE)
    assert review.framework == "hampshire"
    assert review.stage == "mpr"
    validate_review(HAMPSHIRE, review)


def test_validate_review_checks_a_model_built_in_code() -> None:
    review = parse_review(VALID, "r.yaml", CATALOGUE)
    validate_review(HAMPSHIRE, review)
    bad_item = EvidenceItem(
        id="obs-1",
        kind="pupil-views",
        date=review.cycle_start,
        recorded_by="a-03",
        tags=(Tag(statement="ts.1.1.ect1.9", modality="boldly"),),
    )
    bad = review.model_copy(update={"evidence": (*review.evidence, bad_item), "stage": "upr"})
    with pytest.raises(InputError) as caught:
        validate_review(HAMPSHIRE, bad)
    found = caught.value.diagnostics
    assert {(d.file, d.line, d.column) for d in found} == {("<review>", 0, 0)}
    assert sorted(d.code for d in found) == [
        "duplicate-id",
        "unknown-modality",
        "unknown-stage",
        "unknown-statement",
    ]
    assert "evidence[2].tags[0].statement: unknown statement 'ts.1.1.ect1.9'" in str(caught.value)


def test_located_and_unlocated_checks_say_the_same() -> None:
    text = VALID.replace("stage: mpr", "stage: mrp").replace("ts.1.1.mpr.1,", "ts.1.1.mpr.99,")
    review = Review.model_validate(yaml.safe_load(text))
    unlocated = check_review(HAMPSHIRE, review)
    located = problems(text)
    assert [(d.code, d.message) for d in unlocated] == [(d.code, d.message) for d in located]


def test_validate_review_reports_a_review_for_another_framework() -> None:
    review = parse_review(VALID, "r.yaml", CATALOGUE)
    with pytest.raises(InputError) as caught:
        validate_review(CATALOGUE["isp"], review)
    codes = {d.code for d in caught.value.diagnostics}
    assert {"unknown-framework", "unexpected-stage", "unknown-statement"} <= codes


ABSENCE = (
    "circumstances:\n  absences:\n    - {type: sickness, start: 2025-01-13, end: 2025-01-17}\n"
)


@pytest.mark.parametrize(
    ("old", "new", "line", "column", "path"),
    [
        ("cycle_start: 2024-09-01", "cycle_start: 2024-13-01", 4, 14, "cycle_start"),
        ("cycle_end: 2025-07-31", "cycle_end: 2025-07-32", 5, 12, "cycle_end"),
        ("date: 2024-10-15", "date: 2024-02-30", 10, 11, "evidence[0].date"),
        ("start: 2025-01-13", "start: 2025-00-13", 30, 31, "circumstances.absences[0].start"),
        ("end: 2025-01-17", "end: 2025-01-32", 30, 48, "circumstances.absences[0].end"),
    ],
)
def test_an_impossible_date_is_an_invalid_value_where_it_stands(
    old: str, new: str, line: int, column: int, path: str
) -> None:
    d = only((VALID + ABSENCE).replace(old, new))
    assert place(d) == ("r.yaml", line, column, "invalid-value")
    assert d.message.startswith(f"{path}: Input should be a valid date or datetime, ")
    assert "value is outside expected range" in d.message
    assert d.message.endswith(f"(got {new.split(': ')[1]!r})")


def test_an_impossible_date_in_json_is_an_invalid_value_where_it_stands() -> None:
    data = yaml.safe_load(VALID)
    data["cycle_start"] = "2024-13-01"
    text = json.dumps(data, default=str, indent=2)
    line = next(i for i, ln in enumerate(text.splitlines(), 1) if '"2024-13-01"' in ln)
    d = only(text)
    assert (d.file, d.line, d.code) == ("r.yaml", line, "invalid-value")
    assert d.column == text.splitlines()[line - 1].index('"2024-13-01"') + 1
    assert "month value is outside expected range of 1-12" in d.message


def test_an_impossible_date_in_a_text_field_is_the_text_written() -> None:
    text = VALID.replace("    recorded_by: a-01\n", "    recorded_by: a-01\n    note: 2024-13-01\n")
    assert parse_review(text, "r.yaml", CATALOGUE).evidence[0].note == "2024-13-01"


@pytest.mark.parametrize("end", ["2024-07-31", "2024-09-01"])
def test_a_cycle_that_does_not_end_after_it_starts_is_reported_at_cycle_end(end: str) -> None:
    d = broken("cycle_end: 2025-07-31", f"cycle_end: {end}")
    assert place(d) == ("r.yaml", 5, 12, "invalid-value")
    assert d.message == (
        f"cycle_end: {end} is not after cycle_start 2024-09-01: a cycle ends after it starts"
    )


def test_a_reversed_cycle_is_reported_beside_other_problems() -> None:
    text = (
        VALID.replace("cycle_end: 2025-07-31", "cycle_end: 2024-07-31")
        .replace("appraiser: a-01", "appraiser: ''")
        .replace("stage: mpr", "stage: mrp")
        .replace("kind: lesson-observation", "kind: lesson")
    )
    assert [(d.line, d.column, d.code, d.path) for d in problems(text)] == [
        (3, 12, "invalid-value", "appraiser"),
        (5, 12, "invalid-value", "cycle_end"),
        (6, 8, "unknown-stage", "stage"),
        (9, 11, "unknown-evidence-kind", "evidence[0].kind"),
    ]


@pytest.mark.parametrize(
    ("old", "new", "column", "code", "message"),
    [
        ("stage: mpr", "stage: MPR", 8, "unknown-stage", "stage: unknown stage 'MPR'"),
        (
            "framework: hampshire",
            "framework: Hampshire",
            12,
            "unknown-framework",
            "framework: unknown framework 'Hampshire'",
        ),
    ],
)
def test_an_id_in_capitals_gets_did_you_mean_and_no_pattern_error(
    old: str, new: str, column: int, code: str, message: str
) -> None:
    d = broken(old, new)
    assert (d.line, d.column, d.code) == (VALID.splitlines().index(old) + 1, column, code)
    assert d.message == f"{message} (did you mean {old.split(': ')[1]!r}?)"


def test_a_concern_needs_no_modality() -> None:
    text = VALID.replace(
        "{statement: ts.2.1.mpr.1, modality: independently}",
        "{statement: ts.2.1.mpr.1, polarity: concern}",
    )
    (tag,) = parse_review(text, "r.yaml", CATALOGUE).evidence[1].tags
    assert (tag.statement, tag.modality, tag.polarity) == ("ts.2.1.mpr.1", None, "concern")


def test_a_concern_that_names_a_modality_names_a_known_one() -> None:
    d = broken(
        "ts.2.1.mpr.1, modality: independently}",
        "ts.2.1.mpr.1, modality: boldly, polarity: concern}",
    )
    assert place(d) == ("r.yaml", 20, 45, "unknown-modality")


@pytest.mark.parametrize(
    "tag", ["{statement: ts.2.1.mpr.1}", "{statement: ts.2.1.mpr.1, polarity: strength}"]
)
def test_a_strength_without_a_modality_is_a_missing_field_at_its_tag(tag: str) -> None:
    d = broken("{statement: ts.2.1.mpr.1, modality: independently}", tag)
    assert place(d) == ("r.yaml", 20, 9, "missing-field")
    assert d.message == (
        "evidence[1].tags[0] needs field 'modality': "
        "a strength says how well the statement is shown"
    )


@pytest.mark.parametrize(
    ("text", "column"),
    [
        ("[" * 8000 + "]" * 8000, 65),  # flow: cost grew with depth squared in PyYAML's scanner
        ("subject: " + "[" * 100 + "]" * 100, 73),  # the mapping is the first level
        ("- " * 5000 + "x", 129),  # block sequences nested on one line
    ],
    ids=["flow", "flow-in-a-mapping", "block"],
)
def test_nesting_past_the_limit_is_one_located_problem(text: str, column: int) -> None:
    (problem,) = problems(text)
    assert (problem.line, problem.column, problem.code) == (1, column, "invalid-value")
    assert problem.message == "nested more than 64 levels deep"


def test_a_syntax_error_is_reported_in_pyyamls_words_though_libyaml_reads_the_text() -> None:
    """libyaml composes (fast); a text it refuses is read again by PyYAML, whose messages and
    places the diagnostics have always used."""
    (problem,) = problems(VALID.replace("stage: mpr", "stage: [mpr"))
    assert problem.code == "yaml-syntax"
    assert "expected ',' or ']'" in problem.message
