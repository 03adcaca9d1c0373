"""Make untrusted text safe to show in a terminal without changing its length."""

from __future__ import annotations

from functools import cache

# Bidirectional embeddings, overrides and isolates can reorder what a terminal shows.
_BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
_REPLACEMENT = "\ufffd"


@cache
def _table() -> dict[int, str]:
    """One character for one character, so mention offsets stay valid after sanitising."""
    table: dict[int, str] = {}
    for code in range(0x20):
        # C0 controls become their visible "control picture" (ESC shows as U+241B).
        table[code] = chr(0x2400 + code)
    table[0x09] = " "
    table[0x7F] = "\u2421"
    # Line and paragraph separators would break a rendered line in two.
    table[0x2028] = " "
    table[0x2029] = " "
    for code in range(0x80, 0xA0):
        table[code] = _REPLACEMENT
    for char in _BIDI_CONTROLS:
        table[ord(char)] = _REPLACEMENT
    return table


def safe_text(text: str) -> str:
    """Return ``text`` with every control, escape and bidi character made visible.

    The result has exactly the same length as ``text``: each unsafe character is replaced by one
    visible character, so spans computed on the original index the sanitised text too.
    """
    if text.isprintable():
        return text
    return text.translate(_table())


def was_sanitised(text: str) -> bool:
    """True when showing ``text`` needed :func:`safe_text` to change something."""
    return safe_text(text) != text
