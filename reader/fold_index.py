"""Fold new articles into an already-folded library, in time proportional to the new articles."""

from __future__ import annotations

import gc
import hashlib
import json
import struct
from bisect import bisect_right
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from itertools import accumulate
from typing import Any

import numpy as np
import numpy.typing as npt

from reader.fold import (
    DEFAULT_THRESHOLD,
    MIN_FUZZY_CHARS,
    check_threshold,
    verification_tools,
    verified_score,
)
from reader.fold_candidates import (
    BUCKET_WINDOW,
    ExactStore,
    PostingStore,
    cheap_keys,
    sketch,
    window_pairs,
)
from reader.model import Article, Fold, FoldPlan, ParagraphRef
from reader.normalize import MatchText, MatchTexts

I64 = npt.NDArray[np.int64]
F64 = npt.NDArray[np.float64]
U8 = npt.NDArray[np.uint8]
U64 = npt.NDArray[np.uint64]

SHORT_CHEAP_CHARS = 64
"""Paragraphs with cheap keys shorter than this are matched exactly on their full match_text
key too (fingerprints are too few on them to be sure of finding an equal key)."""
PREFILTER_MARGIN = 12.0
"""Candidates whose cheap keys score this far below the threshold skip full verification."""
_BLANK = -1
_PAIRS_AT_ONCE = 1 << 21
"""Candidate pairs screened at a time (bounds temporary arrays)."""
_MATCH_CACHE = 100_000
"""Normalised units kept at once while verifying (each is a few hundred bytes of tuples)."""
_MATCH_KEY_BIT = np.uint64(1 << 63)
_FORMAT = b"NFIX"
_VERSION = 1


def _match_key_hash(key: str) -> int:
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") | (1 << 63)


@dataclass(frozen=True, slots=True)
class _Column:
    """An append-only array kept as a few parts, merged as they grow so appends stay cheap."""

    parts: tuple[npt.NDArray[Any], ...] = ()

    def __len__(self) -> int:
        return sum(len(p) for p in self.parts)

    def appended(self, values: npt.NDArray[Any]) -> _Column:
        parts = [*self.parts, values] if len(values) else list(self.parts)
        while len(parts) > 1 and len(parts[-2]) <= 2 * len(parts[-1]):
            last = parts.pop()
            parts[-1] = np.concatenate((parts[-1], last))
        return _Column(tuple(parts))

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
class _Texts:
    """Append-only UTF-8 strings: one byte buffer and end offsets per part."""

    parts: tuple[tuple[bytes, I64], ...] = ()

    def __len__(self) -> int:
        return sum(len(ends) for _, ends in self.parts)

    def appended(self, texts: Sequence[str]) -> _Texts:
        if not texts:
            return self
        encoded = [t.encode("utf-8", "surrogatepass") for t in texts]
        ends = np.cumsum([len(e) for e in encoded], dtype=np.int64)
        parts = [*self.parts, (b"".join(encoded), ends)]
        while len(parts) > 1 and len(parts[-2][1]) <= 2 * len(parts[-1][1]):
            (data2, ends2), (data1, ends1) = parts.pop(), parts.pop()
            shift = ends1[-1] if len(ends1) else 0
            parts.append((data1 + data2, np.concatenate((ends1, ends2 + shift))))
        return _Texts(tuple(parts))

    def get(self, index: int) -> str:
        for data, ends in self.parts:
            if index < len(ends):
                start = int(ends[index - 1]) if index else 0
                return data[start : int(ends[index])].decode("utf-8", "surrogatepass")
            index -= len(ends)
        raise IndexError(index)


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
    article_starts: _Column = field(default_factory=_Column)
    """Global place index of each article's first paragraph."""
    places: int = 0
    first_seen: _Column = field(default_factory=_Column)
    first_kept: _Column = field(default_factory=_Column)
    """Place where the unit was kept, -1 when its first appearance folded."""
    fold_place: _Column = field(default_factory=_Column)
    fold_score: _Column = field(default_factory=_Column)
    cheap_length: _Column = field(default_factory=_Column)
    texts: _Texts = field(default_factory=_Texts)
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
        text_data = b"".join(data for data, _ in self.texts.parts)
        ends: list[I64] = []
        shift = 0
        for data, part_ends in self.texts.parts:
            ends.append(part_ends + shift)
            shift += len(data)
        arrays["text_ends"] = np.concatenate((np.zeros(0, np.int64), *ends)).astype("<i8")
        order = np.argsort(arrays["exact_keys"], kind="stable")
        arrays["exact_keys"] = arrays["exact_keys"][order].astype("<u8")
        arrays["exact_owners"] = arrays["exact_owners"][order].astype("<u4")
        arrays["postings"] = arrays["postings"].astype("<u8")
        header = {
            "version": _VERSION,
            "threshold": self.threshold,
            "places": self.places,
            "article_ids": [i for ids in self.article_ids for i in ids],
            "extra_units": [[unit, list(others)] for unit, others in self.extra_units],
            "arrays": [[name, a.dtype.str, len(a)] for name, a in arrays.items()],
            "text_bytes": len(text_data),
        }
        head = json.dumps(header, ensure_ascii=False).encode("utf-8")
        body = b"".join(a.tobytes() for a in arrays.values())
        return _FORMAT + struct.pack("<I", len(head)) + head + body + text_data

    @classmethod
    def from_bytes(cls, blob: bytes) -> FoldIndex:
        """The index ``to_bytes`` wrote; ValueError when ``blob`` is not one."""
        if blob[:4] != _FORMAT or len(blob) < 8:
            raise ValueError("not a fold index")
        (size,) = struct.unpack("<I", blob[4:8])
        header = json.loads(blob[8 : 8 + size].decode("utf-8"))
        if header.get("version") != _VERSION:
            raise ValueError(f"unsupported fold index version {header.get('version')}")
        offset = 8 + size
        arrays: dict[str, npt.NDArray[Any]] = {}
        for name, dtype, count in header["arrays"]:
            kind = np.dtype(dtype)
            arrays[name] = np.frombuffer(blob, dtype=kind, count=count, offset=offset).astype(
                kind.newbyteorder("=")
            )
            offset += kind.itemsize * count
        text_data = blob[offset : offset + header["text_bytes"]]
        if len(text_data) != header["text_bytes"]:
            raise ValueError("truncated fold index")

        def column(name: str) -> _Column:
            return _Column((arrays[name],) if len(arrays[name]) else ())

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
            texts=_Texts(((text_data, arrays["text_ends"]),) if len(arrays["text_ends"]) else ()),
            exact=ExactStore((exact_keys,), (arrays["exact_owners"],))
            if len(exact_keys)
            else ExactStore(),
            postings=PostingStore((arrays["postings"],) if len(arrays["postings"]) else ()),
            extra_units=tuple(
                (int(u), tuple(int(o) for o in others)) for u, others in header["extra_units"]
            ),
        )


def _merged_ids(
    chunks: tuple[tuple[str, ...], ...], new: tuple[str, ...]
) -> tuple[tuple[str, ...], ...]:
    parts = [*chunks, new] if new else list(chunks)
    while len(parts) > 1 and len(parts[-2]) <= 2 * len(parts[-1]):
        last = parts.pop()
        parts[-1] = parts[-1] + last
    return tuple(parts)


def _article_id(chunks: tuple[tuple[str, ...], ...], index: int) -> str:
    for ids in chunks:
        if index < len(ids):
            return ids[index]
        index -= len(ids)
    raise IndexError(index)


@dataclass
class _Units:
    """Working state of one batch: the units it creates, and normalised units at hand."""

    index: FoldIndex
    normalise: MatchTexts = field(default_factory=MatchTexts)
    base: int = 0
    texts: list[str] = field(default_factory=list)
    source: list[int] = field(default_factory=list)
    """Per new unit: the distinct raw paragraph (batch position) its fingerprints come from."""
    fuzzy: list[bool] = field(default_factory=list)
    """Per new unit: long enough for fuzzy matching, so it posts fingerprints."""
    lengths: list[int] = field(default_factory=list)
    """Per new unit: bytes in its cheap key."""
    matched: OrderedDict[int, MatchText] = field(default_factory=OrderedDict)
    """Normalised units, oldest first (candidates are mostly recent, so the oldest go first)."""

    def text(self, unit: int) -> str:
        return self.texts[unit - self.base] if unit >= self.base else self.index.texts.get(unit)

    def match(self, unit: int) -> MatchText:
        found = self.matched.get(unit)
        if found is None:
            if len(self.matched) >= _MATCH_CACHE:
                self.matched.popitem(last=False)
            found = self.matched[unit] = self.normalise(self.text(unit))
        return found


def _cheap_strings(texts: Sequence[str]) -> list[str]:
    keys = cheap_keys(texts)
    return [keys.text(i) for i in range(len(keys))]


_PREFILTER_CHUNK = 1 << 17
"""Candidate pairs prefiltered at a time (bounds the lists of strings handed to rapidfuzz)."""


def _prefiltered(
    pairs: U64, units: _Units, cheap_text: Callable[[int], str], threshold: float
) -> dict[int, list[int]]:
    """Per later unit, the earlier ones whose cheap keys come within PREFILTER_MARGIN of the
    threshold: whole, or the shorter against the other's opening (a copy cut short)."""
    from rapidfuzz import fuzz, process

    later = (pairs >> np.uint64(32)).astype(np.int64)
    earlier = (pairs & np.uint64(0xFFFFFFFF)).astype(np.int64)
    involved = np.concatenate((later, earlier))
    involved.sort()
    involved = involved[np.concatenate(([True], involved[1:] != involved[:-1]))]
    # New units' cheap keys are at hand; old ones are made again from their stored text.
    old = involved[involved < units.base].tolist()
    cheap = _cheap_strings([units.text(u) for u in old])
    cheap += [cheap_text(units.source[u - units.base]) for u in involved[len(old) :].tolist()]
    lengths = np.array([len(s) for s in cheap], dtype=np.int64)
    at_later, at_earlier = np.searchsorted(involved, later), np.searchsorted(involved, earlier)
    shorter = np.minimum(lengths[at_later], lengths[at_earlier])
    longer = np.maximum(lengths[at_later], lengths[at_earlier])
    cutoff = threshold - PREFILTER_MARGIN
    # A whole ratio >= cutoff needs shorter/longer >= cutoff/(200-cutoff); pairs further apart
    # in length can only be a copy cut short.
    whole_possible = shorter * (200.0 - cutoff) >= cutoff * longer
    keep = np.zeros(len(pairs), dtype=bool)
    pick = cheap.__getitem__
    for start in range(0, len(pairs), _PREFILTER_CHUNK):
        part = np.arange(start, min(start + _PREFILTER_CHUNK, len(pairs)))
        whole = part[whole_possible[part]]
        firsts = list(map(pick, at_later[whole].tolist()))
        seconds = list(map(pick, at_earlier[whole].tolist()))
        scores = process.cpdist(firsts, seconds, scorer=fuzz.ratio, workers=-1)
        keep[whole[scores >= cutoff]] = True
        rest = part[~keep[part]]
        short_side: list[str] = []
        openings: list[str] = []
        for a, b in zip(at_later[rest].tolist(), at_earlier[rest].tolist(), strict=True):
            one, other = (cheap[a], cheap[b]) if lengths[a] <= lengths[b] else (cheap[b], cheap[a])
            short_side.append(one)
            openings.append(other[: len(one)])
        scores = process.cpdist(short_side, openings, scorer=fuzz.ratio, workers=-1)
        keep[rest[scores >= cutoff]] = True
    out: dict[int, list[int]] = {}
    for a, b in zip(later[keep].tolist(), earlier[keep].tolist(), strict=True):
        out.setdefault(a, []).append(b)
    return out


@dataclass(frozen=True)
class _Candidates:
    """A batch's paragraphs sorted into units, and the unit pairs worth verifying."""

    units: _Units
    raw_ids: list[int]
    """Per paragraph (corpus order): its distinct-text number."""
    unit_of: list[int]
    """Per distinct text: its unit, or _BLANK."""
    candidates: dict[int, list[int]]
    """Per later unit, earlier units past the cheap prefilter."""
    codes: U64
    """The new units' fingerprint postings."""
    new_keys: list[int]
    """Exact keys first seen in this batch, in unit order."""
    new_owners: list[int]
    extra: dict[int, list[int]]


def _worth_verifying(
    index: FoldIndex, units: _Units, pairs: U64, shared: I64
) -> npt.NDArray[np.bool_]:
    """One shared fingerprint is chance on long paragraphs (a common phrase), not on short ones
    (a short copy with a typo or two may share no more)."""
    keep = shared >= 2
    new_lengths = np.array(units.lengths, dtype=np.int64)
    for start in range(0, len(pairs), _PAIRS_AT_ONCE):
        part = slice(start, start + _PAIRS_AT_ONCE)
        single = np.flatnonzero(~keep[part]) + start
        later = (pairs[single] >> np.uint64(32)).astype(np.int64)
        earlier = (pairs[single] & np.uint64(0xFFFFFFFF)).astype(np.int64)
        shortest = new_lengths[later - units.base]
        old = earlier < units.base
        earlier_lengths = np.zeros(len(earlier), dtype=np.int64)
        earlier_lengths[old] = index.cheap_length.take(earlier[old])
        earlier_lengths[~old] = new_lengths[earlier[~old] - units.base]
        keep[single] = np.minimum(shortest, earlier_lengths) < SHORT_CHEAP_CHARS
    return keep


def _first_of_key(keys: U64, live: npt.NDArray[np.bool_]) -> I64:
    """For each live position, the first live position holding the same key (-1 elsewhere)."""
    positions = np.flatnonzero(live)
    order = positions[np.argsort(keys[positions], kind="stable")]
    ordered = keys[order]
    fresh = np.ones(len(order), dtype=bool)
    fresh[1:] = ordered[1:] != ordered[:-1]
    first = np.full(len(keys), -1, dtype=np.int64)
    first[order] = order[np.maximum.accumulate(np.where(fresh, np.arange(len(order)), 0))]
    return first


def _candidates(index: FoldIndex, raws: Sequence[str]) -> _Candidates:
    first_of: dict[str, int] = {}
    raw_ids = [first_of.setdefault(p, len(first_of)) for p in raws]
    distinct = list(first_of)
    del first_of
    sk = sketch(distinct)
    units = _Units(index, base=index.units)

    # Exact identity: the match_text key for short paragraphs, the cheap key for the rest.
    keys = sk.whole & ~_MATCH_KEY_BIT
    blank = np.zeros(len(distinct), dtype=bool)
    matched: dict[int, MatchText] = {}
    for i in np.flatnonzero((sk.lengths < SHORT_CHEAP_CHARS) | ~sk.plain).tolist():
        normal = matched[i] = units.normalise(distinct[i])
        blank[i] = not normal.key
        if normal.key and sk.lengths[i] < SHORT_CHEAP_CHARS:
            keys[i] = _match_key_hash(normal.key)
    by_match_key = (keys & _MATCH_KEY_BIT) != 0
    old_owner = index.exact.lookup(keys)
    first = _first_of_key(keys, ~blank)
    creates = ~blank & (old_owner < 0) & (first == np.arange(len(distinct)))
    repeats = ~blank & ~creates

    # A repeated key joins its group's unit, unless (rarely, cheap keys being rough) its
    # normalised key differs from every unit's there. Units of this batch are named by their
    # first paragraph, -1 - position, until numbered.
    def ref_text(ref: int) -> str:
        return units.text(ref) if ref >= 0 else distinct[-1 - ref]

    def ref_key(ref: int) -> str:
        if ref >= 0:
            return units.match(ref).key
        if -1 - ref not in matched:
            matched[-1 - ref] = units.normalise(distinct[-1 - ref])
        return matched[-1 - ref].key

    extra: dict[int, list[int]] = {unit: list(others) for unit, others in index.extra_units}
    joined: dict[int, int] = {}
    late_creators: list[int] = []
    group_refs: list[tuple[int, list[int]]] = []
    for i in np.flatnonzero(repeats).tolist():
        owner = int(old_owner[i]) if old_owner[i] >= 0 else -1 - int(first[i])
        if by_match_key[i]:
            joined[i] = owner
            continue
        members = [owner, *extra.get(owner, ())]
        raw = distinct[i]
        ref = next((m for m in members if ref_text(m) == raw), None)
        if ref is None:
            if i not in matched:
                matched[i] = units.normalise(raw)
            ref = next((m for m in members if ref_key(m) == matched[i].key), None)
        if ref is None:
            late_creators.append(i)
            extra.setdefault(owner, []).append(-1 - i)
            group_refs.append((i, members))
        else:
            joined[i] = ref

    creators = np.union1d(np.flatnonzero(creates), np.array(late_creators, dtype=np.int64))
    unit_at = np.full(len(distinct), _BLANK, dtype=np.int64)
    unit_at[creators] = units.base + np.arange(len(creators))

    def numbered(ref: int) -> int:
        return ref if ref >= 0 else int(unit_at[-1 - ref])

    for i, ref in joined.items():
        unit_at[i] = numbered(ref)
    extra = {numbered(u): [numbered(o) for o in others] for u, others in extra.items()}
    group_pairs = [
        (int(unit_at[i]) << 32) | numbered(m) for i, members in group_refs for m in members
    ]
    creator_list = creators.tolist()
    units.texts = [distinct[i] for i in creator_list]
    units.source = creator_list
    units.lengths = sk.lengths[creators].tolist()
    units.fuzzy = [i not in matched or len(matched[i].key) >= MIN_FUZZY_CHARS for i in creator_list]
    matched.clear()  # short units are normalised again if ever compared: memory over time

    group_first = np.flatnonzero(creates)
    new_keys = keys[group_first].tolist()
    new_owners = unit_at[group_first].tolist()
    unit_of = unit_at.tolist()

    # Fingerprints shared with recent earlier units, then the cheap-key prefilter.
    source_unit = np.full(len(distinct), 0xFFFFFFFF, dtype=np.uint32)
    for offset, (raw_index, fuzzy) in enumerate(zip(units.source, units.fuzzy, strict=True)):
        if fuzzy:
            source_unit[raw_index] = units.base + offset
    codes = sk.postings(source_unit)
    cheap_text = sk.cheap_texts()
    del sk, source_unit  # the fingerprints are the bulk of it: only postings go on
    found, _ = window_pairs(
        index.postings,
        codes,
        BUCKET_WINDOW,
        keep=lambda pairs, shared: _worth_verifying(index, units, pairs, shared),
    )
    if group_pairs:
        found = np.union1d(found, np.array(group_pairs, dtype=np.uint64))
    return _Candidates(
        units=units,
        raw_ids=raw_ids,
        unit_of=unit_of,
        candidates=_prefiltered(found, units, cheap_text, index.threshold) if len(found) else {},
        codes=codes,
        new_keys=new_keys,
        new_owners=new_owners,
        extra=extra,
    )


def candidate_pairs(
    paragraphs: Sequence[str], *, threshold: float = DEFAULT_THRESHOLD
) -> list[tuple[str, str]]:
    """The (later, earlier) paragraph texts whose pairs folding verifies: fingerprint candidates
    past the cheap prefilter, one text per unit. For measuring recall against exhaustive search."""
    found = _candidates(FoldIndex(threshold), paragraphs)
    text = found.units.text
    return [(text(a), text(b)) for a, earlier in found.candidates.items() for b in earlier]


def fold_batch(
    index: FoldIndex, articles: Sequence[Article], *, keep_index: bool = True
) -> tuple[FoldPlan, FoldIndex]:
    """Fold ``articles`` (coming after everything in ``index``) onto themselves and the index.
    Returns their plan and, when ``keep_index``, the index grown by them (else ``index``).

    The cyclic garbage collector is paused meanwhile: the batch makes millions of small
    objects and none of them cycles, so its passes would only cost time (a fifth at 1M)."""
    paused = gc.isenabled()
    gc.disable()
    try:
        return _fold_batch(index, articles, keep_index=keep_index)
    finally:
        if paused:
            gc.enable()


def _fold_batch(
    index: FoldIndex, articles: Sequence[Article], *, keep_index: bool
) -> tuple[FoldPlan, FoldIndex]:
    threshold = index.threshold
    found = _candidates(index, [p for article in articles for p in article.paragraphs])
    units, raw_ids, unit_of = found.units, found.raw_ids, found.unit_of
    tools = verification_tools()

    def score(later: int, earlier: int) -> float | None:
        a, b = units.match(later), units.match(earlier)
        if a.key == b.key:
            return 100.0 if a.key else None
        return verified_score(a, b, threshold, a_first=False, tools=tools)

    # Old units this batch refers to: their first places and resolutions.
    referred = {u for u in unit_of if 0 <= u < units.base}
    referred.update(v for options in found.candidates.values() for v in options if v < units.base)
    old_ids = np.array(sorted(referred), dtype=np.int64)
    old = {
        u: (seen, kept, place, score)
        for u, seen, kept, place, score in zip(
            old_ids.tolist(),
            index.first_seen.take(old_ids).tolist(),
            index.first_kept.take(old_ids).tolist(),
            index.fold_place.take(old_ids).tolist(),
            index.fold_score.take(old_ids).tolist(),
            strict=True,
        )
    }
    count = len(units.texts)
    seen_new = [-1] * count
    kept_new = [-1] * count
    place_new = [-1] * count
    score_new = [0.0] * count

    def first_places(unit: int) -> tuple[int, int]:
        if unit >= units.base:
            return seen_new[unit - units.base], kept_new[unit - units.base]
        seen, kept, _, _ = old[unit]
        return seen, kept

    def resolve(unit: int) -> tuple[int, float] | None:
        """Where a unit's first appearance folds: the earliest kept neighbour, else the earliest
        neighbour. Candidates are verified in that order, so most pairs never need verifying."""
        places = [(*first_places(v), v) for v in found.candidates.get(unit, ())]
        kept = sorted((k, v) for _, k, v in places if k >= 0)
        others = sorted((s, v) for s, k, v in places if k < 0)
        for ordered in (kept, others):
            for where, other in ordered:
                found_score = score(unit, other)
                if found_score is not None:
                    return where, found_score
        return None

    folds: list[tuple[int, int, int, float]] = []  # article, paragraph, target place, score
    place = index.places
    position = 0
    for article_number, article in enumerate(articles):
        for paragraph in range(len(article.paragraphs)):
            unit = unit_of[raw_ids[position]]
            position += 1
            place += 1
            if unit < 0:
                continue
            here = place - 1
            if unit >= units.base:
                j = unit - units.base
                if seen_new[j] < 0:
                    seen_new[j] = here
                    resolved = resolve(unit)
                    if resolved is None:
                        kept_new[j] = here
                        continue
                    target = place_new[j], score_new[j] = resolved
                elif kept_new[j] >= 0:
                    target = (kept_new[j], 100.0)
                else:
                    target = (place_new[j], score_new[j])
            else:
                _, kept_old, place_old, score_old = old[unit]
                target = (kept_old, 100.0) if kept_old >= 0 else (place_old, score_old)
            folds.append((article_number, paragraph, target[0], target[1]))

    plan = _plan(index, articles, folds)
    if not keep_index:
        return plan, index
    starts = index.places + np.cumsum([0] + [len(a.paragraphs) for a in articles[:-1]])
    extra_units = tuple(sorted((u, tuple(o)) for u, o in found.extra.items()))
    grown = replace(
        index,
        article_ids=_merged_ids(index.article_ids, tuple(a.id for a in articles)),
        article_starts=index.article_starts.appended(np.asarray(starts, dtype=np.int64))
        if articles
        else index.article_starts,
        places=place,
        first_seen=index.first_seen.appended(np.array(seen_new, dtype=np.int64)),
        first_kept=index.first_kept.appended(np.array(kept_new, dtype=np.int64)),
        fold_place=index.fold_place.appended(np.array(place_new, dtype=np.int64)),
        fold_score=index.fold_score.appended(np.array(score_new, dtype=np.float64)),
        cheap_length=index.cheap_length.appended(np.array(units.lengths, dtype=np.int64)),
        texts=index.texts.appended(units.texts),
        exact=index.exact.with_new(
            np.array(found.new_keys, dtype=np.uint64), np.array(found.new_owners, dtype=np.uint32)
        ),
        postings=index.postings.with_new(found.codes),
        extra_units=extra_units,
    )
    return plan, grown


def _plan(
    index: FoldIndex, articles: Sequence[Article], folds: list[tuple[int, int, int, float]]
) -> FoldPlan:
    starts = list(accumulate((len(a.paragraphs) for a in articles), initial=index.places))
    by_article: dict[str, list[Fold]] = {}
    for number, paragraph, target, score in folds:
        if target >= index.places:
            owner = bisect_right(starts, target) - 1
            ref = ParagraphRef(articles[owner].id, target - starts[owner])
        else:
            owner = index.article_starts.last_at_most(target)
            first = int(index.article_starts.take(np.array([owner]))[0])
            ref = ParagraphRef(_article_id(index.article_ids, owner), target - first)
        by_article.setdefault(articles[number].id, []).append(
            Fold(paragraph=paragraph, same_as=ref, score=score)
        )
    return FoldPlan(
        threshold=index.threshold,
        by_article={aid: tuple(folds) for aid, folds in by_article.items()},
    )


def fold_new(
    index: FoldIndex, new_articles: Sequence[Article], *, threshold: float | None = None
) -> tuple[FoldPlan, FoldIndex]:
    """Fold ``new_articles`` onto the library ``index`` describes and onto each other.

    Returns the plan for the new articles only and the index grown by them; earlier folds never
    change. ``threshold`` must be the index's own (it shaped the folds already made)."""

    if threshold is not None and threshold != index.threshold:
        raise ValueError(f"the index was built at threshold {index.threshold}, not {threshold}")
    check_threshold(index.threshold)
    return fold_batch(index, new_articles)
