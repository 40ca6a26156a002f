"""Cumulative stage requirements of the Hampshire grid, as an appraiser would read them."""

from __future__ import annotations

import pytest

from engine.catalogue.frameworks import Catalogue
from engine.catalogue.stages import ancestors, stage_requirement
from engine.errors import NotFoundError

HAMPSHIRE = Catalogue()["hampshire"]


def required(stage: str) -> dict[str, str]:
    return {i.statement: i.modality for i in stage_requirement(HAMPSHIRE, stage).items}


def test_ect1_requires_its_own_statements_with_support() -> None:
    ect1 = required("ect1")
    assert len(ect1) == 100
    assert set(ect1.values()) == {"with-support"}


def test_mpr_requires_ect_statements_confidently_and_its_own_independently() -> None:
    mpr = required("mpr")
    assert mpr["ts.1.1.ect1.1"] == "confidently"
    assert mpr["ts.1.1.ect2.1"] == "confidently"
    assert mpr["ts.1.1.mpr.1"] == "independently"
    assert not any(".upr1." in s for s in mpr)


def test_leading_practitioner_raises_everything_up_to_upr_to_proficiently() -> None:
    lp = required("lp")
    for statement in ("ts.1.1.ect1.1", "ts.3.1.mpr.1", "ts.3.1.upr1.1", "ts.3.1.upr2-3.1"):
        assert lp[statement] == "confidently-and-proficiently"
    assert lp["ts.3.1.lp.1"] == "independently"


def test_assistant_head_does_not_require_leading_practitioner_statements() -> None:
    assert ancestors(HAMPSHIRE, "adh") == ["ect1", "ect2", "mpr", "upr1", "upr2-3"]
    assert not any(".lp." in s for s in required("adh"))


def test_requirement_lists_stages_and_additionally_expectations_in_order() -> None:
    requirement = stage_requirement(HAMPSHIRE, "upr2-3")
    assert requirement.stages == ("ect1", "ect2", "mpr", "upr1", "upr2-3")
    assert requirement.additionally == (
        "be a role model to less experienced teachers",
        "support less experienced staff",
        "support UPR 1 colleagues",
    )


def test_unknown_stage_is_not_found_with_a_suggestion() -> None:
    with pytest.raises(NotFoundError, match="did you mean 'upr1'"):
        stage_requirement(HAMPSHIRE, "upr")
