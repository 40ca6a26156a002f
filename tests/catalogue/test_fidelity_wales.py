"""Fidelity of rules/wales-leaders/framework.yaml to its seed, 004_2f85f50a2ae8c6ef.txt.

The expected counts and texts below were taken from the seed by hand, not from the YAML, so a
lost, merged or unstitched item fails here.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from engine.catalogue.frameworks import load_framework
from schemas.framework import Framework

FRAMEWORK_PATH = Path(__file__).resolve().parents[2] / "rules" / "wales-leaders" / "framework.yaml"

EFFECTIVE = "effective"
SUSTAINED = "sustained-highly-effective"

# (element id, number, effective items, sustained items), in source order. Lead-ins with
# sub-items count one statement per sub-item (1 entitlement: 3 + 3; 3 entitlement effective:
# one bullet plus a lead-in with three sub-items).
ELEMENTS = [
    ("wales.1.entitlement", "1 (entitlement)", 3, 3),
    ("wales.1.expectation", "1 (expectation)", 3, 3),
    ("wales.2.entitlement", "2 (entitlement)", 3, 3),
    ("wales.2.expectation", "2 (expectation)", 3, 3),
    ("wales.3.entitlement", "3 (entitlement)", 4, 3),
    ("wales.3.expectation", "3 (expectation)", 3, 3),
]

SPOT_CHECKS = {
    # 1 (entitlement): lead-in joined to its sub-item
    "wales.1.entitlement.effective.1": "A professional learning plan for the year ahead that "
    "benefits and meets the needs of learners and staff in your school or setting",
    "wales.1.entitlement.sustained.2": "An outline professional learning plan for the next 2 to "
    "5 years to support your future career pathway that extends your knowledge, skills and "
    "understanding for future leadership roles",
    # 1 (expectation)
    "wales.1.expectation.effective.3": "Using your Professional Learning Passport (PLP) to "
    "record your reflections.",
    # stitched across the page break (tail trails the repeated header row)
    "wales.1.expectation.sustained.3": "Sharing reflections with peers and identified staff "
    "from across the wider learning system to support professional growth.",
    # 2 (entitlement)
    "wales.2.entitlement.effective.2": "Support in leading or facilitating school or setting "
    "level enquiry into identified priority areas.",
    "wales.2.entitlement.sustained.3": "Opportunities for purposeful collaboration for school or "
    "setting improvement with other schools or settings on a regional, national and/or "
    "international level.",
    # 2 (expectation): both stitched across the page break
    "wales.2.expectation.effective.3": "Using your PLP to reflect on your professional learning "
    "in relation to the professional standards and taking an enquiring approach to improving "
    "practice across the school or setting.",
    "wales.2.expectation.sustained.3": "Ensuring the evaluation of professional learning is an "
    "integral part of school or setting processes.",
    # 3 (entitlement)
    "wales.3.entitlement.effective.1": "Receiving backing from the governing body and "
    "identified local or regional colleagues in leading a school or setting that develops as a "
    "learning organisation through the reflective use of the schools as learning organisations "
    "(SLO) survey.",
    "wales.3.entitlement.effective.4": "Receiving support to use the professional standards for "
    "leadership to inform progress on the wider school or setting",
    "wales.3.entitlement.sustained.2": "There is shared responsibility for continued development "
    "as a learning organisation through a school development plan that is based on "
    "self-critical use of self-evaluation, enquiry and the SLO survey.",
    # 3 (expectation)
    "wales.3.expectation.effective.2": "Leading on and/or contributing to the use of school or "
    "setting processes that promote the use of the professional standards to support "
    "reflection and development.",
    "wales.3.expectation.sustained.2": "Challenging your own practice at the sustained "
    "highly-effective practice end of the continuum in the professional standards and "
    "encouraging others to do the same.",
}


@pytest.fixture(scope="module")
def framework() -> Framework:
    return load_framework(FRAMEWORK_PATH, expected_id="wales-leaders")


def test_identity(framework: Framework) -> None:
    assert framework.id == "wales-leaders"
    assert framework.jurisdiction == "Wales"
    assert framework.source.document == "004_2f85f50a2ae8c6ef.txt"
    assert framework.stages == ()
    assert framework.conduct is None


def test_six_elements_in_source_order(framework: Framework) -> None:
    nodes = [(n.id, n.kind, n.number, n.children) for n in framework.standards]
    assert nodes == [(eid, "element", number, ()) for eid, number, _, _ in ELEMENTS]


def test_lead_in_elements_keep_their_sub_points(framework: Framework) -> None:
    nodes = {n.id: n for n in framework.standards}
    assert nodes["wales.2.expectation"].title == "As a leader I am expected to:"
    summary = nodes["wales.2.expectation"].summary or ""
    assert "identify and actively engage in an appropriate blend" in summary
    assert "including INSET time" in summary
    assert nodes["wales.3.entitlement"].title == "As a leader I am entitled to:"
    assert nodes["wales.3.expectation"].title == "As a leader I am expected to regularly consider:"
    assert nodes["wales.1.entitlement"].title == (
        "As a leader I am entitled to an individual professional learning journey supported by "
        "identified school, setting or local and/or regional staff."
    )


def test_statement_counts_per_element_and_level(framework: Framework) -> None:
    counts = Counter((s.under, s.level) for s in framework.statements)
    expected: Counter[tuple[str, str | None]] = Counter()
    for eid, _, n_effective, n_sustained in ELEMENTS:
        expected[(eid, EFFECTIVE)] = n_effective
        expected[(eid, SUSTAINED)] = n_sustained
    assert counts == expected
    assert len({s.id for s in framework.statements}) == len(framework.statements) == 37


def test_statement_ids_follow_element_level_and_position(framework: Framework) -> None:
    short = {EFFECTIVE: "effective", SUSTAINED: "sustained"}
    seen: Counter[tuple[str, str | None]] = Counter()
    for s in framework.statements:
        seen[(s.under, s.level)] += 1
        assert s.level is not None
        assert s.id == f"{s.under}.{short[s.level]}.{seen[(s.under, s.level)]}"
        assert s.citation.startswith("004_2f85f50a2ae8c6ef.txt: ")


@pytest.mark.parametrize("statement_id", sorted(SPOT_CHECKS))
def test_spot_check_verbatim(framework: Framework, statement_id: str) -> None:
    texts = {s.id: s.text for s in framework.statements}
    assert texts[statement_id] == SPOT_CHECKS[statement_id]


def test_spot_checks_cover_both_levels_of_every_element() -> None:
    covered = {sid.rsplit(".", 2)[0] + "." + sid.rsplit(".", 2)[1] for sid in SPOT_CHECKS}
    assert covered == {f"{eid}.{lvl}" for eid, *_ in ELEMENTS for lvl in ("effective", "sustained")}


def test_modalities_weakest_first(framework: Framework) -> None:
    levels = framework.modalities.levels
    assert [(m.id, m.label) for m in levels] == [
        (EFFECTIVE, "Effective practice"),
        (SUSTAINED, "Sustained highly-effective practice"),
    ]
    assert "in addition to those noted in the effective practice column" in (
        levels[1].description or ""
    )
    assert framework.modalities.rationale


def test_scale_is_ours_lowest_first_with_rationale(framework: Framework) -> None:
    scale = framework.scale
    assert [lvl.id for lvl in scale.levels] == [
        "not-yet-effective",
        EFFECTIVE,
        SUSTAINED,
    ]
    assert scale.from_source is False
    assert scale.rationale and "in addition to" in scale.rationale


def test_references_resolve(framework: Framework) -> None:
    element_ids = {n.id for n in framework.standards}
    modality_ids = {m.id for m in framework.modalities.levels}
    for s in framework.statements:
        assert s.under in element_ids, s.id
        assert s.level in modality_ids, s.id


def test_sustained_is_cumulative_on_effective(framework: Framework) -> None:
    with_effective = {s.under for s in framework.statements if s.level == EFFECTIVE}
    with_sustained = {s.under for s in framework.statements if s.level == SUSTAINED}
    assert with_sustained <= with_effective
