"""The dependency direction schemas ← engine ← service holds."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def imported_top_levels(package: str) -> set[str]:
    names: set[str] = set()
    for path in (ROOT / package).rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module.split(".")[0])
    return names


def test_schemas_import_nothing_of_ours() -> None:
    assert not imported_top_levels("schemas") & {"engine", "service"}


def test_engine_never_imports_the_service_or_a_web_framework() -> None:
    assert not imported_top_levels("engine") & {"service", "fastapi", "starlette", "uvicorn"}


def test_importing_the_engine_loads_no_web_framework() -> None:
    code = (
        "import sys, engine.catalogue, engine.stages, engine.render_framework; "
        "print(sorted(m for m in sys.modules "
        "if m.split('.')[0] in ('fastapi', 'starlette', 'service')))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == "[]"
