"""The matching key: which differences normalisation erases and which it keeps."""

from __future__ import annotations

import pytest

from reader.normalize import match_text, strip_dateline

BODY = "Kerry met Jordan's King Abdullah in Amman on Thursday."


def key(text: str) -> str:
    return match_text(text).key


@pytest.mark.parametrize(
    ("left", "right"),
    [
        ('He said "it\'s over" today.', "He said \u201cit\u2019s over\u201d today."),
        ("Prices rose   sharply ,\tthen fell .", "Prices rose sharply, then fell."),
        ("The U.S. envoy met Mr. Abbas.", "The US envoy met Mr Abbas."),
        ("Profit rose 60% to $4.1bn.", "Profit rose 60 per cent to $4.1 billion."),
        ("A fine of £22,000 was paid.", "A fine of £22000 was paid."),
        ("The rate is 3.50 now.", "The rate is 3.5 now."),
        ("They didn't agree.", "They did not agree."),
        ("A wall \u2014 and a fence.", "A wall - and a fence."),
        ("Zero\u200bwidth text here.", "Zerowidth text here."),
    ],
)
def test_cosmetic_differences_give_equal_keys(left: str, right: str) -> None:
    assert key(left) == key(right)


@pytest.mark.parametrize(
    ("uk", "us"),
    [
        ("The colour of the centre's programme.", "The color of the center's program."),
        ("They organised the defence and travelled.", "They organized the defense and traveled."),
        ("Analysts analyse the labour market.", "Analysts analyze the labor market."),
        ("Her behaviour was honoured whilst abroad.", "Her behavior was honored while abroad."),
    ],
)
def test_uk_and_us_spellings_give_equal_keys(uk: str, us: str) -> None:
    assert key(uk) == key(us)


@pytest.mark.parametrize(
    "dateline",
    [
        "LONDON (Reuters) - ",
        "AMMAN, Jordan \u2014 ",
        "WASHINGTON, Dec 3 (AP) \u2014 ",
        "NEW YORK (Reuters) - ",
        "DUBLIN (AFP) - ",
        "(AFP) - ",
        "By Sarah Morris, Reuters: ",
    ],
)
def test_dateline_and_byline_prefixes_are_ignored(dateline: str) -> None:
    assert key(dateline + BODY) == key(BODY)
    assert strip_dateline(dateline + BODY) == BODY


@pytest.mark.parametrize(
    "text",
    [
        "The company - a maker of chips - said profits fell.",
        "US - China talks resumed on Monday.",
        "Mr Smith said: the plan is dead.",
    ],
)
def test_ordinary_openings_are_not_taken_for_datelines(text: str) -> None:
    assert strip_dateline(text) == text


def test_words_that_carry_meaning_stay_distinct() -> None:
    assert key("Rates rose by 0.25 points.") != key("Rates rose by 0.5 points.")
    assert key("The team won on Tuesday.") != key("The team lost on Tuesday.")
    assert key("They did agree.") != key("They did not agree.")


@pytest.mark.parametrize("ending", ["...", " ...", "\u2026", "..", "\u2026."])
def test_a_trailing_ellipsis_marks_a_truncated_copy(ending: str) -> None:
    text = match_text("The new health minister says there are lessons to learn" + ending)
    assert text.truncated
    assert text.key == key("The new health minister says there are lessons to learn")
    assert not match_text("The minister spoke. Then he left.").truncated


def test_names_are_capitalised_words_inside_a_sentence() -> None:
    text = match_text("The deal, Mr. Smith said, pleased Acme. But staff were wary.")
    flagged = {w for w, is_name in zip(text.words, text.names, strict=True) if is_name}
    assert flagged == {"mr", "smith", "acme"}


def test_words_and_key_agree() -> None:
    text = match_text("LONDON (Reuters) - Shares \u201cjumped\u201d 5% in early trade.")
    assert text.key == " ".join(text.words)
    assert len(text.words) == len(text.names)
    assert text.words == ("shares", "jumped", "5", "percent", "in", "early", "trade")


@pytest.mark.parametrize("blank", ["", "   ", "\t\n", "...", "\u2014 \u201c\u201d"])
def test_blank_or_punctuation_only_text_has_an_empty_key(blank: str) -> None:
    assert key(blank) == ""
