"""Validate located YAML data against a pydantic model, turning errors into diagnostics."""

from __future__ import annotations

import difflib
import types
from collections.abc import Iterable
from typing import Any, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from engine._raw import path_text
from engine._yaml import Loc, Located
from engine.errors import diagnostic_code
from schemas.diagnostics import Diagnostic

__all__ = ["did_you_mean", "validate_document", "validate_model"]

M = TypeVar("M", bound=BaseModel)


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """`` (did you mean 'x'?)`` for the closest choice, or nothing when none is close.

    Closeness ignores case, so ``MPR`` finds ``mpr``; the choice is shown as it is spelled.
    """
    spelled: dict[str, str] = {}
    for choice in choices:
        spelled.setdefault(choice.casefold(), choice)
    close = difflib.get_close_matches(word.casefold(), list(spelled), n=1, cutoff=0.6)
    return f" (did you mean {spelled[close[0]]!r}?)" if close else ""


def validate_model(
    model: type[M], located: Located, *, limit: int | None = None
) -> tuple[M | None, list[Diagnostic], int]:
    """The validated model, or ``None`` and one diagnostic per problem pydantic found; with a
    ``limit``, about that many at most, and the count of the problems left undescribed."""
    try:
        return model.model_validate(located.data), [], 0
    except ValidationError as exc:
        count = exc.error_count()
        cut = limit is not None and count > limit
        if cut:
            exc = _first_errors(model, located.data, count if limit is None else limit)
        errors = _without_echoes(exc.errors())
        described = [_diagnostic(model, located, error) for error in errors[:limit]]
        return None, described, (count if cut else len(errors)) - len(described)


def _first_errors(model: type[BaseModel], data: Any, limit: int) -> ValidationError:
    """The errors of ``data`` with every list cut to its first items, as few as give at least
    ``limit`` errors (or none cut): pydantic finds half a million errors in a second, but
    turning them into Python took seven microseconds each. Each is an error of the whole."""
    keep = 16
    while True:
        shortened, cut = _shortened(data, keep)
        try:
            model.model_validate(shortened)
        except ValidationError as exc:
            if exc.error_count() >= limit or not cut:
                return exc
        keep *= 4


def _shortened(data: Any, keep: int) -> tuple[Any, bool]:
    """``data`` with every list cut to its first ``keep`` items, and whether one was cut."""
    if isinstance(data, dict):
        pairs = [(key, _shortened(value, keep)) for key, value in data.items()]
        return {key: value for key, (value, _) in pairs}, any(cut for _, (_, cut) in pairs)
    if isinstance(data, list):
        items = [_shortened(item, keep) for item in data[:keep]]
        cut = len(data) > keep or any(c for _, c in items)
        return [item for item, _ in items], cut
    return data, False


def validate_document(
    model: type[M], located: Located, *, limit: int | None = None
) -> tuple[M | None, list[Diagnostic], int]:
    """The model of a loaded file, after its syntax problems, an empty file, and model errors
    (``validate_model``: the diagnostics, and the count of problems left undescribed)."""
    diagnostics = list(located.diagnostics)
    if located.data is None:
        if not diagnostics:
            diagnostics.append(located.diagnostic((), "missing-field", "the file is empty"))
        return None, diagnostics, 0
    result, problems, omitted = validate_model(model, located, limit=limit)
    return result, diagnostics + _not_said(problems, diagnostics), omitted


def _not_said(problems: list[Diagnostic], said: list[Diagnostic]) -> list[Diagnostic]:
    """The model's ``problems`` but those where a syntax problem stands: a value the reader
    could not read (a 5,000-digit integer) is missing to the model, which says so again."""
    places = {(d.line, d.column) for d in said}
    return [p for p in problems if (p.line, p.column) not in places] if places else problems


def _without_echoes(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """Drop a list's length error when an item of the same list already has its own error."""
    item_parents = {
        tuple(e["loc"][:i])
        for e in errors
        for i, part in enumerate(e["loc"])
        if isinstance(part, int)
    }
    return [
        e
        for e in errors
        if not (e["type"] in ("too_short", "too_long") and tuple(e["loc"]) in item_parents)
    ]


def _diagnostic(model: type[BaseModel], located: Located, error: ErrorDetails) -> Diagnostic:
    loc: Loc = tuple(error["loc"])
    kind = error["type"]
    if kind == "extra_forbidden":
        field = str(loc[-1])
        known = _fields_at(model, loc[:-1])
        where = _describe(loc[:-1])
        message = f"{where} has no field {field!r}{did_you_mean(field, known)}"
        return located.diagnostic(loc, "unknown-field", message, key=True)
    if kind == "missing":
        return located.diagnostic(
            loc[:-1], "missing-field", f"{_describe(loc[:-1])} needs field {loc[-1]!r}"
        )
    code = diagnostic_code(kind, error.get("ctx"))
    value = error.get("input")
    shown = f" (got {value!r})" if isinstance(value, (str, int, float, bool)) else ""
    return located.diagnostic(loc, code, f"{_describe(loc)}: {error['msg']}{shown}")


def _describe(loc: Loc) -> str:
    """A readable path such as ``stages[2].clause``."""
    return path_text(loc) or "the document"


def _fields_at(model: type[BaseModel], loc: Loc) -> list[str]:
    """Field names of the model that sits at ``loc`` inside ``model``, if we can tell."""
    current: Any = model
    for part in loc:
        current = _unwrap(current)
        if isinstance(part, int):
            args = [a for a in get_args(current) if a is not Ellipsis]
            current = args[0] if args else None
        elif isinstance(current, type) and issubclass(current, BaseModel):
            info = current.model_fields.get(part)
            current = info.annotation if info else None
        else:
            return []
    current = _unwrap(current)
    if isinstance(current, type) and issubclass(current, BaseModel):
        return list(current.model_fields)
    return []


def _unwrap(annotation: Any) -> Any:
    """``X | None`` → ``X``."""
    if get_origin(annotation) in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0] if len(args) == 1 else annotation
    return annotation
