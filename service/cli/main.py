"""``appraise``: the command-line tool for everything a person does without the service."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from engine.catalogue.frameworks import Catalogue
from engine.errors import AppraiseError, InputError
from schemas.audit import AuditReport, CohortEntry
from schemas.framework import Framework
from schemas.recommendation import Recommendation
from schemas.review import Review
from schemas.ruleset import RuleSet
from service.cli import audit, authoring, cases, check, diagnostics, serve, validate
from service.cli.framework_text import catalogue_table, framework_overview, stage_requirement_text

__all__ = ["main"]

SCHEMAS: dict[str, Callable[[], dict[str, object]]] = {
    "framework": Framework.model_json_schema,
    "review": Review.model_json_schema,
    "ruleset": RuleSet.model_json_schema,
    "recommendation": Recommendation.model_json_schema,
    "cohort-entry": CohortEntry.model_json_schema,
    "audit-report": AuditReport.model_json_schema,
}


def _catalogue(args: argparse.Namespace) -> Catalogue:
    return Catalogue(Path(args.rules) if args.rules else None)


def cmd_frameworks(args: argparse.Namespace) -> str:
    return catalogue_table(_catalogue(args))


def cmd_framework_show(args: argparse.Namespace) -> str:
    framework = _catalogue(args)[args.id]
    if args.stage:
        return stage_requirement_text(framework, args.stage, args.standard)
    return framework_overview(framework, args.standard)


def cmd_framework_export(args: argparse.Namespace) -> str:
    return _catalogue(args)[args.id].model_dump_json(indent=2)


def _recommendation(args: argparse.Namespace) -> tuple[Recommendation, Framework]:
    """The review's draft, and the framework it was drafted under (its words for the pages)."""
    # Imported here so that `appraise frameworks` does not start the rules engine.
    from engine.decide.rulesets import RuleSets
    from engine.recommend.recommendation import recommend
    from engine.review.load import load_review

    catalogue = _catalogue(args)
    review = load_review(Path(args.review), catalogue)
    evaluator = RuleSets(catalogue).evaluator(review, args.ruleset)
    draft = recommend(evaluator, review, next_steps=args.command == "recommend")
    return draft, evaluator.framework


def cmd_recommend(args: argparse.Namespace) -> str:
    from engine.recommend.render import render_markdown, render_text

    rec, framework = _recommendation(args)
    if args.format == "json":
        return rec.model_dump_json(indent=2)
    if args.format == "markdown":
        return render_markdown(rec, framework=framework)
    return render_text(rec, framework)


def cmd_explain(args: argparse.Namespace) -> str:
    from engine.recommend.render import render_trace

    return render_trace(_recommendation(args)[0])


def cmd_schema(args: argparse.Namespace) -> str:
    narrowed = authoring.editor_schema(args)  # a framework's ids, the fact contract's names
    return json.dumps(narrowed or SCHEMAS[args.name](), indent=2)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="appraise", description="Draft teacher performance ratings with a checkable rationale."
    )
    parser.add_argument("--rules", help="rules directory (default: $APPRAISE_RULES_DIR or ./rules)")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    frameworks = commands.add_parser("frameworks", help="list the frameworks with their counts")
    frameworks.set_defaults(run=cmd_frameworks)

    framework = commands.add_parser("framework", help="show or export one framework")
    actions = framework.add_subparsers(dest="action", required=True, metavar="ACTION")
    show = actions.add_parser("show", help="a framework, or a stage's cumulative requirement")
    show.add_argument("id")
    show.add_argument("--stage", help="show the full cumulative requirement of this stage")
    show.add_argument("--standard", help="only this standard or sub-standard number, e.g. 1 or 1.2")
    show.set_defaults(run=cmd_framework_show)
    export = actions.add_parser("export", help="the framework as JSON on stdout")
    export.add_argument("id")
    export.set_defaults(run=cmd_framework_export)

    recommend = commands.add_parser("recommend", help="draft a rating for a review file")
    recommend.add_argument("review", help="a review as YAML or JSON")
    recommend.add_argument("--ruleset", help="rule set id (default: the review's framework's)")
    recommend.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    recommend.set_defaults(run=cmd_recommend)
    explain = commands.add_parser("explain", help="the trace of a review: one line per firing")
    explain.add_argument("review")
    explain.add_argument("--ruleset")
    explain.set_defaults(run=cmd_explain)

    schema = commands.add_parser("schema", help="the JSON Schema of a file format")
    schema.add_argument("name", choices=sorted(SCHEMAS))
    authoring.add_schema_options(schema)
    schema.set_defaults(run=cmd_schema)
    authoring.add_commands(commands)
    check.add_commands(commands)
    cases.add_commands(commands)
    validate.add_commands(commands)
    audit.add_commands(commands)
    serve.add_commands(commands)
    return parser


READER_GONE = 141  # 128 + SIGPIPE (13), as a shell reports a command that signal ended
"""The exit status when the reader of our output went away (``appraise … | head -1``): 141, as
for a command the SIGPIPE signal ended, so ``set -o pipefail`` tells it from a finished run."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; 0 on success, 1 when the input has problems, 2 for a bad request,
    141 (quietly) when the reader of its output stopped reading."""
    args = build_parser().parse_args(argv)
    try:
        return _run(args)
    except BrokenPipeError:
        # As Python's signal docs advise: stdout to devnull, so the flush at exit cannot fail
        # again and print "Exception ignored ... BrokenPipeError" on stderr.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return READER_GONE


def _run(args: argparse.Namespace) -> int:
    try:
        output = args.run(args)
    except InputError as exc:  # each problem with its source line and a caret, as ruff shows
        print(diagnostics.render_text(exc.diagnostics), file=sys.stderr)
        print(f"{len(exc.diagnostics)} problem(s) found", file=sys.stderr)
        return 1
    except AppraiseError as exc:
        print(f"appraise: {exc}", file=sys.stderr)
        return 2
    print(output)
    sys.stdout.flush()  # here, not at exit: a reader gone is then a BrokenPipeError main handles
    return 0


if __name__ == "__main__":
    sys.exit(main())
