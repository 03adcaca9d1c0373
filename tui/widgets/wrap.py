"""Greedy word wrap that returns offsets, so heights are cheap and lines render only on screen."""

from __future__ import annotations

import re

from rich.cells import cell_len

_WORD = re.compile(r"\S+")


def wrap_offsets(text: str, width: int) -> list[tuple[int, int]]:
    """``(start, end)`` of each line of ``text`` wrapped at ``width`` cells.

    Lines break at spaces, which are dropped at the break; a word wider than ``width`` is cut into
    pieces. Offsets index ``text`` itself, so styles set on character spans (such as mentions)
    carry over to the wrapped lines. Empty text still takes one line.
    """
    width = max(width, 1)
    lines: list[tuple[int, int]] = []
    start = end = used = 0
    for match in _WORD.finditer(text):
        word_start, word_end = match.span()
        word = match.group()
        word_width = cell_len(word)
        gap = cell_len(text[end:word_start]) if used else 0
        if used and used + gap + word_width <= width:
            end, used = word_end, used + gap + word_width
            continue
        if used:
            lines.append((start, end))
        start, used = word_start, 0
        while word_width > width:
            cut = _cut_at(word, width)
            lines.append((start, start + cut))
            start += cut
            word = word[cut:]
            word_width = cell_len(word)
        end, used = word_end, word_width
    if used or not lines:
        lines.append((start, end))
    return lines


def _cut_at(word: str, width: int) -> int:
    """How many characters of ``word`` fit in ``width`` cells (at least one)."""
    used = 0
    for index, char in enumerate(word):
        used += cell_len(char)
        if used > width:
            return max(index, 1)
    return len(word)
