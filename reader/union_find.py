"""Disjoint sets (union-find) whose names do not depend on the order of unions."""

from __future__ import annotations

from collections.abc import Hashable, Iterator
from typing import Generic, TypeVar

_Node = TypeVar("_Node", bound=Hashable)


class UnionFind(Generic[_Node]):
    """Disjoint sets; each set is named by the first node ever added to it."""

    def __init__(self) -> None:
        self._parent: dict[_Node, _Node] = {}
        self._rank: dict[_Node, int] = {}

    def add(self, node: _Node) -> None:
        if node not in self._parent:
            self._parent[node] = node
            self._rank[node] = len(self._rank)

    def find(self, node: _Node) -> _Node:
        parent = self._parent
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(self, one: _Node, other: _Node) -> None:
        self.add(one)
        self.add(other)
        root_one, root_other = self.find(one), self.find(other)
        if root_one == root_other:
            return
        # The earlier-added root wins, so which node names a set never depends on union order.
        if self._rank[root_other] < self._rank[root_one]:
            root_one, root_other = root_other, root_one
        self._parent[root_other] = root_one

    def __iter__(self) -> Iterator[_Node]:
        return iter(self._parent)
