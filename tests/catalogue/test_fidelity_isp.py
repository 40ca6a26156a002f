"""Fidelity of rules/isp/framework.yaml to its source, shared/seeds/000_d0ebd64ff2d0ca1e.txt."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from engine.catalogue.frameworks import load_framework
from schemas.framework import Framework

FRAMEWORK_FILE = Path(__file__).resolve().parents[2] / "rules" / "isp" / "framework.yaml"

TITLES = {
    "3": "A Focus on Learners and Learning",
    "4": "Learning and Teaching",
    "5": "Evidence of Learning",
    "6": "Leadership for Learning",
    "7": "Learning Spaces",
    "8": "In Partnership with Parents and Carers",
    "9": "Improvement Planning",
}

# One statement per sentence; no sentence is split.
STATEMENT_COUNTS = {"3": 4, "4": 4, "5": 4, "6": 3, "7": 2, "8": 3, "9": 3}

# The source's paragraphs as extracted, after the "N. Title." head: its line wraps and
# run-together words kept, so the test can show that only spaces and hyphens were added.
SOURCE_PARAGRAPHS = {
    "3": """You put learners and their learning first. Your understanding of the
difference between learning and the factors that affect learning enables you to plan and support a goodstruggle
for all your students to get better. You are committed to your personal and professional learning and
development engaging in a series of learning visits and inquiries with colleagues and leaders to support your
ongoing selfevaluation. You are an active and valued member of dynamic learning communities""",
    "4": """You put learners and their learning first in your design and facilitation of learning
outcomes content and experiences which are underpinned by positive and supportive relationships. You
understand the types and phases of learning and apply your knowledge skills and understanding of these to
effectively facilitate learning teaching and assessing to meet the personalised needs of each student. You
empower students to lead their own learning supporting them to monitor assess and adjust their learning in
response to feedback. You continuously inquire into the process of learning making evidenceinformeddecisions
and taking action to further improve learning and teaching.""",
    "5": """You gather document and analyse evidence of learning from various sources anduse
this to identify targets and action steps for improving learning. You support students in knowing thedifferent
ways their learning can be evidenced and how to use feedback and learning advice to get better.Evidence
enables you to make secure judgments about your students learning in line with their personallearning goals
age and stage appropriate expectations and local national and international benchmarking.You document and
share evidence of learning to answer the questions: What are my students learning andHow do I know.""",
    "6": """You see yourself as a leader for learning and demonstrate the same vision values
and commitment as school leaders to support students to continuously learn and get better. You take
responsibility for where students are now with their learning and the targets and action steps needed to
improve. You support students to become leaders of their own learning by helping them develop their voice
choice and ownership of their learning process.""",
    "7": """You create and use spaces to support and demonstrate the schools shared ideas about
learners and learning and the ways in which students are getting better. You ensure learning spaces (physicaland
digital) are safe collaborative accessible and inclusive and enable students to play an active role in their
development.""",
    "8": """You work in partnership with parents and carers communicatingwith
them regularly about their childs learning inviting their feedback and using this feedback to improvelearning.
You help parents and carers understand the schools shared ideas about learners and learning inways that help
them to engage confidently when talking about what their child is getting better at what theirnext steps are
and how they will be supported at home. You ensure that the individual needs of parents andcarers are
understood and that they feel informed and involved as valued members of the schools learning
community.""",
    "9": """You are committed to learning and getting better and ensure this improvement
happens strategically and effectively. You are active and accountable for your contribution in setting your own
professional goals targets and action steps that focus on improving learning and gathering evidence to
demonstrate these. You contribute to department and school learning improvement planning where possible
and view the schools learning improvement plan as the central focus for getting better together.""",
}

# One full statement per standard, exactly as it must read.
SPOT_CHECKS = {
    "isp.3.2": "Your understanding of the difference between learning and the factors that "
    "affect learning enables you to plan and support a good struggle for all your students to "
    "get better.",
    "isp.4.2": "You understand the types and phases of learning and apply your knowledge "
    "skills and understanding of these to effectively facilitate learning teaching and "
    "assessing to meet the personalised needs of each student.",
    "isp.5.4": "You document and share evidence of learning to answer the questions: What are "
    "my students learning and How do I know.",
    "isp.6.3": "You support students to become leaders of their own learning by helping them "
    "develop their voice choice and ownership of their learning process.",
    "isp.7.2": "You ensure learning spaces (physical and digital) are safe collaborative "
    "accessible and inclusive and enable students to play an active role in their development.",
    "isp.8.3": "You ensure that the individual needs of parents and carers are understood and "
    "that they feel informed and involved as valued members of the schools learning community.",
    "isp.9.2": "You are active and accountable for your contribution in setting your own "
    "professional goals targets and action steps that focus on improving learning and "
    "gathering evidence to demonstrate these.",
}

# Every run-together form in the extraction, and its repair.
REPAIRS = {
    "goodstruggle": "good struggle",
    "selfevaluation": "self-evaluation",
    "evidenceinformed": "evidence-informed decisions",
    "anduse": "and use",
    "thedifferent": "the different",
    "better.Evidence": "better. Evidence",
    "personallearning": "personal learning",
    "benchmarking.You": "benchmarking. You",
    "andHow": "and How",
    "physicaland": "physical and",
    "communicatingwith": "communicating with",
    "improvelearning": "improve learning",
    "inways": "in ways",
    "theirnext": "their next",
    "andcarers": "and carers",
}


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(FRAMEWORK_FILE, expected_id="isp")


def _texts_under(framework: Framework, number: str) -> list[str]:
    return [s.text for s in framework.statements if s.under == f"isp.{number}"]


def _letters(text: str) -> str:
    """The text without whitespace or hyphens: what a repair may not change."""
    return re.sub(r"[\s-]", "", text)


def test_identity_and_source(framework: Framework) -> None:
    assert framework.id == "isp"
    assert framework.source.document == "000_d0ebd64ff2d0ca1e.txt"
    assert framework.stages == ()
    assert framework.conduct is None


def test_standards_are_3_to_9_with_source_titles_in_order(framework: Framework) -> None:
    got = [(n.id, n.kind, n.number, n.title, n.children) for n in framework.standards]
    assert got == [(f"isp.{k}", "standard", k, title, ()) for k, title in TITLES.items()]


@pytest.mark.parametrize(("number", "count"), STATEMENT_COUNTS.items())
def test_statement_count_and_ids_per_standard(
    framework: Framework, number: str, count: int
) -> None:
    ids = [s.id for s in framework.statements if s.under == f"isp.{number}"]
    assert ids == [f"isp.{number}.{i}" for i in range(1, count + 1)]


def test_every_statement_sits_under_a_standard(framework: Framework) -> None:
    assert {s.under for s in framework.statements} <= {n.id for n in framework.standards}
    assert len(framework.statements) == sum(STATEMENT_COUNTS.values())


@pytest.mark.parametrize(("statement_id", "text"), SPOT_CHECKS.items())
def test_statement_verbatim(framework: Framework, statement_id: str, text: str) -> None:
    by_id = {s.id: s.text for s in framework.statements}
    assert by_id[statement_id] == text


@pytest.mark.parametrize("number", TITLES)
def test_summary_is_the_paragraph_its_statements_make(framework: Framework, number: str) -> None:
    node = next(n for n in framework.standards if n.number == number)
    assert node.summary == " ".join(_texts_under(framework, number))


@pytest.mark.parametrize(("number", "paragraph"), SOURCE_PARAGRAPHS.items())
def test_only_spaces_and_hyphens_added_to_the_source(
    framework: Framework, number: str, paragraph: str
) -> None:
    assert _letters(" ".join(_texts_under(framework, number))) == _letters(paragraph)


@pytest.mark.parametrize(("broken", "repaired"), REPAIRS.items())
def test_run_together_words_repaired(framework: Framework, broken: str, repaired: str) -> None:
    statements = [s.text for s in framework.statements]
    # Summaries too: two repairs sit at a sentence boundary, so no one statement holds them.
    paragraphs = [n.summary or "" for n in framework.standards]
    assert not [t for t in statements + paragraphs if broken in t]
    assert any(repaired in t for t in paragraphs)


def test_every_repair_is_listed_in_one_note(framework: Framework) -> None:
    assert any(all(broken in note for broken in REPAIRS) for note in framework.notes)


def test_no_line_wrap_debris(framework: Framework) -> None:
    texts = [s.text for s in framework.statements] + [n.summary or "" for n in framework.standards]
    assert not [t for t in texts if "\n" in t or "  " in t or t != t.strip()]


def test_scale_is_not_from_the_source_and_says_why(framework: Framework) -> None:
    assert framework.scale.from_source is False
    assert framework.scale.rationale
    assert [level.id for level in framework.scale.levels] == [
        "not-yet-meeting",
        "meeting",
        "exceeding",
    ]


def test_modalities_weakest_first_with_rationale(framework: Framework) -> None:
    assert [m.id for m in framework.modalities.levels] == [
        "emerging",
        "consistent",
        "leading",
    ]
    assert framework.modalities.rationale
