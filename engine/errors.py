"""The engine's errors. Every one the engine raises is an ``AppraiseError``::

AppraiseError
├── InputError            a file or document a person wrote is wrong; carries diagnostics
│   └── CatalogueError    a framework.yaml (or the rules/ folder) has problems
└── NotFoundError         an id (framework, stage, …) that does not exist was asked for
"""

from __future__ import annotations

from collections.abc import Iterable

from schemas.diagnostics import Diagnostic

__all__ = ["AppraiseError", "CatalogueError", "InputError", "NotFoundError"]


class AppraiseError(Exception):
    """Base of every error the engine raises on purpose."""


class InputError(AppraiseError):
    """Raised when an input has problems; ``diagnostics`` lists all of them, sorted by place."""

    def __init__(self, diagnostics: Iterable[Diagnostic]) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        super().__init__("\n".join(str(d) for d in self.diagnostics))


class CatalogueError(InputError):
    """Raised when a framework file cannot be loaded; says every problem at once."""


class NotFoundError(AppraiseError, LookupError):
    """Raised when a framework, stage or other id is asked for that does not exist."""
