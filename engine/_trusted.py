"""Models built from values the engine itself made, without validating them again.

Validation belongs at every input boundary (files, the API, the web forms). A draft's lines,
causes and firings are made by the engine from values validated when they came in, so checking
them again only costs time: ``trusted`` is for those values, and only those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from pydantic import BaseModel
from pydantic_core import PydanticUndefined

__all__ = ["trusted"]

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class _Fields:
    """A model's fields in order with their defaults, and which of them are required."""

    defaults: dict[str, Any]  # every field, in order; a required one's is never used
    required: frozenset[str]


_known: dict[type[BaseModel], _Fields] = {}


def _fields_of(cls: type[BaseModel]) -> _Fields:
    """A field with a default factory has no default here: it must be given."""
    fields = cls.model_fields
    if cls.__pydantic_post_init__:
        raise TypeError(f"{cls.__name__} has a post-init: not trusted")
    return _Fields(
        defaults={name: f.default for name, f in fields.items()},
        required=frozenset(name for name, f in fields.items() if f.default is PydanticUndefined),
    )


def trusted(cls: type[M], **values: Any) -> M:
    """What ``cls.model_construct(**values)`` makes (the defaults for the fields not given,
    nothing validated), with less work. An unknown or a missing field (one without a default,
    or with a default factory) is a programming error: ``TypeError``."""
    fields = _known.get(cls) or _known.setdefault(cls, _fields_of(cls))
    state = {**fields.defaults, **values}  # in field order: ``values`` adds no key
    if len(state) != len(fields.defaults) or not fields.required <= values.keys():
        unknown = sorted(values.keys() - fields.defaults.keys())
        missing = sorted(fields.required - values.keys())
        raise TypeError(f"{cls.__name__}: unknown fields {unknown}, missing {missing}")
    model = _new(cls)
    _set(model, "__dict__", state)
    _set(model, "__pydantic_fields_set__", set(values))
    _set(model, "__pydantic_extra__", None)
    _set(model, "__pydantic_private__", None)
    return model


_new = object.__new__
_set = object.__setattr__
