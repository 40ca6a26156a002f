"""Diagnostics for people and for tools: text with the offending source line and a caret (as
ruff shows them), JSON, and SARIF 2.1.0, which editors and CI annotate files from."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.metadata import version
from pathlib import Path

from schemas.diagnostics import Diagnostic

__all__ = ["FORMATS", "render_json", "render_sarif", "render_text", "sarif_log"]

FORMATS = ("text", "json", "sarif")
SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"


def render_text(diagnostics: Iterable[Diagnostic]) -> str:
    """Each diagnostic as ``file:line:col: code: message``, then its source line and a caret."""
    return "\n".join(_with_source(d) for d in diagnostics)


def _with_source(diagnostic: Diagnostic) -> str:
    head = str(diagnostic)
    line = _source_line(diagnostic.file, diagnostic.line)
    if line is None:
        return head
    number = str(diagnostic.line)
    gutter = " " * len(number)
    shown, before = _window(line, max(diagnostic.column - 1, 0))
    # the caret under the column; a tab before it stays a tab, so it lines up as the text does
    under = "".join(c if c == "\t" else " " for c in shown[:before])
    return "\n".join((head, f"{gutter} |", f"{number} | {shown}", f"{gutter} | {under}^"))


WIDTH = 100
"""The most of a source line shown: a line of a JSON Lines cohort can be a whole review."""


def _window(line: str, index: int) -> tuple[str, int]:
    """At most ``WIDTH`` characters of ``line`` around ``index``, and where ``index`` now is."""
    if len(line) <= WIDTH:
        return line, index
    start = max(0, min(index - WIDTH // 2, len(line) - WIDTH))
    shown = line[start : start + WIDTH]
    if start > 0:
        shown = "…" + shown
    if start + WIDTH < len(line):
        shown += "…"
    return shown, index - start + (start > 0)


@cache
def _lines(file: str) -> tuple[str, ...] | None:
    try:
        return tuple(Path(file).read_text(encoding="utf-8").splitlines())
    except (OSError, UnicodeDecodeError):
        return None


def _source_line(file: str, line: int) -> str | None:
    """The text of line ``line`` of ``file``; None when unknown (a review built in code)."""
    lines = _lines(file)
    if lines is None or not 1 <= line <= len(lines):
        return None
    return lines[line - 1].rstrip()


def render_json(diagnostics: Iterable[Diagnostic]) -> str:
    return json.dumps([d.model_dump() for d in diagnostics], indent=2, ensure_ascii=False)


def sarif_log(
    diagnostics: Sequence[Diagnostic], descriptions: dict[str, str] | None = None
) -> dict[str, object]:
    """A SARIF 2.1.0 log of one run: a rule per diagnostic code, a result per diagnostic.

    ``descriptions`` gives a code its short description (the code itself otherwise)."""
    codes = sorted({d.code for d in diagnostics})
    described = descriptions or {}
    rules = [
        {"id": code, "shortDescription": {"text": described.get(code, code)}} for code in codes
    ]
    index = {code: i for i, code in enumerate(codes)}
    return {
        "$schema": SARIF_SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "appraise",
                        "version": version("appraise"),
                        "rules": rules,
                    }
                },
                "results": [_result(d, index[d.code]) for d in diagnostics],
            }
        ],
    }


def _result(diagnostic: Diagnostic, rule_index: int) -> dict[str, object]:
    region = {"startLine": max(diagnostic.line, 1), "startColumn": max(diagnostic.column, 1)}
    location = {
        "physicalLocation": {
            "artifactLocation": {"uri": _uri(diagnostic.file)},
            "region": region,
        }
    }
    return {
        "ruleId": diagnostic.code,
        "ruleIndex": rule_index,
        "level": "error",
        "message": {"text": diagnostic.message},
        "locations": [location],
    }


def _uri(file: str) -> str:
    """A relative path as it is (relative to where appraise ran), an absolute one as a file URI."""
    path = Path(file)
    return path.as_uri() if path.is_absolute() else path.as_posix()


def render_sarif(
    diagnostics: Sequence[Diagnostic], descriptions: dict[str, str] | None = None
) -> str:
    return json.dumps(sarif_log(diagnostics, descriptions), indent=2, ensure_ascii=False)
