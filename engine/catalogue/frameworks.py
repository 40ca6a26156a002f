"""The framework catalogue: load ``rules/<id>/framework.yaml`` files, all problems at once."""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from functools import cached_property
from pathlib import Path

from engine._validate import did_you_mean, validate_document
from engine._yaml import load_yaml_file
from engine.catalogue._checks import check_framework
from engine.errors import CatalogueError, NotFoundError
from schemas.diagnostics import Diagnostic
from schemas.framework import Framework

__all__ = ["Catalogue", "default_rules_dir", "load_framework"]

FRAMEWORK_FILE = "framework.yaml"


def default_rules_dir() -> Path:
    """``$APPRAISE_RULES_DIR`` if set, else the ``rules/`` folder of this checkout."""
    configured = os.environ.get("APPRAISE_RULES_DIR")
    return Path(configured) if configured else Path(__file__).resolve().parents[2] / "rules"


def load_framework(path: Path, *, expected_id: str | None = None) -> Framework:
    """Load and check one framework file; raise ``CatalogueError`` listing every problem."""
    located = load_yaml_file(path)
    framework, diagnostics, _ = validate_document(Framework, located)
    if located.data is not None:
        diagnostics += check_framework(located)
    if expected_id and isinstance(located.data, dict):
        found = located.data.get("id")
        if isinstance(found, str) and found != expected_id:
            message = f"framework id {found!r} differs from its folder name {expected_id!r}"
            diagnostics.append(located.diagnostic(("id",), "id-mismatch", message))
    if diagnostics or framework is None:
        raise CatalogueError(diagnostics)
    return framework


class Catalogue(Mapping[str, Framework]):
    """Every framework under a rules directory, loaded lazily and all at once, keyed by id."""

    def __init__(self, rules_dir: Path | None = None) -> None:
        self.rules_dir = rules_dir or default_rules_dir()

    @cached_property
    def _frameworks(self) -> dict[str, Framework]:
        frameworks: dict[str, Framework] = {}
        diagnostics: list[Diagnostic] = []
        for path in sorted(self.rules_dir.glob(f"*/{FRAMEWORK_FILE}")):
            try:
                frameworks[path.parent.name] = load_framework(path, expected_id=path.parent.name)
            except CatalogueError as exc:
                diagnostics += exc.diagnostics
        if diagnostics:
            raise CatalogueError(diagnostics)
        return frameworks

    def __getitem__(self, framework_id: str) -> Framework:
        try:
            return self._frameworks[framework_id]
        except KeyError:
            hint = did_you_mean(framework_id, self._frameworks)
            raise NotFoundError(f"no framework {framework_id!r}{hint}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._frameworks)

    def __len__(self) -> int:
        return len(self._frameworks)
