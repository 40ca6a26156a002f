"""Recommendations for people: terminal text, Markdown, and the one-line-per-firing trace."""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence

from schemas.recommendation import Recommendation
from schemas.review import EvidenceItem

__all__ = ["render_markdown", "render_text", "render_trace"]

WIDTH = 100
STATUS_WORDS = {
    "insufficient_evidence": "Insufficient evidence",
    "needs_human_review": "Needs human review",
}


def headline(rec: Recommendation) -> str:
    """'Achieved expectations (draft, pay recommendation)' or the status in words."""
    purpose = rec.purpose.replace("-", " ")
    if rec.outcome == "rated":
        return f"{rec.rating_label} (draft {purpose})"
    return f"{STATUS_WORDS[rec.outcome]} — no rating drafted ({purpose})"


def _wrap(text: str, indent: str = "  ", bullet: str = "- ") -> str:
    return textwrap.fill(
        text, WIDTH, initial_indent=indent + bullet, subsequent_indent=indent + " " * len(bullet)
    )


def _cites(statements: tuple[str, ...], evidence: tuple[str, ...]) -> str:
    parts = []
    if statements:
        shown = ", ".join(statements[:6]) + (
            f" and {len(statements) - 6} more" if len(statements) > 6 else ""
        )
        parts.append(f"statements {shown}")
    if evidence:
        parts.append("evidence " + ", ".join(evidence))
    return f" [{'; '.join(parts)}]" if parts else ""


def render_text(rec: Recommendation) -> str:
    """A terminal page: result, why, ledger, evidence excluded, next steps, seal."""
    out = [
        f"Draft: {headline(rec)}",
        f"Subject {rec.subject}" + (f", stage {rec.stage}" if rec.stage else ""),
        "",
    ]
    out.append(_wrap(rec.summary, "", ""))
    out += ["", "Why:"]
    out += [_wrap(line.text + _cites(line.statements, line.evidence)) for line in rec.rationale]
    if rec.ledger:
        out += ["", "Stage ledger (statements met / required, at the modality required):"]
        out += [
            f"  {row.label:<24} {row.modality:<30} {row.met:>4} / {row.required:<4}"
            for row in rec.ledger
        ]
    if rec.excluded_evidence:
        out += ["", "Evidence not used:"]
        out += [_wrap(f"{e.id} ({e.date}): {e.reason}") for e in rec.excluded_evidence]
    out += [
        "",
        f"Next steps{f' towards {rec.next_steps.target}' if rec.next_steps.target else ''}:",
    ]
    out.append(_wrap(rec.next_steps.note))
    out += [_wrap(change.text, "    ") for change in rec.next_steps.changes]
    out += ["", _seal(rec)]
    return "\n".join(out)


def _seal(rec: Recommendation) -> str:
    record = rec.record
    return (
        f"Rule set {record.ruleset} {record.ruleset_hash[:19]}…, input {record.input_hash[:19]}…, "
        f"{record.engine_version}, {record.evaluated_at.isoformat(timespec='seconds')}"
    )


def render_markdown(rec: Recommendation, evidence: Sequence[EvidenceItem] = ()) -> str:
    """A printable page an appraiser can take into the meeting; with the review's ``evidence``
    it also lists the evidence used, with the statements each item was tagged with."""
    out = [
        f"# Draft rating: {headline(rec)}",
        "",
        f"**Subject:** {rec.subject}  ",
        f"**Framework / rule set:** {rec.framework} / {rec.ruleset}  ",
        f"**Stage:** {rec.stage or '—'}",
        "",
        "> This is a recommendation drafted by rules; a person decides.",
        "",
        rec.summary,
        "",
        "## Why",
        "",
    ]
    out += [f"- {line.text}{_cites(line.statements, line.evidence)}" for line in rec.rationale]
    if rec.ledger:
        out += [
            "",
            "## Stage ledger",
            "",
            "| stage | required at | met | required |",
            "|---|---|---|---|",
        ]
        out += [f"| {r.label} | {r.modality} | {r.met} | {r.required} |" for r in rec.ledger]
    used = _used_evidence(rec, evidence)
    if used:
        out += ["", "## Evidence used", ""]
        out += [
            f"- **{e.id}** ({e.date}, {e.kind.replace('-', ' ')})"
            + _cites(tuple(t.statement for t in e.tags), ())
            for e in used
        ]
    if rec.excluded_evidence:
        out += ["", "## Evidence not used", ""]
        out += [f"- **{e.id}** ({e.date}): {e.reason}" for e in rec.excluded_evidence]
    out += ["", "## Next steps", "", rec.next_steps.note, ""]
    out += [f"1. {change.text}" for change in rec.next_steps.changes]
    out += ["", "---", "", f"_{_seal(rec)}_", ""]
    return "\n".join(out)


def _used_evidence(rec: Recommendation, evidence: Sequence[EvidenceItem]) -> list[EvidenceItem]:
    excluded = {e.id for e in rec.excluded_evidence}
    return [e for e in evidence if e.id not in excluded]


def render_trace(rec: Recommendation) -> str:
    """One line per firing: sequence, rule, action, and the facts it matched."""
    lines = [
        f"Trace of {rec.trace.ruleset} ({rec.trace.ruleset_hash[:19]}…), {rec.trace.engine_version}"
    ]
    for firing in rec.trace.firings:
        matched = "; ".join(
            f"{alias}={_fact_summary(fact)}" for alias, fact in firing.matched.items()
        )
        lines.append(f"{firing.seq:>3}  {firing.rule}  → {firing.action}  | {matched}")
    return "\n".join(lines)


def _fact_summary(fact: dict[str, object]) -> str:
    shown = {k: v for k, v in fact.items() if k not in ("t", "evidence")}
    return json.dumps(shown, separators=(",", ":"), ensure_ascii=False)
