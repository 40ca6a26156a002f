"""Fidelity of rules/hgios4/framework.yaml to its source, 003_0a5853b635c5b7ec.txt (QI 1.2).

The expected values below are transcribed by hand from the seed; the last tests check them
against the seed itself when it is available, so a typo on either side shows up.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine.catalogue.frameworks import load_framework
from schemas.framework import Framework

ROOT = Path(__file__).resolve().parents[2]
FRAMEWORK_PATH = ROOT / "rules" / "hgios4" / "framework.yaml"
SEED_NAME = "003_0a5853b635c5b7ec.txt"
SEEDS_DIR = Path(os.environ.get("APPRAISE_SEEDS", ROOT.parent / "shared" / "seeds"))

THEMES = [
    (
        "qi.1-2.professional-engagement",
        "Professional engagement and collegiate working",
    ),
    ("qi.1-2.clpl", "Impact of career-long professional learning (CLPL)"),
    (
        "qi.1-2.children-leading",
        "Children leading learning / Children and young people leading learning",
    ),
]

SUMMARY_BULLETS = [
    "Leadership of improvements in learning and teaching.",
    (
        "The importance of professional commitment to improving pedagogy through a range of "
        "approaches to career-long professional learning including collegiate working."
    ),
    (
        "It focuses on leadership which improves outcomes for children and families / learners "
        "through enabling them to lead their own learning"
    ),
]

# (id, theme, text, marked HGIOELC in the source), in source order.
ILLUSTRATIONS = [
    (
        "qi.1-2.ill.1",
        "qi.1-2.professional-engagement",
        (
            "Practitioners participate in high quality individual and collective professional "
            "learning which improves outcomes for children and families. For example, shared "
            "understanding of early years pedagogy and assessment."
        ),
        True,
    ),
    (
        "qi.1-2.ill.2",
        "qi.1-2.professional-engagement",
        (
            "Staff , individually and collectively, engage regularly in professional dialogue to "
            "develop collective understanding. ie pedagogy, assessment and strategies for raising "
            "attainment"
        ),
        False,
    ),
    (
        "qi.1-2.ill.3",
        "qi.1-2.clpl",
        (
            "Professional learning opportunities are well planned and matched to identified needs "
            "and draw on local, national and international evidence and research. Practitioners "
            "are confident in discussing how they have improved their practice as a result of "
            "their own professional learning activities."
        ),
        True,
    ),
    (
        "qi.1-2.ill.4",
        "qi.1-2.clpl",
        # The double space is the source's own.
        (
            "There is evidence of clear and measureable impact of professional learning  on "
            "outcomes for learners"
        ),
        False,
    ),
    (
        "qi.1-2.ill.5",
        "qi.1-2.children-leading",
        (
            "There is clear evidence of a wide range of strategies in use to support children to "
            "take responsibility for their own learning and progress"
        ),
        True,
    ),
    (
        "qi.1-2.ill.6",
        "qi.1-2.children-leading",
        (
            "There is a range of strategies to support children and young people to take "
            "responsibility for their own learning and progress. They are able to have greater "
            "confidence and skills in learning theirs and others learning"
        ),
        False,
    ),
]

SCALE = [
    ("unsatisfactory", "Unsatisfactory"),
    ("weak", "Weak"),
    ("satisfactory", "Satisfactory"),
    ("good", "Good"),
    ("very-good", "Very good"),
    ("excellent", "Excellent"),
]

EVIDENCE_SOURCES = [
    ("quantitative-data", "Quantitative data"),
    ("peoples-views", "People's views"),
    ("direct-observation", "Direct observation"),
]


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(FRAMEWORK_PATH, expected_id="hgios4")


def test_identity(framework: Framework) -> None:
    assert framework.id == "hgios4"
    assert framework.jurisdiction == "Scotland"
    assert framework.source.document == SEED_NAME
    assert framework.stages == ()
    assert framework.conduct is None


def test_quality_indicator_with_level5_summary(framework: Framework) -> None:
    [qi] = framework.standards
    assert (qi.id, qi.kind, qi.number, qi.title) == (
        "qi.1-2",
        "quality-indicator",
        "1.2",
        "Leadership of learning",
    )
    assert qi.summary == " ".join(SUMMARY_BULLETS)


def test_three_themes_in_order(framework: Framework) -> None:
    [qi] = framework.standards
    assert [(t.id, t.title) for t in qi.children] == THEMES
    assert {t.kind for t in qi.children} == {"theme"}
    assert all(t.children == () for t in qi.children)


def test_six_illustrations_in_source_order(framework: Framework) -> None:
    assert [s.id for s in framework.statements] == [ill[0] for ill in ILLUSTRATIONS]


@pytest.mark.parametrize(
    ("sid", "theme", "text", "hgioelc"),
    ILLUSTRATIONS,
    ids=[ill[0] for ill in ILLUSTRATIONS],
)
def test_illustration_verbatim(
    framework: Framework, sid: str, theme: str, text: str, hgioelc: bool
) -> None:
    [statement] = [s for s in framework.statements if s.id == sid]
    assert statement.text == text
    assert statement.under == theme
    assert ("hgioelc" in statement.tags) is hgioelc
    assert "HGIOELC" not in statement.text
    assert statement.citation.startswith(SEED_NAME)


def test_exactly_illustrations_1_3_5_are_hgioelc(framework: Framework) -> None:
    tagged = [s.id for s in framework.statements if "hgioelc" in s.tags]
    assert tagged == ["qi.1-2.ill.1", "qi.1-2.ill.3", "qi.1-2.ill.5"]


def test_each_theme_has_two_illustrations(framework: Framework) -> None:
    for theme_id, _ in THEMES:
        assert sum(s.under == theme_id for s in framework.statements) == 2, theme_id


def test_illustrations_describe_sustained_practice(framework: Framework) -> None:
    assert [m.id for m in framework.modalities.levels] == [
        "evident",
        "sustained",
        "sector-leading",
    ]
    assert {s.level for s in framework.statements} == {"sustained"}


def test_six_point_scale_lowest_first(framework: Framework) -> None:
    assert framework.scale.from_source
    assert [(lvl.id, lvl.label) for lvl in framework.scale.levels] == SCALE
    assert all(lvl.description and lvl.citation for lvl in framework.scale.levels)


def test_evidence_sources(framework: Framework) -> None:
    assert [(e.id, e.label) for e in framework.evidence_sources] == EVIDENCE_SOURCES
    assert all(e.description and e.citation for e in framework.evidence_sources)


# --- the expected values above, checked against the seed itself -------------------------


@pytest.fixture(scope="module")
def seed_lines() -> list[str]:
    seed = SEEDS_DIR / SEED_NAME
    if not seed.is_file():
        pytest.skip(f"seed not found at {seed} (set APPRAISE_SEEDS)")
    return [line.strip() for line in seed.read_text(encoding="utf-8").splitlines()]


def _bullets_after(lines: list[str], heading: str) -> list[str]:
    start = lines.index(heading) + 1
    bullets = []
    for line in lines[start:]:
        if not line.startswith("· "):
            break
        bullets.append(line.removeprefix("· "))
    return bullets


def test_seed_themes_and_summary(seed_lines: list[str]) -> None:
    assert _bullets_after(seed_lines, "Themes:") == [title for _, title in THEMES]
    assert _bullets_after(seed_lines, "Level 5 Summary:") == SUMMARY_BULLETS


def test_seed_illustrations_and_hgioelc_markers(seed_lines: list[str]) -> None:
    found = []
    for _, _, text, hgioelc in ILLUSTRATIONS:
        at = seed_lines.index(text)
        following = next(line for line in seed_lines[at + 1 :] if line)
        found.append(at)
        assert (following == "(HGIOELC)") is hgioelc, text
    assert found == sorted(found)
    assert seed_lines.count("(HGIOELC)") == 3
