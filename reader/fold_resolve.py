"""Decide where each new unit folds, on one core or, for a big single-threaded batch, on two."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from reader.two_processes import can_fork, in_two_processes
from reader.union_find import UnionFind

Resolution = tuple[int, float] | None
"""Where a unit's first appearance folds (place, score), or None when it is kept."""

PARALLEL_MIN_UNITS = 20_000
"""Below this many units to resolve a second process costs more than it saves."""
_NORMALISE_COST = 4
"""Normalising a paragraph costs about what verifying four pairs does."""


@dataclass(frozen=True)
class Resolver:
    """A batch's candidate graph and how to score one of its pairs.

    Units are numbered in order of first appearance; ``base`` is the first new one. A new unit
    folds onto its earliest kept candidate (else its earliest candidate) that verifies, so its
    fate depends only on units it shares a candidate edge with: connected components of the
    graph resolve independently, and can be shared out between processes.
    """

    base: int
    candidates: Mapping[int, Sequence[int]]
    """Per new unit, the earlier units worth verifying against it."""
    first_seen: Sequence[int]
    """Per new unit (``unit - base``), the place of its first appearance."""
    old_places: Callable[[int], tuple[int, int]]
    """For an old unit: where it was first seen and where first kept (-1 if it folded)."""
    score: Callable[[int, int], float | None]
    """The verified score of (later, earlier), or None when they do not fold."""

    def resolve(self, order: Sequence[int]) -> dict[int, Resolution]:
        """Resolutions of ``order`` (ascending new units, closed under candidate edges)."""
        kept: dict[int, int] = {}
        out: dict[int, Resolution] = {}
        for unit in order:
            places = []
            for other in self.candidates.get(unit, ()):
                if other >= self.base:
                    seen = self.first_seen[other - self.base]
                    # A unit with no candidates of its own was kept where first seen.
                    place = kept.get(other, -1) if other in self.candidates else seen
                    places.append((seen, place, other))
                else:
                    places.append((*self.old_places(other), other))
            found = self._first_verified(unit, places)
            out[unit] = found
            if found is None:
                kept[unit] = self.first_seen[unit - self.base]
        return out

    def _first_verified(self, unit: int, places: list[tuple[int, int, int]]) -> Resolution:
        """The earliest kept neighbour that verifies, else the earliest neighbour that does:
        candidates are tried in that order, so most pairs are never verified."""
        kept = sorted((k, v) for _, k, v in places if k >= 0)
        others = sorted((s, v) for s, k, v in places if k < 0)
        for ordered in (kept, others):
            for where, other in ordered:
                found = self.score(unit, other)
                if found is not None:
                    return where, found
        return None

    def resolve_all(
        self, *, parallel: bool = True, min_units: int = PARALLEL_MIN_UNITS
    ) -> dict[int, Resolution]:
        """Every new unit with candidates, resolved; on two processes when that pays."""
        order = sorted(self.candidates)
        if not parallel or len(order) < min_units or not can_fork():
            return self.resolve(order)
        mine, theirs = self.halves(order)
        done, theirs_done = in_two_processes(self.resolve, mine, theirs)
        done.update(theirs_done)
        return done

    def halves(self, order: Sequence[int]) -> tuple[list[int], list[int]]:
        """Connected components shared out by their work, deterministically."""
        components: UnionFind[int] = UnionFind()
        for unit in order:
            components.add(unit)
        for unit in order:
            for other in self.candidates[unit]:
                if other >= self.base:
                    components.union(unit, other)
        root = components.find
        # Work is mostly normalising: each unit of a component once (those resolved and the
        # earlier ones they are compared with), then a quarter of that per pair verified.
        cost: dict[int, int] = {}
        compared: set[int] = set()
        for unit in order:
            top = root(unit)
            others = self.candidates[unit]
            fresh = sum(1 for o in others if o not in self.candidates and o not in compared)
            compared.update(others)
            cost[top] = cost.get(top, 0) + _NORMALISE_COST * (1 + fresh) + len(others)
        loads = [0, 0]
        side: dict[int, int] = {}
        for top in sorted(cost, key=lambda t: (-cost[t], t)):  # biggest first: a fair split
            side[top] = 0 if loads[0] <= loads[1] else 1
            loads[side[top]] += cost[top]
        split: tuple[list[int], list[int]] = ([], [])
        for unit in order:
            split[side[root(unit)]].append(unit)
        return split
