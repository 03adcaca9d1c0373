"""The matching key of a paragraph: words with quotes, spacing, datelines and spelling unified."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from itertools import accumulate, compress, count
from operator import itemgetter

# Typographic variants that syndication swaps freely; NFKC leaves these alone.
_CHAR_MAP = str.maketrans(
    {
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u201b": "'",
        "\u2032": "'",
        "`": "'",
        "\u00b4": "'",
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u201f": '"',
        "\u2033": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2015": "-",
        "\u2212": "-",
        "\u200b": "",
        "\u200c": "",
        "\u200d": "",
        "\u2060": "",
        "\ufeff": "",
        "\u00ad": "",
    }
)

# A trailing ellipsis (a final run of dots and spaces holding two dots or more) marks a copy cut
# short by the outlet that published it.

# "LONDON (Reuters) - ", "AMMAN, Jordan - ", "WASHINGTON, Dec 3 (AP) -", "(AFP) - ".
_CITY = r"[A-Z][A-Z.']{2,}(?:\s+[A-Z][A-Z.']+){0,3}"
_REGION = r"(?:,\s*[A-Z][a-z.]+(?:\s+[A-Z][a-z.]+){0,2})?"
_DATE = r"(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
_AGENCY = r"\(\s*[A-Z][A-Za-z.]*(?:\s+[A-Z][A-Za-z.]*){0,3}\s*\)"
_DASH = r"\s*(?:[-\u2010-\u2015\u2212]+|:)\s+"
_DATELINE = re.compile(rf"^\s*(?:{_CITY}{_REGION}{_DATE}\s*(?:{_AGENCY})?|{_AGENCY}){_DASH}")
# "By Sarah Morris, Reuters: " or "By PAUL SANDLE " (a byline glued to the first paragraph).
_BYLINE = re.compile(
    r"^\s*By\s+(?:[A-Z][\w'.-]*(?:\s+[A-Z][\w'.-]*){0,3}"
    r"(?:\s*,\s*[A-Z][\w.]*(?:\s+[A-Z][\w.]*){0,2})?"
    + _DASH
    + r"|[A-Z]{2,}(?:\s+[A-Z][A-Z'.-]+){1,3}\s+)"
)

_SPACE_BEFORE_MARKS = tuple(" " + mark for mark in ".,;:!?%)]")
_THOUSANDS = re.compile(r"(?<=\d),(?=\d{3}\b)")
_BILLION = re.compile(r"(?<=\d)\s*bn\b", re.IGNORECASE)
_MILLION = re.compile(r"(?<=\d)\s*m\b")
_PERCENT = re.compile(r"(?<=\d)\s*%|\bper\s+cent\b", re.IGNORECASE)
_NOT_CONTRACTION = re.compile(r"n't\b", re.IGNORECASE)
_DIGIT = re.compile(r"\d")
_NEAR_DIGIT = re.compile(r"\d(?:,\d|\s*(?:[bB][nN]|m)\b)")
"""Text _THOUSANDS, _BILLION or _MILLION could change (a superset, as a cheap guard)."""
_DECIMAL_ZEROS = re.compile(r"^\d+\.\d*0$")
_WORD = re.compile(r"\w+(?:['.]\w+)*")
_WORD_SPLIT = re.compile(r"(\w+(?:['.]\w+)*)")
_SENTENCE_END = frozenset(".!?:;\"'(-")
_BEFORE_SENTENCE = _SENTENCE_END | {"."}
"""A character that, just before a space, may end a sentence (a dot needs a closer look)."""
# A full stop after these does not end a sentence ("Mr. Smith" keeps Smith a name).
_ABBREVIATIONS = frozenset(
    (
        "mr mrs ms dr st jr sr prof gen gov sen rep lt col capt sgt rev mt ft no vs etc"
        " inc ltd co corp"
    ).split()
)
_WORD_BEFORE_DOT = re.compile(r"(\w+)\.$")

# UK spellings folded onto US ones (both sides get the same treatment, so the
# direction only matters for avoiding collisions between real words).
_UK_TO_US = {
    "aeroplane": "airplane",
    "ageing": "aging",
    "aluminium": "aluminum",
    "analyse": "analyze",
    "analysed": "analyzed",
    "analysing": "analyzing",
    "catalogue": "catalog",
    "cheque": "check",
    "cosy": "cozy",
    "defence": "defense",
    "enrol": "enroll",
    "fulfil": "fulfill",
    "grey": "gray",
    "jewellery": "jewelry",
    "judgement": "judgment",
    "licence": "license",
    "manoeuvre": "maneuver",
    "mould": "mold",
    "offence": "offense",
    "paralyse": "paralyze",
    "plough": "plow",
    "practise": "practice",
    "pretence": "pretense",
    "programme": "program",
    "programmes": "programs",
    "pyjamas": "pajamas",
    "sceptic": "skeptic",
    "sceptical": "skeptical",
    "storey": "story",
    "tyre": "tire",
    "tyres": "tires",
    "whilst": "while",
    "amongst": "among",
}
# Double-l inflections that US English writes with one l.
_DOUBLE_L_STEMS = (
    "cancel",
    "channel",
    "counsel",
    "dial",
    "duel",
    "equal",
    "fuel",
    "label",
    "level",
    "marshal",
    "model",
    "quarrel",
    "rival",
    "signal",
    "total",
    "travel",
    "tunnel",
)
for _stem in _DOUBLE_L_STEMS:
    for _ending in ("ed", "ing", "er", "ers"):
        _UK_TO_US[f"{_stem}l{_ending}"] = f"{_stem}{_ending}"
_OUR_WORDS = (
    "arbour behaviour candour clamour colour endeavour favour fervour flavour glamour harbour "
    "honour humour labour neighbour odour parlour rancour rigour rumour saviour splendour "
    "valour vapour vigour"
).split()
_OUR = re.compile(r"^(" + "|".join(w[:-3] for w in _OUR_WORDS) + r")our(s|ed|ing|ite|ites|able)?$")
for _uk in "centre theatre metre litre spectre lustre fibre calibre sombre meagre sabre".split():
    _us = _uk[:-2] + "er"
    _UK_TO_US[_uk] = _us
    _UK_TO_US[_uk + "s"] = _us + "s"
_ISE = re.compile(r"^(\w{3,})is(e|es|ed|ing|ation|ations|er|ers)$")


@dataclass(frozen=True, slots=True)
class MatchText:
    """A paragraph as the folder compares it."""

    key: str
    """Canonical lower-case words joined by single spaces; equal keys are exact duplicates."""
    words: tuple[str, ...]
    """``key`` split into words."""
    names: tuple[bool, ...]
    """Per word: capitalised in the source and not the first word of a sentence (likely a name)."""
    truncated: bool
    """The source ended in an ellipsis, so it may be a cut-short copy of a longer paragraph."""
    numbers: frozenset[str]
    """The words holding a digit: figures, dates, scores."""


_SPELLING_ENDINGS = (
    *("our", "ours", "oured", "ouring", "ourite", "ourites", "ourable"),
    *("ise", "ises", "ised", "ising", "isation", "isations", "iser", "isers"),
    "yse",
)
"""Every ending a rule below rewrites: a word with none of them is already spelt as in the US."""


def _us_spelling(word: str) -> str:
    mapped = _UK_TO_US.get(word)
    if mapped is not None:
        return mapped
    if not word.endswith(_SPELLING_ENDINGS):
        return word
    if word.endswith(("our", "ours", "oured", "ouring", "ourite", "ourites", "ourable")):
        match = _OUR.match(word)
        if match:
            return f"{match.group(1)}or{match.group(2) or ''}"
    if "is" in word:
        match = _ISE.match(word)
        if match:
            return f"{match.group(1)}iz{match.group(2)}"
    if word.endswith("yse"):
        return word[:-3] + "yze"
    return word


def _canonical_word(raw: str) -> str:
    word = raw.casefold()
    if word.isalpha():  # most words: no digit, dot or apostrophe to handle
        return _us_spelling(word)
    if _DIGIT.search(word) is None:
        # Abbreviation dots and apostrophes: "U.S." == "US", "Opec's" == "Opecs".
        word = word.replace(".", "").replace("'", "")
        return _us_spelling(word)
    word = word.replace("'", "")
    if _DECIMAL_ZEROS.match(word):
        word = word.rstrip("0").rstrip(".")  # "3.50" == "3.5", "3.0" == "3"
    return word


def _starts_sentence(text: str, index: int) -> bool:
    index -= 1
    while index >= 0 and text[index].isspace():
        index -= 1
    if index < 0:
        return True
    if text[index] != ".":
        return text[index] in _SENTENCE_END
    before = _WORD_BEFORE_DOT.search(text, max(0, index - 12), index + 1)
    if before is None:
        return True
    word = before.group(1)
    return not (len(word) == 1 or word.casefold() in _ABBREVIATIONS)


def strip_dateline(text: str) -> str:
    """``text`` without a leading wire dateline or byline ("LONDON (Reuters) - ")."""
    stripped = _BYLINE.sub("", text, count=1)
    return _DATELINE.sub("", stripped, count=1)


_WORD_MEMO_LIMIT = 200_000
"""A ``MatchTexts`` forgets its canonical words past this many (bounds its memory)."""


def _normalised(text: str, memo: dict[str, str], digit_words: set[str]) -> MatchText:
    clean = unicodedata.normalize("NFKC", text)
    if not clean.isascii() or "`" in clean:  # every other character _CHAR_MAP maps is non-ASCII
        clean = clean.translate(_CHAR_MAP)
    clean = " ".join(clean.split())
    # Spaces are single by now, so the ellipsis is what rstrip(". ") takes off, if it holds
    # two dots or more.
    tail = len(clean) - len(clean.rstrip(". "))
    truncated = tail >= 2 and clean.count(".", len(clean) - tail) >= 2
    if truncated:
        clean = clean[: len(clean) - tail]
    clean = strip_dateline(clean)
    # Spaces are single by now: "a ,b" -> "a,b" needs no pattern.
    for mark in _SPACE_BEFORE_MARKS:
        clean = clean.replace(mark, mark[1])
    if _NEAR_DIGIT.search(clean):  # these three act only right after a digit
        clean = _THOUSANDS.sub("", clean)
        clean = _BILLION.sub(" billion", clean)
        clean = _MILLION.sub(" million", clean)
    if "%" in clean or "cent" in clean.casefold():
        clean = _PERCENT.sub(" percent", clean)
    if "'" in clean:
        clean = _NOT_CONTRACTION.sub(" not", clean)

    # Words alternate with the text between them: parts = [gap, word, gap, word, ..., gap].
    parts = _WORD_SPLIT.split(clean)
    raws = parts[1::2]
    if len(memo) > _WORD_MEMO_LIMIT:
        memo.clear()
        digit_words.clear()
    for raw in set(raws).difference(memo):
        word = memo[raw] = _canonical_word(raw)
        if _DIGIT.search(word):
            digit_words.add(word)
    words = list(map(memo.__getitem__, raws))
    names = [False] * len(raws)
    # Word numbers of capitalised words, iterated in C (this runs for every paragraph).
    capitals = list(compress(count(), map(str.isupper, map(itemgetter(0), raws))))
    if capitals:
        ends = list(accumulate(map(len, parts)))  # ends[2k]: where word k starts
        for k in capitals:
            at = ends[2 * k]
            # Mostly a word follows a space after a letter or comma: mid-sentence, a name.
            if at >= 2 and clean[at - 1] == " " and clean[at - 2] not in _BEFORE_SENTENCE:
                names[k] = True
            else:
                names[k] = not _starts_sentence(clean, at)
    if "" in words:
        kept = [k for k, word in enumerate(words) if word]
        words = [words[k] for k in kept]
        names = [names[k] for k in kept]
    return MatchText(
        key=" ".join(words),
        words=tuple(words),
        names=tuple(names),
        truncated=truncated,
        numbers=frozenset(digit_words.intersection(words)),
    )


def match_text(text: str) -> MatchText:
    """Normalise one paragraph for comparison (pure, deterministic)."""
    return _normalised(text, {}, set())


class MatchTexts:
    """``match_text`` for many paragraphs: remembers canonical words between calls."""

    __slots__ = ("_memo", "_digit_words")

    def __init__(self) -> None:
        self._memo: dict[str, str] = {}
        self._digit_words: set[str] = set()

    def __call__(self, text: str) -> MatchText:
        return _normalised(text, self._memo, self._digit_words)
