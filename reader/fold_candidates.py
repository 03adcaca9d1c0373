"""Cheap keys and winnowed character fingerprints of paragraphs, from which fold candidates come."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from reader.fold_postings import sorted_unique
from reader.normalize import strip_dateline

U64 = npt.NDArray[np.uint64]
U32 = npt.NDArray[np.uint32]
I64 = npt.NDArray[np.int64]
U8 = npt.NDArray[np.uint8]

GRAM_BYTES = 16
"""Fingerprints hash this many bytes of the cheap key (a few words)."""
WINNOW_WINDOW = 16
"""One fingerprint per this many consecutive grams at least: any shared run of
``GRAM_BYTES + WINNOW_WINDOW - 1`` bytes guarantees a shared fingerprint."""

_SEPARATOR = "\x00"
_DELETE = 255  # never a byte of valid UTF-8
_SPACE = 32
_LOW32 = np.uint64(0xFFFFFFFF)
_BASE = 0x100000001B3  # odd, so it has an inverse modulo 2**64
_BASE_INVERSE = pow(_BASE, -1, 1 << 64)

# Characters match_text deletes rather than reads as a word break: apostrophes ("Jordan’s" is
# "Jordans") and invisible ones.
_DELETED_CHARS = frozenset(
    ord(c) for c in "\u2018\u2019\u201a\u201b\u2032\u00b4\u200b\u200c\u200d\u2060\ufeff\u00ad"
)
_DATELINE_HINT = re.compile(r"\s*(?:[A-Z][A-Z.']{2}|\(|By\s)")


def _byte_table() -> U8:
    table = np.full(256, _SPACE, dtype=np.uint8)
    for c in b"abcdefghijklmnopqrstuvwxyz0123456789_":
        table[c] = c
    for c in b"ABCDEFGHIJKLMNOPQRSTUVWXYZ":
        table[c] = c + 32
    # "organise" and "organize", "analyse" and "analyze": one spelling (match_text has the US one).
    table[ord("z")] = table[ord("Z")] = ord("s")
    table[128:] = np.arange(128, 256, dtype=np.uint8)  # letters of other scripts stay
    table[ord("'")] = _DELETE  # "Jordan's" == "Jordans", as match_text has it
    table[ord(".")] = _DELETE  # "U.S." == "US"
    table[0] = 0
    return table


_TABLE = _byte_table()


@dataclass(frozen=True, slots=True)
class CheapKeys:
    """Lower-case alphanumeric words of many paragraphs in one byte buffer: a rough, fast
    stand-in for ``match_text`` keys, used only to find candidates."""

    data: U8
    starts: I64
    ends: I64

    def __len__(self) -> int:
        return len(self.starts)

    def text(self, index: int) -> str:
        return bytes(self.data[self.starts[index] : self.ends[index]]).decode("utf-8", "replace")

    def lengths(self) -> I64:
        return self.ends - self.starts


def _punctuation(raw: U8, mapped: U8) -> None:
    """Map multi-byte punctuation (curly quotes, dashes, no-break and zero-width spaces) the way
    match_text reads it: apostrophes and invisible characters vanish, the rest break words."""
    lead = np.flatnonzero((raw == 0xC2) | (raw == 0xE2) | (raw == 0xEF))
    lead = lead[lead + 2 < len(raw)]
    if not len(lead):
        return
    b0, b1, b2 = (raw[lead + k].astype(np.int64) for k in range(3))
    two = b0 == 0xC2
    code = np.where(
        two,
        ((b0 & 0x1F) << 6) | (b1 & 0x3F),
        ((b0 & 0x0F) << 12) | ((b1 & 0x3F) << 6) | (b2 & 0x3F),
    )
    width = np.where(two, 2, 3)
    breaks = (two & (code >= 0xA0)) | ((code >= 0x2000) & (code <= 0x206F)) | (code == 0x2212)
    deleted = np.isin(code, np.fromiter(_DELETED_CHARS, dtype=np.int64))
    for action, chosen in ((_SPACE, breaks & ~deleted), (_DELETE, deleted)):
        at = lead[chosen]
        for k in range(3):
            part = at[k < width[chosen]] + k
            mapped[part] = action


def _is_letter(codes: U8) -> npt.NDArray[np.bool_]:
    return ((codes >= 97) & (codes <= 122)) | (codes >= 128)


def _followed(data: U8, at: npt.NDArray[np.intp], text: bytes) -> npt.NDArray[np.bool_]:
    ok = at + len(text) <= len(data)
    for k, c in enumerate(text):
        ok[ok] &= data[at[ok] + k] == c
    return ok


def _us_spelling(data: U8) -> U8:
    """UK and US spellings brought together, roughly, on lower-case bytes: "colour" "color",
    "travelled" "traveled", "defence" "defense", "practice" "practise", "centre" "center".
    Other words change too, alike in every paragraph, which is all a cheap key needs."""
    data = data.copy()
    o = np.flatnonzero(data == ord("o"))
    drop = o[_followed(data, o, b"our")] + 1
    ell = np.flatnonzero(data[1:] == ord("l")) + 1
    drop = np.concatenate((drop, ell[data[ell - 1] == ord("l")]))
    c = np.flatnonzero(data[1:] == ord("c")) + 1
    c = c[_followed(data, c, b"ce") & ((data[c - 1] == ord("n")) | (data[c - 1] == ord("i")))]
    data[c] = ord("s")
    r = np.flatnonzero(data[1:] == ord("r")) + 1
    r = r[_followed(data, r, b"re") & _is_letter(data[r - 1])]
    r = r[~np.isin(data[r - 1], np.frombuffer(b"aeiouy", dtype=np.uint8))]
    after = r + 2
    inside = after < len(data)
    word_end = ~inside
    word_end[inside] = ~_is_letter(data[after[inside]])
    plural = inside.copy()
    plural[inside] = data[after[inside]] == ord("s")
    plural[plural] = (after[plural] + 1 >= len(data)) | ~_is_letter(
        data[np.minimum(after[plural] + 1, len(data) - 1)]
    )
    r = r[word_end | plural]
    data[r], data[r + 1] = ord("e"), ord("r")
    keep = np.ones(len(data), dtype=bool)
    keep[drop] = False
    return np.frombuffer(data[keep].tobytes().replace(b"programme", b"program"), dtype=np.uint8)


def cheap_keys(paragraphs: Sequence[str]) -> CheapKeys:
    """Datelines dropped, ASCII folded to lower case, punctuation to single spaces."""
    if not paragraphs:
        empty = np.zeros(0, dtype=np.int64)
        return CheapKeys(data=np.zeros(0, dtype=np.uint8), starts=empty, ends=empty)
    parts = [strip_dateline(p) if _DATELINE_HINT.match(p) else p for p in paragraphs]
    joined = _SEPARATOR.join(parts)
    if joined.count(_SEPARATOR) != max(0, len(parts) - 1):
        joined = _SEPARATOR.join(p.replace(_SEPARATOR, " ") for p in parts)
    raw = np.frombuffer(joined.encode("utf-8", "surrogatepass"), dtype=np.uint8)
    mapped = _TABLE[raw]
    _punctuation(raw, mapped)
    mapped = _us_spelling(mapped[mapped != _DELETE])
    space = mapped == _SPACE
    # Drop a space that follows a space, a separator or the start; then one before a
    # separator or the end.
    after = np.ones(len(mapped), dtype=bool)
    after[1:] = space[:-1] | (mapped[:-1] == 0)
    data = mapped[~(space & after)]
    before = np.ones(len(data), dtype=bool)
    before[:-1] = data[1:] == 0
    data = data[~((data == _SPACE) & before)]
    separators = np.flatnonzero(data == 0)
    starts = np.concatenate(([0], separators + 1)).astype(np.int64)
    ends = np.concatenate((separators, [len(data)])).astype(np.int64)
    return CheapKeys(data=data, starts=starts, ends=ends)


_GRAM_WORDS = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F))
_MIX = np.uint64(0xBF58476D1CE4E5B9)
_EMPTY32 = np.uint32(0xFFFFFFFF)


def _mix(x: U64) -> U64:
    """splitmix64's finaliser: every input bit reaches every output bit."""
    x = x ^ (x >> np.uint64(30))
    x = x * _MIX
    x = x ^ (x >> np.uint64(27))
    x = x * np.uint64(0x94D049BB133111EB)
    return x ^ (x >> np.uint64(31))


def _powers(base: int, count: int) -> U64:
    powers = np.full(count, base, dtype=np.uint64)
    powers[:1] = 1
    return np.cumprod(powers, dtype=np.uint64)  # wraps modulo 2**64 on purpose


@dataclass(frozen=True, slots=True)
class Sketch:
    """Per paragraph a hash and the length of its whole cheap key; per (paragraph, gram) a
    winnowed fingerprint."""

    whole: U64
    lengths: I64
    plain: npt.NDArray[np.bool_]
    """The cheap key holds an ASCII letter or digit (so the paragraph is certainly not blank)."""
    prints: tuple[tuple[U32, U32], ...]
    """Per part: the paragraph index of each fingerprint (ascending) and its value."""
    cheap: tuple[CheapKeys, ...]
    """The cheap keys themselves, ``chunk`` paragraphs per part."""
    chunk: int

    def cheap_text(self, index: int) -> str:
        return self.cheap[index // self.chunk].text(index % self.chunk)

    def cheap_texts(self) -> Callable[[int], str]:
        """``cheap_text`` holding on to the cheap keys only (not the fingerprints)."""
        parts, chunk = self.cheap, self.chunk
        return lambda index: parts[index // chunk].text(index % chunk)

    @property
    def owners(self) -> U32:
        return (
            np.concatenate([o for o, _ in self.prints]) if self.prints else np.zeros(0, np.uint32)
        )

    @property
    def values(self) -> U32:
        return (
            np.concatenate([v for _, v in self.prints]) if self.prints else np.zeros(0, np.uint32)
        )

    def postings(self, unit_of: U32) -> U64:
        """Sorted unique codes ``value << 32 | unit`` for paragraphs whose ``unit_of`` is not
        0xFFFFFFFF, built part by part so no array of every fingerprint is ever made."""
        posted = [unit_of[owners] != _EMPTY32 for owners, _ in self.prints]
        codes = np.empty(sum(int(p.sum()) for p in posted), dtype=np.uint64)
        at = 0
        for (owners, values), chosen in zip(self.prints, posted, strict=True):
            count = int(chosen.sum())
            part = codes[at : at + count]
            part[:] = values[chosen]
            part <<= np.uint64(32)
            part |= unit_of[owners[chosen]]
            at += count
        codes.sort()  # no duplicates: each chunk's (paragraph, fingerprint) pairs are distinct
        return codes


@dataclass(frozen=True, slots=True)
class _Powers:
    """``BASE**i`` and ``BASE**-i`` modulo 2**64 for i below ``len(forward)``."""

    forward: U64
    backward: U64

    @classmethod
    def upto(cls, count: int, known: _Powers | None = None) -> _Powers:
        if known is not None and len(known.forward) >= count:
            return known
        size = max(count, 2 * len(known.forward) if known else 0)
        return cls(_powers(_BASE, size), _powers(_BASE_INVERSE, size))


def _whole_hashes(data: U8, starts: I64, ends: I64, powers: _Powers) -> U64:
    """A 64-bit hash of each key: a polynomial in the bytes, made position-independent."""
    size = len(data)
    with np.errstate(over="ignore"):
        terms = np.zeros(size + 1, dtype=np.uint64)
        np.multiply(data + np.uint64(1), powers.forward[:size], out=terms[:size])
        bounds = np.stack((starts, ends), axis=1).ravel()
        sums = np.add.reduceat(terms, bounds)[::2]
        sums = np.where(ends > starts, sums, 0).astype(np.uint64)
        return _mix(sums * powers.backward[starts] + (ends - starts).astype(np.uint64))


def _gram_hashes(data: U8) -> U32:
    """32-bit hash of the GRAM_BYTES (two 8-byte words) starting at each position."""
    grams = len(data) - GRAM_BYTES + 1
    padded = np.zeros(len(data) + GRAM_BYTES, dtype=np.uint8)
    padded[: len(data)] = data
    # Overlapping little-endian words at every byte offset, copied to an aligned array.
    words = np.ndarray((grams + 8,), dtype="<u8", buffer=padded, strides=(1,)).astype(np.uint64)
    with np.errstate(over="ignore"):
        mixed = words[:grams] * _GRAM_WORDS[0]
        mixed += words[8 : 8 + grams] * _GRAM_WORDS[1]
        mixed ^= mixed >> np.uint64(29)
        mixed *= _MIX
    return (mixed >> np.uint64(32)).astype(np.uint32)


def _sketch_chunk(keys: CheapKeys, powers: _Powers) -> tuple[U64, I64, U32]:
    data, starts, ends = keys.data, keys.starts, keys.ends
    whole = _whole_hashes(data, starts, ends, powers)
    grams = len(data) - GRAM_BYTES + 1
    if grams <= 0:
        return whole, np.zeros(0, np.int64), np.zeros(0, np.uint32)
    hashes = _gram_hashes(data)
    separators = np.zeros(len(data) + 1, dtype=np.int32)
    np.cumsum(data == 0, out=separators[1:])
    paragraph = separators[:grams]
    valid = separators[GRAM_BYTES : GRAM_BYTES + grams] == paragraph
    hashes[~valid] = _EMPTY32
    # Padding lets windows hang over both ends of the buffer, so each paragraph's first and
    # last grams are fingerprints too (the opening matters for copies cut short).
    pad = WINNOW_WINDOW - 1
    padded = np.full(grams + 2 * pad, _EMPTY32, dtype=np.uint32)
    padded[pad : pad + grams] = hashes
    low = padded
    span = 1
    while span * 2 <= WINNOW_WINDOW:
        low = np.minimum(low[:-span], low[span:])
        span *= 2
    windows = len(padded) - WINNOW_WINDOW + 1
    minimum = np.minimum(low[:windows], low[WINNOW_WINDOW - span : WINNOW_WINDOW - span + windows])
    # Windows with one minimum in a row picked the same gram; the separator stretch between two
    # paragraphs (GRAM_BYTES - 1 >= WINNOW_WINDOW - 1 invalid grams) holds an all-empty window.
    keep = minimum != _EMPTY32
    keep[1:] &= minimum[1:] != minimum[:-1]
    picked = np.flatnonzero(keep)
    # A window belongs to the paragraph of its first gram, or of its last when it starts
    # before the paragraph does.
    first = picked - pad
    inside = (first >= 0) & (first < grams)
    first_ok = np.zeros(len(picked), dtype=bool)
    first_ok[inside] = valid[first[inside]]
    at = np.where(first_ok, first, picked)
    owners = paragraph[np.minimum(at, grams - 1)].astype(np.int64)
    values = minimum[picked]
    # A gram repeated within a paragraph is one fingerprint.
    pairs = sorted_unique((owners.astype(np.uint64) << np.uint64(32)) | values)
    return whole, (pairs >> np.uint64(32)).astype(np.int64), (pairs & _LOW32).astype(np.uint32)


def _has_plain_word(keys: CheapKeys) -> npt.NDArray[np.bool_]:
    data = keys.data
    alnum = np.zeros(len(data) + 1, dtype=np.int64)
    np.cumsum(((data >= 48) & (data <= 57)) | ((data >= 97) & (data <= 122)), out=alnum[1:])
    return alnum[keys.ends] > alnum[keys.starts]


def sketch(paragraphs: Sequence[str], *, chunk: int = 4096) -> Sketch:
    """Cheap-key hashes and fingerprints of every paragraph, computed ``chunk`` at a time."""
    wholes: list[U64] = []
    lengths: list[I64] = []
    plains: list[npt.NDArray[np.bool_]] = []
    prints: list[tuple[U32, U32]] = []
    powers: _Powers | None = None
    cheap: list[CheapKeys] = []
    for first in range(0, len(paragraphs), chunk):
        keys = cheap_keys(paragraphs[first : first + chunk])
        cheap.append(keys)
        powers = _Powers.upto(len(keys.data) + 1, powers)
        whole, owner, value = _sketch_chunk(keys, powers)
        wholes.append(whole)
        lengths.append(keys.lengths())
        plains.append(_has_plain_word(keys))
        prints.append(((owner + first).astype(np.uint32), value))
    return Sketch(
        whole=np.concatenate(wholes) if wholes else np.zeros(0, np.uint64),
        lengths=np.concatenate(lengths) if lengths else np.zeros(0, np.int64),
        plain=np.concatenate(plains) if plains else np.zeros(0, bool),
        prints=tuple(prints),
        cheap=tuple(cheap),
        chunk=chunk,
    )
