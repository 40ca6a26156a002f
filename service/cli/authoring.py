"""``appraise new review`` (a review skeleton that validates) and the editor schemas of
``appraise schema review --framework ID`` and ``appraise schema ruleset [--ruleset ID|FILE]``."""

from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path
from typing import Any

from engine.catalogue.frameworks import Catalogue

__all__ = ["add_commands", "add_schema_options", "cmd_new_review", "editor_schema"]


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    new = sub.add_parser("new", help="start a file to fill in: a review that validates")
    kinds = new.add_subparsers(dest="kind", required=True, metavar="KIND")
    review = kinds.add_parser(
        "review",
        help="a review skeleton with the statements its stage requires, as commented tags",
    )
    review.add_argument("--framework", required=True, help="framework id (appraise frameworks)")
    review.add_argument("--stage", help="career stage id, for a framework with stages")
    review.add_argument("--subject", default="teacher-1", help="pseudonymous id of the teacher")
    review.add_argument("--appraiser", default="appraiser-1", help="pseudonymous id")
    review.add_argument(
        "--ruleset", help="rule set id, written into the review (default: the framework's own)"
    )
    review.add_argument(
        "--schema",
        metavar="PATH_OR_URL",
        help="add a '# yaml-language-server: $schema=…' line (a path is relative to the file)",
    )
    review.add_argument("--out", help="write to this file instead of printing")
    review.add_argument("--force", action="store_true", help="overwrite --out if it exists")
    review.set_defaults(run=cmd_new_review)


def add_schema_options(schema: argparse.ArgumentParser) -> None:
    """The options that narrow ``appraise schema review`` and ``appraise schema ruleset``."""
    schema.add_argument(
        "--framework", help="review only: the framework's statement ids, stages, … as enums"
    )
    schema.add_argument(
        "--ruleset",
        metavar="ID_OR_FILE",
        help="ruleset only: param.NAME in conditions must name one of this rule set's parameters",
    )


def _catalogue(args: argparse.Namespace) -> Catalogue:
    return Catalogue(Path(args.rules) if args.rules else None)


def cmd_new_review(args: argparse.Namespace) -> str:
    from engine.authoring import fact_settings, review_skeleton

    catalogue = _catalogue(args)
    framework = catalogue[args.framework]
    text = review_skeleton(
        framework,
        args.stage,
        settings=fact_settings(catalogue, framework.id, args.ruleset),
        today=dt.date.today(),
        subject=args.subject,
        appraiser=args.appraiser,
        ruleset=args.ruleset,
        schema=args.schema,
    )
    if not args.out:
        return text.rstrip("\n")
    path = Path(args.out)
    if path.exists() and not args.force:
        print(f"appraise: {path} exists; give --force to overwrite it", file=sys.stderr)
        raise SystemExit(2)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return f"Wrote {path}. It validates as it stands; try: appraise recommend {path}"


def editor_schema(args: argparse.Namespace) -> dict[str, Any] | None:
    """The narrowed schema ``appraise schema`` prints, or ``None`` for the model's own."""
    if args.framework and args.name != "review":
        _refuse("--framework applies to 'appraise schema review' only")
    if args.ruleset and args.name != "ruleset":
        _refuse("--ruleset applies to 'appraise schema ruleset' only")
    if args.name == "ruleset":
        from engine.authoring import parameter_names, ruleset_schema

        names = parameter_names(_catalogue(args), args.ruleset) if args.ruleset else None
        return ruleset_schema(names)
    if args.name == "review" and args.framework:
        from engine.authoring import review_schema, rulesets_of

        catalogue = _catalogue(args)
        framework = catalogue[args.framework]
        return review_schema(framework, rulesets_of(catalogue, framework.id))
    return None


def _refuse(message: str) -> None:
    print(f"appraise: {message}", file=sys.stderr)
    raise SystemExit(2)
