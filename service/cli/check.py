"""``appraise check RULESET``: invariants, golden cases, rule coverage and diagnostics of a
rule set, as text (each diagnostic with its source line and a caret), JSON or SARIF."""

from __future__ import annotations

import argparse
import json
import sys
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

from engine.catalogue.frameworks import Catalogue
from engine.errors import NotFoundError
from schemas.diagnostics import Diagnostic
from service.cli.case_report import CASE_CODES, case_diagnostics, case_json
from service.cli.diagnostics import FORMATS, render_sarif
from service.cli.diagnostics import render_text as diagnostics_text

if TYPE_CHECKING:  # the checks start the rules engine and Hypothesis: only `check` loads them
    from engine.testing.ruleset_check import CheckReport, InvariantResult

__all__ = [
    "add_commands",
    "cmd_check",
    "render_json",
    "render_sarif_log",
    "render_text",
    "ruleset_path",
]

DEFAULT_MAX_EXAMPLES = 100
DEFAULT_MUTANT_EXAMPLES = 25
"""Every mutant that survives the golden cases is searched afresh: a quarter of the budget."""


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    check = sub.add_parser(
        "check",
        help="check a rule set: its invariants, golden cases, rule coverage and diagnostics",
    )
    check.add_argument("ruleset", help="a ruleset.yaml file, or the id of a rule set under rules/")
    check.add_argument(
        "--max-examples",
        type=_positive,
        default=None,
        help=f"generated reviews per invariant (default {DEFAULT_MAX_EXAMPLES}, with --mutants "
        f"{DEFAULT_MUTANT_EXAMPLES} per mutant; next-step soundness runs a tenth as many)",
    )
    check.add_argument("--seed", type=int, default=0, help="seed of the search (default 0)")
    check.add_argument("--format", choices=FORMATS, default="text")
    check.add_argument(
        "--mutants",
        action="store_true",
        help="mutation testing: make the slips an author makes and report which of them "
        "neither a golden case nor an invariant notices, with the mutation score",
    )
    check.add_argument(
        "--min-score",
        type=float,
        default=None,
        metavar="PCT",
        help="with --mutants: exit 1 when the mutation score is below PCT percent",
    )
    check.add_argument(
        "--jobs", type=_positive, default=1, help="with --mutants: worker processes (default 1)"
    )
    check.set_defaults(run=cmd_check)


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError("must be at least 1")
    return value


def cmd_check(args: argparse.Namespace) -> str:
    """Run every check; print the report and exit 1 on a failed invariant or any problem."""
    from engine.testing.ruleset_check import run_checks

    catalogue = Catalogue(Path(args.rules) if args.rules else None)
    if args.mutants:
        return _mutation_report(args, catalogue)
    if args.min_score is not None:
        _usage("--min-score needs --mutants")
    report = run_checks(
        ruleset_path(args.ruleset, catalogue),
        catalogue,
        max_examples=args.max_examples or DEFAULT_MAX_EXAMPLES,
        seed=args.seed,
    )
    renderer = {"json": render_json, "sarif": render_sarif_log}.get(args.format, render_text)
    output = renderer(report)
    if not report.ok:
        print(output)
        raise SystemExit(1)
    return output


def _mutation_report(args: argparse.Namespace, catalogue: Catalogue) -> str:
    """Run the mutants; print the report and exit 1 when the score is below ``--min-score``."""
    from engine.testing.mutation_run import run_mutants
    from service.cli import mutants_report

    if args.format == "sarif":
        _usage("--mutants reports as text or json, not sarif")
    report = run_mutants(
        ruleset_path(args.ruleset, catalogue),
        catalogue,
        max_examples=args.max_examples or DEFAULT_MUTANT_EXAMPLES,
        seed=args.seed,
        jobs=args.jobs,
    )
    if args.format == "json":
        output = mutants_report.render_json(report)
    else:
        output = mutants_report.render_text(report, args.min_score)
    if args.min_score is not None and report.score < args.min_score:
        print(output)
        raise SystemExit(1)
    return output


def _usage(problem: str) -> NoReturn:
    """A combination of options that cannot be used: say which, exit 2 as argparse does."""
    print(f"appraise check: {problem}", file=sys.stderr)
    raise SystemExit(2)


def ruleset_path(given: str, catalogue: Catalogue) -> Path:
    """The file of a rule set given as a path, or as the id of one under the rules directory."""
    path = Path(given)
    if path.suffix in (".yaml", ".yml") or path.exists():
        if not path.is_file():
            raise NotFoundError(f"no rule-set file {given!r}")
        return path
    from engine.decide.rulesets import RuleSets

    known = RuleSets(catalogue).paths
    if given not in known:
        raise NotFoundError(f"no rule set {given!r} (known: {', '.join(sorted(known))})")
    return known[given]


# --- text ------------------------------------------------------------------------------------

_MARK = {"pass": "pass", "fail": "FAIL", "not-declared": "skip", "not-applicable": "skip"}
_WHY = {
    "not-declared": "not declared by the rule set",
    "not-applicable": "the framework has no career stages",
}


def render_text(report: CheckReport) -> str:
    ruleset = report.ruleset
    title = f"rule set {ruleset.id} {ruleset.version}" if ruleset else "rule set not loaded"
    out = [f"appraise check {report.path} ({title}, seed {report.seed})", ""]
    if report.invariants:
        out.append("invariants")
        for result in report.invariants:
            out += _invariant_lines(result)
        out.append("")
    if report.cases or report.coverage:
        out += _case_lines(report)
    if report.coverage:
        out += _coverage_lines(report)
    out.append("diagnostics")
    shown = diagnostics_text(report.diagnostics)
    out.append(textwrap.indent(shown, "  ") if shown else "  none")
    out += ["", "ok" if report.ok else f"FAILED: {_failures(report)}"]
    return "\n".join(out)


def _failures(report: CheckReport) -> str:
    """What failed, counted: invariants, golden cases, diagnostics."""
    counts = (
        (sum(i.status == "fail" for i in report.invariants), "invariant"),
        (sum(not case.passed for case in report.cases), "golden case"),
        (len(report.diagnostics), "diagnostic"),
    )
    return ", ".join(f"{n} {what}{'s' if n != 1 else ''}" for n, what in counts if n)


def _invariant_lines(result: InvariantResult) -> list[str]:
    from engine.testing.ruleset_check import review_yaml

    head = f"  {_MARK[result.status]:4}  {result.name:26}"
    if result.status == "pass":
        return [f"{head}{result.examples} examples"]
    if result.violation is None:
        return [f"{head}{_WHY[result.status]}"]
    violation = result.violation
    lines = [f"{head}{violation.message}"]
    lines.append(f"        results: {' -> '.join(violation.results)}")
    lines.append("        minimal counterexample (a review `appraise recommend` accepts):")
    lines.append(textwrap.indent(review_yaml(violation.review).rstrip(), " " * 10))
    if violation.variant is not None:
        lines.append("        changed review:")
        lines.append(textwrap.indent(review_yaml(violation.variant).rstrip(), " " * 10))
    return lines


def _case_lines(report: CheckReport) -> list[str]:
    """One line per golden case; a failure says what broke (``appraise test`` shows more)."""
    passed = sum(case.passed for case in report.cases)
    lines = [f"golden cases ({passed} passed, {len(report.cases) - passed} failed)"]
    for case in report.cases:
        lines.append(f"  {'pass' if case.passed else 'FAIL'}  {case.case.file}")
        if not case.passed:
            lines.append(textwrap.indent(textwrap.fill(case.summary, 92), " " * 8))
    if not report.cases:
        lines.append("  none found beside the rule set (cases/*.yaml)")
    elif passed < len(report.cases):
        lines.append(f"  `appraise test {report.path}` shows expected and actual side by side")
    return [*lines, ""]


def _coverage_lines(report: CheckReport) -> list[str]:
    coverage = report.coverage
    assert coverage is not None
    fired = len(coverage.rules) - len(coverage.never_fired)
    lines = [
        f"coverage ({coverage.golden_cases} golden cases, "
        f"{coverage.generated_reviews} generated reviews)",
        f"  {fired} of {len(coverage.rules)} rules fired",
    ]
    for rule in coverage.rules:
        where = [
            name
            for name, fired_by in (("golden", coverage.golden), ("generated", coverage.generated))
            if rule in fired_by
        ]
        lines.append(f"  {rule:50} {', '.join(where) or 'NEVER FIRED'}")
    results = ", ".join(f"{outcome} {n}" for outcome, n in coverage.results.items())
    lines += [f"  results of generated reviews: {results}", ""]
    return lines


# --- json ------------------------------------------------------------------------------------


def render_json(report: CheckReport) -> str:
    coverage = report.coverage
    data = {
        "path": report.path,
        "ruleset": report.ruleset.id if report.ruleset else None,
        "seed": report.seed,
        "ok": report.ok,
        "invariants": [_invariant_json(result) for result in report.invariants],
        "coverage": None
        if coverage is None
        else {
            "golden_cases": coverage.golden_cases,
            "generated_reviews": coverage.generated_reviews,
            "fired_by_golden": sorted(coverage.golden),
            "fired_by_generated": sorted(coverage.generated),
            "never_fired": list(coverage.never_fired),
            "results": coverage.results,
        },
        "cases": [case_json(result) for result in report.cases],
        "diagnostics": [d.model_dump() for d in report.diagnostics],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


def render_sarif_log(report: CheckReport) -> str:
    """Every diagnostic, failing golden case and failing invariant as SARIF results."""
    found = [*report.diagnostics, *case_diagnostics(report.cases), *_invariant_diagnostics(report)]
    descriptions = {**CASE_CODES, "invariant-failed": "A declared invariant does not hold."}
    return render_sarif(found, descriptions)


def _invariant_diagnostics(report: CheckReport) -> list[Diagnostic]:
    """A failing invariant, at the line of the rule set that declares it (else line 1)."""
    lines = Path(report.path).read_text(encoding="utf-8").splitlines()
    found = []
    for result in report.invariants:
        if result.violation is None or result.status != "fail":
            continue
        at = next((i for i, text in enumerate(lines, 1) if result.name in text), 1)
        column = lines[at - 1].find(result.name) + 1 if lines else 1
        message = f"invariant {result.name}: {result.violation.message}"
        found.append(
            Diagnostic(
                file=report.path,
                line=at,
                column=max(column, 1),
                code="invariant-failed",
                message=message,
            )
        )
    return found


def _invariant_json(result: InvariantResult) -> dict[str, object]:
    data: dict[str, object] = {
        "name": result.name,
        "status": result.status,
        "examples": result.examples,
    }
    violation = result.violation
    if violation is not None:
        data["counterexample"] = {
            "message": violation.message,
            "results": list(violation.results),
            "review": violation.review.model_dump(mode="json", exclude_defaults=True),
            "changed_review": violation.variant.model_dump(mode="json", exclude_defaults=True)
            if violation.variant
            else None,
        }
    return data
