"""The engine's errors. Every one the engine raises is an ``AppraiseError``::

AppraiseError
├── InputError            a file or document a person wrote is wrong; carries diagnostics
│   ├── CatalogueError    a framework.yaml (or the rules/ folder) has problems
│   └── RuleSetError      a ruleset.yaml has problems (loading, checking or compiling it)
├── NotFoundError         an id (framework, stage, rule set, …) that does not exist was asked for
└── EngineError           durable-rules could not evaluate a case, or a rule's action failed
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from schemas.diagnostics import Diagnostic

__all__ = [
    "MAX_LISTED",
    "AppraiseError",
    "CatalogueError",
    "EngineError",
    "InputError",
    "NotFoundError",
    "RuleSetError",
    "diagnostic_code",
    "path_text",
]


class AppraiseError(Exception):
    """Base of every error the engine raises on purpose."""


class InputError(AppraiseError):
    """Raised when an input has problems; ``diagnostics`` lists them, sorted by place.

    ``count`` is how many problems the input has: more than are listed when a body has so many
    that only the first ``MAX_LISTED`` of each kind were described (``omitted``: the others).
    """

    def __init__(self, diagnostics: Iterable[Diagnostic], *, omitted: int = 0) -> None:
        self.diagnostics = sorted(diagnostics, key=Diagnostic.sort_key)
        self.count = len(self.diagnostics) + omitted
        lines = [str(d) for d in self.diagnostics[:MAX_LISTED]]
        if self.count > len(lines):
            lines.append(f"({self.count} problems in all; the first {len(lines)} are shown)")
        super().__init__("\n".join(lines))


MAX_LISTED = 1000
"""Problems described per kind (model, references) and shown per error: a body of a million
bytes can hold half a million problems, and describing each took seconds."""


class CatalogueError(InputError):
    """Raised when a framework file cannot be loaded; says every problem at once."""


class NotFoundError(AppraiseError, LookupError):
    """Raised when a framework, stage or other id is asked for that does not exist."""


class RuleSetError(InputError):
    """Raised when a rule set file has problems; lists every one with its place."""


class EngineError(AppraiseError):
    """Raised when durable-rules cannot evaluate a case, or is given input it would mishandle.

    ``rule`` names the rule whose action failed, when one did.
    """

    def __init__(self, message: str, *, rule: str | None = None) -> None:
        super().__init__(message)
        self.rule = rule


def path_text(loc: Iterable[str | int]) -> str:
    """A readable path such as ``evidence[2].tags[0].statement`` ("" for the document)."""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


_WRONG_TYPE_SUFFIXES = ("_type", "_parsing")
_OUT_OF_RANGE = ("out of range", "outside expected range")
"""How pydantic's reason reads when a date or time is well formed but names none (2024-13-01)."""


def diagnostic_code(pydantic_error_type: str, context: Mapping[str, Any] | None = None) -> str:
    """The diagnostic code of a pydantic error, for files and request bodies alike:
    ``missing-field``, ``unknown-field``, ``wrong-type`` or ``invalid-value``.

    ``context`` is the error's ``ctx``: a date whose month or day is out of range
    (``2024-13-01``) is an ``invalid-value``, where text that is no date at all is a
    ``wrong-type``.
    """
    if pydantic_error_type == "missing":
        return "missing-field"
    if pydantic_error_type == "extra_forbidden":
        return "unknown-field"
    if pydantic_error_type.endswith("_parsing") and _out_of_range(context):
        return "invalid-value"
    if pydantic_error_type.endswith(_WRONG_TYPE_SUFFIXES) or pydantic_error_type == "json_invalid":
        return "wrong-type"
    return "invalid-value"


def _out_of_range(context: Mapping[str, Any] | None) -> bool:
    reason = str(context.get("error", "")) if context else ""
    return any(words in reason for words in _OUT_OF_RANGE)
