"""The meeting page names the framework and the stage in words, not by their ids."""

from __future__ import annotations

from pathlib import Path

from engine.catalogue import Catalogue
from engine.decide.rulesets import RuleSets
from engine.recommend.recommendation import recommend
from engine.recommend.render import render_markdown
from engine.review.load import load_review

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def _header(example: str, *, named: bool) -> str:
    catalogue = Catalogue()
    review = load_review(EXAMPLES / example, catalogue)
    rec = recommend(RuleSets(catalogue).evaluator(review, None), review, next_steps=False)
    framework = catalogue[rec.framework] if named else None
    return render_markdown(rec, framework=framework).split("> This is a recommendation")[0]


def test_a_hampshire_page_says_the_framework_and_stage_in_words() -> None:
    header = _header("hampshire-mpr-achieved.yaml", named=True)
    assert "**Framework / rule set:** Hampshire guidance / hampshire" in header
    assert "**Stage:** MPR" in header
    assert "**Stage:** mpr" not in header


def test_an_ect_page_names_the_induction_year() -> None:
    header = _header("hampshire-ect1-induction.yaml", named=True)
    assert "**Stage:** ECT 1" in header


def test_without_the_framework_the_ids_stand() -> None:
    header = _header("hampshire-mpr-achieved.yaml", named=False)
    assert "**Framework / rule set:** hampshire / hampshire" in header
    assert "**Stage:** mpr" in header
