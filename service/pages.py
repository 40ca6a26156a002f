"""The printable rationale of a stored record, as Markdown and as a self-contained HTML page."""

from __future__ import annotations

import html

from markdown_it import MarkdownIt

from engine.recommend.render import headline, markdown_text, render_markdown
from schemas.framework import Framework
from schemas.reasons import REASON_LABELS
from schemas.service import FinalDecision, StoredRecord

__all__ = ["DOCUMENT_CSP", "html_body", "html_page", "markdown_page", "page_title"]

DOCUMENT_CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'none'; "
    "form-action 'none'; base-uri 'none'"
)
"""The API's standalone HTML documents (a record's meeting page, an audit report): made to be
saved and printed, so their styles are inline; they run no script and load nothing."""

# Raw HTML in the Markdown is shown as text, never passed through: every value is escaped.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")

_STYLE = """
body { font: 11pt/1.45 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem;
       color: #111; }
h1 { font-size: 1.5rem; } h2 { font-size: 1.15rem; margin-top: 1.6rem; }
table { border-collapse: collapse; } th, td { border: 1px solid #999; padding: .2rem .5rem; }
blockquote { border-left: 3px solid #999; margin-left: 0; padding-left: .8rem; color: #444; }
ul ul { margin: .1rem 0; } li { margin: .1rem 0; }
h3 { font-size: 1rem; margin-top: 1.1rem; }
/* the sign-off block, the page's last table: room to write by hand */
table:last-of-type { width: 100%; margin-top: .5rem; }
table:last-of-type td { height: 2.2rem; vertical-align: top; }
table:last-of-type td:first-child { width: 28%; font-weight: 600; }
table:last-of-type thead { display: none; }
table:last-of-type tr:nth-child(3) td { height: 6rem; }  /* the teacher's comment */
@page { size: A4; margin: 16mm 15mm 18mm; }
@media print {
  body { margin: 0; max-width: none; font-size: 9.5pt; }
  h1, h2, h3 { break-after: avoid; }
  li, tr { break-inside: avoid; }
  table:last-of-type { break-inside: avoid; }
}
"""


def markdown_page(record: StoredRecord, framework: Framework | None = None) -> str:
    """The engine's page for the draft, then the record: its id, corrections and final decision.
    With the record's ``framework``, it and the stage are named in words."""
    page = render_markdown(record.recommendation, record.review.evidence, framework)
    lines = ["## Decision record", "", f"**Record:** {record.id}  "]
    lines.append(f"**Created:** {record.created_at.isoformat(timespec='seconds')}  ")
    if record.supersedes:
        lines.append(f"**Corrects:** {record.supersedes}  ")
    if record.superseded_by:
        lines.append(f"**Corrected by:** {', '.join(record.superseded_by)}  ")
    lines += ["", _decision_text(record.decisions[-1] if record.decisions else None), ""]
    return page + "\n" + "\n".join(lines)


def _decision_text(decision: FinalDecision | None) -> str:
    if decision is None:
        return "No final rating recorded yet: this page is a draft for a person to decide on."
    when = decision.decided_at.isoformat(timespec="seconds")
    text = f"**Final rating:** {decision.rating_label} (recorded {when})"
    if decision.differs:
        reason = REASON_LABELS[decision.reason] if decision.reason else "none given"
        text += f", differing from the draft for the reason *{reason}*: "
        text += markdown_text(decision.note or "").rstrip(".")
    if decision.evidence:
        text += f". **Evidence cited:** {markdown_text(', '.join(decision.evidence))}"
    return text + "."


def page_title(record: StoredRecord) -> str:
    """The page's title: the headline of the draft and the record's id."""
    return f"{headline(record.recommendation)} — {record.id}"


def html_body(record: StoredRecord, framework: Framework | None = None) -> str:
    """The Markdown page as HTML, every value escaped: the body of the page, without a frame."""
    body: str = _markdown.render(markdown_page(record, framework))
    return body


def html_page(record: StoredRecord, framework: Framework | None = None) -> str:
    """A standalone page to print: the Markdown page rendered with everything escaped."""
    title = html.escape(page_title(record))
    body = html_body(record, framework)
    return (
        '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{title}</title>\n<style>{_STYLE}</style>\n</head>\n<body>\n{body}</body>\n</html>\n"
    )
