"""Cohort input: JSONL and folders, every problem located; entries built in code; what-if."""

from __future__ import annotations

import json
import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.audit import audit_entries, audit_path, draft_cases
from engine.audit.cohort import SIDECAR_SUFFIX, Source, cohort_sources, parse_source
from engine.audit.demo_cohort import Planted
from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.decide.rulesets import RuleSets
from engine.errors import InputError, NotFoundError
from schemas.audit import AuditReport, AuditSettings, CohortEntry

ROOT = Path(__file__).resolve().parents[2]


def jsonl(entries: list[CohortEntry]) -> str:
    return "".join(e.model_dump_json(exclude_defaults=True) + "\n" for e in entries)


def comparable(report: AuditReport) -> dict[str, object]:
    return report.model_dump(mode="json", exclude={"generated_at"})


@pytest.fixture(scope="module")
def some(planted_cohort: tuple[list[CohortEntry], Planted]) -> list[CohortEntry]:
    return planted_cohort[0][:60]


def test_a_jsonl_file_audits_like_the_entries_it_holds(
    some: list[CohortEntry], tmp_path: Path
) -> None:
    path = tmp_path / "cohort.jsonl"
    path.write_text(jsonl(some) + "\n", encoding="utf-8")  # a blank line is skipped
    from_file = audit_path(path, AuditSettings())
    assert comparable(from_file) == comparable(audit_entries(some, AuditSettings()))


def test_problems_in_a_jsonl_file_are_located_to_line_and_column(
    some: list[CohortEntry], tmp_path: Path
) -> None:
    lines = jsonl(some[:4]).splitlines()
    broken = json.loads(lines[2])
    broken["final_rating"] = "acheived"
    broken["review"]["evidence"][0]["tags"][0]["statement"] = "ts.9.9.nope"
    lines[2] = json.dumps(broken)
    lines[3] = lines[3][:40]  # cut short: not JSON
    path = tmp_path / "cohort.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        audit_path(path, AuditSettings())
    found = [str(d) for d in caught.value.diagnostics]
    assert any(
        re.match(rf"{re.escape(str(path))}:3:\d+: unknown-rating: .*did you mean 'achieved'", d)
        for d in found
    ), found
    assert any(re.match(r".*:3:\d+: unknown-statement: .*ts\.9\.9\.nope", d) for d in found)
    assert any(d.startswith(f"{path}:4:") for d in found)
    assert all(not d.startswith(f"{path}:1:") for d in found)


def test_a_folder_of_reviews_with_decision_sidecars(
    some: list[CohortEntry], tmp_path: Path
) -> None:
    for entry in some[:3]:
        data = entry.model_dump(mode="json", exclude_defaults=True)
        review = data.pop("review")
        (tmp_path / f"{entry.id}.yaml").write_text(yaml.safe_dump(review), encoding="utf-8")
        (tmp_path / f"{entry.id}{SIDECAR_SUFFIX}").write_text(yaml.safe_dump(data), "utf-8")
    report = audit_path(tmp_path, AuditSettings())
    assert comparable(report) == comparable(audit_entries(some[:3], AuditSettings()))


def test_a_folder_entry_without_its_sidecar_or_with_a_bad_one(
    some: list[CohortEntry], tmp_path: Path
) -> None:
    for entry in some[:2]:
        review = entry.review.model_dump(mode="json", exclude_defaults=True)
        (tmp_path / f"{entry.id}.yaml").write_text(yaml.safe_dump(review), encoding="utf-8")
    sidecar = tmp_path / f"{some[1].id}{SIDECAR_SUFFIX}"
    sidecar.write_text("final_rating: achieved\nreason_cod: x\n", encoding="utf-8")
    with pytest.raises(InputError) as caught:
        audit_path(tmp_path, AuditSettings())
    found = [str(d) for d in caught.value.diagnostics]
    assert any(f"{some[0].id}.yaml:1:1: missing-decision" in d for d in found), found
    assert any(
        d.endswith(
            "unknown-field: the document has no field 'reason_cod' (did you mean 'reason_code'?)"
        )
        and ":2:1:" in d
        for d in found
    ), found


def test_a_missing_cohort_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(NotFoundError):
        audit_path(tmp_path / "nope.jsonl", AuditSettings())


def test_two_workers_give_the_same_cases_as_one(
    planted_cohort: tuple[list[CohortEntry], Planted],
) -> None:
    entries = planted_cohort[0][:140]  # three chunks: work goes out and comes back in order
    sources = [Source(ref=f"e{i}", entry=e) for i, e in enumerate(entries)]
    one = draft_cases(sources, AuditSettings(), workers=1)
    two = draft_cases(sources, AuditSettings(), workers=2)
    assert one == two and len(two) == 140


@pytest.fixture
def two_versions(tmp_path: Path) -> Path:
    """A rules folder holding Hampshire and a stricter copy of its rule set."""
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "rules" / "hampshire", rules / "hampshire")
    text = (rules / "hampshire" / "ruleset.yaml").read_text(encoding="utf-8")
    strict = text.replace("id: hampshire\n", "id: hampshire-strict\n", 1)
    strict = strict.replace(
        "  achieved_min_unit_ratio:\n    type: float\n    default: 0.75",
        "  achieved_min_unit_ratio:\n    type: float\n    default: 0.9",
    )
    assert strict.count("default: 0.9") == 1
    (rules / "hampshire" / "ruleset-strict.yaml").write_text(strict, encoding="utf-8")
    return rules


def test_what_if_lists_every_changed_draft_and_sums_by_stage_and_appraiser(
    some: list[CohortEntry], two_versions: Path
) -> None:
    settings = AuditSettings(compare_ruleset="hampshire-strict")
    report = audit_entries(some, settings, rules_dir=two_versions)
    whatif = report.whatif
    assert whatif is not None and whatif.changes
    assert (whatif.ruleset, whatif.compare_ruleset) == ("hampshire", "hampshire-strict")
    strict = RuleSets(Catalogue(two_versions)).compiled("hampshire-strict")
    changed = {c.case: c for c in whatif.changes}

    evaluator = Evaluator(strict)
    for entry in some:
        decision = evaluator.decide(entry.review)
        after = decision.rating or decision.outcome
        if entry.id in changed:
            assert changed[entry.id].after == after
        else:
            assert entry.draft is not None
            assert after == (entry.draft.rating or entry.draft.outcome)
    assert sum(r.changed for r in whatif.by_stage) == len(whatif.changes)
    assert sum(r.changed for r in whatif.by_appraiser) == len(whatif.changes)
    # A stricter threshold only ever lowers a rating (or sends the case to a person).
    assert sum(r.up for r in whatif.by_stage) == 0
    assert sum(r.down for r in whatif.by_stage) >= 1
    assert set(report.cohort.rulesets) == {"hampshire", "hampshire-strict"}


def test_an_unknown_compare_rule_set_is_not_found(some: list[CohortEntry]) -> None:
    with pytest.raises(NotFoundError, match="hampshire"):
        audit_entries(some[:2], AuditSettings(compare_ruleset="hampshire-strikt"))


def test_an_unknown_framework_is_an_input_problem_on_its_line(
    some: list[CohortEntry], tmp_path: Path
) -> None:
    line = json.loads(jsonl(some[:1]))
    line["review"]["framework"] = "hampshre"
    path = tmp_path / "cohort.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=r":1:\d+: unknown-framework: .*did you mean 'hampshire'"):
        audit_path(path, AuditSettings())


def test_entries_built_in_code_are_checked_against_their_framework(
    some: list[CohortEntry],
) -> None:
    data = some[0].model_dump(mode="json")
    data["review"]["evidence"][0]["tags"][0]["statement"] = "ts.9.9.nope"
    broken = CohortEntry.model_validate(data)
    with pytest.raises(InputError, match=r"entry 2:0:0: unknown-statement"):
        audit_entries([some[1], broken], AuditSettings())


def test_a_review_naming_an_unknown_rule_set_is_an_input_problem_on_its_line(
    some: list[CohortEntry], tmp_path: Path
) -> None:
    line = json.loads(jsonl(some[:1]))
    line["review"]["ruleset"] = "hampshire-old"
    path = tmp_path / "cohort.jsonl"
    path.write_text(jsonl(some[1:2]) + json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(
        InputError, match=r"cohort.jsonl:2:1: not-found: no rule set 'hampshire-old'"
    ):
        audit_path(path, AuditSettings())


def test_a_jsonl_file_drafts_the_same_on_two_workers_as_on_one(
    planted_cohort: tuple[list[CohortEntry], Planted], tmp_path: Path
) -> None:
    path = tmp_path / "cohort.jsonl"
    path.write_text(jsonl(planted_cohort[0][:140]), encoding="utf-8")  # lines cross as bytes
    one = draft_cases(cohort_sources(path), AuditSettings(), workers=1)
    two = draft_cases(cohort_sources(path), AuditSettings(), workers=2)
    assert one == two and len(two) == 140 and two[139].ref == f"{path}:140"


def test_a_line_that_is_not_utf8_is_a_problem_on_its_line(
    some: list[CohortEntry], tmp_path: Path
) -> None:
    lines = jsonl(some[:3]).encode("utf-8").splitlines(keepends=True)
    lines[1] = lines[1].replace(b'"final_rating":"', b'"final_rating":"\xff', 1)
    path = tmp_path / "cohort.jsonl"
    path.write_bytes(b"".join(lines))
    with pytest.raises(InputError) as caught:
        audit_path(path, AuditSettings())
    found = [str(d) for d in caught.value.diagnostics]
    assert found and all(d.startswith(f"{path}:2:") for d in found), found


MUTATIONS: dict[str, Callable[[dict[str, Any]], None]] = {
    "unknown statement": lambda d: _first_tag(d).update(statement="ts.9.9.nope"),
    "a node for a statement": lambda d: _first_tag(d).update(statement="ts.1"),
    "unknown modality": lambda d: _first_tag(d).update(modality="brilliantly"),
    "unknown stage": lambda d: d["review"].update(stage="mpr9"),
    "no stage": lambda d: d["review"].pop("stage"),
    "unknown appraiser rating": lambda d: d["review"].update(appraiser_rating="superb"),
    "unknown final rating": lambda d: d.update(final_rating="acheived"),
    "repeated evidence id": lambda d: d["review"]["evidence"][1].update(
        id=d["review"]["evidence"][0]["id"]
    ),
    "objective citing unknown evidence": lambda d: d["review"]["objectives"][0].update(
        evidence=["e-none"]
    ),
    "objective naming an unknown node": lambda d: d["review"]["objectives"][0].update(
        standards=["ts.99"]
    ),
    "objective naming a statement": lambda d: d["review"]["objectives"][0].update(
        standards=[_first_tag(d)["statement"]]
    ),
    "unknown framework": lambda d: d["review"].update(framework="hampshre"),
    "nothing wrong": lambda d: None,
}


def _first_tag(data: dict[str, Any]) -> dict[str, Any]:
    tagged = next(e for e in data["review"]["evidence"] if e["tags"])
    tag: dict[str, Any] = tagged["tags"][0]
    return tag


@pytest.mark.parametrize("mutation", MUTATIONS)
def test_the_fast_check_of_a_line_finds_a_problem_exactly_when_the_located_check_does(
    planted_cohort: tuple[list[CohortEntry], Planted], mutation: str
) -> None:
    catalogue = Catalogue()
    for i, entry in enumerate(planted_cohort[0][:8]):
        data = json.loads(entry.model_dump_json(exclude_defaults=True))
        MUTATIONS[mutation](data)
        source = Source(ref=f"c.jsonl:{i + 1}", line=i + 1, raw=json.dumps(data).encode())
        if mutation == "nothing wrong":
            assert parse_source(source, catalogue) == entry
            continue
        with pytest.raises(InputError) as caught:
            parse_source(source, catalogue)
        assert caught.value.diagnostics and all(
            d.file == "c.jsonl" and d.line == i + 1 and d.column >= 1
            for d in caught.value.diagnostics
        ), (mutation, [str(d) for d in caught.value.diagnostics])
