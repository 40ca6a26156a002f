"""The draft's instructions and cache misses, this checkout against a baseline commit, counted by
valgrind's cachegrind: figures that do not move with the machine's load, unlike ``ab_draft.py``'s.

Each checkout's draft (``make bench``'s: Hampshire MPR review, 60 items, trace on, no next steps)
runs under ``valgrind --tool=cachegrind --cache-sim=yes`` twice, after the same warm-up: with no
drafts and with ``--drafts`` of them; the difference, per draft, is the draft's own. The caches
simulated are this machine's first level (32 KiB instructions, 48 KiB data) and a 2 MiB last
level. On 2026-12-03 the draft executed fewer instructions than at e71771e yet took 6–9% longer:
the difference was in the first-level misses, which this shows and a wall clock cannot.

    python benchmarks/cache_draft.py [--base e71771e] [--drafts 200]

Needs valgrind (Debian's package). Each checkout takes about half a minute.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))

from ab_draft import _draft_step, ensure_baseline  # noqa: E402

_CACHES = ["--I1=32768,8,64", "--D1=49152,12,64", "--LL=2097152,16,64"]
_FIGURES = {  # shown: the cachegrind events summed into it
    "instructions": ("Ir",),
    "L1 instruction misses": ("I1mr",),
    "L1 data misses": ("D1mr", "D1mw"),
    "last-level misses": ("ILmr", "DLmr", "DLmw"),
}


def _worker(root: Path, drafts: int) -> None:
    step = _draft_step(root)
    for _ in range(30 + drafts):  # the warm-up of every run, then the drafts counted
        step()


def _counts(root: Path, drafts: int, out: Path) -> dict[str, int]:
    """Cachegrind's totals for one run of ``drafts`` drafts with ``root``'s engine."""
    env = dict(os.environ, PYTHONPATH=str(root), PYTHONHASHSEED="0")
    command = [
        "valgrind",
        "--tool=cachegrind",
        "--cache-sim=yes",
        *_CACHES,
        f"--cachegrind-out-file={out}",
        sys.executable,
        str(HERE / "cache_draft.py"),
        "--worker",
        str(root),
        "--drafts",
        str(drafts),
    ]
    subprocess.run(command, cwd=root, env=env, check=True, capture_output=True)
    events: list[str] = []
    for line in out.read_text().splitlines():
        if line.startswith("events:"):
            events = line.split()[1:]
        elif line.startswith("summary:"):
            return dict(zip(events, map(int, line.split()[1:]), strict=True))
    raise SystemExit(f"{out}: cachegrind wrote no summary")


def per_draft(root: Path, drafts: int, where: Path) -> dict[str, float]:
    """Each figure per draft: a run of ``drafts`` drafts less a run of none."""
    none = _counts(root, 0, where / "none.out")
    some = _counts(root, drafts, where / "some.out")
    return {
        name: sum(some[e] - none[e] for e in events) / drafts for name, events in _FIGURES.items()
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--base", default="e71771e", help="the baseline commit")
    parser.add_argument("--base-dir", type=Path, default=Path("/tmp/ab-base"))
    parser.add_argument("--drafts", type=int, default=200)
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        _worker(args.worker.resolve(), args.drafts)
        return
    if shutil.which("valgrind") is None:
        raise SystemExit("cache_draft.py needs valgrind (Debian: apt-get install valgrind)")
    base_root = ensure_baseline(args.base, args.base_dir.resolve())
    with tempfile.TemporaryDirectory() as tmp:
        figures = {}
        for name, root in (("base", base_root), ("new", ROOT)):
            (Path(tmp) / name).mkdir()
            figures[name] = per_draft(root, args.drafts, Path(tmp) / name)
    print(f"per draft, baseline {args.base} against this checkout ({args.drafts} drafts each):")
    for name in _FIGURES:
        base, new = figures["base"][name], figures["new"][name]
        print(f"  {name:24s} {base:13,.0f} → {new:13,.0f}   ratio {new / base:.3f}")


if __name__ == "__main__":
    main()
