"""A batch's paragraphs grouped into units, and the unit pairs worth verifying as folds."""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np
import numpy.typing as npt

from reader.fold import DEFAULT_THRESHOLD, MIN_FUZZY_CHARS
from reader.fold_candidates import cheap_keys, sketch
from reader.fold_index import FoldIndex
from reader.fold_postings import BUCKET_WINDOW, window_pairs
from reader.fold_resolve import PARALLEL_MIN_UNITS
from reader.normalize import MatchText, MatchTexts
from reader.two_processes import can_fork, in_two_processes

I64 = npt.NDArray[np.int64]
U64 = npt.NDArray[np.uint64]

SHORT_CHEAP_CHARS = 64
"""Paragraphs with cheap keys shorter than this are matched exactly on their full match_text
key too (fingerprints are too few on them to be sure of finding an equal key)."""
PREFILTER_MARGIN = 12.0
"""Candidates whose cheap keys score this far below the threshold skip full verification."""
BLANK = -1
_PAIRS_AT_ONCE = 1 << 21
"""Candidate pairs screened at a time (bounds temporary arrays)."""
_MATCH_CACHE = 40_000
"""Normalised units kept at once while verifying (each is about 1.5 KB of tuples and text;
candidates are mostly recent, so a small cache hits about as often as a big one)."""
_MATCH_KEY_BIT = np.uint64(1 << 63)


def _key_summary(text: MatchText) -> tuple[int, int]:
    """A normalised key's hash (0 for a blank key) and length: all exact grouping needs."""
    return (_match_key_hash(text.key) if text.key else 0), len(text.key)


def _key_summaries(
    normalise: MatchTexts, texts: Sequence[str], *, parallel: bool
) -> list[tuple[int, int]]:
    """``_key_summary`` of each text, half of them in a second process when that pays."""

    def summaries(part: Sequence[str]) -> list[tuple[int, int]]:
        return [_key_summary(normalise(text)) for text in part]

    if not parallel or len(texts) < PARALLEL_MIN_UNITS or not can_fork():
        return summaries(texts)
    half = len(texts) // 2
    mine, theirs = in_two_processes(summaries, texts[:half], texts[half:])
    return mine + theirs


def _match_key_hash(key: str) -> int:
    digest = hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(digest, "little") | (1 << 63)


@dataclass
class Units:
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
    pairs: U64, units: Units, cheap_text: Callable[[int], str], threshold: float
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
class Candidates:
    """A batch's paragraphs sorted into units, and the unit pairs worth verifying."""

    units: Units
    raw_ids: list[int]
    """Per paragraph (corpus order): its distinct-text number."""
    unit_of: list[int]
    """Per distinct text: its unit, or BLANK."""
    candidates: dict[int, list[int]]
    """Per later unit, earlier units past the cheap prefilter."""
    codes: U64
    """The new units' fingerprint postings."""
    new_keys: list[int]
    """Exact keys first seen in this batch, in unit order."""
    new_owners: list[int]
    extra: dict[int, list[int]]


def _worth_verifying(
    index: FoldIndex, units: Units, pairs: U64, shared: I64
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


def find_candidates(index: FoldIndex, raws: Sequence[str], *, parallel: bool = True) -> Candidates:
    first_of: dict[str, int] = {}
    raw_ids = [first_of.setdefault(p, len(first_of)) for p in raws]
    distinct = list(first_of)
    del first_of
    sk = sketch(distinct)
    units = Units(index, base=index.units)

    # Exact identity: the match_text key for short paragraphs, the cheap key for the rest.
    keys = sk.whole & ~_MATCH_KEY_BIT
    blank = np.zeros(len(distinct), dtype=bool)
    # Per paragraph normalised here: its normalised key's hash (0 when blank) and length.
    matched: dict[int, tuple[int, int]] = {}
    to_match = np.flatnonzero((sk.lengths < SHORT_CHEAP_CHARS) | ~sk.plain).tolist()
    for i, (key_hash, key_length) in zip(
        to_match,
        _key_summaries(units.normalise, [distinct[i] for i in to_match], parallel=parallel),
        strict=True,
    ):
        matched[i] = key_hash, key_length
        blank[i] = not key_length
        if key_length and sk.lengths[i] < SHORT_CHEAP_CHARS:
            keys[i] = key_hash
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

    def ref_key(ref: int) -> int:
        if ref >= 0:
            return _key_summary(units.match(ref))[0]
        if -1 - ref not in matched:
            matched[-1 - ref] = _key_summary(units.normalise(distinct[-1 - ref]))
        return matched[-1 - ref][0]

    # A repeat of a key first seen in this batch is never the same text as its first (texts are
    # distinct), so both get normalised: all at once, on two processes when there are many.
    fresh_repeats = np.flatnonzero(repeats & ~by_match_key & (old_owner < 0))
    wanted = np.union1d(fresh_repeats, first[fresh_repeats]).tolist()
    wanted = [j for j in wanted if j not in matched]
    matched.update(
        zip(
            wanted,
            _key_summaries(units.normalise, [distinct[j] for j in wanted], parallel=parallel),
            strict=True,
        )
    )

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
                matched[i] = _key_summary(units.normalise(raw))
            ref = next((m for m in members if ref_key(m) == matched[i][0]), None)
        if ref is None:
            late_creators.append(i)
            extra.setdefault(owner, []).append(-1 - i)
            group_refs.append((i, members))
        else:
            joined[i] = ref

    creators = np.union1d(np.flatnonzero(creates), np.array(late_creators, dtype=np.int64))
    unit_at = np.full(len(distinct), BLANK, dtype=np.int64)
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
    units.fuzzy = [i not in matched or matched[i][1] >= MIN_FUZZY_CHARS for i in creator_list]
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
    return Candidates(
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
    found = find_candidates(FoldIndex(threshold), paragraphs)
    text = found.units.text
    return [(text(a), text(b)) for a, earlier in found.candidates.items() for b in earlier]
