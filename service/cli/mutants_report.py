"""``appraise check RULESET --mutants``: every mutant of a rule set, what noticed it, the score."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the run starts the rules engine: only `check --mutants` loads it
    from engine.testing.mutation_run import MutantResult, MutationReport

__all__ = ["render_json", "render_text"]


def render_text(report: MutationReport, min_score: float | None = None) -> str:
    """Survivors first (the rule and change nothing noticed), then equivalents, then the score."""
    out = [
        f"appraise check {report.path} --mutants (rule set {report.ruleset}, seed {report.seed}, "
        f"{report.max_examples} examples per invariant)",
        "",
    ]
    for status, title in (("survived", "survived (nothing noticed)"), ("equivalent", "equivalent")):
        shown = [r for r in report.results if r.status == status]
        out.append(f"{title}: {len(shown)}")
        out += [_line(r) for r in shown]
        out.append("")
    out.append(_score_line(report))
    if min_score is not None and report.score < min_score:
        out.append(
            f"FAILED: mutation score {report.score:.1f}% is below --min-score {min_score:g}%"
        )
    return "\n".join(out)


def _line(result: MutantResult) -> str:
    mutant = result.mutant
    line = f"  #{mutant.number:<4} {mutant.kind:10} {mutant.description}"
    return f"{line}\n{'':18}({result.by})" if result.status == "equivalent" else line


def _score_line(report: MutationReport) -> str:
    killed, survived = report.count("killed"), report.count("survived")
    return (
        f"mutation score {report.score:.1f}%: {killed} killed, {survived} survived, "
        f"{report.count('equivalent')} equivalent (of {len(report.results)} mutants)"
    )


def render_json(report: MutationReport) -> str:
    data = {
        "path": report.path,
        "ruleset": report.ruleset,
        "seed": report.seed,
        "max_examples": report.max_examples,
        "score": round(report.score, 1),
        "killed": report.count("killed"),
        "survived": report.count("survived"),
        "equivalent": report.count("equivalent"),
        "mutants": [
            {
                "number": r.mutant.number,
                "rule": r.mutant.rule,
                "kind": r.mutant.kind,
                "description": r.mutant.description,
                "status": r.status,
                "by": r.by,
            }
            for r in report.results
        ],
    }
    return json.dumps(data, indent=2, ensure_ascii=False)
