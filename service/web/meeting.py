"""The meeting page inside the web layout: the engine's Markdown page (``service.pages``), with
its long lists folded into ``<details>`` whose summary says how many.

Folded: the rationale's lines after the causes, each stage's detail under "Stage ledger" (and,
inside it, the missing statements of each standard), the evidence used and not used, the
parameters. Open: the rating, the causes, the ledger's table, the objectives, the next steps
(what it would take to reach the next band), the sign-off and the decision record. Printed,
every fold is open (``meeting.css``, ``meeting-print.js``); without JavaScript,
``<details>`` still opens and closes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import Markup, escape

from schemas.framework import Framework
from schemas.service import StoredRecord
from service.pages import markdown_page

__all__ = ["FOLDED_SECTIONS", "MeetingPage", "meeting_page"]

FOLDED_SECTIONS: dict[str, str] = {
    "Stage ledger": "missing statements",
    "Evidence used": "items",
    "Evidence not used": "items",
    "Parameters that decided": "parameters",
}
"""The page's sections (its ``##`` headings) whose long parts fold, and what the count in a
fold's summary counts. Under "Stage ledger" the table stays open and each stage (``###``)
folds; the other sections fold whole."""

WHY = "Why"
"""The section whose list starts with the causes (left open) and goes on with the rest of the
rationale (folded)."""

# As service.pages: raw HTML in the Markdown is shown as text, every value escaped.
_markdown = MarkdownIt("commonmark", {"html": False}).enable("table")


@dataclass(frozen=True)
class MeetingPage:
    """The page as HTML (every value escaped): ``top``, the title and the draft's summary; then
    ``rest``, from "Why" to the end, folded."""

    top: Markup
    rest: Markup


@dataclass(frozen=True)
class _Section:
    """Tokens ``start``..``end`` (exclusive) under the heading at ``start``."""

    start: int
    end: int
    heading: str


@dataclass(frozen=True)
class _Fold:
    """``opening`` replaces ``skip`` tokens at ``start``; ``closing`` goes before ``end``."""

    start: int
    end: int
    opening: str
    closing: str = "</div></details>\n"
    skip: int = 3  # a heading's (or a list item's line's) open, inline and close tokens


def meeting_page(record: StoredRecord, framework: Framework | None = None) -> MeetingPage:
    """The meeting page of ``record``, its long lists folded; ``framework`` names it in words."""
    tokens = _markdown.parse(markdown_page(record, framework))
    sections = _sections(tokens, "h2", 0, len(tokens))
    causes = sum(1 for cause in record.recommendation.causes if cause.depth == 0)
    folds: list[_Fold] = []
    for section in sections:
        if section.heading == WHY:
            folds += _rest_of_rationale(tokens, section, causes)
        elif section.heading in FOLDED_SECTIONS:
            folds += _section_folds(tokens, section, FOLDED_SECTIONS[section.heading])
    split = sections[0].start if sections else len(tokens)
    folded = _folded(tokens, folds)  # every fold is after ``split``: the tokens before stay
    return MeetingPage(_render(folded[:split]), _render(folded[split:]))


def _render(tokens: list[Token]) -> Markup:
    html: str = _markdown.renderer.render(tokens, _markdown.options, {})
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


def _rest_of_rationale(tokens: Sequence[Token], section: _Section, causes: int) -> list[_Fold]:
    """The section's list after its first ``causes`` items, folded apart from the causes."""
    lists = [i for i in range(section.start, section.end) if _is_top_list(tokens[i])]
    if not lists:
        return []
    close = _close_of(tokens, lists[0])
    items = [i for i in range(lists[0], close) if _is_top_item(tokens[i])]
    rest = items[causes:]
    if not causes or not rest:  # without causes told apart (older records), all stays open
        return []
    summary = _summary("The rest of the rationale", len(rest), "points")
    # The list is closed before the fold and opened again inside it.
    opening = f"</ul>\n{_details(summary)}<ul>\n"
    return [_Fold(rest[0], close + 1, opening, skip=0)]


def _section_folds(tokens: Sequence[Token], section: _Section, counted: str) -> list[_Fold]:
    """Each ``###`` part of the section folded, and each of its items that holds a list (a
    standard and its missing statements); a section without parts, folded whole."""
    parts = _sections(tokens, "h3", section.start + 3, section.end) or [section]
    folds = []
    for part in parts:
        folds.append(_heading_fold(tokens, part.start, part.end, counted))
        if part is not section:
            folds += [
                _heading_fold(tokens, i + 1, _close_of(tokens, i), counted)
                for i in range(part.start, part.end)
                if _is_top_item(tokens[i]) and _holds_list(tokens, i)
            ]
    return folds


def _heading_fold(tokens: Sequence[Token], start: int, end: int, counted: str) -> _Fold:
    """A fold whose summary is the heading (or the list item's line) at ``start``."""
    words = _markdown.renderInline(tokens[start + 1].content)
    return _Fold(start, end, _details(_summary(words, _count(tokens[start:end]), counted)))


def _is_top_list(token: Token) -> bool:
    return token.type == "bullet_list_open" and token.level == 0


def _is_top_item(token: Token) -> bool:
    return token.type == "list_item_open" and token.level == 1


def _close_of(tokens: Sequence[Token], opening: int) -> int:
    """The index of the token closing ``tokens[opening]``."""
    closing = tokens[opening].type.replace("_open", "_close")
    level = tokens[opening].level
    return next(
        i
        for i in range(opening + 1, len(tokens))
        if tokens[i].type == closing and tokens[i].level == level
    )


def _holds_list(tokens: Sequence[Token], item: int) -> bool:
    """Whether the list item opened at ``item`` has a list inside."""
    return any(t.type == "bullet_list_open" for t in tokens[item : _close_of(tokens, item)])


def _count(tokens: Sequence[Token]) -> int:
    """How many things a fold holds: the list items without a list inside (statements,
    evidence items), else the table's body rows."""
    items = [i for i, t in enumerate(tokens) if t.type == "list_item_open"]
    leaves = sum(1 for i in items if not _holds_list(tokens, i))
    if leaves:
        return leaves
    kinds = [t.type for t in tokens]
    if "tbody_open" not in kinds:
        return 0
    return kinds[kinds.index("tbody_open") : kinds.index("tbody_close")].count("tr_open")


def _folded(tokens: list[Token], folds: list[_Fold]) -> list[Token]:
    """``tokens`` with each fold's opening in place of its first ``skip`` tokens and its
    closing before its end."""
    openings = {each.start: each for each in folds}
    closings: dict[int, list[str]] = {}
    for each in folds:
        closings.setdefault(each.end, []).append(each.closing)
    out: list[Token] = []
    i = 0
    while i < len(tokens):
        out += [_html(closing) for closing in closings.get(i, [])]
        fold = openings.get(i)
        if fold is not None:
            out.append(_html(fold.opening))
            i += fold.skip
            if fold.skip:
                continue
        out.append(tokens[i])
        i += 1
    return out + [_html(closing) for closing in closings.get(len(tokens), [])]


def _summary(words_html: str, count: int, things: str) -> str:
    """'ECT 1: 32 of 100 met confidently (68 missing statements)': ``words_html`` is escaped
    HTML already; one thing is 'missing statement'."""
    how_many = f"{count} {things[:-1] if count == 1 else things}"
    return f'{words_html} <span class="app-fold__count">({escape(how_many)})</span>'


def _details(summary_html: str) -> str:
    """A GOV.UK details component's opening, up to its text."""
    return (
        '<details class="govuk-details app-fold">'
        '<summary class="govuk-details__summary">'
        f'<span class="govuk-details__summary-text">{summary_html}</span>'
        '</summary><div class="govuk-details__text">\n'
    )


def _html(content: str) -> Token:
    """A block of HTML made here (never from the page's text)."""
    return Token("html_block", "", 0, content=content)
