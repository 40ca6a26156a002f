"""Lookups derived once from an immutable object (a framework, a compiled rule set) and reused."""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

__all__ = ["PerObject"]

K = TypeVar("K")
V = TypeVar("V")


class PerObject(Generic[K, V]):
    """``build(obj)`` computed once per object and kept for at most ``size`` objects.

    Keyed by identity, so it suits objects that never change (frozen models, compiled rule
    sets) and need not be hashable. Each entry holds its object, so an id is never reused
    while it is cached; when full, the cache starts afresh rather than growing.
    """

    def __init__(self, build: Callable[[K], V], size: int = 64) -> None:
        self._build = build
        self._size = size
        self._entries: dict[int, tuple[K, V]] = {}

    def __call__(self, obj: K) -> V:
        hit = self._entries.get(id(obj))
        if hit is not None and hit[0] is obj:
            return hit[1]
        if len(self._entries) >= self._size:
            self._entries.clear()
        value = self._build(obj)
        self._entries[id(obj)] = (obj, value)
        return value

    def __len__(self) -> int:
        return len(self._entries)
