"""Splitting plain text into paragraphs, finding the first sentence and deriving titles."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.paragraphs import ELLIPSIS, derive_title, first_sentence, split_paragraphs

LONG_LINE = "word " * 30  # 150 characters: longer than any hard-wrapped line


def test_one_paragraph_per_line_without_blank_lines() -> None:
    assert split_paragraphs("First line.\nSecond line.\n  Third, indented.  \n") == [
        "First line.",
        "Second line.",
        "Third, indented.",
    ]


def test_blank_line_blocks_join_hard_wrapped_lines_with_single_spaces() -> None:
    text = "The council voted\n   to extend the\nservice.\n\n\nA second\nparagraph.\n"
    assert split_paragraphs(text) == [
        "The council voted to extend the service.",
        "A second paragraph.",
    ]


def test_block_with_a_line_too_long_to_be_wrapped_keeps_one_paragraph_per_line() -> None:
    text = f"Headline\n\n{LONG_LINE.strip()}\nShort second paragraph.\n"
    assert split_paragraphs(text) == ["Headline", LONG_LINE.strip(), "Short second paragraph."]


@pytest.mark.parametrize("newline", ["\r\n", "\r"])
def test_windows_and_old_mac_line_endings(newline: str) -> None:
    assert split_paragraphs(newline.join(["One.", "Two.", ""])) == ["One.", "Two."]
    wrapped = newline.join(["One", "wrapped.", "", "Two", "wrapped."])
    assert split_paragraphs(wrapped) == ["One wrapped.", "Two wrapped."]


def test_blank_text_has_no_paragraphs() -> None:
    assert split_paragraphs(" \n\t\n\n") == []
    assert split_paragraphs("") == []


@pytest.mark.parametrize(
    ("text", "sentence"),
    [
        (
            "Mr. Smith met Dr. Jones at St. Paul's. Then they left.",
            "Mr. Smith met Dr. Jones at St. Paul's.",
        ),
        ("The U.S. and the U.K. signed. Others did not.", "The U.S. and the U.K. signed."),
        ("J. R. R. Tolkien wrote it. Critics agreed.", "J. R. R. Tolkien wrote it."),
        ("Growth was 3.5 percent. Prices fell.", "Growth was 3.5 percent."),
        ("Is it over? Nobody knows.", "Is it over?"),
        ('He said "Stop." Then he left.', 'He said "Stop."'),
        ("It ended at 5 p.m. on Friday. Then quiet.", "It ended at 5 p.m. on Friday."),
        ("No sentence end here", "No sentence end here"),
    ],
)
def test_first_sentence_does_not_break_on_abbreviations(text: str, sentence: str) -> None:
    assert first_sentence(text) == sentence


def test_short_first_sentence_is_the_title_without_its_full_stop() -> None:
    paragraphs = ["", "   ", "Kerry met Abbas in Amman. They talked for hours."]
    assert derive_title(paragraphs) == "Kerry met Abbas in Amman"


def test_title_keeps_a_question_mark_and_an_abbreviation_dot() -> None:
    assert derive_title(["Who won? The count goes on."]) == "Who won?"
    assert derive_title(["Talks resumed in the U.S."]) == "Talks resumed in the U.S."


def test_long_first_sentence_is_shortened_at_a_word_boundary() -> None:
    sentence = (
        "U.S. Secretary of State John Kerry has met with Israeli Prime Minister Benjamin "
        "Netanyahu, in a bid to revive Israeli-Palestinian peace negotiations."
    )
    title = derive_title([sentence + " The two men held talks."], max_length=80)
    assert len(title) <= 80
    assert title.endswith(ELLIPSIS)
    body = title.removesuffix(ELLIPSIS)
    assert sentence.startswith(body)
    # The cut falls between words, never inside one.
    assert sentence[len(body)] in " ,"


def test_one_huge_word_is_cut_rather_than_dropped() -> None:
    title = derive_title(["x" * 500], max_length=20)
    assert title == "x" * 19 + ELLIPSIS


def test_all_blank_paragraphs_give_no_title() -> None:
    assert derive_title(["", " \n "]) == ""
    assert derive_title([]) == ""


@given(
    paragraphs=st.lists(st.text(max_size=300), max_size=4),
    max_length=st.integers(min_value=1, max_value=120),
)
def test_derived_title_is_short_and_present_whenever_there_is_text(
    paragraphs: list[str], max_length: int
) -> None:
    title = derive_title(paragraphs, max_length=max_length)
    assert len(title) <= max_length
    assert bool(title) == any(p.strip() for p in paragraphs)
