"""Properties of ``safe_text``: nothing that can drive a terminal or hide text gets out."""

from __future__ import annotations

import unicodedata

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.sanitize import BIDI_CONTROLS, KEPT_FORMAT_CHARACTERS, REPLACEMENT, safe_text

C0 = {chr(code) for code in range(0x20)}
C1 = {chr(code) for code in range(0x80, 0xA0)}
DEL = "\x7f"
ESC = "\x1b"
LINE_SEPARATORS = {"\u2028", "\u2029"}
SELECTORS = {chr(code) for code in range(0xFE00, 0xFE10)} | {
    chr(code) for code in range(0xE0100, 0xE01F0)
}
TAGS = {chr(code) for code in range(0xE0000, 0xE0080)}
BLACK_FLAG = "\U0001f3f4"
ENGLAND = BLACK_FLAG + "".join(chr(0xE0000 + ord(c)) for c in "gbeng") + "\U000e007f"

# Characters the replacements may be: one printable, single-cell character each.
REPLACEMENTS = {" ", REPLACEMENT} | {chr(code) for code in range(0x2400, 0x2422)}

# Hypothesis rarely draws these from the whole of Unicode, so they are mixed in on purpose.
_HOSTILE = sorted(
    C0
    | C1
    | {DEL, "\u00ad", "\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\ufff9", "\ufffb"}
    | set(BIDI_CONTROLS)
    | LINE_SEPARATORS
    | {"\ufe0f", "\ufe0e", "\U000e0100", "\U000e0041", "\U000e007f", "\U000e0067", BLACK_FLAG}
    | {chr(0xD800), chr(0xDFFF), "[", "]", "$", "@", "=", "\u2764", "a", " "}
)
any_character = st.characters(exclude_categories=())  # surrogates included
hostile_text = st.lists(
    st.one_of(any_character, st.sampled_from(_HOSTILE), st.just(ENGLAND)), max_size=60
).map("".join)


def _is_format(char: str) -> bool:
    return unicodedata.category(char) == "Cf"


def _inside_flag(text: str, index: int) -> bool:
    """Whether ``text[index]`` is one of the tags of a subdivision flag sequence."""
    start = text.rfind(BLACK_FLAG, 0, index)
    if start < 0:
        return False
    tags = text[start + 1 : text.find("\U000e007f", start) + 1]
    return (
        start + len(tags) >= index
        and 2 <= len(tags) <= 7
        and tags[-1] == "\U000e007f"
        and all(char in TAGS for char in tags)
    )


@settings(max_examples=300, deadline=None)
@given(text=hostile_text)
def test_nothing_that_drives_a_terminal_survives(text: str) -> None:
    shown = safe_text(text)
    assert not set(shown) & (C0 | C1 | {DEL, ESC})
    assert not set(shown) & set(BIDI_CONTROLS)
    assert not set(shown) & LINE_SEPARATORS
    # Printable: no lone surrogate, so it can always be written out.
    shown.encode("utf-8")


@settings(max_examples=300, deadline=None)
@given(text=hostile_text)
def test_no_invisible_format_character_survives_except_the_kept_ones(text: str) -> None:
    shown = safe_text(text)
    for index, char in enumerate(shown):
        if char in TAGS:
            assert _inside_flag(shown, index), f"stray tag at {index}: {shown!r}"
        elif _is_format(char):
            assert char in KEPT_FORMAT_CHARACTERS


@settings(max_examples=300, deadline=None)
@given(text=hostile_text)
def test_variation_selectors_only_follow_a_character_they_can_select(text: str) -> None:
    shown = safe_text(text)
    for index, char in enumerate(shown):
        if char in SELECTORS:
            assert index > 0 and shown[index - 1] not in SELECTORS


@settings(max_examples=300, deadline=None)
@given(text=hostile_text)
def test_same_length_idempotent_and_one_visible_cell_per_replacement(text: str) -> None:
    shown = safe_text(text)
    assert len(shown) == len(text)
    assert safe_text(shown) == shown
    for original, char in zip(text, shown, strict=True):
        if char == original:
            continue
        # Mention offsets stay valid, and the line grows by at most one cell per replacement.
        assert char in REPLACEMENTS
        assert char.isprintable()
        assert unicodedata.east_asian_width(char) not in ("W", "F")
        assert not unicodedata.combining(char)


@settings(max_examples=300, deadline=None)
@given(
    text=st.text(
        st.characters(
            categories=("Lu", "Ll", "Lt", "Lm", "Lo", "Nd", "Nl", "No", "P", "S"),
            include_characters=" ",
        )
    )
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert safe_text(text) == text


def test_every_control_character_is_shown_as_something_visible() -> None:
    for char in sorted(C0 | C1 | {DEL}):
        shown = safe_text(f"a{char}b")
        assert shown[0] == "a" and shown[2] == "b"
        assert shown[1] != char and shown[1].isprintable()
    assert safe_text("\x1b[31mred") == "\u241b[31mred"
    assert safe_text("tab\there\nnext") == "tab here\u240anext"
    assert safe_text("\x9b2J") == REPLACEMENT + "2J"


def test_every_format_character_of_this_python_is_handled() -> None:
    """Guards the hand-written ranges against a newer Unicode database."""
    for code in range(0x110000):
        char = chr(code)
        if not _is_format(char) or char in KEPT_FORMAT_CHARACTERS:
            continue
        assert safe_text("x" + char)[1] == REPLACEMENT, f"U+{code:04X} passes through"


@pytest.mark.parametrize(
    ("attack", "expected"),
    [
        # "Trojan Source": the override makes the check read differently from what runs.
        (
            'if access != "user\u202e \u2066// admin\u2069 \u2066"',
            'if access != "user\ufffd \ufffd// admin\ufffd \ufffd"',
        ),
        ("pay\u200bpal", "pay\ufffdpal"),
        (
            "text\U000e0069\U000e0067\U000e006e\U000e006f\U000e0072\U000e0065",
            "text" + REPLACEMENT * 6,
        ),
        ("\ufff9base\ufffahidden note\ufffb", "\ufffdbase\ufffdhidden note\ufffd"),
        ("\ufeffBOM in the middle", "\ufffdBOM in the middle"),
        ("line\u2028break", "line break"),
        ("emoji\U0001f600" + "\ufe00\ufe01\ufe02", "emoji\U0001f600\ufe00" + REPLACEMENT * 2),
    ],
    ids=["trojan-source", "zero-width-space", "tag-smuggling", "annotation", "bom", "ls", "vs-run"],
)
def test_known_attacks_are_made_visible(attack: str, expected: str) -> None:
    assert safe_text(attack) == expected


@pytest.mark.parametrize(
    "legitimate",
    [
        "\u2764\ufe0f red heart",
        "\U0001f468\u200d\U0001f469\u200d\U0001f467 family",
        "#\ufe0f\u20e3 keycap",
        "\u0645\u06cc\u200c\u062e\u0648\u0627\u0647\u0645",  # Persian needs ZWNJ
        ENGLAND + " England flag",
        "co\u00adoperate",
        "\u845b\U000e0100 ideographic variant",
    ],
)
def test_text_that_needs_joiners_and_selectors_is_kept(legitimate: str) -> None:
    assert safe_text(legitimate) == legitimate


def test_markup_is_not_the_sanitisers_business() -> None:
    # Widgets never parse markup, so brackets and dollars are ordinary text and stay.
    for text in (
        "[bold red]x[/]",
        "[link=file:///etc/passwd]x[/link]",
        "[@click=app.quit]",
        "$accent",
    ):
        assert safe_text(text) == text
