"""What the authoring tests share: the frameworks, and YAML read as an editor reads it."""

from __future__ import annotations

from typing import Any

import pytest
import yaml

from engine.catalogue.frameworks import Catalogue


class EditorLoader(yaml.SafeLoader):
    """YAML as an editor's language server sees it when validating: a date stays text."""


EditorLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def editor_yaml(text: str) -> Any:
    """``text`` parsed as an editor does (``yaml.load`` with dates kept as strings)."""
    return yaml.load(text, EditorLoader)


@pytest.fixture(scope="session")
def catalogue() -> Catalogue:
    return Catalogue()


def every_stage() -> list[tuple[str, str | None]]:
    """(framework id, stage id) for every stage of every framework; ``None`` without stages."""
    frameworks = Catalogue()
    return [
        (framework.id, stage)
        for framework in frameworks.values()
        for stage in ([s.id for s in framework.stages] or [None])
    ]
