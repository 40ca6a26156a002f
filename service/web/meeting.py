"""The meeting page inside the web layout: the engine's Markdown page (``service.pages``), with
its long lists folded into ``<details>`` whose summary says how many.

Folded: each stage's detail under "Stage ledger" (and, inside it, the missing statements of
each standard), the evidence used and not used, the parameters. Everything else stays open: the
rating, why (the causes), the ledger's table, the objectives, the next steps (what it would
take to reach the next band), the sign-off and the decision record. Printed, every fold is open
(``meeting-print.css``, ``meeting-print.js``); without JavaScript, ``<details>`` still opens.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from schemas.service import StoredRecord
from service.pages import markdown_page

__all__ = ["FOLDED_SECTIONS", "meeting_html"]

FOLDED_SECTIONS: dict[str, str] = {
    "Stage ledger": "missing statements",
    "Evidence used": "items",
    "Evidence not used": "items",
    "Parameters that decided": "parameters",
}
"""The page's sections (its ``##`` headings) whose long parts are folded, and what the count in
a fold's summary counts. Under "Stage ledger" the table stays open and each stage (``###``)
folds; the other sections fold whole."""

# As service.pages: raw HTML in the Markdown is shown as text, every value escaped.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class _Section:
    """Tokens ``start``..``end`` (exclusive) under the heading at ``start``."""

    start: int
    end: int
    heading: str


def meeting_html(record: StoredRecord) -> Markup:
    """The meeting page of ``record`` as HTML (every value escaped), its long lists folded."""
    tokens = _markdown.parse(markdown_page(record))
    folds: list[tuple[int, int, str]] = []  # start, end, what the count counts
    for section in _sections(tokens, "h2", 0, len(tokens)):
        counted = FOLDED_SECTIONS.get(section.heading)
        if counted is None:
            continue
        stages = _sections(tokens, "h3", section.start + 3, section.end)
        if stages:
            for stage in stages:
                folds.append((stage.start, stage.end, counted))
                folds += [(s, e, counted) for s, e in _nested_items(tokens, stage)]
        else:
            folds.append((section.start, section.end, counted))
    html: str = _markdown.renderer.render(_folded(tokens, folds), _markdown.options, {})
    return Markup(html)


def _sections(tokens: Sequence[Token], tag: str, start: int, end: int) -> list[_Section]:
    """The sections under the ``tag`` headings between ``start`` and ``end``; each ends where
    the next heading of its level or higher starts."""
    starts = [
        i
        for i in range(start, end)
        if tokens[i].type == "heading_open" and tokens[i].tag == tag and tokens[i].level == 0
    ]
    ends = [*starts[1:], end][: len(starts)]
    return [_Section(s, e, tokens[s + 1].content) for s, e in zip(starts, ends, strict=True)]


def _nested_items(tokens: Sequence[Token], section: _Section) -> list[tuple[int, int]]:
    """Each top-level list item of ``section`` that holds a list (a standard and its missing
    statements): from its first line to its end, so its nested list folds under that line."""
    found = []
    for i in range(section.start, section.end):
        token = tokens[i]
        if token.type == "list_item_open" and token.level == 1 and _holds_list(tokens, i):
            found.append((i + 1, _close_of(tokens, i)))
    return found


def _close_of(tokens: Sequence[Token], opening: int) -> int:
    """The index of the token closing ``tokens[opening]``."""
    closing = tokens[opening].type.replace("_open", "_close")
    level = tokens[opening].level
    return next(
        i
        for i in range(opening + 1, len(tokens))
        if tokens[i].type == closing and tokens[i].level == level
    )


def _folded(tokens: list[Token], folds: list[tuple[int, int, str]]) -> list[Token]:
    """``tokens`` with each fold's first block (a heading or a list item's line) turned into
    the summary of a ``<details>`` that closes at the fold's end."""
    opening = {start: counted for start, _, counted in folds}
    closing: dict[int, int] = {}
    for _, end, _ in folds:
        closing[end] = closing.get(end, 0) + 1
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        out += [_html(_CLOSE)] * closing.get(i, 0)
        if i in opening:
            end = next(e for s, e, _ in folds if s == i)
            summary = _inline_html(tokens[i + 1])
            count = _count(tokens[i:end])
            out.append(_html(_open(summary, _how_many(count, opening[i]))))
            i += 3  # the heading's (or paragraph's) open, inline and close
            continue
        out.append(tokens[i])
        i += 1
    out += [_html(_CLOSE)] * closing.get(len(tokens), 0)
    return out


def _count(tokens: Sequence[Token]) -> int:
    """How many things a fold holds: the list items without a list inside (statements,
    evidence items), else the table's body rows."""
    items = [i for i, t in enumerate(tokens) if t.type == "list_item_open"]
    leaves = sum(1 for i in items if not _holds_list(tokens, i))
    if leaves:
        return leaves
    body = [t.type for t in tokens]
    if "tbody_open" not in body:
        return 0
    rows = body[body.index("tbody_open") : body.index("tbody_close")]
    return rows.count("tr_open")


def _holds_list(tokens: Sequence[Token], item: int) -> bool:
    """Whether the list item opened at ``item`` has a list inside."""
    return any(t.type == "bullet_list_open" for t in tokens[item : _close_of(tokens, item)])


def _inline_html(inline: Token) -> str:
    """A heading's or a line's words as HTML, escaped as the page's."""
    rendered: str = _markdown.renderInline(inline.content)
    return rendered


def _how_many(count: int, things: str) -> str:
    """'68 missing statements', '1 missing statement'."""
    return f"{count} {things[:-1] if count == 1 else things}"


_CLOSE = "</div></details>\n"


def _open(summary: str, count: str) -> str:
    """A GOV.UK details component's opening: ``summary`` is rendered, escaped HTML."""
    return (
        '<details class="govuk-details app-fold">'
        '<summary class="govuk-details__summary">'
        f'<span class="govuk-details__summary-text">{summary}'
        f' <span class="app-fold__count">({escape(count)})</span></span>'
        '</summary><div class="govuk-details__text">\n'
    )


def _html(content: str) -> Token:
    """A block of HTML made here (never from the page's text)."""
    return Token("html_block", "", 0, content=content)
