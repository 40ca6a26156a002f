"""``appraise check RULESET``: invariants, rule coverage and diagnostics of a rule set."""

from __future__ import annotations

import argparse
import json
import textwrap
from pathlib import Path
from typing import TYPE_CHECKING

from engine.catalogue.frameworks import Catalogue
from engine.errors import NotFoundError

if TYPE_CHECKING:  # the checks start the rules engine and Hypothesis: only `check` loads them
    from engine.testing.ruleset_check import CheckReport, InvariantResult

__all__ = ["add_commands", "cmd_check", "render_json", "render_text"]

DEFAULT_MAX_EXAMPLES = 100


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    check = sub.add_parser(
        "check", help="check a rule set: its invariants, rule coverage and diagnostics"
    )
    check.add_argument("ruleset", help="a ruleset.yaml file, or the id of a rule set under rules/")
    check.add_argument(
        "--max-examples",
        type=_positive,
        default=DEFAULT_MAX_EXAMPLES,
        help=f"generated reviews per invariant (default {DEFAULT_MAX_EXAMPLES}; "
        "next-step soundness runs a tenth as many)",
    )
    check.add_argument("--seed", type=int, default=0, help="seed of the search (default 0)")
    check.add_argument("--format", choices=("text", "json"), default="text")
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
    report = run_checks(
        _ruleset_path(args.ruleset, catalogue),
        catalogue,
        max_examples=args.max_examples,
        seed=args.seed,
    )
    output = render_json(report) if args.format == "json" else render_text(report)
    if not report.ok:
        print(output)
        raise SystemExit(1)
    return output


def _ruleset_path(given: str, catalogue: Catalogue) -> Path:
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
    if report.coverage:
        out += _coverage_lines(report)
    out.append("diagnostics")
    out += [f"  {d}" for d in report.diagnostics] or ["  none"]
    out += ["", "ok" if report.ok else "FAILED"]
    return "\n".join(out)


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
        "diagnostics": [d.model_dump() for d in report.diagnostics],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)


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
