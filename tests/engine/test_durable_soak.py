"""Memory soak: 20,000 cases in one process neither fail nor grow the process's memory."""

from __future__ import annotations

import os
import random
import time
from typing import Any

import pytest

from engine.rules._durable import DurableRuleset, RuleSpec

pytestmark = pytest.mark.slow  # twenty thousand cases

CASES = 20_000
WARM_UP = 1_000
MAX_GROWTH_MB = 10.0
STANDARDS = [f"S{k}" for k in range(4)]


def _rules() -> list[RuleSpec]:
    met = [
        RuleSpec(
            f"soak.met.{code}",
            {"all": [{"s": {"$and": [{"t": "std"}, {"code": code}, {"$gte": {"ratio": 0.5}}]}}]},
            ("s",),
            conclude=f"met-{code}",
        )
        for code in STANDARDS
    ]
    strong = {"$and": [{"t": "ev"}, {"$gte": {"strength": 3}}]}
    its_standard = {"$and": [{"t": "std"}, {"code": {"e": "std"}}]}
    stage_ok = {"$and": [{"t": "outcome"}, {"$gte": {"value": 0.5}}]}
    conclusion = {"$and": [{"t": "conclusion"}, {"name": "stage-ok"}]}
    return [
        *met,
        RuleSpec(
            "soak.strong", {"all": [{"e": strong}, {"s": its_standard}], "pri": 1}, ("e", "s")
        ),
        RuleSpec(
            "soak.stage-ok",
            {"all": [{"st": {"t": "stage"}}, {"o": stage_ok}], "pri": 1},
            ("st", "o"),
            conclude="stage-ok",
        ),
        RuleSpec(
            "soak.propose",
            {
                "all": [
                    {"c": conclusion},
                    {"m": {"$and": [{"t": "conclusion"}, {"name": "met-S0"}]}},
                ]
            },
            ("c", "m"),
        ),
        RuleSpec(
            "soak.gap",
            {"all": [{"c": conclusion}, {"g$not": {"name": "met-S1"}}], "pri": 2},
            ("c", "g$not"),
        ),
        RuleSpec(
            "soak.thin", {"all": [{"s": {"$and": [{"t": "std"}, {"$lt": {"ratio": 0.1}}]}}]}, ("s",)
        ),
        RuleSpec("soak.never", {"all": [{"x": {"t": "never"}}]}, ("x",)),
    ]


def _case(rng: random.Random) -> list[dict[str, Any]]:
    facts: list[dict[str, Any]] = [
        {"t": "stage", "id": "stage", "stage": "ect", "evidence": []},
        {"t": "outcome", "id": "outcome", "value": round(rng.random(), 3), "evidence": ["o"]},
    ]
    facts += [
        {"t": "std", "id": code, "code": code, "ratio": round(rng.random(), 3), "evidence": [code]}
        for code in STANDARDS
    ]
    facts += [
        {"t": "ev", "id": f"ev{j}", "std": rng.choice(STANDARDS), "strength": rng.randint(1, 3)}
        for j in range(14)
    ]
    return facts


def _expected_met(facts: list[dict[str, Any]]) -> int:
    return sum(1 for f in facts if f["t"] == "std" and f["ratio"] >= 0.5)


def _rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        resident_pages = int(statm.read().split()[1])
    return resident_pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def test_twenty_thousand_cases_run_without_error_or_memory_growth() -> None:
    engine = DurableRuleset("soak", _rules())
    rng = random.Random(20_000)
    firings = 0
    rss_after_warm_up = 0.0
    started = time.perf_counter()
    for i in range(CASES):
        if i == WARM_UP:
            rss_after_warm_up = _rss_mb()
        facts = _case(rng)
        fired = engine.run(f"case-{i}", facts)
        met = [f for f in fired if f.rule.startswith("soak.met.")]
        assert len(met) == _expected_met(facts), f"case {i}"
        firings += len(fired)
    elapsed = time.perf_counter() - started
    growth = _rss_mb() - rss_after_warm_up
    per_case = elapsed / CASES * 1000
    print(f"\n{CASES} cases, {firings / CASES:.1f} firings each, {elapsed:.1f} s", end="")
    print(f" ({per_case:.2f} ms/case), RSS {rss_after_warm_up:.1f} MB → +{growth:.2f} MB")
    assert growth < MAX_GROWTH_MB
