"""Audit throughput: demo cohorts of each size, audited on one process and on every core.

Each measurement runs in a fresh Python process (so its peak resident memory is its own, and
nothing compiled or loaded by an earlier run makes a later one look cheaper) and walks the path
``appraise audit COHORT --json --csv --html`` walks: count the entries, read and check every line,
draft every review, run every check, build the report and write the three outputs. The time up
to the last drafted entry (reading, checking and drafting, with the pool's start) is reported
apart from the rest (checks, report and outputs). Generating the cohort is timed on its own.

    python benchmarks/audit_throughput.py --sizes 10000,100000
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from pathlib import Path

from measure import Report, Row, machine, table

TARGET_SIZE, TARGET_SECONDS = 100_000, 60.0
SEED = 7


def bench_audit(
    sizes: Sequence[int] = (10_000, TARGET_SIZE), *, workers: int | None = None
) -> Iterator[Row]:
    """Rows for each size: generation, the audit on one process, the audit on ``workers``."""
    cores = workers or os.cpu_count() or 1
    with tempfile.TemporaryDirectory(prefix="appraise-audit-bench-") as tmp:
        for size in sizes:
            cohort = Path(tmp) / f"cohort-{size}.jsonl"
            made = _in_fresh_process("generate", str(cohort), str(size))
            yield Row(
                f"audit: demo cohort of {size:,} reviews, generated and written as JSONL",
                {
                    "wall_s": made["seconds"],
                    "reviews_per_s": size / made["seconds"],
                    "file_mb": cohort.stat().st_size / 2**20,
                },
                "s",
            )
            one = _in_fresh_process("audit", str(cohort), "1")
            yield _audit_row(size, 1, one)
            if cores > 1:
                many = _in_fresh_process("audit", str(cohort), str(cores))
                yield _audit_row(size, cores, many, speedup=one["wall_s"] / many["wall_s"])
            cohort.unlink()


def _audit_row(
    size: int, workers: int, figures: dict[str, float], speedup: float | None = None
) -> Row:
    shown = {
        "wall_s": figures["wall_s"],
        "reviews_per_s": size / figures["wall_s"],
        "drafting_s": figures["drafting_s"],
        "rest_s": figures["wall_s"] - figures["drafting_s"],
        "peak_rss_mb": figures["peak_rss_mb"],
    }
    if workers > 1:
        shown["worker_peak_rss_mb"] = figures["children_peak_rss_mb"]
    if speedup is not None:
        shown["speedup"] = speedup
    where = "one process" if workers == 1 else f"{workers} worker processes"
    row = Row(f"audit: {size:,} demo reviews, {where} (all checks, JSON, CSV, HTML)", shown, "s")
    if size == TARGET_SIZE and workers > 1:
        row.target = f"{TARGET_SIZE:,} reviews <= {TARGET_SECONDS:g} s on every core"
        row.met = figures["wall_s"] <= TARGET_SECONDS
    return row


def _in_fresh_process(*args: str) -> dict[str, float]:
    """Run one measurement in a new interpreter; its figures come back as JSON on stdout."""
    done = subprocess.run(
        [sys.executable, __file__, *args], check=True, capture_output=True, text=True
    )
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    return figures


# --- inside the fresh process -----------------------------------------------------------------


def _generate(cohort: Path, size: int) -> dict[str, float]:
    """What ``appraise demo-cohort --size SIZE --seed 7 --out COHORT`` does, timed."""
    from engine.audit.demo_cohort import demo_cohort
    from engine.catalogue.frameworks import Catalogue

    framework = Catalogue()["hampshire"]
    started = time.perf_counter()
    entries, _ = demo_cohort(framework, size, SEED)
    with cohort.open("w", encoding="utf-8") as out:
        for entry in entries:
            out.write(entry.model_dump_json(exclude_defaults=True) + "\n")
    return {"seconds": time.perf_counter() - started}


def _audit(cohort: Path, workers: int) -> dict[str, float]:
    """What ``appraise audit COHORT --workers N --json --csv --html`` does, timed."""
    from engine.audit import audit_path, cohort_size, flags_csv
    from engine.audit.report_html import render_html
    from schemas.audit import AuditSettings

    started = time.perf_counter()
    total = cohort_size(cohort)
    drafted = [0, started]

    def progress(more: int) -> None:
        drafted[0] += more
        drafted[1] = time.perf_counter()

    report = audit_path(cohort, AuditSettings(), workers=workers, progress=progress)
    out = cohort.with_suffix("")
    out.with_suffix(".json").write_text(report.model_dump_json(indent=2), encoding="utf-8")
    out.with_suffix(".csv").write_text(flags_csv(report), encoding="utf-8")
    out.with_suffix(".html").write_text(render_html(report), encoding="utf-8")
    wall = time.perf_counter() - started
    assert drafted[0] == total == report.cohort.cases, (drafted[0], total, report.cohort.cases)
    return {
        "wall_s": wall,
        "drafting_s": drafted[1] - started,
        "peak_rss_mb": _peak_mb(resource.RUSAGE_SELF),
        "children_peak_rss_mb": _peak_mb(resource.RUSAGE_CHILDREN),
    }


def _peak_mb(who: int) -> float:
    """Peak resident memory (of this process, or of its largest finished child) in MB."""
    return resource.getrusage(who).ru_maxrss / 1024


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if args[:1] == ["generate"]:
        figures = _generate(Path(args[1]), int(args[2]))
    elif args[:1] == ["audit"]:
        figures = _audit(Path(args[1]), int(args[2]))
    else:
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("--sizes", default="10000,100000", help="cohort sizes, comma-separated")
        parser.add_argument("--workers", type=int, help="all-cores run (default: every core)")
        parsed = parser.parse_args(args)
        for row in bench_audit(sizes_of(parsed.sizes), workers=parsed.workers):
            print(table(Report(machine(), [row])).split("\n", 2)[2], flush=True)
        return 0
    print(json.dumps(figures), flush=True)
    return 0


def sizes_of(text: str) -> tuple[int, ...]:
    """``10000,100000`` → (10000, 100000); an empty text means no audit benchmark."""
    return tuple(int(part) for part in text.split(",") if part.strip())


if __name__ == "__main__":
    raise SystemExit(main())
