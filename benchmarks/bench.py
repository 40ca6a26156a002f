"""The benchmark suite behind ``make bench``: prints a table and writes ``var/bench.json``.

Figures on a shared, noisy machine are only comparable within one run, so the table reports
ratios between things measured side by side (durable-rules step against the plain
interpretation of the same compiled rules on the same facts) next to the absolute times.

    python benchmarks/bench.py [--runs 2000] [--evaluations 1000000] [--json var/bench.json]
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
from collections.abc import Iterator
from dataclasses import asdict
from pathlib import Path

from audit_throughput import bench_audit, sizes_of
from inputs import hampshire_review
from measure import Report, Row, machine, ms, rss_mb, table, timings
from service_load import bench_service

from engine.catalogue.frameworks import Catalogue
from engine.decide.evaluate import Decision, Evaluator
from engine.decide.rulesets import RuleSets
from engine.facts.derive import derive_facts
from engine.recommend.recommendation import recommend
from engine.review.load import validate_review
from engine.rules import compiler
from engine.rules.compiler import compile_ruleset, load_ruleset
from engine.rules.plain import PlainRuleset
from engine.testing.golden import case_files, load_cases
from schemas.review import Review

# --- the benchmarks ---------------------------------------------------------------------------


def bench_draft(rulesets: RuleSets, runs: int) -> Iterator[Row]:
    """One draft for a 60-item Hampshire MPR review, trace on, split into its three steps."""
    evaluator = Evaluator(rulesets.compiled("hampshire"))
    review = hampshire_review(evaluator.framework)
    settings = evaluator.compiled.ruleset.facts

    def explain() -> object:
        return recommend(evaluator, review, next_steps=False)

    whole = ms(timings(explain, runs))
    yield Row(
        "draft: whole (recommend, trace on, no next steps)",
        whole,
        "ms",
        "median <= 1 ms, p99 <= 3 ms",
        whole["median_ms"] <= 1 and whole["p99_ms"] <= 3,
    )
    validate = ms(timings(lambda: validate_review(evaluator.framework, review), runs))
    yield Row("draft: validation of the review", validate, "ms")
    derive = ms(timings(lambda: derive_facts(evaluator.framework, settings, review), runs))
    yield Row("draft: facts", derive, "ms")
    rules = ms(timings(lambda: evaluator.decide(review, validate=False), runs))
    rules = {"median_ms": rules["median_ms"] - derive["median_ms"]}  # p99s do not subtract
    yield Row("draft: rules (durable-rules step and resolution; decide - facts)", rules, "ms")
    parts = (validate, derive, rules)
    explained = {"median_ms": whole["median_ms"] - sum(p["median_ms"] for p in parts)}
    yield Row("draft: explanation (whole - the above: trace, rationale, seal)", explained, "ms")
    steps_runs = max(runs // 20, 50)
    with_steps = ms(timings(lambda: recommend(evaluator, review), steps_runs, warmup=5))
    with_steps["evaluations"] = _evaluations_per_draft(evaluator, review)
    name = "draft with next steps (recommend, trace on; evaluations per draft)"
    yield Row(name, with_steps, "ms / n")


class _Counting(Evaluator):
    """An evaluator that counts its evaluations."""

    evaluations = 0

    def decide(self, review: Review, *, validate: bool = True) -> Decision:
        self.evaluations += 1
        return super().decide(review, validate=validate)


def _evaluations_per_draft(evaluator: Evaluator, review: Review) -> int:
    """Reviews one draft with next steps evaluates: its own, and each set of changes tried."""
    counting = _Counting(evaluator.compiled)
    recommend(counting, review)
    return counting.evaluations


def bench_engine_ratio(rulesets: RuleSets, runs: int) -> Iterator[Row]:
    """The durable-rules step against the plain interpretation, same rules, same facts."""
    for ruleset_id in sorted(rulesets.paths):
        yield _ratio_row(rulesets, ruleset_id, runs)


def _ratio_row(rulesets: RuleSets, ruleset_id: str, runs: int) -> Row:
    compiled = rulesets.compiled(ruleset_id)
    facts = list(_rich_facts(rulesets, ruleset_id))
    plain = PlainRuleset(compiled.engine.rules)
    durable_s = timings(lambda: compiled.engine.run("b", facts), runs)
    plain_s = timings(lambda: plain.run("b", facts), runs)
    ratio = statistics.median(durable_s) / statistics.median(plain_s)
    figures = {f"durable_{k}": v for k, v in ms(durable_s).items()}
    figures |= {f"plain_{k}": v for k, v in ms(plain_s).items()}
    return Row(
        f"rules step vs plain interpretation: {ruleset_id}",
        figures | {"ratio": ratio},
        "ms / x",
        "ratio <= 10x",
        ratio <= 10,
    )


def _rich_facts(rulesets: RuleSets, ruleset_id: str) -> tuple[dict[str, object], ...]:
    """Facts of the richest golden case of the rule set (most firings)."""
    compiled = rulesets.compiled(ruleset_id)
    best: tuple[int, tuple[dict[str, object], ...]] = (-1, ())
    files = case_files(rulesets.paths[ruleset_id], ruleset_id)
    for case in load_cases(files, rulesets.catalogue)[0]:
        facts = derive_facts(compiled.framework, compiled.ruleset.facts, case.data.review).facts
        fired = len(compiled.engine.run("probe", list(facts)))
        if fired > best[0]:
            best = (fired, tuple(dict(f) for f in facts))
    return best[1]


def bench_compile(catalogue: Catalogue) -> Iterator[Row]:
    """Load, check and compile each shipped rule set from its file, cache cleared."""
    for path in sorted(catalogue.rules_dir.glob("*/ruleset*.yaml")):
        samples = []
        for _ in range(5):
            compiler._CACHE.clear()  # compile afresh: the cache would make this free
            start = time.perf_counter()
            ruleset, framework = load_ruleset(path, catalogue)
            compile_ruleset(ruleset, framework)
            samples.append(time.perf_counter() - start)
        yield Row(f"compile: {path.parent.name}/{path.name}", ms(samples), "ms")


def bench_memory(rulesets: RuleSets, evaluations: int) -> Iterator[Row]:
    """Resident memory after 1,000 evaluations and after ``evaluations``, in this process.

    An evaluation is ``Evaluator.decide`` (facts, one durable-rules session, resolution) on the
    benchmark review; RSS is also read at each power of ten in between so growth can be seen.
    """
    evaluator = Evaluator(rulesets.compiled("hampshire"))
    review = hampshire_review(evaluator.framework)
    checkpoints = {10**k for k in range(3, 10) if 10**k < evaluations} | {evaluations}
    rss: dict[str, float] = {}
    started = time.perf_counter()
    for done in range(1, evaluations + 1):
        evaluator.decide(review, validate=False)
        if done in checkpoints:
            gc.collect()
            rss[f"after_{done:_}_mb"] = rss_mb()
    seconds = time.perf_counter() - started
    grown = rss[f"after_{evaluations:_}_mb"] - rss["after_1_000_mb"]
    yield Row(
        f"memory: RSS from 1,000 to {evaluations:,} evaluations (decide)",
        rss | {"growth_mb": grown, "seconds": seconds},
        "MB",
        "growth <= 5 MB",
        grown <= 5,
    )


# --- the table --------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=2000, help="timed runs per latency figure")
    parser.add_argument("--evaluations", type=int, default=1_000_000, help="for the memory figure")
    parser.add_argument("--service-seconds", type=float, default=10, help="wrk load per endpoint")
    parser.add_argument("--json", type=Path, default=Path("var/bench.json"))
    parser.add_argument("--audit-sizes", default="10000,100000", help="demo cohorts to audit")
    args = parser.parse_args(argv)
    catalogue = Catalogue()
    rulesets = RuleSets(catalogue)
    report = Report(machine())
    for rows in (
        bench_draft(rulesets, args.runs),
        bench_engine_ratio(rulesets, args.runs),
        bench_compile(catalogue),
        bench_memory(rulesets, args.evaluations),
        bench_audit(sizes_of(args.audit_sizes)),
        bench_service(args.service_seconds),
    ):
        for row in rows:
            report.rows.append(row)
            print(table(Report(report.machine, [row])).split("\n", 2)[2], flush=True)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(asdict(report), indent=2), encoding="utf-8")
    print(f"\nwritten: {args.json}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
