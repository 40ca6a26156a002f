"""The engine's public API is what ``__all__`` says: every name importable and documented, and
nothing private of the engine imported by the service, the benchmarks or the docs."""

from __future__ import annotations

import ast
import importlib
import inspect
import re
from pathlib import Path

import pytest

from tests.test_layering import ENGINE_STEPS as STEPS

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = ["engine", "engine.errors", "engine.version", *(f"engine.{step}" for step in STEPS)]
PRIVATE_ENGINE_MODULE = re.compile(r"\bengine(?:\.[a-z]\w*)*\._\w+")


def own_docstring(value: object) -> str:
    """A class's or function's own docstring (not a dataclass's generated signature)."""
    doc = vars(value).get("__doc__") if inspect.isclass(value) else inspect.getdoc(value)
    name = getattr(value, "__name__", "")
    return "" if not doc or doc.startswith(f"{name}(") else doc


@pytest.mark.parametrize("package", PUBLIC)
def test_every_public_name_is_importable_and_documented(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__doc__, f"{package} has no docstring"
    names: list[str] = module.__all__
    assert names == sorted(set(names), key=names.index), "a name is listed twice"
    for name in names:
        value = getattr(module, name)
        assert not inspect.ismodule(value), f"{package}.{name} is a module, not the name"
        if inspect.isclass(value) or inspect.isfunction(value):
            assert own_docstring(value), f"{package}.{name} has no docstring"


@pytest.mark.parametrize("step", STEPS)
def test_a_steps_api_is_what_its_public_modules_export(step: str) -> None:
    package = importlib.import_module(f"engine.{step}")
    exported: set[str] = set()
    for path in (ROOT / "engine" / step).glob("[!_]*.py"):
        module = importlib.import_module(f"engine.{step}.{path.stem}")
        exported |= set(getattr(module, "__all__", ()))
        for name in getattr(module, "__all__", ()):
            assert hasattr(module, name), f"engine.{step}.{path.stem} lists missing {name}"
    assert set(package.__all__) <= exported


def python_imports(path: Path) -> set[str]:
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found |= {f"{node.module}.{alias.name}" for alias in node.names}
    return found


def test_the_service_and_benchmarks_import_nothing_private_of_the_engine() -> None:
    private = {
        f"{path.relative_to(ROOT)}: {name}"
        for folder in ("service", "benchmarks", "scripts")
        for path in (ROOT / folder).rglob("*.py")
        for name in python_imports(path)
        if PRIVATE_ENGINE_MODULE.search(name)
    }
    assert not private


def test_the_docs_cite_nothing_private_of_the_engine() -> None:
    pages = [ROOT / "README.md", ROOT / "rules" / "README.md", *(ROOT / "docs").glob("*.md")]
    private = {
        f"{page.relative_to(ROOT)}: {match.group()}"
        for page in pages
        for match in PRIVATE_ENGINE_MODULE.finditer(page.read_text(encoding="utf-8"))
    }
    assert not private


def test_the_lazy_names_of_the_engine_resolve_to_their_steps() -> None:
    engine = importlib.import_module("engine")
    from engine.decide import RuleSets

    assert engine.RuleSets is RuleSets
    with pytest.raises(AttributeError, match="no attribute 'nonsense'"):
        _ = engine.nonsense
