"""``-k``: which golden cases to run, chosen as pytest chooses tests.

An expression of words joined by ``and``, ``or`` and ``not``, with parentheses: a word matches a
case whose name or file name contains it, ignoring case (``-k "mpr and not concern"``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import NoReturn

from engine.errors import AppraiseError

__all__ = ["matcher"]

Match = Callable[[str], bool]
_TOKEN = re.compile(r"\s*(\(|\)|[^\s()]+)")
_OPERATORS = {"and", "or", "not"}


def matcher(expression: str) -> Match:
    """A test of a case's text (its name and file) for ``expression``; ``AppraiseError`` when
    the expression cannot be read."""
    tokens = _TOKEN.findall(expression)
    if not tokens:
        raise AppraiseError("-k: the expression is empty")
    parser = _Parser(expression, tokens)
    match = parser.disjunction()
    if parser.position < len(tokens):
        parser.fail(f"unexpected {tokens[parser.position]!r}")
    return match


class _Parser:
    """Recursive descent over ``or`` < ``and`` < ``not`` < a word or a bracketed expression."""

    def __init__(self, expression: str, tokens: list[str]) -> None:
        self.expression = expression
        self.tokens = tokens
        self.position = 0

    def fail(self, why: str) -> NoReturn:
        raise AppraiseError(f"-k {self.expression!r}: {why}")

    def _peek(self) -> str | None:
        return self.tokens[self.position] if self.position < len(self.tokens) else None

    def _take(self) -> str:
        token = self._peek()
        if token is None:
            self.fail("the expression ends too soon")
        self.position += 1
        return token

    def disjunction(self) -> Match:
        parts = [self.conjunction()]
        while self._peek() == "or":
            self._take()
            parts.append(self.conjunction())
        return lambda text: any(part(text) for part in parts)

    def conjunction(self) -> Match:
        parts = [self.negation()]
        while self._peek() == "and":
            self._take()
            parts.append(self.negation())
        return lambda text: all(part(text) for part in parts)

    def negation(self) -> Match:
        if self._peek() == "not":
            self._take()
            inner = self.negation()
            return lambda text: not inner(text)
        return self.atom()

    def atom(self) -> Match:
        token = self._take()
        if token == "(":
            inner = self.disjunction()
            if self._take() != ")":
                self.fail("a '(' is not closed")
            return inner
        if token == ")" or token in _OPERATORS:
            self.fail(f"expected a word, found {token!r}")
        word = token.casefold()
        return lambda text: word in text.casefold()
