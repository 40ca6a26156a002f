"""``review_skeleton``: for every stage of every framework, a review that loads, validates and
drafts as printed, listing exactly the statements the facts judge it against."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import yaml

from engine.authoring import academic_year, fact_settings, review_skeleton
from engine.catalogue.frameworks import Catalogue
from engine.decide.rulesets import RuleSets
from engine.errors import NotFoundError
from engine.facts import required_modalities
from engine.recommend.recommendation import recommend
from engine.review.load import parse_review
from schemas.review import Review
from tests.authoring.conftest import every_stage

TODAY = dt.date(2026, 3, 14)
LISTED = re.compile(r"^ {6}# - \{statement: ([a-z0-9.-]+), modality: ([a-z-]+)\} +# ")


def skeleton(catalogue: Catalogue, framework: str, stage: str | None, **options: str) -> str:
    settings = fact_settings(catalogue, framework, None)
    return review_skeleton(catalogue[framework], stage, settings=settings, today=TODAY, **options)


@pytest.mark.parametrize(("framework", "stage"), every_stage())
def test_the_skeleton_validates_and_drafts_as_printed(
    catalogue: Catalogue, framework: str, stage: str | None
) -> None:
    text = skeleton(catalogue, framework, stage)
    assert isinstance(yaml.safe_load(text), dict)  # the comments keep it YAML
    review = parse_review(text, "new.yaml", catalogue)
    assert (review.framework, review.stage) == (framework, stage)
    draft = recommend(RuleSets(catalogue).evaluator(review), review)
    assert draft.outcome  # a draft of some kind: the placeholder evidence is thin on purpose


@pytest.mark.parametrize(("framework", "stage"), every_stage())
def test_it_lists_what_the_facts_require_once_each_at_that_modality(
    catalogue: Catalogue, framework: str, stage: str | None
) -> None:
    listed = [
        m.groups()
        for line in skeleton(catalogue, framework, stage).splitlines()
        if (m := LISTED.match(line))
    ]
    settings = fact_settings(catalogue, framework, None)
    required, _ = required_modalities(catalogue[framework], settings, stage)
    assert sorted(listed) == sorted(required.items())


def test_mpr_lists_the_ect_statements_confidently_by_standard(catalogue: Catalogue) -> None:
    lines = skeleton(catalogue, "hampshire", "mpr").splitlines()
    first = lines.index(
        "      # Standard 1: To set high expectations which inspire, motivate and challenge pupils"
    )
    assert lines[first + 1].startswith("      #   1.1 Establish a safe and stimulating environment")
    assert lines[first + 2].startswith(
        "      # - {statement: ts.1.1.ect1.1, modality: confidently}   # ECT 1: Create a learning"
    )
    assert any("ts.1.1.mpr.1, modality: independently}  # MPR: " in line for line in lines)
    assert (
        "      # Stage MPR is judged against these 270 statements, each at the modality shown"
        in lines
    )


def test_uncommenting_a_listed_line_makes_it_a_tag(catalogue: Catalogue) -> None:
    """An editor's toggle-comment removes '# ': the line is then a tag of the first item."""
    text = skeleton(catalogue, "hampshire", "mpr")
    line = next(line for line in text.splitlines() if "ts.4.1.mpr.1," in line)
    review = parse_review(text.replace(line, line.replace("# ", "", 1)), "new.yaml", catalogue)
    assert [t.statement for t in review.evidence[0].tags] == ["ts.1.1.ect1.1", "ts.4.1.mpr.1"]


def test_without_stages_every_statement_at_the_rule_sets_modality(catalogue: Catalogue) -> None:
    text = skeleton(catalogue, "isp", None)  # the isp rule set: required_modality consistent
    assert "stage:" not in text.replace("# stage:", "")
    assert "# - {statement: isp.3.1, modality: consistent}" in text
    wales = skeleton(catalogue, "wales-leaders", None)  # a practice level is its own modality
    assert "modality: sustained-highly-effective}" in wales


def test_the_modeline_names_the_schema_for_editors(catalogue: Catalogue) -> None:
    text = skeleton(catalogue, "hgios4", None, schema="hgios4.schema.json")
    assert text.splitlines()[0] == "# yaml-language-server: $schema=hgios4.schema.json"
    assert "# yaml-language-server" not in skeleton(catalogue, "hgios4", None)


@pytest.mark.parametrize("name", ["yes", "t: 1", "12", "null", "#x", "Jo Smith"])
def test_a_subject_reads_back_as_the_text_given(catalogue: Catalogue, name: str) -> None:
    text = skeleton(catalogue, "isp", None, subject=name, appraiser=name)
    review = parse_review(text, "new.yaml", catalogue)
    assert (review.subject, review.appraiser, review.evidence[0].recorded_by) == (name,) * 3


def test_a_ruleset_named_is_written_into_the_review(catalogue: Catalogue) -> None:
    text = skeleton(catalogue, "isp", None, ruleset="isp")
    assert Review.model_validate(parse_review(text, "new.yaml", catalogue)).ruleset == "isp"


@pytest.mark.parametrize(
    ("framework", "stage", "message"),
    [
        ("hampshire", None, "has career stages: give one of ect1, ect2, mpr"),
        ("hampshire", "MPR", "did you mean 'mpr'?"),
        ("isp", "mpr", "has no career stages"),
    ],
)
def test_a_wrong_stage_is_refused(
    catalogue: Catalogue, framework: str, stage: str | None, message: str
) -> None:
    with pytest.raises(NotFoundError, match=re.escape(message)):
        skeleton(catalogue, framework, stage)


def test_fact_settings_come_from_the_rule_set_named(catalogue: Catalogue) -> None:
    assert fact_settings(catalogue, "isp", None).required_modality == "consistent"
    with pytest.raises(NotFoundError, match="is for framework 'hampshire', not 'isp'"):
        fact_settings(catalogue, "isp", "hampshire")
    with pytest.raises(NotFoundError, match="did you mean 'isp'"):
        fact_settings(catalogue, "isp", "ips")


@pytest.mark.parametrize(
    ("today", "start"),
    [(dt.date(2026, 3, 14), dt.date(2025, 9, 1)), (dt.date(2026, 9, 1), dt.date(2026, 9, 1))],
)
def test_the_cycle_is_the_school_year_of_today(today: dt.date, start: dt.date) -> None:
    assert academic_year(today) == (start, dt.date(start.year + 1, 8, 31))
