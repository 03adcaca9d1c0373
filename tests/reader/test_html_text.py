"""HTML to paragraphs: blocks, lists, quotes, numbered links, dropped junk, and linear time."""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.html_text import BULLET, html_to_paragraphs, link_target, text_to_paragraphs


def test_block_elements_become_paragraphs_with_entities_decoded_and_whitespace_collapsed() -> None:
    markup = "<h1>Big\n  news</h1><p>Tom &amp; Jerry&nbsp;&#8212; <b>again</b></p><div>Last</div>"
    assert html_to_paragraphs(markup) == ("Big news", "Tom & Jerry \u2014 again", "Last")


def test_inline_elements_do_not_split_words() -> None:
    assert html_to_paragraphs("<p>un<em>break</em>able</p>") == ("unbreakable",)


def test_every_br_starts_a_new_paragraph_and_empty_ones_vanish() -> None:
    markup = "<p>First line<br>second line<br/><br />third</p>plain tail"
    assert html_to_paragraphs(markup) == ("First line", "second line", "third", "plain tail")


def test_lists_become_bullets_numbered_items_and_indented_nested_items() -> None:
    markup = (
        "<ul><li>one</li><li>two<ul><li>nested</li></ul></li></ul>"
        "<ol><li><p>first</p></li><li>second</li></ol><p>after</p>"
    )
    assert html_to_paragraphs(markup) == (
        f"{BULLET}one",
        f"{BULLET}two",
        f"  {BULLET}nested",
        "1. first",
        "2. second",
        "after",
    )


def test_an_empty_list_item_leaves_no_bullet_behind() -> None:
    assert html_to_paragraphs("<ul><li></li></ul><p>text</p>") == ("text",)


def test_blockquotes_are_prefixed_once_per_level() -> None:
    markup = "<p>He said:</p><blockquote><p>Go.</p><blockquote>Now.</blockquote></blockquote>x"
    assert html_to_paragraphs(markup) == ("He said:", "> Go.", "> > Now.", "x")


def test_links_are_numbered_after_their_text_and_listed_at_the_end() -> None:
    markup = (
        '<p>Read <a href="https://ex.example/a?x=1&amp;y=2">the report</a> and '
        '<a href="mailto:desk@ex.example">write</a>; see <a href="https://ex.example/a?x=1&y=2">'
        "it again</a>.</p>"
    )
    assert html_to_paragraphs(markup) == (
        "Read the report [1] and write [2]; see it again [1].",
        "[1] https://ex.example/a?x=1&y=2",
        "[2] mailto:desk@ex.example",
    )


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "java\nscript:alert(1)", "data:text/html,x"],
)
def test_only_web_and_mail_links_are_listed(href: str) -> None:
    assert html_to_paragraphs(f'<p><a href="{href}">click</a> here</p>') == ("click here",)


def test_relative_links_are_resolved_against_the_base_or_dropped() -> None:
    markup = '<p><a href="/story/2">next</a></p>'
    assert html_to_paragraphs(markup) == ("next",)
    assert html_to_paragraphs(markup, base_url="https://ex.example/story/1") == (
        "next [1]",
        "[1] https://ex.example/story/2",
    )


def test_a_link_whose_text_is_its_address_gets_no_number() -> None:
    markup = '<p>See <a href="https://ex.example/">https://ex.example/</a></p>'
    assert html_to_paragraphs(markup) == ("See https://ex.example/",)


def test_links_stay_plain_text_when_numbering_is_off() -> None:
    markup = 'A <a href="https://ex.example/">linked</a> title'
    assert html_to_paragraphs(markup, number_links=False) == ("A linked title",)


def test_scripts_styles_frames_media_and_comments_are_dropped() -> None:
    markup = (
        "<p>kept</p><script>var x = '<p>not text</p>';</script><style>p { color: red }</style>"
        "<iframe src='https://ads.example'>frame text</iframe><!-- a comment -->"
        "<svg><title>icon</title><text>svg text</text></svg><noscript>enable js</noscript>"
        "<SCRIPT type=x>shouting</SCRIPT ><p>also kept</p>"
    )
    assert html_to_paragraphs(markup) == ("kept", "also kept")


def test_pre_keeps_one_paragraph_per_line_with_its_indentation() -> None:
    markup = "<pre>def f():\n    return 1\n\n\tdone</pre>"
    assert html_to_paragraphs(markup) == ("def f():", "    return 1", "        done")


def test_text_without_tags_is_split_on_blank_lines() -> None:
    text = "First paragraph\ncontinues here.\n\nSecond &amp; last.\n"
    assert html_to_paragraphs(text) == ("First paragraph continues here.", "Second & last.")


def test_plain_text_is_not_unescaped() -> None:
    assert text_to_paragraphs("AT&amp;T\n\n  spaced   out  ") == ("AT&amp;T", "spaced out")


def test_broken_markup_still_gives_its_text() -> None:
    markup = "<p>open <b>never closed <i>deeper</p><div>a < b and c > d</div><p>tail <a href"
    assert html_to_paragraphs(markup) == (
        "open never closed deeper",
        "a < b and c > d",
        "tail <a href",
    )


def test_an_unterminated_comment_or_script_hides_the_rest_as_browsers_do() -> None:
    assert html_to_paragraphs("<p>before</p><!-- open <p>after</p>") == ("before",)
    assert html_to_paragraphs("<p>before</p><script>x = 1; <p>after</p>") == ("before",)


def test_link_target_rules() -> None:
    assert link_target("  https://ex.example/x  ") == "https://ex.example/x"
    assert link_target("https://ex.example/a b") == "https://ex.example/ab"
    assert link_target("x.html", base_url="http://ex.example/d/") == "http://ex.example/d/x.html"
    assert link_target("vbscript:x") == ""
    assert link_target("//evil.example/x") == ""
    assert link_target("https://ex.example/" + "a" * 5000) == ""


# Each repeated alone, these made the stdlib html.parser rescan the rest of its input.
_PATHOLOGICAL = ["<!--", "</", "<a ", "<!", "<?", '<a b="', "&#", "<![CDATA[", "<", "<div>", "<ul>"]


@pytest.mark.parametrize("unit", _PATHOLOGICAL)
def test_pathological_markup_takes_linear_time(unit: str) -> None:
    markup = unit * 50_000
    started = time.perf_counter()
    html_to_paragraphs(markup)
    # html.parser took over 4 s on 20,000 "<!--"; this needs a few milliseconds per 10,000.
    assert time.perf_counter() - started < 2.0


def test_deep_nesting_keeps_indentation_bounded() -> None:
    markup = "<ul>" * 10_000 + "<li>deep</li>" + "</ul>" * 10_000 + "<ul><li>top</li></ul>"
    paragraphs = html_to_paragraphs(markup)
    assert paragraphs[0].strip() == f"{BULLET}deep".strip()
    assert len(paragraphs[0]) < 40
    assert paragraphs[1] == f"{BULLET}top"


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_input_gives_clean_one_line_paragraphs(markup: str) -> None:
    for paragraph in html_to_paragraphs(markup):
        assert paragraph.strip()
        assert "\n" not in paragraph


@settings(max_examples=50, deadline=None)
@given(st.lists(st.from_regex(r"[A-Za-z0-9]{1,12}", fullmatch=True), min_size=1, max_size=30))
def test_every_word_of_tagged_text_survives(words: list[str]) -> None:
    markup = "<div><p>" + " <b>".join(words) + "</p></div>"
    assert " ".join(html_to_paragraphs(markup)).split() == words
