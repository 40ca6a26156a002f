"""The dependency direction holds: schemas ← engine ← service, and inside the engine the flow
of a case, catalogue ← review ← facts ← rules ← decide ← recommend ← audit / testing / authoring."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

ENGINE_STEPS = [
    "catalogue",
    "review",
    "facts",
    "rules",
    "decide",
    "recommend",
    "audit",
    "testing",
    "authoring",
]
"""Each step may import the steps before it and the engine's root modules, never one after it;
audit, testing and authoring are all last and import none of each other."""
ENGINE_ROOT = {"errors", "version", "_yaml", "_validate", "_raw", "_memo", "_trusted"}


def imported_modules(path: Path) -> Iterator[str]:
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def imported_top_levels(package: str) -> set[str]:
    return {
        name.split(".")[0]
        for path in (ROOT / package).rglob("*.py")
        for name in imported_modules(path)
    }


def test_schemas_import_nothing_of_ours() -> None:
    assert not imported_top_levels("schemas") & {"engine", "service"}


def test_engine_never_imports_the_service_or_a_web_framework() -> None:
    assert not imported_top_levels("engine") & {"service", "fastapi", "starlette", "uvicorn"}


def test_the_engine_is_laid_out_as_the_flow_of_a_case() -> None:
    found = {p.name for p in (ROOT / "engine").iterdir() if p.name != "__pycache__"}
    assert found == {"__init__.py"} | {f"{m}.py" for m in ENGINE_ROOT} | set(ENGINE_STEPS)


def engine_imports(path: Path) -> set[str]:
    """The engine step or root module each import of ``path`` names."""
    return {
        name.split(".")[1]
        for name in imported_modules(path)
        if name.startswith("engine.") and name.count(".") >= 1
    }


@pytest.mark.parametrize("step", ENGINE_STEPS)
def test_an_engine_step_imports_only_the_steps_before_it(step: str) -> None:
    allowed = set(ENGINE_STEPS[: min(ENGINE_STEPS.index(step), ENGINE_STEPS.index("audit"))])
    allowed |= ENGINE_ROOT | {step}
    wrong = {
        f"{path.relative_to(ROOT)} imports engine.{name}"
        for path in (ROOT / "engine" / step).rglob("*.py")
        for name in engine_imports(path) - allowed
    }
    assert not wrong


def test_the_engines_root_modules_import_no_step() -> None:
    wrong = {
        f"{path.name} imports engine.{name}"
        for path in (ROOT / "engine").glob("*.py")
        if path.name != "__init__.py"
        for name in engine_imports(path) - ENGINE_ROOT
    }
    assert not wrong


def modules_loaded_by(code: str, packages: tuple[str, ...]) -> list[str]:
    """The modules of ``packages`` a fresh interpreter has loaded after running ``code``."""
    loaded = f"sorted(m for m in sys.modules if m.split('.')[0] in {packages!r})"
    probe = f"import sys; {code}; print({loaded})"
    result = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, check=True
    )
    names: list[str] = ast.literal_eval(result.stdout.strip())
    return names


def test_importing_the_engine_loads_no_web_framework() -> None:
    code = "import engine, engine.catalogue, engine.recommend, engine.audit, engine.testing"
    code += ", engine.authoring"
    assert modules_loaded_by(code, ("fastapi", "starlette", "service")) == []


def test_the_catalogue_loads_without_the_rule_engine() -> None:
    """Showing a framework is quick: the public API loads a step only when a name is used."""
    code = "import engine, engine.catalogue; engine.Catalogue"
    heavy = ("durable", "durable_rules_engine", "hypothesis", "matplotlib")
    assert modules_loaded_by(code, heavy) == []
