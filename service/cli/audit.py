"""``appraise audit`` and ``appraise demo-cohort``: the HR audit of a cohort, from a terminal."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TextIO

from pydantic import ValidationError

from engine.errors import InputError, NotFoundError
from schemas.audit import AuditReport, AuditSettings
from schemas.diagnostics import Diagnostic

__all__ = ["ProgressBar", "add_commands"]


class ProgressBar:
    """A one-line progress bar on a terminal stream: ``[#####.....] 1200/20000 6 s``.

    On a stream that is not a terminal (a log file, a pipe) no frames are drawn: one line
    when drafting is done."""

    def __init__(self, total: int, stream: TextIO | None = None, width: int = 30) -> None:
        self.total, self.stream, self.width = max(total, 1), stream or sys.stderr, width
        self.done, self.started = 0, time.monotonic()
        self.terminal = self.stream.isatty()

    def __call__(self, more: int) -> None:
        before = 100 * self.done // self.total
        self.done += more
        if not self.terminal:
            if self.done >= self.total:
                elapsed = time.monotonic() - self.started
                self.stream.write(f"drafted {self.done} reviews in {elapsed:.0f} s\n")
            return
        if 100 * self.done // self.total == before and self.done < self.total:
            return  # redraw once per percent
        filled = self.width * self.done // self.total
        bar = "#" * filled + "." * (self.width - filled)
        elapsed = time.monotonic() - self.started
        line = f"\rdrafting [{bar}] {self.done}/{self.total} {elapsed:.0f} s"
        self.stream.write(line + ("\n" if self.done >= self.total else ""))
        self.stream.flush()


def _settings(args: argparse.Namespace) -> AuditSettings:
    """The settings from the options; a bad value is an input error naming its option."""
    try:
        return AuditSettings(
            alpha=args.alpha,
            min_cases=args.min_cases,
            suppress_below=args.suppress_below,
            ruleset=args.ruleset,
            compare_ruleset=args.compare_ruleset,
        )
    except ValidationError as exc:
        raise InputError(
            _problem("--" + str(e["loc"][0]).replace("_", "-"), "invalid-value", e["msg"])
            for e in exc.errors()
        ) from None


def cmd_audit(args: argparse.Namespace) -> str:
    from engine.audit import CHUNK, audit_path, cohort_size, default_workers

    settings = _settings(args)
    cohort = Path(args.cohort)
    started = time.monotonic()
    try:
        total = cohort_size(cohort)
    except OSError:
        raise NotFoundError(f"no cohort file or folder {str(cohort)!r}") from None
    # A worker process costs a second or two to start: only as many as there are chunks.
    workers = min(args.workers or default_workers(), max(total // CHUNK, 1))
    report = audit_path(
        cohort,
        settings,
        rules_dir=Path(args.rules) if args.rules else None,
        workers=workers,
        progress=None if args.quiet else ProgressBar(total),
    )
    written = _write_outputs(args, report)
    return _summary_text(report, written, time.monotonic() - started, workers)


def _problem(where: str, code: str, message: str) -> Diagnostic:
    return Diagnostic(file=where, line=0, column=0, code=code, message=message)


def _output(name: str) -> Path:
    """The path of a file to write, its folder made if missing (e.g. ``var/`` in a new clone)."""
    path = Path(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    return path


def _write_outputs(args: argparse.Namespace, report: AuditReport) -> list[str]:
    from engine.audit import flags_csv
    from engine.audit.report_html import render_html

    written = []
    if args.json:
        _output(args.json).write_text(report.model_dump_json(indent=2), encoding="utf-8")
        written.append(f"JSON: {args.json}")
    if args.csv:
        _output(args.csv).write_text(flags_csv(report), encoding="utf-8")
        written.append(f"flagged cases (CSV): {args.csv}")
    if args.html:
        _output(args.html).write_text(render_html(report), encoding="utf-8")
        written.append(f"HTML report: {args.html}")
    return written


def _summary_text(report: AuditReport, written: list[str], seconds: float, workers: int) -> str:
    from engine.audit.report_text import render_text

    cohort = report.cohort
    lines = [
        f"Audited {cohort.cases} decisions by {cohort.appraisers} appraisers "
        f"in {seconds:.1f} s on {workers} worker process(es).",
        render_text(report),
    ]
    if written:
        lines += ["", "Wrote " + "; ".join(written) + "."]
    return "\n".join(lines)


def cmd_demo_cohort(args: argparse.Namespace) -> str:
    from engine.audit.demo_cohort import MIN_PLANTED_SIZE, demo_cohort
    from engine.catalogue.frameworks import Catalogue
    from engine.decide.rulesets import RuleSets

    plant = not args.clean
    if args.size < 1 or (plant and args.size < MIN_PLANTED_SIZE):
        floor = MIN_PLANTED_SIZE if plant else 1
        message = f"--size must be at least {floor} (got {args.size})"
        raise InputError([_problem("--size", "invalid-value", message)])
    catalogue = Catalogue(Path(args.rules) if args.rules else None)
    scales = RuleSets(catalogue).compiled("hampshire").scales
    entries, planted = demo_cohort(
        catalogue["hampshire"], args.size, args.seed, plant=plant, scales=scales
    )
    lines = (e.model_dump_json(exclude_defaults=True) for e in entries)
    if args.out == "-":
        return "\n".join(lines)
    with _output(args.out).open("w", encoding="utf-8") as out:
        for line in lines:
            out.write(line + "\n")
    note = f"Wrote {args.size} cohort entries to {args.out}."
    if planted:
        note += (
            f"\nPlanted: lenient appraiser {planted.lenient}; severe appraiser {planted.severe}; "
            f"lower outcomes for {planted.depressed[0]} = {planted.depressed[1]}; maternity case "
            f"rated Not met {planted.maternity}; like cases rated differently "
            f"{', '.join('/'.join(p) for p in planted.like_cases)}; reasons citing no evidence "
            f"{', '.join(planted.no_evidence)}; evidence outside the cycle "
            f"{', '.join(planted.outside_cycle)}."
        )
    return note


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``audit`` and ``demo-cohort`` to the ``appraise`` command line."""
    audit = commands.add_parser("audit", help="audit a cohort of decisions for HR and governors")
    audit.add_argument("cohort", help="a cohort JSONL file, or a folder of reviews with sidecars")
    audit.add_argument("--ruleset", help="draft every review with this rule set")
    audit.add_argument("--compare-ruleset", help="also draft with this rule set: what-if")
    audit.add_argument("--html", help="write the report for people to read here")
    audit.add_argument("--json", help="write the AuditReport as JSON here")
    audit.add_argument("--csv", help="write the flagged cases as CSV here")
    audit.add_argument("--workers", type=int, help="worker processes (default: every core)")
    audit.add_argument("--alpha", type=float, default=0.05, help="family-wise error rate")
    audit.add_argument("--min-cases", type=int, default=10, help="appraiser judgement floor")
    audit.add_argument("--suppress-below", type=int, default=5, help="smallest count shown")
    audit.add_argument("--quiet", action="store_true", help="no progress bar")
    audit.set_defaults(run=cmd_audit)

    demo = commands.add_parser("demo-cohort", help="write a synthetic cohort with planted problems")
    demo.add_argument("--size", type=int, default=1000, help="number of teachers")
    demo.add_argument("--seed", type=int, default=1)
    demo.add_argument("--out", default="-", help="JSONL file to write (default: stdout)")
    demo.add_argument("--clean", action="store_true", help="plant no problems")
    demo.set_defaults(run=cmd_demo_cohort)
