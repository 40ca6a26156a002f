"""A problem found in an input file, located to the character."""

from __future__ import annotations

from pydantic import Field

from schemas._base import Frozen

__all__ = ["Diagnostic"]


class Diagnostic(Frozen):
    """One problem: where it is, a stable code, and a message a person can act on."""

    file: str
    line: int
    column: int
    code: str
    message: str
    path: str | None = Field(
        default=None,
        description="Where in the document's data, e.g. 'evidence[0].tags[1].statement' "
        "('' for the whole document); None when only the position is known.",
    )

    def __str__(self) -> str:
        return f"{self.file}:{self.line}:{self.column}: {self.code}: {self.message}"

    def sort_key(self) -> tuple[str, int, int, str]:
        return (self.file, self.line, self.column, self.code)
