"""Word-level differences between a folded paragraph and its twin, so no change hides in a fold."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import accumulate, compress

from reader.normalize import strip_dateline
from reader.sanitize import safe_text

# One character for one character, so offsets found on the mapped text index the original.
_TYPOGRAPHIC: dict[str, str] = {
    **dict.fromkeys("\u2018\u2019\u201a\u201b\u2032`\u00b4", "'"),
    **dict.fromkeys("\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb", '"'),
    **dict.fromkeys("\u2010\u2011\u2012\u2013\u2212", "-"),
    # A long dash stands between words ("Kerry\u2014who" is "Kerry - who").
    **dict.fromkeys("\u2014\u2015", " "),
    **dict.fromkeys("\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007", " "),
    **dict.fromkeys("\u2008\u2009\u200a\u202f\u205f\u3000\u2022\u00b7", " "),
    "\u2026": ".",
    # Invisible break hints inside a word ("inter\u00adnational") join its halves.
    **dict.fromkeys("\u00ad\u200b\u200c\u200d\u2060\ufeff", "'"),
}
_TYPOGRAPHIC_CHARS = frozenset(_TYPOGRAPHIC)
# A word is a run of letters, digits and currency or percent signs; an inner hyphen, apostrophe,
# dot or comma joins two runs ("bi-national", "Jordan's", "U.S", "5.25", "22,000"). Every other
# character separates words, which is how punctuation and spacing stop counting.
_JOINERS = "-'.,"
_LEADING_JOINERS = "'.,"
"""A leading minus stays: "-5" is not 5."""
_SYMBOLS = "%$\u00a3\u20ac\u00a5"
_ASCII_SEPARATORS = bytes(
    (code | 0x20 if chr(code).isupper() else code)
    if chr(code).isalnum() or chr(code) in _JOINERS + _SYMBOLS
    else 0x20
    for code in range(128)
) + bytes(range(128, 256))
_WORD_PUNCTUATION = frozenset(_JOINERS + _SYMBOLS)
_SENTENCE_END = re.compile(r"""["')\]]*[.!?]""")
_SENTENCE_BREAK = re.compile(r"""[.!?]["')\]]*\s+(?=["'(\[]*[A-Z0-9])""")
_QUOTE_CHARS = 32
"""Longer changed text is cut in a summary, so the fold label stays one line."""
_SUMMARY_CHARS = 64
"""Changes beyond the first that would take a summary past this are counted, not named."""
_QUOTED_WORDS = 3
"""An added or dropped stretch up to this many words is quoted; a longer one is counted."""


@dataclass(frozen=True, slots=True)
class DiffSpan:
    """A character range ``[start, end)`` of one text."""

    start: int
    end: int


@dataclass(frozen=True, slots=True)
class TwinDiff:
    """Where a folded paragraph (ours) and its twin (theirs) say different things."""

    ours: tuple[DiffSpan, ...] = ()
    """Ranges of the folded paragraph whose words the twin does not have (changed or added)."""
    theirs: tuple[DiffSpan, ...] = ()
    """Ranges of the twin whose words the folded paragraph does not have."""

    def identical(self) -> bool:
        """The two read the same, word for word (see ``twin_diff`` for what is not a word)."""
        return not self.ours and not self.theirs


_NO_DIFFERENCE = TwinDiff()


@dataclass(frozen=True, slots=True)
class _Words:
    original: str
    text: str
    """The text with typographic variants mapped (same length as the original)."""
    begin: int
    """Where comparison starts: after a dateline the other text does not have."""
    framed: str
    """``text[begin:]`` with separators as spaces, framed by a space at each end."""
    keys: list[str]


def _prepare(text: str) -> tuple[str, int]:
    """The mapped text and the end of its leading dateline or byline (0 when none)."""
    mapped = text
    if not text.isascii():
        # A replace per character present beats str.translate's lookup per character.
        for char in _TYPOGRAPHIC_CHARS.intersection(text):
            mapped = mapped.replace(char, _TYPOGRAPHIC[char])
    return mapped, len(mapped) - len(strip_dateline(mapped))


def _separated(text: str) -> str:
    """``text`` (same length) with every separator a space; lower-case when that is cheap."""
    if text.isascii():
        # A byte table is many times faster than a regular expression here.
        return text.encode("ascii").translate(_ASCII_SEPARATORS).decode("ascii")
    for char in set(text):
        if char != " " and not (char.isalnum() or char in _WORD_PUNCTUATION):
            text = text.replace(char, " ")
    return text


def _without_edge_joiners(text: str) -> str:
    """Joiners that join nothing (at a word's edge) as spaces: ``text`` framed by one space on
    each side, otherwise the same length. A leading minus stays ("-5" is not 5)."""
    framed = f" {text} "
    # str.replace runs in C; a stack of joiners ("...") takes a pass per joiner.
    previous = ""
    while previous != framed:
        previous = framed
        for joiner in _JOINERS:
            framed = framed.replace(joiner + " ", "  ")
        for joiner in _LEADING_JOINERS:
            framed = framed.replace(" " + joiner, "  ")
    return framed


def _canonical(key: str) -> str:
    if any(char.isdigit() for char in key):
        return key  # "5.25" is not 525 and "2-1" is not 21
    # "U.S" is "US", "bi-national" is "binational".
    return key.replace(".", "").replace("-", "")


def _keys(framed: str) -> list[str]:
    words = framed
    if not words.isascii():
        words = words.lower()
    # Inner apostrophes and commas never matter: "Jordan's" is "Jordans", "22,000" is 22000.
    keys = words.replace("'", "").replace(",", "").split()
    return [key if key.isalnum() else _canonical(key) for key in keys]


def _words(ours: str, theirs: str) -> tuple[_Words, _Words]:
    mapped_ours, dateline_ours = _prepare(ours)
    mapped_theirs, dateline_theirs = _prepare(theirs)
    # A dateline on one side only is the outlet's packaging, not news; two that differ
    # (another city, another agency) are compared like any other words.
    begin_ours = dateline_ours if not dateline_theirs else 0
    begin_theirs = dateline_theirs if not dateline_ours else 0
    framed_ours = _without_edge_joiners(_separated(mapped_ours[begin_ours:]))
    framed_theirs = _without_edge_joiners(_separated(mapped_theirs[begin_theirs:]))
    return (
        _Words(ours, mapped_ours, begin_ours, framed_ours, _keys(framed_ours)),
        _Words(theirs, mapped_theirs, begin_theirs, framed_theirs, _keys(framed_theirs)),
    )


class _Offsets:
    """Where each key's word is, found on demand: a diff needs only the ends of changed runs."""

    __slots__ = ("_ends", "_lengths", "_parts", "_shift")

    def __init__(self, words: _Words) -> None:
        # Counting lengths in C and indexing later beats a regular expression over every word.
        self._lengths = list(map(len, words.framed.split(" ")))
        self._ends = list(accumulate(self._lengths))
        self._parts = list(compress(range(len(self._lengths)), self._lengths))
        self._shift = words.begin - 1  # the frame's leading space

    def __len__(self) -> int:
        return len(self._parts)

    def span(self, index: int) -> tuple[int, int]:
        """``[start, end)`` of the word of key ``index`` in the original text."""
        part = self._parts[index]
        end = self._ends[part] + part + self._shift  # one separator before each part
        return end - self._lengths[part], end

    def starts(self) -> list[int]:
        return [self.span(index)[0] for index in range(len(self))]


def _closed(text: str, start: int, end: int) -> int:
    """``end`` moved past a bracket the span opened, so "(AFP" reads "(AFP)"."""
    while (
        end < len(text)
        and text[end] == ")"
        and text.count("(", start, end) > text.count(")", start, end)
    ):
        end += 1
    return end


def _spans(text: str, offsets: _Offsets, changed: list[tuple[int, int]]) -> list[DiffSpan]:
    """Character spans of word ranges, neighbouring ranges merged (with the space between)."""
    ranges: list[tuple[int, int]] = []
    for first, end in changed:
        if first == end:
            continue
        if ranges and first == ranges[-1][1]:
            first = ranges.pop()[0]
        ranges.append((first, end))
    spans: list[DiffSpan] = []
    for first, end in ranges:
        start = offsets.span(first)[0]
        spans.append(DiffSpan(start, _closed(text, start, offsets.span(end - 1)[1])))
    return spans


def twin_diff(ours: str, theirs: str) -> TwinDiff:
    """The words of ``ours`` (a folded paragraph) and ``theirs`` (its twin) that the other lacks.

    Words are compared after mapping typographic quotes, dashes and spaces to plain ones and
    ignoring case, punctuation and spacing, abbreviation dots ("U.S." is "US"), apostrophes,
    hyphens inside words ("bi-national" is "binational") and thousands commas ("22,000"):
    none of that changes what a reader learns. Everything else shows: a changed figure (also
    "3.50" against "3.5", "-5" against "5", "5%" against "5 percent"), name or word, an added or
    dropped word or sentence. A wire dateline or byline ("LONDON (Reuters) - ") that only one
    side has is packaging and ignored; two different datelines show.

    Alignment is the longest common word subsequence (rapidfuzz ``Indel``), computed in one
    fixed direction so ``twin_diff(a, b).ours == twin_diff(b, a).theirs``. Spans index the
    original strings; neighbouring changed words form one span, the space between included.
    """
    if ours == theirs:
        return _NO_DIFFERENCE
    words_ours, words_theirs = _words(ours, theirs)
    if words_ours.keys == words_theirs.keys:
        return _NO_DIFFERENCE
    from rapidfuzz.distance import Indel

    # Equal-length alignments may differ with the argument order; fix the order by content.
    swapped = words_theirs.keys < words_ours.keys
    if swapped:
        opcodes = Indel.opcodes(words_theirs.keys, words_ours.keys)
    else:
        opcodes = Indel.opcodes(words_ours.keys, words_theirs.keys)
    source = [(op.src_start, op.src_end) for op in opcodes if op.tag != "equal"]
    dest = [(op.dest_start, op.dest_end) for op in opcodes if op.tag != "equal"]
    changed_ours, changed_theirs = (dest, source) if swapped else (source, dest)
    return TwinDiff(
        ours=tuple(_spans(ours, _Offsets(words_ours), changed_ours)),
        theirs=tuple(_spans(theirs, _Offsets(words_theirs), changed_theirs)),
    )


def _anchors(starts: Sequence[int], spans: Sequence[DiffSpan]) -> list[int]:
    """Per span: the words before it that both texts share. A change in one text and the same
    change seen from the other have the same count, which pairs "was" with "became"."""
    anchors: list[int] = []
    inside = 0
    for span in spans:
        before = bisect_left(starts, span.start)
        anchors.append(before - inside)
        inside += bisect_left(starts, span.end) - before
    return anchors


def _clip(text: str) -> str:
    text = " ".join(safe_text(text).split())
    if len(text) > _QUOTE_CHARS:
        text = text[: _QUOTE_CHARS - 1].rstrip() + "\u2026"
    return f'"{text}"'


def _whole_sentences(text: str, span: DiffSpan, begin: int) -> int:
    """How many sentences ``span`` is, when it starts and ends where sentences do (else 0)."""
    before = text[begin : span.start].rstrip().rstrip("\"'([").rstrip()
    if before and before[-1] not in ".!?:":
        return 0
    if span.end < len(text) and not _SENTENCE_END.match(text, span.end):
        return 0
    return len(_SENTENCE_BREAK.findall(text, span.start, span.end)) + 1


def _one_side(sign: str, words: _Words, starts: Sequence[int], span: DiffSpan) -> str:
    sentences = _whole_sentences(words.text, span, words.begin)
    if sentences:
        return f"{sign}{sentences} sentence{'s' if sentences > 1 else ''}"
    count = bisect_left(starts, span.end) - bisect_left(starts, span.start)
    if count <= _QUOTED_WORDS:
        return f"{sign}{_clip(words.original[span.start : span.end])}"
    return f"{sign}{count} words"


def describe_changes(ours: str, theirs: str, diff: TwinDiff, *, limit: int = 3) -> str:
    """A one-line summary of ``diff`` for a fold label: what the twin says, then what the folded
    paragraph says instead, e.g. '"Tuesday" → "Wednesday", +1 sentence'. ``+`` marks what only
    the folded paragraph has, ``-`` what only the twin has. At most ``limit`` changes are
    named, then "N more". Empty when the two read the same. Text is made safe to print."""
    if diff.identical():
        return ""
    words_ours, words_theirs = _words(ours, theirs)
    starts_ours, starts_theirs = _Offsets(words_ours).starts(), _Offsets(words_theirs).starts()
    changes: dict[int, list[DiffSpan | None]] = {}
    for anchor, span in zip(_anchors(starts_ours, diff.ours), diff.ours, strict=True):
        changes.setdefault(anchor, [None, None])[0] = span
    for anchor, span in zip(_anchors(starts_theirs, diff.theirs), diff.theirs, strict=True):
        changes.setdefault(anchor, [None, None])[1] = span
    parts: list[str] = []
    for anchor in sorted(changes)[: max(0, limit)]:
        mine, twin = changes[anchor]
        if mine is not None and twin is not None:
            was = _clip(theirs[twin.start : twin.end])
            part = f"{was} \u2192 {_clip(ours[mine.start : mine.end])}"
        elif mine is not None:
            part = _one_side("+", words_ours, starts_ours, mine)
        elif twin is not None:
            part = _one_side("-", words_theirs, starts_theirs, twin)
        else:
            continue
        if parts and sum(map(len, parts)) + 2 * len(parts) + len(part) > _SUMMARY_CHARS:
            break
        parts.append(part)
    hidden = len(changes) - len(parts)
    if hidden:
        parts.append(f"{hidden} more")
    return ", ".join(parts)
