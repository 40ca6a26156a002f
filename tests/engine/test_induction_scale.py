"""ECTs draft on the induction scale: the rule-set schema and its diagnostics, evaluation, next
steps and the final decision (issue 13, part 5)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.errors import InputError, RuleSetError
from engine.recommend.final_decision import check_decision
from engine.recommend.recommendation import recommend
from engine.recommend.render import render_text
from engine.rules.compiler import compile_ruleset, load_ruleset
from schemas.review import Review
from schemas.service import DecisionCreate

ROOT = Path(__file__).resolve().parents[2]
CASES = ROOT / "rules" / "hampshire" / "cases"
CATALOGUE = Catalogue()
RULESETS = RuleSets(CATALOGUE)
HAMPSHIRE = CATALOGUE["hampshire"]

# Lines asserted on below: 8 (the induction scale's stages), 30 (the ECT rule's proposal).
TINY = """\
id: tiny
framework: hampshire
version: "1"
title: Tiny rule set with an induction scale
scales:
  induction:
    title: induction
    stages: [ect1, ect2]
    levels:
      - {id: unsatisfactory-progress, label: Unsatisfactory progress}
      - {id: satisfactory-progress, label: Satisfactory progress}
    map: {not-met: unsatisfactory-progress, achieved: satisfactory-progress}
    expected: satisfactory-progress
rules:
  - id: tiny.enough
    description: enough evidence
    source: test
    when: [{fact: sufficiency, where: [items >= 4]}]
    then: {propose: achieved}
    reason: "{sufficiency.items} items"
  - id: tiny.ect-short
    description: an ECT with few sources
    source: test
    when:
      - fact: review
        where:
          - stage in [ect1, ect2]
      - fact: sufficiency
        where: [source_kinds < 2]
    then: {propose: unsatisfactory-progress}
    reason: few sources
resolution:
  order: [needs_human_review, insufficient_evidence, not-met, exceptional, achieved]
  expected: achieved
"""


def edit(old: str, new: str, text: str = TINY) -> str:
    assert text.count(old) == 1, old
    return text.replace(old, new)


def problems(tmp_path: Path, text: str) -> list[tuple[int, int, str, str]]:
    path = tmp_path / "ruleset.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RuleSetError) as caught:
        load_ruleset(path, CATALOGUE)
    return [(d.line, d.column, d.code, d.message) for d in caught.value.diagnostics]


def case_review(name: str) -> Review:
    data: dict[str, Any] = yaml.safe_load((CASES / name).read_text(encoding="utf-8"))
    return Review.model_validate(data["review"])


# --- the schema and the compiler ----------------------------------------------------------------


def test_a_rule_for_ect_stages_may_propose_an_induction_level(tmp_path: Path) -> None:
    path = tmp_path / "ruleset.yaml"
    path.write_text(TINY, encoding="utf-8")
    compiled = compile_ruleset(*load_ruleset(path, CATALOGUE))
    induction = compiled.scale_for("ect1")
    assert induction.id == "induction" and compiled.scale_for("mpr").id is None
    # the order follows through the map; the rating that no map names is off this scale
    assert induction.order == (
        "needs_human_review",
        "insufficient_evidence",
        "unsatisfactory-progress",
        "satisfactory-progress",
    )


def test_a_misspelt_induction_level_is_located_with_a_suggestion(tmp_path: Path) -> None:
    text = edit("{propose: unsatisfactory-progress}", "{propose: unsatisfactory-progres}")
    message = (
        "'unsatisfactory-progres' is not on the induction scale "
        "(did you mean 'unsatisfactory-progress'?)"
    )
    assert problems(tmp_path, text) == [(30, 21, "unknown-rating", message)]


def test_an_induction_level_proposed_at_every_stage_is_off_scale(tmp_path: Path) -> None:
    text = edit("          - stage in [ect1, ect2]\n", "          - stage != ect1\n")
    [(line, column, code, message)] = problems(tmp_path, text)
    assert (line, column, code) == (30, 21, "off-scale")
    assert message.startswith(
        "rule 'tiny.ect-short' proposes 'unsatisfactory-progress', which is not on the "
        "hampshire scale of stages mpr, upr1, upr2-3, lp, adh: add 'stage in [ect2]'"
    )


def test_a_pay_rating_at_ect_stages_needs_a_map_entry(tmp_path: Path) -> None:
    text = edit(
        "      - fact: sufficiency\n        where: [source_kinds < 2]\n    then: {propose: "
        "unsatisfactory-progress}",
        "      - fact: sufficiency\n        where: [source_kinds < 2]\n    then: {propose: "
        "exceptional}",
    )
    message = "'exceptional' is not on the induction scale"
    assert problems(tmp_path, text) == [(30, 21, "unknown-rating", message)]


def test_scale_stages_and_map_are_checked(tmp_path: Path) -> None:
    text = edit("stages: [ect1, ect2]", "stages: [ect1, etc2]")
    text = edit(
        "map: {not-met: unsatisfactory-progress, achieved: satisfactory-progress}",
        "map: {not-met: satisfactory-progress, achieved: unsatisfactory-progress}",
        text,
    )
    found = problems(tmp_path, text)
    message = "'etc2' is not a stage of hampshire (did you mean 'ect2'?)"
    assert (8, 20, "unknown-stage", message) in found
    reversed_map = [f for f in found if f[2] == "scale-map"]
    assert reversed_map and "'achieved' is better than 'not-met'" in reversed_map[0][3]


def test_the_shipped_hampshire_rule_set_drafts_ects_on_the_induction_scale() -> None:
    compiled = RULESETS.compiled("hampshire")
    assert {compiled.scale_for(s).id for s in ("ect1", "ect2")} == {"induction"}
    assert {compiled.scale_for(s).id for s in ("mpr", "upr1", "upr2-3", "lp", "adh")} == {None}


# --- evaluation, rendering and next steps -------------------------------------------------------


def test_an_ect_review_drafts_an_induction_outcome_never_a_pay_rating() -> None:
    review = case_review("01-ect1-achieved.yaml")
    rec = recommend(RULESETS.evaluator(review), review)
    assert (rec.rating, rec.scale, rec.purpose) == (
        "satisfactory-progress",
        "induction",
        "induction-progress",
    )
    assert rec.rating_label == "Satisfactory progress towards the Teachers' Standards"
    headline = render_text(rec).splitlines()[0]
    assert headline == (
        "Draft: Satisfactory progress towards the Teachers' Standards (draft induction progress)"
    )
    assert "Exceptional" not in render_text(rec)


def test_an_ect_already_satisfactory_has_no_higher_target() -> None:
    review = case_review("02-ect2-achieved.yaml")
    steps = recommend(RULESETS.evaluator(review), review).next_steps
    assert steps.target is None and steps.changes == ()
    assert "no higher outcome to aim for" in steps.note


def test_next_steps_of_an_ect_aim_at_satisfactory_progress() -> None:
    review = case_review("16-ect1-concerns-in-several-standards.yaml")
    rec = recommend(RULESETS.evaluator(review), review)
    assert rec.rating == "unsatisfactory-progress"
    assert rec.next_steps.target == "satisfactory-progress" and rec.next_steps.confirmed
    assert rec.next_steps.note.endswith(
        "would reach Satisfactory progress towards the Teachers' Standards."
    )


def test_the_same_evidence_at_mpr_still_drafts_on_the_pay_scale() -> None:
    review = case_review("16-ect1-concerns-in-several-standards.yaml")
    mpr = review.model_copy(update={"stage": "mpr"})
    rec = recommend(RULESETS.evaluator(mpr), mpr, next_steps=False)
    assert (rec.rating, rec.scale, rec.purpose) == ("not-met", None, "pay-recommendation")


# --- the final decision ------------------------------------------------------------------------


def test_a_final_outcome_on_the_induction_scale_is_accepted_for_an_ect() -> None:
    ruleset = RULESETS.load("hampshire")
    decision = DecisionCreate(rating="satisfactory-progress")
    label = check_decision(
        HAMPSHIRE, "satisfactory-progress", decision, ruleset=ruleset, stage="ect1"
    )
    assert label == "Satisfactory progress towards the Teachers' Standards"


def test_a_pay_rating_for_an_ect_is_refused_plainly() -> None:
    ruleset = RULESETS.load("hampshire")
    with pytest.raises(InputError) as error:
        check_decision(
            HAMPSHIRE,
            "satisfactory-progress",
            DecisionCreate(rating="achieved"),
            ruleset=ruleset,
            stage="ect2",
        )
    (problem,) = error.value.diagnostics
    assert (problem.code, problem.path) == ("unknown-rating", "rating")
    assert problem.message == (
        "rating: 'achieved' is on the hampshire scale, but this draft is on the induction "
        "scale: give one of unsatisfactory-progress, satisfactory-progress"
    )


def test_an_induction_outcome_for_an_mpr_teacher_is_refused() -> None:
    ruleset = RULESETS.load("hampshire")
    with pytest.raises(InputError) as error:
        check_decision(
            HAMPSHIRE,
            "achieved",
            DecisionCreate(rating="satisfactory-progress"),
            ruleset=ruleset,
            stage="mpr",
        )
    assert (
        "'satisfactory-progress' is on the induction scale, but this draft is on the "
        + ("hampshire scale: give one of not-met, achieved, exceptional")
        in error.value.diagnostics[0].message
    )
