"""The rationale's line per standard (grouping, counts, cited evidence) and its concern lines,
which are apart from what is met and say what the concerns did to the outcome."""

from __future__ import annotations

from engine.facts.derive import CaseFacts, StatementFacts
from engine.recommend.recommendation import _concern_lines, _standard_lines, _Wording
from schemas.recommendation import Cause, Comparison

WORDING = _Wording(
    labels={},
    standards={"ts.1": "Standard 1 (Teaching)", "ts.2": "Standard 2 (Progress)"},
    outranked_by="rule priority",
    statements={
        "ts.1.2": "Plan lessons that build on prior learning.",
        "ts.2.2": "Track progress.",
    },
    cited={},
    parameters={},
)


def fact(
    statement: str,
    standard: str,
    *,
    required: str | None = "confidently",
    met: bool = False,
    strengths: tuple[str, ...] = (),
    concerns: tuple[str, ...] = (),
) -> StatementFacts:
    shown = tuple((e, "confidently") for e in strengths)
    best = "confidently" if strengths else None
    return StatementFacts(
        statement, standard, standard, "mpr", None, required, best, met, bool(concerns),
        shown, strengths, concerns,
    )  # fmt: skip


def test_statements_of_a_standard_are_one_line_in_first_seen_order_wherever_they_come() -> None:
    facts = [
        fact("ts.2.1", "ts.2", met=True, strengths=("e3",)),
        fact("ts.1.1", "ts.1", met=True, strengths=("e2", "e1")),
        fact("ts.2.9", "ts.2", required=None, strengths=("e9",)),  # next stage: not counted
        fact("ts.1.2", "ts.1", met=True, strengths=("e1",), concerns=("e4",)),
        fact("ts.2.2", "ts.2", concerns=("e5",), strengths=("e6",)),
        fact("ts.1.3", "ts.1"),
    ]
    first, second = _standard_lines(WORDING, facts)
    # what is met only: a concern never reads as part of "N of M met"
    assert first.text == "Standard 2 (Progress): 1 of 2 required statements met."
    assert first.statements == ("ts.2.1",)
    assert first.evidence == ("e3",)
    assert second.text == "Standard 1 (Teaching): 2 of 3 required statements met."
    assert second.statements == ("ts.1.1", "ts.1.2")
    assert second.evidence == ("e1", "e2")


STATEMENTS = [
    fact("ts.1.2", "ts.1", met=True, strengths=("e1",), concerns=("e4",)),
    fact("ts.1.1", "ts.1", met=True, strengths=("e2",)),  # no concern
    fact("ts.2.2", "ts.2", concerns=("e5",)),
    fact("ts.2.1", "ts.2", concerns=("e6", "e5")),
    fact("ts.2.9", "ts.2", required=None, concerns=("e9",)),  # next stage: not counted
]
CASE = CaseFacts(
    facts=(),
    statements={f.statement: f for f in STATEMENTS},
    ledger=(),
    excluded=(),
    required={},
    next_stage="",
    used=(),
)
CONCERNS = CASE.concerns


def test_the_concerns_of_a_case_are_its_required_statements_with_one_in_order() -> None:
    assert [f.statement for f in CONCERNS] == ["ts.1.2", "ts.2.2", "ts.2.1"]
    assert CASE.concerns is CONCERNS  # found once per case, however many lines list them


def test_concerns_nobody_weighed_are_listed_by_standard_and_left_to_a_person() -> None:
    head, *lines = _concern_lines(WORDING, CONCERNS, ())
    assert head.text == (
        "Concerns are recorded on 3 required statement(s); no threshold behind this outcome "
        "counts them, so a person weighs them."
    )
    # one line per standard: the words and the evidence are cited with it, as every citation is
    assert [line.text for line in lines] == [
        "Concerns recorded in Standard 1 (Teaching).",
        "Concerns recorded in Standard 2 (Progress).",
    ]
    assert [line.statements for line in lines] == [("ts.1.2",), ("ts.2.2", "ts.2.1")]
    assert [line.evidence for line in lines] == [("e4",), ("e5", "e6")]


def test_concerns_a_cause_weighed_say_so_with_the_threshold_and_are_not_listed_twice() -> None:
    held = Comparison(
        fact="coverage",
        field="standards_with_concerns",
        label="standards with concerns",
        figure=2,
        operator=">",
        threshold=1,
        parameter="max_standards_with_concerns",
        text="standards with concerns 2, above the 1 allowed (`max_standards_with_concerns`)",
    )
    cause = Cause(
        rule="x.concerns", depth=1, concluded="below", text="…", comparisons=(held,),
        statements=("ts.1.2", "ts.2.2"),
    )  # fmt: skip
    head, line = _concern_lines(WORDING, CONCERNS, (cause,))
    assert head.text == (
        "Concerns are recorded on 3 required statement(s) (2 listed above); they count towards "
        "the outcome: standards with concerns 2, above the 1 allowed "
        "(`max_standards_with_concerns`)."
    )
    assert line.text == "Concerns recorded in Standard 2 (Progress)."
    assert line.statements == ("ts.2.1",)  # the one the cause did not list
