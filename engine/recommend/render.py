"""Recommendations for people: terminal text, Markdown (the page for the meeting), and the
one-line-per-firing trace.

Both pages say the same things from the same fields: the causes (``rec.causes``, each line as
its ``text``), the rest of the rationale, the stage ledger with what is missing, the evidence.
Text folds long lists into counts and the first few; Markdown, which also becomes the printable
HTML page, lists everything.
"""

from __future__ import annotations

import json
import re
import textwrap
from collections.abc import Callable, Iterator, Sequence

from engine.recommend.causes import shorten
from schemas.framework import Framework
from schemas.recommendation import LedgerRow, Recommendation
from schemas.review import EvidenceItem, Objective

__all__ = ["markdown_text", "render_markdown", "render_text", "render_trace"]

WIDTH = 100
STATUS_WORDS = {
    "insufficient_evidence": "Insufficient evidence",
    "needs_human_review": "Needs human review",
}
_CITED = 3  # statements cited with their words before 'and N more'
_FOLDED = 1  # missing statements shown per standard in text, before 'and N more'
_OUTCOME_WORDS = {"not-met": "not met", "partially-met": "partially met"}


def headline(rec: Recommendation) -> str:
    """'Achieved expectations (draft, pay recommendation)' or the status in words."""
    purpose = rec.purpose.replace("-", " ")
    if rec.outcome == "rated":
        return f"{rec.rating_label} (draft {purpose})"
    return f"{STATUS_WORDS[rec.outcome]} — no rating drafted ({purpose})"


def _statement(rec: Recommendation, statement: str, *, whole: bool = False) -> str:
    """A statement as cited: its id and its words, shortened unless ``whole`` (the id alone in
    records drafted before the words were carried)."""
    cited = rec.statements.get(statement)
    if cited is None:
        return statement
    return f"{statement} “{cited.text if whole else shorten(cited.text)}”"


_MARKDOWN_INLINE = re.compile(r"([\\`*_\[\]<>!|&~])")
"""What can make inline markup where a person's words stand (always mid-line on the page): code,
emphasis, links and images, HTML and autolinks, table cells, entities."""


def markdown_text(words: str) -> str:
    """A person's words shown as text on the Markdown page, never as markup: each character that
    can start inline markup backslash-escaped (CommonMark then reads it literally, so no link,
    image, emphasis or table cell can be made; the words always stand mid-line, where no heading
    or list can start) and line breaks as spaces. Plain words stay readable in the raw page."""
    return _MARKDOWN_INLINE.sub(r"\\\1", " ".join(words.split()))


def _evidence_item(rec: Recommendation, evidence_id: str) -> str:
    """An evidence item as cited: its id, kind and date."""
    item = next((e for e in _evidence(rec) if e.id == evidence_id), None)
    if item is None:
        return evidence_id
    return f"{item.id} ({item.kind.replace('-', ' ')}, {item.date})"


def _evidence(rec: Recommendation, given: Sequence[EvidenceItem] = ()) -> Sequence[EvidenceItem]:
    return rec.case.evidence if rec.case is not None else given


def _wrap(text: str, indent: str = "  ", bullet: str = "- ") -> str:
    return textwrap.fill(
        text, WIDTH, initial_indent=indent + bullet, subsequent_indent=indent + " " * len(bullet)
    )


def _cites(
    rec: Recommendation,
    statements: tuple[str, ...],
    evidence: tuple[str, ...],
    *,
    named: bool = False,
) -> str:
    """'[statements ID “words…”, … and N more; evidence ID, …]'; ``named`` evidence items also
    say their kind and date."""
    parts = []
    if statements:
        unique = list(dict.fromkeys(statements))
        shown = ", ".join(_statement(rec, s) for s in unique[:_CITED])
        if len(unique) > _CITED:
            shown += f" and {len(unique) - _CITED} more"
        parts.append(f"statements {shown}")
    if evidence:
        cited = (_evidence_item(rec, e) for e in evidence) if named else evidence
        parts.append("evidence " + ", ".join(cited))
    return f" [{'; '.join(parts)}]" if parts else ""


def _other_lines(rec: Recommendation) -> Iterator[tuple[str, tuple[str, ...], tuple[str, ...]]]:
    """The rationale lines that are not causes (all of them in records without causes)."""
    causes = {c.text for c in rec.causes}
    for line in rec.rationale:
        if line.text not in causes:
            yield line.text, line.statements, line.evidence


# --- text ------------------------------------------------------------------------------------


def render_text(rec: Recommendation, framework: Framework | None = None) -> str:
    """A terminal page: result, why (causes first), ledger, evidence excluded, next steps, seal;
    with its ``framework``, the framework and the stage are named in its words."""
    stage = f", stage {_stage_name(rec.stage, framework)}" if rec.stage else ""
    out = [
        f"Draft: {headline(rec)}",
        f"Subject {rec.subject}{stage} ({_framework_name(rec, framework)})",
    ]
    if rec.case is not None:
        case = rec.case
        out.append(f"Appraiser {case.appraiser}, cycle {case.cycle_start} to {case.cycle_end}")
    out += ["", _wrap(rec.summary, "", ""), "", "Why:"]
    for cause in rec.causes:
        indent = "  " + "    " * cause.depth
        out.append(_wrap(cause.text, indent))
        out += [_wrap(detail, indent + "    ", "· ") for detail in cause.details]
    out += [_wrap(text + _cites(rec, s, e)) for text, s, e in _other_lines(rec)]
    if rec.ledger:
        out += ["", "Stage ledger (statements met / required, at the modality required):"]
        for row in rec.ledger:
            out += _text_ledger_row(rec, row)
    used = _used_evidence(rec, _evidence(rec))
    if used:
        out += ["", "Evidence used:"]
        out += [_wrap(_evidence_line(e)) for e in used]
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


def _text_ledger_row(rec: Recommendation, row: LedgerRow) -> list[str]:
    """A stage's figures, its thresholds, and its missing statements folded by standard."""
    lines = [f"  {row.label:<24} {row.modality:<30} {row.met:>4} / {row.required:<4}"]
    lines += [_wrap(f"held to: {c.text}", "      ", "") for c in row.held_to]
    if not row.missing:
        return lines
    lines.append(f"      {len(row.missing)} missing:")
    by_standard: dict[str, list[str]] = {}
    for statement in row.missing:
        cited = rec.statements.get(statement)
        by_standard.setdefault(cited.standard if cited else "", []).append(statement)
    for standard, statements in by_standard.items():
        shown = "; ".join(_statement(rec, s) for s in statements[:_FOLDED])
        more = f" and {len(statements) - _FOLDED} more" if len(statements) > _FOLDED else ""
        head = f"{standard}: {len(statements)}, " if standard else ""
        lines.append(_wrap(f"{head}{shown}{more}", "        ", "· "))
    return lines


def _seal(rec: Recommendation) -> str:
    record = rec.record
    return (
        f"Rule set {record.ruleset} {record.ruleset_hash[:19]}…, input {record.input_hash[:19]}…, "
        f"{record.engine_version}, {record.evaluated_at.isoformat(timespec='seconds')}"
    )


# --- Markdown: the page for the meeting --------------------------------------------------------


def render_markdown(
    rec: Recommendation, evidence: Sequence[EvidenceItem] = (), framework: Framework | None = None
) -> str:
    """A printable page an appraiser can take into the meeting: the draft and why, the ledger
    with everything missing, objectives and evidence, the parameters that decided, and a
    sign-off block. Records drafted before the review's side was carried in the draft pass the
    review's ``evidence`` to list it; with its ``framework`` the page names it and the stage in
    words instead of by id."""
    title = f"Draft {rec.scale} outcome" if rec.scale else "Draft rating"
    out = [f"# {title}: {headline(rec)}", "", *_md_header(rec, framework)]
    out += ["", "> This is a recommendation drafted by rules; a person decides.", ""]
    out += [rec.summary, "", "## Why", ""]
    for cause in rec.causes:
        indent = "  " * cause.depth
        out.append(f"{indent}- {cause.text}")
        out += [f"{indent}  - {detail}" for detail in cause.details]
    out += [f"- {text}{_cites(rec, s, e)}" for text, s, e in _other_lines(rec)]
    if rec.ledger:
        out += ["", "## Stage ledger", "", *_md_ledger(rec)]
    if rec.case is not None and rec.case.objectives:
        out += ["", "## Objectives", ""]
        out += [_md_objective(rec, o) for o in rec.case.objectives]
    used = _used_evidence(rec, _evidence(rec, evidence))
    if used:
        out += ["", "## Evidence used", ""]
        out += [_md_evidence(rec, e) for e in used]
    if rec.excluded_evidence:
        out += ["", "## Evidence not used", ""]
        out += [f"- **{e.id}** ({e.date}): {e.reason}" for e in rec.excluded_evidence]
    if rec.parameters:
        out += [
            "",
            "## Parameters that decided",
            "",
            "| parameter | value | why |",
            "|---|---|---|",
        ]
        out += [f"| `{p.name}` | {p.value} | {p.reason} |" for p in rec.parameters]
    out += ["", "## Next steps", "", rec.next_steps.note, ""]
    out += [f"1. {change.text}" for change in rec.next_steps.changes]
    if rec.case is not None:
        out += ["", *_md_sign_off(rec)]
    out += ["", "---", "", f"_{_seal(rec)}_", ""]
    return "\n".join(out)


def _md_header(rec: Recommendation, framework: Framework | None) -> list[str]:
    lines = [
        f"**Subject:** {markdown_text(rec.subject)}  ",
        f"**Framework / rule set:** {markdown_text(_framework_name(rec, framework))} / "
        f"{rec.ruleset}  ",
    ]
    if rec.case is not None:
        lines.append(f"**Appraiser:** {markdown_text(rec.case.appraiser)}  ")
        lines.append(f"**Cycle:** {rec.case.cycle_start} to {rec.case.cycle_end}  ")
    lines.append(f"**Stage:** {markdown_text(_stage_name(rec.stage, framework))}")
    return lines


def _framework_name(rec: Recommendation, framework: Framework | None) -> str:
    """The framework's short title ("Hampshire guidance"), or its id without it."""
    if framework is None or framework.id != rec.framework:
        return rec.framework
    return framework.title.split(" — ")[0]


def _stage_name(stage: str | None, framework: Framework | None) -> str:
    """The stage's label ("MPR"), or its id without the framework."""
    if stage is None:
        return "—"
    labels = {s.id: s.label for s in framework.stages} if framework is not None else {}
    return labels.get(stage, stage)


def _md_ledger(rec: Recommendation) -> list[str]:
    """The table, then each stage's thresholds and its missing statements, all of them."""
    out = ["| stage | required at | met | required | missing |", "|---|---|---|---|---|"]
    out += [
        f"| {r.label} | {r.modality} | {r.met} | {r.required} | {len(r.missing)} |"
        for r in rec.ledger
    ]
    for row in rec.ledger:
        if not row.held_to and not row.missing:
            continue
        out += ["", f"### {row.label}: {row.met} of {row.required} met {row.modality}", ""]
        out += [f"Held to: {c.text}.  " for c in row.held_to]
        if row.missing:
            out += ["", f"Missing ({len(row.missing)}):", ""]
            out += list(_md_missing(rec, row))
    return out


def _md_missing(rec: Recommendation, row: LedgerRow) -> Iterator[str]:
    """Every missing statement with its words, under its standard and node (in framework order;
    a record drafted before the places were carried lists the ids alone)."""
    standard = unit = None
    for statement in row.missing:
        cited = rec.statements.get(statement)
        if cited is None:
            yield f"- {statement}"
            continue
        if cited.standard != standard:
            standard, unit = cited.standard, None
            yield f"- {standard}"
        if cited.unit != unit:
            unit = cited.unit
            yield f"  - {unit}"
        yield f"    - {_statement(rec, statement, whole=True)}"


def _md_objective(rec: Recommendation, objective: Objective) -> str:
    outcome = _OUTCOME_WORDS.get(objective.outcome, objective.outcome).replace("-", " ")
    line = f"- **{objective.id}** {markdown_text(objective.text)}: **{outcome}**"
    if objective.evidence:
        line += "; evidence " + ", ".join(_evidence_item(rec, e) for e in objective.evidence)
    return line


def _evidence_line(item: EvidenceItem, words: Callable[[str], str] = str) -> str:
    """'obs-1 (lesson observation, 2025-02-03, recorded by a-07): its note. Impact: …'; the
    person's words (who recorded it, the note, the impact) passed through ``words``."""
    kind = item.kind.replace("-", " ")
    line = f"{item.id} ({kind}, {item.date}, recorded by {words(item.recorded_by)})"
    if item.note:
        line += f": {words(item.note)}"
    if item.impact:
        line += f" Impact: {words(item.impact)}"
    return line


def _md_evidence(rec: Recommendation, item: EvidenceItem) -> str:
    tagged = tuple(t.statement for t in item.tags)
    return f"- {_evidence_line(item, markdown_text)}{_cites(rec, tagged, ())}"


def _md_sign_off(rec: Recommendation) -> list[str]:
    """A block to complete by hand at the meeting; kept on one printed page by the HTML's CSS."""
    assert rec.case is not None
    return [
        "## Sign-off",
        "",
        "| | |",
        "|---|---|",
        f"| Appraiser | {markdown_text(rec.case.appraiser)} |",
        "| Appraiser's signature | &nbsp; |",
        "| Teacher's comment | &nbsp; |",
        "| Teacher's signature | &nbsp; |",
        "| Date | &nbsp; |",
    ]


def _used_evidence(rec: Recommendation, evidence: Sequence[EvidenceItem]) -> list[EvidenceItem]:
    excluded = {e.id for e in rec.excluded_evidence}
    return [e for e in evidence if e.id not in excluded]


# --- the trace ---------------------------------------------------------------------------------


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
