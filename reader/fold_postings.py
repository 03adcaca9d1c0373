"""Append-only sorted stores of exact keys and fingerprint postings, and the pairs they share."""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]

BUCKET_WINDOW = 16
"""A new paragraph is compared with at most this many most recent earlier owners of each of
its fingerprints, so templated text (price bots, boilerplate) stays linear."""

_PAIRS_PER_SLICE = 4_000_000
"""Raw pairs made at a time, a slice of later owners each (bounds temporary arrays)."""
_LOW32 = np.uint64(0xFFFFFFFF)


def _merged(segments: tuple[U64, ...], extra: U64) -> tuple[U64, ...]:
    """``segments`` plus a new sorted one, merging neighbours of similar size so there are only
    logarithmically many and each code is re-sorted a logarithmic number of times."""
    out = [*segments, extra] if len(extra) else list(segments)
    while len(out) > 1 and len(out[-2]) <= 2 * len(out[-1]):
        last = out.pop()
        out[-1] = np.sort(np.concatenate((out[-1], last)))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class ExactStore:
    """First owner of each exact key (a whole cheap key or short match key)."""

    segments: tuple[U64, ...] = ()
    """Sorted 64-bit keys, a few segments merged as they grow."""
    owners: tuple[U32, ...] = ()
    """The owner of each key, parallel to ``segments``."""

    def __len__(self) -> int:
        return sum(len(s) for s in self.segments)

    def lookup(self, keys: U64) -> I64:
        """Owner of each key, -1 where unknown."""
        found = np.full(len(keys), -1, dtype=np.int64)
        for segment, owners in zip(self.segments, self.owners, strict=True):
            if not len(segment):
                continue
            at = np.minimum(np.searchsorted(segment, keys), len(segment) - 1)
            hit = segment[at] == keys
            found = np.where(hit & (found < 0), owners[at].astype(np.int64), found)
        return found

    def with_new(self, keys: U64, owners: U32) -> ExactStore:
        """The store plus keys it does not hold yet (the caller looked them up)."""
        if not len(keys):
            return self
        order = np.argsort(keys, kind="stable")
        seg_keys = [*self.segments, keys[order]]
        seg_owners = [*self.owners, owners[order]]
        while len(seg_keys) > 1 and len(seg_keys[-2]) <= 2 * len(seg_keys[-1]):
            k2, o2 = seg_keys.pop(), seg_owners.pop()
            k1, o1 = seg_keys.pop(), seg_owners.pop()
            merged_keys = np.concatenate((k1, k2))
            merged_order = np.argsort(merged_keys, kind="stable")
            seg_keys.append(merged_keys[merged_order])
            seg_owners.append(np.concatenate((o1, o2))[merged_order])
        return ExactStore(tuple(seg_keys), tuple(seg_owners))


@dataclass(frozen=True, slots=True)
class PostingStore:
    """Every (fingerprint, owner) posted so far, as sorted ``fingerprint << 32 | owner`` codes."""

    segments: tuple[U64, ...] = ()

    def __len__(self) -> int:
        return sum(len(s) for s in self.segments)

    def with_new(self, codes: U64) -> PostingStore:
        return PostingStore(_merged(self.segments, codes))


def _unique_sorted(values: U64) -> tuple[U64, I64]:
    """Sorted distinct values and how often each occurs (np.unique, without its hash path)."""
    values = np.sort(values)
    fresh = np.ones(len(values), dtype=bool)
    fresh[1:] = values[1:] != values[:-1]
    starts = np.flatnonzero(fresh)
    return values[starts], np.diff(np.append(starts, len(values))).astype(np.int64)


def sorted_unique(codes: U64) -> U64:
    codes.sort()
    if len(codes) < 2:
        return codes
    fresh = np.empty(len(codes), dtype=bool)
    fresh[0] = True
    np.not_equal(codes[1:], codes[:-1], out=fresh[1:])
    return codes[fresh]


def posting_codes(values: U32, owners: npt.NDArray[np.integer]) -> U64:
    """Sorted unique codes ``value << 32 | owner`` for fingerprints ``values`` of ``owners``."""
    codes = values.astype(np.uint64)
    codes <<= np.uint64(32)
    codes |= owners.astype(np.uint64)
    return sorted_unique(codes)


def _expand(starts: I64, counts: I64) -> I64:
    """Concatenated ranges ``starts[i] .. starts[i] + counts[i]``."""
    total = int(counts.sum())
    if total == 0:
        return np.zeros(0, np.int64)
    offsets = np.arange(total, dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    return np.repeat(starts, counts) + offsets


def _split_codes(codes: U64) -> tuple[npt.NDArray[np.uint32], npt.NDArray[np.uint32]]:
    """Fingerprints and owners of ``codes`` as 32-bit views (no copies on little-endian)."""
    if sys.byteorder == "little":
        halves = codes.view(np.uint32)
        return halves[1::2], halves[::2]
    return (codes >> np.uint64(32)).astype(np.uint32), (codes & _LOW32).astype(np.uint32)


def _ranks(values: npt.NDArray[Any]) -> npt.NDArray[np.int32]:
    """Position of each element within its run of equal values (int32: runs are short)."""
    index = np.arange(len(values), dtype=np.int32)
    fresh = np.ones(len(values), dtype=bool)
    np.not_equal(values[1:], values[:-1], out=fresh[1:])
    starts = np.where(fresh, index, 0)
    del fresh
    np.maximum.accumulate(starts, out=starts)
    index -= starts
    return index


def _screened(
    found: tuple[U64, I64], keep: Callable[[U64, I64], npt.NDArray[np.bool_]] | None
) -> tuple[U64, I64]:
    if keep is None:
        return found
    chosen = keep(*found)
    return found[0][chosen], found[1][chosen]


def window_pairs(
    store: PostingStore,
    codes: U64,
    window: int = BUCKET_WINDOW,
    keep: Callable[[U64, I64], npt.NDArray[np.bool_]] | None = None,
) -> tuple[U64, I64]:
    """Unique ``later << 32 | earlier`` owner pairs, each new posting against the ``window`` most
    recent earlier owners of its fingerprint, and how many fingerprints each pair shares so.
    ``codes`` are sorted and their owners all newer than every owner in ``store``; the rule
    only looks back, so batches and increments agree. ``keep`` screens pairs as they come, with
    their final counts, so unwanted ones never pile up."""
    if not len(codes):
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    prints, owners = _split_codes(codes)
    found: list[tuple[U64, I64]] = []
    # Within the batch only fingerprints posted twice or more pair anything.
    same = prints[1:] == prints[:-1]
    shared = np.zeros(len(codes), dtype=bool)
    shared[1:] |= same
    shared[:-1] |= same
    del same
    picked_at = np.flatnonzero(shared)
    del shared
    sub_owners = owners[picked_at]
    sub_rank = _ranks(prints[picked_at])
    del picked_at
    # Pairs are counted a slice of later owners at a time: every sighting of a pair falls in
    # its later owner's slice, and no slice's raw pairs need much memory.
    load = np.bincount(sub_owners, weights=np.minimum(sub_rank, window))
    cuts = np.searchsorted(
        np.cumsum(load), np.arange(1, int(load.sum() // _PAIRS_PER_SLICE) + 1) * _PAIRS_PER_SLICE
    )
    del load
    bounds = np.unique(
        np.concatenate(([0], cuts + 1, [int(sub_owners.max()) + 1 if len(sub_owners) else 1]))
    )
    for first_owner, end_owner in zip(bounds[:-1].tolist(), bounds[1:].tolist(), strict=True):
        members = np.flatnonzero((sub_owners >= first_owner) & (sub_owners < end_owner))
        members = members[sub_rank[members] >= 1]
        raw: list[U64] = []
        for back in range(1, window + 1):
            members = members[sub_rank[members] >= back]
            if not len(members):
                break
            pair = sub_owners[members].astype(np.uint64)
            pair <<= np.uint64(32)
            pair |= sub_owners[members - back]
            raw.append(pair)
        if raw:
            found.append(_screened(_unique_sorted(np.concatenate(raw)), keep))
    del sub_owners, sub_rank
    pending: list[U64] = []

    if store.segments:
        need = np.maximum(window - _ranks(prints), 0)
        asking = np.flatnonzero(need > 0)
        found_at: list[I64] = []
        found_owner: list[U64] = []
        low = prints[asking].astype(np.uint64) << np.uint64(32)
        for segment in store.segments:
            lo = np.searchsorted(segment, low, side="left")
            hi = np.searchsorted(segment, low | _LOW32, side="right")
            take = np.minimum(hi - lo, need[asking])
            found_at.append(np.repeat(asking, take))
            found_owner.append(segment[_expand(hi - take, take)] & _LOW32)
        at = np.concatenate(found_at)
        old = np.concatenate(found_owner)
        if len(store.segments) > 1 and len(at):
            # Keep the most recent ``need`` across segments: sort by asker, newest first.
            order = np.lexsort((~old, at))
            at, old = at[order], old[order]
            within = _ranks(at)
            recent = within < need[at]
            at, old = at[recent], old[recent]
        pending.append((owners[at].astype(np.uint64) << np.uint64(32)) | old)
    if not found and not pending:
        return np.zeros(0, np.uint64), np.zeros(0, np.int64)
    # Slices hold disjoint, ascending later owners: their pairs simply line up.
    pairs = np.concatenate([p for p, _ in found]) if found else np.zeros(0, np.uint64)
    counts = np.concatenate([c for _, c in found]) if found else np.zeros(0, np.int64)
    found.clear()
    if not pending:
        return pairs, counts
    # A pair may come from the batch and from the store too: add its counts up.
    old_pairs, old_counts = _screened(_unique_sorted(np.concatenate(pending)), keep)
    pairs = np.concatenate((pairs, old_pairs))
    counts = np.concatenate((counts, old_counts))
    order = np.argsort(pairs, kind="stable")
    pairs, counts = pairs[order], counts[order]
    fresh = np.ones(len(pairs), dtype=bool)
    fresh[1:] = pairs[1:] != pairs[:-1]
    starts = np.flatnonzero(fresh)
    return pairs[starts], np.add.reduceat(counts, starts) if len(starts) else counts
