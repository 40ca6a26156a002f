"""Fidelity of each framework's evidence kinds and sources to its source document.

What each framework counts as evidence, and which triangulation source each kind belongs to,
is written here by hand from the documents (and, where a document is silent, from the
framework's own description of its sources), so a kind moved to another source fails here.
Every phrase a kind or source quotes from its document must be in that document.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from engine.catalogue.frameworks import Catalogue
from schemas.framework import Framework

ROOT = Path(__file__).resolve().parents[2]
SEEDS = Path(os.environ.get("APPRAISE_SEEDS", ROOT.parent / "shared" / "seeds"))
CATALOGUE = Catalogue()

DIRECT, DATA, VIEWS = "direct-observation", "quantitative-data", "peoples-views"

# (kind, label, source) in framework order; None: the kind counts towards no source.
KINDS: dict[str, list[tuple[str, str, str | None]]] = {
    # The seed names no sources; the framework's people's views take in CPD records and the
    # teacher's own reflection ("Pupil, parent and staff views, CPD records and the teacher's
    # own reflection"), and its grid speaks of learning walks and pupil interviews.
    "hampshire": [
        ("lesson-observation", "Lesson observation", DIRECT),
        ("learning-walk", "Learning walk", DIRECT),
        ("work-scrutiny", "Work scrutiny", DIRECT),
        ("pupil-progress-data", "Pupil progress data", DATA),
        ("pupil-views", "Pupil views", VIEWS),
        ("parent-views", "Parent views", VIEWS),
        ("staff-views", "Staff views", VIEWS),
        ("cpd-record", "CPD record", VIEWS),
        ("self-reflection", "Self-reflection", VIEWS),
        ("other", "Other", None),
    ],
    # "How do you know?": HGIOS4's quantitative data takes in participation in professional
    # learning and its measured impact ("evidence of clear and measureable impact of
    # professional learning"); practitioners discussing their own learning is people's views.
    "hgios4": [
        ("lesson-observation", "Observation of learning and teaching", DIRECT),
        ("learning-walk", "Learning walk", DIRECT),
        ("work-scrutiny", "Learners' work", DIRECT),
        ("pupil-progress-data", "Attainment and progress data", DATA),
        ("pupil-views", "Learners' views", VIEWS),
        ("parent-views", "Parents' and carers' views", VIEWS),
        ("staff-views", "Staff views and professional dialogue", VIEWS),
        ("cpd-record", "Record of career-long professional learning (CLPL)", DATA),
        ("self-reflection", "Practitioner's reflection on their professional learning", VIEWS),
        ("other", "Other", None),
    ],
    # Learning visits, evidence of learning (standard 5), students' voice and parents' and
    # carers' feedback; self-evaluation is what the visits support, not a source of its own.
    "isp": [
        ("lesson-observation", "Lesson observation", DIRECT),
        ("learning-walk", "Learning visit", DIRECT),
        ("work-scrutiny", "Students' work", DIRECT),
        ("pupil-progress-data", "Evidence of learning", DATA),
        ("pupil-views", "Students' voice", VIEWS),
        ("parent-views", "Parents' and carers' feedback", VIEWS),
        ("staff-views", "Colleagues' and leaders' views", VIEWS),
        ("cpd-record", "Record of personal and professional learning", None),
        ("self-evaluation", "Self-evaluation", None),
        ("other", "Other", None),
    ],
    # The learning plan and the PLP's reflections are documentary (the rule set counts kinds,
    # not sources, for that reason); colleagues' and peers' views are people's views.
    "wales-leaders": [
        ("lesson-observation", "Observation of practice", DIRECT),
        ("learning-walk", "Learning walk", DIRECT),
        ("work-scrutiny", "Work scrutiny", DIRECT),
        ("pupil-progress-data", "Learner progress data", DATA),
        ("pupil-views", "Learners' views", VIEWS),
        ("parent-views", "Parents' views", VIEWS),
        ("staff-views", "Colleagues' and peers' views", VIEWS),
        ("cpd-record", "Professional learning plan", None),
        (
            "self-reflection",
            "Reflections recorded in the Professional Learning Passport (PLP)",
            None,
        ),
        ("other", "Other", None),
    ],
}


@pytest.mark.parametrize("framework_id", sorted(KINDS))
def test_kinds_and_the_source_each_belongs_to(framework_id: str) -> None:
    framework = CATALOGUE[framework_id]
    got = [(k.id, k.label, k.source) for k in framework.evidence_kinds]
    assert got == KINDS[framework_id]
    assert {s.id for s in framework.evidence_sources} == {DIRECT, DATA, VIEWS}


def _quotes(framework: Framework) -> list[str]:
    """The phrases a kind or source quotes from the framework's own document."""
    document = framework.source.document
    citations = [c.citation or "" for c in (*framework.evidence_kinds, *framework.evidence_sources)]
    return [q for c in citations if c.startswith(document) for q in re.findall(r'"([^"]+)"', c)]


@pytest.mark.parametrize("framework_id", sorted(KINDS))
def test_every_quoted_phrase_is_in_the_source_document(framework_id: str) -> None:
    framework = CATALOGUE[framework_id]
    seed = SEEDS / framework.source.document
    if not seed.is_file():
        pytest.skip(f"seed not found at {seed} (set APPRAISE_SEEDS)")

    def flat(text: str) -> str:  # line wraps, run-together words and curly quotes aside
        return re.sub(r"\s+", "", text).replace("\u2019", "'")

    text = flat(seed.read_text(encoding="utf-8"))
    quotes = _quotes(framework)
    assert quotes, "the kinds quote nothing from the document"
    assert [q for q in quotes if flat(q) not in text] == []
