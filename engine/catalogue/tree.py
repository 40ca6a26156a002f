"""Walking a framework's standards tree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from schemas.framework import Framework, StandardNode

__all__ = ["TreeIndex", "walk"]


def walk(
    nodes: tuple[StandardNode, ...], path: tuple[StandardNode, ...] = ()
) -> Iterator[tuple[StandardNode, tuple[StandardNode, ...]]]:
    """Every node, depth first in source order, with the chain of nodes above it."""
    for node in nodes:
        yield node, path
        yield from walk(node.children, (*path, node))


@dataclass(frozen=True)
class TreeIndex:
    """Lookups over one framework's tree: node by id, and the top-level standard above it."""

    nodes: dict[str, StandardNode]
    top: dict[str, StandardNode]

    @classmethod
    def of(cls, framework: Framework) -> TreeIndex:
        nodes: dict[str, StandardNode] = {}
        top: dict[str, StandardNode] = {}
        for node, path in walk(framework.standards):
            nodes[node.id] = node
            top[node.id] = path[0] if path else node
        return cls(nodes=nodes, top=top)

    def matches(self, node_id: str, number: str) -> bool:
        """True when ``node_id`` is the node numbered ``number`` or sits under it."""
        node = self.nodes[node_id]
        top = self.top[node_id]
        return number in (node.number, top.number, node.id, top.id)
