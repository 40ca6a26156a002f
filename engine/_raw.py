"""Walking raw loaded data (before or without model validation), for cross-reference checks.

Checks run on the raw data, not the validated model, so a type error in one place does not hide
a duplicate id or a dangling reference elsewhere: the author sees every problem at once.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from engine._yaml import Loc, path_text

__all__ = ["items", "path_text", "repeated_ids"]


def items(data: Any, *loc: str | int) -> Iterator[tuple[Loc, Mapping[str, Any]]]:
    """The mappings in the list at ``loc`` inside ``data``, with their paths; others skipped."""
    current = data
    for part in loc:
        if isinstance(current, Mapping) and isinstance(part, str):
            current = current.get(part)
        else:
            return
    if isinstance(current, (list, tuple)):
        for i, item in enumerate(current):
            if isinstance(item, Mapping):
                yield (*loc, i), item


def repeated_ids(
    entries: Iterable[tuple[Loc, Mapping[str, Any]]],
) -> tuple[dict[str, Loc], list[tuple[Loc, str, Loc]]]:
    """Each string id's first place, in order, and every repeat as (place, id, first place)."""
    first: dict[str, Loc] = {}
    repeats: list[tuple[Loc, str, Loc]] = []
    for loc, entry in entries:
        ident = entry.get("id")
        if not isinstance(ident, str):
            continue
        if ident in first:
            repeats.append((loc, ident, first[ident]))
        else:
            first[ident] = loc
    return first, repeats
