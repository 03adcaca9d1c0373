"""The fold index: what folding later articles needs to know about the paragraphs folded so far."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt

from reader.fold_blob import VERSION, pack, unpack

# Re-exported: callers take the delta from here, beside the index it extends.
from reader.fold_delta import FoldDelta as FoldDelta
from reader.fold_postings import ExactStore, PostingStore

I64 = npt.NDArray[np.int64]

_FORMAT = b"NFIX"


@dataclass(frozen=True, slots=True)
class Column:
    """An append-only array kept as a few parts, merged as they grow so appends stay cheap."""

    parts: tuple[npt.NDArray[Any], ...] = ()

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def appended(self, values: npt.NDArray[Any]) -> Column:
        parts = [*self.parts, values] if len(values) else list(self.parts)
        while len(parts) > 1 and len(parts[-2]) <= 2 * len(parts[-1]):
            last = parts.pop()
            parts[-1] = np.concatenate((parts[-1], last))
        return Column(tuple(parts))

    def take(self, ids: I64) -> npt.NDArray[Any]:
        """Values at ``ids``, part by part (no concatenation of the whole column)."""
        if not self.parts:
            return np.zeros(len(ids), dtype=np.int64)
        out = np.zeros(len(ids), dtype=self.parts[0].dtype)
        start = 0
        for part in self.parts:
            inside = (ids >= start) & (ids < start + len(part))
            out[inside] = part[ids[inside] - start]
            start += len(part)
        return out

    def last_at_most(self, value: int) -> int:
        """Position of the last value <= ``value`` in an ascending column (-1 if none)."""
        start = len(self)
        for part in reversed(self.parts):
            start -= len(part)
            if len(part) and part[0] <= value:
                return start + int(np.searchsorted(part, value, side="right")) - 1
        return -1

    def whole(self) -> npt.NDArray[Any]:
        if not self.parts:
            return np.zeros(0, dtype=np.int64)
        return self.parts[0] if len(self.parts) == 1 else np.concatenate(self.parts)


@dataclass(frozen=True, slots=True)
class Texts:
    """Append-only UTF-8 strings: one byte buffer and end offsets per part."""

    parts: tuple[tuple[bytes | memoryview, I64], ...] = ()
    """A loaded index's buffer is a view into the blob it was read from (no copy)."""

    def __len__(self) -> int:
        return sum(len(ends) for _, ends in self.parts)

    def appended(self, texts: Sequence[str]) -> Texts:
        return self.appended_encoded(*encode_texts(texts))

    def appended_encoded(self, data: bytes | memoryview, ends: I64) -> Texts:
        """The strings plus ``data`` cut at ``ends`` (what ``encode_texts`` makes)."""
        if not len(ends):
            return self
        parts = [*self.parts, (data, ends)]
        while len(parts) > 1 and len(parts[-2][1]) <= 2 * len(parts[-1][1]):
            (data2, ends2), (data1, ends1) = parts.pop(), parts.pop()
            shift = ends1[-1] if len(ends1) else 0
            parts.append((b"".join((data1, data2)), np.concatenate((ends1, ends2 + shift))))
        return Texts(tuple(parts))

    def get(self, index: int) -> str:
        for data, ends in self.parts:
            if index < len(ends):
                start = int(ends[index - 1]) if index else 0
                return str(data[start : int(ends[index])], "utf-8", "surrogatepass")
            index -= len(ends)
        raise IndexError(index)

    def joined(self) -> tuple[bytes | memoryview, I64]:
        """All strings as one buffer and its end offsets."""
        ends: list[I64] = []
        shift = 0
        for data, part_ends in self.parts:
            ends.append(part_ends + shift)
            shift += len(data)
        data = self.parts[0][0] if len(self.parts) == 1 else b"".join(d for d, _ in self.parts)
        return data, np.concatenate((np.zeros(0, np.int64), *ends))


def encode_texts(texts: Sequence[str]) -> tuple[bytes, I64]:
    encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
    return b"".join(encoded), np.cumsum([len(e) for e in encoded], dtype=np.int64)


@dataclass(frozen=True, eq=False)
class FoldIndex:
    """What folding later articles needs to know about the ones already folded.

    Per distinct paragraph ("unit": paragraphs with one normalised key) it keeps where it first
    appeared, where it was first kept or what it folded onto, and its first raw text (verified
    candidates are re-normalised from it); plus sorted hash stores for exact lookups and
    fingerprint postings. Memory (and ``to_bytes`` size) is about the UTF-8 size of the distinct
    paragraphs plus ~8 bytes per fingerprint (~25 per paragraph of 200 characters) plus ~60
    bytes per distinct paragraph: about 470 bytes per news paragraph, 47 MB for 100k.

    Build it with ``FoldIndex(threshold)`` and grow it with ``fold_new``; never mutated.
    """

    threshold: float
    article_ids: tuple[tuple[str, ...], ...] = ()
    article_starts: Column = field(default_factory=Column)
    """Global place index of each article's first paragraph."""
    places: int = 0
    first_seen: Column = field(default_factory=Column)
    first_kept: Column = field(default_factory=Column)
    """Place where the unit was kept, -1 when its first appearance folded."""
    fold_place: Column = field(default_factory=Column)
    fold_score: Column = field(default_factory=Column)
    cheap_length: Column = field(default_factory=Column)
    texts: Texts = field(default_factory=Texts)
    exact: ExactStore = field(default_factory=ExactStore)
    postings: PostingStore = field(default_factory=PostingStore)
    extra_units: tuple[tuple[int, tuple[int, ...]], ...] = ()
    """Units sharing a cheap key with an earlier unit but not its normalised key (rare)."""

    @property
    def units(self) -> int:
        return len(self.first_seen)

    @property
    def articles(self) -> int:
        return sum(len(ids) for ids in self.article_ids)

    def extended(self, delta: FoldDelta) -> FoldIndex:
        """This index grown by ``delta`` (made from this index, or one of the same size)."""
        if (delta.threshold, delta.base_articles, delta.base_units, delta.base_places) != (
            self.threshold,
            self.articles,
            self.units,
            self.places,
        ):
            raise ValueError("the fold index delta does not extend this index")
        return replace(
            self,
            article_ids=merged_ids(self.article_ids, delta.article_ids),
            article_starts=self.article_starts.appended(delta.article_starts),
            places=delta.places,
            first_seen=self.first_seen.appended(delta.first_seen),
            first_kept=self.first_kept.appended(delta.first_kept),
            fold_place=self.fold_place.appended(delta.fold_place),
            fold_score=self.fold_score.appended(delta.fold_score),
            cheap_length=self.cheap_length.appended(delta.cheap_length),
            texts=self.texts.appended_encoded(delta.text_data, delta.text_ends),
            exact=self.exact.with_new(delta.exact_keys, delta.exact_owners),
            postings=self.postings.with_new(delta.postings),
            extra_units=delta.extra_units,
        )

    def to_bytes(self) -> bytes:
        """A self-contained serialisation: a JSON header and raw little-endian arrays."""
        arrays: dict[str, npt.NDArray[Any]] = {
            "article_starts": self.article_starts.whole().astype("<i8"),
            "first_seen": self.first_seen.whole().astype("<i8"),
            "first_kept": self.first_kept.whole().astype("<i8"),
            "fold_place": self.fold_place.whole().astype("<i8"),
            "fold_score": self.fold_score.whole().astype("<f8"),
            "cheap_length": self.cheap_length.whole().astype("<i8"),
            "exact_keys": np.concatenate((np.zeros(0, np.uint64), *self.exact.segments)),
            "exact_owners": np.concatenate((np.zeros(0, np.uint32), *self.exact.owners)),
            "postings": np.sort(np.concatenate((np.zeros(0, np.uint64), *self.postings.segments))),
        }
        text_data, text_ends = self.texts.joined()
        arrays["text_ends"] = text_ends.astype("<i8")
        order = np.argsort(arrays["exact_keys"], kind="stable")
        arrays["exact_keys"] = arrays["exact_keys"][order].astype("<u8")
        arrays["postings"] = arrays["postings"].astype("<u8")
        # Last, so that its 4-byte items leave every 8-byte array aligned for reading in place.
        arrays["exact_owners"] = arrays.pop("exact_owners")[order].astype("<u4")
        header = {
            "version": VERSION,
            "threshold": self.threshold,
            "places": self.places,
            "article_ids": [i for ids in self.article_ids for i in ids],
            "extra_units": [[unit, list(others)] for unit, others in self.extra_units],
        }
        return pack(_FORMAT, header, arrays, text_data)

    @classmethod
    def from_bytes(cls, blob: bytes) -> FoldIndex:
        """The index ``to_bytes`` wrote; ValueError when ``blob`` is not one."""
        header, arrays, text_data = unpack(_FORMAT, blob, "fold index")

        def column(name: str) -> Column:
            return Column((arrays[name],) if len(arrays[name]) else ())

        exact_keys = arrays["exact_keys"]
        return cls(
            threshold=float(header["threshold"]),
            article_ids=(tuple(header["article_ids"]),) if header["article_ids"] else (),
            article_starts=column("article_starts"),
            places=int(header["places"]),
            first_seen=column("first_seen"),
            first_kept=column("first_kept"),
            fold_place=column("fold_place"),
            fold_score=column("fold_score"),
            cheap_length=column("cheap_length"),
            texts=Texts(((text_data, arrays["text_ends"]),) if len(arrays["text_ends"]) else ()),
            exact=ExactStore((exact_keys,), (arrays["exact_owners"],))
            if len(exact_keys)
            else ExactStore(),
            postings=PostingStore((arrays["postings"],) if len(arrays["postings"]) else ()),
            extra_units=tuple(
                (int(u), tuple(int(o) for o in others)) for u, others in header["extra_units"]
            ),
        )


def merged_ids(
    chunks: tuple[tuple[str, ...], ...], new: tuple[str, ...]
) -> tuple[tuple[str, ...], ...]:
    parts = [*chunks, new] if new else list(chunks)
    while len(parts) > 1 and len(parts[-2]) <= 2 * len(parts[-1]):
        last = parts.pop()
        parts[-1] = parts[-1] + last
    return tuple(parts)


def article_id_at(chunks: tuple[tuple[str, ...], ...], index: int) -> str:
    for ids in chunks:
        if index < len(ids):
            return ids[index]
        index -= len(ids)
    raise IndexError(index)
