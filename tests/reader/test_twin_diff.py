"""Word-level differences between a folded paragraph and its twin, and their one-line summary."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.twin_diff import DiffSpan, TwinDiff, describe_changes, twin_diff

TWIN = (
    "Officials said on Tuesday that 1,200 delegates from 14 countries would attend the summit "
    "in Amman, where Secretary Kerry is expected to meet King Abdullah."
)


def shown(text: str, spans: tuple[DiffSpan, ...]) -> list[str]:
    return [text[span.start : span.end] for span in spans]


def test_importing_twin_diff_leaves_rapidfuzz_unloaded() -> None:
    code = "import sys, reader.twin_diff; print('rapidfuzz' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize(
    ("old", "new"),
    [("Tuesday", "Wednesday"), ("1,200", "1,300"), ("14", "41"), ("Kerry", "Blinken")],
    ids=["day", "number", "digits-swapped", "name"],
)
def test_a_changed_word_number_or_name_is_highlighted(old: str, new: str) -> None:
    ours = TWIN.replace(old, new)
    diff = twin_diff(ours, TWIN)
    assert shown(ours, diff.ours) == [new]
    assert shown(TWIN, diff.theirs) == [old]
    assert not diff.identical()
    assert describe_changes(ours, TWIN, diff) == f'"{old}" \u2192 "{new}"'


@pytest.mark.parametrize(
    "variant",
    [
        TWIN.replace("'", "\u2019").replace('"', "\u201c"),
        TWIN.upper(),
        "  " + TWIN.replace(" ", "\n  ") + "  ",
        TWIN.replace(",", "").replace(".", "!"),
        TWIN.replace("1,200", "1200"),
        TWIN.replace("Kerry", "Kerry\u2014").replace("Amman,", "Amman \u2013"),
        "AMMAN, Jordan (Reuters) - " + TWIN,
        "By Sarah Morris, Reuters: " + TWIN,
    ],
    ids=[
        "quotes",
        "case",
        "whitespace",
        "punctuation",
        "thousands",
        "dashes",
        "dateline",
        "byline",
    ],
)
def test_noise_is_not_a_difference(variant: str) -> None:
    diff = twin_diff(variant, TWIN)
    assert diff == TwinDiff() and diff.identical()
    assert describe_changes(variant, TWIN, diff) == ""


def test_abbreviation_dots_and_apostrophes_are_noise() -> None:
    assert twin_diff("The U.S. envoy's visit", "The US envoys visit").identical()


def test_two_different_datelines_are_shown() -> None:
    ours = "PARIS (AFP) - " + TWIN
    diff = twin_diff(ours, "LONDON (Reuters) - " + TWIN)
    assert shown(ours, diff.ours) == ["PARIS (AFP)"]


def test_a_sign_or_decimal_change_is_shown() -> None:
    assert shown("fell to -5 degrees", twin_diff("fell to -5 degrees", "fell to 5 degrees").ours)
    assert not twin_diff("rates of 5.25 percent", "rates of 525 percent").identical()


def test_neighbouring_changed_words_form_one_span_with_the_space() -> None:
    ours = TWIN.replace("on Tuesday that", "late on Wednesday night that")
    diff = twin_diff(ours, TWIN)
    assert shown(ours, diff.ours) == ["late", "Wednesday night"]
    assert shown(TWIN, diff.theirs) == ["Tuesday"]
    assert describe_changes(ours, TWIN, diff) == '+"late", "Tuesday" \u2192 "Wednesday night"'


def test_a_dropped_and_an_added_sentence_are_counted() -> None:
    extra = " The talks are the first in two years. Both sides called them useful."
    longer = TWIN + extra
    dropped = twin_diff(TWIN, longer)
    assert dropped.ours == ()
    assert shown(longer, dropped.theirs) == [extra.strip().rstrip(".")]
    assert describe_changes(TWIN, longer, dropped) == "-2 sentences"
    added = twin_diff(longer, TWIN)
    assert describe_changes(longer, TWIN, added) == "+2 sentences"


def test_long_changes_are_clipped_and_many_are_cut_to_the_limit() -> None:
    ours = (
        TWIN.replace("Tuesday", "Wednesday")
        .replace("1,200", "900")
        .replace("summit", "conference")
        .replace("Amman", "Aqaba")
    )
    diff = twin_diff(ours, TWIN)
    assert describe_changes(ours, TWIN, diff, limit=2) == (
        '"Tuesday" \u2192 "Wednesday", "1,200" \u2192 "900", 2 more'
    )
    rewrite = "An entirely different paragraph about the weather and tomorrow's forecast."
    summary = describe_changes(rewrite, TWIN, twin_diff(rewrite, TWIN))
    assert "\u2026" in summary and summary.endswith(" more") and len(summary) <= 80


def test_summary_is_one_safe_line() -> None:
    ours = TWIN.replace("Tuesday", "Tues\x1b[2Jday\nnight")
    summary = describe_changes(ours, TWIN, twin_diff(ours, TWIN))
    assert "\x1b" not in summary and "\n" not in summary
    assert summary.startswith('"Tuesday" \u2192 "Tues')


VOCABULARY = ("kerry", "met", "abbas", "in", "amman", "on", "friday", "5", "12", "talks", "the")
SEPARATORS = (" ", "  ", ", ", ". ", "; ", "! ", "\n")


@st.composite
def texts(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(VOCABULARY), max_size=14))
    seps = draw(st.lists(st.sampled_from(SEPARATORS), min_size=len(words), max_size=len(words)))
    return "".join(w + s for w, s in zip(words, seps, strict=True))


any_text = st.one_of(texts(), st.text(max_size=60))


def well_formed(spans: tuple[DiffSpan, ...], text: str) -> bool:
    ends = [0] + [p for s in spans for p in (s.start, s.end)] + [len(text)]
    return all(a <= b for a, b in zip(ends, ends[1:], strict=False)) and all(
        s.start < s.end for s in spans
    )


@settings(max_examples=300, deadline=None)
@given(any_text, any_text)
def test_spans_are_in_bounds_sorted_disjoint_and_symmetric(ours: str, theirs: str) -> None:
    diff = twin_diff(ours, theirs)
    assert well_formed(diff.ours, ours) and well_formed(diff.theirs, theirs)
    mirrored = twin_diff(theirs, ours)
    assert mirrored.ours == diff.theirs and mirrored.theirs == diff.ours
    assert twin_diff(ours, ours).identical()
    summary = describe_changes(ours, theirs, diff)
    assert (summary == "") == diff.identical()
    assert "\n" not in summary


def outside(text: str, spans: tuple[DiffSpan, ...]) -> list[str]:
    kept = list(text)
    for span in spans:
        kept[span.start : span.end] = " " * (span.end - span.start)
    return re.findall(r"\w+", "".join(kept).lower())


@settings(max_examples=300, deadline=None)
@given(texts(), texts())
def test_the_words_outside_the_spans_are_the_same_on_both_sides(ours: str, theirs: str) -> None:
    diff = twin_diff(ours, theirs)
    assert outside(ours, diff.ours) == outside(theirs, diff.theirs)
    # Nothing is highlighted needlessly: the common words are a longest common subsequence.
    assert len(outside(ours, diff.ours)) == longest_common(
        re.findall(r"\w+", ours), re.findall(r"\w+", theirs)
    )


def longest_common(a: list[str], b: list[str]) -> int:
    table = [[0] * (len(b) + 1) for _ in range(len(a) + 1)]
    for i, x in enumerate(a):
        for j, y in enumerate(b):
            table[i + 1][j + 1] = (
                table[i][j] + 1 if x == y else max(table[i][j + 1], table[i + 1][j])
            )
    return table[-1][-1]
