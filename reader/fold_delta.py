"""A fold index delta: what folding batches added to an index, and its (de)serialisation."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt

from reader.fold_blob import VERSION, pack, unpack

I64 = npt.NDArray[np.int64]

_DELTA_FORMAT = b"NFXD"


@dataclass(frozen=True, eq=False)
class FoldDelta:
    """What folding one or more batches added to a fold index, saved beside the index it grew
    instead of rewriting it: ``index.extended(delta)`` is the grown index again."""

    threshold: float
    base_articles: int
    """Size of the index this delta extends (articles, units, places): a check on the order."""
    base_units: int
    base_places: int
    article_ids: tuple[str, ...]
    article_starts: I64
    places: int
    """The grown index's places (not the delta's)."""
    first_seen: I64
    first_kept: I64
    fold_place: I64
    fold_score: npt.NDArray[np.float64]
    cheap_length: I64
    text_data: bytes | memoryview
    text_ends: I64
    exact_keys: npt.NDArray[np.uint64]
    """Sorted keys the index did not hold yet, and their owners."""
    exact_owners: npt.NDArray[np.uint32]
    postings: npt.NDArray[np.uint64]
    """Sorted new posting codes."""
    extra_units: tuple[tuple[int, tuple[int, ...]], ...]
    """All of the grown index's extra units (they are rare: kept whole)."""

    @property
    def units(self) -> int:
        return len(self.first_seen)

    def then(self, later: FoldDelta) -> FoldDelta:
        """This delta followed by ``later`` (which extends the index this one grew) as one."""
        if (later.threshold, later.base_articles, later.base_units, later.base_places) != (
            self.threshold,
            self.base_articles + len(self.article_ids),
            self.base_units + self.units,
            self.places,
        ):
            raise ValueError("the later fold index delta does not follow this one")
        keys = np.concatenate((self.exact_keys, later.exact_keys))
        order = np.argsort(keys, kind="stable")
        shift = self.text_ends[-1] if len(self.text_ends) else 0
        return FoldDelta(
            threshold=self.threshold,
            base_articles=self.base_articles,
            base_units=self.base_units,
            base_places=self.base_places,
            article_ids=self.article_ids + later.article_ids,
            article_starts=np.concatenate((self.article_starts, later.article_starts)),
            places=later.places,
            first_seen=np.concatenate((self.first_seen, later.first_seen)),
            first_kept=np.concatenate((self.first_kept, later.first_kept)),
            fold_place=np.concatenate((self.fold_place, later.fold_place)),
            fold_score=np.concatenate((self.fold_score, later.fold_score)),
            cheap_length=np.concatenate((self.cheap_length, later.cheap_length)),
            text_data=b"".join((self.text_data, later.text_data)),
            text_ends=np.concatenate((self.text_ends, later.text_ends + shift)),
            exact_keys=keys[order],
            exact_owners=np.concatenate((self.exact_owners, later.exact_owners))[order],
            postings=np.sort(np.concatenate((self.postings, later.postings))),
            extra_units=later.extra_units,
        )

    def to_bytes(self) -> bytes:
        arrays: dict[str, npt.NDArray[Any]] = {
            "article_starts": self.article_starts.astype("<i8"),
            "first_seen": self.first_seen.astype("<i8"),
            "first_kept": self.first_kept.astype("<i8"),
            "fold_place": self.fold_place.astype("<i8"),
            "fold_score": self.fold_score.astype("<f8"),
            "cheap_length": self.cheap_length.astype("<i8"),
            "text_ends": self.text_ends.astype("<i8"),
            "exact_keys": self.exact_keys.astype("<u8"),
            "postings": self.postings.astype("<u8"),
            "exact_owners": self.exact_owners.astype("<u4"),
        }
        header = {
            "version": VERSION,
            "threshold": self.threshold,
            "base": [self.base_articles, self.base_units, self.base_places],
            "places": self.places,
            "article_ids": list(self.article_ids),
            "extra_units": [[unit, list(others)] for unit, others in self.extra_units],
        }
        return pack(_DELTA_FORMAT, header, arrays, self.text_data)

    @classmethod
    def from_bytes(cls, blob: bytes) -> FoldDelta:
        """The delta ``to_bytes`` wrote; ValueError when ``blob`` is not one."""
        header, arrays, text = unpack(_DELTA_FORMAT, blob, "fold index delta")
        base_articles, base_units, base_places = (int(n) for n in header["base"])
        return cls(
            threshold=float(header["threshold"]),
            base_articles=base_articles,
            base_units=base_units,
            base_places=base_places,
            article_ids=tuple(header["article_ids"]),
            article_starts=arrays["article_starts"],
            places=int(header["places"]),
            first_seen=arrays["first_seen"],
            first_kept=arrays["first_kept"],
            fold_place=arrays["fold_place"],
            fold_score=arrays["fold_score"],
            cheap_length=arrays["cheap_length"],
            text_data=text,
            text_ends=arrays["text_ends"],
            exact_keys=arrays["exact_keys"],
            exact_owners=arrays["exact_owners"],
            postings=arrays["postings"],
            extra_units=tuple(
                (int(u), tuple(int(o) for o in others)) for u, others in header["extra_units"]
            ),
        )
