"""Split plain text into paragraphs and derive a title from an article's first sentence."""

from __future__ import annotations

import re
from collections.abc import Sequence

ELLIPSIS = "\u2026"

# Hard-wrapping tools break lines at 72-100 columns; a longer line inside a block means the
# writer put one paragraph per line, so such a block is not joined.
_WRAPPED_LINE_MAX = 100

# Lower-cased words that end with a dot without ending the sentence.
_ABBREVIATIONS = frozenset(
    """
    mr mrs ms mx dr st jr sr prof gen col lt sgt capt cpl maj adm gov sen rep rev hon pres
    supt insp det cmdr mt ft ave blvd rd no nos vol vols fig figs vs etc approx est dept univ
    inc ltd co corp bros assn jan feb mar apr jun jul aug sep sept oct nov dec
    """.split()
)

# A run of terminal punctuation, then any closing quotes or brackets, then whitespace or the end.
_SENTENCE_END = re.compile(r"[.!?\u2026]+[\"'\u201d\u2019)\]]*(?=\s|\Z)")
# "U.S", "J", "p.m": single letters joined by dots (the final dot is not part of the match).
_LETTER_DOTS = re.compile(r"(?:[^\W\d_]\.)*[^\W\d_]")
_OPENING_MARKS = "\"'\u201c\u2018([{"
_TRAILING_JUNK = " ,;:-\u2013\u2014(\"'\u201c\u2018"

# Sentence detection only needs the start of a very long paragraph.
_TITLE_SCAN_FACTOR = 4
_TITLE_SCAN_MIN = 1000


def normalise_newlines(text: str) -> str:
    """Turn Windows (CR LF) and old Mac (CR) line endings into LF."""
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def split_paragraphs(text: str) -> list[str]:
    """Split plain text into paragraphs, each stripped of surrounding whitespace.

    Without blank lines every non-blank line is a paragraph. With blank lines each block is a
    paragraph whose hard-wrapped lines are joined by single spaces; a block holding a line too
    long to be hard-wrapped is taken as one paragraph per line instead.
    """
    blocks: list[list[str]] = []
    current: list[str] = []
    for raw_line in normalise_newlines(text).split("\n"):
        line = raw_line.strip()
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    if len(blocks) == 1:
        return blocks[0]
    paragraphs: list[str] = []
    for block in blocks:
        if _is_hard_wrapped(block):
            paragraphs.append(" ".join(block))
        else:
            paragraphs.extend(block)
    return paragraphs


def _is_hard_wrapped(block: Sequence[str]) -> bool:
    # The last line of a wrapped paragraph may be of any length; the others never exceed the width.
    return len(block) > 1 and all(len(line) <= _WRAPPED_LINE_MAX for line in block[:-1])


def first_sentence(text: str) -> str:
    """The first sentence of ``text`` (all of it when no sentence end is found).

    Dots after abbreviations ("Mr.", "St."), initials ("J. R. R.", "U.S.") and inside numbers
    ("3.5") do not end a sentence, and neither does punctuation followed by a lower-case word.
    """
    for match in _SENTENCE_END.finditer(text):
        if _ends_sentence(text, match):
            return text[: match.end()]
    return text


def _ends_sentence(text: str, match: re.Match[str]) -> bool:
    following = text[match.end() :].lstrip()
    if following and following[0].islower():
        return False
    if match.group().startswith(".") and not match.group().startswith(".."):
        if _is_abbreviation(text[: match.start()]):
            return False
    return True


def _is_abbreviation(text_before_dot: str) -> bool:
    """Whether the word that ends ``text_before_dot`` is shortened or an initial, not a word."""
    words = text_before_dot.rsplit(None, 1)
    word = words[-1].lstrip(_OPENING_MARKS) if words else ""
    return bool(_LETTER_DOTS.fullmatch(word)) or word.lower() in _ABBREVIATIONS


def shorten(text: str, max_length: int) -> str:
    """``text`` cut at a word boundary with an ellipsis so that it has at most ``max_length``."""
    if len(text) <= max_length:
        return text
    budget = max(max_length - 1, 0)
    cut = text[:budget]
    if budget < len(text) and not text[budget].isspace():
        boundary = cut.rfind(" ")
        if boundary > 0:
            cut = cut[:boundary]
    cut = cut.rstrip(_TRAILING_JUNK)
    if not cut:
        # A single word longer than the limit: cut it rather than show only an ellipsis.
        cut = text[:budget]
    return cut + ELLIPSIS


def derive_title(paragraphs: Sequence[str], max_length: int = 80) -> str:
    """A title made of the first sentence of the first non-blank paragraph.

    The sentence loses a final full stop and is shortened at a word boundary with "…" to at most
    ``max_length`` characters. Returns "" when every paragraph is blank.
    """
    scan = max(max_length * _TITLE_SCAN_FACTOR, _TITLE_SCAN_MIN)
    for paragraph in paragraphs:
        text = " ".join(paragraph.lstrip()[:scan].split())
        if text:
            break
    else:
        return ""
    sentence = first_sentence(text)
    if sentence.endswith(".") and not sentence.endswith("..") and len(sentence) > 1:
        if not _is_abbreviation(sentence[:-1]):
            sentence = sentence[:-1]
    return shorten(sentence, max_length)
