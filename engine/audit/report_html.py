"""The audit as one self-contained HTML page: inline CSS and SVG charts, no script, no links out.

A governor can open it offline in any browser. Every check shows its statement of method, its
findings and its flags; suppressed cells say "suppressed" instead of a number.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from html import escape

from engine.audit.report_charts import (
    finals_by_appraiser,
    outcomes_by_group,
    override_rates,
    table_ratings,
    table_title,
)
from engine.audit.stats import format_p
from engine.audit.summary import JUDGEMENT_WORDS, decided_rows, reason_code_counts, summary_of
from schemas.audit import AuditReport, Flag, GroupTable, Method, OverrideRow

__all__ = ["MAX_APPRAISERS", "MAX_ROWS", "render_html"]

MAX_ROWS = 500
"""Long tables stop here in the page; the JSON and CSV outputs hold every row."""
MAX_APPRAISERS = 60

CSS = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 70em; color: #222; }
h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #2e86c1; padding-bottom: .2em; }
table { border-collapse: collapse; margin: .8em 0; font-size: .85em; }
th, td { border: 1px solid #ccc; padding: .25em .5em; text-align: left; vertical-align: top; }
th { background: #eef3f8; } td.num { text-align: right; }
td.suppressed { color: #888; font-style: italic; background: #f4f4f4; }
.method { background: #f8f9f9; border-left: 4px solid #2e86c1; padding: .5em 1em; }
.flag { color: #c0392b; font-weight: bold; } .note { color: #555; font-size: .9em; }
figure { margin: 1em 0; } figure svg { max-width: 100%; height: auto; }
"""


def render_html(report: AuditReport) -> str:
    """The whole report as one HTML document."""
    methods = {m.check: m for m in report.methods}
    parts = [
        _head(report),
        _summary(report),
        _section(methods["overrides"], _overrides(report), _flags(report, "overrides")),
        _section(
            methods["appraisers"],
            _figure(finals_by_appraiser(report), "Final ratings by appraiser"),
            _figure(override_rates(report), "Override rates"),
            _appraisers(report),
        ),
        _section(methods["like-cases"], _like_cases(report)),
        _section(methods["groups"], _groups(report), _flags(report, "groups")),
        _section(methods["protected-absence"], _flags(report, "protected-absence")),
        _section(methods["rationale"], _flags(report, "rationale")),
    ]
    if report.whatif and "what-if" in methods:
        parts.append(_section(methods["what-if"], _what_if(report)))
    parts.append("</body></html>")
    return "\n".join(parts)


def _head(report: AuditReport) -> str:
    rulesets = ", ".join(f"{k} ({v[:19]}…)" for k, v in report.cohort.rulesets.items())
    return (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'>"
        "<title>Ratings audit</title>"
        f"<style>{CSS}</style></head><body>"
        "<h1>Ratings audit: consistency and fairness across the cohort</h1>"
        f"<p class='note'>Generated {escape(report.generated_at.isoformat(timespec='seconds'))}"
        f" by appraise engine {escape(report.engine_version)}; rule sets "
        f"{escape(rulesets or '-')}.</p>"
    )


def _summary(report: AuditReport) -> str:
    """What was decided, then, apart, what the checks flagged for a person to look at."""
    cohort, head = report.cohort, summary_of(report)
    titles: dict[str, str] = {m.check: m.title for m in report.methods}
    flags = [[titles.get(check, check), str(n)] for check, n in head.flags.items()]
    if report.whatif:
        flags.append(["What-if: drafts that change (not flags)", str(len(report.whatif.changes))])
    finals = ", ".join(f"{k}: {v}" for k, v in cohort.finals.items())
    return (
        "<h2>Summary</h2>"
        f"<p>{cohort.cases} decisions by {cohort.appraisers} appraisers "
        f"({escape(', '.join(cohort.frameworks))}). Final ratings: {escape(finals)}.</p>"
        "<h3>What people decided</h3>"
        + _table(["Counted", "Number"], decided_rows(head))
        + "<h3>Flags: cases and people to look at</h3>"
        + _table(["Check", "Flags raised"], flags)
    )


def _section(method: Method, *body: str) -> str:
    return (
        f"<section id='{escape(method.check)}'><h2>{escape(method.title)}</h2>"
        f"<p class='method'><b>Method.</b> {escape(method.statement)}</p>" + "".join(body)
    ) + "</section>"


def _figure(svg: str, caption: str) -> str:
    return f"<figure class='chart'>{svg}<figcaption>{escape(caption)}</figcaption></figure>"


def _table(header: Sequence[str], rows: Iterable[Sequence[str]], *, raw: bool = False) -> str:
    """A table; cells are escaped unless ``raw`` (already HTML ``<td>`` elements)."""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = []
    for count, row in enumerate(rows):
        if count == MAX_ROWS:
            body.append(
                f"<tr><td colspan='{len(header)}' class='note'>… more rows in the JSON and "
                "CSV outputs.</td></tr>"
            )
            break
        cells = "".join(row) if raw else "".join(f"<td>{escape(c)}</td>" for c in row)
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def _override_rows(rows: Iterable[OverrideRow]) -> list[list[str]]:
    return [
        [r.key, str(r.cases), str(r.rated), str(r.overridden), str(r.up), str(r.down), _pct(r.rate)]
        for r in rows
    ]


def _overrides(report: AuditReport) -> str:
    o = report.overrides
    header = ["", "cases", "rated drafts", "overridden", "up", "down", "rate"]
    codes = "; ".join(reason_code_counts(o)) or "none"
    return (
        f"<p>{o.total.overridden} of {o.total.rated} rated drafts were overridden "
        f"({_pct(o.total.rate)}); {o.decided_without_rating} drafts were a status decided by a "
        f"person; {o.overrides_without_reason_code} overrides had no reason code.</p>"
        f"<p>Reason codes: {escape(codes)}.</p>"
        "<h3>By career stage</h3>" + _table(header, _override_rows(o.by_stage)) + "<h3>By the "
        "rule that decided the draft</h3>" + _table(header, _override_rows(o.by_rule))
    )


def _appraisers(report: AuditReport) -> str:
    order = {"lenient": 0, "severe": 0, "not-flagged": 1, "too-few-cases": 2}
    ranked = sorted(
        report.appraisers,
        key=lambda a: (order[a.judgement], -(a.up + a.down) / max(a.rated, 1), a.appraiser),
    )
    rows = [
        [
            a.appraiser,
            str(a.cases),
            str(a.rated),
            str(a.up),
            str(a.down),
            _num(a.mean_draft_rank),
            _num(a.mean_final_rank),
            _pvalue(a.p_lenient_adjusted),
            _pvalue(a.p_severe_adjusted),
            JUDGEMENT_WORDS[a.judgement],
        ]
        for a in ranked
    ]
    header = [
        "appraiser",
        "cases",
        "rated drafts",
        "up",
        "down",
        "mean draft",
        "mean final",
        "adj. p lenient",
        "adj. p severe",
        "judgement",
    ]
    shown = len(rows[:MAX_APPRAISERS])
    title = (
        f"<h3>Appraisers: flagged first, then by override rate ({shown} of {len(rows)}; every "
        "appraiser is in the JSON output)</h3>"
    )
    return _flags(report, "appraisers") + title + _table(header, rows[:MAX_APPRAISERS])


def _like_cases(report: AuditReport) -> str:
    if not report.like_cases:
        return "<p>No like cases were rated differently.</p>"
    parts = []
    for group in report.like_cases:
        rows = [[c.case, c.subject, c.appraiser, c.final, c.reason_code or ""] for c in group.cases]
        parts.append(
            f"<h3>Draft {escape(group.draft)}: {escape(group.pattern)}</h3>"
            + _table(["case", "subject", "appraiser", "final", "reason code"], rows)
        )
    return "".join(parts)


def _groups(report: AuditReport) -> str:
    if not report.groups:
        return "<p>No equality-monitoring fields were recorded.</p>"
    chart = _figure(outcomes_by_group(report), "Outcome rates by group (suppressed cells hatched)")
    return chart + "".join(_group_table(t) for t in report.groups)


def _group_table(table: GroupTable) -> str:
    scale = table_ratings(table)
    header = ["group", "n"]
    for rating in scale:
        header += [f"{rating} count", f"{rating} rate (rest)"]
    header += ["favourable", "rest", "ratio", "drafts favourable", "adj. p", "flag"]
    rows = []
    for row in table.rows:
        cells = [_td(row.value), _td(_count(row.n), suppressed=row.n is None)]
        for cell in row.cells:
            if cell.suppressed:
                cells += [_td("suppressed", suppressed=True)] * 2
            else:
                cells += [_td(str(cell.count)), _td(f"{_pct(cell.rate)} ({_pct(cell.rest_rate)})")]
        cells += [
            _td(_pct(row.favourable_rate)),
            _td(_pct(row.rest_favourable_rate)),
            _td(_num(row.ratio)),
            _td(_pct(row.draft_favourable_rate)),
            _td(_pvalue(row.p_adjusted)),
            "<td class='flag'>flagged</td>" if row.flagged else "<td></td>",
        ]
        rows.append(cells)
    title = f"<h3>{escape(table_title(table))}</h3>"
    return title + _table(header, rows, raw=True)


def _what_if(report: AuditReport) -> str:
    w = report.whatif
    assert w is not None
    header = ["", "cases", "changed", "up", "down"]
    summary = [[r.key, str(r.cases), str(r.changed), str(r.up), str(r.down)] for r in w.by_stage]
    by_appraiser = [
        [r.key, str(r.cases), str(r.changed), str(r.up), str(r.down)]
        for r in w.by_appraiser
        if r.changed
    ]
    changes = [
        [c.case, c.appraiser, c.stage or "", c.before, c.after, ", ".join(c.after_rules)]
        for c in w.changes
    ]
    return (
        f"<p>{len(w.changes)} drafts change from rule set {escape(w.ruleset)} to "
        f"{escape(w.compare_ruleset)}.</p><h3>By career stage</h3>"
        + _table(header, summary)
        + "<h3>By appraiser (those with a change)</h3>"
        + _table(header, by_appraiser)
        + "<h3>Every changed draft</h3>"
        + _table(["case", "appraiser", "stage", "before", "after", "decided by (after)"], changes)
    )


def _flags(report: AuditReport, check: str) -> str:
    found: list[Flag] = [f for f in report.flags if f.check == check]
    if not found:
        return "<p>Nothing flagged.</p>"
    rows = [
        [f.code, f.case or "", f.appraiser or "", f.draft or "", f.final or "", f.detail]
        for f in found
    ]
    header = ["flag", "case", "appraiser", "draft", "final", "detail"]
    return f"<p class='flag'>{len(found)} flagged.</p>" + _table(header, rows)


def _td(text: str, *, suppressed: bool = False) -> str:
    css = "suppressed" if suppressed else "num"
    return f"<td class='{css}'>{escape(text)}</td>"


def _count(value: int | None) -> str:
    return "suppressed" if value is None else str(value)


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _pvalue(value: float | None) -> str:
    return "—" if value is None else format_p(value)


def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:.2g}"
