"""The audit report's charts, drawn with matplotlib and returned as inline SVG text."""

from __future__ import annotations

import io

import matplotlib

matplotlib.use("Agg")  # no display: files only

import matplotlib.pyplot as plt
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from engine.audit.summary import JUDGEMENT_WORDS
from schemas.audit import AppraiserFinding, AuditReport, GroupTable

__all__ = [
    "finals_by_appraiser",
    "outcomes_by_group",
    "override_rates",
    "table_ratings",
    "table_title",
]


def table_ratings(table: GroupTable) -> tuple[str, ...]:
    """The ratings a group table counts: its framework scales', or its rule-set scale's."""
    return tuple(cell.rating for cell in table.rows[0].cells) if table.rows else ()


def table_title(table: GroupTable) -> str:
    """'ethnicity', or 'ethnicity — induction outcomes' for a table of a rule-set scale."""
    name = table.characteristic.replace("_", " ")
    return f"{name} — {table.scale} outcomes" if table.scale else name


COLOURS = ("#c0392b", "#2e86c1", "#27ae60", "#8e44ad", "#d68910", "#5d6d7e")
FLAGGED = "#c0392b"
SUPPRESSED = "#d5d8dc"
MAX_APPRAISERS = 15
# Text stays text (searchable, selectable, small); ids are stable between runs.
plt.rcParams.update({"svg.fonttype": "none", "svg.hashsalt": "appraise", "font.size": 9})


def _svg(figure: Figure) -> str:
    """The figure as an ``<svg>`` element to inline in HTML (no XML prologue)."""
    buffer = io.StringIO()
    figure.savefig(buffer, format="svg", bbox_inches="tight")
    plt.close(figure)
    text = buffer.getvalue()
    return text[text.index("<svg") :]


def _shown_appraisers(report: AuditReport) -> list[AppraiserFinding]:
    """The flagged appraisers, then the judged ones that override most, up to a chart's worth."""
    flagged = [a for a in report.appraisers if a.judgement in ("lenient", "severe")]
    judged = sorted(
        (a for a in report.appraisers if a.judgement == "not-flagged"),
        key=lambda a: -(a.up + a.down) / max(a.rated, 1),
    )
    return (flagged + judged)[:MAX_APPRAISERS]


def finals_by_appraiser(report: AuditReport) -> str:
    """Stacked bars: the share of each final rating for the cohort and shown appraisers."""
    scale = report.cohort.scale
    shown = _shown_appraisers(report)
    labels = ["whole cohort", *(f"{a.appraiser} ({JUDGEMENT_WORDS[a.judgement]})" for a in shown)]
    totals = [report.cohort.finals, *(a.finals for a in shown)]
    figure, axes = plt.subplots(figsize=(8, 0.9 + 0.32 * len(labels)))
    left = [0.0] * len(labels)
    for colour, rating in zip(COLOURS, scale, strict=False):
        shares = [t.get(rating, 0) / max(sum(t.values()), 1) for t in totals]
        axes.barh(labels, shares, left=left, color=colour, label=rating)
        left = [a + b for a, b in zip(left, shares, strict=True)]
    axes.invert_yaxis()
    axes.set_xlim(0, 1)
    axes.set_xlabel("share of final ratings")
    axes.set_title("Final ratings by appraiser (flagged first, then the most overridden)")
    axes.legend(ncol=len(scale), loc="upper center", bbox_to_anchor=(0.5, -0.12), frameon=False)
    return _svg(figure)


def override_rates(report: AuditReport) -> str:
    """Overrides up and down per rated draft, by stage; and each judged appraiser's rates."""
    figure, (by_stage, by_appraiser) = plt.subplots(1, 2, figsize=(10, 3.8))
    rows = [r for r in report.overrides.by_stage if r.rated]
    names = [r.key for r in rows]
    up = [r.up / r.rated for r in rows]
    down = [r.down / r.rated for r in rows]
    by_stage.bar(names, up, color=COLOURS[2], label="final above draft")
    by_stage.bar(names, down, bottom=up, color=COLOURS[0], label="final below draft")
    by_stage.set_ylabel("share of rated drafts")
    by_stage.set_title("Override rate by career stage")
    by_stage.legend(frameon=False)
    judged = [a for a in report.appraisers if a.judgement != "too-few-cases"]
    flagged = [a for a in judged if a.judgement in ("lenient", "severe")]
    unflagged = [a for a in judged if a.judgement == "not-flagged"]
    # One scatter per colour, not one per appraiser: a large cohort has thousands of them.
    for shown, size, colour in ((unflagged, 10, "#5d6d7e"), (flagged, 28, FLAGGED)):
        x = [a.down / a.rated for a in shown]
        by_appraiser.scatter(x, [a.up / a.rated for a in shown], s=size, color=colour)
    for finding in flagged:
        by_appraiser.annotate(
            finding.appraiser,
            (finding.down / finding.rated, finding.up / finding.rated),
            xytext=(4, 4),
            textcoords="offset points",
        )
    by_appraiser.set_xlabel("share moved below the draft")
    by_appraiser.set_ylabel("share moved above the draft")
    by_appraiser.set_title(f"Appraisers with enough cases ({len(judged)}); flagged in red")
    return _svg(figure)


def outcomes_by_group(report: AuditReport) -> str:
    """Per characteristic, the rate of each final rating in each group; suppressed cells hatched."""
    tables = report.groups
    figure, axes_list = plt.subplots(
        len(tables), 1, figsize=(9, 2.3 * max(len(tables), 1)), squeeze=False
    )
    for table, axes in zip(tables, (row[0] for row in axes_list), strict=True):
        _group_panel(axes, table, table_ratings(table))
    figure.tight_layout()
    return _svg(figure)


def _group_panel(axes: Axes, table: GroupTable, scale: tuple[str, ...]) -> None:
    width = 0.8 / max(len(scale), 1)
    for j, rating in enumerate(scale):
        shown: tuple[list[float], list[float]] = ([], [])
        hidden: list[float] = []
        for i, row in enumerate(table.rows):
            cell = next(c for c in row.cells if c.rating == rating)
            x = i + (j - (len(scale) - 1) / 2) * width
            if cell.suppressed or cell.rate is None:
                hidden.append(x)
            else:
                shown[0].append(x)
                shown[1].append(cell.rate)
        # One call per rating and kind of bar: each call costs more than the bars it draws.
        axes.bar(*shown, width, color=COLOURS[j % len(COLOURS)])
        if hidden:
            axes.bar(hidden, 1.0, width, color="none", edgecolor=SUPPRESSED, hatch="///")
        for x in hidden:
            axes.text(x, 0.5, "suppressed", rotation=90, ha="center", va="center", fontsize=6)
    axes.set_xticks(range(len(table.rows)))
    axes.set_xticklabels(
        [f"{r.value}{' (flagged)' if r.flagged else ''}" for r in table.rows], fontsize=7
    )
    axes.set_ylim(0, 1)
    axes.set_ylabel("share of group")
    axes.set_title(f"Final ratings by {table_title(table)}", fontsize=9)
    keys = [Patch(color=COLOURS[j % len(COLOURS)], label=r) for j, r in enumerate(scale)]
    keys.append(Patch(facecolor="none", edgecolor=SUPPRESSED, hatch="///", label="suppressed"))
    axes.legend(handles=keys, fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1, 1))
