"""Property: a later stage requires what an earlier one does, never at a weaker modality."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from engine.catalogue.frameworks import Catalogue
from engine.catalogue.stages import ancestors, modality_rank, stage_requirement
from schemas.framework import Framework

CATALOGUE = Catalogue()
STAGED = [f for f in CATALOGUE.values() if f.stages]


def assert_contains(framework: Framework, later: str, earlier: str) -> None:
    rank = modality_rank(framework)
    later_items = {i.statement: i.modality for i in stage_requirement(framework, later).items}
    for item in stage_requirement(framework, earlier).items:
        assert item.statement in later_items, (later, earlier, item.statement)
        assert rank[later_items[item.statement]] >= rank[item.modality], (later, earlier, item)


def test_some_framework_has_stages() -> None:
    assert [f.id for f in STAGED] == ["hampshire"]


@given(data=st.data())
def test_shipped_stages_are_cumulative(data: st.DataObject) -> None:
    framework = data.draw(st.sampled_from(STAGED))
    later = data.draw(st.sampled_from([s.id for s in framework.stages]))
    for earlier in ancestors(framework, later):
        assert_contains(framework, later, earlier)


@st.composite
def staged_frameworks(draw: st.DrawFn) -> Framework:
    """Random frameworks whose stages build on random earlier stages at random modalities."""
    n_modalities = draw(st.integers(1, 4))
    n_stages = draw(st.integers(1, 6))
    modalities = [{"id": f"m{i}", "label": f"M{i}"} for i in range(n_modalities)]
    stages = []
    for i in range(n_stages):
        earlier = draw(st.lists(st.integers(0, i - 1), unique=True, max_size=i)) if i else []
        stages.append(
            {
                "id": f"s{i}",
                "label": f"S{i}",
                "clause": {
                    "text": "clause",
                    "own_modality": f"m{draw(st.integers(0, n_modalities - 1))}",
                    "builds_on": [
                        {"stage": f"s{j}", "modality": f"m{draw(st.integers(0, n_modalities - 1))}"}
                        for j in earlier
                    ],
                    "citation": "generated",
                },
            }
        )
    statements = [
        {"id": f"x.{i}.{k}", "text": "t", "under": "x", "stage": f"s{i}", "citation": "generated"}
        for i in range(n_stages)
        for k in range(draw(st.integers(0, 3)))
    ]
    return Framework.model_validate(
        {
            "id": "generated",
            "title": "generated",
            "source": {"document": "none", "description": "generated"},
            "scale": {
                "from_source": True,
                "levels": [
                    {"id": "a", "label": "A", "description": "a"},
                    {"id": "b", "label": "B", "description": "b"},
                ],
            },
            "modalities": {"levels": modalities},
            "stages": stages,
            "standards": [{"id": "x", "kind": "standard", "title": "x", "citation": "generated"}],
            "statements": statements
            or [{"id": "x.none", "text": "t", "under": "x", "citation": "generated"}],
        }
    )


@settings(max_examples=200)
@given(staged_frameworks())
def test_any_stage_graph_is_cumulative(framework: Framework) -> None:
    for stage in framework.stages:
        for earlier in ancestors(framework, stage.id):
            assert_contains(framework, stage.id, earlier)
