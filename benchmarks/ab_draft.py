"""Paired A/B of the draft (``make bench``'s: Hampshire MPR review, 60 items, trace on, no next
steps): this checkout against a baseline commit, on one machine in one run.

A shared, noisy machine makes absolute times worthless across runs, so two worker processes,
one importing each checkout, are driven alternately in many small batches (the order flipping
each batch): whatever slows the machine slows both. The figure is the ratio of the per-call
medians, the statistic ``make bench`` reports; the spread of the per-batch ratios shows how far
to trust it.

    python benchmarks/ab_draft.py [--base e71771e] [--batches 150] [--calls 20]

The baseline is checked out as a git worktree (``/tmp/ab-base``), created when missing.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent


# --- the worker: one checkout's draft, timed on request -----------------------------------------


def _draft_step(root: Path) -> Any:
    """A callable making one draft with ``root``'s engine (its modules moved after e71771e)."""
    sys.path[:0] = [str(root), str(root / "benchmarks")]
    from inputs import hampshire_review

    import engine
    from engine.catalogue import Catalogue  # in both layouts

    try:
        from engine.decide.evaluate import Evaluator
        from engine.decide.rulesets import RuleSets
        from engine.recommend.recommendation import recommend
    except ImportError:  # the baseline's layout
        from engine.evaluate import Evaluator  # type: ignore[import-not-found,no-redef]
        from engine.explain import recommend  # type: ignore[import-not-found,no-redef]
        from engine.rulesets import RuleSets  # type: ignore[import-not-found,no-redef]

    engine_file = Path(engine.__file__).resolve()
    if not engine_file.is_relative_to(root):
        raise SystemExit(f"worker for {root} imported the engine from {engine_file}")
    evaluator = Evaluator(RuleSets(Catalogue(root / "rules")).compiled("hampshire"))
    review = hampshire_review(evaluator.framework)
    return lambda: recommend(evaluator, review, next_steps=False)


def worker(root: Path, clock: str) -> None:
    """Read a number of calls per line from stdin; answer each with their times, as JSON."""
    step = _draft_step(root)
    now = time.process_time if clock == "cpu" else time.perf_counter
    for _ in range(50):  # warm up: caches per rule set, imports, the allocator
        step()
    gc.collect()
    print("ready", flush=True)
    for line in sys.stdin:
        samples = []
        for _ in range(int(line)):
            start = now()
            step()
            samples.append(now() - start)
        print(json.dumps(samples), flush=True)


# --- the driver ------------------------------------------------------------------------------


def ensure_baseline(commit: str, where: Path) -> Path:
    """A worktree of ``commit`` at ``where``, added when missing."""
    if not (where / "engine").is_dir():
        subprocess.run(
            ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(where), commit],
            check=True,
        )
    head = subprocess.run(
        ["git", "-C", str(where), "rev-parse", "HEAD"], check=True, capture_output=True, text=True
    ).stdout.strip()
    wanted = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", commit], check=True, capture_output=True, text=True
    ).stdout.strip()
    if head != wanted:
        raise SystemExit(f"{where} is at {head[:12]}, not {commit} ({wanted[:12]})")
    return where


class Worker:
    """A worker process for one checkout."""

    def __init__(self, root: Path, clock: str) -> None:
        env = dict(os.environ, PYTHONPATH=str(root))
        self.process = subprocess.Popen(
            [sys.executable, str(HERE / "ab_draft.py"), "--clock", clock, "--worker", str(root)],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        if self._read() != "ready":
            raise SystemExit(f"the worker for {root} did not start")

    def _read(self) -> str:
        out: IO[str] | None = self.process.stdout
        assert out is not None
        return out.readline().strip()

    def run(self, calls: int) -> list[float]:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{calls}\n")
        self.process.stdin.flush()
        samples: list[float] = json.loads(self._read())
        return samples

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def compare(base: Worker, new: Worker, batches: int, calls: int) -> dict[str, float]:
    """Alternate the two workers batch by batch; the per-call medians and the batch ratios."""
    all_base: list[float] = []
    all_new: list[float] = []
    ratios = []
    for batch in range(batches):
        order = (base, new) if batch % 2 == 0 else (new, base)
        got = {id(w): w.run(calls) for w in order}
        all_base += got[id(base)]
        all_new += got[id(new)]
        ratios.append(statistics.median(got[id(new)]) / statistics.median(got[id(base)]))
    quartiles = statistics.quantiles(ratios, n=4)
    base_ms, new_ms = statistics.median(all_base) * 1000, statistics.median(all_new) * 1000
    return {
        "base_median_ms": base_ms,
        "new_median_ms": new_ms,
        "ratio": new_ms / base_ms,
        "batch_ratio_median": statistics.median(ratios),
        "batch_ratio_q1": quartiles[0],
        "batch_ratio_q3": quartiles[2],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="e71771e", help="the baseline commit")
    parser.add_argument("--base-dir", type=Path, default=Path("/tmp/ab-base"))
    parser.add_argument("--batches", type=int, default=150)
    parser.add_argument("--calls", type=int, default=20, help="drafts per batch and worker")
    parser.add_argument(
        "--clock",
        choices=("wall", "cpu"),
        default="wall",
        help="time each draft by the wall clock (as make bench does) or by the worker's CPU time "
        "(which leaves out the time other processes had the core)",
    )
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        worker(args.worker.resolve(), args.clock)
        return
    base_root = ensure_baseline(args.base, args.base_dir.resolve())
    base, new = Worker(base_root, args.clock), Worker(ROOT, args.clock)
    try:
        result = compare(base, new, args.batches, args.calls)
    finally:
        base.close()
        new.close()
    print(f"baseline {args.base} ({base_root}) against this checkout ({ROOT}):")
    print(f"  {args.batches} batches of {args.calls} drafts each, alternating; {args.clock} clock")
    print(f"  draft median: {result['base_median_ms']:.3f} ms → {result['new_median_ms']:.3f} ms")
    print(f"  ratio of the medians: {result['ratio']:.3f}")
    print(
        f"  per-batch ratios: median {result['batch_ratio_median']:.3f}, "
        f"quartiles {result['batch_ratio_q1']:.3f}–{result['batch_ratio_q3']:.3f}"
    )


if __name__ == "__main__":
    main()
