"""Fact derivation on small hand-built reviews against the shipped frameworks."""

from __future__ import annotations

import random
import time
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.catalogue.stages import stage_requirement
from engine.errors import InputError
from engine.facts.contract import DOMAINS, FACT_TYPES, KEYS, ONE_PER_CASE, vocabulary
from engine.facts.derive import CaseFacts, derive_facts, next_stage
from engine.review.load import load_review, validate_review
from engine.testing.strategies import reviews
from schemas.review import Review, Tag
from schemas.ruleset import FactSettings

CATALOGUE = Catalogue()
HAMPSHIRE = CATALOGUE["hampshire"]
WALES = CATALOGUE["wales-leaders"]
ISP = CATALOGUE["isp"]
EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hampshire-mpr-achieved.yaml"
PYTHON_TYPES = {"int": int, "float": float, "bool": bool, "str": str}

ECT1 = [s.id for s in HAMPSHIRE.statements if s.stage == "ect1"]
MPR = [s.id for s in HAMPSHIRE.statements if s.stage == "mpr"]
UPR1 = [s.id for s in HAMPSHIRE.statements if s.stage == "upr1"]


def item(ident: str, kind: str, date: str, *tags: tuple[str, ...], by: str = "a-1") -> Any:
    """An evidence item; a tag is (statement, modality) or (statement, modality, polarity)."""
    return {
        "id": ident,
        "kind": kind,
        "date": date,
        "recorded_by": by,
        "tags": [dict(zip(("statement", "modality", "polarity"), t, strict=False)) for t in tags],
    }


def review(framework: str = "hampshire", stage: str | None = "mpr", **fields: Any) -> Review:
    data = {
        "framework": framework,
        "subject": "t-1",
        "appraiser": "a-1",
        "cycle_start": "2024-09-01",
        "cycle_end": "2025-07-31",
        "stage": stage,
        **fields,
    }
    return Review.model_validate(data)


def facts_of(r: Review, settings: FactSettings | None = None) -> CaseFacts:
    framework = CATALOGUE[r.framework]
    return derive_facts(framework, settings or FactSettings(), r)


def fields(facts: CaseFacts, fact_id: str) -> dict[str, object]:
    return {k: v for k, v in facts.fact(fact_id).items() if k not in ("t", "id")}


def test_ect1_statements_shown_only_with_support_are_not_met_for_mpr() -> None:
    shown = ECT1[:5]
    r = review(
        evidence=[
            item("obs-1", "lesson-observation", "2024-10-01", *((s, "with-support") for s in shown))
        ]
    )
    facts = facts_of(r)
    for statement in shown:
        s = facts.statements[statement]
        assert (s.required, s.best, s.met, s.evidenced) == (
            "confidently",
            "with-support",
            False,
            True,
        )
        assert s.strengths == ("obs-1",)
    ect1 = facts.ledger[0]
    assert (ect1.stage, ect1.modality, ect1.required, ect1.met) == ("ect1", "confidently", 100, 0)
    assert set(shown) <= set(ect1.missing)
    assert fields(facts, "ledger:ect1") == {
        "stage": "ect1",
        "label": "ECT 1",  # what a reason names it by
        "modality": "confidently",
        "required": 100,
        "met": 0,
        "ratio": 0.0,
        "units": 35,
        "units_met": 0,
        "unit_ratio": 0.0,
        "evidence": ["obs-1"],
    }
    coverage = facts.fact("coverage")
    assert (coverage["met"], coverage["evidenced"]) == (0, 5)


def test_the_ledger_lists_the_cumulative_stages_in_order_with_their_modalities() -> None:
    r = review(
        evidence=[
            item(
                "obs-1",
                "lesson-observation",
                "2024-10-01",
                (ECT1[0], "confidently"),
                (MPR[0], "independently"),
            )
        ]
    )
    facts = facts_of(r)
    rows = [(row.stage, row.label, row.modality, row.required, row.met) for row in facts.ledger]
    assert rows == [
        ("ect1", "ECT 1", "confidently", 100, 1),
        ("ect2", "ECT 2", "confidently", 73, 0),
        ("mpr", "MPR", "independently", 97, 1),
    ]
    assert facts.fact("coverage")["min_stage_ratio"] == 0.0
    assert [f["id"] for f in facts.of_type("ledger")] == [
        "ledger:ect1",
        "ledger:ect2",
        "ledger:mpr",
    ]


def test_evidence_outside_the_cycle_is_excluded_with_why_and_not_counted() -> None:
    r = review(
        evidence=[
            item("early", "lesson-observation", "2024-08-31", (ECT1[0], "confidently")),
            item("first-day", "work-scrutiny", "2024-09-01", (ECT1[1], "confidently")),
            item("last-day", "pupil-views", "2025-07-31", (ECT1[2], "confidently")),
            item("late", "pupil-progress-data", "2025-08-01", (ECT1[3], "confidently")),
        ]
    )
    facts = facts_of(r)
    assert [(e.id, e.reason) for e in facts.excluded] == [
        ("early", "dated 2024-08-31, before the cycle started on 2024-09-01"),
        ("late", "dated 2025-08-01, after the cycle ended on 2025-07-31"),
    ]
    assert facts.used == ("first-day", "last-day")
    assert not facts.statements[ECT1[0]].evidenced
    assert facts.fact("coverage")["met"] == 2
    assert facts.fact("coverage")["evidence"] == ["first-day", "last-day"]
    sufficiency = fields(facts, "sufficiency")
    assert sufficiency == {
        "items": 2,
        "excluded": 2,
        "kinds": 2,
        "source_kinds": 2,
        "recorders": 1,
        "tags": 2,
        "evidence": ["first-day", "last-day"],
    }


def test_a_concern_is_counted_but_does_not_unmeet_a_statement() -> None:
    r = review(
        evidence=[
            item("obs-1", "lesson-observation", "2024-10-01", (ECT1[0], "confidently")),
            item("walk-1", "learning-walk", "2024-11-01", (ECT1[0], "with-support", "concern")),
        ]
    )
    facts = facts_of(r)
    s = facts.statements[ECT1[0]]
    assert (s.met, s.concern, s.strengths, s.concerns) == (True, True, ("obs-1",), ("walk-1",))
    coverage = facts.fact("coverage")
    assert (coverage["met"], coverage["concerns"], coverage["standards_with_concerns"]) == (1, 1, 1)
    standard = facts.fact("standard:ts.1")
    assert (standard["met"], standard["concerns"], standard["evidence"]) == (
        1,
        1,
        ["obs-1", "walk-1"],
    )
    assert facts.fact("standard:ts.2")["concerns"] == 0


def test_a_concern_without_a_modality_counts_as_one_with_any() -> None:
    def with_concern(**modality: str) -> CaseFacts:
        concern = item("walk-1", "learning-walk", "2024-11-01")
        concern["tags"] = [{"statement": ECT1[1], "polarity": "concern", **modality}]
        evidence = [
            item("obs-1", "lesson-observation", "2024-10-01", (ECT1[0], "confidently")),
            concern,
            item("obs-2", "lesson-observation", "2024-11-02", (MPR[0], "independently")),
        ]
        return facts_of(review(evidence=evidence))

    bare = with_concern()
    assert bare.statements[ECT1[1]].concerns == ("walk-1",)
    assert bare.fact("coverage")["concerns"] == 1
    for modality in ("with-support", "independently"):
        rated = with_concern(modality=modality)
        assert (bare.facts, bare.statements, bare.ledger) == (
            rated.facts,
            rated.statements,
            rated.ledger,
        )


def _without_concern_modalities(r: Review) -> Review:
    def bare(tags: tuple[Tag, ...]) -> tuple[Tag, ...]:
        return tuple(
            t.model_copy(update={"modality": None}) if t.polarity == "concern" else t for t in tags
        )

    items = tuple(i.model_copy(update={"tags": bare(i.tags)}) for i in r.evidence)
    return r.model_copy(update={"evidence": items})


@given(data=st.data())
def test_the_modality_of_a_concern_never_changes_the_facts(data: st.DataObject) -> None:
    framework = CATALOGUE[data.draw(st.sampled_from(sorted(CATALOGUE)))]
    r = data.draw(reviews(framework))
    bare = _without_concern_modalities(r)
    validate_review(framework, bare)
    assert derive_facts(framework, FactSettings(), bare) == derive_facts(
        framework, FactSettings(), r
    )


def test_standards_group_by_top_level_node_and_units_by_the_node_statements_sit_under() -> None:
    ts11 = [s.id for s in HAMPSHIRE.statements if s.under == "ts.1.1" and s.stage == "ect1"]
    r = review(
        evidence=[
            item("obs-1", "lesson-observation", "2024-10-01", *((s, "confidently") for s in ts11))
        ]
    )
    facts = facts_of(r)
    standards = facts.of_type("standard")
    assert [f["standard"] for f in standards] == [f"ts.{n}" for n in range(1, 9)]
    assert [f["number"] for f in standards] == [str(n) for n in range(1, 9)]
    ts1 = facts.fact("standard:ts.1")
    assert (ts1["met"], ts1["units"], ts1["units_met"]) == (len(ts11), 3, 1)
    coverage = facts.fact("coverage")
    assert (coverage["standards"], coverage["standards_met"]) == (8, 0)
    assert (coverage["units"], coverage["units_met"]) == (35, 1)
    assert coverage["min_standard_ratio"] == 0.0


def test_modality_facts_count_statements_at_or_above_each_modality() -> None:
    r = review(
        evidence=[
            item(
                "obs-1",
                "lesson-observation",
                "2024-10-01",
                (ECT1[0], "with-support"),
                (ECT1[1], "independently"),
                (MPR[0], "confidently-and-proficiently"),
                (UPR1[0], "confidently"),
            )
        ]
    )
    facts = facts_of(r)
    counts = {f["modality"]: (f["rank"], f["statements"]) for f in facts.of_type("modality")}
    assert counts == {
        "with-support": (0, 3),
        "independently": (1, 2),
        "confidently": (2, 1),
        "confidently-and-proficiently": (3, 1),
    }
    assert facts.fact("modality:confidently")["ratio"] == 1 / 270
    assert not facts.of_type("level")


def test_objectives_are_summarised_by_outcome() -> None:
    objectives = [
        {"id": f"o{i}", "text": "x", "outcome": outcome, "evidence": [f"e{i}"]}
        for i, outcome in enumerate(
            ["exceeded", "met", "met", "partially-met", "not-met", "not-assessed"]
        )
    ]
    evidence = [item(f"e{i}", "other", "2024-10-01") for i in range(6)]
    facts = facts_of(review(evidence=evidence, objectives=objectives))
    assert fields(facts, "objectives") == {
        "count": 6,
        "assessed": 5,
        "exceeded": 1,
        "met": 2,
        "partially_met": 1,
        "not_met": 1,
        "not_assessed": 1,
        "met_or_better_ratio": 0.6,
        "exceeded_ratio": 0.2,
        "evidence": ["e0", "e1", "e2", "e3", "e4", "e5"],
    }


def test_objectives_none_assessed_give_zero_ratios() -> None:
    objectives = [{"id": "o1", "text": "x", "outcome": "not-assessed"}]
    summary = facts_of(review(objectives=objectives)).fact("objectives")
    assert (summary["assessed"], summary["met_or_better_ratio"], summary["exceeded_ratio"]) == (
        0,
        0.0,
        0.0,
    )


def test_beyond_counts_the_next_stages_own_statements_and_triangulation_sources() -> None:
    upr1_ts3 = next(
        s.id for s in HAMPSHIRE.statements if s.stage == "upr1" and s.under.startswith("ts.3")
    )
    r = review(
        evidence=[
            item("obs-1", "lesson-observation", "2024-10-01", (UPR1[0], "with-support")),
            item("walk-1", "learning-walk", "2024-11-01", (UPR1[0], "confidently")),
            item("cpd-1", "cpd-record", "2024-12-01", (upr1_ts3, "independently")),
            item("views-1", "parent-views", "2025-01-01", (upr1_ts3, "independently", "concern")),
            item("late", "pupil-views", "2025-09-01", (UPR1[1], "confidently")),
        ]
    )
    facts = facts_of(r)
    assert facts.next_stage == "upr1"
    assert fields(facts, "beyond") == {
        "next_stage": "upr1",
        "statements": 2,
        "standards": 2,
        "source_kinds": 2,  # a learning walk; a CPD record is one of Hampshire's people's views
        "evidence": ["cpd-1", "walk-1"],  # obs-1 shows UPR1[0] only with support
    }
    s = facts.statements[UPR1[0]]
    assert (s.required, s.met, s.best) == (None, True, "confidently")
    assert facts.fact("coverage")["evidenced"] == 0


@pytest.mark.parametrize(
    ("kind", "sources"),
    [("cpd-record", 2), ("self-reflection", 2), ("staff-views", 2), ("other", 1)],
)
def test_hampshire_counts_cpd_records_and_self_reflection_as_peoples_views(
    kind: str, sources: int
) -> None:
    """Hampshire's people's views are "pupil, parent and staff views, CPD records and the
    teacher's own reflection": with an observation, each makes two sources of evidence."""
    r = review(
        evidence=[
            item("obs-1", "lesson-observation", "2024-10-01", (UPR1[0], "independently")),
            item("rec-1", kind, "2024-11-01", (UPR1[1], "independently")),
        ]
    )
    facts = facts_of(r)
    assert facts.fact("sufficiency")["source_kinds"] == sources
    assert facts.fact("beyond")["source_kinds"] == sources


def test_each_framework_says_which_source_a_kind_belongs_to() -> None:
    """The same CPD record is people's views in Hampshire, quantitative data in HGIOS4 and no
    triangulation source at all in ISP."""
    evidence = [
        item("obs-1", "lesson-observation", "2024-10-01"),
        item("cpd-1", "cpd-record", "2024-11-01"),
    ]
    counted = {
        framework: facts_of(review(framework, stage, evidence=evidence)).fact("sufficiency")
        for framework, stage in (("hampshire", "mpr"), ("hgios4", None), ("isp", None))
    }
    assert {f: fact["source_kinds"] for f, fact in counted.items()} == {
        "hampshire": 2,
        "hgios4": 2,
        "isp": 1,
    }


@pytest.mark.parametrize(
    ("modality", "counted"),
    [("with-support", False), ("independently", True), ("confidently", True)],
)
def test_next_stage_statements_count_beyond_the_stage_only_at_the_modality_it_requires(
    modality: str, counted: bool
) -> None:
    """UPR 1 asks for its own statements independently: shown with support, they are no
    evidence of UPR 1 practice, so they cannot lift an MPR teacher towards Exceptional."""
    shown = UPR1[:4]
    assert {
        i.modality for i in stage_requirement(HAMPSHIRE, "upr1").items if i.statement in shown
    } == {"independently"}
    r = review(
        evidence=[
            item("obs-1", "lesson-observation", "2024-10-01", *((s, modality) for s in shown)),
            item("data-1", "pupil-progress-data", "2024-11-01", *((s, modality) for s in shown)),
        ]
    )
    facts = facts_of(r)
    beyond = fields(facts, "beyond")
    assert (beyond["statements"], beyond["source_kinds"], beyond["evidence"]) == (
        (4, 2, ["data-1", "obs-1"]) if counted else (0, 0, [])
    )
    assert all(facts.statements[s].met is counted for s in shown)
    assert all(facts.statements[s].best == modality for s in shown)  # shown all the same


@pytest.mark.parametrize(
    ("stage", "expected"),
    [
        ("ect1", "ect2"),
        ("mpr", "upr1"),
        ("upr1", "upr2-3"),
        ("upr2-3", "lp"),
        ("lp", ""),
        ("adh", ""),
        (None, ""),
    ],
)
def test_the_next_stage_is_the_first_later_stage_that_builds_on_this_one(
    stage: str | None, expected: str
) -> None:
    assert next_stage(HAMPSHIRE, stage) == expected


def test_absence_is_clipped_to_the_cycle_merged_and_split_protected_from_other() -> None:
    absences = [
        {"type": "maternity-parental", "start": "2024-08-01", "end": "2024-09-10"},  # 10 in cycle
        {"type": "disability-related", "start": "2024-09-05", "end": "2024-09-14"},  # +4 new
        {"type": "sickness", "start": "2024-09-12", "end": "2024-09-20"},  # 6 not protected
        {"type": "other", "start": "2024-09-18", "end": "2024-09-22"},  # +2 new
        {"type": "sickness", "start": "2025-07-30", "end": "2025-08-15"},  # 2 in cycle
        {"type": "other", "start": "2025-08-01", "end": "2025-08-15"},  # after the cycle
    ]
    facts = facts_of(review(circumstances={"absences": absences, "part_time_fraction": 0.6}))
    assert fields(facts, "circumstances") == {
        "protected_absence_days": 14,
        "protected_absence": True,
        "other_absence_days": 10,
        "cycle_days": 334,
        "worked_days": 320,
        "worked_fraction": 320 / 334,
        "in_induction": False,
        "in_capability": False,
        "part_time_fraction": 0.6,
        "evidence": [],
    }


def test_conduct_and_review_facts() -> None:
    facts = facts_of(review(conduct={"concern": True}, appraiser_rating="achieved"))
    assert fields(facts, "conduct") == {"concern": True, "evidence": []}
    assert fields(facts, "review") == {
        "stage": "mpr",
        "stage_rank": 2,
        "appraiser_rating": "achieved",
        "evidence": [],
    }


def test_a_review_without_a_stage_is_refused_for_a_framework_with_stages() -> None:
    with pytest.raises(InputError, match="missing-stage"):
        facts_of(review(stage=None))


def test_wales_statements_are_required_at_their_own_level() -> None:
    effective = [s.id for s in WALES.statements if s.level == "effective"]
    sustained = [s.id for s in WALES.statements if s.level == "sustained-highly-effective"]
    r = review(
        "wales-leaders",
        None,
        evidence=[
            item(
                "obs-1",
                "lesson-observation",
                "2024-10-01",
                (effective[0], "effective"),
                (effective[1], "sustained-highly-effective"),
                (sustained[0], "effective"),
                (sustained[1], "sustained-highly-effective"),
            ),
        ],
    )
    facts = facts_of(r)
    assert facts.statements[sustained[0]].required == "sustained-highly-effective"
    assert not facts.statements[sustained[0]].met
    levels = {f["level"]: (f["rank"], f["required"], f["met"]) for f in facts.of_type("level")}
    assert levels == {
        "effective": (0, len(effective), 2),
        "sustained-highly-effective": (1, len(sustained), 1),
    }
    assert facts.ledger == ()
    assert fields(facts, "review") == {
        "stage": "",
        "stage_rank": -1,
        "appraiser_rating": "",
        "evidence": [],
    }
    assert facts.fact("coverage")["min_stage_ratio"] == 1.0


def test_isp_statements_are_required_at_the_rule_sets_modality_else_the_weakest() -> None:
    statement = ISP.statements[0].id
    r = review(
        "isp",
        None,
        evidence=[
            item("obs-1", "lesson-observation", "2024-10-01", (statement, "emerging")),
        ],
    )
    weakest = facts_of(r)
    assert weakest.statements[statement].required == "emerging"
    assert weakest.fact("coverage")["met"] == 1
    consistent = facts_of(r, FactSettings(required_modality="consistent"))
    assert consistent.statements[statement].required == "consistent"
    assert consistent.fact("coverage")["met"] == 0
    assert consistent.fact("coverage")["required"] == len(ISP.statements)
    assert fields(consistent, "beyond") == {
        "next_stage": "",
        "statements": 0,
        "standards": 0,
        "source_kinds": 0,
        "evidence": [],
    }
    assert not consistent.of_type("level") and not consistent.of_type("ledger")


def rich_review() -> Review:
    tags = [(s, m) for s, m in zip(ECT1[:40], ["confidently", "with-support"] * 20, strict=True)]
    return review(
        evidence=[
            item(
                "obs-1", "lesson-observation", "2024-10-01", *tags[:15], (UPR1[0], "independently")
            ),
            item("data-1", "pupil-progress-data", "2024-11-01", *tags[15:30], by="a-2"),
            item(
                "views-1",
                "pupil-views",
                "2025-01-01",
                *tags[30:],
                (MPR[3], "independently"),
                (MPR[3], "confidently", "concern"),
            ),
            item("old", "work-scrutiny", "2024-01-01", (MPR[4], "independently")),
        ],
        objectives=[{"id": "o1", "text": "x", "outcome": "met", "evidence": ["obs-1"]}],
        circumstances={
            "absences": [{"type": "sickness", "start": "2024-10-01", "end": "2024-10-03"}]
        },
    )


def shuffled(r: Review, rng: random.Random) -> Review:
    items = [
        i.model_copy(update={"tags": tuple(rng.sample(i.tags, len(i.tags)))}) for i in r.evidence
    ]
    return r.model_copy(update={"evidence": tuple(rng.sample(items, len(items)))})


def test_facts_do_not_depend_on_the_order_of_evidence_or_tags() -> None:
    r = rich_review()
    expected = facts_of(r)
    rng = random.Random(7)
    for _ in range(10):
        again = facts_of(shuffled(r, rng))
        assert again.facts == expected.facts
        assert again.statements == expected.statements
        assert list(again.statements) == list(expected.statements)
        assert again.ledger == expected.ledger
        assert again.excluded == expected.excluded


def check_contract(facts: CaseFacts) -> set[str]:
    """Assert every fact has exactly its declared fields with exactly their Python types."""
    ids = [f["id"] for f in facts.facts]
    assert len(ids) == len(set(ids))
    for fact in facts.facts:
        kind = fact["t"]
        assert isinstance(kind, str) and kind in FACT_TYPES and kind != "conclusion"
        declared = FACT_TYPES[kind]
        assert set(fact) - {"t", "id", "evidence"} == set(declared), fact["id"]
        for name, type_name in declared.items():
            assert type(fact[name]) is PYTHON_TYPES[type_name], (fact["id"], name, fact[name])
        evidence = fact["evidence"]
        assert isinstance(evidence, list) and evidence == sorted(set(evidence))
        assert all(isinstance(e, str) for e in evidence)
    return {str(f["t"]) for f in facts.facts}


def test_every_fact_has_exactly_the_declared_fields_and_types() -> None:
    seen = check_contract(facts_of(rich_review()))
    seen |= check_contract(facts_of(review()))
    seen |= check_contract(facts_of(review("wales-leaders", None)))
    seen |= check_contract(facts_of(review("isp", None)))
    seen |= check_contract(facts_of(load_review(EXAMPLE, CATALOGUE)))
    assert seen == set(FACT_TYPES) - {"conclusion"}


def outside_domains(facts: CaseFacts, framework: str) -> list[tuple[object, str, object]]:
    """The (fact id, field, value) of every derived value outside its declared domain."""
    outside = []
    for fact in facts.facts:
        for name, domain in DOMAINS.get(str(fact["t"]), {}).items():
            value = fact[name]
            if domain.vocabulary is not None:
                inside = value in vocabulary(CATALOGUE[framework], domain.vocabulary)
            else:
                assert isinstance(value, (int, float))
                inside = (domain.low is None or value >= domain.low) and (
                    domain.high is None or value <= domain.high
                )
            if not inside:
                outside.append((fact["id"], name, value))
    return outside


def test_every_derived_value_lies_in_its_declared_domain() -> None:
    reviews = [
        rich_review(),
        review(),
        review("wales-leaders", None),
        review("isp", None),
        review("hgios4", None),
        load_review(EXAMPLE, CATALOGUE),
        *(load_review(path, CATALOGUE) for path in sorted(EXAMPLE.parent.glob("*.yaml"))),
    ]
    for r in reviews:
        facts = facts_of(r)
        assert outside_domains(facts, r.framework) == [], r.framework
        assert all(len(facts.of_type(kind)) == 1 for kind in ONE_PER_CASE)
        for kind, key in KEYS.items():
            keys = [fact[key] for fact in facts.of_type(kind)]
            assert len(keys) == len(set(keys)), kind
    assert ONE_PER_CASE | set(KEYS) == set(FACT_TYPES) and not ONE_PER_CASE & set(KEYS)
    assert set(DOMAINS) <= set(FACT_TYPES)
    assert all(set(DOMAINS[kind]) <= set(FACT_TYPES[kind]) for kind in DOMAINS)


def test_the_domain_check_catches_a_value_out_of_range() -> None:
    facts = facts_of(review())
    broken = dict(facts.fact("coverage"), ratio=1.5, units=-1)
    found = outside_domains(CaseFacts(**{**facts.__dict__, "facts": (broken,)}), "hampshire")
    assert sorted(found, key=str) == [("coverage", "ratio", 1.5), ("coverage", "units", -1)]


def test_the_contract_check_catches_a_wrong_type() -> None:
    facts = facts_of(review())
    broken = dict(facts.fact("coverage"), met=True)
    with pytest.raises(AssertionError):
        check_contract(CaseFacts(**{**facts.__dict__, "facts": (broken,)}))
    missing = {k: v for k, v in facts.fact("coverage").items() if k != "ratio"}
    with pytest.raises(AssertionError):
        check_contract(CaseFacts(**{**facts.__dict__, "facts": (missing,)}))


def test_the_example_review_largely_meets_mpr() -> None:
    facts = facts_of(load_review(EXAMPLE, CATALOGUE))
    coverage = facts.fact("coverage")
    assert isinstance(coverage["ratio"], float) and coverage["ratio"] > 0.85
    assert coverage["concerns"] == 0 and coverage["unit_ratio"] == 1.0
    assert all(row.met / row.required > 0.85 for row in facts.ledger)
    assert facts.fact("sufficiency")["source_kinds"] == 3
    summary = facts.fact("objectives")
    assert (summary["met"], summary["exceeded"]) == (3, 1)
    assert facts.excluded == ()


def test_derivation_is_fast_enough_for_batches() -> None:
    r = load_review(EXAMPLE, CATALOGUE)
    facts_of(r)
    start = time.perf_counter()
    for _ in range(20):
        facts_of(r)
    assert time.perf_counter() - start < 2
