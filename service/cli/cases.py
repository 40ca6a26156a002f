"""``appraise test [RULESET|DIR …]``: run golden cases as pytest and ``opa test`` run tests.

One line per case (PASS or FAIL, its file); under a failure, what the case expected beside what
the draft was; a summary ``N passed, M failed``; exit 1 on any failure. The cases are found and
run by ``engine.testing.golden``; this module only chooses the rule sets and formats.
"""

from __future__ import annotations

import argparse
import json
import textwrap
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from engine.catalogue.frameworks import Catalogue
from engine.errors import NotFoundError
from service.cli.case_report import CASE_CODES, case_diagnostics, case_json
from service.cli.check import ruleset_path
from service.cli.diagnostics import FORMATS, render_sarif
from service.cli.diagnostics import render_text as diagnostics_text

if TYPE_CHECKING:  # running cases starts the rules engine: only `test` loads it
    from engine.testing.golden import CaseResult, SuiteResult

__all__ = ["add_commands", "cmd_test", "render_json", "render_sarif_log", "render_text"]


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    test = sub.add_parser(
        "test", help="run the golden cases of rule sets: one line per case, exit 1 on a failure"
    )
    test.add_argument(
        "paths",
        nargs="*",
        metavar="RULESET|DIR",
        help="a ruleset.yaml, a rule-set id, or a folder searched for ruleset*.yaml "
        "(default: every rule set under the rules directory)",
    )
    test.add_argument(
        "-k",
        dest="select",
        metavar="EXPR",
        help="only cases whose name or file name matches, e.g. -k 'mpr and not concern'",
    )
    test.add_argument("--format", choices=FORMATS, default="text")
    test.set_defaults(run=cmd_test)


def cmd_test(args: argparse.Namespace) -> str:
    """Run the cases; print the report, and exit 1 when any case failed or could not run."""
    from engine.testing.golden import run_suite
    from engine.testing.selection import matcher

    catalogue = Catalogue(Path(args.rules) if args.rules else None)
    select = matcher(args.select) if args.select else None
    files = _ruleset_files(args.paths, catalogue)
    suites = [run_suite(path, catalogue, select=select) for path in files]
    renderer = {"json": render_json, "sarif": render_sarif_log}.get(args.format, render_text)
    output = renderer(suites)
    if not all(suite.ok for suite in suites):
        print(output)
        raise SystemExit(1)
    return output


def _ruleset_files(given: Sequence[str], catalogue: Catalogue) -> list[Path]:
    if not given:
        return sorted(catalogue.rules_dir.glob("*/ruleset*.yaml"))
    files: list[Path] = []
    for entry in given:
        path = Path(entry)
        if path.is_dir():
            found = sorted(path.rglob("ruleset*.yaml"))
            if not found:
                raise NotFoundError(f"no ruleset*.yaml under {entry}")
            files += found
        else:
            files.append(ruleset_path(entry, catalogue))
    return list(dict.fromkeys(files))


# --- counting ---------------------------------------------------------------------------------


def _counts(suites: Sequence[SuiteResult]) -> dict[str, int]:
    results = [r for s in suites for r in s.results]
    unreadable = {d.file for s in suites for d in s.diagnostics}
    return {
        "passed": sum(r.passed for r in results),
        "failed": sum(not r.passed and r.error is None for r in results),
        "errors": sum(r.error is not None for r in results) + len(unreadable),
        "deselected": sum(s.deselected for s in suites),
    }


def _summary(counts: dict[str, int]) -> str:
    text = f"{counts['passed']} passed, {counts['failed']} failed"
    if counts["errors"]:
        text += f", {counts['errors']} error{'s' if counts['errors'] != 1 else ''}"
    if counts["deselected"]:
        text += f", {counts['deselected']} deselected"
    return text


# --- text -------------------------------------------------------------------------------------

CELL = 42
MISSING = "✗ "


def render_text(suites: Sequence[SuiteResult]) -> str:
    out: list[str] = []
    for suite in suites:
        out += _suite_lines(suite)
    out.append(_summary(_counts(suites)))
    return "\n".join(out)


def _suite_lines(suite: SuiteResult) -> list[str]:
    name = f"rule set {suite.ruleset}" if suite.ruleset else "rule set not loaded"
    lines = [f"{_display(suite.path)} ({name}, {len(suite.results)} cases)"]
    for result in suite.results:
        lines += _case_lines(result)
    for file in dict.fromkeys(d.file for d in suite.diagnostics):
        lines.append(f"ERROR {file}")
        shown = diagnostics_text(d for d in suite.diagnostics if d.file == file)
        lines.append(textwrap.indent(shown, " " * 6))
    lines.append("")
    return lines


def _display(path: Path) -> str:
    """A path relative to the working directory when it lies under it, as diagnostics name it."""
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _case_lines(result: CaseResult) -> list[str]:
    case = result.case
    if result.passed:
        return [f"PASS  {case.file}"]
    if result.error is not None:
        return [f"ERROR {case.file}  {case.name}", f"      {result.error}"]
    where = f"{case.file}:{case.line}:{case.column}"
    return [f"FAIL  {case.file}  {case.name}", f"      expectations at {where}", *_table(result)]


def _table(result: CaseResult) -> list[str]:
    """What the case expected beside what the draft was: outcome, rules fired, cause lines."""
    expect, actual = result.case.data.expect, result.actual
    assert actual is not None
    broken = {m.what: set(m.expected) for m in result.mismatches}
    rows = [("", ["expected"], ["actual"])]
    rows.append(
        (
            "outcome",
            [_outcome(expect.outcome, expect.rating)],
            [_outcome(actual.outcome, actual.rating)],
        )
    )
    for what, wanted, got in (
        ("purpose", expect.purpose, actual.purpose),
        ("scale", expect.scale, actual.scale),
    ):
        if what in broken:
            rows.append((what, [str(wanted)], [str(got)]))
    fired = [_mark(r, broken.get("fired")) for r in expect.fired]
    fired += [_mark(f"not {r}", broken.get("not_fired"), r) for r in expect.not_fired]
    rows.append(("fired", fired, list(actual.fired)))
    causes = [_mark(part, broken.get("causes")) for part in expect.causes]
    rows.append(("causes", causes, list(actual.causes)))
    return [line for label, left, right in rows for line in _row(label, left, right)]


def _outcome(outcome: str, rating: str | None) -> str:
    return f"{outcome}: {rating}" if rating else outcome


def _mark(text: str, broken: set[str] | None, item: str | None = None) -> str:
    return MISSING + text if broken and (item or text) in broken else "  " + text


def _row(label: str, left: list[str], right: list[str]) -> list[str]:
    cells = [_wrap(left), _wrap(right)]
    height = max(len(cells[0]), len(cells[1]), 1)
    lines = []
    for i in range(height):
        a = cells[0][i] if i < len(cells[0]) else ""
        b = cells[1][i] if i < len(cells[1]) else ""
        lines.append(f"      {label if i == 0 else '':8} | {a:{CELL}} | {b}".rstrip())
    return lines


def _wrap(items: list[str]) -> list[str]:
    """Each item wrapped to the column, its continuation lines indented under its text."""
    lines: list[str] = []
    for item in items or ["(none)"]:
        lines += textwrap.wrap(item, CELL, subsequent_indent="    ", break_on_hyphens=False) or [""]
    return lines


# --- json and sarif ---------------------------------------------------------------------------


def render_json(suites: Sequence[SuiteResult]) -> str:
    counts = _counts(suites)
    data = {
        "ok": all(s.ok for s in suites),
        **counts,
        "rulesets": [
            {
                "path": _display(suite.path),
                "ruleset": suite.ruleset,
                "cases": [case_json(result) for result in suite.results],
                "diagnostics": [d.model_dump() for d in suite.diagnostics],
            }
            for suite in suites
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def render_sarif_log(suites: Sequence[SuiteResult]) -> str:
    found = [d for s in suites for d in (*s.diagnostics, *case_diagnostics(s.results))]
    return render_sarif(found, CASE_CODES)
