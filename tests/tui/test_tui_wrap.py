"""The article pane's word wrap: lines fit, no word is lost, offsets index the original text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from rich.cells import cell_len

from tui.widgets.wrap import wrap_offsets

WORDS = st.lists(
    st.text(alphabet=st.sampled_from("abcXYZ日本é-"), min_size=1, max_size=30), max_size=40
)


@given(words=WORDS, spaces=st.integers(1, 3), width=st.integers(1, 60))
def test_lines_fit_and_keep_every_word_in_order(words: list[str], spaces: int, width: int) -> None:
    text = (" " * spaces).join(words)
    lines = [text[start:end] for start, end in wrap_offsets(text, width)]
    assert lines
    for line in lines:
        assert cell_len(line) <= max(width, 2)
        assert line == line.strip()
    assert "".join("".join(lines).split()) == "".join(words)


def test_breaks_at_spaces_and_cuts_only_words_wider_than_the_line() -> None:
    text = "one two three fourteen-letters"
    assert [text[s:e] for s, e in wrap_offsets(text, 9)] == [
        "one two",
        "three",
        "fourteen-",
        "letters",
    ]
    assert wrap_offsets("", 10) == [(0, 0)]
