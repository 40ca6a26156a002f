"""A JSON Schema enum whose values carry descriptions an editor shows while completing.

JSON Schema's ``enum`` has no per-value descriptions. VS Code's JSON support and the YAML
language server (redhat-developer/yaml-language-server, the VS Code YAML extension, and the
editors that use it) read two extra keywords beside ``enum``, index for index:
``enumDescriptions`` (plain text) and ``markdownEnumDescriptions``. A validator ignores unknown
keywords, so one ``enum`` both validates (with one short error naming the field) and completes.
A ``oneOf`` of ``{const, description}`` would also complete, but every value is then a subschema
tried in turn, and a wrong value is reported as failing every one of them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

__all__ = ["described_enum", "nullable"]

Schema = dict[str, Any]


def described_enum(values: Iterable[tuple[str, str]], description: str | None = None) -> Schema:
    """A string enum of ``(value, words)`` pairs, the words as each value's description."""
    pairs = list(values)
    schema: Schema = {
        "type": "string",
        "enum": [value for value, _ in pairs],
        "enumDescriptions": [words for _, words in pairs],
        "markdownEnumDescriptions": [words for _, words in pairs],
    }
    if description:
        schema["description"] = description
    return schema


def nullable(schema: Schema, description: str | None = None) -> Schema:
    """``schema`` or ``null``, as pydantic writes an optional field."""
    either: Schema = {"anyOf": [schema, {"type": "null"}], "default": None}
    if description:
        either["description"] = description
    return either
