"""Guess the ordinary spelling of all-capitals text (headlines) so the case rules can read it."""

from __future__ import annotations

import re
from collections.abc import Set

from reader.entities.lexicon import Lexicon

_CAPS_WORD = re.compile(r"[^\W\d_][^\W_]*(?:['’\-.][^\W_]+)*")
# Inflections stripped to find an ordinary word behind "LOWERS", "FIGHTS", "SEALED".
_SUFFIXES = ("ies", "es", "s", "ed", "d", "ing", "ly")


def recase(lex: Lexicon, paragraph: str, known: Set[str] = frozenset()) -> str:
    """``paragraph`` with each all-capitals word in the case it usually has; same length.

    ``known`` holds name words the rest of the article writes with a capital. Words in no
    list at all become lower case: in a headline they are far more often verbs and nouns
    ("DISMISSES", "HEADBUTT") than names the article never spells out.
    """
    words = list(_CAPS_WORD.finditer(paragraph))
    out = list(paragraph)
    i = 0
    while i < len(words):
        n = _place_phrase(lex, paragraph, words, i)
        for m in words[i : i + max(n, 1)]:
            word = m.group()
            new = _capitalise(word) if n else _recase_word(lex, word, known)
            if len(new) == len(word):
                out[m.start() : m.end()] = new
        i += max(n, 1)
    return "".join(out)


def _place_phrase(lex: Lexicon, paragraph: str, words: list[re.Match[str]], i: int) -> int:
    """Length of a place name of two or more words starting at ``words[i]`` ("NEW YORK")."""
    for n in range(min(lex.max_place_words, len(words) - i), 1, -1):
        span = words[i : i + n]
        if any(paragraph[a.end() : b.start()] != " " for a, b in zip(span, span[1:], strict=False)):
            continue
        if all(m.group().isupper() for m in span) and lex.place(
            " ".join(_capitalise(m.group()) for m in span)
        ):
            return n
    return 0


def _recase_word(lex: Lexicon, word: str, known: Set[str]) -> str:
    if not word.isupper() or "." in word:
        return word  # already mixed case, or an abbreviation such as "U.S."
    if len(word) <= 3 and lex.place(word) is not None:
        return word  # "US", "UK", "UAE"
    titled = _capitalise(word)
    if len(titled) != len(word):
        return word  # a letter whose case changes length: spans must stay put
    if titled in known or titled in lex.org_words or titled in lex.titles:
        return titled
    lower = word.lower()
    if _ordinary(lex, lower):
        return lower
    if len(word) <= 3:
        return word  # an acronym: "NYC", "IPO"
    if _listed(lex, titled):
        return titled
    return lower if len(lower) == len(word) else word


def _listed(lex: Lexicon, titled: str) -> bool:
    stem = re.split(r"['’]", titled, maxsplit=1)[0]
    return any(
        w in lex.first_names
        or w in lex.person_words
        or w in lex.demonyms
        or w in lex.stopwords
        or w in lex.non_entity_words
        or lex.place(w) is not None
        for w in {titled, stem}
    )


def _capitalise(word: str) -> str:
    # "PANAMA'S" -> "Panama's", "AL-ASSAD" -> "Al-Assad": each hyphenated part starts high.
    parts = word.lower().split("-")
    return "-".join(p[:1].upper() + p[1:] for p in parts)


def _ordinary(lex: Lexicon, lower: str) -> bool:
    if lower in lex.common_words:
        return True
    stem = re.split(r"['’]", lower, maxsplit=1)[0]
    if stem != lower and stem in lex.common_words:
        return True
    for suffix in _SUFFIXES:
        if lower.endswith(suffix) and len(lower) - len(suffix) >= 3:
            base = lower[: -len(suffix)]
            if base in lex.common_words or base + "e" in lex.common_words:
                return True
            if suffix == "ies" and base + "y" in lex.common_words:
                return True
    return False
