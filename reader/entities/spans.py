"""Word tokens of a paragraph and the runs of capitalised words that may name someone."""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass
from typing import NamedTuple

# A word starts with a letter and may carry inner apostrophes, hyphens and dots
# ("O'Neill", "al-Assad", "U.S"); a final dot is decided separately.
_WORD = re.compile(r"[^\W\d_](?:[\w]|['’\-.](?=[^\W_]))*\.?|\d[\w,.:/\-]*")
_POSSESSIVE = re.compile(r"['’]s?$")
# Lower-case particles that sit inside names: "Ludwig van Beethoven", "Osama bin Laden".
CONNECTORS = frozenset(
    {
        "de",
        "da",
        "das",
        "do",
        "dos",
        "del",
        "della",
        "di",
        "du",
        "van",
        "von",
        "der",
        "den",
        "ter",
        "la",
        "le",
        "bin",
        "ibn",
        "al",
        "el",
        "y",
        "of",
    }
)
# Abbreviations whose final dot belongs to the word.
_DOTTED = frozenset(
    {
        "Mr.",
        "Mrs.",
        "Ms.",
        "Dr.",
        "St.",
        "Sen.",
        "Rep.",
        "Gov.",
        "Gen.",
        "Lt.",
        "Col.",
        "Capt.",
        "Sgt.",
        "Maj.",
        "Adm.",
        "Prof.",
        "Rev.",
        "Jr.",
        "Sr.",
        "Mt.",
        "Ft.",
        "Co.",
        "Corp.",
        "Inc.",
        "Ltd.",
        "Calif.",
        "Fla.",
        "Mass.",
        "Ill.",
        "Pa.",
        "Va.",
        "Wash.",
        "Ore.",
        "Conn.",
        "Ariz.",
        "Colo.",
        "Mich.",
        "Minn.",
        "Tenn.",
        "Tex.",
        "Ky.",
        "Md.",
        "La.",
        "Ala.",
        "Ga.",
        "Okla.",
    }
)
_APOSTROPHES = ("'", "’")
_SENTENCE_END = frozenset('.!?:;"“”(-–—[')


class Token(NamedTuple):
    """One word of a paragraph; ``start``/``end`` index the paragraph string.

    A named tuple rather than a frozen dataclass: tokens are made by the ten thousand and
    tuple construction is several times cheaper.
    """

    start: int
    end: int
    text: str
    capitalised: bool
    sentence_start: bool
    possessive: bool
    """Followed by ``'s`` (or a bare apostrophe), which ends any name it is part of."""


def tokenize(paragraph: str) -> list[Token]:
    """Words of ``paragraph`` in order, with possessive endings split off."""
    tokens: list[Token] = []
    previous_end = 0
    previous_text = ""
    for match in _WORD.finditer(paragraph):
        start, end = match.span()
        text = match.group()
        if text[-1] == "." and not _keeps_dot(text):
            end -= 1
            text = text[:-1]
        possessive = False
        if "'" in text or "’" in text:
            poss = _POSSESSIVE.search(text)
            if poss and poss.start() > 0:
                end -= len(poss.group())
                text = text[: poss.start()]
                possessive = True
        if not possessive:
            after = paragraph[end : end + 3]
            if after[:1] in _APOSTROPHES and not after[1:2].isalpha():
                possessive = True
            elif after in (" 's", " ’s"):
                possessive = True  # tokenised text writes "Jordan 's"
        if not text or (text == "s" and paragraph[start - 1 : start] in _APOSTROPHES):
            continue
        if tokens and start - previous_end == 1 and paragraph[previous_end] == " ":
            # The common case, a single space: only an abbreviation's dot can end a sentence.
            sentence_start = previous_text[-1] == "." and len(previous_text) > 5
        else:
            sentence_start = _starts_sentence(
                paragraph[previous_end:start], previous_text, bool(tokens)
            )
        tokens.append(Token(start, end, text, text[0].isupper(), sentence_start, possessive))
        previous_end, previous_text = end, text
    return tokens


def _keeps_dot(text: str) -> bool:
    core = text[:-1]
    return "." in core or (len(core) == 1 and core.isupper()) or text in _DOTTED


def _starts_sentence(gap: str, previous: str, has_previous: bool) -> bool:
    """Whether a word opens a sentence, judged by the text since the previous word."""
    if not has_previous:
        return not gap.strip() or gap.rstrip()[-1] in _SENTENCE_END
    gap = gap.rstrip()
    if gap:
        return gap[-1] in _SENTENCE_END
    # "U.S. officials": a dot kept by a short abbreviation does not end the sentence.
    return previous.endswith(".") and len(previous) > 5


def position_of(tokens: Sequence[Token], token: Token) -> int:
    """Index of ``token`` in its paragraph's ``tokens`` (sorted by start)."""
    return bisect_left(tokens, token.start, key=_start)


def _start(token: Token) -> int:
    return token.start


@dataclass(frozen=True, slots=True)
class Run:
    """Consecutive capitalised tokens (with inner connectors) of one paragraph."""

    tokens: tuple[Token, ...]

    @property
    def text(self) -> str:
        return " ".join(t.text for t in self.tokens)


def capitalised_runs(paragraph: str, tokens: list[Token]) -> list[Run]:
    """Maximal runs of capitalised words separated only by spaces and connectors."""
    runs: list[Run] = []
    i = 0
    n = len(tokens)
    while i < n:
        if not tokens[i].capitalised:
            i += 1
            continue
        j = i
        while not tokens[j].possessive and j + 1 < n:
            nxt = tokens[j + 1]
            if not _only_space(paragraph, tokens[j].end, nxt.start):
                break
            if nxt.capitalised:
                j += 1
                continue
            # A connector joins only when another capitalised word follows it.
            if (
                nxt.text in CONNECTORS
                and j + 2 < n
                and tokens[j + 2].capitalised
                and not nxt.possessive
                and _only_space(paragraph, nxt.end, tokens[j + 2].start)
            ):
                j += 2
                continue
            break
        runs.append(Run(tuple(tokens[i : j + 1])))
        i = j + 1
    return runs


def _only_space(paragraph: str, start: int, end: int) -> bool:
    gap = paragraph[start:end]
    return 0 < len(gap) <= 2 and gap.isspace() or gap == ""
