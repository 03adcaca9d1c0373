"""Make untrusted text safe to show in a terminal without changing its length."""

from __future__ import annotations

import re
from functools import cache

REPLACEMENT = "\ufffd"

# Bidirectional embeddings, overrides, isolates and marks can reorder what a terminal shows.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"

# Format characters (category Cf) a reader needs to see text as written: the soft hyphen and the
# prepended concatenation marks are drawn, and ZWNJ/ZWJ shape Arabic, Indic and emoji sequences.
# Every other Cf character is invisible or changes how text is ordered or shown, so it is replaced.
KEPT_FORMAT_CHARACTERS = frozenset(
    "\u00ad\u0600\u0601\u0602\u0603\u0604\u0605\u06dd\u070f\u0890\u0891\u08e2"
    "\u200c\u200d\U000110bd\U000110cd"
)

# Invisible format characters of Unicode 14 (Python 3.11), other than the kept ones above and the
# tags, which are handled with their context. Listed rather than looked up so that the table is
# built without scanning every code point; a test checks it against ``unicodedata``.
_HIDDEN_FORMAT_RANGES = (
    (0x061C, 0x061C),  # arabic letter mark
    (0x180E, 0x180E),  # mongolian vowel separator
    (0x200B, 0x200B),  # zero width space
    (0x200E, 0x200F),  # left-to-right and right-to-left marks
    (0x202A, 0x202E),  # embeddings and overrides
    (0x2060, 0x2064),  # word joiner and invisible operators
    (0x2066, 0x206F),  # isolates and deprecated shaping controls
    (0xFEFF, 0xFEFF),  # zero width no-break space (a BOM inside text)
    (0xFFF9, 0xFFFB),  # interlinear annotation: the annotation can be hidden by the renderer
    (0x13430, 0x13438),  # egyptian hieroglyph format controls
    (0x1BCA0, 0x1BCA3),  # shorthand format controls
    (0x1D173, 0x1D17A),  # musical symbol beams and phrases
)

# A subdivision flag (England, Scotland, Wales) is a black flag, tag letters and a cancel tag;
# tags anywhere else only hide text ("ASCII smuggling").
_TAG = "\U000e0000-\U000e007f"
_FLAG_OR_TAG = re.compile(
    f"(\U0001f3f4[\U000e0030-\U000e0039\U000e0061-\U000e007a]{{1,6}}\U000e007f)|[{_TAG}]"
)
# One variation selector picks a glyph for the character before it; a run of them, or one with
# nothing to select, only carries hidden data.
_SELECTORS = "\ufe00-\ufe0f\U000e0100-\U000e01ef"
_STRAY_SELECTOR = re.compile(f"(?:^|(?<=[{_SELECTORS}]))[{_SELECTORS}]")
_HAS_SELECTOR = re.compile(f"[{_SELECTORS}]")
_HAS_TAG = re.compile(f"[{_TAG}]")


@cache
def _table() -> dict[int, str]:
    """One character for one character, so mention offsets stay valid after sanitising."""
    table: dict[int, str] = {}
    for code in range(0x20):
        # C0 controls become their visible "control picture" (ESC shows as U+241B). Tab and
        # newline too: every caller wraps text itself, so a raw line break would only break it.
        table[code] = chr(0x2400 + code)
    table[0x09] = " "
    table[0x7F] = "\u2421"
    # Line and paragraph separators would break a rendered line in two.
    table[0x2028] = " "
    table[0x2029] = " "
    for code in range(0x80, 0xA0):
        table[code] = REPLACEMENT
    for first, last in _HIDDEN_FORMAT_RANGES:
        for code in range(first, last + 1):
            table[code] = REPLACEMENT
    # A lone surrogate cannot even be encoded for output.
    for code in range(0xD800, 0xE000):
        table[code] = REPLACEMENT
    return table


def safe_text(text: str) -> str:
    """Return ``text`` with every control, escape, bidi and hidden character made visible.

    The result has exactly the same length as ``text``: each unsafe character is replaced by one
    visible, single-cell character (a control picture such as U+241B for ESC, a space for tab and
    line separators, U+FFFD otherwise), so spans computed on the original index the sanitised
    text too. Applying it twice changes nothing more.
    """
    if text.isascii():
        return text if text.isprintable() else text.translate(_table())
    if text.isprintable() and _HAS_SELECTOR.search(text) is None:
        return text
    if _HAS_TAG.search(text) is not None:
        text = _FLAG_OR_TAG.sub(_flag_or_replacement, text)
    if _HAS_SELECTOR.search(text) is not None:
        text = _STRAY_SELECTOR.sub(REPLACEMENT, text)
    return text.translate(_table())


def _flag_or_replacement(match: re.Match[str]) -> str:
    return match.group() if match.group(1) else REPLACEMENT


def was_sanitised(text: str) -> bool:
    """True when showing ``text`` needed :func:`safe_text` to change something."""
    return safe_text(text) != text
