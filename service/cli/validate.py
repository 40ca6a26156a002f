"""``appraise validate REVIEW…``: check review files against their frameworks, every problem
located, as text (the source line and a caret under the column), JSON or SARIF."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

from engine.catalogue.frameworks import Catalogue
from engine.errors import InputError
from schemas.diagnostics import Diagnostic
from service.cli.diagnostics import FORMATS, render_sarif, render_text

__all__ = ["add_commands", "cmd_validate"]


def add_commands(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    validate = sub.add_parser(
        "validate", help="check review files: every problem located, exit 1 on any"
    )
    validate.add_argument("reviews", nargs="+", metavar="REVIEW", help="reviews as YAML or JSON")
    validate.add_argument("--format", choices=FORMATS, default="text")
    validate.set_defaults(run=cmd_validate)


def cmd_validate(args: argparse.Namespace) -> str:
    """Print every problem of every review; exit 1 when there is one."""
    from engine.review.load import load_review

    catalogue = Catalogue(Path(args.rules) if args.rules else None)
    found: list[Diagnostic] = []
    for review in args.reviews:
        try:
            load_review(Path(review), catalogue)
        except InputError as exc:
            found += exc.diagnostics
    output = _render(args.format, args.reviews, found)
    if found:
        print(output)
        raise SystemExit(1)
    return output


def _render(form: str, reviews: list[str], found: list[Diagnostic]) -> str:
    if form == "sarif":
        return render_sarif(found)
    if form == "json":
        data = {
            "ok": not found,
            "reviews": reviews,
            "diagnostics": [d.model_dump() for d in found],
        }
        return json.dumps(data, indent=2, ensure_ascii=False)
    files = len({d.file for d in found})
    summary = f"{len(found)} problem(s) in {files} of {len(reviews)} review(s)"
    return render_text(found) + "\n" + summary if found else f"ok: {len(reviews)} review(s)"
