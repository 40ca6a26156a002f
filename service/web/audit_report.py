"""What the audit report page shows, read from a stored audit: the cases to review first
(each linking to its record), then the summary (overrides counted apart from flags), the
appraisers, and each check's method. Every figure is the engine's (``engine.audit.summary``)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from engine.audit.summary import JUDGEMENT_WORDS, decided_rows, summary_of
from engine.catalogue.frameworks import Catalogue
from schemas.audit import AuditReport, Flag
from schemas.service import StoredAudit
from service.web.hr_names import framework_options
from service.web.templating import day

__all__ = ["MAX_CASES", "ReviewCase", "report_context"]

MAX_CASES = 200
"""Cases to review shown on the page; the CSV download holds every flag."""


Segment = tuple[str, str | None]
"""A piece of a finding's words, and the record it links to when it names one."""
_RECORD_ID = re.compile(r"rec_[0-9a-f]{32}")


@dataclass
class ReviewCase:
    """A flagged case: its record and what the checks found, one line per flag."""

    record: str
    subject: str
    appraiser: str
    draft: str
    final: str
    findings: list[tuple[str, list[Segment]]] = field(default_factory=list)


def linked(detail: str, subjects: dict[str, str]) -> list[Segment]:
    """``detail`` with each record id it names (like cases name the others) shown as that
    record's teacher and linked to it; an id no flag names keeps its id as its text."""
    segments: list[Segment] = []
    start = 0
    for found in _RECORD_ID.finditer(detail):
        segments.append((detail[start : found.start()], None))
        segments.append((subjects.get(found.group(), found.group()), found.group()))
        start = found.end()
    segments.append((detail[start:], None))
    return [(text, record) for text, record in segments if text]


def report_context(
    stored: StoredAudit, people: dict[str, str], catalogue: Catalogue
) -> dict[str, Any]:
    """The report page's context."""
    report = stored.report
    titles: dict[str, str] = {m.check: m.title for m in report.methods}
    subjects = _subjects(report.flags)
    cases = _cases_to_review(report.flags, titles, subjects)
    head = summary_of(report)
    return {
        "audit": stored,
        "title": f"Audit of {day(stored.created_at.date())}, {stored.created_at:%H:%M} UTC",
        "run_by": people.get(stored.created_by, "a revoked key"),
        "scope": _scope(stored, catalogue),
        "cases": cases[:MAX_CASES],
        "more_cases": max(0, len(cases) - MAX_CASES),
        "others": [
            (titles.get(f.check, f.check), linked(f.detail, subjects))
            for f in report.flags
            if f.case is None
        ],
        "overrides": head.overrides,
        "decided": decided_rows(head),
        # "… check": the overrides check's flags are not the count of overrides above them.
        "flag_counts": [(f"{titles.get(c, c)} check", n) for c, n in head.flags.items()],
        "appraisers": _appraisers(report),
        "methods": report.methods,
    }


def _cases_to_review(
    flags: tuple[Flag, ...], titles: dict[str, str], subjects: dict[str, str]
) -> list[ReviewCase]:
    """Every case some check flagged, in the order first flagged, with all its findings (the
    records they name shown by their teacher, from ``subjects``)."""
    found: dict[str, ReviewCase] = {}
    for flag in flags:
        if flag.case is None:
            continue
        case = found.setdefault(
            flag.case,
            ReviewCase(
                record=flag.case,
                subject=flag.subject or flag.case,
                appraiser=flag.appraiser or "",
                draft=flag.draft or "",
                final=flag.final or "",
            ),
        )
        case.findings.append((titles.get(flag.check, flag.check), linked(flag.detail, subjects)))
    return list(found.values())


def _subjects(flags: tuple[Flag, ...]) -> dict[str, str]:
    """Each flagged record's teacher (pseudonymous id), by record id."""
    return {f.case: f.subject for f in flags if f.case is not None and f.subject}


def _scope(stored: StoredAudit, catalogue: Catalogue) -> str:
    request = stored.request
    title = dict(framework_options(catalogue)).get(request.framework or "")
    parts = [
        f"records of {title}" if title else "records of every framework",
        f"in the cycle containing {day(request.cycle)}" if request.cycle else "in every cycle",
    ]
    return " ".join(parts)


def _appraisers(report: AuditReport) -> list[dict[str, Any]]:
    """Each appraiser tested, flagged ones first; "not flagged" is not "consistent"."""
    order = {"lenient": 0, "severe": 0, "not-flagged": 1, "too-few-cases": 2}
    ranked = sorted(report.appraisers, key=lambda a: (order[a.judgement], a.appraiser))
    return [
        {
            "appraiser": a.appraiser,
            "cases": a.cases,
            "up": a.up,
            "down": a.down,
            "judgement": JUDGEMENT_WORDS[a.judgement],
            "flagged": a.judgement in ("lenient", "severe"),
        }
        for a in ranked
    ]
