"""The rationale's line per standard: grouping, counts, concerns and cited evidence."""

from __future__ import annotations

from engine.facts.derive import StatementFacts
from engine.recommend.recommendation import _standard_lines, _Wording

WORDING = _Wording(
    labels={},
    standards={"ts.1": "Standard 1 (Teaching)", "ts.2": "Standard 2 (Progress)"},
    outranked_by="rule priority",
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
    assert (
        first.text == "Standard 2 (Progress): 1 of 2 required statements met; concerns on ts.2.2."
    )
    assert first.statements == ("ts.2.1", "ts.2.2")
    assert first.evidence == ("e3", "e5", "e6")
    # a met statement with a concern is cited twice: once met, once for the concern
    assert second.text == (
        "Standard 1 (Teaching): 2 of 3 required statements met; concerns on ts.1.2."
    )
    assert second.statements == ("ts.1.1", "ts.1.2", "ts.1.2")
    assert second.evidence == ("e1", "e2", "e4")


def test_a_standard_with_nothing_shown_still_has_its_line_without_citations() -> None:
    (line,) = _standard_lines(WORDING, [fact("ts.1.1", "ts.1"), fact("ts.1.2", "ts.1")])
    assert line.text == "Standard 1 (Teaching): 0 of 2 required statements met."
    assert line.statements == () and line.evidence == ()
