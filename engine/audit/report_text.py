"""The audit's summary as plain text, for a terminal: what was decided, then what was flagged."""

from __future__ import annotations

from engine.audit.summary import decided_rows, reason_code_counts, summary_of
from schemas.audit import AuditReport

__all__ = ["render_text"]


def render_text(report: AuditReport, *, first_flags: int = 20) -> str:
    """The summary: final ratings, the counts of decisions (overrides among them) and, apart,
    the flags raised by each check, then the first ``first_flags`` flags."""
    head = summary_of(report)
    titles: dict[str, str] = {m.check: m.title for m in report.methods}
    width = max(len(label) for label, _ in decided_rows(head))
    lines = [
        "Final ratings: " + ", ".join(f"{k} {v:,}" for k, v in report.cohort.finals.items()) + ".",
        "",
        "What people decided:",
        *(f"  {label:<{width}}  {figure}" for label, figure in decided_rows(head)),
        "  Reason codes given:",
        *(f"    {line}" for line in reason_code_counts(report.overrides) or ["none"]),
        "",
        "Flags raised (cases and people to look at), by check:",
        *(f"  {titles.get(check, check)}: {_flags(n)}" for check, n in head.flags.items()),
    ]
    if report.whatif:
        w = report.whatif
        lines.append(
            f"What-if: {len(w.changes):,} drafts change from {w.ruleset} to {w.compare_ruleset}"
        )
    shown = report.flags[:first_flags]
    if shown:
        lines += ["", "First flags:"]
        lines += [f"  [{f.check}] {f.case or f.appraiser or ''}: {f.detail}" for f in shown]
    return "\n".join(lines)


def _flags(count: int) -> str:
    return f"{count:,} flag{'' if count == 1 else 's'}"
