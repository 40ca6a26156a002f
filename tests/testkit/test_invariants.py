"""The invariants on the shipped rule sets, their pieces, and the defect they found in facts."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Evaluator
from engine.decide.rulesets import RuleSets
from engine.facts.derive import derive_facts
from engine.recommend.changes import apply_changes
from engine.testing.invariants import (
    DEFAULT_CHECKS,
    Checker,
    Ordering,
    Probe,
    applies,
    declared,
    probes,
    run_invariant,
)
from schemas.recommendation import Change
from schemas.review import EvidenceItem, Objective, Review, Tag
from schemas.ruleset import INVARIANTS, FactSettings

CATALOGUE = Catalogue()
RULESETS = RuleSets(CATALOGUE)
CHECKERS = {rid: Checker(Evaluator(RULESETS.compiled(rid))) for rid in sorted(RULESETS.paths)}


def _declared() -> list[tuple[str, str]]:
    return [
        (rid, name)
        for rid, checker in CHECKERS.items()
        for name in checker.settings.check
        if applies(name, checker.framework)
    ]


@pytest.mark.parametrize(("ruleset_id", "name"), _declared())
def test_shipped_rule_sets_hold_their_invariants(ruleset_id: str, name: str) -> None:
    examples = 2 if name == "next-step-soundness" else 10
    violation = run_invariant(CHECKERS[ruleset_id], name, max_examples=examples, seed=1)
    assert violation is None, violation


def test_every_shipped_rule_set_declares_every_invariant_its_framework_can_exercise() -> None:
    for checker in CHECKERS.values():
        expected = {name for name in INVARIANTS if applies(name, checker.framework)}
        assert set(checker.settings.check) == expected


HAMPSHIRE = CHECKERS["hampshire"]


@settings(max_examples=10)
@given(probes("monotonicity", HAMPSHIRE.framework))
def test_invariants_are_usable_from_pytest(probe: Probe) -> None:
    assert probe.variant is not None and probe.expect in ("not-lower", "not-higher")
    assert HAMPSHIRE.check("monotonicity", probe) is None


def test_statuses_are_incomparable_and_ratings_ordered_worst_first() -> None:
    ordering = Ordering.of(HAMPSHIRE.settings)
    assert ordering.rank("not-met") < ordering.rank("achieved") < ordering.rank("exceptional")  # type: ignore[operator]
    assert ordering.rank("insufficient_evidence") is None
    assert ordering.rank("needs_human_review") is None


def test_a_rule_set_without_an_invariants_section_gets_the_order_free_checks() -> None:
    ruleset = RULESETS.load("isp").model_copy(update={"invariants": None})
    settings_ = declared(ruleset, ["not-yet-meeting", "meeting", "exceeding"])
    assert settings_.check == DEFAULT_CHECKS
    assert settings_.order == ("not-yet-meeting", "meeting", "exceeding")


def test_cumulative_stages_does_not_apply_without_stages() -> None:
    assert applies("cumulative-stages", HAMPSHIRE.framework)
    assert not applies("cumulative-stages", CHECKERS["isp"].framework)


def test_a_crash_is_a_violation_not_an_exception() -> None:
    review = _review(stage=None)  # Hampshire has stages: deciding raises InputError
    violation = HAMPSHIRE.check("totality", Probe(review))
    assert violation is not None and "InputError" in violation.message


def _review(**update: object) -> Review:
    base = Review(
        framework="hampshire",
        subject="t-1",
        appraiser="a-01",
        cycle_start=dt.date(2025, 9, 1),
        cycle_end=dt.date(2026, 7, 31),
        stage="mpr",
        evidence=(
            EvidenceItem(
                id="e1",
                kind="pupil-views",
                date=dt.date(2026, 1, 10),
                recorded_by="a-02",
                tags=(Tag(statement="ts.1.1.ect1.1", modality="with-support", polarity="concern"),),
            ),
        ),
        objectives=(Objective(id="o1", text="t", outcome="not-met"),),
    )
    return base.model_copy(update=update)


def test_apply_changes_reads_each_change_from_its_own_fields() -> None:
    changes = [
        Change(
            kind="evidence-statement", text="t", statement="ts.2.1.mpr.1", modality="confidently"
        ),
        Change(kind="more-evidence", text="t", evidence_kind="parent-views"),
        Change(kind="resolve-concern", text="t", statement="ts.1.1.ect1.1"),
        Change(kind="objective-outcome", text="t", objective="o1", outcome="met"),
    ]
    after = apply_changes(_review(), changes)
    added = after.evidence[1:]
    assert [(e.id, e.kind, e.recorded_by) for e in added] == [
        ("next-step-1", "lesson-observation", "a-01"),
        ("next-step-2", "parent-views", "a-01"),
    ]
    assert added[0].tags == (Tag(statement="ts.2.1.mpr.1", modality="confidently"),)
    assert after.evidence[0].tags == () and after.objectives[0].outcome == "met"


def test_objectives_cite_only_evidence_from_within_the_cycle() -> None:
    """Found by explanation completeness: an objective citing evidence dated before the cycle
    made a not-met draft cite evidence the engine had excluded."""
    review = _review(
        evidence=(
            EvidenceItem(
                id="e1", kind="lesson-observation", date=dt.date(2025, 7, 3), recorded_by="a-01"
            ),
            EvidenceItem(
                id="e2", kind="lesson-observation", date=dt.date(2025, 10, 3), recorded_by="a-01"
            ),
        ),
        objectives=(Objective(id="o1", text="t", outcome="met", evidence=("e1", "e2")),),
    )
    facts = derive_facts(HAMPSHIRE.framework, FactSettings(), review)
    assert facts.fact("objectives")["evidence"] == ["e2"]


@given(st.data())
def test_probes_keep_the_review_valid(data: st.DataObject) -> None:
    name = data.draw(st.sampled_from(INVARIANTS))
    probe = data.draw(probes(name, HAMPSHIRE.framework))
    for review in (probe.review, probe.variant):
        if review is not None:
            HAMPSHIRE.evaluator.decide(review)  # validates


def test_unknown_invariant_names_are_refused() -> None:
    with pytest.raises(KeyError, match="monotony"):
        probes("monotony", HAMPSHIRE.framework)


def test_the_docs_quote_the_worked_example_whole() -> None:
    root = Path(__file__).resolve().parents[2]
    example = (root / "tests" / "testkit" / "test_worked_example.py").read_text(encoding="utf-8")
    docs = (root / "docs" / "testing-rulesets.md").read_text(encoding="utf-8")
    assert f"```python\n{example}```" in docs


def _ect2_and_mpr_practice() -> tuple[EvidenceItem, ...]:
    """ECT 1 and ECT 2 statements confidently in two thirds of the sub-standards, and MPR
    statements independently in every sub-standard."""
    framework = HAMPSHIRE.framework
    units = list(dict.fromkeys(s.under for s in framework.statements))

    def first(stage: str, unit: str) -> list[Tag]:
        found = [s.id for s in framework.statements if s.stage == stage and s.under == unit][:1]
        modality = "independently" if stage == "mpr" else "confidently"
        return [Tag(statement=statement, modality=modality) for statement in found]

    tags = [
        tag
        for i, unit in enumerate(units)
        for stage in (("ect1", "ect2", "mpr") if i < 24 else ("mpr",))
        for tag in first(stage, unit)
    ]
    kinds = ("lesson-observation", "pupil-progress-data", "pupil-views", "work-scrutiny")
    return tuple(
        EvidenceItem(
            id=f"e{i + 1}",
            kind=kind,  # type: ignore[arg-type]
            date=dt.date(2026, 1, 10),
            recorded_by="a-01",
            tags=tuple(tags[i :: len(kinds)]),
        )
        for i, kind in enumerate(kinds)
    )


def test_later_stage_practice_counts_for_an_earlier_stage() -> None:
    """Found by cumulative stages: this evidence was not-met at ECT 2 and achieved at MPR,
    because MPR practice filled the sub-standards ECT 2 left unshown only at MPR."""
    ect2 = _review(stage="ect2", evidence=_ect2_and_mpr_practice(), objectives=())
    mpr = ect2.model_copy(update={"stage": "mpr"})
    probe = Probe(ect2, mpr, "the same evidence judged at mpr", "not-higher")
    assert HAMPSHIRE.check("cumulative-stages", probe) is None
    # An ECT drafts on the induction scale: satisfactory progress, Achieved's induction level.
    assert HAMPSHIRE.evaluator.decide(ect2).winner == "satisfactory-progress"
