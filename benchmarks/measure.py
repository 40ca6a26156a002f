"""What every benchmark shares: the table's rows, timing loops, percentiles and resident memory."""

from __future__ import annotations

import datetime as dt
import gc
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class Row:
    """One line of the table: what was measured, its figures, and the target it is held to."""

    name: str
    figures: dict[str, float]
    unit: str
    target: str = ""
    met: bool | None = None


@dataclass
class Report:
    machine: dict[str, str | int]
    rows: list[Row] = field(default_factory=list)


# --- measuring --------------------------------------------------------------------------------


def timings(step: Callable[[], object], runs: int, warmup: int = 50) -> list[float]:
    """Seconds per call of ``step``, ``runs`` times after ``warmup`` calls."""
    for _ in range(warmup):
        step()
    gc.collect()
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        step()
        out.append(time.perf_counter() - start)
    return out


def ms(samples: list[float]) -> dict[str, float]:
    """Median and p99 in milliseconds."""
    ordered = sorted(samples)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return {"median_ms": statistics.median(ordered) * 1000, "p99_ms": p99 * 1000}


def rss_mb() -> float:
    """Resident memory now (Linux /proc), in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def machine() -> dict[str, str | int]:
    return {
        "python": platform.python_version(),
        "python_executable": sys.base_prefix,  # /usr: Debian's optimised build (scripts/python.sh)
        "platform": platform.platform(),
        "cpus": os.cpu_count() or 0,
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
    }


def table(report: Report) -> str:
    lines = [f"machine: {report.machine}", ""]
    for row in report.rows:
        figures = "  ".join(f"{k}={v:.3f}" for k, v in row.figures.items())
        verdict = "" if row.met is None else ("  MET" if row.met else "  NOT MET")
        target = f"  [target {row.target}]{verdict}" if row.target else ""
        lines.append(f"{row.name}\n    {figures}{target}")
    return "\n".join(lines)
